// Who answers for whom (issue 3, MECHANISM.md "Who is who"): for a member, the branch secretary, the
// general branch's secretary and committee members, the committee members linked (挂联) to that general
// branch, and the Organisation Department — the people reminders and escalations go to. What anyone may see or
// do is the access rule's (src/domain/access.ts); this file loads the roster facts it answers from
// (accessPersonOf, loadAccessPerson, loadMemberPlace) through ResponsibilityRepository.
// Only active members answer for anyone; a holder may be the member themself (a branch secretary is also a
// member of their branch) and callers that need "someone else" filter on memberId.
import type { Kysely } from 'kysely';
import type { Database, MemberStatus, OrganisationKind } from '../db/schema.ts';
import type { AccessPerson, MemberPlace, OrganisationPlace } from '../domain/access.ts';
import { STORED_ROLES, type RoleCode, type StoredRole } from '../domain/roster.ts';
import { ResponsibilityRepository, type HolderDuty, type MemberPlaceRow } from './responsibility-repository.ts';

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

/** undefined when there is no such member. */
export async function whoAnswersFor(db: Kysely<Database>, memberId: string): Promise<Responsibility | undefined> {
  if (!/^\d{1,19}$/.test(memberId)) return undefined;
  const repo = new ResponsibilityRepository(db);
  const m = await repo.placeById(memberId);
  if (!m) return undefined;
  const holders = await repo.dutyHolders(m);
  const of = (duty: HolderDuty): Person[] => holders.filter((x) => x.duty === duty).map(({ memberId: id, name, userid }) => ({ memberId: id, name, userid }));
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
  /** 党代会代表 (the roster's flag): may file proposals. */
  delegate: boolean;
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
  const repo = new ResponsibilityRepository(db);
  const m = await repo.placeByUserid(userid);
  return m ? identityOf(repo, m, userid) : undefined;
}

/**
 * Who is writing on DingTalk: the roster entry of a DingTalk account (钉钉账号, issue 15), with roles; undefined
 * for an unknown account. The same shape as findMemberByUserid, whose `userid` stays the account the product
 * knows the member by (their 账号, or this DingTalk account for a member who has only that). Compared
 * case-insensitively, as the roster import and the unique index on lower(dingtalk_userid) compare them.
 */
export async function findMemberByDingtalkUserid(db: Kysely<Database>, dingtalkUserid: string): Promise<RosterIdentity | undefined> {
  const repo = new ResponsibilityRepository(db);
  const m = await repo.placeByDingtalkUserid(dingtalkUserid);
  return m ? identityOf(repo, m, dingtalkUserid) : undefined;
}

/** The roster entry of a member by id, whatever their status or account; undefined when there is none. */
export async function findMemberById(db: Kysely<Database>, memberId: string): Promise<RosterIdentity | undefined> {
  if (!/^\d{1,19}$/.test(memberId)) return undefined;
  const repo = new ResponsibilityRepository(db);
  const m = await repo.placeById(memberId);
  return m ? identityOf(repo, m, '') : undefined;
}

async function identityOf(repo: ResponsibilityRepository, m: MemberPlaceRow, userid: string): Promise<RosterIdentity> {
  const roles = await repo.rolesOf(m.id);
  const links = await repo.linksOf(m.id);
  const held = new Set(roles.map((r) => r.role));
  return {
    memberId: m.id,
    name: m.name,
    userid: m.userid ?? userid,
    status: m.status,
    outstandingContributor: m.outstandingContributor === true,
    delegate: m.delegate === true,
    branch: { id: m.branchId, name: m.branchName },
    generalBranch: { id: m.gbId, name: m.gbName },
    committeeId: m.committeeId,
    roles: roles
      .sort((a, b) => STORED_ROLES.indexOf(a.role) - STORED_ROLES.indexOf(b.role))
      .map((r) => ({ role: r.role, organisation: { id: r.id, name: r.name, kind: r.kind } })),
    roleCodes: [...STORED_ROLES.filter((r) => held.has(r)), 'member'],
    linkedGeneralBranches: links,
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
  const m = await new ResponsibilityRepository(db).placeById(memberId);
  return m ? { memberId: m.id, branchId: m.branchId, generalBranchId: m.gbId, committeeId: m.committeeId } : undefined;
}

/** Where an organisation sits, for the access rule's lists and figures; undefined when there is none. */
export async function loadOrganisationPlace(db: Kysely<Database>, organisationId: string): Promise<OrganisationPlace | undefined> {
  if (!/^\d{1,19}$/.test(organisationId)) return undefined;
  const o = await new ResponsibilityRepository(db).organisationPlace(organisationId);
  if (!o) return undefined;
  if (o.kind === 'committee') return { id: o.id, kind: 'committee', generalBranchId: null, committeeId: o.id };
  if (o.kind === 'general_branch') return { id: o.id, kind: 'general_branch', generalBranchId: o.id, committeeId: o.parent! };
  return { id: o.id, kind: 'branch', generalBranchId: o.parent!, committeeId: o.grandparent! };
}
