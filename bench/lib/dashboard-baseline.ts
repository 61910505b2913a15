// bench:dashboard's baseline (issue 16 section 5): the dashboard's figures for one general branch computed the
// straightforward way — one plain query per figure family for that GB, no grouping across GBs — each written
// from FIGURE_DEFINITIONS (src/dashboard/figures.ts), independently of the readers it is compared with. A page
// for the committee takes one such set per GB, one after another.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { zeroFigures, type FigurePeriod, type Figures } from '../../src/dashboard/figures.ts';
import type { DayCount, MonthPoint } from '../../src/dashboard/source.ts';
import { reportingQuarter } from '../../src/domain/incentive.ts';

export interface GbBaseline {
  figures: Figures;
  months: MonthPoint[];
  visitDays: DayCount[];
}

/** Filled once per run (committee-wide facts the figures are counted against). */
export interface BaselineContext {
  /** The latest holiday visit campaign opened by today (its period), if any. */
  holidayPeriod: string | undefined;
  /** The verification round counted: this May/November, or the last one. */
  verificationPeriod: string;
}

export async function baselineContext(db: Kysely<Database>, p: FigurePeriod): Promise<BaselineContext> {
  const h = await sql<{ period: string }>`
    select period from care_obligations where source = 'holiday' and opened_on <= ${p.today}::date
     order by due_on desc, period desc limit 1`.execute(db);
  const month = Number(p.month.slice(5));
  const verificationPeriod = month >= 11 ? `${p.year}-11` : month >= 5 ? `${p.year}-05` : `${p.year - 1}-11`;
  return { holidayPeriod: h.rows[0]?.period, verificationPeriod };
}

const num = (v: unknown) => Number(v ?? 0);

/** The figures of one GB, one plain query per family, in sequence. `tz`: APP_TIMEZONE (local dates of instants). */
export async function baselineOfGb(db: Kysely<Database>, gbId: string, p: FigurePeriod, ctx: BaselineContext, tz: string): Promise<GbBaseline> {
  const f = zeroFigures();
  const from = `${p.year}-01-01`;
  const to = `${p.year}-12-31`;
  // The GB's members (their current branch), as a subquery every family filters by.
  const inGb = sql`(select m.id from members m join organisations b on b.id = m.branch_id where b.parent_id = ${gbId}::bigint)`;

  const roster = await sql<{ members: string; without: string }>`
    select count(*) as members, count(*) filter (where m.userid is null) as without
      from members m join organisations b on b.id = m.branch_id
     where b.parent_id = ${gbId}::bigint and m.status = 'active'`.execute(db);
  f.members = num(roster.rows[0]?.members);
  f.withoutAccount = num(roster.rows[0]?.without);
  f.selfEvaluationsExpected = f.members;

  const quota = await sql<{ done: string; owed: string }>`
    select count(*) filter (where status = 'done') as done, count(*) filter (where status <> 'cancelled') as owed
      from care_obligations where source = 'quota' and period = ${String(p.year)} and member_id in ${inGb}`.execute(db);
  f.talkQuotaDone = num(quota.rows[0]?.done);
  f.talkQuotaOwed = num(quota.rows[0]?.owed);

  const trig = await sql<{ open: string; overdue: string; intime: string; late: string }>`
    select count(*) filter (where status = 'open' and due_on >= ${p.today}::date) as open,
           count(*) filter (where status = 'open' and due_on < ${p.today}::date) as overdue,
           count(*) filter (where status = 'done' and (closed_at at time zone ${tz})::date <= due_on) as intime,
           count(*) filter (where status = 'done' and (closed_at at time zone ${tz})::date > due_on) as late
      from care_obligations where source = 'trigger' and due_on between ${from}::date and ${to}::date and member_id in ${inGb}`.execute(db);
  f.triggerOpen = num(trig.rows[0]?.open);
  f.triggerOverdue = num(trig.rows[0]?.overdue);
  f.triggerDoneInTime = num(trig.rows[0]?.intime);
  f.triggerDoneLate = num(trig.rows[0]?.late);

  if (ctx.holidayPeriod) {
    const hol = await sql<{ done: string; owed: string }>`
      select count(*) filter (where status = 'done') as done, count(*) filter (where status <> 'cancelled') as owed
        from care_obligations where source = 'holiday' and period = ${ctx.holidayPeriod} and member_id in ${inGb}`.execute(db);
    f.holidayVisited = num(hol.rows[0]?.done);
    f.holidayOwed = num(hol.rows[0]?.owed);
  }

  // The greetings export's rows: one per member whose political birthday (join date; 29 February on 28 February
  // in a common year) fell from 1 January to today, active or greeted; its state from the notice and delivery.
  const greet = await sql<{ sent: string; failed: string; none: string }>`
    select count(*) filter (where d.status = 'sent') as sent, count(*) filter (where d.status = 'failed') as failed,
           count(*) filter (where (n.id is not null and d.id is null) or (n.id is null and m.userid is null)) as none
      from members m join organisations b on b.id = m.branch_id
      cross join lateral (select case when extract(month from m.join_date) = 2 and extract(day from m.join_date) = 29
                                           and not (${p.year}::int % 4 = 0 and (${p.year}::int % 100 <> 0 or ${p.year}::int % 400 = 0))
                                      then make_date(${p.year}::int, 2, 28)
                                      else make_date(${p.year}::int, extract(month from m.join_date)::int, extract(day from m.join_date)::int) end as day) x
      left join notices n on n.kind = 'birthday_greeting' and n.recipient_member_id = m.id and n.subject = 'member-' || m.id and n.period = ${String(p.year)}
      left join deliveries d on d.idempotency_key = 'notice-' || n.id
     where b.parent_id = ${gbId}::bigint and extract(year from m.join_date) < ${p.year}::int and x.day between ${from}::date and ${p.today}::date
       and (m.status = 'active' or n.id is not null)`.execute(db);
  f.greetingsSent = num(greet.rows[0]?.sent);
  f.greetingsFailed = num(greet.rows[0]?.failed);
  f.greetingsNoAccount = num(greet.rows[0]?.none);

  // Verified: an item confirming or adding the entry in the round, in a GB report that was submitted.
  const hard = await sql<{ registered: string; verified: string }>`
    select count(*) as registered,
           count(*) filter (where exists (select 1 from hardship_review_items i join hardship_reviews rv on rv.general_branch_id = i.general_branch_id and rv.period = i.period
                                           where i.entry_id = h.id and i.period = ${ctx.verificationPeriod} and i.action in ('confirmed', 'added'))) as verified
      from hardship_registry h where h.status = 'approved' and h.member_id in ${inGb}`.execute(db);
  f.hardshipRegistered = num(hard.rows[0]?.registered);
  f.hardshipVerified = num(hard.rows[0]?.verified);
  f.hardshipAwaitingVerification = f.hardshipRegistered - f.hardshipVerified;

  // Relief due this month: subsidies whose term covers it (active, or paid for it), emergency aids approved and
  // unpaid or paid this month (local).
  const relief = await sql<{ due: string; paid: string }>`
    select count(*) as due, count(*) filter (where paid) as paid from (
      select exists (select 1 from subsidy_payments sp where sp.subsidy_id = s.id and sp.month = ${p.month}) as paid, s.status
        from subsidies s where s.start_month <= ${p.month} and s.end_month >= ${p.month} and s.member_id in ${inGb}
      union all
      select a.paid_at is not null, 'active'
        from emergency_aids a
       where a.member_id in ${inGb}
         and ((a.status = 'approved' and a.paid_at is null) or to_char(a.paid_at at time zone ${tz}, 'YYYY-MM') = ${p.month})
    ) x where x.status = 'active' or x.paid`.execute(db);
  f.reliefDue = num(relief.rows[0]?.due);
  f.reliefPaid = num(relief.rows[0]?.paid);

  // The quarter 本季度未自评名单 follows.
  const q = reportingQuarter(p.today);
  const evals = await sql<{ n: string }>`
    select count(*) as n from self_evaluations where year = ${q.year} and quarter = ${q.quarter} and member_id in ${inGb}`.execute(db);
  f.selfEvaluationsSubmitted = num(evals.rows[0]?.n);

  const exc = await sql<{ n: string }>`
    select count(*) as n from commendations where year = ${p.year} and kind = 'excellent_member' and level = 'general_branch' and member_id in ${inGb}`.execute(db);
  f.excellentCount = num(exc.rows[0]?.n);

  // Announcements sent this (local) year, by the branch recorded for each recipient.
  const ann = await sql<{ recipients: string; reads: string }>`
    select count(*) as recipients, count(r.read_at) as reads
      from announcement_recipients r join announcements a on a.id = r.announcement_id
     where r.branch_id in (select id from organisations where parent_id = ${gbId}::bigint)
       and a.state = 'sent' and extract(year from a.sent_at at time zone ${tz}) = ${p.year}`.execute(db);
  f.announcementRecipients = num(ann.rows[0]?.recipients);
  f.announcementReads = num(ann.rows[0]?.reads);

  const sug = await sql<{ awaiting: string; overdue: string }>`
    select count(*) as awaiting, count(*) filter (where due_on < ${p.today}::date) as overdue
      from suggestions where state = 'awaiting_reply' and branch_id in (select id from organisations where parent_id = ${gbId}::bigint)`.execute(db);
  f.suggestionsAwaiting = num(sug.rows[0]?.awaiting);
  f.suggestionsOverdue = num(sug.rows[0]?.overdue);

  // The charts: talks and visits per month, overdue trigger obligations at each month's end (or today).
  const recs = await sql<{ month: string; talks: string; visits: string }>`
    select to_char(happened_on, 'YYYY-MM') as month, count(*) filter (where kind = 'talk') as talks, count(*) filter (where kind = 'visit') as visits
      from care_records where undone_at is null and happened_on between ${from}::date and ${p.today}::date and member_id in ${inGb}
     group by 1`.execute(db);
  const overdue = await sql<{ month: string; n: string }>`
    select to_char(e.d, 'YYYY-MM') as month, count(o.id) as n
      from (select least((date_trunc('month', g) + interval '1 month - 1 day')::date, ${p.today}::date) as d
              from generate_series(${from}::date, ${p.today}::date, interval '1 month') g) e
      left join care_obligations o
        on o.source = 'trigger' and o.due_on >= ${from}::date and o.due_on < e.d and o.member_id in ${inGb}
       and not (o.status <> 'open' and (o.closed_at at time zone ${tz})::date <= e.d)
     group by 1`.execute(db);
  const byMonth = new Map(recs.rows.map((r) => [r.month, r]));
  const overdueBy = new Map(overdue.rows.map((r) => [r.month, num(r.n)]));
  const months: MonthPoint[] = [];
  for (let m = 1; m <= Number(p.month.slice(5)); m++) {
    const key = `${p.year}-${String(m).padStart(2, '0')}`;
    months.push({ month: key, talks: num(byMonth.get(key)?.talks), visits: num(byMonth.get(key)?.visits), overdueAtEnd: overdueBy.get(key) ?? 0 });
  }

  const days = await sql<{ date: string; n: string }>`
    select to_char(happened_on, 'YYYY-MM-DD') as date, count(*) as n
      from care_records where kind = 'visit' and undone_at is null and happened_on between ${from}::date and ${p.today}::date and member_id in ${inGb}
     group by 1 order by 1`.execute(db);
  return { figures: f, months, visitDays: days.rows.map((d) => ({ date: d.date, count: num(d.n) })) };
}
