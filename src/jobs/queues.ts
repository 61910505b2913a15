// Queue names, payloads and deterministic job ids in one place. Job ids never contain ':' (BullMQ uses it
// in its own keys) and are never all digits (BullMQ reserves numeric ids for its own counter).

export const QUEUE = {
  inbound: 'inbound',
  outbound: 'outbound',
  sweep: 'sweep',
} as const;

/** The daily sweep's job scheduler id: upserted by id, so restarts and many workers never make a second one. */
export const DAILY_SWEEP_SCHEDULER = 'daily-sweep';
/** Refreshes the dashboard's snapshot of a very large committee (src/dashboard/snapshot-source.ts). */
export const DASHBOARD_REFRESH_SCHEDULER = 'dashboard-refresh';

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

export interface InboundJob {
  eventId: string;
  /** The event's correlation id (its dedupe key), for the queue board; the worker reads it from the row. */
  cid?: string;
}

/** One delivery, or one batch of deliveries with identical content (sent in as few platform calls as allowed). */
export type OutboundJob = { deliveryId: string; batchId?: undefined } | { batchId: string; deliveryId?: undefined };

/**
 * Job ids carry the database's instance id (so do the queue names' prefix, see deps.ts): row ids restart
 * from 1 in a fresh database, and a new database sharing a Redis must not collide with another's jobs.
 */
export const jobId = {
  inbound: (instance: string, eventId: string) => `in-${instance}-${eventId}`,
  outbound: (instance: string, deliveryId: string) => `out-${instance}-${deliveryId}`,
  batch: (instance: string, batchId: string) => `batch-${instance}-${batchId}`,
};

/** Retry policy for both queues: exponential backoff from 2 s; rate-limit waits do not burn attempts. */
export const JOB_ATTEMPTS = 6;
export const JOB_BACKOFF = { type: 'exponential', delay: 2_000 } as const;
// Completed jobs are removed at once: PostgreSQL keeps the record, and a kept job would turn the relay's
// re-add of the same id into a no-op. Failed jobs stay a week for inspection (BullMQ keeps them forever otherwise).
export const REMOVE_ON_COMPLETE = true;
export const REMOVE_ON_FAIL = { age: 7 * 24 * 3_600 } as const;

const JOB_OPTS = { attempts: JOB_ATTEMPTS, backoff: JOB_BACKOFF, removeOnComplete: REMOVE_ON_COMPLETE, removeOnFail: REMOVE_ON_FAIL };

/** The addBulk entries for stored inbound events. */
export function inboundJobs(instance: string, eventIds: string[], cids?: ReadonlyMap<string, string>) {
  return eventIds.map((id) => {
    const cid = cids?.get(id);
    return { name: QUEUE.inbound, data: cid === undefined ? { eventId: id } : { eventId: id, cid }, opts: { ...JOB_OPTS, jobId: jobId.inbound(instance, id) } };
  });
}

/** The addBulk entries for recorded deliveries; a delivery with a not-before time waits as a delayed job. */
export function outboundJobs(instance: string, deliveryIds: string[], notBefore?: ReadonlyMap<string, Date>, nowMs = Date.now()) {
  return deliveryIds.map((id) => {
    const at = notBefore?.get(id);
    const delay = at ? Math.max(0, at.getTime() - nowMs) : 0;
    return { name: QUEUE.outbound, data: { deliveryId: id }, opts: { ...JOB_OPTS, jobId: jobId.outbound(instance, id), ...(delay > 0 ? { delay } : {}) } };
  });
}

/** The addBulk entries for delivery batches: one job per batch, however many recipients it holds. */
export function batchJobs(instance: string, batchIds: string[], notBefore?: Date, nowMs = Date.now()) {
  const delay = notBefore ? Math.max(0, notBefore.getTime() - nowMs) : 0;
  return batchIds.map((id) => ({
    name: QUEUE.outbound,
    data: { batchId: id },
    opts: { ...JOB_OPTS, jobId: jobId.batch(instance, id), ...(delay > 0 ? { delay } : {}) },
  }));
}
