// Care events: a trigger someone reported (a hospital stay, a bereavement …), who reported it and when. The
// per-writer report limit reads them; obligations are opened from them (care/obligations.ts).
import { sql, type Kysely } from 'kysely';
import type { Trigger } from '../domain/obligations.ts';
import type { Database } from './schema.ts';

export interface NewCareEvent {
  memberId: string;
  reason: Trigger;
  occurredOn: string;
  note: string;
  reportedBy: string;
  inboundEventId?: string;
  /** The injected clock's instant; the database's when absent. */
  reportedAt?: Date;
}

export class CareEventRepository {
  /** `db` is the executor the queries run on: the database, or a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Records a reported trigger; returns its id. */
  async insert(e: NewCareEvent): Promise<string> {
    const event = await this.db
      .insertInto('care_events')
      .values({
        member_id: e.memberId,
        reason: e.reason,
        occurred_on: e.occurredOn,
        note: e.note,
        reported_by_member_id: e.reportedBy,
        inbound_event_id: e.inboundEventId ?? null,
        ...(e.reportedAt ? { reported_at: e.reportedAt } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return event.id;
  }

  /** Reports a writer made since `since` (one chat message naming several members is one report). */
  async reportsSince(reporterMemberId: string, since: Date): Promise<Date[]> {
    const r = await sql<{ at: Date }>`
    select min(reported_at) as at from care_events
     where reported_by_member_id = ${reporterMemberId}::bigint and reported_at > ${since}
     group by coalesce(inbound_event_id::text, 'care-event-' || id::text)
     order by 1`.execute(this.db);
    return r.rows.map((x) => new Date(x.at));
  }

  /**
   * Reports by one writer are taken one at a time (a transaction-level advisory lock, released at commit), so
   * the count the per-writer limit reads cannot be raced past by two messages processed at once. Run it on a
   * transaction.
   */
  async lockReporter(reporterMemberId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`care-report-${reporterMemberId}`}, 0))`.execute(this.db);
  }
}
