// The sweep's writes and its record of days: notices with their deliveries or batches (set-based, one statement a chunk),
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

/** A chunk of notices as the sweep writes them: where each goes, its text (an index into `texts`), its part. */
export interface NoticeChunk {
  notices: readonly PlannedNotice[];
  /** Where each notice goes (the delivery router's answer); undefined: the notice is recorded, nothing is sent. */
  routes: ReadonlyArray<{ platform: PlatformName; recipient: string } | undefined>;
  /** The chunk's distinct messages, as JSON. */
  texts: readonly string[];
  /** Each notice's message: an index into `texts`. */
  textOf: readonly number[];
  /** Each notice's batch part within the chunk; null: sent on its own. */
  part: ReadonlyArray<number | null>;
  /** When each notice's delivery may go (a part's notices share their part's). */
  notBefore: readonly Date[];
}

export interface WrittenChunk {
  notices: number;
  deliveries: number;
  /** New deliveries sent on their own, due by the time asked. */
  dueSingles: Array<{ id: string; notBefore: Date }>;
  /** New batches due by the time asked. */
  dueBatches: Array<{ id: string; notBefore: Date }>;
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
   * Runs `fn` on one connection holding the sweep's session lock: two sweeps (two workers at boot, a catch-up
   * meeting the scheduler) take turns, whole sweep after whole sweep, while each chunk commits in its own
   * transaction on that connection. Everything inside goes through the connection `fn` is given (the embedded
   * database has only the one).
   */
  async inSweepSession<T>(fn: (db: Kysely<Database>) => Promise<T>, opts: { pollMs?: number } = {}): Promise<T> {
    return this.db.connection().execute(async (conn) => {
      // Polled, not a blocking pg_advisory_lock: a sweep of a million members outlasts the pool's query timeout.
      while (!(await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtext('partycare-sweep')) as ok`.execute(conn)).rows[0]?.ok) {
        await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 250));
      }
      try {
        return await fn(conn);
      } finally {
        // A connection that broke meanwhile took its lock with it.
        await sql`select pg_advisory_unlock(hashtext('partycare-sweep'))`.execute(conn).catch(() => undefined);
      }
    });
  }

  /**
   * Records the notices of a chunk that are new (UNIQUE (kind, recipient, subject, period)) with a delivery each,
   * in one statement whose rows travel as arrays; the parts (rows with the same `part`: one text to one platform,
   * at most one call's recipients) with at least two new notices become a delivery batch each, keyed by their
   * first notice — so a re-run, which inserts no notice, inserts no batch. A batch carries its recipients and
   * their delivery keys ('notice-<id>'); their rows are written when its job first claims it
   * (DeliveryBatchRepository.materialize) — on the heaviest day that is a million rows not written by the sweep.
   * Returns the counts (a batch's recipients count as deliveries) and what of it is due by `dueBy` (to enqueue
   * now; the relay enqueues the rest as it comes due).
   */
  async insertNotices(chunk: NoticeChunk, day: NoticeDay, dueBy: Date): Promise<WrittenChunk> {
    const n = chunk.notices;
    const col = <T>(f: (x: PlannedNotice, j: number) => T) => n.map((x, j) => f(x, j));
    const r = await sql<{ notices: number; deliveries: number; singles: Array<{ id: string; at: string }> | null; batches: Array<{ id: string; at: string }> | null }>`
      with v as (
        select * from unnest(${col((x) => x.kind)}::text[], ${col((x) => x.recipientMemberId)}::bigint[], ${col((x) => x.subject)}::text[], ${col((x) => x.period)}::text[],
                             ${col((_x, j) => chunk.routes[j]?.recipient ?? null)}::text[], ${col((_x, j) => chunk.routes[j]?.platform ?? null)}::text[],
                             ${chunk.textOf}::int[], ${chunk.notBefore.map((d) => d.toISOString())}::timestamptz[], ${chunk.part}::int[])
          as v(kind, member_id, subject, period, recipient, platform, text, not_before, part)
      ), t as (
        select * from unnest(${chunk.texts}::jsonb[]) with ordinality as t(message, n)
      ), n as (
        insert into notices (kind, recipient_member_id, subject, period, due_on, late)
        select kind, member_id, subject, period, ${day.date}::date, ${day.late} from v
        on conflict on constraint notices_once do nothing
        returning id, kind, recipient_member_id, subject, period
      ), nv as (
        select n.id, v.recipient, v.platform, v.text, v.not_before, v.part
          from n join v on v.kind = n.kind and v.member_id = n.recipient_member_id and v.subject = n.subject and v.period = n.period
         where v.recipient is not null
      ), p as (
        select part, min(id) as first, min(platform) as platform, min(text) as text, min(not_before) as not_before,
               array_agg('notice-' || id order by id) as keys, array_agg(recipient order by id) as recipients
          from nv where part is not null group by part having count(*) > 1
      ), b as (
        insert into delivery_batches (key, platform, message, push, not_before, correlation_id, recipient_keys, recipients, status)
        select 'notices:' || p.first, p.platform, t.message, true, p.not_before, ${`sweep-${day.date}`}::text, p.keys, p.recipients, 'unwritten'
          from p join t on t.n = p.text + 1
        on conflict (key) do nothing
        returning id, key, not_before, cardinality(recipients) as size
      ), d as (
        insert into deliveries (idempotency_key, platform, recipient, message, push, not_before, correlation_id)
        select 'notice-' || nv.id, nv.platform, nv.recipient, t.message, true, nv.not_before, ${`sweep-${day.date}`}::text
          from nv join t on t.n = nv.text + 1
         -- Not in a batch written now (one evaluation of the few parts, not a join per row: the planner cannot
         -- size a CTE, and its nested loop took most of a 10,000-row chunk's time).
         where nv.part is null or not nv.part = any(coalesce((select array_agg(p.part) from p join b on b.key = 'notices:' || p.first), '{}')::int[])
        on conflict (idempotency_key) do nothing
        returning id, not_before
      )
      select (select count(*) from n)::int as notices, ((select count(*) from d) + (select coalesce(sum(size), 0) from b))::int as deliveries,
             (select json_agg(json_build_object('id', id::text, 'at', not_before)) from d where not_before <= ${dueBy}::timestamptz) as singles,
             (select json_agg(json_build_object('id', id::text, 'at', not_before)) from b where not_before <= ${dueBy}::timestamptz) as batches`.execute(this.db);
    const row = r.rows[0]!;
    const due = (list: Array<{ id: string; at: string }> | null) => (list ?? []).map((x) => ({ id: x.id, notBefore: new Date(x.at) }));
    return { notices: row.notices, deliveries: row.deliveries, dueSingles: due(row.singles), dueBatches: due(row.batches) };
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
