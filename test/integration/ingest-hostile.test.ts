// One unstorable value fails only its own request, never its batch (RELIABILITY.md "Hostile data", issue 8
// point 5): the ingest on PostgreSQL and PGlite, with a real Redis queue, fed one batch of good events plus
// events carrying a NUL, a lone surrogate, or a key too large for PostgreSQL's index.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DB_KINDS, createTestDatabase, type TestDb } from '../helpers/db.ts';
import { cleanRedisPrefix, memoryLogger } from '../helpers/stack.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { InboundRepository, type NewInboundEvent } from '../../src/db/inbound-repository.ts';
import { InboundIngest, UnstorableEventError, DatabaseUnavailableError } from '../../src/ingest/inbound-ingest.ts';
import { QUEUE, type InboundJob } from '../../src/jobs/queues.ts';

const text = (key: string, userId: string, body: string): NewInboundEvent => ({
  platform: 'wecom',
  dedupeKey: key,
  userId,
  kind: 'text',
  payload: { kind: 'text', userId, text: body, msgId: key, createTime: 1 },
});

describe.each(DB_KINDS)('a hostile event in a batch on %s', (dbKind) => {
  let db: TestDb;
  let redis: Redis;
  let queue: Queue<InboundJob>;
  const prefix = `pct${randomBytes(5).toString('hex')}`;
  const { log, lines } = memoryLogger();
  let ingest: InboundIngest;

  beforeAll(async () => {
    db = await createTestDatabase(dbKind);
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue<InboundJob>(QUEUE.inbound, { connection: redis, prefix });
    ingest = new InboundIngest(new InboundRepository(db.db), queue, log, 'itest');
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await cleanRedisPrefix(prefix);
    await db.drop();
  });

  it('stores and enqueues the good ones, stores the NUL and the lone surrogate cleaned, refuses only the oversized key', async () => {
    const good = Array.from({ length: 8 }, (_, i) => text(`good-${dbKind}-${i}`, `user${i}`, `谈心 张伟 ${i}`));
    const nulText = text(`nul-${dbKind}`, 'nul\u0000user', '今天\u0000和张伟谈心了');
    const surrogate = text(`sur-${dbKind}`, 'suruser', `情绪稳定\uD800，谢谢\uDC00`);
    // Over PostgreSQL's btree row limit (2,704 bytes): the edge bounds WeCom's fields, but another path may not.
    const huge = text(`huge-${dbKind}-${randomBytes(2000).toString('hex')}`, 'hugeuser', 'x');
    const results = await Promise.allSettled([...good.slice(0, 4), nulText, huge, surrogate, ...good.slice(4)].map((e) => ingest.record(e)));

    const byKey = (k: string) => results[[...good.slice(0, 4), nulText, huge, surrogate, ...good.slice(4)].findIndex((e) => e.dedupeKey === k)]!;
    for (const g of good) expect(byKey(g.dedupeKey)).toMatchObject({ status: 'fulfilled', value: { status: 'new', enqueued: true } });
    expect(byKey(nulText.dedupeKey)).toMatchObject({ status: 'fulfilled', value: { status: 'new' } });
    expect(byKey(surrogate.dedupeKey)).toMatchObject({ status: 'fulfilled', value: { status: 'new' } });
    const refused = byKey(huge.dedupeKey);
    expect(refused.status).toBe('rejected');
    const reason = (refused as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(UnstorableEventError);
    expect(reason.httpStatus).toBe(400);

    const rows = await db.db.selectFrom('inbound_events').select(['id', 'dedupe_key', 'user_id', 'payload']).orderBy('id').execute();
    expect(rows).toHaveLength(10);
    const nulRow = rows.find((r) => r.dedupe_key === nulText.dedupeKey)!;
    expect(nulRow.user_id).toBe('nuluser');
    expect((nulRow.payload as { text: string }).text).toBe('今天和张伟谈心了');
    const surRow = rows.find((r) => r.dedupe_key === surrogate.dedupeKey)!;
    expect((surRow.payload as { text: string }).text).toBe('情绪稳定\uFFFD，谢谢\uFFFD');

    // Every stored row has its job; the refused one left neither row nor job.
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.map((j) => j.data.eventId).sort()).toEqual(rows.map((r) => r.id).sort());

    // The reason is logged: SQLSTATE and PostgreSQL's message, never the content.
    const all = lines.join('');
    expect(all).toContain('"sqlstate":"54000"');
    expect(all).not.toContain('hugeuser');
    expect(all).not.toContain('谈心');
  });

  it('a duplicate key inside a retried batch is still one row, the second a duplicate', async () => {
    const dup = text(`dup-${dbKind}`, 'dupuser', '你好');
    const huge = text(`huge2-${dbKind}-${randomBytes(2000).toString('hex')}`, 'hugeuser', 'x');
    const results = await Promise.allSettled([dup, huge, dup].map((e) => ingest.record(e)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'refused'))).toEqual(['new', 'refused', 'duplicate']);
  });

  it('a whole batch the database cannot take for another reason is 503 for all of them', async () => {
    // A database that has gone away: no SQLSTATE of a bad row, so no row is blamed and nothing is retried alone.
    const gone = await createTestDatabase(dbKind);
    await gone.drop();
    const down = new InboundIngest(new InboundRepository(gone.db), queue, log, 'itest');
    const results = await Promise.allSettled([text('a', 'u', 'x'), text('b', 'u', 'y')].map((e) => down.record(e)));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DatabaseUnavailableError);
    }
  });
});
