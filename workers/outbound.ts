// The outbound queue: one job per delivery, or per batch of identical content (outbound-batch.ts). Exactly-once is the deliveries row's job: a job claims the row,
// and a row already sent (or being sent by another worker) is skipped, however often the job runs. The gap
// between sending and recording the send (a crash there) is closed by the platform's own duplicate check:
// WeCom drops an identical request within the interval, and the request of a delivery is the same bytes on
// every attempt. A process claims only deliveries of the platforms it can send.
import { DelayedError, Worker, type Job } from 'bullmq';
import { servingPlatform, type Deps } from '../src/deps.ts';
import { QUEUE, type OutboundJob } from '../src/jobs/queues.ts';
import type { OutboundMessage } from '../src/platforms/types.ts';
import { skipOrWaitForLease } from './lease.ts';
import { LeaseHeartbeat } from '../src/db/lease.ts';
import type { DeliveryRow } from '../src/db/schema.ts';
import { recordThroughOutage, waitOutDatabaseOutage } from './database-outage.ts';
import { logFinalFailure, sendFailure } from './send-failure.ts';
import { holdUntil } from '../src/domain/quiet-hours.ts';
import { createBatchProcessor } from './outbound-batch.ts';
import type { Logger } from '../src/logger.ts';

/** WeCom's default interval; far longer than a lease plus every retry backoff, so a re-send falls inside it. */
export const DUPLICATE_CHECK_SECONDS = 1_800;

export function createOutboundProcessor(deps: Deps) {
  const { repos } = deps;
  const served = [...deps.platforms.keys()];
  const processBatch = createBatchProcessor(deps, DUPLICATE_CHECK_SECONDS);

  async function processOutbound(job: Job<OutboundJob>, token?: string): Promise<string> {
    if (job.data.batchId !== undefined) return processBatch(job, token, job.data.batchId);
    const { deliveryId } = job.data;
    const row = await repos.deliveries.claim(deliveryId, deps.leaseSeconds, served);
    // Not ours to send (another platform: the relay of a process that serves it enqueues it), finished, or
    // held by another worker.
    if (!row) return skipOrWaitForLease(job, token, await repos.deliveries.heldUntil(deliveryId));
    // What caused it (the inbound event's dedupe key, `sweep-<date>`) is in every line about its sending.
    const log = row.correlation_id === null ? deps.log : deps.log.child({ cid: row.correlation_id });
    const heartbeat = new LeaseHeartbeat(
      () => repos.deliveries.renew(deliveryId, row.lease_token, deps.leaseSeconds),
      deps.leaseSeconds,
      () => log.warn({ deliveryId }, 'delivery lease lost to another worker while sending'),
      (err) => log.warn({ deliveryId, err: { message: err.message } }, 'delivery lease renewal failed'),
    );
    try {
      return await sendClaimed(job, token, row, deliveryId, log);
    } finally {
      heartbeat.stop();
    }
  }

  async function sendClaimed(job: Job<OutboundJob>, token: string | undefined, row: DeliveryRow, deliveryId: string, log: Logger): Promise<string> {

    const waitWithoutAttempt = async (ms: number, reason: string, scheduled = false): Promise<never> => {
      await repos.deliveries.release(deliveryId, scheduled ? undefined : { code: 'rate_limited', message: reason }, true);
      // Moving to delayed and throwing DelayedError does not count as a failed attempt (BullMQ).
      await job.moveToDelayed(Date.now() + (scheduled ? ms : Math.min(ms, deps.maxRateLimitWaitMs)), token);
      throw new DelayedError();
    };

    // Automatic pushes keep their hour: not before their planned time, never in quiet hours (21:00–08:00).
    const nowDate = deps.clock();
    const waitUntil = holdUntil(row, nowDate, deps.config.timezone, deps.config.quietHours);
    if (waitUntil) return waitWithoutAttempt(waitUntil.getTime() - nowDate.getTime(), 'waiting for its hour', true);

    // Claimed only for a platform served: it is there.
    const { platform, limiter } = servingPlatform(deps, row.platform)!;
    const sender = platform.sender;
    if (limiter) {
      const slot = await limiter.acquire(platform.appKey, row.recipient);
      if (!slot.ok) {
        deps.metrics.deliveryParked(row.platform, 'recipient_limit');
        return waitWithoutAttempt(slot.retryInMs, 'per-recipient frequency limit');
      }
    }

    try {
      // A twin (the same message to the same person moments ago, a legitimate second reply) would make the
      // platform drop this one as a duplicate: send it without the check.
      const twin = await repos.deliveries.hasTwinSince(row, new Date(deps.clock().getTime() - DUPLICATE_CHECK_SECONDS * 1_000));
      const result = await sender.send(row.recipient, row.message as OutboundMessage, {
        deliveryRef: `d${deliveryId}`,
        ...(twin ? {} : { duplicateCheckSeconds: DUPLICATE_CHECK_SECONDS }),
      });
      await recordThroughOutage(() => repos.deliveries.markSent(deliveryId, result), log, 'a sent delivery', deps.leaseSeconds * 1_000);
      deps.metrics.deliverySent(row.platform);
      log.info({ deliveryId, platform: row.platform, attempt: job.attemptsMade + 1 }, 'delivery sent');
      return 'sent';
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      const f = sendFailure(err, job);
      const { error: e, code } = f;
      if (f.next === 'wait') {
        deps.metrics.deliveryParked(row.platform, 'platform_limit');
        return waitWithoutAttempt(e.delayMs ?? 60_000, e.message);
      }
      if (f.next === 'fail') {
        await repos.deliveries.markFailed(deliveryId, { code, message: e.message });
        deps.metrics.deliveryFailed(row.platform, code);
        logFinalFailure(log, f, { deliveryId, recipient: row.recipient }, 'delivery failed');
        return 'failed';
      }
      await repos.deliveries.release(deliveryId, { code, message: e.message });
      deps.metrics.deliveryAttemptFailed(row.platform, code);
      log.warn({ deliveryId, code, attempt: job.attemptsMade + 1 }, 'delivery attempt failed, will retry');
      throw e;
    }
  }

  return processOutbound;
}

export function startOutboundWorker(deps: Deps, concurrency = 16): Worker<OutboundJob> {
  const worker = new Worker<OutboundJob>(QUEUE.outbound, waitOutDatabaseOutage(deps.log, QUEUE.outbound, createOutboundProcessor(deps)), {
    connection: deps.workerConnection(),
    prefix: deps.queuePrefix,
    concurrency,
    // A job whose worker died is handed out again after its lock lapses; no later than the row's lease.
    lockDuration: Math.min(30_000, deps.leaseSeconds * 1_000),
    stalledInterval: Math.min(30_000, deps.leaseSeconds * 1_000),
  });
  worker.on('error', (err) => deps.log.warn({ err: { message: err.message } }, 'outbound worker error'));
  return worker;
}
