// The delivery backlog per platform, read by /readyz (app.ts) and the backlog gauges (ops/metrics.ts): one
// definition of "overdue" and one bounded read.
import type { DeliveryRepository } from '../db/delivery-repository.ts';
import { withTimeout } from '../redis.ts';

/** A delivery due this long and not sent counts as overdue. */
export const OVERDUE_SECONDS = 300;

export function readDeliveryBacklog(deliveries: DeliveryRepository, now: Date): Promise<Array<{ platform: string; unfinished: number; overdue: number }>> {
  return withTimeout(deliveries.backlog(now, OVERDUE_SECONDS), 2_000, 'db timeout');
}
