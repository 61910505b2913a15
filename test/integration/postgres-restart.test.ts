// Issue 8.3: PostgreSQL stopped (`-m immediate`, a crash) and restarted (`-m fast`) under a load of signed
// WeCom callbacks. The real entry point runs as a child process (server, workers and relay together) on a
// private PostgreSQL: it must live through both, answer 503 while the database is away (never 500, never a
// hang), and once PostgreSQL is back answer every callback that got a 200 — and every 503 that WeCom
// retried — exactly once.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../../src/jobs/queues.ts';
import { SettingsRepository } from '../../src/db/settings-repository.ts';
import { connectDatabase, type DbHandle } from '../../src/db/connect.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { startFakeWecom, type FakeWecom } from '../helpers/fake-wecom.ts';
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.ts';
import { freePort } from '../helpers/redis-server.ts';
import { cleanRedisPrefix, waitFor, WECOM, wecomEnv } from '../helpers/stack.ts';
import { makeCallback, textMessageXml, toQueryString } from '../helpers/wecom-signer.ts';
import { runEntry, type RunningEntry } from '../helpers/processes.ts';

const REQUEST_TIMEOUT_MS = 10_000;
const CONNECTIONS = 20;

let pg: OwnPostgres | undefined;
let fake: FakeWecom | undefined;
let app: RunningEntry | undefined;
let db: DbHandle | undefined;
let baseUrl = '';
const exits: string[] = [];
const output = () => app?.output() ?? '';
const queuePrefix = `pcpgr${randomBytes(4).toString('hex')}`;
const sweepRedis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
let sweepQueue: Queue;

beforeAll(async () => {
  pg = await startOwnPostgres();
  fake = await startFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  // Its own process group: afterAll kills the whole group, whatever the test did.
  app = runEntry(['src/main.ts'], {
    DATABASE_URL: pg.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: process.env.PGR_LOG_LEVEL ?? 'warn',
    QUIET_HOURS: '',
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    // A row a worker held when the database vanished is taken again when its lease ends.
    JOB_LEASE_SECONDS: '5',
    ...wecomEnv(fake.baseUrl),
  });
  const started = app;
  void started.exited.then((code) => exits.push(`code ${code} signal ${started.signal()}`));
  await waitWhileAlive(() => fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false), 60_000, 'the app to be ready');
  db = await connectDatabase({ databaseUrl: pg.url, poolSize: 2 });
  // The app's queues are under QUEUE_PREFIX and its database's instance id (src/deps.ts).
  const instance = await new SettingsRepository(db.db).value('instance_id');
  sweepQueue = new Queue(QUEUE.sweep, { connection: sweepRedis, prefix: `${queuePrefix}-${String(instance)}` });
}, 120_000);

afterAll(async () => {
  app?.kill('SIGKILL');
  await app?.exited;
  await db?.close().catch(() => {});
  await pg?.destroy();
  await fake?.close().catch(() => {});
  await sweepQueue?.close().catch(() => {});
  sweepRedis.disconnect();
  await cleanRedisPrefix(queuePrefix).catch(() => {});
});

let msgSeq = 7_300_000_000_000_000_000n;
type Callback = ReturnType<typeof makeCallback> & { user: string };
function callback(user: string): Callback {
  const xml = textMessageXml({ from: user, content: '帮助', msgId: String(++msgSeq), createTime: Math.floor(Date.now() / 1000), corpId: WECOM.corpId, agentId: WECOM.agentId });
  return { ...makeCallback({ ...WECOM, plaintextXml: xml }), user };
}

/** One POST as WeCom makes it; a hang past the request timeout is an answer of its own ('hang'). */
async function post(cb: Callback): Promise<number | string> {
  try {
    const res = await fetch(`${baseUrl}/wecom/callback?${toQueryString(cb.query)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: cb.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + 5_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    return (err as Error).name === 'TimeoutError' ? 'hang' : `network: ${(err as Error).message}`;
  }
}

/** 20 connections posting callbacks back to back, each from a new user, until stopped. */
function startLoad(tag: string) {
  const acknowledged: Callback[] = [];
  const refused: Callback[] = [];
  const other: Array<{ user: string; answer: number | string }> = [];
  let stopping = false;
  let n = 0;
  const loops = Array.from({ length: CONNECTIONS }, async () => {
    while (!stopping) {
      const cb = callback(`${tag}${++n}`);
      const answer = await post(cb);
      if (answer === 200) acknowledged.push(cb);
      else if (answer === 503) refused.push(cb);
      else other.push({ user: cb.user, answer });
    }
  });
  return {
    acknowledged,
    refused,
    other,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

function alive(): boolean {
  return app !== undefined && app.child.exitCode === null && app.child.signalCode === null && exits.length === 0;
}

/** waitFor that gives up at once, with the app's last words, when the app has died. */
function waitWhileAlive<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  return waitFor(async () => {
    if (!alive()) throw new Error(`the app died (${exits.join(', ')}) waiting for ${what}:\n${output().slice(-4_000)}`);
    return fn();
  }, timeoutMs, what);
}

/** WeCom retries a refused callback (the very same request) until it gets a 200. */
async function retryUntilAcknowledged(cbs: Callback[]): Promise<void> {
  const queue = [...cbs];
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let cb = queue.shift(); cb; cb = queue.shift()) {
        const retried = cb;
        await waitFor(async () => (await post(retried)) === 200, 30_000, `a 200 for the retried callback of ${retried.user}`);
      }
    }),
  );
}

/**
 * Every acknowledged user has had exactly one reply (counting WeCom's messages from `sentFrom` on), and
 * nothing is left to do that could send another.
 */
async function expectEachRepliedOnce(users: string[], sentFrom: number): Promise<void> {
  await waitWhileAlive(
    async () => {
      const left = await db!.db
        .selectFrom('inbound_events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '<>', 'done')
        .executeTakeFirstOrThrow();
      const unsent = await db!.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '<>', 'sent')
        .executeTakeFirstOrThrow();
      return Number(left.n) === 0 && Number(unsent.n) === 0 && users.every((u) => fake!.sent.some((m) => m.touser === u));
    },
    120_000,
    'every acknowledged callback processed and replied to',
  ).catch(async (err) => {
    const events = await db!.db.selectFrom('inbound_events').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
    const deliveries = await db!.db.selectFrom('deliveries').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
    const missing = users.filter((u) => !fake!.sent.some((m) => m.touser === u));
    throw new Error(`${(err as Error).message}: events ${JSON.stringify(events)}, deliveries ${JSON.stringify(deliveries)}, no reply for ${missing.slice(0, 20).join(' ')} (${missing.length})`);
  });
  const replies = new Map<string, number>();
  for (const m of fake!.sent.slice(sentFrom)) replies.set(m.touser, (replies.get(m.touser) ?? 0) + 1);
  const doubled = [...replies].filter(([, count]) => count > 1);
  expect(doubled).toEqual([]);
  for (const u of users) expect(replies.get(u), u).toBe(1);
  expect(fake!.sent.length - sentFrom).toBe(users.length);
}

async function readiness(): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return { status: res.status, body: await res.json() };
}

describe('PostgreSQL restarted under a callback load (issue 8.3)', () => {
  it('an immediate stop (a crash): 503 meanwhile, the process lives, everything answered once afterwards', async () => {
    const load = startLoad('crash');
    try {
      await waitWhileAlive(() => load.acknowledged.length >= 100, 60_000, '100 callbacks stored before the crash');
      await pg!.stop('immediate');
      await waitWhileAlive(() => load.refused.length >= 20, 60_000, 'callbacks refused with 503 while the database is away');
      expect(await readiness()).toMatchObject({ status: 503, body: { database: 'unreachable', redis: 'ok' } });
      expect(alive()).toBe(true);
      // A sweep asked for while the database is away waits for it (its attempts unspent) and then runs.
      await sweepQueue.add('catch-up', {}, { jobId: 'catch-up-during-outage', removeOnComplete: false, removeOnFail: false });
      const acknowledgedBeforeReturn = load.acknowledged.length;
      await pg!.start();
      await waitWhileAlive(() => load.acknowledged.length >= acknowledgedBeforeReturn + 100, 60_000, '100 callbacks stored after the return');
    } finally {
      await load.stop();
    }
    expect(load.other).toEqual([]);
    expect(alive()).toBe(true);
    await retryUntilAcknowledged(load.refused);
    expect((await readiness()).status).toBe(200);
    const users = [...load.acknowledged, ...load.refused].map((cb) => cb.user);
    await expectEachRepliedOnce(users, 0);
    await waitWhileAlive(async () => (await sweepQueue.getJobState('catch-up-during-outage')) === 'completed', 120_000, 'the sweep asked for during the outage to complete').catch(async (err) => {
      const job = await sweepQueue.getJob('catch-up-during-outage');
      const active = await sweepQueue.getJobs(['active', 'delayed', 'waiting', 'failed', 'completed']);
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await Promise.all(active.map(async (j) => [j.id, j.name, await j.getState(), j.attemptsMade, j.failedReason, j.processedOn])))} ${await job?.getState()} ${job?.failedReason ?? ''} attempts ${job?.attemptsMade}\n${output().split('\n').filter((l) => l.includes('sweep')).slice(-30).join('\n')}`);
    });
    expect(output().split('\n').some((l) => l.includes('"queue":"sweep"') && l.includes('job waits for it'))).toBe(true);
    expect(alive()).toBe(true);
    expect(output()).not.toMatch(/uncaught|unhandled/i);
    // The lost connections were noticed and logged as warnings; nothing was logged as an error.
    expect(output()).toContain('database connection lost');
    expect(output().split('\n').filter((l) => l.includes('"level":50'))).toEqual([]);
  }, 300_000);

  it('a fast restart (sessions terminated, 57P01): the process lives, no 500, everything answered once', async () => {
    const sentBefore = fake!.sent.length;
    const load = startLoad('restart');
    try {
      await waitWhileAlive(() => load.acknowledged.length >= 100, 60_000, '100 callbacks stored before the restart');
      const acknowledgedBeforeRestart = load.acknowledged.length;
      await pg!.restart('fast');
      await waitWhileAlive(() => load.acknowledged.length >= acknowledgedBeforeRestart + 100, 60_000, '100 callbacks stored after the restart');
    } finally {
      await load.stop();
    }
    expect(load.other).toEqual([]);
    expect(alive()).toBe(true);
    await retryUntilAcknowledged(load.refused);
    const users = [...load.acknowledged, ...load.refused].map((cb) => cb.user);
    await expectEachRepliedOnce(users, sentBefore);
    expect(alive()).toBe(true);
    expect(output()).not.toMatch(/uncaught|unhandled/i);
  }, 300_000);
});
