// A batch job: identical content to many recipients (a broadcast's part) in as few platform calls as the
// platform allows. Exactly-once stays the deliveries rows' job: only the batch's job sends them, under the
// batch's lease; each platform call's outcome is recorded for its recipients in one UPDATE. Before the first
// send attempt, recipients without a free per-member slot are split off into ordinary deliveries (their own
// delayed jobs); from then on the recipients are frozen, so a re-send after a crash between sending and
// recording is the identical request that the platform's duplicate check drops.
import { createHash } from 'node:crypto';
import { DelayedError, type Job } from 'bullmq';
import { servingPlatform, type Deps } from '../src/deps.ts';
import type { RecipientLimiter } from '../src/platforms/platform.ts';
import { PlatformSendError } from '../src/errors.ts';
import { outboundJobs, type OutboundJob } from '../src/jobs/queues.ts';
import type { MessageSender, OutboundMessage, SendOptions } from '../src/platforms/types.ts';
import { LeaseHeartbeat } from '../src/db/lease.ts';
import type { BatchMember } from '../src/db/delivery-batch-repository.ts';
import type { DeliveryBatchRow } from '../src/db/schema.ts';
import { holdUntil } from '../src/domain/quiet-hours.ts';
import { skipOrWaitForLease } from './lease.ts';
import { recordThroughOutage } from './database-outage.ts';
import { logFinalFailure, sendFailure } from './send-failure.ts';
import type { Logger } from '../src/logger.ts';

/** When a recipient the platform's flow control deferred is tried again. */
const DEFERRED_RETRY_MS = 60_000;

export function createBatchProcessor(deps: Deps, duplicateCheckSeconds: number) {
  const { repos, log } = deps;
  const batches = repos.deliveries.batches;
  const served = [...deps.platforms.keys()];

  async function processBatch(job: Job<OutboundJob>, token: string | undefined, batchId: string): Promise<string> {
    const batch = await batches.claim(batchId, deps.leaseSeconds, served);
    // Not ours to send (another platform), finished, or held by another worker.
    if (!batch) return skipOrWaitForLease(job, token, await batches.heldUntil(batchId));
    // What caused it (an OD's announcement: the inbound event's dedupe key; the sweep: `sweep-<date>`).
    const cidLog = batch.correlation_id === null ? log : log.child({ cid: batch.correlation_id });
    const heartbeat = new LeaseHeartbeat(
      () => batches.renew(batchId, batch.lease_token, deps.leaseSeconds),
      deps.leaseSeconds,
      () => cidLog.warn({ batchId }, 'batch lease lost to another worker while sending'),
      (err) => cidLog.warn({ batchId, err: { message: err.message } }, 'batch lease renewal failed'),
    );
    try {
      return await sendClaimed(job, token, batch, cidLog);
    } finally {
      heartbeat.stop();
    }
  }

  async function sendClaimed(job: Job<OutboundJob>, token: string | undefined, batch: DeliveryBatchRow & { lease_token: string }, log: Logger): Promise<string> {
    const lease = batch.lease_token;
    const waitWithoutAttempt = async (ms: number, reason: string, scheduled = false): Promise<never> => {
      await batches.release(batch.id, lease, scheduled ? undefined : { code: 'rate_limited', message: reason }, true);
      // Moving to delayed and throwing DelayedError does not count as a failed attempt (BullMQ).
      await job.moveToDelayed(Date.now() + (scheduled ? ms : Math.min(ms, deps.maxRateLimitWaitMs)), token);
      throw new DelayedError();
    };

    // A push batch keeps its hour as a single push does: not before its planned time, never in quiet hours.
    const nowDate = deps.clock();
    const waitUntil = holdUntil(batch, nowDate, deps.config.timezone, deps.config.quietHours);
    if (waitUntil) return waitWithoutAttempt(waitUntil.getTime() - nowDate.getTime(), 'waiting for its hour', true);

    // Claimed only for a platform served: it is there.
    const { platform, limiter } = servingPlatform(deps, batch.platform)!;
    const sender = platform.sender;
    const message = batch.message as OutboundMessage;
    let members = await batches.pendingMembers(batch.id);
    let frozen: DeliveryBatchRow | undefined = batch;
    if (batch.frozen_at === null) {
      members = await splitOffLimited(batch, members, platform.appKey, limiter, log);
      const recipientsDigest = createHash('sha256').update(members.map((m) => m.recipient).join('\n')).digest('hex');
      const duplicateCheck = !(await hasTwin(batch, members, message, recipientsDigest));
      frozen = await batches.freeze(batch.id, lease, { recipientsDigest, duplicateCheck });
      if (!frozen) return 'skipped'; // taken over meanwhile: the other run sends
    }
    const options: SendOptions = { deliveryRef: `b${batch.id}`, ...(frozen.duplicate_check ? { duplicateCheckSeconds } : {}) };
    try {
      if (sender.sendMany && message.type !== 'card_update') await sendInCalls(sender, batch, members, message, options, log);
      else await sendOneByOne(sender, batch, members, message, log);
      await batches.finish(batch.id, lease);
      log.info({ batchId: batch.id, platform: batch.platform, recipients: members.length }, 'batch sent');
      return 'sent';
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      const f = sendFailure(err, job);
      const { error: e, code } = f;
      // The platform's frequency limit (45009): the whole batch waits, its attempt given back.
      if (f.next === 'wait') {
        deps.metrics.deliveryParked(batch.platform, 'platform_limit');
        return waitWithoutAttempt(e.delayMs ?? 60_000, e.message);
      }
      if (f.next === 'fail') {
        const left = await batches.pendingMembers(batch.id);
        await batches.markFailed(batch.id, left.map((m) => m.id), { code, message: e.message });
        deps.metrics.deliveryFailed(batch.platform, code, left.length);
        await batches.finish(batch.id, lease, { code, message: e.message });
        logFinalFailure(log, f, { batchId: batch.id, recipients: left.length }, 'batch failed');
        return 'failed';
      }
      await batches.release(batch.id, lease, { code, message: e.message });
      deps.metrics.deliveryAttemptFailed(batch.platform, code);
      log.warn({ batchId: batch.id, code, attempt: job.attemptsMade + 1 }, 'batch attempt failed, will retry');
      throw e;
    }
  }

  /**
   * Recipients over the platform's per-member limit would have the message dropped silently: before the
   * first send they leave the batch and wait for their slot as ordinary deliveries, each with its own job.
   */
  async function splitOffLimited(batch: DeliveryBatchRow, members: BatchMember[], appKey: string, limiter: RecipientLimiter | undefined, log: Logger): Promise<BatchMember[]> {
    if (!limiter || members.length === 0) return members;
    const slots = await Promise.all(members.map((m) => limiter.acquire(appKey, m.recipient)));
    const waits = new Map<string, number>();
    members.forEach((m, i) => {
      const slot = slots[i]!;
      if (!slot.ok) waits.set(m.id, slot.retryInMs);
    });
    if (waits.size === 0) return members;
    const detached = new Set(await batches.detach(batch.id, [...waits.keys()]));
    const nowMs = Date.now();
    const at = new Map([...detached].map((id) => [id, new Date(nowMs + waits.get(id)!)]));
    try {
      await deps.queues.outbound.addBulk(outboundJobs(deps.instanceId, [...detached], at, nowMs));
    } catch (err) {
      log.warn({ err: { message: (err as Error).message }, count: detached.size }, 'redis unavailable: split-off deliveries left for the relay');
    }
    deps.metrics.deliveryParked(batch.platform, 'recipient_limit', detached.size);
    log.info({ batchId: batch.id, splitOff: detached.size }, 'recipients over the per-member limit sent on their own');
    return members.filter((m) => !detached.has(m.id));
  }

  /**
   * Whether an identical request (the same message to the same recipients) may have gone out within the
   * duplicate-check interval: then this batch must go without the check, or the platform would drop it.
   */
  async function hasTwin(batch: DeliveryBatchRow, members: BatchMember[], message: OutboundMessage, recipientsDigest: string): Promise<boolean> {
    const since = new Date(deps.clock().getTime() - duplicateCheckSeconds * 1_000);
    if (await batches.hasTwinSince(batch, recipientsDigest, since)) return true;
    const [only] = members;
    return members.length === 1 && repos.deliveries.hasTwinSince({ id: only!.id, platform: batch.platform, recipient: only!.recipient, message }, since);
  }

  async function sendInCalls(sender: MessageSender, batch: DeliveryBatchRow, members: BatchMember[], message: OutboundMessage, options: SendOptions, log: Logger): Promise<void> {
    const sendMany = sender.sendMany!.bind(sender);
    // A batch recorded for a larger call than this sender takes goes in several calls; each call's rows are
    // recorded together, so a re-run cuts the rest the same way.
    const per = Math.max(1, sender.maxRecipientsPerSend ?? members.length);
    for (let i = 0; i < members.length; i += per) {
      const call = members.slice(i, i + per);
      const { result, invalidUserIds, deferredUserIds = [] } = await sendMany(call.map((m) => m.recipient), message, options);
      const refused = new Set(invalidUserIds);
      const invalidIds = call.filter((m) => refused.has(m.recipient)).map((m) => m.id);
      if (invalidIds.length > 0) log.warn({ batchId: batch.id, invalid: invalidIds.length }, 'recipients refused by the platform (invaliduser)');
      // Left unsent by the platform's flow control: each goes again on its own, later, without spending an attempt.
      const deferred = new Set(deferredUserIds);
      const later = call.filter((m) => deferred.has(m.recipient)).map((m) => m.id);
      if (later.length > 0) await sendLater(batch, later, log);
      const done = call.filter((m) => !deferred.has(m.recipient)).map((m) => m.id);
      await recordThroughOutage(() => batches.markSent(batch.id, done, invalidIds, result), log, 'a sent batch', deps.leaseSeconds * 1_000);
      deps.metrics.deliverySent(batch.platform, done.length - invalidIds.length);
      deps.metrics.deliveryFailed(batch.platform, 'invaliduser', invalidIds.length);
    }
  }

  /** Recipients the platform deferred: ordinary deliveries, each with a job a minute from now. */
  async function sendLater(batch: DeliveryBatchRow, ids: readonly string[], log: Logger): Promise<void> {
    const detached = await batches.detachDeferred(batch.id, ids);
    const nowMs = Date.now();
    const at = new Map(detached.map((id) => [id, new Date(nowMs + DEFERRED_RETRY_MS)]));
    try {
      await deps.queues.outbound.addBulk(outboundJobs(deps.instanceId, detached, at, nowMs));
    } catch (err) {
      log.warn({ err: { message: (err as Error).message }, count: detached.length }, 'redis unavailable: deferred deliveries left for the relay');
    }
    log.info({ batchId: batch.id, deferred: detached.length }, 'recipients deferred by the platform sent again on their own');
  }

  /**
   * A sender without sendMany: the rows one by one, each recorded as it goes (still exactly once per row), each
   * request as a single delivery's (with the duplicate check unless a twin went to the same person).
   */
  async function sendOneByOne(sender: MessageSender, batch: DeliveryBatchRow, members: BatchMember[], message: OutboundMessage, log: Logger): Promise<void> {
    const since = new Date(deps.clock().getTime() - duplicateCheckSeconds * 1_000);
    for (const m of members) {
      try {
        const twin = await repos.deliveries.hasTwinSince({ id: m.id, platform: batch.platform, recipient: m.recipient, message }, since);
        const result = await sender.send(m.recipient, message, { deliveryRef: `d${m.id}`, ...(twin ? {} : { duplicateCheckSeconds }) });
        await recordThroughOutage(() => batches.markSent(batch.id, [m.id], [], result), log, 'a sent delivery', deps.leaseSeconds * 1_000);
        deps.metrics.deliverySent(batch.platform);
      } catch (err) {
        // One recipient refused fails only that row; anything else is the batch's to retry.
        if (!(err instanceof PlatformSendError) || err.kind !== 'fatal') throw err;
        const code = err.platformCode === undefined ? err.kind : String(err.platformCode);
        await batches.markFailed(batch.id, [m.id], { code, message: err.message });
        deps.metrics.deliveryFailed(batch.platform, code);
      }
    }
  }

  return processBatch;
}
