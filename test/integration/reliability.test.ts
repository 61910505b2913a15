// Faults from RELIABILITY.md: Redis down while a callback arrives, PostgreSQL down during a callback,
// a job run twice, a worker that died holding a lease, and many concurrent callbacks on a small pool.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { startStack, waitFor, waitForQuiet, WECOM, type Stack } from '../helpers/stack.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.ts';
import { makeCallback, textMessageXml, toQueryString } from '../helpers/wecom-signer.ts';
import { relayOnce } from '../../workers/relay.ts';
import { createOutboundProcessor } from '../../workers/outbound.ts';
import { TEST_PG_ADMIN_URL } from '../helpers/env.ts';
import { DelayedError, type Job } from 'bullmq';
import type { OutboundJob } from '../../src/jobs/queues.ts';

let seq = 9_000_000_000_000_000_000n;
const now = () => Math.floor(Date.now() / 1000);
function callback(from: string, content = '帮助') {
  const xml = textMessageXml({ from, content, msgId: String(++seq), createTime: now(), corpId: WECOM.corpId, agentId: WECOM.agentId });
  return makeCallback({ ...WECOM, plaintextXml: xml });
}
const post = (s: Stack, cb: { query: Record<string, string>; body: string }) =>
  fetch(`${s.baseUrl}/wecom/callback?${toQueryString(cb.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });

let stack: Stack | undefined;
let redis: OwnRedis | undefined;
afterEach(async () => {
  await stack?.close();
  await redis?.stop();
  stack = undefined;
  redis = undefined;
});

describe('Redis is the transport, PostgreSQL the record', () => {
  it('with Redis down a callback is stored and acknowledged, and processed once Redis returns', async () => {
    redis = await startOwnRedis();
    stack = await startStack({ wecom: true, env: { REDIS_URL: redis.url }, members: ['offline', 'lostjob'] });
    await redis.stop();
    const res = await post(stack, callback('offline'));
    expect(res.status).toBe(200);
    const row = await stack.deps.db.db.selectFrom('inbound_events').selectAll().where('user_id', '=', 'offline').executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    const ready = await fetch(`${stack.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ database: 'ok', redis: 'unreachable' });

    // Redis comes back empty (it kept nothing): the relay enqueues what PostgreSQL holds.
    await redis.start();
    await stack.startWorkers();
    await waitFor(() => stack!.fake!.sent.some((m) => m.touser === 'offline'), 60_000, 'reply after Redis returned');
    expect(stack.fake!.sent.filter((m) => m.touser === 'offline')).toHaveLength(1);
  });

  it('jobs lost in a Redis restart are re-enqueued from PostgreSQL and delivered once', async () => {
    redis = await startOwnRedis();
    stack = await startStack({ wecom: true, env: { REDIS_URL: redis.url }, members: ['offline', 'lostjob'] });
    expect((await post(stack, callback('lostjob'))).status).toBe(200);
    // The job is in Redis; Redis dies before any worker ran it, and restarts with nothing.
    await redis.stop();
    await redis.start();
    await stack.startWorkers();
    await waitFor(() => stack!.fake!.sent.some((m) => m.touser === 'lostjob'), 60_000, 'reply after restart');
    await waitForQuiet(stack);
    expect(stack.fake!.sent.filter((m) => m.touser === 'lostjob')).toHaveLength(1);
  });

  it('warns when Redis may evict keys', async () => {
    redis = await startOwnRedis(['--maxmemory-policy', 'allkeys-lru']);
    const { assertRedisReachable } = await import('../../src/redis.ts');
    expect((await assertRedisReachable(redis.url)).evictionPolicy).toBe('allkeys-lru');
  });
});

describe('PostgreSQL down during a callback', () => {
  it('answers 503 (WeCom retries) and writes nothing; the retry is stored once', async () => {
    stack = await startStack({ wecom: true, dbKind: 'postgres' });
    const name = new URL(stack.db.url!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`alter database ${name} allow_connections false`);
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [name]);
      const cb = callback('pgdown');
      const res = await post(stack, cb);
      expect(res.status).toBe(503);
      const ready = await fetch(`${stack.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      await admin.query(`alter database ${name} allow_connections true`);
      // WeCom's retry of the same callback now lands, once.
      expect((await post(stack, cb)).status).toBe(200);
      expect((await post(stack, cb)).status).toBe(200);
      const rows = await stack.deps.db.db.selectFrom('inbound_events').select('id').where('user_id', '=', 'pgdown').execute();
      expect(rows).toHaveLength(1);
      expect(stack.logs.join('')).not.toContain('帮助');
    } finally {
      await admin.query(`alter database ${name} allow_connections true`).catch(() => {});
      await admin.end();
    }
  });

  it('200 concurrent callbacks on a pool of 2 connections are all stored', async () => {
    stack = await startStack({ wecom: true, dbKind: 'postgres', poolSize: 2 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => post(stack!, callback(`burst${i % 20}`, `m${i}`))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const c = await sql<{ n: string }>`select count(*) as n from inbound_events`.execute(stack.deps.db.db);
    expect(Number(c.rows[0]!.n)).toBe(200);
  });
});

describe('exactly once on the way out', () => {
  const fakeJob = (deliveryId: string) =>
    ({ data: { deliveryId }, attemptsMade: 0, opts: { attempts: 6 }, moveToDelayed: async () => {} }) as unknown as Job<OutboundJob>;

  it('a delivery job run twice (or concurrently) sends one message', async () => {
    stack = await startStack({ wecom: true });
    const [id] = await stack.deps.outbox.record([{ idempotencyKey: 'greeting-u1-2026', platform: 'wecom', recipient: 'twice', message: { type: 'text', content: '入党10周年快乐' } }]);
    const process = createOutboundProcessor(stack.deps);
    // The second run finds the row leased by the first and waits for the lease instead of sending — or, on a
    // busy machine where the first has already finished when it starts, finds it sent and skips it.
    const results = await Promise.allSettled([process(fakeJob(id!)), process(fakeJob(id!))]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    expect(fulfilled.filter((v) => v === 'sent')).toEqual(['sent']);
    expect(fulfilled.filter((v) => v !== 'sent')).toEqual(fulfilled.length === 2 ? ['skipped'] : []);
    expect(results.filter((r) => r.status === 'rejected').map((r) => r.reason)).toEqual(fulfilled.length === 2 ? [] : [expect.any(DelayedError)]);
    expect(await process(fakeJob(id!))).toBe('skipped');
    // Recording the same notice again inserts nothing.
    expect(await stack.deps.outbox.record([{ idempotencyKey: 'greeting-u1-2026', platform: 'wecom', recipient: 'twice', message: { type: 'text', content: 'x' } }])).toEqual([]);
    expect(stack.fake!.sent.filter((m) => m.touser === 'twice')).toHaveLength(1);
  });

  it('a delivery held by a worker that died is handed out again when its lease expires', async () => {
    stack = await startStack({ wecom: true });
    const [id] = await stack.deps.outbox.record([{ idempotencyKey: 'died-1', platform: 'wecom', recipient: 'orphan', message: { type: 'text', content: '提醒' } }]);
    await stack.deps.repos.deliveries.claim(id!, 120, ['wecom']);
    await stack.deps.db.db.updateTable('deliveries').set({ locked_until: new Date(Date.now() - 1_000) }).where('id', '=', id!).execute();
    const n = await relayOnce(stack.deps, { graceSeconds: 0 });
    expect(n.outbound).toBe(1);
    await stack.startWorkers();
    await waitFor(() => stack!.fake!.sent.some((m) => m.touser === 'orphan'), 60_000, 'redelivery');
    expect(stack.fake!.sent.filter((m) => m.touser === 'orphan')).toHaveLength(1);
  });

  it('an invalid user is recorded as failed and not retried', async () => {
    stack = await startStack({ wecom: true, workers: true });
    stack.fake!.inject('message/send', { errcode: 81013, times: 1 });
    await stack.deps.outbox.send([{ idempotencyKey: 'bad-user-1', platform: 'wecom', recipient: 'nobody', message: { type: 'text', content: 'x' } }]);
    const row = await waitFor(async () => {
      const r = await stack!.deps.db.db.selectFrom('deliveries').selectAll().where('idempotency_key', '=', 'bad-user-1').executeTakeFirst();
      return r && r.status === 'failed' ? r : undefined;
    });
    expect(row.error_code).toBe('81013');
    expect(row.attempts).toBe(1);
  });
});
