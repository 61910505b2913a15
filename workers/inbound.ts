// The inbound queue: one job per stored event. Claims the event, has the conversation answer it (handle-event.ts),
// records the replies as deliveries and marks the event done in one transaction, then enqueues the deliveries.
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Deps } from '../src/deps.ts';
import { QUEUE, type InboundJob } from '../src/jobs/queues.ts';
import type { ConversationContext } from '../src/conversation/context.ts';
import { answer, conversationHandlers } from '../src/conversation/handle-event.ts';
import { localDate } from '../src/domain/dates.ts';
import { replyDelivery } from '../src/domain/quiet-hours.ts';
import { GROUP_RECIPIENT_PREFIX, qualifiedUser, type InboundEvent, type PlatformName } from '../src/platforms/types.ts';
import { MemberAddressRepository } from '../src/db/member-address-repository.ts';
import { skipOrWaitForLease } from './lease.ts';
import { LeaseHeartbeat } from '../src/db/lease.ts';
import { waitOutDatabaseOutage } from './database-outage.ts';
import { isDatabaseUnavailable } from '../src/db/unavailable.ts';
import { findMemberByUserid } from '../src/roster/responsibility.ts';
import { dashboardBaseUrl } from '../src/dashboard/sign-in.ts';
import type { BroadcastInput, RecordedBroadcast } from '../src/services/outbox.ts';

export function createInboundProcessor(deps: Deps) {
  const { repos, outbox } = deps;
  const handlers = conversationHandlers({ dashboardBaseUrl: dashboardBaseUrl(deps.config) });
  return async function processInbound(job: Job<InboundJob>, token?: string): Promise<string> {
    const { eventId } = job.data;
    const row = await repos.inbound.claim(eventId, deps.leaseSeconds);
    if (!row) return skipOrWaitForLease(job, token, await repos.inbound.heldUntil(eventId));
    // Every line about this event carries its correlation id (the dedupe key), as do the deliveries it makes.
    const cid = row.dedupe_key;
    const log = deps.log.child({ cid });
    const heartbeat = new LeaseHeartbeat(
      () => repos.inbound.renew(eventId, row.lease_token, deps.leaseSeconds),
      deps.leaseSeconds,
      () => log.warn({ eventId }, 'inbound lease lost to another worker while processing'),
      (err) => log.warn({ eventId, err: { message: err.message } }, 'inbound lease renewal failed'),
    );
    try {
      const platform = row.platform as PlatformName;
      // The conversation knows people by their account (members.userid) whatever platform they write from; a
      // stranger keeps their platform's id, qualified so that it never passes for an account.
      const received = row.payload as InboundEvent;
      const account = await new MemberAddressRepository(deps.db.db).accountOf(platform, received.userId);
      const event: InboundEvent = { ...received, userId: account ?? qualifiedUser(platform, received.userId) };
      const found = account === undefined ? undefined : await findMemberByUserid(deps.db.db, account);
      const identity = found && found.status === 'active' ? found : undefined;
      const now = deps.clock();
      const broadcasts: RecordedBroadcast[] = [];
      const ids = await deps.db.db.transaction().execute(async (trx) => {
        // A member's events are theirs by account (a question on DingTalk, its answer on WeCom); strangers ask nothing.
        if (account !== undefined) await repos.inbound.attribute(eventId, account, trx);
        const broadcast = async (input: Omit<BroadcastInput, 'platform'>) => {
          const recorded = await outbox.recordBroadcast({ ...input, platform, correlationId: cid }, trx);
          broadcasts.push(recorded);
          return recorded.deliveryIds.length;
        };
        const ctx: ConversationContext = {
          trx,
          eventId,
          event,
          identity,
          now,
          today: localDate(now, deps.config.timezone),
          timeZone: deps.config.timezone,
          quietHours: deps.config.quietHours,
          broadcast,
        };
        const replies = await answer(handlers, ctx);
        const inserted = await outbox.record(
          replies.map((r, i) => ({
            // Once per deployment, whichever platform the event came from (the admin API and the CLI use the first).
            idempotencyKey: r.onceKey ? `${deps.platform.name}-${r.onceKey}` : `reply-${eventId}-${i}`,
            platform,
            // The answer to the writer goes back where they wrote; cards to others where those are (preference order).
            sticky: r.recipient === undefined || r.recipient === event.userId || r.recipient.startsWith(GROUP_RECIPIENT_PREFIX),
            recipient: r.recipient ?? event.userId,
            message: r.message,
            // Only the answer to the writer goes at once; a card to someone else waits out quiet hours.
            ...replyDelivery(r.recipient ?? event.userId, event.userId, now, deps.config.timezone, deps.config.quietHours),
            correlationId: cid,
          })),
          trx,
        );
        // Another worker took the event over (this one stalled past its lease): its work stands, ours is undone.
        if (!(await repos.inbound.markDone(eventId, row.lease_token, trx))) throw new LeaseLostError();
        return inserted;
      });
      await outbox.enqueue(ids);
      for (const recorded of broadcasts) await outbox.enqueueBroadcast(recorded);
      log.info({ eventId, attempt: job.attemptsMade + 1, replies: ids.length, broadcastDeliveries: broadcasts.reduce((n, b) => n + b.deliveryIds.length, 0) }, 'inbound event handled');
      return `replied ${ids.length}`;
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      if (err instanceof LeaseLostError) {
        log.warn({ eventId }, 'inbound event taken over by another worker; this attempt rolled back');
        return 'taken over';
      }
      const message = (err as Error).message;
      // The database away is no reason to give up the event: the job runs again when PostgreSQL returns
      // (waitOutDatabaseOutage logs it). The release then likely fails too: the row is free when its lease ends.
      const unavailable = isDatabaseUnavailable(err);
      const final = !unavailable && job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) await repos.inbound.markFailed(eventId, message).catch(() => {});
      else await repos.inbound.release(eventId, message).catch(() => {});
      if (!unavailable) log.error({ eventId, attempt: job.attemptsMade + 1, final, err: { message } }, 'inbound event processing failed');
      throw err;
    } finally {
      heartbeat.stop();
    }
  };
}

class LeaseLostError extends Error {}

export function startInboundWorker(deps: Deps, concurrency = 8): Worker<InboundJob> {
  const worker = new Worker<InboundJob>(QUEUE.inbound, waitOutDatabaseOutage(deps.log, QUEUE.inbound, createInboundProcessor(deps)), {
    connection: deps.workerConnection(),
    prefix: deps.queuePrefix,
    concurrency,
    // A job whose worker died is handed out again after its lock lapses; no later than the row's lease.
    lockDuration: Math.min(30_000, deps.leaseSeconds * 1_000),
    stalledInterval: Math.min(30_000, deps.leaseSeconds * 1_000),
  });
  worker.on('error', (err) => deps.log.warn({ err: { message: err.message } }, 'inbound worker error'));
  return worker;
}
