// The roster facts who-answers-for-whom and the access rule are read from (src/roster/responsibility.ts):
// where a member sits, who holds the duties over them, the roles and committee links a person holds, and
// where an organisation sits. Reads only; the roster's writes are RosterRepository's.
import { sql, type Kysely } from 'kysely';
import type { Database, MemberStatus, OrganisationKind } from '../db/schema.ts';
import type { StoredRole } from '../domain/roster.ts';

/** A member with their branch, general branch and committee. */
export interface MemberPlaceRow {
  id: string;
  name: string;
  userid: string | null;
  status: MemberStatus;
  outstandingContributor: boolean;
  delegate: boolean;
  branchId: string;
  branchName: string;
  gbId: string;
  gbName: string;
  committeeId: string;
}

/** The duty a holder answers for a member by: a role code, or 'linked' for a committee member's 挂联. */
export type HolderDuty = 'branch_secretary' | 'gb_secretary' | 'gb_member' | 'linked' | 'od_staff';

export interface DutyHolderRow {
  duty: HolderDuty;
  memberId: string;
  name: string;
  userid: string | null;
}

export interface HeldRoleRow {
  role: StoredRole;
  id: string;
  name: string;
  kind: OrganisationKind;
}

export interface OrganisationPlaceRow {
  id: string;
  kind: OrganisationKind;
  parent: string | null;
  grandparent: string | null;
}

export class ResponsibilityRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private async placeWhere(where: ReturnType<typeof sql>): Promise<MemberPlaceRow | undefined> {
    const r = await sql<MemberPlaceRow>`
    select m.id::text as id, m.name, m.userid, m.status, m.outstanding_contributor as "outstandingContributor", m.party_congress_delegate as delegate, b.id::text as "branchId", b.name as "branchName",
      gb.id::text as "gbId", gb.name as "gbName", gb.parent_id::text as "committeeId"
    from members m
    join organisations b on b.id = m.branch_id
    join organisations gb on gb.id = b.parent_id
    where ${where}`.execute(this.db);
    return r.rows[0];
  }

  /** The member with this id (a decimal bigint, checked by the caller), whatever their status. */
  placeById(memberId: string): Promise<MemberPlaceRow | undefined> {
    return this.placeWhere(sql`m.id = ${memberId}::bigint`);
  }

  /** The member with this chat account, compared case-insensitively (the unique index on lower(userid)). */
  placeByUserid(userid: string): Promise<MemberPlaceRow | undefined> {
    return this.placeWhere(sql`lower(m.userid) = lower(${userid})`);
  }

  /**
   * The member with this DingTalk account (钉钉账号), compared case-insensitively: the unique index on
   * lower(dingtalk_userid), whose predicate the not-null test repeats so the planner may use it.
   */
  placeByDingtalkUserid(dingtalkUserid: string): Promise<MemberPlaceRow | undefined> {
    return this.placeWhere(sql`m.dingtalk_userid is not null and lower(m.dingtalk_userid) = lower(${dingtalkUserid})`);
  }

  /** The active holders of every duty over a member at this place, by duty, name and id. */
  async dutyHolders(m: Pick<MemberPlaceRow, 'branchId' | 'gbId' | 'committeeId'>): Promise<DutyHolderRow[]> {
    const r = await sql<DutyHolderRow>`
    with holders (duty, member_id) as (
      select 'branch_secretary', member_id from member_roles where role = 'branch_secretary' and organisation_id = ${m.branchId}::bigint
      union all
      select role, member_id from member_roles where role in ('gb_secretary', 'gb_member') and organisation_id = ${m.gbId}::bigint
      union all
      select 'linked', member_id from committee_links where general_branch_id = ${m.gbId}::bigint
      union all
      select 'od_staff', member_id from member_roles where role = 'od_staff' and organisation_id = ${m.committeeId}::bigint
    )
    select distinct h.duty, p.id::text as "memberId", p.name, p.userid
    from holders h join members p on p.id = h.member_id
    where p.status = 'active'
    order by h.duty, p.name, "memberId"`.execute(this.db);
    return r.rows;
  }

  /** The roles a member holds, each with its organisation, by organisation id. */
  async rolesOf(memberId: string): Promise<HeldRoleRow[]> {
    const r = await sql<HeldRoleRow>`
    select r.role, o.id::text as id, o.name, o.kind from member_roles r join organisations o on o.id = r.organisation_id
    where r.member_id = ${memberId}::bigint order by o.id`.execute(this.db);
    return r.rows;
  }

  /** The general branches a committee member is linked to (挂联), by name. */
  async linksOf(memberId: string): Promise<{ id: string; name: string }[]> {
    const r = await sql<{ id: string; name: string }>`
    select o.id::text as id, o.name from committee_links l join organisations o on o.id = l.general_branch_id
    where l.member_id = ${memberId}::bigint order by o.name`.execute(this.db);
    return r.rows;
  }

  /** An organisation with its parent and grandparent ids (a decimal bigint, checked by the caller). */
  async organisationPlace(organisationId: string): Promise<OrganisationPlaceRow | undefined> {
    const r = await sql<OrganisationPlaceRow>`
    select o.id::text as id, o.kind, p.id::text as parent, p.parent_id::text as grandparent
    from organisations o left join organisations p on p.id = o.parent_id
    where o.id = ${organisationId}::bigint`.execute(this.db);
    return r.rows[0];
  }
}
