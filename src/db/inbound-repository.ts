// Inbound events: the durable record of every callback we acknowledged (RELIABILITY.md "Nothing a user sent is lost").
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, InboundEventRow } from './schema.ts';
import { claimLease, INBOUND_LEASE, leaseHeldUntil, renewLease } from './lease.ts';

export interface NewInboundEvent {
  platform: string;
  dedupeKey: string;
  userId: string;
  kind: string;
  payload: unknown;
  /** When the callback acknowledged it, on the injected clock (windows over it are measured on the clock). */
  receivedAt?: Date;
}

type Db = Kysely<Database> | Transaction<Database>;

export class InboundRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts many events in one statement. A UNIQUE dedupe key makes a duplicate insert nothing, even when
   * two deliveries of one MsgId race (no read-then-write). Returns the ids of the rows actually inserted.
   */
  async insertMany(events: NewInboundEvent[]): Promise<Map<string, string>> {
    if (events.length === 0) return new Map();
    const rows = await this.db
      .insertInto('inbound_events')
      .values(
        events.map((e) => ({
          platform: e.platform,
          dedupe_key: e.dedupeKey,
          user_id: e.userId,
          kind: e.kind,
          payload: JSON.stringify(e.payload),
          // The database's clock only for a caller that passes none (a test inserting rows directly).
          received_at: e.receivedAt ?? sql<Date>`now()`,
          locked_until: null,
          last_error: null,
          processed_at: null,
        })),
      )
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning(['id', 'dedupe_key'])
      .execute();
    return new Map(rows.map((r) => [r.dedupe_key, r.id]));
  }

  /** Takes the event for processing with a lease; undefined if it is done, failed, or leased by another worker. */
  async claim(id: string, leaseSeconds: number): Promise<(InboundEventRow & { lease_token: string }) | undefined> {
    return claimLease<InboundEventRow>(this.db, INBOUND_LEASE, id, leaseSeconds);
  }

  async renew(id: string, token: string, leaseSeconds: number): Promise<boolean> {
    return renewLease(this.db, INBOUND_LEASE, id, token, leaseSeconds);
  }

  /**
   * Marks the event done in the transaction that recorded its effects — only while this worker still holds
   * it: false when the lease was lost to another worker, and the caller rolls its work back.
   */
  async markDone(id: string, token: string, db: Db = this.db): Promise<boolean> {
    const r = await db
      .updateTable('inbound_events')
      .set({ status: 'done', locked_until: null, lease_token: null, processed_at: sql`now()`, last_error: null })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .where('lease_token', '=', token)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Gives the event back for a later attempt. */
  async release(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('inbound_events')
      .set({ status: 'pending', locked_until: null, lease_token: null, last_error: error.slice(0, 1000) })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .execute();
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('inbound_events')
      .set({ status: 'failed', locked_until: null, lease_token: null, last_error: error.slice(0, 1000), processed_at: sql`now()` })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'processing'])
      .execute();
  }

  /**
   * Names the event's writer as the conversation knows them (their account, or a stranger's qualified id)
   * rather than by the platform's id: a question and its answer then match whatever platform each came from.
   */
  async attribute(id: string, userId: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    await sql`update inbound_events set user_id = ${userId} where id = ${id}::bigint and user_id <> ${userId}`.execute(db);
  }

  /**
   * The text of `userId`'s event `id` received after `since` (a question asked with buttons is answered only
   * within a window, measured on the injected clock that stamped received_at); undefined when there is none.
   */
  async textOf(id: string, userId: string, since: Date): Promise<string | undefined> {
    const r = await sql<{ payload: { text?: string } }>`
    select payload from inbound_events
     where id = ${id}::bigint and user_id = ${userId} and received_at > ${since}`.execute(this.db);
    return r.rows[0]?.payload.text;
  }

  /** Whether another card click of `userId` on the card `taskId` was already processed (a question answers once). */
  async cardAnswered(userId: string, taskId: string, exceptEventId: string): Promise<boolean> {
    const r = await sql<{ n: string }>`
    select count(*)::text as n from inbound_events
     where user_id = ${userId} and kind = 'card_click' and id <> ${exceptEventId}::bigint
       and payload->>'taskId' = ${taskId} and status = 'done'`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0) > 0;
  }

  /**
   * Events stored but not finished: pending for longer than `graceSeconds` before `now` (received_at is the
   * injected clock's), or leased by a worker that died (the lease is on the database's clock, db/lease.ts).
   */
  async findUnfinished(limit: number, graceSeconds: number, now: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom('inbound_events')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('received_at', '<', new Date(now.getTime() - graceSeconds * 1000))]),
          eb.and([eb('status', '=', 'processing'), eb('locked_until', '<', sql<Date>`now()`)]),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Blanks the raw text of up to `limit` finished events received before `before` (the retention purge):
   * the row stays — dedupe key, kind, user, status — only what the member typed goes. One statement, its
   * own short transaction; rows a worker holds are skipped (they are not finished anyway). Returns how many.
   */
  async purgeText(before: Date, limit: number): Promise<number> {
    // The predicate repeats the partial index inbound_events_text_kept's, so the index serves it.
    const r = await sql<{ id: string }>`
      with doomed as (
        select id from inbound_events
         where payload->>'text' <> '' and received_at < ${before} and status in ('done', 'failed')
         order by received_at, id
         limit ${limit}
         for update skip locked
      )
      update inbound_events e set payload = jsonb_set(e.payload, '{text}', '""')
        from doomed where e.id = doomed.id
      returning e.id`.execute(this.db);
    return r.rows.length;
  }

  /** How many finished events received before `before` still keep their text (what a purge would blank). */
  async countTextKept(before: Date): Promise<number> {
    const r = await sql<{ n: string }>`
      select count(*)::text as n from inbound_events
       where payload->>'text' <> '' and received_at < ${before} and status in ('done', 'failed')`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async get(id: string): Promise<InboundEventRow | undefined> {
    return this.db.selectFrom('inbound_events').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** When another worker holds the row: the end of its lease (undefined when the row is finished or free). */
  async heldUntil(id: string): Promise<Date | undefined> {
    return leaseHeldUntil(this.db, INBOUND_LEASE, id);
  }
}
