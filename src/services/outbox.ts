// The one way anything is sent: insert deliveries (UNIQUE idempotency key) — in the caller's transaction when
// it has one — then enqueue the new ones. If Redis is down they stay pending and the relay enqueues them.
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Kysely, Transaction } from 'kysely';
import { DeliveryRepository, type NewDeliveryInput } from '../db/delivery-repository.ts';
import type { NewBatchPart } from '../db/delivery-batch-repository.ts';
import type { Database } from '../db/schema.ts';
import { batchJobs, outboundJobs, type OutboundJob } from '../jobs/queues.ts';
import { withTimeout } from '../redis.ts';
import type { OutboundMessage, PlatformName } from '../platforms/types.ts';
import type { Route, RouteRequest } from './delivery-route.ts';
import { DeliveryRouter } from './delivery-router.ts';

/**
 * Identical content to many people (an announcement to a whole committee): one delivery per recipient — each
 * with its own idempotency key, so nobody gets it twice — sent in as few platform calls as the platform allows
 * (WeCom: up to 1,000 recipients per message/send). The deliveries are grouped in batches (delivery_batches),
 * one outbound job each.
 */
export interface BroadcastInput {
  platform: PlatformName;
  /** Names the broadcast (e.g. `announcement:12`): its batches are `<key>#<part>`. */
  key: string;
  recipients: ReadonlyArray<{ idempotencyKey: string; recipient: string }>;
  /** The message of one part (one platform call); a card's task id must differ per part. */
  message: (part: number) => OutboundMessage;
  /** An automatic push: held in quiet hours. */
  push?: boolean;
  notBefore?: Date;
  /** What caused it (the inbound event's dedupe key): the log's correlation id. */
  correlationId?: string;
}

/** What recordBroadcast stored, to hand to enqueueBroadcast after the transaction commits. */
export interface RecordedBroadcast {
  /** Every delivery inserted. */
  deliveryIds: string[];
  /** The batches inserted: one job each. */
  batchIds?: string[];
  /** New deliveries of a part recorded before (a recipient added later): sent on their own. */
  looseIds?: string[];
  notBefore?: Date | undefined;
}

/** Parts of a broadcast for a platform whose sender does not say: WeCom's touser limit. */
export const DEFAULT_RECIPIENTS_PER_SEND = 1_000;

export class Outbox {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly queue: Queue<OutboundJob>,
    private readonly log: Logger,
    private readonly instanceId: string,
    private readonly clock: () => Date = () => new Date(),
    /** Recipients per platform call, per platform (the serving sender's maxRecipientsPerSend). */
    private readonly recipientsPerSend: Partial<Record<PlatformName, number>> = {},
    /** Sends each recipient's message to the platform they are on; absent, as addressed. */
    private readonly router?: DeliveryRouter,
  ) {}

  /** Recipients of one platform call on `platform`: the size of a batch's part. */
  recipientsPerCall(platform: PlatformName): number {
    return Math.max(1, Math.floor(this.recipientsPerSend[platform] ?? DEFAULT_RECIPIENTS_PER_SEND));
  }

  /** Where each request goes (the router's answer); as addressed without a router. */
  async route(requests: readonly RouteRequest[], db?: Kysely<Database> | Transaction<Database>): Promise<Array<Route | undefined>> {
    if (!this.router) return requests.map((r) => ({ platform: r.platform, recipient: r.recipient }));
    return this.router.routes(requests, db);
  }

  /**
   * Records deliveries, each routed to the platform its recipient is on (one addressed to nobody is left out);
   * returns the ids that are new. Call `enqueue` with them after the transaction commits.
   */
  async record(items: NewDeliveryInput[], db?: Kysely<Database> | Transaction<Database>): Promise<string[]> {
    return recordRouted(this.deliveries, this.router, items, db);
  }

  /** Hands deliveries to the outbound queue. Never throws: a failure leaves them to the relay. */
  async enqueue(deliveryIds: string[], notBefore?: ReadonlyMap<string, Date>): Promise<boolean> {
    if (deliveryIds.length === 0) return true;
    try {
      // Chunks go out together: one pipeline each, so a morning's thousands of greetings cost few round trips.
      const nowMs = this.clock().getTime();
      const chunks: string[][] = [];
      for (let i = 0; i < deliveryIds.length; i += 2_000) chunks.push(deliveryIds.slice(i, i + 2_000));
      await withTimeout(
        Promise.all(chunks.map((chunk) => this.queue.addBulk(outboundJobs(this.instanceId, chunk, notBefore, nowMs)))),
        15_000,
        'enqueue timed out',
      );
      return true;
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message }, count: deliveryIds.length }, 'redis unavailable: deliveries stored, left for the relay');
      return false;
    }
  }

  /**
   * Records a broadcast's deliveries (those that are new) in batches of at most one platform call's recipients,
   * parts in a fixed order (by idempotency key), so that recording the same broadcast again inserts nothing.
   * Enqueue them with enqueueBroadcast after the commit.
   */
  async recordBroadcast(input: BroadcastInput, db?: Kysely<Database> | Transaction<Database>): Promise<RecordedBroadcast> {
    // Addressed to nobody (a member without a chat account) is not a delivery, as in insertNew.
    const wanted = input.recipients.filter((r) => r.recipient.trim() !== '');
    const routes = await this.route(
      wanted.map((r) => ({ platform: input.platform, recipient: r.recipient })),
      db,
    );
    // One platform call sends to one platform: the recipients are grouped by the platform they are on, the
    // broadcast's own platform first (its parts keep the keys `<key>#<part>`; others `<key>@<platform>#<part>`).
    const byPlatform = new Map<PlatformName, Array<{ idempotencyKey: string; recipient: string }>>([[input.platform, []]]);
    wanted.forEach((r, i) => {
      const route = routes[i];
      if (!route) return;
      const list = byPlatform.get(route.platform) ?? [];
      list.push({ idempotencyKey: r.idempotencyKey, recipient: route.recipient });
      byPlatform.set(route.platform, list);
    });
    const parts: NewBatchPart[] = [];
    let part = 0;
    for (const [platform, list] of byPlatform) {
      const size = this.recipientsPerCall(platform);
      const recipients = list.sort((a, b) => (a.idempotencyKey < b.idempotencyKey ? -1 : a.idempotencyKey > b.idempotencyKey ? 1 : 0));
      const prefix = platform === input.platform ? input.key : `${input.key}@${platform}`;
      for (let i = 0, own = 0; i < recipients.length; i += size, own++, part++) {
        parts.push({
          key: `${prefix}#${own}`,
          platform,
          // Numbered across platforms: a card's task id differs per part.
          message: input.message(part),
          push: input.push ?? false,
          notBefore: input.notBefore,
          rows: recipients.slice(i, i + size),
          correlationId: input.correlationId,
        });
      }
    }
    const inserted = await this.deliveries.batches.insertParts(parts, db);
    return { ...inserted, notBefore: input.notBefore };
  }

  /** Hands a recorded broadcast to the outbound queue (one job per batch). Never throws: a failure leaves it to the relay. */
  async enqueueBroadcast(recorded: RecordedBroadcast): Promise<boolean> {
    const at = recorded.notBefore;
    const batchIds = recorded.batchIds ?? [];
    // A RecordedBroadcast without batches (from before batches) names single deliveries.
    const singles = recorded.batchIds === undefined ? recorded.deliveryIds : (recorded.looseIds ?? []);
    let ok = true;
    if (batchIds.length > 0) {
      try {
        await withTimeout(this.queue.addBulk(batchJobs(this.instanceId, batchIds, at, this.clock().getTime())), 15_000, 'enqueue timed out');
      } catch (err) {
        this.log.warn({ err: { message: (err as Error).message }, batches: batchIds.length }, 'redis unavailable: batches stored, left for the relay');
        ok = false;
      }
    }
    const singlesOk = await this.enqueue(singles, at ? new Map(singles.map((id) => [id, at])) : undefined);
    return ok && singlesOk;
  }

  /** Hands batches to the outbound queue (one job each), each at its own time. Never throws: a failure leaves them to the relay. */
  async enqueueBatches(batches: ReadonlyArray<{ id: string; notBefore: Date }>): Promise<boolean> {
    if (batches.length === 0) return true;
    try {
      const nowMs = this.clock().getTime();
      await withTimeout(this.queue.addBulk(batches.flatMap((b) => batchJobs(this.instanceId, [b.id], b.notBefore, nowMs))), 15_000, 'enqueue timed out');
      return true;
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message }, batches: batches.length }, 'redis unavailable: batches stored, left for the relay');
      return false;
    }
  }

  /** Record and enqueue in one go, outside any transaction. */
  async send(items: NewDeliveryInput[]): Promise<string[]> {
    const ids = await this.record(items);
    await this.enqueue(ids);
    return ids;
  }
}

/**
 * Records deliveries routed to the platform each recipient is on (one addressed to nobody is left out); returns
 * the new ids. The outbox's way, and that of a process without a queue (the CLI: the service's relay sends them).
 */
export async function recordRouted(
  deliveries: DeliveryRepository,
  router: DeliveryRouter | undefined,
  items: NewDeliveryInput[],
  db?: Kysely<Database> | Transaction<Database>,
): Promise<string[]> {
  const wanted = items.filter((d) => d.recipient.trim() !== '');
  const routes = router ? await router.routes(wanted, db) : wanted.map((d) => ({ platform: d.platform, recipient: d.recipient }));
  const routed = wanted.flatMap((d, i) => {
    const r = routes[i];
    return r ? [{ ...d, platform: r.platform, recipient: r.recipient }] : [];
  });
  return deliveries.insertNew(routed, db);
}

/**
 * Records notices in the caller's transaction: through the outbox where the process has one, else routed straight
 * into the table (a process without a queue, such as the CLI: the service's relay sends them).
 */
export function recordNotices(
  outbox: Pick<Outbox, 'record'> | undefined,
  platforms: readonly PlatformName[],
  items: NewDeliveryInput[],
  trx: Transaction<Database>,
): Promise<string[]> {
  return outbox ? outbox.record(items, trx) : recordRouted(new DeliveryRepository(trx), new DeliveryRouter(trx, platforms), items, trx);
}
