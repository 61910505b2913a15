// The access rule (issue 10 point 2; MECHANISM.md "Who is who" and "Rules for every reminder", last bullet):
// who may record a talk or visit about whom, report about whom, see whose sensitive data, see which
// organisation's lists and figures, act on which obligation and approve which request. One rule: the chat
// (names, cards, lists), the exports (CLI and admin API) and, later, the dashboard all ask it. Pure: the
// caller loads the roster facts (src/roster/responsibility.ts) and passes them in.
//
// Roles sit where ROLE_SCOPE (domain/roster.ts) puts them — a general-branch role in the holder's own general
// branch, a branch role in their own branch; the roster import enforces it — so the reach of chat names can be
// read from the role codes and the person's own place, which is all the interpreter's hot path carries.
//
// Decisions where the copies this replaces disagreed about committee members (MECHANISM.md decides):
// - Record and report: a committee member, like the committee secretary and the OD, may record a talk or a
//   visit about anyone (everyday talks, 经常性的党内谈心, are not limited to the linked general branches).
// - Sensitive data: not a committee member, linked or not, nor the committee secretary — they are not on
//   MECHANISM's list — unless they also hold a role that is.
// - Lists and figures: a committee member sees those of the general branches linked to them (挂联) and their
//   branches; the committee secretary and the OD those of the whole committee.
// - Acting on an obligation: the owner, the holders of the owning office, the member's general-branch
//   secretary and the OD; a committee member only where one of those applies.
import type { RoleCode, StoredRole } from './roster.ts';
import { ANNOUNCEMENT_AUDIENCES, type AnnouncementAudience } from './voice.ts';

/** A role as held: the organisation it is held in (committee, general branch or branch: see ROLE_SCOPE). */
export interface HeldOffice {
  role: StoredRole;
  organisationId: string;
}

/** Where a member sits. `committeeId` is absent where the caller's data holds one committee only (the chat's name index). */
export interface MemberPlace {
  memberId: string;
  branchId: string;
  generalBranchId: string;
  committeeId?: string;
}

/** The person asking, as the roster knows them: their place, their roles and the general branches linked to them. */
export interface AccessPerson {
  memberId: string;
  branchId: string;
  generalBranchId: string;
  committeeId: string;
  roles: readonly HeldOffice[];
  /** General branches linked (挂联) to a committee member; empty for everyone else. */
  linkedGeneralBranchIds: readonly string[];
}

/**
 * Who is looking at records. `organisation_department` is the OD's own tools (the CLI and the admin API, whose
 * caller holds ADMIN_TOKEN): full detail. A `member` viewer is a person in the roster with the roles they hold.
 */
export type Viewer = { kind: 'organisation_department' } | { kind: 'member'; memberId: string; roles: readonly HeldOffice[] };

export const OD_VIEWER: Viewer = { kind: 'organisation_department' };

export const viewerOf = (person: Pick<AccessPerson, 'memberId' | 'roles'>): Viewer => ({ kind: 'member', memberId: person.memberId, roles: person.roles });

/** The person's role codes, 'member' included, as the interpreter carries them. */
export function roleCodesOf(person: Pick<AccessPerson, 'roles'>): RoleCode[] {
  return [...new Set<RoleCode>([...person.roles.map((r) => r.role), 'member'])];
}

// ---- record and report: whom a person may name ----

/** How far a person's names reach: everyone in the committee, their general branch, their branch, or themself. */
export type Reach = 'everyone' | 'general_branch' | 'branch' | 'self';

/** Whom a person may record a talk or visit about (and name in one): from their roles. */
export function recordReachOf(roleCodes: readonly RoleCode[]): Reach {
  if (roleCodes.some((r) => r === 'committee_secretary' || r === 'committee_member' || r === 'od_staff')) return 'everyone';
  if (roleCodes.some((r) => r === 'gb_secretary' || r === 'gb_member' || r === 'unit_leader')) return 'general_branch';
  if (roleCodes.includes('branch_secretary')) return 'branch';
  return 'self';
}

/** Whom a person may report a trigger about: a plain member, themself and the members of their own branch. */
export function reportReachOf(roleCodes: readonly RoleCode[]): Reach {
  const reach = recordReachOf(roleCodes);
  return reach === 'self' ? 'branch' : reach;
}

/** Any role beyond the implicit 'member': may record talks and visits at all. */
export function hasLeadingRole(roleCodes: readonly RoleCode[]): boolean {
  return roleCodes.some((r) => r !== 'member');
}

type Place = Pick<MemberPlace, 'memberId' | 'branchId' | 'generalBranchId'> & { committeeId?: string | undefined };

/** Whether `member` is within `reach` of `person` (both places; a committee is compared where both know it). */
export function withinReach(person: Place, reach: Reach, member: Place): boolean {
  switch (reach) {
    case 'everyone':
      return person.committeeId === undefined || member.committeeId === undefined || member.committeeId === person.committeeId;
    case 'general_branch':
      return member.generalBranchId === person.generalBranchId;
    case 'branch':
      return member.branchId === person.branchId;
    case 'self':
      return member.memberId === person.memberId;
  }
}

/**
 * May this person record a talk or a visit about that member? A leader, about the members within their reach;
 * and anyone about a member they help (MECHANISM 1.2: a talk or visit a helper logs with the member counts as
 * pairing contact, so a helper without a leading role records them too). `pairedHelper`: the person helps this
 * member in a live pairing, in person or as the secretary of a helping organisation (the caller loads it:
 * PairingRepository.helpedBy). Nobody records a talk or visit with themself.
 */
export function mayRecordCare(person: AccessPerson, member: MemberPlace, pairedHelper = false): boolean {
  if (pairedHelper && member.memberId !== person.memberId) return true;
  const codes = roleCodesOf(person);
  return hasLeadingRole(codes) && withinReach(person, recordReachOf(codes), member);
}

/** May this person report a trigger (住院, 去世 …) about that member? */
export function mayReportAbout(person: AccessPerson, member: MemberPlace): boolean {
  return withinReach(person, reportReachOf(roleCodesOf(person)), member);
}

// ---- sensitive data ----

/**
 * Sensitive data (hardship causes, health, family events, subsidies and aid, suggestions, evaluation answers):
 * the member, their branch secretary, their general branch's leaders — its secretary, its committee members
 * (gb_member) and the unit's main Party leader (unit_leader) — and the OD. Helpers paired with the member see
 * their hardship causes (not amounts): canSeeHardshipCauses.
 */
export function canSeeSensitive(viewer: Viewer, member: MemberPlace): boolean {
  if (viewer.kind === 'organisation_department') return true;
  if (viewer.memberId === member.memberId) return true;
  return viewer.roles.some((r) => {
    switch (r.role) {
      case 'od_staff':
        return r.organisationId === member.committeeId;
      case 'branch_secretary':
        return r.organisationId === member.branchId;
      case 'gb_secretary':
      case 'gb_member':
      case 'unit_leader':
        return r.organisationId === member.generalBranchId;
      default:
        return false;
    }
  });
}

/**
 * A member's hardship entry and its causes (not amounts): whoever sees their sensitive data, and the helpers
 * paired with them (MECHANISM "Rules for every reminder": helpers see hardship only). `pairedHelper`: the viewer
 * helps this member in a live pairing, in person or as the secretary of a helping organisation.
 */
export function canSeeHardshipCauses(viewer: Viewer, member: MemberPlace, pairedHelper: boolean): boolean {
  return pairedHelper || canSeeSensitive(viewer, member);
}

/** Subsidy and aid amounts, applications and decisions: sensitive data, never a helper's. */
export function canSeeReliefAmounts(viewer: Viewer, member: MemberPlace): boolean {
  return canSeeSensitive(viewer, member);
}

/**
 * The list of members in hardship of an organisation (困难党员名单): sensitive, so only the offices that see the
 * sensitive data of everyone on it — the OD (the whole committee), a general branch's leaders (their GB and its
 * branches) and a branch secretary (their branch). Not the committee secretary or committee members.
 */
export function maySeeHardshipList(person: Pick<AccessPerson, 'roles'>, org: OrganisationPlace): boolean {
  return person.roles.some((r) => {
    switch (r.role) {
      case 'od_staff':
        return r.organisationId === org.committeeId;
      case 'gb_secretary':
      case 'gb_member':
      case 'unit_leader':
        return org.generalBranchId !== null && r.organisationId === org.generalBranchId;
      case 'branch_secretary':
        return org.kind === 'branch' && r.organisationId === org.id;
      default:
        return false;
    }
  });
}

// ---- half-year and year-end evaluations ----

/** A branch as recording its evaluation goes: where it sits and whether its office and its GB's are held. */
export interface BranchOffices {
  branchId: string;
  generalBranchId: string;
  committeeId: string;
  /** An active secretary with a chat account holds the office (else it is vacant and passes up). */
  branchSecretaryHeld: boolean;
  gbSecretaryHeld: boolean;
}

/**
 * May this person record a branch's half-year or year-end evaluation (that it was held, each member's grade)?
 * The branch holds the evaluation, so its secretary; a vacant office passes up (MECHANISM "Offices, not only
 * people"): the GB secretary for a branch of their GB without a secretary, the OD for a branch whose branch and
 * GB offices are both vacant.
 */
export function mayRecordBranchEvaluation(person: Pick<AccessPerson, 'roles'>, branch: BranchOffices): boolean {
  return person.roles.some((r) => {
    switch (r.role) {
      case 'branch_secretary':
        return r.organisationId === branch.branchId;
      case 'gb_secretary':
        return !branch.branchSecretaryHeld && r.organisationId === branch.generalBranchId;
      case 'od_staff':
        return !branch.branchSecretaryHeld && !branch.gbSecretaryHeld && r.organisationId === branch.committeeId;
      default:
        return false;
    }
  });
}

/**
 * Whose evaluation grades a person may read as lists (grades are sensitive, so the offices of canSeeSensitive):
 * a branch secretary, their branch with names; a GB's leaders, their GB's branches as counts; the OD, the
 * committee's totals. Not the committee secretary or committee members.
 */
export function evaluationViewsOf(person: Pick<AccessPerson, 'roles' | 'committeeId'>): { branchIds: string[]; generalBranchIds: string[]; committee: boolean } {
  return { ...officeLists(person), committee: person.roles.some((r) => r.role === 'od_staff' && r.organisationId === person.committeeId) };
}

/**
 * May this person read the grades of an organisation's members by name (a branch's 考评情况)? Grades are sensitive,
 * so the offices that see the sensitive data of everyone in it — as for the list of members in hardship: the OD,
 * the GB's leaders (their GB and its branches), the branch secretary (their branch).
 */
export function maySeeEvaluationList(person: Pick<AccessPerson, 'roles'>, org: OrganisationPlace): boolean {
  return maySeeHardshipList(person, org);
}

// ---- lists and figures of an organisation ----

export interface OrganisationPlace {
  id: string;
  kind: 'committee' | 'general_branch' | 'branch';
  /** The general branch itself, or the branch's; null for the committee. */
  generalBranchId: string | null;
  committeeId: string;
}

/**
 * May this person see a list or a figure (names without sensitive detail, counts, totals) of this organisation?
 * The OD and the committee secretary: the whole committee. A committee member: the general branches linked to
 * them and their branches. General-branch secretary, committee members and the unit's main Party leader: their
 * general branch and its branches. A branch secretary: their branch. A plain member: none.
 */
export function maySeeOrganisation(person: AccessPerson, org: OrganisationPlace): boolean {
  return person.roles.some((r) => {
    switch (r.role) {
      case 'od_staff':
      case 'committee_secretary':
        return r.organisationId === org.committeeId;
      case 'committee_member':
        return r.organisationId === org.committeeId && org.generalBranchId !== null && person.linkedGeneralBranchIds.includes(org.generalBranchId);
      case 'gb_secretary':
      case 'gb_member':
      case 'unit_leader':
        return org.generalBranchId !== null && r.organisationId === org.generalBranchId;
      case 'branch_secretary':
        return org.kind === 'branch' && r.organisationId === org.id;
    }
  });
}

/**
 * The organisations whose member lists are this person's to work with (the month's political birthdays, 2.3):
 * the branches they are secretary of and the general branches they lead. Every one passes maySeeOrganisation.
 */
export function officeLists(person: Pick<AccessPerson, 'roles'>): { branchIds: string[]; generalBranchIds: string[] } {
  return {
    branchIds: person.roles.filter((r) => r.role === 'branch_secretary').map((r) => r.organisationId),
    generalBranchIds: person.roles.filter((r) => r.role === 'gb_secretary' || r.role === 'gb_member' || r.role === 'unit_leader').map((r) => r.organisationId),
  };
}

// ---- obligations and requests ----

/** An obligation as far as acting on it goes: its owner (a person or an office) and the member it is about. */
export interface ObligationFacts {
  ownerMemberId: string | null;
  ownerRole: string | null;
  ownerOrganisationId: string | null;
  member: MemberPlace;
}

/**
 * May this person act on an obligation (已完成, 延期, pick it for a record)? The owner, whoever holds the owning
 * office, the member's general-branch secretary (MECHANISM 2.1: told at once and may make the visit instead) and
 * the OD (it acts for the committee) — and the unit's main Party leader on a talk its general branch owes (they
 * own trigger talks together with the GB secretary, MECHANISM 2.2).
 */
export function mayActOnObligation(person: AccessPerson, ob: ObligationFacts): boolean {
  if (ob.ownerMemberId === person.memberId) return true;
  return person.roles.some(
    (r) =>
      (r.role === 'od_staff' && r.organisationId === ob.member.committeeId) ||
      (r.role === ob.ownerRole && r.organisationId === ob.ownerOrganisationId) ||
      (r.role === 'gb_secretary' && r.organisationId === ob.member.generalBranchId) ||
      (r.role === 'unit_leader' && ob.ownerRole === 'gb_secretary' && r.organisationId === ob.ownerOrganisationId),
  );
}

/**
 * Is a talk or visit this person makes (or, 派人, sends someone to make) made "by the owner or by someone in the
 * owning office or above" (MECHANISM 2.2 "Closing an obligation")? The levels:
 * - a branch (branch_secretary): its secretary;
 * - a general branch (gb_secretary): its leaders, the secretary and the unit's main Party leader (unit_leader) —
 *   not its committee members, and never a branch secretary;
 * - above a general branch: the committee secretary, a committee member linked (挂联) to that general branch,
 *   and the OD (it acts for the committee);
 * - the OD's own obligation (od_staff: the visit owed to an outstanding contributor): the OD only, "closed only
 *   by a visit the OD records".
 * An obligation owed by a person (a yearly quota) is theirs alone; see domain/obligations.ts for the quota's
 * "any talk between the two".
 */
export function mayFulfilObligation(person: AccessPerson, ob: ObligationFacts): boolean {
  if (ob.ownerMemberId !== null) return ob.ownerMemberId === person.memberId;
  const holds = (role: StoredRole, organisationId: string | null | undefined) => organisationId != null && person.roles.some((r) => r.role === role && r.organisationId === organisationId);
  const committee = () =>
    holds('committee_secretary', ob.member.committeeId) ||
    holds('od_staff', ob.member.committeeId) ||
    (holds('committee_member', ob.member.committeeId) && person.linkedGeneralBranchIds.includes(ob.member.generalBranchId));
  const generalBranch = (gb: string | null) => holds('gb_secretary', gb) || holds('unit_leader', gb);
  switch (ob.ownerRole) {
    case 'branch_secretary':
      return holds('branch_secretary', ob.ownerOrganisationId) || generalBranch(ob.member.generalBranchId) || committee();
    case 'gb_secretary':
      return generalBranch(ob.ownerOrganisationId) || committee();
    case 'od_staff':
      return holds('od_staff', ob.ownerOrganisationId);
    default:
      return false;
  }
}

/**
 * Requests someone decides (MECHANISM.md 1 and "Who is who"): a hardship application (the GB reviews,
 * 党总支审核确定), the GB's opinion and the OD's decision on emergency aid, a fixed monthly subsidy (the OD),
 * a pairing (the OD or the member's GB secretary), and confirming a reported death (branch secretary, GB
 * secretary or OD).
 */
export type Approval =
  | 'hardship_recommendation'
  | 'hardship_review'
  | 'hardship_archive'
  | 'hardship_verification'
  | 'aid_application'
  | 'aid_opinion'
  | 'aid_decision'
  | 'aid_payment'
  | 'subsidy'
  | 'pairing'
  | 'cadre_exemption'
  | 'death_confirmation'
  /** A member the platform's address book says has left the organisation, confirmed as transferred out (转出). */
  | 'departure_confirmation';

/** Who decides each kind of request about a member, besides the OD (which acts for the committee, and for a vacant office). */
const DECIDED_BY: Readonly<Record<Approval, readonly ('gb_secretary' | 'branch_secretary')[]>> = {
  // 党支部经个人同意后推荐: the member's branch (its GB stands in when the branch has no secretary).
  hardship_recommendation: ['branch_secretary', 'gb_secretary'],
  hardship_review: ['gb_secretary'],
  hardship_archive: ['gb_secretary'],
  hardship_verification: ['gb_secretary'],
  // The branch secretary applies for emergency aid on the member's behalf (with consent).
  aid_application: ['branch_secretary'],
  aid_opinion: ['gb_secretary'],
  aid_decision: [],
  aid_payment: [],
  subsidy: [],
  pairing: ['gb_secretary'],
  cadre_exemption: [],
  death_confirmation: ['branch_secretary', 'gb_secretary'],
  // The roster is the OD's: it records a transfer out, as it does in the roster file's 状态 column.
  departure_confirmation: [],
};

/**
 * May this person verify a general branch's list of members in hardship (the May/November 核实更新并上报): open
 * its cards, submit it? Its secretary, and the OD (which acts for the committee and for a vacant GB office) —
 * those who decide 'hardship_verification' about its members (each entry is still checked with mayApprove,
 * so nobody verifies their own entry).
 */
export function mayVerifyGeneralBranch(person: Pick<AccessPerson, 'roles'>, org: OrganisationPlace): boolean {
  if (org.kind !== 'general_branch') return false;
  return person.roles.some((r) => (r.role === 'od_staff' && r.organisationId === org.committeeId) || (r.role === 'gb_secretary' && r.organisationId === org.id));
}

/** May this person approve (or decide) this kind of request about that member? Nobody decides about themself. */
export function mayApprove(person: AccessPerson, what: Approval, member: MemberPlace): boolean {
  if (member.memberId === person.memberId) return false;
  return person.roles.some((r) => {
    if (r.role === 'od_staff') return r.organisationId === member.committeeId;
    if (!(DECIDED_BY[what] as readonly string[]).includes(r.role)) return false;
    return r.role === 'gb_secretary' ? r.organisationId === member.generalBranchId : r.organisationId === member.branchId;
  });
}

// ---- pairing helpers ----

/** A pairing's helper: a member in person, or an organisation (a branch or a general branch; its secretary acts for it). */
export interface PairingHelperRef {
  memberId: string | null;
  organisationId: string | null;
}

/** The roles through which a person acts for a helping organisation: its secretary (a branch's or a general branch's). */
export const HELPER_ROLES = ['branch_secretary', 'gb_secretary'] as const satisfies readonly StoredRole[];

/**
 * The organisations a person acts for as a pairing helper (结对：数学学院教工支部 帮扶 王芳 — "its secretary acts
 * for it"): the branches they are secretary of and the general branches they are secretary of.
 */
export function helperOrganisationsOf(viewer: Viewer): string[] {
  if (viewer.kind !== 'member') return [];
  return viewer.roles.filter((r) => (HELPER_ROLES as readonly string[]).includes(r.role)).map((r) => r.organisationId);
}

/** Is this viewer the pairing's helper: the helper in person, or a secretary of the helping organisation? */
export function actsAsHelper(viewer: Viewer, helper: PairingHelperRef): boolean {
  if (viewer.kind !== 'member') return false;
  if (helper.memberId !== null) return helper.memberId === viewer.memberId;
  return helper.organisationId !== null && helperOrganisationsOf(viewer).includes(helper.organisationId);
}

// ---- evaluations (考评, MECHANISM 3.3) ----

/**
 * May this person record a quarterly self-evaluation for that member (a member without a chat account, who cannot
 * write it themself)? The member's branch secretary; the member's GB secretary (it stands in for a vacant branch
 * office) and the OD (it acts for the committee). Nobody records for themself this way: they submit their own.
 */
export function mayRecordSelfEvaluationFor(person: Pick<AccessPerson, 'memberId' | 'roles'>, member: MemberPlace): boolean {
  if (member.memberId === person.memberId) return false;
  return person.roles.some(
    (r) =>
      (r.role === 'branch_secretary' && r.organisationId === member.branchId) ||
      (r.role === 'gb_secretary' && r.organisationId === member.generalBranchId) ||
      (r.role === 'od_staff' && member.committeeId !== undefined && r.organisationId === member.committeeId),
  );
}

/**
 * The offices through which a person records self-evaluations for members without a chat account — the reach of
 * mayRecordSelfEvaluationFor, for the chat to look names up in: the branches they are secretary of, the general
 * branches they are secretary of, and the whole committee for the OD. Each member found is still checked with
 * mayRecordSelfEvaluationFor.
 */
export function selfEvaluationStandInOffices(person: Pick<AccessPerson, 'roles' | 'committeeId'>): { branchIds: string[]; generalBranchIds: string[]; committee: boolean } {
  return {
    branchIds: person.roles.filter((r) => r.role === 'branch_secretary').map((r) => r.organisationId),
    generalBranchIds: person.roles.filter((r) => r.role === 'gb_secretary').map((r) => r.organisationId),
    committee: person.roles.some((r) => r.role === 'od_staff' && r.organisationId === person.committeeId),
  };
}

/**
 * May this person record an organisation's goals (组织目标, MECHANISM 3.3)? The organisation's own secretary, as in
 * chat ("本支部…年目标：" by the branch secretary, "本总支…年目标：" by the GB secretary); nobody else.
 */
export function mayRecordGoalsOf(person: Pick<AccessPerson, 'roles'>, org: OrganisationPlace): boolean {
  return person.roles.some(
    (r) => r.organisationId === org.id && ((org.kind === 'branch' && r.role === 'branch_secretary') || (org.kind === 'general_branch' && r.role === 'gb_secretary')),
  );
}

/**
 * May this person record a post commitment (亮岗承诺) for that member? The commitment is the member's own; for a
 * member without a chat account someone acts, as for the quarterly self-evaluation: the branch secretary, the GB
 * secretary, the OD. Nobody records for themself this way (they write their own in chat).
 */
export function mayRecordCommitmentFor(person: Pick<AccessPerson, 'memberId' | 'roles'>, member: MemberPlace): boolean {
  return mayRecordSelfEvaluationFor(person, member);
}

/**
 * May this viewer see an organisation's goals (组织目标) in an export? Goals are not sensitive, but an export is a
 * list of an organisation: the OD everything; a member the goals of their own branch and general branch, and of
 * the organisations whose lists their roles show (maySeeOrganisation's reach, read from the roles: a branch
 * secretary their branch, a general branch's leaders their GB and its branches, od_staff and the committee
 * secretary the whole committee).
 */
export function maySeeGoalsOf(viewer: Viewer, own: { branchId: string; generalBranchId: string } | undefined, org: OrganisationPlace): boolean {
  if (viewer.kind === 'organisation_department') return true;
  if (own && (org.id === own.branchId || org.id === own.generalBranchId)) return true;
  return viewer.roles.some((r) => officeCovers(r, { committeeId: org.committeeId, generalBranchId: org.generalBranchId, branchId: org.kind === 'branch' ? org.id : null }));
}

/**
 * Does a held office's reach cover a place: the committee for OD staff and the committee secretary, a general
 * branch for its leaders (secretary, committee members, the unit's main Party leader), a branch for its secretary.
 * Not a committee member as such: a viewer does not carry the GBs linked to them.
 */
function officeCovers(r: HeldOffice, place: { committeeId?: string | undefined; generalBranchId: string | null; branchId: string | null }): boolean {
  switch (r.role) {
    case 'od_staff':
    case 'committee_secretary':
      return place.committeeId !== undefined && r.organisationId === place.committeeId;
    case 'gb_secretary':
    case 'gb_member':
    case 'unit_leader':
      return place.generalBranchId !== null && r.organisationId === place.generalBranchId;
    case 'branch_secretary':
      return place.branchId !== null && r.organisationId === place.branchId;
    default:
      return false;
  }
}
// ---- commendations ----

/**
 * A member's commendations (表彰奖励, MECHANISM 3.2) or an organisation's: public honours, so not sensitive data —
 * but listed, one by one or exported, only to people whose scope covers the recipient: the member themself, the
 * OD and the committee secretary (the whole committee: commendations are a basis for cadre selection), the GB's
 * leaders (secretary, committee members, the unit's main Party leader) for their GB, and the branch secretary for
 * their branch. `member.memberId` is empty for an organisation's commendation (its branch, if any, and its GB).
 */
export function maySeeCommendations(viewer: Viewer, member: { memberId: string; branchId: string | null; generalBranchId: string | null; committeeId: string }): boolean {
  if (viewer.kind === 'organisation_department') return true;
  if (member.memberId !== '' && viewer.memberId === member.memberId) return true;
  return viewer.roles.some((r) => officeCovers(r, member));
}

/**
 * May this person record the committee's commendations (its excellent members and Party workers, advanced
 * organisations, special commendations — 表彰奖励 are the committee's)? The OD, for its own committee.
 */
export function mayRecordCommendations(person: Pick<AccessPerson, 'roles' | 'committeeId'>): boolean {
  return person.roles.some((r) => r.role === 'od_staff' && r.organisationId === person.committeeId);
}

/** The general branches whose excellent-member list (评选优秀党员) this person names: those they are secretary of. */
export function excellentListsRecordedBy(person: Pick<AccessPerson, 'roles'>): string[] {
  return person.roles.filter((r) => r.role === 'gb_secretary').map((r) => r.organisationId);
}

/**
 * May this person record an organisation's goals (组织目标) as a stand-in: its secretary's office is vacant and the
 * January nudge passed up to them (MECHANISM "Offices, not only people") — for a branch the GB secretary (the OD when
 * both are vacant), as for the branch's evaluation; for a general branch the OD, as for its excellent list. The
 * organisation's own secretary is mayRecordGoalsOf.
 */
export function mayRecordGoalsAsStandIn(
  person: Pick<AccessPerson, 'roles'>,
  org: { kind: 'branch' | 'general_branch'; id: string; generalBranchId: string; committeeId: string; secretaryHeld: boolean; gbSecretaryHeld: boolean },
): boolean {
  if (org.kind === 'general_branch') return mayRecordExcellentList(person, { generalBranchId: org.id, committeeId: org.committeeId, gbSecretaryHeld: org.secretaryHeld });
  if (org.secretaryHeld) return false;
  return mayRecordBranchEvaluation(person, { branchId: org.id, generalBranchId: org.generalBranchId, committeeId: org.committeeId, branchSecretaryHeld: false, gbSecretaryHeld: org.gbSecretaryHeld });
}

/**
 * May this person name a general branch's excellent members (评选优秀党员)? Its secretary; when the GB secretary
 * office is vacant, the OD of its committee, to whom that office's nudges pass (MECHANISM "Offices, not only people").
 */
export function mayRecordExcellentList(person: Pick<AccessPerson, 'roles'>, gb: { generalBranchId: string; committeeId: string; gbSecretaryHeld: boolean }): boolean {
  return person.roles.some((r) => (r.role === 'gb_secretary' && r.organisationId === gb.generalBranchId) || (r.role === 'od_staff' && !gb.gbSecretaryHeld && r.organisationId === gb.committeeId));
}

/** The general branches whose excellent-member list with its cap this person reads: those they lead (officeLists). */
export function excellentListsReadBy(person: Pick<AccessPerson, 'roles'>): string[] {
  return officeLists(person).generalBranchIds;
}

// ---- 光荣在党50年 certificates (issue 13 section 6) ----

/**
 * May this viewer see a member's 50-year certificate standing (due, confirmed, issued) — the 纪念证书未颁发名单
 * in chat, the export, the admin list? Not sensitive data, but a list of the organisation's work: the OD (the
 * committee; the OD's own tools see everything), the committee secretary (the committee), the member's GB
 * leaders (secretary, committee members, unit's main Party leader) and branch secretary, and the member
 * themself. Not a committee member as such (the viewer does not carry the linked GBs), nor another member.
 */
export function maySeeCertificate(viewer: Viewer, member: MemberPlace): boolean {
  if (viewer.kind === 'organisation_department') return true;
  if (viewer.memberId === member.memberId) return true;
  return viewer.roles.some((r) => officeCovers(r, member));
}

/**
 * May this person confirm a member's eligibility for the 50-year certificate and record it issued? The OD only,
 * for the committee (the certificate is the committee's: 校党委颁发), and never about themself.
 */
export function mayRecordCertificate(person: Pick<AccessPerson, 'memberId' | 'roles'>, member: MemberPlace): boolean {
  if (person.memberId === member.memberId) return false;
  return person.roles.some((r) => r.role === 'od_staff' && member.committeeId !== undefined && r.organisationId === member.committeeId);
}

/**
 * Whether this person records certificates at all (the OD): the chat's and the admin API's first question, before
 * any name is looked up; each member is still checked with mayRecordCertificate.
 */
export function recordsCertificates(person: Pick<AccessPerson, 'roles'>): boolean {
  return person.roles.some((r) => r.role === 'od_staff');
}

/**
 * Whether this person sees a list of certificates of anyone but themself (the OD, the committee secretary, GB
 * leaders, branch secretaries): every row of it is still checked with maySeeCertificate.
 */
export function seesCertificateLists(person: Pick<AccessPerson, 'roles'>): boolean {
  return person.roles.some((r) => ['od_staff', 'committee_secretary', 'gb_secretary', 'gb_member', 'unit_leader', 'branch_secretary'].includes(r.role));
}

// ---- the leadership review (评议领导班子, MECHANISM 3.1) ----

/**
 * Whose leadership-review results a viewer sees. Answers are never shown per person to those evaluated:
 * - the OD (its tools, or a member holding od_staff) sees every committee's totals and the comments, without names;
 * - a general-branch secretary sees the totals of the branch committees of the general branches they lead — not
 *   their own GB committee's (it is the one evaluated there), not the comments, and a branch's totals only when
 *   enough members answered (domain/incentive.ts LEADERSHIP_MIN_ANSWERS_SHOWN; `smallCountsWithheld`);
 * - everyone else — branch secretaries, GB committee members, unit leaders, the committee secretary and members —
 *   sees no results (undefined).
 * Nobody, the OD included, ever sees who gave which answer: the database cannot tell (migration 2026120405).
 */
export type LeadershipResultsScope =
  | { kind: 'all'; comments: true; smallCountsWithheld: false }
  | { kind: 'general_branches'; generalBranchIds: string[]; comments: false; smallCountsWithheld: true };

export function leadershipResultsScope(viewer: Viewer): LeadershipResultsScope | undefined {
  if (viewer.kind === 'organisation_department' || viewer.roles.some((r) => r.role === 'od_staff')) return { kind: 'all', comments: true, smallCountsWithheld: false };
  const led = [...new Set(viewer.roles.filter((r) => r.role === 'gb_secretary').map((r) => r.organisationId))];
  return led.length > 0 ? { kind: 'general_branches', generalBranchIds: led, comments: false, smallCountsWithheld: true } : undefined;
}

/** Who opens the year's leadership review in chat: the OD (the admin API is the OD's too). */
export function mayOpenLeadershipReview(person: Pick<AccessPerson, 'roles'>): boolean {
  return person.roles.some((r) => r.role === 'od_staff');
}

// ---- members' voice (MECHANISM 3.1, issue 14): who answers for the OD of a committee ----

/**
 * The OD of this committee: its own tools (the CLI and the admin API), or a member holding od_staff in it. A person
 * (no `kind`) is asked by their roles. The one OD check of suggestions, proposals and announcements.
 */
function isOdOf(who: Viewer | Pick<AccessPerson, 'roles'>, committeeId: string): boolean {
  if ('kind' in who && who.kind === 'organisation_department') return true;
  return 'roles' in who && who.roles.some((r) => r.role === 'od_staff' && r.organisationId === committeeId);
}

// ---- members' suggestions (意见建议, MECHANISM 3.1, issue 14 section 2) ----

/** A suggestion as far as seeing and answering it goes. */
export interface SuggestionFacts {
  writerMemberId: string;
  committeeId: string;
  anonymous: boolean;
  /** The addressed office (its holders answer), or the addressed person (a linked committee member). */
  addressee: { kind: 'office'; role: string; organisationId: string } | { kind: 'person'; memberId: string };
  /**
   * The offices that answer for it besides: those standing in today for a vacant addressed office (the office
   * rule, one level up) and those it was escalated to (domain/voice.ts suggestionEscalations).
   */
  alsoAnswering: ReadonlyArray<{ role: string; organisationId: string }>;
}

const holds = (viewer: Viewer, office: { role: string; organisationId: string }): boolean =>
  viewer.kind === 'member' && viewer.roles.some((r) => r.role === office.role && r.organisationId === office.organisationId);

/**
 * May this viewer answer (回复) a suggestion: the addressee — the addressed person, or a holder of the addressed
 * office — and whoever stands in for it or it was escalated to. Never its writer (a secretary's own suggestion was
 * addressed one level up).
 */
export function mayAnswerSuggestion(viewer: Viewer, s: SuggestionFacts): boolean {
  if (viewer.kind !== 'member' || viewer.memberId === s.writerMemberId) return false;
  const addressed = s.addressee.kind === 'person' ? viewer.memberId === s.addressee.memberId : holds(viewer, s.addressee);
  return addressed || s.alsoAnswering.some((o) => holds(viewer, o));
}

/**
 * May this viewer see a suggestion (MECHANISM 3.1: only the member, the addressee and the OD)? Its writer, those
 * who may answer it (the addressee, a stand-in, those it was escalated to) and the OD of its committee. Not the
 * branch or GB leaders as such: a suggestion is addressed, and its writer chose to whom.
 */
export function maySeeSuggestion(viewer: Viewer, s: SuggestionFacts): boolean {
  if (viewer.kind === 'member' && viewer.memberId === s.writerMemberId) return true;
  return isOdOf(viewer, s.committeeId) || mayAnswerSuggestion(viewer, s);
}

/**
 * Does this viewer see who wrote it? Everyone who sees it, except for an anonymous one (匿名…): then only the writer
 * and the OD (the OD sees the name; the addressee and those it was escalated to see 一名党员 — also when the
 * escalation reaches the OD, which is the OD: it sees the name by right of office, not of escalation).
 */
export function seesSuggestionWriter(viewer: Viewer, s: SuggestionFacts): boolean {
  if (!maySeeSuggestion(viewer, s)) return false;
  if (!s.anonymous) return true;
  return (viewer.kind === 'member' && viewer.memberId === s.writerMemberId) || isOdOf(viewer, s.committeeId);
}

// ---- delegates' proposals (党代会代表提案, MECHANISM 3.1, issue 14 section 3) ----

/** A proposal as far as access goes: who filed it, in which committee, and the member it is assigned to (if any). */
export interface ProposalFacts {
  delegateMemberId: string;
  committeeId: string;
  /** The member answering for it; null when unassigned or assigned to an office outside the roster. */
  assigneeMemberId: string | null;
}

/** May this person file a proposal? A Party congress delegate (the roster's 党代会代表 flag), and nobody else. */
export function mayFileProposal(person: { delegate: boolean }): boolean {
  return person.delegate;
}

/**
 * Who sees a proposal — in chat, the admin API and the export: the delegate who filed it, the OD of its committee
 * (the OD's own tools see all) and the member it is assigned to. Nobody else: not the delegate's branch or GB
 * secretary, not the committee secretary (a proposal goes to the OD; it is not theirs to read unless assigned).
 */
export function maySeeProposal(viewer: Viewer, p: ProposalFacts): boolean {
  if (isOdOf(viewer, p.committeeId)) return true;
  return viewer.kind === 'member' && (viewer.memberId === p.delegateMemberId || (p.assigneeMemberId !== null && viewer.memberId === p.assigneeMemberId));
}

/** May this person register, decline or assign a proposal? The OD of its committee. */
export function mayHandleProposal(person: Pick<AccessPerson, 'roles'>, p: ProposalFacts): boolean {
  return isOdOf(person, p.committeeId);
}

/**
 * May this person record a registered proposal's answer? The member it is assigned to, and the OD of its committee
 * (which records the answer of an office outside the roster, and may record any other it has received).
 */
export function mayAnswerProposal(person: Pick<AccessPerson, 'memberId' | 'roles'>, p: ProposalFacts): boolean {
  if (p.assigneeMemberId !== null && person.memberId === p.assigneeMemberId) return true;
  return isOdOf(person, p.committeeId);
}

/** Whether this person handles proposals at all (the OD): the first question of the OD's lists. */
export function handlesProposals(person: Pick<AccessPerson, 'roles'>): boolean {
  return person.roles.some((r) => r.role === 'od_staff');
}

// ---- reporting work and open Party affairs (通报工作, 党务公开, MECHANISM 3.1, issue 14 section 1) ----

/** An audience as a sender holds it: which one, and the office (committee, GB or branch) whose people it is. */
export interface AnnouncementTarget {
  audience: AnnouncementAudience;
  organisationId: string;
}

/** The role through which each audience is addressed: the OD for the committee, a GB secretary, a branch secretary. */
const ANNOUNCED_BY: Readonly<Record<AnnouncementAudience, StoredRole>> = {
  all_secretaries: 'od_staff',
  all_members: 'od_staff',
  gb_members: 'gb_secretary',
  gb_secretaries: 'gb_secretary',
  branch_members: 'branch_secretary',
};

/**
 * May this person address this audience, and as which office? The OD (for its committee) every GB and branch
 * secretary or all members; a GB secretary their GB's members or its branch secretaries; a branch secretary their
 * branch's members. Nobody else sends; undefined refuses.
 */
export function announcementTargetOf(person: Pick<AccessPerson, 'roles' | 'committeeId'>, audience: AnnouncementAudience): AnnouncementTarget | undefined {
  const role = ANNOUNCED_BY[audience];
  const held = person.roles.find((r) => r.role === role && (role !== 'od_staff' || r.organisationId === person.committeeId));
  return held ? { audience, organisationId: held.organisationId } : undefined;
}

/** Whether this person sends announcements at all (the help and the refusal's wording). */
export function sendsAnnouncements(person: Pick<AccessPerson, 'roles' | 'committeeId'>): boolean {
  return ANNOUNCEMENT_AUDIENCES.some((a) => announcementTargetOf(person, a) !== undefined);
}

/** A possible recipient: where they sit and the offices they hold (a secretary's audience is by office). */
export interface AnnouncementRecipientFacts extends MemberPlace {
  roles: readonly HeldOffice[];
}

/**
 * Is this member within the target's audience — nobody outside the sender's reach is ever addressed: all members
 * and all secretaries of the committee; the GB's members; the secretaries of the GB's branches (and the GB
 * secretary's own branch secretary office aside, held by someone else); the branch's members.
 */
export function inAnnouncementAudience(target: AnnouncementTarget, member: AnnouncementRecipientFacts): boolean {
  switch (target.audience) {
    case 'all_members':
      return member.committeeId === target.organisationId;
    case 'all_secretaries':
      return member.committeeId === target.organisationId && member.roles.some((r) => r.role === 'gb_secretary' || r.role === 'branch_secretary');
    case 'gb_members':
      return member.generalBranchId === target.organisationId;
    case 'gb_secretaries':
      // A branch secretary office held in a branch of the GB (their own branch sits in it: ROLE_SCOPE).
      return member.generalBranchId === target.organisationId && member.roles.some((r) => r.role === 'branch_secretary');
    case 'branch_members':
      return member.branchId === target.organisationId;
  }
}

/** An announcement as far as who reads its figures goes: its sender and the committee it was sent in. */
export interface AnnouncementFacts {
  senderMemberId: string;
  committeeId: string;
}

/**
 * Who sees how many received and read an announcement, and who has not read it (通报阅读情况, 未读名单, the admin
 * route): its sender and the OD of its committee — nobody else, not even a recipient.
 */
export function maySeeAnnouncementReads(viewer: Viewer, a: AnnouncementFacts): boolean {
  if (isOdOf(viewer, a.committeeId)) return true;
  return viewer.kind === 'member' && viewer.memberId === a.senderMemberId;
}

/** Who reads an announcement's text (党务公开12): those it was addressed to and its sender. */
export function mayReadAnnouncement(viewer: Viewer, a: { senderMemberId: string; addressedToViewer: boolean }): boolean {
  if (viewer.kind === 'organisation_department') return true;
  return a.addressedToViewer || viewer.memberId === a.senderMemberId;
}

/**
 * An export row of an announcement (one per announcement and branch): the OD every row; a member the rows of the
 * announcements they sent, and the rows of the branches their offices cover (a branch secretary their branch, a
 * GB's leaders their GB's branches, the committee secretary the committee) — what reached their scope, whoever
 * sent it. A plain member sees none (their own copies are in the archive).
 */
export function maySeeAnnouncementRow(viewer: Viewer, row: { senderMemberId: string; branchId: string; generalBranchId: string; committeeId: string }): boolean {
  if (viewer.kind === 'organisation_department') return true;
  if (viewer.memberId === row.senderMemberId) return true;
  return viewer.roles.some((r) => officeCovers(r, row));
}

// ---- the dashboard (issue 16) ----

/**
 * What a person's dashboard opens on, and the organisations whose pages they may open: the committee for the OD
 * and the committee secretary; the linked general branches for a committee member; their general branch for its
 * leaders; their branch for a branch secretary. Everyone has their own page besides. Every organisation listed
 * passes maySeeOrganisation, which stays the check for any page asked for by id.
 */
export function dashboardViewsOf(person: AccessPerson): { committee: boolean; generalBranchIds: string[]; branchIds: string[] } {
  const committee = person.roles.some((r) => (r.role === 'od_staff' || r.role === 'committee_secretary') && r.organisationId === person.committeeId);
  const gbs = new Set(officeLists(person).generalBranchIds);
  if (person.roles.some((r) => r.role === 'committee_member' && r.organisationId === person.committeeId)) for (const id of person.linkedGeneralBranchIds) gbs.add(id);
  return { committee, generalBranchIds: [...gbs], branchIds: officeLists(person).branchIds };
}

/**
 * May this person open a member's own page on the dashboard (their obligations, the care they received, their
 * greetings)? Themself, and whoever sees the lists of the member's branch (maySeeOrganisation). Sensitive fields
 * on it are still each canSeeSensitive's.
 */
export function mayOpenMemberPage(person: AccessPerson, member: Required<MemberPlace>): boolean {
  if (person.memberId === member.memberId) return true;
  return maySeeOrganisation(person, { id: member.branchId, kind: 'branch', generalBranchId: member.generalBranchId, committeeId: member.committeeId });
}

/**
 * The dashboard's sensitive figures of an organisation — counts of members in hardship and of relief — are
 * shown to those who see its hardship list (the OD, the GB's leaders, the branch secretary), not to the
 * committee secretary or committee members: in a small branch a count can name a person.
 */
export function maySeeSensitiveFigures(person: Pick<AccessPerson, 'roles'>, org: OrganisationPlace): boolean {
  return maySeeHardshipList(person, org);
}

// ---- operating the service (issue 17 §3) ----

/** The queue board (/admin/queues) is the OD's: a member holding od_staff. Others use the dashboard. */
export function mayWatchQueues(person: Pick<AccessPerson, 'roles'>): boolean {
  return person.roles.some((r) => r.role === 'od_staff');
}
