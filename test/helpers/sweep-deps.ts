// The sweep's dependencies for tests that run it on a test database: WeCom, Shanghai time, a silent log, the
// test's clock, and an outbox that only records what it was asked to enqueue.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import type { SweepDeps } from '../../src/notices/sweep.ts';
import type { Outbox } from '../../src/services/outbox.ts';
import { memoryLogger } from './stack.ts';
import { DeliveryRouter } from '../../src/services/delivery-router.ts';
import type { RouteRequest } from '../../src/services/delivery-route.ts';

export function sweepTestDeps(db: Kysely<Database>, clock: () => Date, enqueued: string[][] = [], enqueuedBatches: string[][] = []): SweepDeps {
  return {
    db,
    // Routed by the real router (a WeCom deployment: 1,000 recipients a call); enqueueing only recorded.
    outbox: {
      enqueue: async (ids: string[]) => (ids.length > 0 && enqueued.push(ids), true),
      enqueueBatches: async (batches: Array<{ id: string }>) => (batches.length > 0 && enqueuedBatches.push(batches.map((b) => b.id)), true),
      recipientsPerCall: () => 1_000,
      route: (requests: RouteRequest[], on?: Kysely<Database>) => new DeliveryRouter(db, ['wecom']).routes(requests, on),
    } as unknown as Outbox,
    log: memoryLogger('silent').log,
    timezone: 'Asia/Shanghai',
    platform: 'wecom',
    clock,
  };
}
