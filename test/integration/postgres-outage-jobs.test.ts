// Issue 8.3: a job that meets the database away is not at fault. It waits for PostgreSQL without spending
// its attempts — spent, a long outage would fail it for good, and the relay's re-add of a failed job's id
// is a no-op — and is done once PostgreSQL returns. A private PostgreSQL is stopped for the test.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from 'bullmq';
import { loadConfig } from '../../src/config.ts';
import { connectDatabase, type DbHandle } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { buildDeps, type Deps } from '../../src/deps.ts';
import { startInboundWorker } from '../../workers/inbound.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.ts';
import { cleanRedisPrefix, memoryLogger, waitFor } from '../helpers/stack.ts';

let pg: OwnPostgres | undefined;
let db: DbHandle | undefined;
let deps: Deps | undefined;
let worker: Worker | undefined;
const { log, lines } = memoryLogger();
const queuePrefix = `pcpgo${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  pg = await startOwnPostgres();
  db = await connectDatabase({ databaseUrl: pg.url, poolSize: 4 });
  await migrateToLatest(db.db);
  deps = await buildDeps(loadConfig({ REDIS_URL: TEST_REDIS_URL, DATABASE_URL: pg.url, QUIET_HOURS: '' }), { log, db, queuePrefix });
}, 180_000);

afterAll(async () => {
  await worker?.close(true).catch(() => {});
  await deps?.close().catch(() => {});
  await db?.close().catch(() => {});
  await pg?.destroy();
  await cleanRedisPrefix(queuePrefix).catch(() => {});
});

describe('a job while PostgreSQL is away', () => {
  it('waits without spending its attempts and is done when PostgreSQL returns', async () => {
    const inserted = await deps!.repos.inbound.insertMany([
      { platform: 'local', dedupeKey: 'outage-1', userId: 'waiter', kind: 'text', payload: { kind: 'text', userId: 'waiter', text: '帮助', msgId: 'outage-1', createTime: 1_790_000_000 } },
    ]);
    const eventId = inserted.get('outage-1')!;
    await pg!.stop('immediate');
    worker = startInboundWorker(deps!);
    // One attempt only: had the outage spent it, the job would be failed for good.
    await deps!.queues.inbound.add('inbound', { eventId }, { jobId: `outage-${eventId}`, attempts: 1, removeOnComplete: true, removeOnFail: false });
    const waits = () => lines.filter((l) => l.includes('database unavailable: job waits for it')).length;
    await waitFor(() => waits() >= 2, 30_000, 'the job to meet the database away twice');
    expect(await deps!.queues.inbound.getFailedCount()).toBe(0);

    await pg!.start();
    await waitFor(async () => (await deps!.repos.inbound.get(eventId))?.status === 'done', 30_000, 'the event done after the return');
    const deliveries = await db!.db.selectFrom('deliveries').select('recipient').execute();
    expect(deliveries).toEqual([{ recipient: 'waiter' }]);
    expect(await deps!.queues.inbound.getFailedCount()).toBe(0);
  }, 180_000);
});
