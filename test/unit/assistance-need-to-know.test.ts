// Issue 12 §5 (need to know), the pure rule: every role of the brief against one member in hardship — who sees
// her sensitive data (causes, amounts, applications, decisions), her causes only (a paired helper), her
// organisation's list of members in hardship, and who may take each assistance step about her. The e2e file
// (test/e2e/assistance-need-to-know.test.ts) proves the chat, the exports, the admin API and the reminders follow it.
import { describe, expect, it } from 'vitest';
import {
  canSeeHardshipCauses,
  canSeeReliefAmounts,
  canSeeSensitive,
  mayApprove,
  maySeeHardshipList,
  viewerOf,
  type AccessPerson,
  type Approval,
  type HeldOffice,
  type OrganisationPlace,
} from '../../src/domain/access.ts';

// Committee 1: general branches 10 (branches 11 — hers — and 12), 20 (branch 21) and 30 (branch 31, the offices).
const member = { memberId: '100', branchId: '11', generalBranchId: '10', committeeId: '1' };
const place = (branchId: string, generalBranchId: string) => ({ branchId, generalBranchId });
const person = (memberId: string, at: { branchId: string; generalBranchId: string }, roles: HeldOffice[] = [], linked: string[] = []): AccessPerson => ({
  memberId,
  ...at,
  committeeId: '1',
  roles,
  linkedGeneralBranchIds: linked,
});

const ROLES = {
  od: person('1', place('31', '30'), [{ role: 'od_staff', organisationId: '1' }]),
  committeeSecretary: person('2', place('31', '30'), [{ role: 'committee_secretary', organisationId: '1' }]),
  linkedCommitteeMember: person('3', place('31', '30'), [{ role: 'committee_member', organisationId: '1' }], ['10']),
  gbSecretary: person('4', place('12', '10'), [{ role: 'gb_secretary', organisationId: '10' }]),
  gbMember: person('5', place('12', '10'), [{ role: 'gb_member', organisationId: '10' }]),
  unitLeader: person('6', place('12', '10'), [{ role: 'unit_leader', organisationId: '10' }]),
  branchSecretary: person('7', place('11', '10'), [{ role: 'branch_secretary', organisationId: '11' }]),
  otherBranchSecretary: person('8', place('12', '10'), [{ role: 'branch_secretary', organisationId: '12' }]),
  otherGbSecretary: person('9', place('21', '20'), [{ role: 'gb_secretary', organisationId: '20' }]),
  pairedHelper: person('10', place('21', '20')),
  sameBranchMember: person('11', place('11', '10')),
  herself: person('100', place('11', '10')),
} satisfies Record<string, AccessPerson>;
type Role = keyof typeof ROLES;

const HER_BRANCH: OrganisationPlace = { id: '11', kind: 'branch', generalBranchId: '10', committeeId: '1' };
const HER_GB: OrganisationPlace = { id: '10', kind: 'general_branch', generalBranchId: '10', committeeId: '1' };
const COMMITTEE: OrganisationPlace = { id: '1', kind: 'committee', generalBranchId: null, committeeId: '1' };

const ASSISTANCE_STEPS: Approval[] = [
  'hardship_recommendation',
  'hardship_review',
  'hardship_archive',
  'hardship_verification',
  'aid_application',
  'aid_opinion',
  'aid_decision',
  'aid_payment',
  'subsidy',
  'pairing',
];

/** One row per role: what it sees of her, which lists of members in hardship, which steps about her it may take. */
const TABLE: Record<Role, { sees: 'all' | 'causes' | 'nothing'; lists: Array<'branch' | 'gb' | 'committee'>; steps: Approval[] }> = {
  od: { sees: 'all', lists: ['branch', 'gb', 'committee'], steps: ASSISTANCE_STEPS },
  committeeSecretary: { sees: 'nothing', lists: [], steps: [] },
  linkedCommitteeMember: { sees: 'nothing', lists: [], steps: [] },
  gbSecretary: { sees: 'all', lists: ['branch', 'gb'], steps: ['hardship_recommendation', 'hardship_review', 'hardship_archive', 'hardship_verification', 'aid_opinion', 'pairing'] },
  gbMember: { sees: 'all', lists: ['branch', 'gb'], steps: [] },
  unitLeader: { sees: 'all', lists: ['branch', 'gb'], steps: [] },
  branchSecretary: { sees: 'all', lists: ['branch'], steps: ['hardship_recommendation', 'aid_application'] },
  otherBranchSecretary: { sees: 'nothing', lists: [], steps: [] },
  otherGbSecretary: { sees: 'nothing', lists: [], steps: [] },
  pairedHelper: { sees: 'causes', lists: [], steps: [] },
  sameBranchMember: { sees: 'nothing', lists: [], steps: [] },
  // Her own data, every bit of it; no list (it would name others), and nobody decides about themself.
  herself: { sees: 'all', lists: [], steps: [] },
};

describe('need to know (issue 12 §5): every role against one member in hardship', () => {
  it.each(Object.keys(TABLE) as Role[])('%s', (role) => {
    const p = ROLES[role];
    const row = TABLE[role];
    const viewer = viewerOf(p);
    expect(canSeeSensitive(viewer, member), 'sensitive').toBe(row.sees === 'all');
    expect(canSeeReliefAmounts(viewer, member), 'amounts').toBe(row.sees === 'all');
    expect(canSeeHardshipCauses(viewer, member, role === 'pairedHelper'), 'causes').toBe(row.sees !== 'nothing');
    expect(
      { branch: maySeeHardshipList(p, HER_BRANCH), gb: maySeeHardshipList(p, HER_GB), committee: maySeeHardshipList(p, COMMITTEE) },
      'lists',
    ).toEqual({ branch: row.lists.includes('branch'), gb: row.lists.includes('gb'), committee: row.lists.includes('committee') });
    expect(ASSISTANCE_STEPS.filter((step) => mayApprove(p, step, member)), 'steps').toEqual(row.steps);
  });

  it('a helper sees the causes only while paired: the same person unpaired sees nothing', () => {
    expect(canSeeHardshipCauses(viewerOf(ROLES.pairedHelper), member, false)).toBe(false);
    // A paired helper who holds a leading role elsewhere still sees no amount.
    expect(canSeeReliefAmounts(viewerOf(ROLES.otherGbSecretary), member)).toBe(false);
  });
});
