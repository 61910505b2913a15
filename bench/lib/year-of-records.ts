// A year of records for the demo organisation (issue 16 section 5): what a university's Party committee writes
// from 1 January to `today` — talks and visits, trigger / quota / holiday obligations in every state, political
// birthday greetings, the hardship registry and its May/November verification, subsidies and their monthly
// payments, quarterly self-evaluations, the GBs' excellent-member lists, announcements with their reads, and
// members' suggestions. Bench-only (bench:dashboard runs it after seed-demo): it writes set-based SQL straight
// into the tables, at rates stated below, so a million members and their year take minutes, not hours.
//
// Where the app has a set-based writer of its own, that writer is used, so the rows are the app's: the yearly
// talk quotas (ensureQuotaObligations, after the talks are recorded: done where a talk exists) and the holiday
// visit lists (SweepRepository.openHolidayVisits for each list the schedule sends up to today). Everything else
// is inserted here, consistent with the app's constraints and meanings (closed_at of a done obligation, its
// record's obligation_id and the obligation's record_id, one live registry entry per member, …).
//
// Pseudo-random but deterministic: every choice is a hash of a row id and a salt (hashint8extended), so two runs
// over the same roster write the same year. Foreign-key triggers are off for the session while it writes
// (session_replication_role = replica; every id comes from an existing row) — that alone makes it several times
// faster; nothing else in the schema is a trigger.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { quotaPairsQuery } from '../../src/db/obligation-repository.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { addDays } from '../../src/domain/dates.ts';
import { selfEvaluationWindow } from '../../src/domain/incentive.ts';
import { DEFAULT_SCHEDULE_SETTINGS, noticesDueOn } from '../../src/domain/schedule.ts';
import { ensureQuotaObligations } from '../../src/notices/sweep.ts';
import { SweepRepository } from '../../src/notices/sweep-repository.ts';

/** The rates of the generated year (per year unless said), for the report and the README. */
export const YEAR_RATES = {
  /** Share of the yearly talk quota pairs talked with by today, at the end of the year (scaled by the year's elapsed share). */
  quotaTalksDone: 0.92,
  /** Talks recorded and then undone (不算): they count nowhere. */
  talksUndone: 0.005,
  /** Members with a trigger (住院, 丧亲, 工作变动 …) in the year. */
  triggers: 0.04,
  /** Holiday visits done by the holiday, for campaigns already past; the current one is half done. */
  holidayVisited: 0.9,
  /** Greetings that failed to send (the rest of those with an account were sent). */
  greetingsFailed: 0.015,
  /** Approved hardship registry entries, of active members (plus the demo's own). */
  hardship: 0.006,
  /** Registry entries with a monthly subsidy. */
  subsidised: 0.4,
  /** Self-evaluations submitted in a past quarter (the current one: in proportion to its elapsed days). */
  selfEvaluations: 0.88,
  /** Excellent members named by each GB (the cap is 15%). */
  excellent: 0.12,
  /** Committee-wide announcements to all members, and announcements by each GB to its members. */
  odAnnouncements: 3,
  gbAnnouncements: 4,
  /** Recipients with an account who read it. */
  announcementRead: 0.72,
  /** Members who write a suggestion; share answered. */
  suggestions: 0.015,
  suggestionsReplied: 0.85,
} as const;

export interface YearOfRecordsOptions {
  /** APP_TIMEZONE: the times of day written are local times there. */
  timezone: string;
  /** The organisation's date, YYYY-MM-DD: the year runs from 1 January of its year to it. */
  today: string;
  /** The instant used where the app's writers take the clock. */
  now: Date;
  /** Progress lines (to standard error). */
  log?: (line: string) => void;
}

export interface YearOfRecordsReport {
  rows: Record<string, number>;
  ms: number;
}

/** A uniform pseudo-random number in [0, 1) from an id and a salt. */
/** A number written into the SQL text (a literal, so it has a numeric type wherever it stands). */
const lit = (x: number) => sql.lit(x);

const u = (id: RawBuilder<unknown>, salt: number) => sql`((hashint8extended((${id})::bigint, ${salt}::bigint) & 1048575)::float8 / 1048576)`;

export async function generateYearOfRecords(db: Kysely<Database>, opts: YearOfRecordsOptions): Promise<YearOfRecordsReport> {
  const { today, now } = opts;
  const log = opts.log ?? (() => {});
  const year = Number(today.slice(0, 4));
  const start = `${year}-01-01`;
  const month = Number(today.slice(5, 7));
  // The share of the year elapsed by today: later in the year, more of the quota is done.
  const elapsed = (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000 + 1;
  const yearShare = Math.min(1, elapsed / 365);
  const rows: Record<string, number> = {};
  const t0 = performance.now();
  const step = async (name: string, fn: (c: Kysely<Database>) => Promise<number>, c: Kysely<Database>) => {
    const t = performance.now();
    rows[name] = await fn(c);
    log(`  ${name}: ${rows[name]} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  const n = (r: { numAffectedRows?: bigint; rows: unknown[] }) => (r.numAffectedRows !== undefined ? Number(r.numAffectedRows) : r.rows.length);

  await db.connection().execute(async (c) => {
    await sql`set session_replication_role = replica`.execute(c);
    // Times of day written as date + time are the organisation's local times; dates read back likewise.
    await sql`select set_config('TimeZone', ${opts.timezone}, false)`.execute(c);
    try {
      // Fresh statistics first (a roster just imported has none): the joins below are planned on them.
      await sql`analyze`.execute(c);
      // ---- care: the quota talks, then the quota obligations the app opens from them ----
      await step(
        'quota talks',
        async (c) =>
          n(
            await sql`
          insert into care_records (kind, leader_member_id, member_id, happened_on, reason, recorded_by_member_id, recorded_at, undone_at)
          select 'talk', p.owner_id, p.member_id, x.d, 'routine', p.owner_id, x.d + time '15:00', case when ${u(sql`p.member_id * 131 + p.owner_id`, 3)} < ${lit(YEAR_RATES.talksUndone)} then x.d + time '16:00' end
            from (select distinct owner_id, member_id from (${quotaPairsQuery(year)}) q) p
            cross join lateral (select ${start}::date + floor(${u(sql`p.member_id * 131 + p.owner_id`, 2)} * ${lit(elapsed)})::int as d) x
           where ${u(sql`p.member_id * 131 + p.owner_id`, 1)} < ${lit(YEAR_RATES.quotaTalksDone * yearShare)}`.execute(c),
          ),
        c,
      );
      await step(
        'quota obligations',
        async (c) => {
          await sql`analyze care_records`.execute(c);
          await ensureQuotaObligations(c, year, now);
          // seed-demo may have opened them before the talks existed: close each pair's obligation by its talk, as
          // recording the talk would have.
          await sql`
            update care_obligations o set status = 'done', closed_at = r.recorded_at, record_id = r.id
              from care_records r
             where o.source = 'quota' and o.period = ${String(year)} and o.status = 'open'
               and r.kind = 'talk' and r.undone_at is null and r.happened_on between ${start}::date and ${today}::date
               and least(r.leader_member_id, r.member_id) = least(o.owner_member_id, o.member_id)
               and greatest(r.leader_member_id, r.member_id) = greatest(o.owner_member_id, o.member_id)`.execute(c);
          // A few pairs the roster undid during the year (a secretary changed): cancelled, not owed.
          await sql`update care_obligations set status = 'cancelled', cancelled_reason = 'roster_changed', closed_at = ${now}
                     where source = 'quota' and period = ${String(year)} and status = 'open' and ${u(sql`id`, 4)} < 0.003`.execute(c);
          return Number((await sql<{ n: string }>`select count(*)::text as n from care_obligations where source = 'quota' and period = ${String(year)}`.execute(c)).rows[0]!.n);
        },
        c,
      );

      // ---- trigger obligations: one per member with a trigger, owed by their branch, due a week later ----
      await step(
        'trigger obligations',
        async (c) =>
          n(
            await sql`
          insert into care_obligations (kind, member_id, owner_organisation_id, owner_role, reason, source, due_on, status, opened_on, closed_at, cancelled_reason)
          select case when x.r < 0.7 then 'visit' else 'talk' end, m.id, m.branch_id, 'branch_secretary',
                 case when x.r < 0.3 then 'hospitalised' when x.r < 0.5 then 'bereavement' when x.r < 0.6 then 'hardship' when x.r < 0.7 then 'disaster'
                      when x.r < 0.85 then 'job_change' when x.r < 0.95 then 'setback' else 'dispute' end,
                 'trigger', x.e + 7,
                 case when x.s < 0.02 then 'cancelled' when x.e + 7 < ${today}::date and x.s < 0.88 then 'done' when x.e + 7 >= ${today}::date and x.s < 0.5 then 'done' else 'open' end,
                 x.e,
                 case when x.s < 0.02 then x.e + 1 + time '10:00'
                      when x.e + 7 < ${today}::date and x.s < 0.78 then x.e + floor(x.s * 9)::int + time '16:00'
                      when x.e + 7 < ${today}::date and x.s < 0.88 then least(${today}::date, x.e + 8 + floor(x.s * 60)::int % 21) + time '16:00'
                      when x.e + 7 >= ${today}::date and x.s < 0.5 then least(${today}::date, x.e + floor(x.s * 7)::int) + time '16:00' end,
                 case when x.s < 0.02 then 'member_transferred_out' end
            from members m
            cross join lateral (select ${start}::date + floor(${u(sql`m.id`, 6)} * ${lit(elapsed)})::int as e, ${u(sql`m.id`, 7)} as r, ${u(sql`m.id`, 8)} as s) x
           where m.status = 'active' and ${u(sql`m.id`, 5)} < ${lit(YEAR_RATES.triggers * yearShare)}`.execute(c),
          ),
        c,
      );

      // ---- holiday visit lists: the app's own opener, for every list the schedule sent up to today ----
      await step(
        'holiday obligations',
        async (c) => {
          const repo = new SweepRepository(c);
          const ctx = { calendar: chineseWorkingDayCalendar(), settings: DEFAULT_SCHEDULE_SETTINGS };
          let opened = 0;
          for (let d = start; d <= today; d = addDays(d, 1)) {
            for (const notice of noticesDueOn(d, ctx)) if (notice.kind === 'holiday_visit_list') opened += await repo.openHolidayVisits(notice.params, notice.period, d);
          }
          return opened;
        },
        c,
      );

      // ---- the visits and talks that fulfilled trigger and holiday obligations (by the owning office's holder) ----
      await step(
        'holiday visits done',
        async (c) =>
          n(
            await sql`
          update care_obligations o set status = 'done', closed_at = least(${today}::date, o.opened_on + floor(${u(sql`o.id`, 9)} * greatest(1, o.due_on - o.opened_on + 1))::int) + time '15:30'
           where o.source = 'holiday' and o.status = 'open'
             and ${u(sql`o.id`, 10)} < case when o.due_on < ${today}::date then ${lit(YEAR_RATES.holidayVisited)} else 0.5 end`.execute(c),
          ),
        c,
      );
      await sql`analyze care_obligations`.execute(c);
      await step(
        'records of done obligations',
        async (c) => {
          const r = await sql`
          with done as (
            select o.id, o.kind, o.member_id, o.reason, o.closed_at::date as d,
                   coalesce((select r.member_id from member_roles r join members s on s.id = r.member_id
                              where r.role = o.owner_role and r.organisation_id = o.owner_organisation_id and s.status = 'active' and s.id <> o.member_id
                              order by r.member_id limit 1), o.member_id) as leader
              from care_obligations o
             where o.source in ('trigger', 'holiday') and o.status = 'done' and o.record_id is null
          ), ins as (
            insert into care_records (kind, leader_member_id, member_id, happened_on, reason, obligation_id, recorded_by_member_id, recorded_at)
            select kind, leader, member_id, d, reason, id, leader, d + time '18:00' from done
            returning id, obligation_id
          )
          update care_obligations o set record_id = ins.id from ins where o.id = ins.obligation_id`.execute(c);
          return n(r);
        },
        c,
      );

      // ---- political birthday greetings: one notice a member a year (period = the year), delivered or not ----
      await step(
        'greetings',
        async (c) => {
          const r = await sql`
          with g as (
            -- As the sweep greets them: the political birthday (join date) in this year, 29 February on 28 February in
            -- a common year (leap_day_rule's default), never in the year of joining itself.
            select m.id, m.userid, x.d
              from members m
              cross join lateral (select case when extract(month from m.join_date) = 2 and extract(day from m.join_date) = 29
                                                   and not (${lit(year)} % 4 = 0 and (${lit(year)} % 100 <> 0 or ${lit(year)} % 400 = 0))
                                              then make_date(${lit(year)}, 2, 28)
                                              else make_date(${lit(year)}, extract(month from m.join_date)::int, extract(day from m.join_date)::int) end as d) x
             where m.status = 'active' and extract(year from m.join_date) < ${lit(year)} and x.d <= ${today}::date
          ), n as (
            insert into notices (kind, recipient_member_id, subject, period, due_on, late, created_at)
            select 'birthday_greeting', g.id, 'member-' || g.id, ${String(year)}, g.d, false, g.d + time '00:50' from g
            on conflict on constraint notices_once do nothing
            returning id, recipient_member_id, due_on
          )
          insert into deliveries (idempotency_key, platform, recipient, message, status, attempts, sent_at, created_at, not_before, push, error_code, error)
          select 'notice-' || n.id, 'wecom', m.userid, '{"kind":"text","text":"政治生日祝福"}'::jsonb,
                 case when f.failed then 'failed' else 'sent' end, case when f.failed then 5 else 1 end,
                 case when f.failed then null else n.due_on + time '01:05' end, n.due_on + time '00:50', n.due_on + time '01:00', true,
                 case when f.failed then '60020' end, case when f.failed then 'not allow to access from your ip' end
            from n join members m on m.id = n.recipient_member_id
            cross join lateral (select ${u(sql`n.id`, 11)} < ${lit(YEAR_RATES.greetingsFailed)} as failed) f
           where m.userid is not null`.execute(c);
          return Number((await sql<{ n: string }>`select count(*)::text as n from notices where kind = 'birthday_greeting' and period = ${String(year)}`.execute(c)).rows[0]!.n) + 0 * n(r);
        },
        c,
      );

      // ---- the hardship registry: approved entries (and a few applied, archived), the verification round ----
      await step(
        'hardship entries',
        async (c) =>
          n(
            await sql`
          insert into hardship_registry (member_id, causes, status, source, consent_recorded, note, created_at, decided_at, applied_by_member_id, consent_by_member_id, consent_at, archived_at, archive_reason)
          select m.id,
                 case when x.r < 0.35 then array['old_age'] when x.r < 0.6 then array['illness'] when x.r < 0.75 then array['illness', 'frailty']
                      when x.r < 0.85 then array['disability'] when x.r < 0.95 then array['misfortune'] else array['disaster'] end,
                 case when x.s < 0.08 then 'applied' when x.s < 0.14 then 'archived' else 'approved' end,
                 'self', true, '', x.d + time '10:00', case when x.s >= 0.08 then x.d + 5 + time '10:00' end, m.id, m.id, x.d + time '10:00',
                 case when x.s >= 0.08 and x.s < 0.14 then x.d + 60 + time '10:00' end, case when x.s >= 0.08 and x.s < 0.14 then '情况好转' else '' end
            from members m
            cross join lateral (select ${u(sql`m.id`, 13)} as r, ${u(sql`m.id`, 14)} as s, (${start}::date - 400 + floor(${u(sql`m.id`, 15)} * (400 + ${lit(elapsed)} - 70))::int) as d) x
           where m.status = 'active' and ${u(sql`m.id`, 12)} < ${lit(YEAR_RATES.hardship)}
             and not exists (select 1 from hardship_registry h where h.member_id = m.id and h.status in ('awaiting_consent', 'applied', 'approved'))`.execute(c),
          ),
        c,
      );
      // The round: November (or May) of this year, or last November before May. Most GBs submitted; the rest are
      // half-way (some entries confirmed, no submission yet).
      const period = month >= 11 ? `${year}-11` : month >= 5 ? `${year}-05` : `${year - 1}-11`;
      await step(
        'verification',
        async (c) => {
          const items = await sql`
          insert into hardship_review_items (general_branch_id, period, entry_id, action, causes_before, causes_after, by_member_id, at)
          select b.parent_id, ${period}, h.id, 'confirmed', h.causes, h.causes, null, ${now}
            from hardship_registry h join members m on m.id = h.member_id join organisations b on b.id = m.branch_id
           where h.status = 'approved' and (${u(sql`b.parent_id`, 16)} < 0.7 or ${u(sql`h.id`, 17)} < 0.5)`.execute(c);
          await sql`
          insert into hardship_reviews (general_branch_id, period, submitted_by_member_id, submitted_at, note, changes, verified_count)
          select g.id, ${period}, null, ${now}, '', '{"added":[],"archived":[],"causesChanged":[]}',
                 (select count(*) from hardship_review_items i where i.general_branch_id = g.id and i.period = ${period})
            from organisations g where g.kind = 'general_branch' and ${u(sql`g.id`, 16)} < 0.7`.execute(c);
          return n(items);
        },
        c,
      );

      // ---- subsidies (monthly, 300–800 元) for a share of the approved entries, and their payments ----
      await step(
        'subsidies',
        async (c) =>
          n(
            await sql`
          insert into subsidies (member_id, entry_id, amount_fen, start_month, end_month, status, created_at, confirmed_at)
          select h.member_id, h.id, (300 + floor(${u(sql`h.id`, 19)} * 6)::int * 100) * 100, ${`${year}-01`}, ${`${year}-12`}, 'active', ${`${year}-01-05`}::date + time '10:00', ${`${year}-01-08`}::date + time '10:00'
            from hardship_registry h where h.status = 'approved' and ${u(sql`h.id`, 18)} < ${lit(YEAR_RATES.subsidised)}`.execute(c),
          ),
        c,
      );
      await step(
        'subsidy payments',
        async (c) =>
          n(
            await sql`
          insert into subsidy_payments (subsidy_id, month, amount_fen, paid_at)
          select s.id, to_char(mo, 'YYYY-MM'), s.amount_fen, mo + 9 + time '10:00'
            from subsidies s cross join generate_series(${start}::date, ${today}::date, interval '1 month') g(mo0)
            cross join lateral (select g.mo0::date as mo) x
           where s.status = 'active' and s.start_month = ${`${year}-01`}
             and (to_char(mo, 'YYYY-MM') < ${today.slice(0, 7)} or (mo + 9 <= ${today}::date and ${u(sql`s.id`, 20)} < 0.8))`.execute(c),
          ),
        c,
      );

      // ---- quarterly self-evaluations, in each quarter's window (the window of the current one may not be open) ----
      await step(
        'self-evaluations',
        async (c) => {
          let written = 0;
          for (let q = 1; q <= 4; q++) {
            const w = selfEvaluationWindow(year, q);
            if (w.start > today) break;
            const last = w.end < today ? w.end : today;
            const days = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${w.start}T00:00:00Z`)) / 86_400_000 + 1;
            const windowDays = (Date.parse(`${w.end}T00:00:00Z`) - Date.parse(`${w.start}T00:00:00Z`)) / 86_400_000 + 1;
            const rate = YEAR_RATES.selfEvaluations * Math.min(1, days / windowDays);
            written += n(
              await sql`
              insert into self_evaluations (member_id, year, quarter, text, recorded_by_member_id, recorded_at, updated_at)
              select m.id, ${lit(year)}, ${lit(q)}, '本季度认真学习党的理论，按时参加组织生活，完成岗位工作。', m.id, x.at, x.at
                from members m
                cross join lateral (select ${w.start}::date + floor(${u(sql`m.id * 5 + ${lit(q)}`, 29)} * ${lit(days)})::int + time '20:00' as at) x
               where m.status = 'active' and ${u(sql`m.id * 5 + ${lit(q)}`, 21)} < ${lit(rate)}`.execute(c),
            );
          }
          return written;
        },
        c,
      );

      // ---- the GBs' excellent-member lists (七一), once July has come ----
      await step(
        'excellent members',
        async (c) =>
          month < 7
            ? 0
            : n(
                await sql`
          insert into commendations (year, kind, level, member_id, issuer_id, certificate_no, certificate_seq, recorded_at)
          select ${year}, 'excellent_member', 'general_branch', e.id, e.gb, ${`${year}-`} || e.gb || '-' || e.seq, e.seq, ${`${year}-06-28`}::date + time '10:00'
            from (select m.id, b.parent_id as gb, row_number() over (partition by b.parent_id order by m.id)::int as seq
                    from members m join organisations b on b.id = m.branch_id
                   where m.status = 'active' and ${u(sql`m.id`, 22)} < ${lit(YEAR_RATES.excellent)}) e`.execute(c),
              ),
        c,
      );

      await sql`analyze`.execute(c);
      // ---- announcements: the OD's to every member, each GB's to its members; reads by those with an account ----
      await step(
        'announcements',
        async (c) => {
          const od = Math.max(1, Math.round(YEAR_RATES.odAnnouncements * yearShare));
          const gb = Math.max(1, Math.round(YEAR_RATES.gbAnnouncements * yearShare));
          await sql`
          insert into announcements (kind, audience, organisation_id, sender_member_id, body, state, created_at, sent_at, deliver_at, deliver_on)
          select 'announcement', 'all_members', c.id, s.member_id, '关于开展主题党日活动的通知（第' || k || '期）', 'sent', x.at, x.at, x.at, x.at::date
            from organisations c
            join lateral (select r.member_id from member_roles r where r.organisation_id = c.id and r.role in ('od_staff', 'committee_secretary') order by r.role desc, r.member_id limit 1) s on true
            cross join generate_series(1, ${lit(od)}) k
            cross join lateral (select ${start}::date + ((k - 1) * ${lit(Math.floor(elapsed / od))} + 10) + time '10:00' as at) x
           where c.kind = 'committee'`.execute(c);
          await sql`
          insert into announcements (kind, audience, organisation_id, sender_member_id, body, state, created_at, sent_at, deliver_at, deliver_on)
          select 'report_work', 'gb_members', g.id, s.member_id, '党总支工作通报（第' || k || '期）', 'sent', x.at, x.at, x.at, x.at::date
            from organisations g
            join lateral (select r.member_id from member_roles r where r.organisation_id = g.id and r.role = 'gb_secretary' order by r.member_id limit 1) s on true
            cross join generate_series(1, ${lit(gb)}) k
            cross join lateral (select ${start}::date + ((k - 1) * ${lit(Math.floor(elapsed / gb))} + 20 + (g.id % 15)::int) + time '16:00' as at) x
           where g.kind = 'general_branch'`.execute(c);
          const r = await sql`
          insert into announcement_recipients (announcement_id, member_id, branch_id, general_branch_id, has_account, read_at)
          select a.id, m.id, m.branch_id, b.parent_id, m.userid is not null,
                 case when m.userid is not null and ${u(sql`m.id * 1009 + a.id`, 23)} < ${lit(YEAR_RATES.announcementRead)} then a.deliver_at + interval '1 hour' * floor(${u(sql`m.id * 1009 + a.id`, 24)} * 72) end
            from announcements a
            join organisations b on (a.audience = 'all_members') or (a.audience = 'gb_members' and b.parent_id = a.organisation_id)
            join members m on m.branch_id = b.id and m.status = 'active'
           where a.state = 'sent' and b.kind = 'branch' and a.audience in ('all_members', 'gb_members')
             and not exists (select 1 from announcement_recipients x where x.announcement_id = a.id)`.execute(c);
          return n(r);
        },
        c,
      );

      // ---- suggestions: to the branch (most), the GB or the OD; most answered, some awaiting and overdue ----
      await step(
        'suggestions',
        async (c) =>
          n(
            await sql`
          insert into suggestions (writer_member_id, branch_id, general_branch_id, committee_id, anonymous, addressee_office, addressee_organisation_id, text,
                                   filed_at, filed_on, due_on, state, reply, replied_at, replied_on)
          select m.id, b.id, g.id, g.parent_id, x.r < 0.2,
                 case when x.r < 0.7 then 'branch_secretary' when x.r < 0.9 then 'gb_secretary' else 'od' end,
                 case when x.r < 0.7 then b.id when x.r < 0.9 then g.id else g.parent_id end,
                 '建议支部组织生活多结合业务工作开展。', x.d + time '21:00', x.d, x.d + 10,
                 case when x.s < ${lit(YEAR_RATES.suggestionsReplied)} and x.d + 3 <= ${today}::date then 'replied' else 'awaiting_reply' end,
                 case when x.s < ${lit(YEAR_RATES.suggestionsReplied)} and x.d + 3 <= ${today}::date then '感谢建议，支委会已研究采纳。' end,
                 case when x.s < ${lit(YEAR_RATES.suggestionsReplied)} and x.d + 3 <= ${today}::date then x.d + 3 + time '10:00' end,
                 case when x.s < ${lit(YEAR_RATES.suggestionsReplied)} and x.d + 3 <= ${today}::date then x.d + 3 end
            from members m join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
            cross join lateral (select ${u(sql`m.id`, 26)} as r, ${u(sql`m.id`, 27)} as s, ${start}::date + floor(${u(sql`m.id`, 28)} * ${lit(elapsed)})::int as d) x
           where m.status = 'active' and ${u(sql`m.id`, 25)} < ${lit(YEAR_RATES.suggestions * yearShare)}`.execute(c),
          ),
        c,
      );
    } finally {
      await sql`set session_replication_role = origin`.execute(c);
      await sql`reset timezone`.execute(c);
    }
  });
  return { rows, ms: performance.now() - t0 };
}
