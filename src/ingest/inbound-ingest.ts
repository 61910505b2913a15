// The durable receive path shared by every platform: record in PostgreSQL under a UNIQUE dedupe key, then
// hand to BullMQ. PostgreSQL is the record, Redis the transport: if Redis is down the event stays pending
// and the relay enqueues it later; if PostgreSQL is down the caller answers 503 so the platform retries.
// One event PostgreSQL refuses as data fails only its own request (400), never the batch it came in.
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { InboundRepository, NewInboundEvent } from '../db/inbound-repository.ts';
import { AppError } from '../errors.ts';
import { inboundJobs, type InboundJob } from '../jobs/queues.ts';
import { withTimeout } from '../redis.ts';
import { Batcher } from './batcher.ts';
import { storable, storableText } from './storable.ts';

export class DatabaseUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('database_unavailable', 'database unavailable', 503);
    (this as Error & { cause?: unknown }).cause = cause;
  }
}

/** PostgreSQL refused this one event's data: the platform must not retry it (400). */
export class UnstorableEventError extends AppError {
  constructor(
    readonly sqlstate: string,
    cause: unknown,
  ) {
    super('unstorable_event', '消息含有无法保存的内容，请修改后重新发送', 400);
    (this as Error & { cause?: unknown }).cause = cause;
  }
}

/** The SQLSTATE of a PostgreSQL error (node-postgres and PGlite both set `code`); undefined for anything else. */
function sqlstateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Errors that are the row's own fault: class 22 (data exception: bad encoding, value too long, bad JSON) and
 * class 54 (program limit exceeded: a key too large for its index). Anything else — connection lost, pool
 * exhausted, shutting down — is the database's, and every event waiting on it gets 503.
 */
function isRowsFault(err: unknown): boolean {
  const state = sqlstateOf(err);
  return state !== undefined && (state.startsWith('22') || state.startsWith('54'));
}

/** The reason for the log: SQLSTATE and PostgreSQL's message (no DETAIL, which may quote the value). */
function reasonOf(err: unknown): { sqlstate: string | undefined; reason: string } {
  return { sqlstate: sqlstateOf(err), reason: String((err as Error | null)?.message ?? err).slice(0, 300) };
}

export type IngestOutcome = { status: 'new'; eventId: string; enqueued: boolean } | { status: 'duplicate' };

export class InboundIngest {
  // One batch goes through both steps: its INSERT, then — in the callback where PostgreSQL answers — one
  // addBulk of the rows it created. (A separate batcher for the enqueue cost a second promise per event and
  // flushed only at the end of the event-loop turn, after every HTTP request read in that turn.)
  private readonly batches: Batcher<NewInboundEvent, IngestOutcome>;

  constructor(
    private readonly repo: InboundRepository,
    private readonly queue: Queue<InboundJob>,
    private readonly log: Logger,
    private readonly instanceId: string,
    private readonly clock: () => Date = () => new Date(),
    private readonly enqueueTimeoutMs = 1_000,
  ) {
    this.batches = new Batcher((items) => this.recordBatch(items));
  }

  async record(event: NewInboundEvent): Promise<IngestOutcome> {
    try {
      // Every platform comes through here: the one place that makes the event storable.
      return await this.batches.submit({
        platform: storableText(event.platform),
        dedupeKey: storableText(event.dedupeKey),
        userId: storableText(event.userId),
        kind: storableText(event.kind),
        payload: storable(event.payload),
        receivedAt: event.receivedAt ?? this.clock(),
      });
    } catch (err) {
      if (err instanceof AppError) throw err;
      // The batch failed as a whole (a failed enqueue is an outcome, not an error): the database is away.
      throw new DatabaseUnavailableError(err);
    }
  }

  private async recordBatch(items: NewInboundEvent[]): Promise<Array<PromiseSettledResult<IngestOutcome>>> {
    const ids = await this.insertBatch(items);
    const fresh = ids.flatMap((r) => (r.status === 'fulfilled' && r.value !== undefined ? [r.value] : []));
    // The correlation id of an event is its dedupe key: the platform's message id or event key.
    const cids = new Map(ids.flatMap((r, i) => (r.status === 'fulfilled' && r.value !== undefined ? [[r.value, items[i]!.dedupeKey] as const] : [])));
    const enqueued = fresh.length > 0 && (await this.enqueueBatch(fresh, cids));
    return ids.map((r, i): PromiseSettledResult<IngestOutcome> => {
      if (r.status === 'rejected') return r;
      const eventId = r.value;
      if (eventId !== undefined) this.log.child({ cid: items[i]!.dedupeKey }).info({ eventId, platform: items[i]!.platform, kind: items[i]!.kind, enqueued }, 'inbound event received');
      return { status: 'fulfilled', value: eventId === undefined ? { status: 'duplicate' } : { status: 'new', eventId, enqueued } };
    });
  }

  /** Per event: its new id, undefined for a duplicate, or why it was refused. Throws when the database is away. */
  private async insertBatch(items: NewInboundEvent[]): Promise<Array<PromiseSettledResult<string | undefined>>> {
    let inserted: Map<string, string>;
    try {
      inserted = await this.repo.insertMany(items);
    } catch (err) {
      if (!isRowsFault(err)) {
        this.log.warn({ ...reasonOf(err), count: items.length }, 'inbound batch not stored: database unavailable');
        throw err;
      }
      if (items.length > 1) this.log.warn({ ...reasonOf(err), count: items.length }, 'inbound batch refused by the database; storing its events one by one');
      return this.insertOneByOne(items);
    }
    // Within one batch the same key may appear twice (a fast retry): only its first occurrence gets the id.
    const seen = new Set<string>();
    return items.map((e) => {
      if (seen.has(e.dedupeKey)) return { status: 'fulfilled', value: undefined };
      seen.add(e.dedupeKey);
      return { status: 'fulfilled', value: inserted.get(e.dedupeKey) };
    });
  }

  /**
   * After a batch was refused for its data: each event alone, so only the bad one is refused. In order, so a
   * key repeated in the batch is stored by its first occurrence and a duplicate for the rest.
   */
  private async insertOneByOne(items: NewInboundEvent[]): Promise<Array<PromiseSettledResult<string | undefined>>> {
    const out: Array<PromiseSettledResult<string | undefined>> = [];
    for (const e of items) {
      try {
        const inserted = await this.repo.insertMany([e]);
        out.push({ status: 'fulfilled', value: inserted.get(e.dedupeKey) });
      } catch (err) {
        const reason = reasonOf(err);
        if (isRowsFault(err)) {
          this.log.warn({ ...reason, platform: e.platform, kind: e.kind }, 'inbound event refused by the database');
          out.push({ status: 'rejected', reason: new UnstorableEventError(reason.sqlstate!, err) });
        } else {
          this.log.warn({ ...reason, platform: e.platform, kind: e.kind }, 'inbound event not stored: database unavailable');
          out.push({ status: 'rejected', reason: new DatabaseUnavailableError(err) });
        }
      }
    }
    return out;
  }

  /** True when the whole batch was added (addBulk is one MULTI: all or nothing). */
  private async enqueueBatch(ids: string[], cids: ReadonlyMap<string, string>): Promise<boolean> {
    try {
      await withTimeout(
        this.queue.addBulk(inboundJobs(this.instanceId, ids, cids)),
        this.enqueueTimeoutMs,
        'enqueue timed out',
      );
      return true;
    } catch (err) {
      // Stored and acknowledged all the same: the relay enqueues it when Redis is back.
      this.log.warn({ err: { message: (err as Error).message }, count: ids.length }, 'redis unavailable: inbound events stored, left for the relay');
      return false;
    }
  }
}
