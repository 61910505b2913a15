// The sweep's writes and its record of days: notices with their deliveries (set-based, one statement a chunk),
// what the bot asked each owner about, the OD staff who hear of a failed family, and sweep_days.
import { sql, type Kysely } from 'kysely';
import { ConversationMemoryRepository, type Remembered } from '../db/conversation-memory-repository.ts';
import type { Database } from '../db/schema.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { PlatformName } from '../platforms/types.ts';
import type { HolidayVisitParams } from '../domain/schedule.ts';
import { holidayVisitCandidate, holidayVisitOwnerJoin } from './plan-repository.ts';
import type { PlannedNotice } from './planner.ts';

export interface NoticeDay {
  date: IsoDate;
  late: boolean;
  platform: PlatformName;
}

export interface SweptDay {
  date: IsoDate;
  notices: number;
  late: boolean;
}

export class SweepRepository {
  /** `db` is the executor the statements run on: the database, or the sweep's transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Runs `fn` in one transaction holding the sweep's lock: two sweeps of one day (two workers at boot, a
   * catch-up meeting the scheduler) take turns.
   */
  async inSweepLock<T>(fn: (repo: SweepRepository) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('partycare-sweep'))`.execute(trx);
      return fn(new SweepRepository(trx));
    });
  }

  /**
   * Records the notices that are new (UNIQUE (kind, recipient, subject, period)) with a delivery each, in one
   * statement whose rows travel as arrays (seven parameters whatever the size); returns the new deliveries.
   * `notBefore[j]` is when the j-th notice's delivery may go.
   */
  async insertNotices(
    chunk: readonly PlannedNotice[],
    notBefore: readonly Date[],
    day: NoticeDay,
    /** Where each notice goes (the delivery router's answer); undefined: the notice is recorded, nothing is sent. */
    routes?: ReadonlyArray<{ platform: PlatformName; recipient: string } | undefined>,
  ): Promise<Array<{ id: string; notBefore: Date }>> {
    const col = <T>(f: (n: PlannedNotice, j: number) => T) => chunk.map((n, j) => f(n, j));
    const route = (j: number, n: PlannedNotice) => (routes ? routes[j] : { platform: day.platform, recipient: n.recipientUserid });
    const r = await sql<{ id: string; not_before: Date }>`
        with v as (
          select * from unnest(${col((n) => n.kind)}::text[], ${col((n) => n.recipientMemberId)}::bigint[], ${col((n) => n.subject)}::text[],
                               ${col((n) => n.period)}::text[], ${col((n, j) => route(j, n)?.recipient ?? null)}::text[], ${col((n) => JSON.stringify(n.message))}::jsonb[],
                               ${col((_n, j) => notBefore[j]!.toISOString())}::timestamptz[], ${col((n, j) => route(j, n)?.platform ?? null)}::text[])
            as v(kind, member_id, subject, period, recipient, message, not_before, platform)
        ), n as (
          insert into notices (kind, recipient_member_id, subject, period, due_on, late)
          select kind, member_id, subject, period, ${day.date}::date, ${day.late} from v
          on conflict on constraint notices_once do nothing
          returning id, kind, recipient_member_id, subject, period
        )
        insert into deliveries (idempotency_key, platform, recipient, message, push, not_before)
        select 'notice-' || n.id, v.platform, v.recipient, v.message, true, v.not_before
          from n join v on v.kind = n.kind and v.member_id = n.recipient_member_id and v.subject = n.subject and v.period = n.period
         where v.recipient is not null
        on conflict (idempotency_key) do nothing
        returning id::text as id, not_before`.execute(this.db);
    return r.rows.map((x) => ({ id: x.id, notBefore: new Date(x.not_before) }));
  }

  /**
   * Remembers what the bot asked each owner about, so that a short reply can refer to it; each (person, topic,
   * ref) once — an upsert may not touch one row twice in one statement. At `at`, the sweep's clock: the
   * conversation looks back from its own clock (db/conversation-memory-repository.ts).
   */
  async remember(rows: readonly Remembered[], at: Date): Promise<void> {
    await new ConversationMemoryRepository(this.db).rememberMany(rows, at);
  }

  /**
   * Opens the holiday's visit obligations (MECHANISM 2.1): one per member the branch owes a visit, owned by the
   * member's branch — one level up when the member is its only secretary (nobody owes themselves) — due on the holiday, opened on `openedOn` — the day the list goes out, from which a visit
   * counts. Set-based; a member already owed one for the holiday is left alone. With `onlyIfNone`, nothing is
   * opened when the holiday has any (the reminder's day, in case the list's day was never swept).
   */
  async openHolidayVisits(p: HolidayVisitParams, period: string, openedOn: IsoDate, opts: { onlyIfNone?: boolean } = {}): Promise<number> {
    const r = await sql<{ n: string }>`
      with ins as (
        insert into care_obligations (kind, member_id, owner_member_id, owner_organisation_id, owner_role, reason, source, period, due_on, opened_on)
        select 'visit', m.id, null, hw.owner_org, hw.owner_role, 'holiday', 'holiday', ${period}, ${p.date}::date, ${openedOn}::date
          from members m ${holidayVisitOwnerJoin()}
         where ${holidayVisitCandidate(p)}
           ${opts.onlyIfNone ? sql`and not exists (select 1 from care_obligations x where x.source = 'holiday' and x.period = ${period})` : sql``}
        on conflict (member_id, period) where source = 'holiday' do nothing
        returning 1
      ) select count(*)::text as n from ins`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  /** The active OD staff with a chat account: who hears that a notice family failed. */
  async odStaffRecipients(): Promise<Array<{ member_id: string; userid: string }>> {
    const od = await sql<{ member_id: string; userid: string }>`
    select distinct s.id::text as member_id, s.userid
      from member_roles r join members s on s.id = r.member_id
     where r.role = 'od_staff' and s.status = 'active' and s.userid is not null order by 1`.execute(this.db);
    return od.rows;
  }

  /** Records (or re-records) that `date` was swept, finished at `at` (the injected clock's time). */
  async recordDay(day: SweptDay & { failedFamilies: string[]; at: Date }): Promise<void> {
    await this.db
      .insertInto('sweep_days')
      .values({ on_date: day.date, notices: day.notices, late: day.late, failed_families: day.failedFamilies, finished_at: day.at })
      .onConflict((oc) => oc.column('on_date').doUpdateSet({ notices: day.notices, finished_at: day.at, failed_families: day.failedFamilies }))
      .execute();
  }

  /** The last day ever swept; null on a database never swept. */
  async lastSweptDay(): Promise<IsoDate | null> {
    const row = await this.db.selectFrom('sweep_days').select(sql<string | null>`to_char(max(on_date), 'YYYY-MM-DD')`.as('last')).executeTakeFirst();
    return row?.last ?? null;
  }

  /** Days from `earliest` on that were swept with a family that failed. */
  async incompleteDaysSince(earliest: IsoDate): Promise<IsoDate[]> {
    const rows = await this.db
      .selectFrom('sweep_days')
      .select(sql<string>`to_char(on_date, 'YYYY-MM-DD')`.as('d'))
      .where('on_date', '>=', earliest)
      .where(sql<boolean>`cardinality(failed_families) > 0`)
      .execute();
    return rows.map((r) => r.d);
  }

  /** The `limit` days swept last, the latest first. */
  async recentDays(limit: number): Promise<SweptDay[]> {
    const rows = await sql<{ d: string; notices: number; late: boolean }>`select to_char(on_date, 'YYYY-MM-DD') as d, notices, late from sweep_days order by on_date desc limit ${limit}`.execute(this.db);
    return rows.rows.map((r) => ({ date: r.d, notices: r.notices, late: r.late }));
  }
}
