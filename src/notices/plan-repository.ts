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
  visited: boolean;
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
  member_name: string;
  member_userid: string | null;
  branch: string;
  branch_id: string;
  gb_id: string;
  committee_id: string;
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

export class NoticePlanRepository {
  constructor(private readonly db: Db) {}

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
   * Active members whose political birthday falls in the month `keys` describes, by branch and day; with
   * `withoutActivityIn`, only those of branches that have not logged the month's birthday activity.
   */
  async birthdayMonthMembers(basis: BirthdayBasis, year: number, keys: BirthdayMonthKeys, withoutActivityIn?: string) {
    const col = basisColumn(basis);
    const inMonth = sql<boolean>`((extract(month from ${col}) = ${keys.month} and not ${monthDayMatch(col, keys.exclude)}) or ${monthDayMatch(col, keys.extra)})`;
    const rows = await sql<{ branch_id: string; branch: string; name: string; anniv: string }>`
        select m.branch_id::text as branch_id, b.name as branch, m.name, to_char(${col}, 'YYYY-MM-DD') as anniv
          from members m join organisations b on b.id = m.branch_id
         where ${inMonth} and extract(year from ${col}) < ${year} and m.status = 'active'
           ${withoutActivityIn !== undefined ? sql`and not exists (select 1 from birthday_activities a where a.branch_id = m.branch_id and a.period = ${withoutActivityIn})` : sql``}
         order by m.branch_id, extract(day from ${col}), m.id`.execute(this.db);
    return rows.rows;
  }

  /** Active members who became full members in `fullMemberYear`, in order of that date. */
  async fullMembersOfYear(fullMemberYear: number) {
    const rows = await sql<{ name: string; fmd: string; branch: string }>`
        select m.name, to_char(m.full_member_date, 'YYYY-MM-DD') as fmd, b.name as branch
          from members m join organisations b on b.id = m.branch_id
         where m.full_member_date >= ${`${fullMemberYear}-01-01`}::date
           and m.full_member_date <= ${`${fullMemberYear}-12-31`}::date
           and m.status = 'active'
         order by m.full_member_date, m.id`.execute(this.db);
    return rows.rows;
  }

  /** General branches; with `withoutReviewFor`, only those that have not submitted the hardship review of that period. */
  async generalBranches(withoutReviewFor?: string) {
    const pending = await sql<{ id: string; name: string }>`
        select g.id::text as id, g.name from organisations g
         where g.kind = 'general_branch'
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

  async branches() {
    const branches = await sql<{ id: string; name: string }>`select id::text as id, name from organisations where kind = 'branch'`.execute(this.db);
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

  /** Members in hardship and old members to visit before a holiday, and whether a holiday visit is recorded. */
  async holidayVisitees(p: HolidayVisitParams, listDaysBefore: number): Promise<Visitee[]> {
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
     order by m.branch_id, m.id`.execute(this.db);
    return r.rows;
  }

  /** Open office-owned obligations (quotas aside) due between `from` and `to`. */
  async openObligationsDueBetween(from: IsoDate, to: IsoDate): Promise<OpenObligation[]> {
    const rows = await sql<OpenObligation>`
    select o.id::text as id, o.member_id::text as member_id, o.kind, o.reason, to_char(o.due_on, 'YYYY-MM-DD') as due_on,
           to_char(o.opened_on, 'YYYY-MM-DD') as created_on,
           o.owner_role, o.owner_organisation_id::text as owner_org,
           m.name as member_name, m.userid as member_userid, b.name as branch, b.id::text as branch_id,
           g.id::text as gb_id, g.parent_id::text as committee_id
      from care_obligations o
      join members m on m.id = o.member_id
      join organisations b on b.id = m.branch_id
      join organisations g on g.id = b.parent_id
     where o.status = 'open' and o.source <> 'quota' and o.owner_role is not null
       and o.due_on between ${from}::date and ${to}::date
     order by o.id`.execute(this.db);
    return rows.rows;
  }
}
