// The access rule's corners that the demo roster table (test/integration/access-rule.test.ts) does not reach:
// every kind of request, a second committee, and lists that must stay within what a person may see.
import { describe, expect, it } from 'vitest';
import {
  canSeeSensitive,
  leadershipResultsScope,
  mayActOnObligation,
  mayOpenLeadershipReview,
  mayApprove,
  mayRecordCare,
  mayReportAbout,
  maySeeOrganisation,
  officeLists,
  OD_VIEWER,
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
    ['OD staff', od, { hardship_recommendation: true, hardship_archive: true, hardship_verification: true, aid_application: true, aid_payment: true, cadre_exemption: true, hardship_review: true, aid_opinion: true, aid_decision: true, subsidy: true, pairing: true, death_confirmation: true }],
    ["the member's GB secretary", gbSecretary, { hardship_recommendation: true, hardship_archive: true, hardship_verification: true, aid_application: false, aid_payment: false, cadre_exemption: false, hardship_review: true, aid_opinion: true, aid_decision: false, subsidy: false, pairing: true, death_confirmation: true }],
    ["the member's branch secretary", branchSecretary, { hardship_recommendation: true, hardship_archive: false, hardship_verification: false, aid_application: true, aid_payment: false, cadre_exemption: false, hardship_review: false, aid_opinion: false, aid_decision: false, subsidy: false, pairing: false, death_confirmation: true }],
    ['a linked committee member', linkedMember, { hardship_recommendation: false, hardship_archive: false, hardship_verification: false, aid_application: false, aid_payment: false, cadre_exemption: false, hardship_review: false, aid_opinion: false, aid_decision: false, subsidy: false, pairing: false, death_confirmation: false }],
    ['the committee secretary', secretary, { hardship_recommendation: false, hardship_archive: false, hardship_verification: false, aid_application: false, aid_payment: false, cadre_exemption: false, hardship_review: false, aid_opinion: false, aid_decision: false, subsidy: false, pairing: false, death_confirmation: false }],
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
