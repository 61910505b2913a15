// Who answers for whom (issue 3, MECHANISM.md "Who is who"): for a member, the branch secretary, the
// general branch's secretary and committee members, the committee members linked (挂联) to that general
// branch, and the Organisation Department — the people reminders and escalations go to. What anyone may see or
// do is the access rule's (src/domain/access.ts); this file loads the roster facts it answers from
// (accessPersonOf, loadAccessPerson, loadMemberPlace).
// Only active members answer for anyone; a holder may be the member themself (a branch secretary is also a
// member of their branch) and callers that need "someone else" filter on memberId.
import { sql, type Kysely } from 'kysely';
import type { Database, MemberStatus, OrganisationKind } from '../db/schema.ts';
import type { AccessPerson, MemberPlace, OrganisationPlace } from '../domain/access.ts';
import { STORED_ROLES, type RoleCode, type StoredRole } from '../domain/roster.ts';

export interface Person {
  memberId: string;
  name: string;
  userid: string | null;
}

export interface Responsibility {
  member: Person & {
    status: MemberStatus;
    branch: { id: string; name: string };
    generalBranch: { id: string; name: string };
  };
  branchSecretaries: Person[];
  generalBranchSecretaries: Person[];
  generalBranchMembers: Person[];
  linkedCommitteeMembers: Person[];
  organisationDepartment: Person[];
}

interface PlaceRow {
  id: string;
  name: string;
  userid: string | null;
  status: MemberStatus;
  outstandingContributor: boolean;
  branchId: string;
  branchName: string;
  gbId: string;
  gbName: string;
  committeeId: string;
}

async function placeOf(db: Kysely<Database>, where: ReturnType<typeof sql>): Promise<PlaceRow | undefined> {
  const r = await sql<PlaceRow>`
    select m.id::text as id, m.name, m.userid, m.status, m.outstanding_contributor as "outstandingContributor", b.id::text as "branchId", b.name as "branchName",
      gb.id::text as "gbId", gb.name as "gbName", gb.parent_id::text as "committeeId"
    from members m
    join organisations b on b.id = m.branch_id
    join organisations gb on gb.id = b.parent_id
    where ${where}`.execute(db);
  return r.rows[0];
}

/** undefined when there is no such member. */
export async function whoAnswersFor(db: Kysely<Database>, memberId: string): Promise<Responsibility | undefined> {
  if (!/^\d{1,19}$/.test(memberId)) return undefined;
  const m = await placeOf(db, sql`m.id = ${memberId}::bigint`);
  if (!m) return undefined;
  const r = await sql<Person & { duty: string }>`
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
    order by h.duty, p.name, "memberId"`.execute(db);
  const of = (duty: string): Person[] => r.rows.filter((x) => x.duty === duty).map(({ memberId: id, name, userid }) => ({ memberId: id, name, userid }));
  return {
    member: {
      memberId: m.id,
      name: m.name,
      userid: m.userid,
      status: m.status,
      branch: { id: m.branchId, name: m.branchName },
      generalBranch: { id: m.gbId, name: m.gbName },
    },
    branchSecretaries: of('branch_secretary'),
    generalBranchSecretaries: of('gb_secretary'),
    generalBranchMembers: of('gb_member'),
    linkedCommitteeMembers: of('linked'),
    organisationDepartment: of('od_staff'),
  };
}

export interface HeldRole {
  role: StoredRole;
  organisation: { id: string; name: string; kind: OrganisationKind };
}

export interface RosterIdentity {
  memberId: string;
  name: string;
  userid: string;
  /** The bot treats anyone but 'active' as not in the roster. */
  status: MemberStatus;
  outstandingContributor: boolean;
  branch: { id: string; name: string };
  generalBranch: { id: string; name: string };
  committeeId: string;
  roles: HeldRole[];
  /** Distinct role codes in canonical order, always including the implicit 'member'. */
  roleCodes: RoleCode[];
  linkedGeneralBranches: { id: string; name: string }[];
}

/**
 * Who is writing: the roster entry of a chat account, with roles; undefined for an unknown account. Accounts
 * compare case-insensitively, as WeCom treats them and as the roster import matches them (plan.ts); the
 * unique index on lower(userid) makes this an index lookup and keeps it unambiguous.
 */
export async function findMemberByUserid(db: Kysely<Database>, userid: string): Promise<RosterIdentity | undefined> {
  const m = await placeOf(db, sql`lower(m.userid) = lower(${userid})`);
  return m ? identityOf(db, m, userid) : undefined;
}

/** The roster entry of a member by id, whatever their status or account; undefined when there is none. */
export async function findMemberById(db: Kysely<Database>, memberId: string): Promise<RosterIdentity | undefined> {
  if (!/^\d{1,19}$/.test(memberId)) return undefined;
  const m = await placeOf(db, sql`m.id = ${memberId}::bigint`);
  return m ? identityOf(db, m, '') : undefined;
}

async function identityOf(db: Kysely<Database>, m: PlaceRow, userid: string): Promise<RosterIdentity> {
  const roles = await sql<{ role: StoredRole; id: string; name: string; kind: OrganisationKind }>`
    select r.role, o.id::text as id, o.name, o.kind from member_roles r join organisations o on o.id = r.organisation_id
    where r.member_id = ${m.id}::bigint order by o.id`.execute(db);
  const links = await sql<{ id: string; name: string }>`
    select o.id::text as id, o.name from committee_links l join organisations o on o.id = l.general_branch_id
    where l.member_id = ${m.id}::bigint order by o.name`.execute(db);
  const held = new Set(roles.rows.map((r) => r.role));
  return {
    memberId: m.id,
    name: m.name,
    userid: m.userid ?? userid,
    status: m.status,
    outstandingContributor: m.outstandingContributor === true,
    branch: { id: m.branchId, name: m.branchName },
    generalBranch: { id: m.gbId, name: m.gbName },
    committeeId: m.committeeId,
    roles: roles.rows
      .sort((a, b) => STORED_ROLES.indexOf(a.role) - STORED_ROLES.indexOf(b.role))
      .map((r) => ({ role: r.role, organisation: { id: r.id, name: r.name, kind: r.kind } })),
    roleCodes: [...STORED_ROLES.filter((r) => held.has(r)), 'member'],
    linkedGeneralBranches: links.rows,
  };
}

/** The facts the access rule answers from, for a person the roster knows. */
export function accessPersonOf(who: RosterIdentity): AccessPerson {
  return {
    memberId: who.memberId,
    branchId: who.branch.id,
    generalBranchId: who.generalBranch.id,
    committeeId: who.committeeId,
    roles: who.roles.map((r) => ({ role: r.role, organisationId: r.organisation.id })),
    linkedGeneralBranchIds: who.linkedGeneralBranches.map((g) => g.id),
  };
}

/** The access facts of a member by id (an export's viewer, a test's person); undefined when there is no such member. */
export async function loadAccessPerson(db: Kysely<Database>, memberId: string): Promise<AccessPerson | undefined> {
  const who = await findMemberById(db, memberId);
  return who ? accessPersonOf(who) : undefined;
}

/** Where a member sits, for the access rule; undefined when there is no such member. */
export async function loadMemberPlace(db: Kysely<Database>, memberId: string): Promise<MemberPlace | undefined> {
  if (!/^\d{1,19}$/.test(memberId)) return undefined;
  const m = await placeOf(db, sql`m.id = ${memberId}::bigint`);
  return m ? { memberId: m.id, branchId: m.branchId, generalBranchId: m.gbId, committeeId: m.committeeId } : undefined;
}

/** Where an organisation sits, for the access rule's lists and figures; undefined when there is none. */
export async function loadOrganisationPlace(db: Kysely<Database>, organisationId: string): Promise<OrganisationPlace | undefined> {
  if (!/^\d{1,19}$/.test(organisationId)) return undefined;
  const r = await sql<{ id: string; kind: OrganisationKind; parent: string | null; grandparent: string | null }>`
    select o.id::text as id, o.kind, p.id::text as parent, p.parent_id::text as grandparent
    from organisations o left join organisations p on p.id = o.parent_id
    where o.id = ${organisationId}::bigint`.execute(db);
  const o = r.rows[0];
  if (!o) return undefined;
  if (o.kind === 'committee') return { id: o.id, kind: 'committee', generalBranchId: null, committeeId: o.id };
  if (o.kind === 'general_branch') return { id: o.id, kind: 'general_branch', generalBranchId: o.id, committeeId: o.parent! };
  return { id: o.id, kind: 'branch', generalBranchId: o.parent!, committeeId: o.grandparent! };
}
