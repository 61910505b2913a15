// What the notice planners read: set-based queries over indexed columns — one per notice, never one per member.
// The planners (notices/planners/) decide who gets what from these rows; nothing here knows a template.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { BirthdayMonthKeys, MonthDay } from '../domain/anniversaries.ts';
import type { CareReason } from '../domain/obligations.ts';
import type { HolidayVisitParams } from '../domain/schedule.ts';
import type { BirthdayBasis } from './settings.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** An active holder of a role who can receive messages, with the organisation the role is held in. */
export interface Holder {
  org_id: string;
  member_id: string;
  userid: string;
  name: string;
}

export interface QuotaPair {
  owner_id: string;
  owner_userid: string | null;
  owner_name: string;
  member_id: string;
  member_name: string;
  done: boolean;
}

export interface Visitee {
  member_id: string;
  name: string;
  branch_id: string;
  branch: string;
  gb: string;
  hardship: boolean;
  old: boolean;
  /** The holiday's visit obligation about the member, once opened. */
  obligation_id: string | null;
  /** Whether that obligation is done (a holiday visit recorded from the day the list went out). */
  done: boolean;
  /** The office owing the visit: the branch's secretary, or one level up when the member is its only holder. */
  owner_role: 'branch_secretary' | 'gb_secretary' | 'od_staff';
  owner_org: string;
}

export interface OpenObligation {
  id: string;
  member_id: string;
  kind: 'talk' | 'visit';
  reason: CareReason;
  due_on: string;
  created_on: string;
  owner_role: string;
  owner_org: string;
  source: 'trigger' | 'holiday';
  /** The holiday's period ('2027-spring-festival') for a holiday visit; null for a trigger's. */
  period: string | null;
  member_name: string;
  member_userid: string | null;
  branch: string;
  branch_id: string;
  gb_id: string;
  committee_id: string;
  /** The day 延期 was pressed past its limit (it escalates as if overdue from then), if it was. */
  escalated_on: string | null;
}

/** `(extract(month from col) = m and extract(day from col) = d) or …` — served by the expression indexes. */
function monthDayMatch(column: RawBuilder<unknown>, keys: MonthDay[]): RawBuilder<boolean> {
  if (keys.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(
    keys.map((k) => sql`(extract(month from ${column}) = ${k.month} and extract(day from ${column}) = ${k.day})`),
    sql` or `,
  )})`;
}

const HARDSHIP = sql<boolean>`exists (select 1 from hardship_registry h where h.member_id = m.id and h.status = 'approved')`;
/** An old member on the holiday (MECHANISM 2.1: Party age ≥ 50 or age ≥ 80 by default, settings `schedule`). */
const oldMember = (p: HolidayVisitParams) => sql<boolean>`(m.full_member_date <= ${p.fullMemberOnOrBefore}::date or m.birth_date <= ${p.bornOnOrBefore}::date)`;

/**
 * Who a branch owes a holiday visit (MECHANISM 2.1): every active member in hardship (an approved registry entry)
 * or old on the holiday, with or without a chat account. `m` is the member. One predicate for the list and for
 * the obligations the sweep opens (sweep-repository.ts), so the two never differ.
 */
export function holidayVisitCandidate(p: HolidayVisitParams): RawBuilder<boolean> {
  return sql<boolean>`(m.status = 'active' and (${oldMember(p)} or ${HARDSHIP}))`;
}

/** Whether the member `m` is the only active holder (with a chat account) of `role` in organisation `org`. */
const holdsAlone = (role: string, org: RawBuilder<unknown>) => {
  const holders = sql`select s.id from member_roles r join members s on s.id = r.member_id
                       where r.role = ${role} and r.organisation_id = ${org} and s.status = 'active' and s.userid is not null`;
  return sql<boolean>`(exists (${holders}) and not exists (${holders} and s.id <> m.id))`;
};

/**
 * Who owes the member's holiday visit (MECHANISM "Offices, not only people": nobody owes themselves): the branch,
 * unless the member is its only secretary — then the general branch, unless they are its only secretary too —
 * then the OD. The same rule as a trigger's (domain/fulfilment.ts ownerOtherThanMember); a vacant office is kept
 * (its notices pass up on their own). Joins `hb` (branch), `hg` (general branch) and `hw` (owner_role,
 * owner_org) to the member `m`.
 */
export function holidayVisitOwnerJoin(): RawBuilder<unknown> {
  const selfBranch = holdsAlone('branch_secretary', sql`hb.id`);
  const selfGb = holdsAlone('gb_secretary', sql`hg.id`);
  return sql`join organisations hb on hb.id = m.branch_id
    join organisations hg on hg.id = hb.parent_id
    cross join lateral (
      select case when not ${selfBranch} then 'branch_secretary' when not ${selfGb} then 'gb_secretary' else 'od_staff' end as owner_role,
             case when not ${selfBranch} then hb.id when not ${selfGb} then hg.id else hg.parent_id end as owner_org
    ) hw`;
}

const basisColumn = (basis: BirthdayBasis) => sql.ref(`m.${basis}`);

export class NoticePlanRepository {
  /** `db` is the executor the reads run on (the office directory reads on it too). */
  constructor(readonly db: Db) {}

  /** Active holders of a role who can receive messages, with the organisation the role is held in. */
  async holders(role: string): Promise<Holder[]> {
    const r = await sql<Holder>`
    select r.organisation_id::text as org_id, s.id::text as member_id, s.userid, s.name
      from member_roles r join members s on s.id = r.member_id
     where r.role = ${role} and s.status = 'active' and s.userid is not null
     order by r.organisation_id, s.id`.execute(this.db);
    return r.rows;
  }

  /** Members who can receive messages whose political birthday (by `basis`) is on one of `monthDays`, joined before `year`. */
  async birthdayGreetees(basis: BirthdayBasis, monthDays: MonthDay[], year: number) {
    const col = basisColumn(basis);
    const rows = await sql<{ member_id: string; userid: string; name: string; anniv: string; branch: string; general_branch: string | null; birth_date: string | null; join_date: string }>`
        select m.id::text as member_id, m.userid, m.name, to_char(${col}, 'YYYY-MM-DD') as anniv, b.name as branch, g.name as general_branch,
               to_char(m.birth_date, 'YYYY-MM-DD') as birth_date, to_char(m.join_date, 'YYYY-MM-DD') as join_date
          from members m join organisations b on b.id = m.branch_id left join organisations g on g.id = b.parent_id
         where ${monthDayMatch(col, monthDays)}
           and extract(year from ${col}) < ${year}
           and m.status = 'active' and m.userid is not null`.execute(this.db);
    return rows.rows;
  }

  /**
   * Active members whose political birthday falls in the month `keys` describes, by branch and day, and whether
   * they have no chat account (the list marks them: a letter or text instead); with `withoutActivityIn`, only
   * those not yet covered that month — their branch logged no activity and no letter or text was logged for them.
   */
  async birthdayMonthMembers(basis: BirthdayBasis, year: number, keys: BirthdayMonthKeys, withoutActivityIn?: string) {
    const col = basisColumn(basis);
    const inMonth = sql<boolean>`((extract(month from ${col}) = ${keys.month} and not ${monthDayMatch(col, keys.exclude)}) or ${monthDayMatch(col, keys.extra)})`;
    const rows = await sql<{ branch_id: string; branch: string; name: string; anniv: string; no_account: boolean }>`
        select m.branch_id::text as branch_id, b.name as branch, m.name, to_char(${col}, 'YYYY-MM-DD') as anniv, (m.userid is null) as no_account
          from members m join organisations b on b.id = m.branch_id
         where ${inMonth} and extract(year from ${col}) < ${year} and m.status = 'active'
           ${
             withoutActivityIn !== undefined
               ? sql`and not exists (select 1 from birthday_activities a where a.branch_id = m.branch_id and a.period = ${withoutActivityIn})
                     and not exists (select 1 from birthday_member_activities x where x.member_id = m.id and x.period = ${withoutActivityIn})`
               : sql``
           }
         order by m.branch_id, extract(day from ${col}), m.id`.execute(this.db);
    return rows.rows;
  }

  /** General branches with active members; with `withoutReviewFor`, only those that have not submitted the hardship review of that period. */
  async generalBranches(withoutReviewFor?: string) {
    const pending = await sql<{ id: string; name: string }>`
        select g.id::text as id, g.name from organisations g
         where g.kind = 'general_branch'
           and exists (select 1 from organisations b join members m on m.branch_id = b.id where b.parent_id = g.id and m.status = 'active')
           ${withoutReviewFor === undefined ? sql`` : sql`and not exists (select 1 from hardship_reviews h where h.general_branch_id = g.id and h.period = ${withoutReviewFor})`}
         order by g.id`.execute(this.db);
    return pending.rows;
  }

  /** Every active member who can receive messages. */
  async reachableMembers() {
    const rows = await sql<{ member_id: string; userid: string; name: string }>`
        select m.id::text as member_id, m.userid, m.name from members m where m.status = 'active' and m.userid is not null`.execute(this.db);
    return rows.rows;
  }

  /** Branches with active members (an empty branch is owed no nudge), in order. */
  async branches() {
    const branches = await sql<{ id: string; name: string }>`
        select o.id::text as id, o.name from organisations o
         where o.kind = 'branch' and exists (select 1 from members m where m.branch_id = o.id and m.status = 'active')
         order by o.id`.execute(this.db);
    return branches.rows;
  }

  /** The year's quota obligations with names, for progress nudges (opened from care/quota-pairs.ts). */
  async quotaPairs(year: number): Promise<QuotaPair[]> {
    const r = await sql<QuotaPair>`
    select o.owner_member_id::text as owner_id, s.userid as owner_userid, s.name as owner_name,
           o.member_id::text as member_id, m.name as member_name, (o.status = 'done') as done
      from care_obligations o
      join members s on s.id = o.owner_member_id
      join members m on m.id = o.member_id
     where o.source = 'quota' and o.period = ${String(year)} and o.status <> 'cancelled'
       and s.status = 'active' and m.status = 'active'
     order by o.owner_member_id, o.member_id`.execute(this.db);
    return r.rows;
  }

  /**
   * Members in hardship and old members to visit before a holiday (the list), with the holiday's obligation
   * about each once the sweep has opened it (null in a dry run before the list day).
   */
  async holidayVisitees(p: HolidayVisitParams, period: string): Promise<Visitee[]> {
    const r = await sql<Visitee>`
    select m.id::text as member_id, m.name, m.branch_id::text as branch_id, b.name as branch, g.name as gb,
           ${HARDSHIP} as hardship, ${oldMember(p)} as old,
           o.id::text as obligation_id, coalesce(o.status = 'done', false) as done,
           coalesce(o.owner_role, hw.owner_role) as owner_role, coalesce(o.owner_organisation_id, hw.owner_org)::text as owner_org
      from members m
      join organisations b on b.id = m.branch_id
      join organisations g on g.id = b.parent_id
      ${holidayVisitOwnerJoin()}
      left join care_obligations o on o.member_id = m.id and o.source = 'holiday' and o.period = ${period}
     where ${holidayVisitCandidate(p)}
     order by m.branch_id, m.id`.execute(this.db);
    return r.rows;
  }

  /** The holiday's visit obligations (cancelled ones apart): the reminder's unvisited, the summary's counts. */
  async holidayVisitObligations(p: HolidayVisitParams, period: string): Promise<Visitee[]> {
    const r = await sql<Visitee>`
    select m.id::text as member_id, m.name, m.branch_id::text as branch_id, b.name as branch, g.name as gb,
           ${HARDSHIP} as hardship, ${oldMember(p)} as old,
           o.id::text as obligation_id, (o.status = 'done') as done, o.owner_role, o.owner_organisation_id::text as owner_org
      from care_obligations o
      join members m on m.id = o.member_id
      join organisations b on b.id = m.branch_id
      join organisations g on g.id = b.parent_id
     where o.source = 'holiday' and o.period = ${period} and o.status <> 'cancelled'
     order by m.branch_id, m.id`.execute(this.db);
    return r.rows;
  }

  /** Open office-owned obligations (quotas aside) due, or escalated because 延期 ran out, between `from` and `to`. */
  async openObligationsDueBetween(from: IsoDate, to: IsoDate): Promise<OpenObligation[]> {
    const rows = await sql<OpenObligation>`
    select o.id::text as id, o.member_id::text as member_id, o.kind, o.reason, to_char(o.due_on, 'YYYY-MM-DD') as due_on,
           to_char(o.opened_on, 'YYYY-MM-DD') as created_on,
           o.owner_role, o.owner_organisation_id::text as owner_org, o.source, o.period,
           m.name as member_name, m.userid as member_userid, b.name as branch, b.id::text as branch_id,
           g.id::text as gb_id, g.parent_id::text as committee_id, to_char(o.escalated_on, 'YYYY-MM-DD') as escalated_on
      from care_obligations o
      join members m on m.id = o.member_id
      join organisations b on b.id = m.branch_id
      join organisations g on g.id = b.parent_id
     where o.status = 'open' and o.source <> 'quota' and o.owner_role is not null
       and (o.due_on between ${from}::date and ${to}::date or o.escalated_on between ${from}::date and ${to}::date)
     order by o.id`.execute(this.db);
    return rows.rows;
  }
}
