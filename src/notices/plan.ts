// From the day's notice descriptors (domain/schedule.ts, pure) to the concrete notices: who gets what, read
// from the database with set-based SQL over indexed columns — one query per descriptor, never one per member.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { IsoDate } from '../domain/dates.ts';
import { yearsSinceJoining, type MonthDay } from '../domain/anniversaries.ts';
import { isRetired } from '../domain/retirement.ts';
import type { Notice } from '../domain/schedule.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import type { BirthdayBasis } from './settings.ts';
import { assertRendered, NOTICE_TEMPLATES as T, type PersonLine } from './templates.ts';

export interface PlannedNotice {
  kind: string;
  recipientMemberId: string;
  recipientUserid: string;
  /** What the notice is about (a member, a branch, the committee…): part of the UNIQUE key. */
  subject: string;
  period: string;
  message: OutboundMessage;
  /** Remember that this person was asked about this (a reply like “已谈” refers to it). */
  remember?: { topic: string; ref: string };
}

export interface PlanContext {
  date: IsoDate;
  late: boolean;
  birthdayBasis: BirthdayBasis;
  /** Days before a holiday the visit list goes out: bounds the window in which a visit counts for it. */
  holidayListDaysBefore: number;
}

type Db = Kysely<Database>;

interface Holder {
  org_id: string;
  member_id: string;
  userid: string;
  name: string;
}

/** Active holders of a role who can receive messages, with the organisation the role is held in. */
async function holders(db: Db, role: string): Promise<Holder[]> {
  const r = await sql<Holder>`
    select r.organisation_id::text as org_id, s.id::text as member_id, s.userid, s.name
      from member_roles r join members s on s.id = r.member_id
     where r.role = ${role} and s.status = 'active' and s.userid is not null
     order by r.organisation_id, s.id`.execute(db);
  return r.rows;
}

function byKey<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** `(extract(month from col) = m and extract(day from col) = d) or …` — served by the expression indexes. */
function monthDayMatch(column: RawBuilder<unknown>, keys: MonthDay[]): RawBuilder<boolean> {
  if (keys.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(
    keys.map((k) => sql`(extract(month from ${column}) = ${k.month} and extract(day from ${column}) = ${k.day})`),
    sql` or `,
  )})`;
}

const basisColumn = (basis: BirthdayBasis) => sql.ref(`m.${basis}`) as RawBuilder<unknown>;

function toNotices(kind: string, period: string, list: Array<{ to: Holder | { member_id: string; userid: string }; subject: string; message: OutboundMessage }>): PlannedNotice[] {
  return list.map((n) => ({ kind, period, recipientMemberId: n.to.member_id, recipientUserid: n.to.userid, subject: n.subject, message: assertRendered(n.message) }));
}

export async function planNotice(db: Db, notice: Notice, ctx: PlanContext): Promise<PlannedNotice[]> {
  const late = ctx.late;
  switch (notice.kind) {
    case 'birthday_greeting': {
      const col = basisColumn(ctx.birthdayBasis);
      const rows = await sql<{ member_id: string; userid: string; name: string; anniv: string; branch: string; general_branch: string | null; birth_date: string | null; join_date: string }>`
        select m.id::text as member_id, m.userid, m.name, to_char(${col}, 'YYYY-MM-DD') as anniv, b.name as branch, g.name as general_branch,
               to_char(m.birth_date, 'YYYY-MM-DD') as birth_date, to_char(m.join_date, 'YYYY-MM-DD') as join_date
          from members m join organisations b on b.id = m.branch_id left join organisations g on g.id = b.parent_id
         where ${monthDayMatch(col, notice.params.monthDays)}
           and extract(year from ${col}) < ${notice.params.year}
           and m.status = 'active' and m.userid is not null`.execute(db);
      return toNotices(
        notice.kind,
        notice.period,
        rows.rows.map((r) => ({
          to: r,
          subject: `member-${r.member_id}`,
          message: T.birthdayGreeting({
            name: r.name,
            years: yearsSinceJoining(r.anniv, notice.params.date, notice.params.leapDayRule),
            joinDate: r.anniv,
            branch: r.branch,
            retired: isRetired({ organisationNames: [r.branch, r.general_branch ?? ''], birthDate: r.birth_date, joinDate: r.join_date, onDate: notice.params.date }),
            late,
          }),
        })),
      );
    }

    case 'birthday_month_list':
    case 'birthday_activity_reminder': {
      const { year, month } = notice.params;
      const keys = notice.kind === 'birthday_month_list' ? notice.params.keys : { month, exclude: [], extra: [] };
      const col = basisColumn(ctx.birthdayBasis);
      const inMonth = sql<boolean>`((extract(month from ${col}) = ${keys.month} and not ${monthDayMatch(col, keys.exclude)}) or ${monthDayMatch(col, keys.extra)})`;
      const rows = await sql<{ branch_id: string; branch: string; name: string; anniv: string }>`
        select m.branch_id::text as branch_id, b.name as branch, m.name, to_char(${col}, 'YYYY-MM-DD') as anniv
          from members m join organisations b on b.id = m.branch_id
         where ${inMonth} and extract(year from ${col}) < ${year} and m.status = 'active'
           ${notice.kind === 'birthday_activity_reminder' ? sql`and not exists (select 1 from birthday_activities a where a.branch_id = m.branch_id and a.period = ${notice.period})` : sql``}
         order by m.branch_id, extract(day from ${col}), m.id`.execute(db);
      const byBranch = byKey(rows.rows, (r) => r.branch_id);
      const secretaries = await holders(db, 'branch_secretary');
      const out: PlannedNotice[] = [];
      for (const s of secretaries) {
        const members = byBranch.get(s.org_id);
        if (!members?.length) continue;
        const branch = members[0]!.branch;
        const message =
          notice.kind === 'birthday_month_list'
            ? T.birthdayMonthList({
                branch,
                year,
                month,
                members: members.map((m) => ({ name: m.name, detail: `${Number(m.anniv.slice(5, 7))}月${Number(m.anniv.slice(8))}日，入党${year - Number(m.anniv.slice(0, 4))}周年` })),
                late,
              })
            : T.birthdayActivityReminder({ branch, month, count: members.length, late });
        out.push(...toNotices(notice.kind, notice.period, [{ to: s, subject: `branch-${s.org_id}`, message }]));
      }
      return out;
    }

    case 'party_age_honour_list': {
      const rows = await sql<{ name: string; fmd: string; branch: string }>`
        select m.name, to_char(m.full_member_date, 'YYYY-MM-DD') as fmd, b.name as branch
          from members m join organisations b on b.id = m.branch_id
         where m.full_member_date >= ${`${notice.params.fullMemberYear}-01-01`}::date
           and m.full_member_date <= ${`${notice.params.fullMemberYear}-12-31`}::date
           and m.status = 'active'
         order by m.full_member_date, m.id`.execute(db);
      if (rows.rows.length === 0) return [];
      const members: PersonLine[] = rows.rows.map((r) => ({ name: r.name, detail: `${r.branch}，${r.fmd.slice(0, 4)}年转正` }));
      const od = await holders(db, 'od_staff');
      return toNotices(notice.kind, notice.period, od.map((o) => ({ to: o, subject: 'committee', message: T.partyAgeHonourList({ year: notice.params.year, partyAge: notice.params.partyAge, members, late }) })));
    }

    case 'talk_quota_progress':
    case 'talk_quota_remaining': {
      const year = notice.params.year;
      const pairs = await quotaPairs(db, year);
      const byOwner = byKey(pairs, (p) => p.owner_id);
      if (notice.kind === 'talk_quota_progress') {
        const out: PlannedNotice[] = [];
        for (const list of byOwner.values()) {
          const o = list[0]!;
          if (!o.owner_userid) continue;
          const remaining = list.filter((p) => !p.done).map((p) => ({ name: p.member_name }));
          out.push(
            ...toNotices(notice.kind, notice.period, [
              { to: { member_id: o.owner_id, userid: o.owner_userid }, subject: 'talk-quota', message: T.talkQuotaProgress({ year, done: list.length - remaining.length, total: list.length, remaining, late }) },
            ]),
          );
        }
        return out;
      }
      const owners: PersonLine[] = [...byOwner.values()]
        .map((list) => ({ list, left: list.filter((p) => !p.done).length }))
        .filter((x) => x.left > 0)
        .map(({ list, left }) => ({ name: list[0]!.owner_name, detail: `还剩 ${left}/${list.length} 人` }));
      if (owners.length === 0) return [];
      const od = await holders(db, 'od_staff');
      return toNotices(notice.kind, notice.period, od.map((o) => ({ to: o, subject: 'committee', message: T.talkQuotaRemaining({ year, owners, late }) })));
    }

    case 'hardship_review_nudge':
    case 'hardship_review_reminder':
    case 'hardship_review_escalation': {
      const period = `${notice.params.year}-${String(notice.params.month).padStart(2, '0')}`;
      const pending = await sql<{ id: string; name: string }>`
        select g.id::text as id, g.name from organisations g
         where g.kind = 'general_branch'
           ${notice.kind === 'hardship_review_nudge' ? sql`` : sql`and not exists (select 1 from hardship_reviews h where h.general_branch_id = g.id and h.period = ${period})`}
         order by g.id`.execute(db);
      if (notice.kind === 'hardship_review_escalation') {
        if (pending.rows.length === 0) return [];
        const od = await holders(db, 'od_staff');
        const gbs = pending.rows.map((g) => ({ name: g.name }));
        return toNotices(notice.kind, notice.period, od.map((o) => ({ to: o, subject: 'committee', message: T.hardshipReviewEscalation({ year: notice.params.year, month: notice.params.month, generalBranches: gbs, late }) })));
      }
      const names = new Map(pending.rows.map((g) => [g.id, g.name]));
      const secretaries = (await holders(db, 'gb_secretary')).filter((s) => names.has(s.org_id));
      return toNotices(
        notice.kind,
        notice.period,
        secretaries.map((s) => ({
          to: s,
          subject: `gb-${s.org_id}`,
          message:
            notice.kind === 'hardship_review_nudge'
              ? T.hardshipReviewNudge({ generalBranch: names.get(s.org_id)!, year: notice.params.year, month: notice.params.month, late })
              : T.hardshipReviewReminder({ generalBranch: names.get(s.org_id)!, month: notice.params.month, late }),
        })),
      );
    }

    case 'self_eval_nudge':
    case 'self_eval_reminder': {
      // Every active member is nudged; self-evaluations are not recorded in the bot yet, so the reminder goes to all.
      const rows = await sql<{ member_id: string; userid: string; name: string }>`
        select m.id::text as member_id, m.userid, m.name from members m where m.status = 'active' and m.userid is not null`.execute(db);
      const p = notice.params;
      return toNotices(
        notice.kind,
        notice.period,
        rows.rows.map((r) => ({ to: r, subject: `member-${r.member_id}`, message: T.selfEvalNudge({ name: r.name, year: p.year, quarter: p.quarter, windowEnd: p.windowEnd, reminder: notice.kind === 'self_eval_reminder', late }) })),
      );
    }

    case 'half_year_eval_nudge':
    case 'year_end_eval_nudge':
    case 'year_end_eval_reminder': {
      const branches = await sql<{ id: string; name: string }>`select id::text as id, name from organisations where kind = 'branch'`.execute(db);
      const names = new Map(branches.rows.map((b) => [b.id, b.name]));
      const title =
        notice.kind === 'half_year_eval_nudge'
          ? { title: `${notice.params.year}年上半年党员考评`, deadline: '7月底前完成' }
          : { title: `${notice.params.evaluatedYear}年度党员总评`, deadline: notice.kind === 'year_end_eval_nudge' ? '年底前完成，并按不超过15%的比例推荐优秀党员' : '1月底前完成，请尚未完成的支部抓紧' };
      const secretaries = (await holders(db, 'branch_secretary')).filter((s) => names.has(s.org_id));
      return toNotices(notice.kind, notice.period, secretaries.map((s) => ({ to: s, subject: `branch-${s.org_id}`, message: T.evaluationNudge({ branch: names.get(s.org_id)!, ...title, late }) })));
    }

    case 'holiday_visit_list':
    case 'holiday_visit_reminder':
    case 'holiday_visit_summary': {
      const p = notice.params;
      const rows = await holidayVisitees(db, p, ctx.holidayListDaysBefore);
      if (notice.kind === 'holiday_visit_summary') {
        if (rows.length === 0) return [];
        const byGb = byKey(rows, (r) => r.gb);
        const lines = [...byGb.entries()].map(([gb, list]) => ({ name: gb, detail: `应访 ${list.length}，已访 ${list.filter((r) => r.visited).length}` }));
        const od = await holders(db, 'od_staff');
        return toNotices(
          notice.kind,
          notice.period,
          od.map((o) => ({ to: o, subject: 'committee', message: T.holidayVisitSummary({ holiday: p.name, date: p.date, rows: lines, visited: rows.filter((r) => r.visited).length, total: rows.length, late }) })),
        );
      }
      const reminder = notice.kind === 'holiday_visit_reminder';
      const byBranch = byKey(reminder ? rows.filter((r) => !r.visited) : rows, (r) => r.branch_id);
      const out: PlannedNotice[] = [];
      for (const s of await holders(db, 'branch_secretary')) {
        const list = byBranch.get(s.org_id);
        if (!list?.length) continue;
        const members = list.map((r) => ({ name: r.name, detail: [r.hardship ? '生活困难' : '', r.old ? '老党员' : ''].filter(Boolean).join('、') }));
        out.push(...toNotices(notice.kind, notice.period, [{ to: s, subject: `branch-${s.org_id}`, message: T.holidayVisitList({ branch: list[0]!.branch, holiday: p.name, date: p.date, members, reminder, late }) }]));
      }
      return out;
    }

    case 'holiday_data_missing': {
      const od = await holders(db, 'od_staff');
      return toNotices(notice.kind, notice.period, od.map((o) => ({ to: o, subject: 'committee', message: T.holidayDataMissing({ year: notice.params.year }) })));
    }
  }
}

export interface QuotaPair {
  owner_id: string;
  owner_userid: string | null;
  owner_name: string;
  member_id: string;
  member_name: string;
  done: boolean;
}

/**
 * The yearly talk quotas (MECHANISM 2.2) as (owner_id, member_id, done) rows: committee secretary ↔ every GB
 * secretary; committee member ↔ the GB committee (secretary and members) of each GB linked to them; branch
 * secretary ↔ every branch member. `done`: a talk between the two is recorded this year (either may have
 * recorded it). The one definition of the quotas; the obligations are opened from it.
 */
export function quotaPairsQuery(year: number, ownerIds?: readonly string[]): RawBuilder<{ owner_id: string; member_id: string; done: boolean }> {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  return sql<{ owner_id: string; member_id: string; done: boolean }>`
    with owners as (
      select r.role, r.organisation_id, s.id
        from member_roles r join members s on s.id = r.member_id
       where s.status = 'active' and r.role in ('committee_secretary', 'committee_member', 'branch_secretary')
         ${ownerIds ? sql`and s.id = any(${ownerIds}::bigint[])` : sql``}
    ), pairs as (
      select o.id as owner_id, g.id as member_id
        from owners o join member_roles rg on rg.role = 'gb_secretary' join members g on g.id = rg.member_id
       where o.role = 'committee_secretary' and g.status = 'active' and g.id <> o.id
      union
      select o.id, g.id
        from owners o join committee_links l on l.member_id = o.id
        join member_roles rg on rg.organisation_id = l.general_branch_id and rg.role in ('gb_secretary', 'gb_member')
        join members g on g.id = rg.member_id
       where o.role = 'committee_member' and g.status = 'active' and g.id <> o.id
      union
      select o.id, m.id
        from owners o join members m on m.branch_id = o.organisation_id
       where o.role = 'branch_secretary' and m.status = 'active' and m.id <> o.id
    ), talked as (
      select distinct least(leader_member_id, member_id) as a, greatest(leader_member_id, member_id) as b
        from care_records
       where kind = 'talk' and undone_at is null and happened_on between ${from}::date and ${to}::date
    )
    select p.owner_id, p.member_id, (t.a is not null) as done
      from pairs p
      left join talked t on t.a = least(p.owner_id, p.member_id) and t.b = greatest(p.owner_id, p.member_id)`;
}

/** The year's quota obligations with names, for progress nudges (opened from quotaPairsQuery). */
export async function quotaPairs(db: Db, year: number): Promise<QuotaPair[]> {
  const r = await sql<QuotaPair>`
    select o.owner_member_id::text as owner_id, s.userid as owner_userid, s.name as owner_name,
           o.member_id::text as member_id, m.name as member_name, (o.status = 'done') as done
      from care_obligations o
      join members s on s.id = o.owner_member_id
      join members m on m.id = o.member_id
     where o.source = 'quota' and o.period = ${String(year)} and o.status <> 'cancelled'
       and s.status = 'active' and m.status = 'active'
     order by o.owner_member_id, o.member_id`.execute(db);
  return r.rows;
}

interface Visitee {
  member_id: string;
  name: string;
  branch_id: string;
  branch: string;
  gb: string;
  hardship: boolean;
  old: boolean;
  visited: boolean;
}

/** Members in hardship and old members to visit before a holiday, and whether a holiday visit is recorded. */
async function holidayVisitees(db: Db, p: Notice['params'] & { date: IsoDate; fullMemberOnOrBefore: IsoDate; bornOnOrBefore: IsoDate }, listDaysBefore: number): Promise<Visitee[]> {
  // A visit counts for this holiday from a little before its list went out to two weeks after it.
  const r = await sql<Visitee>`
    select m.id::text as member_id, m.name, m.branch_id::text as branch_id, b.name as branch, g.name as gb,
           exists (select 1 from hardship_registry h where h.member_id = m.id and h.status = 'approved') as hardship,
           (m.full_member_date <= ${p.fullMemberOnOrBefore}::date or m.birth_date <= ${p.bornOnOrBefore}::date) as old,
           exists (select 1 from care_records c
                    where c.member_id = m.id and c.kind = 'visit' and c.undone_at is null
                      and c.happened_on between ${p.date}::date - ${listDaysBefore + 16}::int and ${p.date}::date + 15) as visited
      from members m
      join organisations b on b.id = m.branch_id
      join organisations g on g.id = b.parent_id
     where m.status = 'active'
       and (m.full_member_date <= ${p.fullMemberOnOrBefore}::date or m.birth_date <= ${p.bornOnOrBefore}::date
            or exists (select 1 from hardship_registry h where h.member_id = m.id and h.status = 'approved'))
     order by m.branch_id, m.id`.execute(db);
  return r.rows;
}
