// What the dashboard's pages read about members and organisations (issue 16 section 2): the names on the
// breadcrumbs, a branch's members with what they received this year (one query for the whole branch, never one
// per member), and one member's own page. Rows carry raw codes and places; what a viewer may see of them is the
// page's business, decided by the access rule (src/domain/access.ts).
import { sql, type Kysely } from 'kysely';
import type { CareKind, Database } from '../db/schema.ts';

/** The state of a member's political-birthday greeting of a year: as the greetings export names it. */
export type GreetingState = 'sent' | 'failed' | 'no_account' | 'pending';

/** An organisation as a breadcrumb or a list names it. */
export interface NamedOrganisationRow {
  id: string;
  name: string;
  kind: 'committee' | 'general_branch' | 'branch';
}

/** A member of a branch, with the care they received this year and what is owed about them now. */
export interface BranchMemberRow {
  memberId: string;
  name: string;
  hasAccount: boolean;
  talks: number;
  visits: number;
  /** Obligations about the member, open and not yet due (due on or after today). */
  open: number;
  /** Open and due before today. */
  overdue: number;
  /** Reason codes of the open and overdue obligations about them (distinct, sorted). */
  openReasons: string[];
  /** This year's greeting, or null when none was due. */
  greeting: GreetingState | null;
}

/** An obligation a member owes (as its owner or as a holder of the owning office), still open. */
export interface OwedObligationRow {
  id: string;
  kind: CareKind;
  source: 'trigger' | 'quota' | 'holiday';
  reason: string;
  dueOn: string;
  aboutMemberId: string;
  aboutName: string;
  aboutBranchId: string;
  aboutGeneralBranchId: string;
  aboutCommitteeId: string;
}

/** A talk or a visit the member received. */
export interface ReceivedCareRow {
  id: string;
  kind: CareKind;
  happenedOn: string;
  leaderName: string;
  reason: string;
  note: string;
}

/** One of the member's political-birthday greetings. */
export interface GreetingRow {
  period: string;
  dueOn: string;
  state: GreetingState;
}

// The greeting's state from its delivery: none (the sweep found no chat account to send to) is no_account.
const GREETING_STATE = sql<GreetingState>`case when d.id is null then 'no_account' when d.status = 'sent' then 'sent' when d.status = 'failed' then 'failed' else 'pending' end`;

export class MemberRowsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** These organisations with their names and kinds (unknown ids are absent). */
  async organisations(ids: readonly string[]): Promise<Map<string, NamedOrganisationRow>> {
    const wanted = ids.filter((id) => /^\d{1,19}$/.test(id));
    if (wanted.length === 0) return new Map();
    const r = await sql<NamedOrganisationRow>`
      select id::text as id, name, kind from organisations where id = any(${wanted}::bigint[])`.execute(this.db);
    return new Map(r.rows.map((o) => [o.id, o]));
  }

  /** The branches of an organisation: itself if a branch, a GB's, or every one of the committee's. */
  async branchesUnder(organisationId: string): Promise<string[]> {
    const r = await sql<{ id: string }>`
      select b.id::text as id from organisations b join organisations g on g.id = b.parent_id
       where b.kind = 'branch' and (b.id = ${organisationId}::bigint or g.id = ${organisationId}::bigint or g.parent_id = ${organisationId}::bigint)
       order by b.id`.execute(this.db);
    return r.rows.map((x) => x.id);
  }

  /** The branch's active members by name, each with this year's talks, visits and greeting and what is owed about them today. */
  async branchMembers(branchId: string, year: number, today: string): Promise<BranchMemberRow[]> {
    const from = `${year}-01-01`;
    const to = `${year}-12-31`;
    const r = await sql<{
      member_id: string;
      name: string;
      has_account: boolean;
      talks: number;
      visits: number;
      open: number;
      overdue: number;
      open_reasons: string[] | null;
      greeting: GreetingState | null;
    }>`
      with m as (
        select id, name, (userid is not null or dingtalk_userid is not null) as has_account
          from members where branch_id = ${branchId}::bigint and status = 'active'
      ), care as (
        select c.member_id, count(*) filter (where c.kind = 'talk')::int as talks, count(*) filter (where c.kind = 'visit')::int as visits
          from care_records c join m on m.id = c.member_id
         where c.undone_at is null and c.happened_on between ${from}::date and ${to}::date
         group by c.member_id
      ), owed as (
        select o.member_id,
               count(*) filter (where o.due_on >= ${today}::date)::int as open,
               count(*) filter (where o.due_on < ${today}::date)::int as overdue,
               array_agg(distinct o.reason order by o.reason) as open_reasons
          from care_obligations o join m on m.id = o.member_id
         where o.status = 'open'
         group by o.member_id
      ), greeting as (
        select distinct on (n.recipient_member_id) n.recipient_member_id as member_id, ${GREETING_STATE} as state
          from notices n join m on m.id = n.recipient_member_id
          left join deliveries d on d.idempotency_key = 'notice-' || n.id
         where n.kind = 'birthday_greeting' and n.period = ${String(year)}
         order by n.recipient_member_id, n.id desc
      )
      select m.id::text as member_id, m.name, m.has_account,
             coalesce(care.talks, 0) as talks, coalesce(care.visits, 0) as visits,
             coalesce(owed.open, 0) as open, coalesce(owed.overdue, 0) as overdue, owed.open_reasons,
             greeting.state as greeting
        from m left join care on care.member_id = m.id left join owed on owed.member_id = m.id
        left join greeting on greeting.member_id = m.id
       order by m.name, m.id`.execute(this.db);
    return r.rows.map((x) => ({
      memberId: x.member_id,
      name: x.name,
      hasAccount: x.has_account,
      talks: Number(x.talks),
      visits: Number(x.visits),
      open: Number(x.open),
      overdue: Number(x.overdue),
      openReasons: x.open_reasons ?? [],
      greeting: x.greeting,
    }));
  }

  /**
   * The open obligations a member owes others: theirs by name, or of an office they hold (a branch's visits are
   * its secretary's to make), by due date.
   */
  async owedBy(memberId: string, offices: ReadonlyArray<{ role: string; organisationId: string }>): Promise<OwedObligationRow[]> {
    const officeKeys = offices.map((o) => `${o.role}|${o.organisationId}`);
    const r = await sql<OwedObligationRow>`
      select o.id::text as id, o.kind, o.source, o.reason, o.due_on::text as "dueOn",
             a.id::text as "aboutMemberId", a.name as "aboutName", b.id::text as "aboutBranchId",
             g.id::text as "aboutGeneralBranchId", g.parent_id::text as "aboutCommitteeId"
        from care_obligations o join members a on a.id = o.member_id
        join organisations b on b.id = a.branch_id join organisations g on g.id = b.parent_id
       where o.status = 'open' and o.member_id <> ${memberId}::bigint
         and (o.owner_member_id = ${memberId}::bigint or (o.owner_role || '|' || o.owner_organisation_id::text) = any(${officeKeys}::text[]))
       order by o.due_on, o.id
       limit 500`.execute(this.db);
    return r.rows;
  }

  /** The talks and visits the member received in the year (not undone), newest first. */
  async careReceived(memberId: string, year: number): Promise<ReceivedCareRow[]> {
    const r = await sql<ReceivedCareRow>`
      select c.id::text as id, c.kind, c.happened_on::text as "happenedOn", l.name as "leaderName", c.reason, c.note
        from care_records c join members l on l.id = c.leader_member_id
       where c.member_id = ${memberId}::bigint and c.undone_at is null
         and c.happened_on between ${`${year}-01-01`}::date and ${`${year}-12-31`}::date
       order by c.happened_on desc, c.id desc`.execute(this.db);
    return r.rows;
  }

  /** The member's political-birthday greetings, newest first. */
  async greetings(memberId: string): Promise<GreetingRow[]> {
    const r = await sql<GreetingRow>`
      select n.period, n.due_on::text as "dueOn", ${GREETING_STATE} as state
        from notices n left join deliveries d on d.idempotency_key = 'notice-' || n.id
       where n.kind = 'birthday_greeting' and n.recipient_member_id = ${memberId}::bigint
       order by n.due_on desc, n.id desc
       limit 20`.execute(this.db);
    return r.rows;
  }
}
