// Queue names, payloads and deterministic job ids in one place. Job ids never contain ':' (BullMQ uses it
// in its own keys) and are never all digits (BullMQ reserves numeric ids for its own counter).

export const QUEUE = {
  inbound: 'inbound',
  outbound: 'outbound',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

export interface InboundJob {
  eventId: string;
}

export interface OutboundJob {
  deliveryId: string;
}

export const jobId = {
  inbound: (eventId: string) => `in-${eventId}`,
  outbound: (deliveryId: string) => `out-${deliveryId}`,
};

/** Retry policy for both queues: exponential backoff from 2 s; rate-limit waits do not burn attempts. */
export const JOB_ATTEMPTS = 6;
export const JOB_BACKOFF = { type: 'exponential', delay: 2_000 } as const;
// Finished jobs are kept briefly for inspection, then removed (BullMQ keeps them forever otherwise).
export const REMOVE_ON_COMPLETE = { age: 3_600, count: 10_000 } as const;
export const REMOVE_ON_FAIL = { age: 7 * 24 * 3_600 } as const;
