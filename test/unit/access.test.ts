// The access rule's corners that the demo roster table (test/integration/access-rule.test.ts) does not reach:
// every kind of request, a second committee, and lists that must stay within what a person may see.
import { describe, expect, it } from 'vitest';
import {
  canSeeSensitive,
  leadershipResultsScope,
  mayOpenLeadershipReview,
  mayActOnObligation,
  mayApprove,
  mayRecordCare,
  maySeeCommendations,
  mayRecordSelfEvaluationFor,
  selfEvaluationStandInOffices,
  mayRecordCommendations,
  mayRecordExcellentList,
  excellentListsRecordedBy,
  excellentListsReadBy,
  recordsCertificates,
  seesCertificateLists,
  mayRecordGoalsOf,
  mayRecordCommitmentFor,
  maySeeGoalsOf,
  mayReportAbout,
  maySeeOrganisation,
  mayRecordBranchEvaluation,
  evaluationViewsOf,
  maySeeEvaluationList,
  type BranchOffices,
  maySeeCertificate,
  mayRecordCertificate,
  OD_VIEWER,
  officeLists,
  viewerOf,
  type AccessPerson,
  type Approval,
  type HeldOffice,
  type MemberPlace,
} from '../../src/domain/access.ts';

// Committee 1 (general branches 10, 20; branches 11, 12 under 10, 21 under 20) and committee 2 (30 / 31).
const member: MemberPlace = { memberId: '100', branchId: '11', generalBranchId: '10', committeeId: '1' };
const elsewhere: MemberPlace = { memberId: '300', branchId: '31', generalBranchId: '30', committeeId: '2' };
const person = (memberId: string, place: Pick<MemberPlace, 'branchId' | 'generalBranchId'>, roles: HeldOffice[], linked: string[] = []): AccessPerson => ({
  memberId,
  ...place,
  committeeId: '1',
  roles,
  linkedGeneralBranchIds: linked,
});
const od = person('7', { branchId: '12', generalBranchId: '10' }, [{ role: 'od_staff', organisationId: '1' }]);
const gbSecretary = person('6', { branchId: '12', generalBranchId: '10' }, [{ role: 'gb_secretary', organisationId: '10' }]);
const branchSecretary = person('5', { branchId: '11', generalBranchId: '10' }, [{ role: 'branch_secretary', organisationId: '11' }]);
const linkedMember = person('3', { branchId: '21', generalBranchId: '20' }, [{ role: 'committee_member', organisationId: '1' }], ['10']);
const secretary = person('2', { branchId: '21', generalBranchId: '20' }, [{ role: 'committee_secretary', organisationId: '1' }]);

describe('approving requests (MECHANISM 1 and "Who is who")', () => {
  const table: Array<[string, AccessPerson, Record<Approval, boolean>]> = [
    ['OD staff', od, { hardship_recommendation: true, hardship_archive: true, hardship_verification: true, aid_application: true, aid_payment: true, cadre_exemption: true, hardship_review: true, aid_opinion: true, aid_decision: true, subsidy: true, pairing: true, death_confirmation: true, departure_confirmation: true }],
    ["the member's GB secretary", gbSecretary, { hardship_recommendation: true, hardship_archive: true, hardship_verification: true, aid_application: false, aid_payment: false, cadre_exemption: false, hardship_review: true, aid_opinion: true, aid_decision: false, subsidy: false, pairing: true, death_confirmation: true, departure_confirmation: false }],
    ["the member's branch secretary", branchSecretary, { hardship_recommendation: true, hardship_archive: false, hardship_verification: false, aid_application: true, aid_payment: false, cadre_exemption: false, hardship_review: false, aid_opinion: false, aid_decision: false, subsidy: false, pairing: false, death_confirmation: true, departure_confirmation: false }],
    ['a linked committee member', linkedMember, { hardship_recommendation: false, hardship_archive: false, hardship_verification: false, aid_application: false, aid_payment: false, cadre_exemption: false, hardship_review: false, aid_opinion: false, aid_decision: false, subsidy: false, pairing: false, death_confirmation: false, departure_confirmation: false }],
    ['the committee secretary', secretary, { hardship_recommendation: false, hardship_archive: false, hardship_verification: false, aid_application: false, aid_payment: false, cadre_exemption: false, hardship_review: false, aid_opinion: false, aid_decision: false, subsidy: false, pairing: false, death_confirmation: false, departure_confirmation: false }],
  ];
  it.each(table)('%s', (_who, p, expected) => {
    for (const [what, yes] of Object.entries(expected)) expect(mayApprove(p, what as Approval, member), what).toBe(yes);
  });

  it('nobody decides about themself, and the OD of one committee decides nothing in another', () => {
    const self = { ...member, memberId: gbSecretary.memberId };
    expect(mayApprove(gbSecretary, 'hardship_review', self)).toBe(false);
    expect(mayApprove(od, 'aid_decision', { ...member, memberId: od.memberId })).toBe(false);
    expect(mayApprove(od, 'aid_decision', elsewhere)).toBe(false);
  });
});

describe('another committee', () => {
  it('is out of reach for the committee-wide roles', () => {
    for (const p of [od, secretary, linkedMember]) {
      expect(mayRecordCare(p, elsewhere)).toBe(false);
      expect(mayReportAbout(p, elsewhere)).toBe(false);
      expect(canSeeSensitive(viewerOf(p), elsewhere)).toBe(false);
      expect(maySeeOrganisation(p, { id: '31', kind: 'branch', generalBranchId: '30', committeeId: '2' })).toBe(false);
    }
    expect(mayActOnObligation(od, { ownerMemberId: null, ownerRole: 'branch_secretary', ownerOrganisationId: '31', member: elsewhere })).toBe(false);
  });
});

describe('lists and figures', () => {
  it("the committee itself: the OD and the committee secretary, nobody below", () => {
    const committee = { id: '1', kind: 'committee', generalBranchId: null, committeeId: '1' } as const;
    expect([od, secretary, linkedMember, gbSecretary, branchSecretary].map((p) => maySeeOrganisation(p, committee))).toEqual([true, true, false, false, false]);
  });

  it('a linked committee member sees the linked general branch and its branches, not their own', () => {
    expect(maySeeOrganisation(linkedMember, { id: '10', kind: 'general_branch', generalBranchId: '10', committeeId: '1' })).toBe(true);
    expect(maySeeOrganisation(linkedMember, { id: '12', kind: 'branch', generalBranchId: '10', committeeId: '1' })).toBe(true);
    expect(maySeeOrganisation(linkedMember, { id: '20', kind: 'general_branch', generalBranchId: '20', committeeId: '1' })).toBe(false);
  });

  it('a branch secretary sees their branch, not its general branch', () => {
    expect(maySeeOrganisation(branchSecretary, { id: '11', kind: 'branch', generalBranchId: '10', committeeId: '1' })).toBe(true);
    expect(maySeeOrganisation(branchSecretary, { id: '10', kind: 'general_branch', generalBranchId: '10', committeeId: '1' })).toBe(false);
  });

  it("the lists that are one's office's to work with are all lists one may see", () => {
    const both = person('8', { branchId: '11', generalBranchId: '10' }, [
      { role: 'gb_member', organisationId: '10' },
      { role: 'branch_secretary', organisationId: '11' },
    ]);
    for (const p of [od, secretary, linkedMember, gbSecretary, branchSecretary, both]) {
      const { branchIds, generalBranchIds } = officeLists(p);
      for (const id of branchIds) expect(maySeeOrganisation(p, { id, kind: 'branch', generalBranchId: '10', committeeId: '1' })).toBe(true);
      for (const id of generalBranchIds) expect(maySeeOrganisation(p, { id, kind: 'general_branch', generalBranchId: id, committeeId: '1' })).toBe(true);
    }
    expect(officeLists(both)).toEqual({ branchIds: ['11'], generalBranchIds: ['10'] });
    expect(officeLists(linkedMember)).toEqual({ branchIds: [], generalBranchIds: [] });
  });
});

describe('evaluations (issue 13)', () => {
  const plain = person('100', { branchId: '11', generalBranchId: '10' }, []);
  const otherBranchSecretary = person('8', { branchId: '21', generalBranchId: '20' }, [{ role: 'branch_secretary', organisationId: '21' }]);

  it('a self-evaluation is recorded for a member by their branch secretary, GB secretary or the OD — never by themself or others', () => {
    expect(mayRecordSelfEvaluationFor(branchSecretary, member)).toBe(true);
    expect(mayRecordSelfEvaluationFor(gbSecretary, member)).toBe(true);
    expect(mayRecordSelfEvaluationFor(od, member)).toBe(true);
    expect(mayRecordSelfEvaluationFor(plain, member)).toBe(false);
    expect(mayRecordSelfEvaluationFor(otherBranchSecretary, member)).toBe(false);
    expect(mayRecordSelfEvaluationFor(secretary, member)).toBe(false);
    expect(mayRecordSelfEvaluationFor(linkedMember, member)).toBe(false);
    expect(mayRecordSelfEvaluationFor(od, elsewhere)).toBe(false);
    expect(mayRecordSelfEvaluationFor(branchSecretary, { ...member, memberId: '5' })).toBe(false);
  });

  it('goals are recorded by the organisation’s own secretary only; a commitment for a member as a self-evaluation', () => {
    const branch11 = { id: '11', kind: 'branch' as const, generalBranchId: '10', committeeId: '1' };
    const gb10 = { id: '10', kind: 'general_branch' as const, generalBranchId: '10', committeeId: '1' };
    expect(mayRecordGoalsOf(branchSecretary, branch11)).toBe(true);
    expect(mayRecordGoalsOf(branchSecretary, gb10)).toBe(false);
    expect(mayRecordGoalsOf(gbSecretary, gb10)).toBe(true);
    expect(mayRecordGoalsOf(gbSecretary, branch11)).toBe(false);
    expect(mayRecordGoalsOf(otherBranchSecretary, branch11)).toBe(false);
    expect(mayRecordGoalsOf(od, branch11)).toBe(false);
    expect(mayRecordGoalsOf(plain, branch11)).toBe(false);
    expect(mayRecordCommitmentFor(branchSecretary, member)).toBe(true);
    expect(mayRecordCommitmentFor(od, member)).toBe(true);
    expect(mayRecordCommitmentFor(otherBranchSecretary, member)).toBe(false);
    expect(mayRecordCommitmentFor(plain, member)).toBe(false);
    expect(mayRecordCommitmentFor(branchSecretary, { ...member, memberId: '5' })).toBe(false);
  });

  it('goals in an export: own branch and GB, the organisations the roles reach, the OD everything', () => {
    const branch11 = { id: '11', kind: 'branch' as const, generalBranchId: '10', committeeId: '1' };
    const branch21 = { id: '21', kind: 'branch' as const, generalBranchId: '20', committeeId: '1' };
    const gb10 = { id: '10', kind: 'general_branch' as const, generalBranchId: '10', committeeId: '1' };
    const own = { branchId: '11', generalBranchId: '10' };
    expect(maySeeGoalsOf(OD_VIEWER, undefined, branch21)).toBe(true);
    expect(maySeeGoalsOf(viewerOf(plain), own, branch11)).toBe(true);
    expect(maySeeGoalsOf(viewerOf(plain), own, gb10)).toBe(true);
    expect(maySeeGoalsOf(viewerOf(plain), own, branch21)).toBe(false);
    expect(maySeeGoalsOf(viewerOf(gbSecretary), { branchId: '12', generalBranchId: '10' }, branch11)).toBe(true);
    expect(maySeeGoalsOf(viewerOf(otherBranchSecretary), { branchId: '21', generalBranchId: '20' }, branch11)).toBe(false);
    expect(maySeeGoalsOf(viewerOf(od), { branchId: '12', generalBranchId: '10' }, branch21)).toBe(true);
    expect(maySeeGoalsOf(viewerOf(od), { branchId: '12', generalBranchId: '10' }, { id: '31', kind: 'branch', generalBranchId: '30', committeeId: '2' })).toBe(false);
  });
});

describe('commendations (MECHANISM 3.2): public honours, listed only to people whose scope covers the recipient', () => {
  const plain = person('9', { branchId: '12', generalBranchId: '10' }, []);
  const organisation = { memberId: '', branchId: null, generalBranchId: '10', committeeId: '1' };
  it.each([
    ['the member', viewerOf(person('100', { branchId: '11', generalBranchId: '10' }, [])), true, false],
    ['OD staff', viewerOf(od), true, true],
    ['the committee secretary', viewerOf(secretary), true, true],
    ["the member's GB secretary", viewerOf(gbSecretary), true, true],
    ["the member's branch secretary", viewerOf(branchSecretary), true, false],
    ['a linked committee member', viewerOf(linkedMember), false, false],
    ['another member of the GB', viewerOf(plain), false, false],
  ])('%s: the member %s, a GB-level organisation %s', (_who, viewer, ofMember, ofOrganisation) => {
    expect(maySeeCommendations(viewer, member as MemberPlace & { committeeId: string })).toBe(ofMember);
    expect(maySeeCommendations(viewer, organisation)).toBe(ofOrganisation);
  });
  it('nobody of committee 1 but the member sees a member of committee 2', () => {
    for (const p of [od, secretary, gbSecretary, branchSecretary]) expect(maySeeCommendations(viewerOf(p), elsewhere as MemberPlace & { committeeId: string })).toBe(false);
  });
});

describe('光荣在党50年 certificates (issue 13 section 6)', () => {
  const plain = person('8', { branchId: '11', generalBranchId: '10' }, []);
  const otherBranch = person('9', { branchId: '12', generalBranchId: '10' }, [{ role: 'branch_secretary', organisationId: '12' }]);
  const otherGb = person('10', { branchId: '21', generalBranchId: '20' }, [{ role: 'gb_secretary', organisationId: '20' }]);
  it('the OD, the committee secretary, the GB leaders, the branch secretary and the member see the standing', () => {
    expect(maySeeCertificate(OD_VIEWER, member)).toBe(true);
    for (const p of [od, secretary, gbSecretary, branchSecretary]) expect(maySeeCertificate(viewerOf(p), member), p.memberId).toBe(true);
    expect(maySeeCertificate(viewerOf(plain), { ...member, memberId: '8' })).toBe(true);
  });
  it('another branch, another GB, a plain member, a committee member and another committee see nothing', () => {
    for (const p of [plain, otherBranch, otherGb, linkedMember]) expect(maySeeCertificate(viewerOf(p), member), p.memberId).toBe(false);
    expect(maySeeCertificate(viewerOf(od), elsewhere)).toBe(false);
  });
  it('only the OD of the member\'s committee records, never about themself', () => {
    expect(mayRecordCertificate(od, member)).toBe(true);
    expect(mayRecordCertificate(od, elsewhere)).toBe(false);
    expect(mayRecordCertificate(od, { ...member, memberId: od.memberId })).toBe(false);
    for (const p of [secretary, gbSecretary, branchSecretary, plain]) expect(mayRecordCertificate(p, member), p.memberId).toBe(false);
  });
});

describe('recording a branch\'s half-year or year-end evaluation (issue 13 section 3)', () => {
  const held: BranchOffices = { branchId: '11', generalBranchId: '10', committeeId: '1', branchSecretaryHeld: true, gbSecretaryHeld: true };
  const vacantBranch = { ...held, branchSecretaryHeld: false };
  const bothVacant = { ...held, branchSecretaryHeld: false, gbSecretaryHeld: false };
  const otherBranchSecretary = person('8', { branchId: '12', generalBranchId: '10' }, [{ role: 'branch_secretary', organisationId: '12' }]);
  const otherGbSecretary = person('9', { branchId: '21', generalBranchId: '20' }, [{ role: 'gb_secretary', organisationId: '20' }]);
  const plain = person('100', { branchId: '11', generalBranchId: '10' }, []);

  it('the branch secretary records for their branch; nobody else while the office is held', () => {
    expect(mayRecordBranchEvaluation(branchSecretary, held)).toBe(true);
    for (const p of [gbSecretary, od, otherBranchSecretary, otherGbSecretary, plain, secretary, linkedMember]) expect(mayRecordBranchEvaluation(p, held)).toBe(false);
  });
  it('a vacant branch office passes to its GB secretary, both vacant to the OD', () => {
    expect(mayRecordBranchEvaluation(gbSecretary, vacantBranch)).toBe(true);
    expect(mayRecordBranchEvaluation(otherGbSecretary, vacantBranch)).toBe(false);
    expect(mayRecordBranchEvaluation(od, vacantBranch)).toBe(false);
    expect(mayRecordBranchEvaluation(od, bothVacant)).toBe(true);
    expect(mayRecordBranchEvaluation(od, { ...bothVacant, committeeId: '2' })).toBe(false);
    expect(mayRecordBranchEvaluation(plain, bothVacant)).toBe(false);
  });
  it('grades are sensitive: the member, their branch secretary, their GB leaders and the OD see them', () => {
    expect(canSeeSensitive(viewerOf(plain), member)).toBe(true);
    expect(canSeeSensitive(viewerOf(branchSecretary), member)).toBe(true);
    expect(canSeeSensitive(viewerOf(gbSecretary), member)).toBe(true);
    expect(canSeeSensitive(viewerOf(od), member)).toBe(true);
    for (const p of [otherBranchSecretary, otherGbSecretary, secretary, linkedMember]) expect(canSeeSensitive(viewerOf(p), member)).toBe(false);
  });
  it('the lists of grades: the branch secretary their branch, GB leaders their GB, the OD the committee; nobody else', () => {
    expect(evaluationViewsOf(branchSecretary)).toEqual({ branchIds: ['11'], generalBranchIds: [], committee: false });
    expect(evaluationViewsOf(gbSecretary)).toEqual({ branchIds: [], generalBranchIds: ['10'], committee: false });
    expect(evaluationViewsOf(od)).toEqual({ branchIds: [], generalBranchIds: [], committee: true });
    for (const p of [plain, secretary, linkedMember]) expect(evaluationViewsOf(p)).toEqual({ branchIds: [], generalBranchIds: [], committee: false });
    const branch11 = { id: '11', kind: 'branch' as const, generalBranchId: '10', committeeId: '1' };
    for (const p of [branchSecretary, gbSecretary, od]) expect(maySeeEvaluationList(p, branch11)).toBe(true);
    for (const p of [otherBranchSecretary, otherGbSecretary, plain, secretary, linkedMember]) expect(maySeeEvaluationList(p, branch11)).toBe(false);
  });
});

describe('the leadership review (MECHANISM 3.1): who sees results, who opens it', () => {
  const plain = person('100', { branchId: '11', generalBranchId: '10' }, []);
  const gbMember = person('8', { branchId: '11', generalBranchId: '10' }, [{ role: 'gb_member', organisationId: '10' }, { role: 'unit_leader', organisationId: '10' }]);
  const twoHats = person('9', { branchId: '21', generalBranchId: '20' }, [{ role: 'branch_secretary', organisationId: '21' }, { role: 'gb_secretary', organisationId: '20' }]);
  it('the OD (its tools or od_staff) sees all totals and the comments', () => {
    expect(leadershipResultsScope(OD_VIEWER)).toEqual({ kind: 'all', comments: true, smallCountsWithheld: false });
    expect(leadershipResultsScope(viewerOf(od))).toEqual({ kind: 'all', comments: true, smallCountsWithheld: false });
  });
  it('a GB secretary the GBs they lead, no comments, small counts withheld', () => {
    expect(leadershipResultsScope(viewerOf(gbSecretary))).toEqual({ kind: 'general_branches', generalBranchIds: ['10'], comments: false, smallCountsWithheld: true });
    expect(leadershipResultsScope(viewerOf(twoHats))).toMatchObject({ kind: 'general_branches', generalBranchIds: ['20'] });
  });
  it.each([
    ['a branch secretary', branchSecretary],
    ['GB committee members and the unit leader', gbMember],
    ['the committee secretary', secretary],
    ['a linked committee member', linkedMember],
    ['a member', plain],
  ])('%s sees no results', (_who, p) => {
    expect(leadershipResultsScope(viewerOf(p))).toBeUndefined();
  });
  it('only the OD opens it', () => {
    expect(mayOpenLeadershipReview(od)).toBe(true);
    for (const p of [gbSecretary, branchSecretary, secretary, plain]) expect(mayOpenLeadershipReview(p)).toBe(false);
  });
});

describe('issue 13 access review: stand-ins and the checks moved out of the handlers', () => {
  it('self-evaluations for members without an account: where each office looks names up matches mayRecordSelfEvaluationFor', () => {
    expect(selfEvaluationStandInOffices(branchSecretary)).toEqual({ branchIds: ['11'], generalBranchIds: [], committee: false });
    expect(selfEvaluationStandInOffices(gbSecretary)).toEqual({ branchIds: [], generalBranchIds: ['10'], committee: false });
    expect(selfEvaluationStandInOffices(od)).toEqual({ branchIds: [], generalBranchIds: [], committee: true });
    for (const p of [linkedMember, secretary]) expect(selfEvaluationStandInOffices(p)).toEqual({ branchIds: [], generalBranchIds: [], committee: false });
    // The reach agrees with the rule: a member of branch 12 (GB 10, no secretary of its own here).
    const inTwelve: MemberPlace = { memberId: '120', branchId: '12', generalBranchId: '10', committeeId: '1' };
    expect(mayRecordSelfEvaluationFor(gbSecretary, inTwelve)).toBe(true);
    expect(mayRecordSelfEvaluationFor(od, inTwelve)).toBe(true);
    expect(mayRecordSelfEvaluationFor(branchSecretary, inTwelve)).toBe(false);
    expect(mayRecordSelfEvaluationFor(od, elsewhere)).toBe(false);
    // An OD of another committee has no committee reach here.
    expect(selfEvaluationStandInOffices({ ...od, committeeId: '2' }).committee).toBe(false);
  });

  it('commendations are recorded by the OD of its own committee only', () => {
    expect(mayRecordCommendations(od)).toBe(true);
    expect(mayRecordCommendations({ ...od, committeeId: '2' })).toBe(false);
    for (const p of [gbSecretary, branchSecretary, linkedMember, secretary]) expect(mayRecordCommendations(p)).toBe(false);
  });

  it("a GB's excellent members: its secretary; the OD only while the GB secretary office is vacant", () => {
    const gb10 = { generalBranchId: '10', committeeId: '1', gbSecretaryHeld: true };
    expect(mayRecordExcellentList(gbSecretary, gb10)).toBe(true);
    expect(mayRecordExcellentList(gbSecretary, { ...gb10, generalBranchId: '20' })).toBe(false);
    expect(mayRecordExcellentList(od, gb10)).toBe(false);
    expect(mayRecordExcellentList(od, { ...gb10, gbSecretaryHeld: false })).toBe(true);
    expect(mayRecordExcellentList(od, { ...gb10, gbSecretaryHeld: false, committeeId: '2' })).toBe(false);
    for (const p of [branchSecretary, linkedMember, secretary]) expect(mayRecordExcellentList(p, { ...gb10, gbSecretaryHeld: false })).toBe(false);
    expect(excellentListsRecordedBy(gbSecretary)).toEqual(['10']);
    expect(excellentListsRecordedBy(branchSecretary)).toEqual([]);
    const gbMember = person('8', { branchId: '11', generalBranchId: '10' }, [{ role: 'gb_member', organisationId: '10' }]);
    expect(excellentListsReadBy(gbMember)).toEqual(['10']);
    expect(excellentListsRecordedBy(gbMember)).toEqual([]);
    expect(excellentListsReadBy(linkedMember)).toEqual([]);
  });

  it('certificates: the OD records; secretaries and GB leaders see lists; a committee member or a plain member neither', () => {
    expect(recordsCertificates(od)).toBe(true);
    for (const p of [gbSecretary, branchSecretary, linkedMember, secretary]) expect(recordsCertificates(p)).toBe(false);
    for (const p of [od, gbSecretary, branchSecretary, secretary]) expect(seesCertificateLists(p)).toBe(true);
    expect(seesCertificateLists(linkedMember)).toBe(false);
    expect(seesCertificateLists(person('9', { branchId: '11', generalBranchId: '10' }, []))).toBe(false);
  });
});
