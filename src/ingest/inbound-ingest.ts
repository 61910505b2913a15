// The durable receive path shared by every platform: record in PostgreSQL under a UNIQUE dedupe key, then
// hand to BullMQ. PostgreSQL is the record, Redis the transport: if Redis is down the event stays pending
// and the relay enqueues it later; if PostgreSQL is down the caller answers 503 so the platform retries.
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { InboundRepository, NewInboundEvent } from '../db/inbound-repository.ts';
import { AppError } from '../errors.ts';
import { inboundJobs, type InboundJob } from '../jobs/queues.ts';
import { withTimeout } from '../redis.ts';
import { Batcher } from './batcher.ts';

export class DatabaseUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('database_unavailable', 'database unavailable', 503);
    (this as Error & { cause?: unknown }).cause = cause;
  }
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
    private readonly enqueueTimeoutMs = 1_000,
  ) {
    this.batches = new Batcher((items) => this.recordBatch(items));
  }

  async record(event: NewInboundEvent): Promise<IngestOutcome> {
    try {
      return await this.batches.submit(event);
    } catch (err) {
      // recordBatch fails only when the INSERT does (a failed enqueue is an outcome, not an error).
      throw new DatabaseUnavailableError(err);
    }
  }

  private async recordBatch(items: NewInboundEvent[]): Promise<IngestOutcome[]> {
    const ids = await this.insertBatch(items);
    const fresh = ids.filter((id): id is string => id !== undefined);
    const enqueued = fresh.length > 0 && (await this.enqueueBatch(fresh));
    return ids.map((eventId): IngestOutcome => (eventId === undefined ? { status: 'duplicate' } : { status: 'new', eventId, enqueued }));
  }

  private async insertBatch(items: NewInboundEvent[]): Promise<Array<string | undefined>> {
    const inserted = await this.repo.insertMany(items);
    // Within one batch the same key may appear twice (a fast retry): only its first occurrence gets the id.
    const seen = new Set<string>();
    return items.map((e) => {
      if (seen.has(e.dedupeKey)) return undefined;
      seen.add(e.dedupeKey);
      return inserted.get(e.dedupeKey);
    });
  }

  /** True when the whole batch was added (addBulk is one MULTI: all or nothing). */
  private async enqueueBatch(ids: string[]): Promise<boolean> {
    try {
      await withTimeout(
        this.queue.addBulk(inboundJobs(this.instanceId, ids)),
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
