// The access rule for reporting work and open Party affairs (issue 14 section 1), table-driven: who may address
// which audience and as which office, who is in each audience (nobody outside the sender's reach), who sees an
// announcement's figures, who reads its text, and which export rows a viewer gets.
import { describe, expect, it } from 'vitest';
import {
  announcementTargetOf,
  inAnnouncementAudience,
  mayReadAnnouncement,
  maySeeAnnouncementReads,
  maySeeAnnouncementRow,
  OD_VIEWER,
  sendsAnnouncements,
  viewerOf,
  type AccessPerson,
  type AnnouncementRecipientFacts,
  type HeldOffice,
} from '../../src/domain/access.ts';
import { ANNOUNCEMENT_AUDIENCES, type AnnouncementAudience } from '../../src/domain/voice.ts';

// Committee 1: GB 10 (branches 11, 12), GB 20 (branch 21). Committee 2: GB 30 (branch 31).
const person = (memberId: string, branchId: string, generalBranchId: string, roles: HeldOffice[], committeeId = '1'): AccessPerson => ({
  memberId,
  branchId,
  generalBranchId,
  committeeId,
  roles,
  linkedGeneralBranchIds: [],
});
const od = person('1', '12', '10', [{ role: 'od_staff', organisationId: '1' }]);
const otherOd = person('2', '31', '30', [{ role: 'od_staff', organisationId: '2' }], '2');
const committeeSecretary = person('3', '12', '10', [{ role: 'committee_secretary', organisationId: '1' }]);
const committeeMember = person('4', '12', '10', [{ role: 'committee_member', organisationId: '1' }]);
const gbSecretary = person('5', '11', '10', [{ role: 'gb_secretary', organisationId: '10' }]);
const gbMember = person('6', '11', '10', [{ role: 'gb_member', organisationId: '10' }]);
const unitLeader = person('7', '11', '10', [{ role: 'unit_leader', organisationId: '10' }]);
const branchSecretary = person('8', '11', '10', [{ role: 'branch_secretary', organisationId: '11' }]);
const both = person('9', '21', '20', [
  { role: 'branch_secretary', organisationId: '21' },
  { role: 'gb_secretary', organisationId: '20' },
]);
const plain = person('10', '11', '10', []);

describe('who may address which audience (as which office)', () => {
  const table: Array<[string, AccessPerson, Partial<Record<AnnouncementAudience, string>>]> = [
    ['the OD', od, { all_secretaries: '1', all_members: '1' }],
    ['the OD of another committee', otherOd, { all_secretaries: '2', all_members: '2' }],
    ['the committee secretary', committeeSecretary, {}],
    ['a committee member', committeeMember, {}],
    ['a GB secretary', gbSecretary, { gb_members: '10', gb_secretaries: '10' }],
    ['a GB committee member', gbMember, {}],
    ['a unit leader', unitLeader, {}],
    ['a branch secretary', branchSecretary, { branch_members: '11' }],
    ['a branch and GB secretary', both, { gb_members: '20', gb_secretaries: '20', branch_members: '21' }],
    ['a member', plain, {}],
  ];
  it.each(table)('%s', (_who, p, allowed) => {
    for (const audience of ANNOUNCEMENT_AUDIENCES) {
      const target = announcementTargetOf(p, audience);
      expect(target?.organisationId, audience).toBe(allowed[audience]);
    }
    expect(sendsAnnouncements(p)).toBe(Object.keys(allowed).length > 0);
  });

  it('od_staff held for another committee than the person’s own does not send for it', () => {
    expect(announcementTargetOf(person('11', '12', '10', [{ role: 'od_staff', organisationId: '2' }]), 'all_members')).toBeUndefined();
  });
});

describe('who is in each audience: nobody outside the sender’s reach', () => {
  const at = (memberId: string, branchId: string, generalBranchId: string, committeeId: string, roles: HeldOffice[] = []): AnnouncementRecipientFacts => ({ memberId, branchId, generalBranchId, committeeId, roles });
  const m11 = at('100', '11', '10', '1');
  const m12 = at('101', '12', '10', '1');
  const m21 = at('102', '21', '20', '1');
  const m31 = at('103', '31', '30', '2');
  const sec11 = at('104', '11', '10', '1', [{ role: 'branch_secretary', organisationId: '11' }]);
  const sec21 = at('105', '21', '20', '1', [{ role: 'branch_secretary', organisationId: '21' }]);
  const gbSec10 = at('106', '12', '10', '1', [{ role: 'gb_secretary', organisationId: '10' }]);
  const sec31 = at('107', '31', '30', '2', [{ role: 'branch_secretary', organisationId: '31' }]);
  const everyone = { m11, m12, m21, m31, sec11, sec21, gbSec10, sec31 };
  const table: Array<[AnnouncementAudience, string, string[]]> = [
    ['all_members', '1', ['m11', 'm12', 'm21', 'sec11', 'sec21', 'gbSec10']],
    ['all_secretaries', '1', ['sec11', 'sec21', 'gbSec10']],
    ['gb_members', '10', ['m11', 'm12', 'sec11', 'gbSec10']],
    ['gb_secretaries', '10', ['sec11']],
    ['branch_members', '11', ['m11', 'sec11']],
  ];
  it.each(table)('%s of %s', (audience, organisationId, expected) => {
    const inIt = Object.entries(everyone)
      .filter(([, m]) => inAnnouncementAudience({ audience, organisationId }, m))
      .map(([name]) => name);
    expect(inIt.sort()).toEqual([...expected].sort());
  });
});

describe('who sees the figures and who reads the text', () => {
  const facts = { senderMemberId: branchSecretary.memberId, committeeId: '1' };
  const table: Array<[string, Parameters<typeof maySeeAnnouncementReads>[0], boolean]> = [
    ['the sender', viewerOf(branchSecretary), true],
    ['the OD', viewerOf(od), true],
    ['the OD’s own tools', OD_VIEWER, true],
    ['the OD of another committee', viewerOf(otherOd), false],
    ['the GB secretary above', viewerOf(gbSecretary), false],
    ['the committee secretary', viewerOf(committeeSecretary), false],
    ['a recipient', viewerOf(plain), false],
  ];
  it.each(table)('figures: %s', (_who, viewer, allowed) => {
    expect(maySeeAnnouncementReads(viewer, facts)).toBe(allowed);
  });
  it('the text: those it was addressed to and the sender only', () => {
    expect(mayReadAnnouncement(viewerOf(plain), { senderMemberId: branchSecretary.memberId, addressedToViewer: true })).toBe(true);
    expect(mayReadAnnouncement(viewerOf(plain), { senderMemberId: branchSecretary.memberId, addressedToViewer: false })).toBe(false);
    expect(mayReadAnnouncement(viewerOf(branchSecretary), { senderMemberId: branchSecretary.memberId, addressedToViewer: false })).toBe(true);
    expect(mayReadAnnouncement(viewerOf(od), { senderMemberId: branchSecretary.memberId, addressedToViewer: false })).toBe(false);
  });
});

describe('export rows (one per announcement and branch)', () => {
  const row = (senderMemberId: string, branchId: string, generalBranchId: string, committeeId = '1') => ({ senderMemberId, branchId, generalBranchId, committeeId });
  const table: Array<[string, Parameters<typeof maySeeAnnouncementRow>[0], ReturnType<typeof row>, boolean]> = [
    ['the OD’s tools: any row', OD_VIEWER, row('1', '31', '30', '2'), true],
    ['the OD: its committee', viewerOf(od), row('5', '21', '20'), true],
    ['the OD: not another committee', viewerOf(od), row('2', '31', '30', '2'), false],
    ['the sender: every branch of theirs', viewerOf(gbSecretary), row('5', '21', '20'), true],
    ['a GB secretary: the OD’s rows of their GB', viewerOf(gbSecretary), row('1', '12', '10'), true],
    ['a GB secretary: not another GB', viewerOf(gbSecretary), row('1', '21', '20'), false],
    ['a branch secretary: their branch', viewerOf(branchSecretary), row('1', '11', '10'), true],
    ['a branch secretary: not the next branch', viewerOf(branchSecretary), row('1', '12', '10'), false],
    ['the committee secretary: the committee', viewerOf(committeeSecretary), row('1', '21', '20'), true],
    ['a member: nothing', viewerOf(plain), row('1', '11', '10'), false],
  ];
  it.each(table)('%s', (_what, viewer, r, allowed) => {
    expect(maySeeAnnouncementRow(viewer, r)).toBe(allowed);
  });
});
