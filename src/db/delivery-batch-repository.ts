// Delivery batches: identical content to many recipients in as few platform calls as the platform allows.
// Each recipient keeps its own deliveries row (idempotency key, status); the batch groups up to one call's
// worth of them and carries the lease, so a batch's rows are only ever sent by the batch's job.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { OutboundMessage, PlatformName } from '../platforms/types.ts';
import type { Database, DeliveryBatchRow } from './schema.ts';
import { BATCH_LEASE, claimLease, leaseHeldUntil, renewLease, unfinishedSending } from './lease.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewBatchPart {
  /** `<broadcast key>#<part>`. */
  key: string;
  platform: PlatformName;
  message: OutboundMessage;
  push: boolean;
  notBefore: Date | undefined;
  rows: ReadonlyArray<{ idempotencyKey: string; recipient: string }>;
  /** What caused it, kept on the batch and each of its rows (the log's correlation id). */
  correlationId?: string | undefined;
}

export interface InsertedParts {
  /** Every delivery inserted. */
  deliveryIds: string[];
  /** Batches inserted (with at least one new delivery). */
  batchIds: string[];
  /** New deliveries whose part had been recorded before: they go on their own. */
  looseIds: string[];
}

/** A delivery of a batch, as the batch's job sends it. */
export interface BatchMember {
  id: string;
  recipient: string;
}

export class DeliveryBatchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts the parts that are new, each with its new deliveries (existing idempotency keys insert nothing). A
   * new delivery whose part was recorded before cannot join it (it may be sent already): it goes alone.
   */
  async insertParts(parts: readonly NewBatchPart[], db: Db = this.db): Promise<InsertedParts> {
    const out: InsertedParts = { deliveryIds: [], batchIds: [], looseIds: [] };
    for (const part of parts) {
      if (part.rows.length === 0) continue;
      const message = JSON.stringify(part.message);
      const batch = await sql<{ id: string }>`
        insert into delivery_batches (key, platform, message, push, not_before, correlation_id)
        values (${part.key}, ${part.platform}, ${message}::jsonb, ${part.push}, ${part.notBefore ?? null}, ${part.correlationId ?? null})
        on conflict (key) do nothing returning id::text as id`.execute(db);
      const batchId = batch.rows[0]?.id ?? null;
      // One statement per part (unnest), whatever its size: a thousand rows of bind parameters each would
      // run into PostgreSQL's 65,535-parameter limit at a few thousand recipients.
      const rows = await sql<{ id: string }>`
        insert into deliveries (idempotency_key, platform, recipient, message, push, not_before, batch_id, correlation_id)
        select t.k, ${part.platform}, t.r, ${message}::jsonb, ${part.push}, ${part.notBefore ?? null}::timestamptz, ${batchId}::bigint, ${part.correlationId ?? null}::text
          from unnest(${part.rows.map((r) => r.idempotencyKey)}::text[], ${part.rows.map((r) => r.recipient)}::text[]) with ordinality as t(k, r, n)
         order by t.n
        on conflict (idempotency_key) do nothing
        returning id::text as id`.execute(db);
      const ids = rows.rows.map((r) => r.id);
      out.deliveryIds.push(...ids);
      if (batchId === null) out.looseIds.push(...ids);
      else if (ids.length > 0) out.batchIds.push(batchId);
      // A new part whose recipients were all recorded before (in other parts) has nothing to send.
      else await sql`delete from delivery_batches where id = ${batchId}::bigint`.execute(db);
    }
    return out;
  }

  /**
   * Takes the batch for sending, if it is for one of `platforms`. A sweep's batch taken for the first time has its
   * delivery rows written in the same transaction (materialize): a batch is never 'sending' without its rows, so
   * a worker that dies in between leaves it 'unwritten' for the next one.
   */
  async claim(id: string, leaseSeconds: number, platforms: readonly PlatformName[]): Promise<(DeliveryBatchRow & { lease_token: string }) | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const batch = await claimLease<DeliveryBatchRow>(trx, BATCH_LEASE, id, leaseSeconds, sql`platform = any(${[...platforms]}::text[])`);
      if (!batch || batch.recipients === null) return batch;
      await new DeliveryBatchRepository(trx).materialize(batch.id);
      return { ...batch, recipients: null, recipient_keys: null };
    });
  }

  async renew(id: string, token: string, leaseSeconds: number): Promise<boolean> {
    return renewLease(this.db, BATCH_LEASE, id, token, leaseSeconds);
  }

  async heldUntil(id: string): Promise<Date | undefined> {
    return leaseHeldUntil(this.db, BATCH_LEASE, id);
  }

  /**
   * Writes the deliveries rows of a batch the sweep recorded with its recipients only (NoticeChunk): one row per
   * recipient, in the recorded order, and clears the lists in the same statement, so two workers racing for it
   * write them once. Called by claim, before anything reads its rows; a batch already written (an
   * announcement's, or one claimed before) writes nothing. Returns the rows written.
   */
  async materialize(batchId: string): Promise<number> {
    const r = await sql<{ n: number }>`
      with old as (
        select id, platform, message, push, not_before, correlation_id, created_at, recipient_keys, recipients
          from delivery_batches where id = ${batchId}::bigint and recipients is not null
           for update
      ), b as (
        -- RETURNING sees the row as updated: the lists come from the locked row as it was.
        update delivery_batches x set recipient_keys = null, recipients = null from old where x.id = old.id
        returning old.id, old.platform, old.message, old.push, old.not_before, old.correlation_id, old.created_at, old.recipient_keys as keys, old.recipients
      ), d as (
        -- Recorded when the batch was (the backlog's overdue count looks at when a delivery was recorded).
        insert into deliveries (idempotency_key, platform, recipient, message, push, not_before, batch_id, correlation_id, created_at)
        select t.k, b.platform, t.r, b.message, b.push, b.not_before, b.id, b.correlation_id, b.created_at
          from b cross join lateral unnest(b.keys, b.recipients) with ordinality as t(k, r, n)
         order by t.n
        on conflict (idempotency_key) do nothing
        returning 1
      ) select count(*)::int as n from d`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }

  /** The batch's deliveries still to send, in a fixed order (the order of the platform call's recipients). */
  async pendingMembers(batchId: string): Promise<BatchMember[]> {
    return this.db
      .selectFrom('deliveries')
      .select(['id', 'recipient'])
      .where('batch_id', '=', batchId)
      .where('status', 'in', ['pending', 'sending'])
      .orderBy('id')
      .execute();
  }

  /**
   * Splits deliveries off a batch that has not been sent yet: they become ordinary deliveries with jobs of their
   * own. Returns those split off (a row finished meanwhile stays).
   */
  async detach(batchId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const r = await sql<{ id: string }>`
      update deliveries set batch_id = null
       where batch_id = ${batchId}::bigint and id = any(${[...ids]}::bigint[]) and status = 'pending'
         and exists (select 1 from delivery_batches b where b.id = ${batchId}::bigint and b.frozen_at is null)
      returning id::text as id`.execute(this.db);
    return r.rows.map((x) => x.id);
  }

  /**
   * Splits off recipients a platform call left unsent for now (DingTalk's per-user flow control): they become
   * ordinary deliveries with jobs of their own. Unlike detach this is after the call: the rows of the calls not
   * yet made stay, so a re-run cuts them as before.
   */
  async detachDeferred(batchId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const r = await sql<{ id: string }>`
      update deliveries set batch_id = null, error_code = 'rate_limited', error = 'deferred by the platform''s flow control'
       where batch_id = ${batchId}::bigint and id = any(${[...ids]}::bigint[]) and status = 'pending'
      returning id::text as id`.execute(this.db);
    return r.rows.map((x) => x.id);
  }

  /**
   * From the first send attempt on, the batch's recipients and request are fixed. Returns the batch as frozen
   * (the first freeze wins); undefined when the lease is no longer ours.
   */
  async freeze(id: string, token: string, request: { recipientsDigest: string; duplicateCheck: boolean }): Promise<DeliveryBatchRow | undefined> {
    const r = await sql<DeliveryBatchRow>`
      update delivery_batches
         set frozen_at = coalesce(frozen_at, now()),
             recipients_digest = coalesce(recipients_digest, ${request.recipientsDigest}),
             duplicate_check = coalesce(duplicate_check, ${request.duplicateCheck})
       where id = ${id}::bigint and status = 'sending' and lease_token = ${token}
      returning *`.execute(this.db);
    return r.rows[0];
  }

  /**
   * Records one platform call's outcome for its recipients in one statement: the invalid ones failed
   * ('invaliduser'), the others sent.
   */
  async markSent(
    batchId: string,
    ids: readonly string[],
    invalidIds: readonly string[],
    result: { platformMsgId?: string | undefined; responseCode?: string | undefined },
  ): Promise<void> {
    if (ids.length === 0) return;
    const invalid = [...invalidIds];
    await sql`
      update deliveries
         set status = case when id = any(${invalid}::bigint[]) then 'failed' else 'sent' end,
             sent_at = case when id = any(${invalid}::bigint[]) then null else now() end,
             platform_msgid = case when id = any(${invalid}::bigint[]) then null else ${result.platformMsgId ?? null}::text end,
             response_code = case when id = any(${invalid}::bigint[]) then null else ${result.responseCode ?? null}::text end,
             error_code = case when id = any(${invalid}::bigint[]) then 'invaliduser' else null end,
             error = case when id = any(${invalid}::bigint[]) then 'invalid user (not a member or outside the app visibility)' else null end,
             attempts = attempts + 1, locked_until = null, lease_token = null
       where batch_id = ${batchId}::bigint and id = any(${[...ids]}::bigint[]) and status in ('pending', 'sending')`.execute(this.db);
  }

  /** Gives up on deliveries of the batch (a failure that no retry can mend). */
  async markFailed(batchId: string, ids: readonly string[], error: { code?: string; message: string }): Promise<void> {
    if (ids.length === 0) return;
    await sql`
      update deliveries set status = 'failed', error_code = ${error.code ?? null}, error = ${error.message.slice(0, 1000)},
             attempts = attempts + 1, locked_until = null, lease_token = null
       where batch_id = ${batchId}::bigint and id = any(${[...ids]}::bigint[]) and status in ('pending', 'sending')`.execute(this.db);
  }

  /** Every delivery of the batch is finished. */
  async finish(id: string, token: string, error?: { code?: string; message: string }): Promise<void> {
    await sql`
      update delivery_batches set status = 'done', finished_at = now(), locked_until = null, lease_token = null,
             error_code = ${error?.code ?? null}, error = ${error?.message.slice(0, 1000) ?? null}
       where id = ${id}::bigint and status = 'sending' and lease_token = ${token}`.execute(this.db);
  }

  /** Back to pending for a later try. `refundAttempt` when the wait was not a failure (rate limit, its hour). */
  async release(id: string, token: string, error: { code?: string; message: string } | undefined, refundAttempt = false): Promise<void> {
    await sql`
      update delivery_batches set status = 'pending', locked_until = null, lease_token = null,
             attempts = ${refundAttempt ? sql`greatest(attempts - 1, 0)` : sql`attempts`},
             error_code = ${error?.code ?? null}, error = ${error?.message.slice(0, 1000) ?? null}
       where id = ${id}::bigint and status = 'sending' and lease_token = ${token}`.execute(this.db);
  }

  /**
   * Another batch of the very same message to the very same recipients (in the same order) sent or being sent
   * since `since`: the platform's duplicate check would drop this one as a re-send of that one.
   */
  async hasTwinSince(batch: Pick<DeliveryBatchRow, 'id' | 'platform' | 'message'>, recipientsDigest: string, since: Date): Promise<boolean> {
    const r = await sql<{ id: string }>`
      select id from delivery_batches
       where platform = ${batch.platform} and id <> ${batch.id}::bigint and recipients_digest = ${recipientsDigest}
         and frozen_at >= ${since} and message = ${JSON.stringify(batch.message)}::jsonb
       limit 1`.execute(this.db);
    return r.rows.length > 0;
  }

  /**
   * Batches to (re-)enqueue: pending for longer than the grace and due, or leased by a worker that died. One job
   * per batch, however many deliveries it holds.
   */
  async findUnfinished(limit: number, graceSeconds: number, now: Date, platforms: readonly PlatformName[]): Promise<string[]> {
    const rows = await this.db
      .selectFrom('delivery_batches')
      .select('id')
      .where('platform', 'in', [...platforms])
      .where(unfinishedSending(BATCH_LEASE, graceSeconds, now))
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async get(id: string): Promise<DeliveryBatchRow | undefined> {
    return this.db.selectFrom('delivery_batches').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
