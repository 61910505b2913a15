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
  private readonly inserts: Batcher<NewInboundEvent, string | undefined>;
  private readonly enqueues: Batcher<string, boolean>;

  constructor(
    private readonly repo: InboundRepository,
    private readonly queue: Queue<InboundJob>,
    private readonly log: Logger,
    private readonly instanceId: string,
    private readonly enqueueTimeoutMs = 1_000,
  ) {
    this.inserts = new Batcher((items) => this.insertBatch(items));
    this.enqueues = new Batcher((ids) => this.enqueueBatch(ids));
  }

  async record(event: NewInboundEvent): Promise<IngestOutcome> {
    let eventId: string | undefined;
    try {
      eventId = await this.inserts.submit(event);
    } catch (err) {
      throw new DatabaseUnavailableError(err);
    }
    if (eventId === undefined) return { status: 'duplicate' };
    const enqueued = await this.enqueues.submit(eventId);
    return { status: 'new', eventId, enqueued };
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

  private async enqueueBatch(ids: string[]): Promise<boolean[]> {
    try {
      await withTimeout(
        this.queue.addBulk(inboundJobs(this.instanceId, ids)),
        this.enqueueTimeoutMs,
        'enqueue timed out',
      );
      return ids.map(() => true);
    } catch (err) {
      // Stored and acknowledged all the same: the relay enqueues it when Redis is back.
      this.log.warn({ err: { message: (err as Error).message }, count: ids.length }, 'redis unavailable: inbound events stored, left for the relay');
      return ids.map(() => false);
    }
  }
}
