// The sweep's dependencies for tests that run it on a test database: WeCom, Shanghai time, a silent log, the
// test's clock, and an outbox that only records what it was asked to enqueue.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import type { SweepDeps } from '../../src/notices/sweep.ts';
import type { Outbox } from '../../src/services/outbox.ts';
import { memoryLogger } from './stack.ts';

export function sweepTestDeps(db: Kysely<Database>, clock: () => Date, enqueued: string[][] = []): SweepDeps {
  return {
    db,
    outbox: { enqueue: async (ids: string[]) => (enqueued.push(ids), true) } as unknown as Outbox,
    log: memoryLogger('silent').log,
    timezone: 'Asia/Shanghai',
    platform: 'wecom',
    clock,
  };
}
