// Deliveries: every outgoing message, keyed by a UNIQUE idempotency key so that a retried or duplicated job,
// a re-run sweep or a restarted process never delivers twice (RELIABILITY.md "Nothing is delivered twice").
import { sql, type Kysely, type Transaction } from 'kysely';
import type { OutboundMessage, PlatformName } from '../platforms/types.ts';
import type { Database, DeliveryRow } from './schema.ts';
import { claimLease, DELIVERY_LEASE, leaseHeldUntil, renewLease, unfinishedSending } from './lease.ts';
import { DeliveryBatchRepository } from './delivery-batch-repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewDeliveryInput {
  idempotencyKey: string;
  platform: PlatformName;
  recipient: string;
  message: OutboundMessage;
  /** An automatic push (held in quiet hours) rather than a reply. */
  push?: boolean;
  notBefore?: Date;
  /** Send on `platform` when the recipient is on it (a reply goes back where the question came from). */
  sticky?: boolean;
  /** What caused it (the inbound event's dedupe key), carried into every log line about its sending. */
  correlationId?: string;
}

export class DeliveryRepository {
  /** Batches of identical content (a broadcast's parts): their rows are sent by the batch's job only. */
  readonly batches: DeliveryBatchRepository;

  constructor(private readonly db: Kysely<Database>) {
    this.batches = new DeliveryBatchRepository(db);
  }

  /**
   * Inserts the deliveries that are new; returns the ids of those inserted (existing keys insert nothing). One
   * addressed to nobody (a member without a chat account) is not a delivery: it is left out.
   */
  async insertNew(all: NewDeliveryInput[], db: Db = this.db): Promise<string[]> {
    const items = all.filter((d) => d.recipient.trim() !== '');
    if (items.length === 0) return [];
    const rows = await db
      .insertInto('deliveries')
      .values(
        items.map((d) => ({
          idempotency_key: d.idempotencyKey,
          platform: d.platform,
          recipient: d.recipient,
          message: JSON.stringify(d.message),
          push: d.push ?? false,
          not_before: d.notBefore ?? null,
          correlation_id: d.correlationId ?? null,
          locked_until: null,
          platform_msgid: null,
          response_code: null,
          error_code: null,
          error: null,
          sent_at: null,
        })),
      )
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Takes the delivery for sending, if it is for one of `platforms` (a process sends only what it can) and not
   * part of a batch (the batch's job sends those).
   */
  async claim(id: string, leaseSeconds: number, platforms: readonly PlatformName[]): Promise<(DeliveryRow & { lease_token: string }) | undefined> {
    return claimLease<DeliveryRow>(this.db, DELIVERY_LEASE, id, leaseSeconds, sql`platform = any(${[...platforms]}::text[]) and batch_id is null`);
  }

  /** Extends the sender's lease while a send is in flight. */
  async renew(id: string, token: string, leaseSeconds: number): Promise<boolean> {
    return renewLease(this.db, DELIVERY_LEASE, id, token, leaseSeconds);
  }

  /**
   * Another delivery with the very same message to the same person, sent or being sent since `since`. WeCom's
   * duplicate check would drop this one as a re-send of that one, so it must go without the check.
   */
  async hasTwinSince(row: Pick<DeliveryRow, 'id' | 'platform' | 'recipient' | 'message'>, since: Date): Promise<boolean> {
    const r = await this.db
      .selectFrom('deliveries')
      .select('id')
      .where('recipient', '=', row.recipient)
      .where('platform', '=', row.platform)
      .where('id', '<>', row.id)
      .where('status', 'in', ['sent', 'sending'])
      .where(sql<boolean>`coalesce(sent_at, created_at) >= ${since}`)
      .where(sql<boolean>`message = ${JSON.stringify(row.message)}::jsonb`)
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }

  async markSent(id: string, result: { platformMsgId?: string | undefined; responseCode?: string | undefined }): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({
        status: 'sent',
        locked_until: null,
        lease_token: null,
        sent_at: sql`now()`,
        platform_msgid: result.platformMsgId ?? null,
        response_code: result.responseCode ?? null,
        error_code: null,
        error: null,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Back to pending for a later try. `refundAttempt` when the wait was the platform's rate limit, not a failure. */
  async release(id: string, error: { code?: string; message: string } | undefined, refundAttempt = false): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({
        status: 'pending',
        locked_until: null,
        lease_token: null,
        attempts: refundAttempt ? sql`greatest(attempts - 1, 0)` : sql`attempts`,
        error_code: error?.code ?? null,
        error: error?.message.slice(0, 1000) ?? null,
      })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  async markFailed(id: string, error: { code?: string; message: string }): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ status: 'failed', locked_until: null, lease_token: null, error_code: error.code ?? null, error: error.message.slice(0, 1000) })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'sending'])
      .execute();
  }

  /**
   * Deliveries to (re-)enqueue: pending for longer than the grace and due (a scheduled push whose hour has
   * not come stays in the table until it does), or leased by a worker that died. A batch's deliveries are
   * its batch's to send (DeliveryBatchRepository.findUnfinished).
   */
  async findUnfinished(limit: number, graceSeconds: number, now: Date, platforms: readonly PlatformName[]): Promise<string[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .select('id')
      .where('platform', 'in', [...platforms])
      .where('batch_id', 'is', null)
      .where(unfinishedSending(DELIVERY_LEASE, graceSeconds, now))
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Unfinished deliveries per platform: how many, and how many are overdue — due for `overdueSeconds` and
   * still not sent, as when no running process serves their platform.
   */
  async backlog(now: Date, overdueSeconds: number): Promise<Array<{ platform: string; unfinished: number; overdue: number }>> {
    const late = sql`coalesce(not_before, created_at) < ${now}::timestamptz - make_interval(secs => ${overdueSeconds})
                     and created_at < now() - make_interval(secs => ${overdueSeconds})`;
    // The recipients of a sweep's batch not yet claimed have no rows yet (DeliveryBatchRepository.materialize).
    const r = await sql<{ platform: string; unfinished: string; overdue: string }>`
      select platform, sum(unfinished)::text as unfinished, sum(overdue)::text as overdue from (
        select platform, count(*) as unfinished, count(*) filter (where ${late}) as overdue
          from deliveries where status in ('pending', 'sending') group by platform
        union all
        select platform, sum(cardinality(recipients)), coalesce(sum(cardinality(recipients)) filter (where ${late}), 0)
          from delivery_batches where recipients is not null group by platform
      ) x group by platform order by platform`.execute(this.db);
    return r.rows.map((x) => ({ platform: x.platform, unfinished: Number(x.unfinished), overdue: Number(x.overdue) }));
  }

  async get(id: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** When another worker holds the row: the end of its lease (undefined when the row is finished or free). */
  async heldUntil(id: string): Promise<Date | undefined> {
    return leaseHeldUntil(this.db, DELIVERY_LEASE, id);
  }
}
