// The dashboard's care figures (issue 16 section 2): the roster, the year's talk quotas, trigger obligations,
// the latest holiday visit campaign and the year's political-birthday greetings, per branch — and the year's
// months and visit days for the charts. One grouped query per family for all the scope's branches at once.
//
// Every figure is a count of rows of a care export (src/care/export.ts) with the same filters, counted in the
// member's CURRENT branch (members.branch_id, the export's member_branch): the obligations and greetings
// queries below use the exports' own branch filter and greeting rows (export-repository.ts inBranches,
// greetingsOwed) so the two cannot drift apart.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { greetingsOwed, inBranches, loadGreetingRule } from '../care/export-repository.ts';
import { monthEndsOf } from './care-periods.ts';
import type { FigureKey, FigurePeriod, Figures } from './figures.ts';
import type { BranchSet, CareFigureReader } from './figure-repository.ts';
import type { DayCount, MonthPoint } from './source.ts';

export const CARE_FIGURE_KEYS = [
  'members',
  'withoutAccount',
  'talkQuotaDone',
  'talkQuotaOwed',
  'triggerOpen',
  'triggerOverdue',
  'triggerDoneInTime',
  'triggerDoneLate',
  'holidayVisited',
  'holidayOwed',
  'greetingsSent',
  'greetingsFailed',
  'greetingsNoAccount',
] as const satisfies readonly FigureKey[];

type CareKey = (typeof CARE_FIGURE_KEYS)[number];
type Counts = { branch_id: string } & Record<string, number | string>;

export class CareFigures implements CareFigureReader {
  readonly keys: readonly FigureKey[] = CARE_FIGURE_KEYS;

  /** `timeZone`: the organisation's (APP_TIMEZONE), for the local date an obligation was closed on. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly timeZone = 'Asia/Shanghai',
  ) {}

  /** `all`: the whole committee, no branch filter (a branch outside the set is then simply not asked for). */
  private filterOf(branches: BranchSet): readonly string[] | undefined {
    return branches.all ? undefined : branches.branchIds;
  }

  async read(branches: BranchSet, period: FigurePeriod): Promise<Map<string, Partial<Figures>>> {
    const ids = this.filterOf(branches);
    const out = new Map<string, Partial<Figures>>();
    if (ids !== undefined && ids.length === 0) return out;
    const campaign = await this.latestHolidayCampaign(period.today);
    const [roster, obligations, greetings] = await Promise.all([this.roster(ids), this.obligations(ids, period, campaign), this.greetings(ids, period)]);
    for (const rows of [roster, obligations, greetings]) {
      for (const r of rows) {
        let f = out.get(r.branch_id);
        if (!f) out.set(r.branch_id, (f = Object.fromEntries(CARE_FIGURE_KEYS.map((k) => [k, 0])) as Partial<Figures>));
        for (const [k, v] of Object.entries(r)) if (k !== 'branch_id') f[k as CareKey] = Number(v);
      }
    }
    return out;
  }

  /**
   * The holiday visit campaign the figures count: the period ('2027-spring-festival') of the holiday visit
   * obligations opened on or before today with the latest holiday (due date) — the same for every branch, so a
   * branch owing nothing this time shows 0 of 0 rather than an older holiday. null before any campaign.
   */
  async latestHolidayCampaign(today: string): Promise<{ period: string; dueOn: string } | null> {
    const r = await sql<{ period: string; due_on: string }>`
      select o.period, to_char(o.due_on, 'YYYY-MM-DD') as due_on from care_obligations o
       where o.source = 'holiday' and o.opened_on <= ${today}::date
       order by o.due_on desc, o.period desc limit 1`.execute(this.db);
    const row = r.rows[0];
    return row ? { period: row.period, dueOn: row.due_on } : null;
  }

  private async roster(ids: readonly string[] | undefined): Promise<Counts[]> {
    const r = await sql<Counts>`
      select m.branch_id::text as branch_id, count(*)::int as "members", count(*) filter (where m.userid is null)::int as "withoutAccount"
        from members m
       where m.status = 'active' and ${inBranches('m', ids)}
       group by m.branch_id`.execute(this.db);
    return r.rows;
  }

  /** The obligations export's rows (state derived from today as obligationState does), counted by family. */
  private async obligations(ids: readonly string[] | undefined, p: FigurePeriod, campaign: { period: string } | null): Promise<Counts[]> {
    const yearStart = `${p.year}-01-01`;
    const yearEnd = `${p.year}-12-31`;
    const closedOn = sql`(o.closed_at at time zone ${this.timeZone})::date`;
    const r = await sql<Counts>`
      select m.branch_id::text as branch_id,
             count(*) filter (where o.source = 'quota' and o.status = 'done')::int as "talkQuotaDone",
             count(*) filter (where o.source = 'quota' and o.status <> 'cancelled')::int as "talkQuotaOwed",
             count(*) filter (where o.source = 'trigger' and o.status = 'open' and o.due_on >= ${p.today}::date)::int as "triggerOpen",
             count(*) filter (where o.source = 'trigger' and o.status = 'open' and o.due_on < ${p.today}::date)::int as "triggerOverdue",
             count(*) filter (where o.source = 'trigger' and o.status = 'done' and o.due_on between ${yearStart}::date and ${yearEnd}::date and ${closedOn} <= o.due_on)::int as "triggerDoneInTime",
             count(*) filter (where o.source = 'trigger' and o.status = 'done' and o.due_on between ${yearStart}::date and ${yearEnd}::date and ${closedOn} > o.due_on)::int as "triggerDoneLate",
             count(*) filter (where o.source = 'holiday' and o.status = 'done')::int as "holidayVisited",
             count(*) filter (where o.source = 'holiday' and o.status <> 'cancelled')::int as "holidayOwed"
        from care_obligations o
        join members m on m.id = o.member_id
       where ${inBranches('m', ids)}
         and ((o.source = 'quota' and o.period = ${String(p.year)})
           or (o.source = 'trigger' and (o.status = 'open' or o.due_on between ${yearStart}::date and ${yearEnd}::date))
           or (o.source = 'holiday' and o.period = ${campaign?.period ?? null}))
       group by m.branch_id`.execute(this.db);
    return r.rows;
  }

  /** The greetings export's rows of the year to date (1 January – today). */
  private async greetings(ids: readonly string[] | undefined, p: FigurePeriod): Promise<Counts[]> {
    const owed = greetingsOwed(await loadGreetingRule(this.db), { from: `${p.year}-01-01`, to: p.today, branchIds: ids });
    const r = await sql<Counts>`
      select g.branch_id::text as branch_id,
             count(*) filter (where g.state = 'sent')::int as "greetingsSent",
             count(*) filter (where g.state = 'failed')::int as "greetingsFailed",
             count(*) filter (where g.state = 'no_account')::int as "greetingsNoAccount"
        from (${owed}) g
       group by g.branch_id`.execute(this.db);
    return r.rows;
  }

  async months(branches: BranchSet, period: FigurePeriod): Promise<MonthPoint[]> {
    const ids = this.filterOf(branches);
    const ends = monthEndsOf(period.today);
    const points = ends.map(({ month }) => ({ month, talks: 0, visits: 0, overdueAtEnd: 0 }));
    if (ids !== undefined && ids.length === 0) return points;
    const byMonth = new Map(points.map((pt) => [pt.month, pt]));
    const closedOn = sql`(o.closed_at at time zone ${this.timeZone})::date`;
    const [records, overdue] = await Promise.all([
      sql<{ month: string; talks: number; visits: number }>`
        select to_char(r.happened_on, 'YYYY-MM') as month,
               count(*) filter (where r.kind = 'talk')::int as talks, count(*) filter (where r.kind = 'visit')::int as visits
          from care_records r join members m on m.id = r.member_id
         where r.undone_at is null and r.happened_on between ${`${period.year}-01-01`}::date and ${period.today}::date
           and ${inBranches('m', ids)}
         group by 1`.execute(this.db),
      // Trigger obligations due before the day and not closed by its end (still open, or closed — done or
      // cancelled — after it), whatever year they were due in: as triggerOverdue counts them on the last point.
      sql<{ day: string; n: number }>`
        select to_char(d.day, 'YYYY-MM-DD') as day, count(o.id)::int as n
          from unnest(${ends.map((e) => e.day)}::date[]) as d(day)
          join care_obligations o on o.source = 'trigger' and o.due_on < d.day
                                 and (o.status = 'open' or ${closedOn} > d.day)
          join members m on m.id = o.member_id
         where ${inBranches('m', ids)}
         group by d.day`.execute(this.db),
    ]);
    for (const r of records.rows) {
      const pt = byMonth.get(r.month);
      if (pt) Object.assign(pt, { talks: r.talks, visits: r.visits });
    }
    for (const r of overdue.rows) {
      const pt = byMonth.get(r.day.slice(0, 7));
      if (pt) pt.overdueAtEnd = r.n;
    }
    return points;
  }

  async visitDays(branches: BranchSet, period: FigurePeriod): Promise<DayCount[]> {
    const ids = this.filterOf(branches);
    if (ids !== undefined && ids.length === 0) return [];
    const r = await sql<DayCount>`
      select to_char(r.happened_on, 'YYYY-MM-DD') as date, count(*)::int as count
        from care_records r join members m on m.id = r.member_id
       where r.kind = 'visit' and r.undone_at is null
         and r.happened_on between ${`${period.year}-01-01`}::date and ${period.today}::date
         and ${inBranches('m', ids)}
       group by r.happened_on order by r.happened_on`.execute(this.db);
    return r.rows;
  }
}
