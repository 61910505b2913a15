// Delegates' proposals, pure parts (issue 14 section 3): who may file, see, register and answer a proposal (the
// access rule, table-driven), the sentences the matcher reads and leaves alone, the derived overdue state and the
// days a proposal waiting to be registered reminds the OD.
import { describe, expect, it } from 'vitest';
import { handlesProposals, mayAnswerProposal, mayFileProposal, mayHandleProposal, maySeeProposal, OD_VIEWER, viewerOf, type AccessPerson, type HeldOffice, type ProposalFacts } from '../../src/domain/access.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { proposalStatus, proposalTitle, registerReminderOn } from '../../src/domain/voice.ts';
import { matchProposalCommand } from '../../src/voice/proposal-phrases.ts';
import { readVoice } from '../../src/voice/phrases.ts';

// Committee 1 (GB 10, branch 11), committee 2 (GB 30, branch 31).
const person = (memberId: string, roles: HeldOffice[] = [], committeeId = '1'): AccessPerson => ({
  memberId,
  branchId: committeeId === '1' ? '11' : '31',
  generalBranchId: committeeId === '1' ? '10' : '30',
  committeeId,
  roles,
  linkedGeneralBranchIds: [],
});
const PEOPLE: Record<string, AccessPerson> = {
  delegate: person('100'),
  assignee: person('200'),
  sameBranchMember: person('300'),
  branchSecretary: person('400', [{ role: 'branch_secretary', organisationId: '11' }]),
  gbSecretary: person('500', [{ role: 'gb_secretary', organisationId: '10' }]),
  committeeSecretary: person('600', [{ role: 'committee_secretary', organisationId: '1' }]),
  committeeMember: person('650', [{ role: 'committee_member', organisationId: '1' }]),
  od: person('700', [{ role: 'od_staff', organisationId: '1' }]),
  otherCommitteeOd: person('800', [{ role: 'od_staff', organisationId: '2' }], '2'),
};
const assigned: ProposalFacts = { delegateMemberId: '100', committeeId: '1', assigneeMemberId: '200' };
const toOffice: ProposalFacts = { delegateMemberId: '100', committeeId: '1', assigneeMemberId: null };

describe('the access rule for proposals', () => {
  // who → [sees (assigned to 200), sees (office), registers/assigns, answers (assigned to 200), answers (office)]
  const TABLE: Record<string, [boolean, boolean, boolean, boolean, boolean]> = {
    delegate: [true, true, false, false, false],
    assignee: [true, false, false, true, false],
    sameBranchMember: [false, false, false, false, false],
    branchSecretary: [false, false, false, false, false],
    gbSecretary: [false, false, false, false, false],
    committeeSecretary: [false, false, false, false, false],
    committeeMember: [false, false, false, false, false],
    od: [true, true, true, true, true],
    otherCommitteeOd: [false, false, false, false, false],
  };
  it.each(Object.entries(TABLE))('%s', (who, [sees, seesOffice, handles, answers, answersOffice]) => {
    const p = PEOPLE[who]!;
    expect(maySeeProposal(viewerOf(p), assigned)).toBe(sees);
    expect(maySeeProposal(viewerOf(p), toOffice)).toBe(seesOffice);
    expect(mayHandleProposal(p, assigned)).toBe(handles);
    expect(mayAnswerProposal(p, assigned)).toBe(answers);
    expect(mayAnswerProposal(p, toOffice)).toBe(answersOffice);
  });
  it('the OD’s own tools see every proposal; only a delegate files; handlesProposals is the OD', () => {
    expect(maySeeProposal(OD_VIEWER, { delegateMemberId: '1', committeeId: '9', assigneeMemberId: null })).toBe(true);
    expect(mayFileProposal({ delegate: true })).toBe(true);
    expect(mayFileProposal({ delegate: false })).toBe(false);
    expect(handlesProposals(PEOPLE.od!)).toBe(true);
    expect(handlesProposals(PEOPLE.committeeSecretary!)).toBe(false);
  });
});

describe('the proposal sentences', () => {
  const READ: Array<[string, unknown]> = [
    ['提案：关于加强青年教师思想政治工作的建议', { kind: 'file', text: '关于加强青年教师思想政治工作的建议' }],
    ['提案:关于食堂的建议\n第二段', { kind: 'file', text: '关于食堂的建议\n第二段' }],
    ['提案：', { kind: 'file', text: '' }],
    ['提案3', { kind: 'show', number: '3' }],
    ['查看提案 12？', { kind: 'show', number: '12' }],
    ['提案3立案', { kind: 'register', number: '3' }],
    ['立案提案3', { kind: 'register', number: '3' }],
    ['提案3不予立案：不属于党代会职责范围', { kind: 'decline', number: '3', reason: '不属于党代会职责范围' }],
    ['提案3不予立案', { kind: 'decline', number: '3', reason: '' }],
    ['提案3交由后勤处办理', { kind: 'assign', number: '3', to: '后勤处' }],
    ['提案3交由张三（教工第一党支部）办理', { kind: 'assign', number: '3', to: '张三（教工第一党支部）' }],
    ['提案3交给人事处答复。', { kind: 'assign', number: '3', to: '人事处' }],
    ['提案3答复：已纳入明年工作要点', { kind: 'answer', number: '3', text: '已纳入明年工作要点' }],
    ['答复提案3：已办理', { kind: 'answer', number: '3', text: '已办理' }],
    ['我的提案', { kind: 'mine' }],
    ['提案列表', { kind: 'list' }],
    ['待办提案', { kind: 'todo' }],
  ];
  it.each(READ)('%s', (text, expected) => {
    expect(matchProposalCommand(text)).toEqual(expected);
    expect(readVoice(text)).toEqual({ area: 'proposals', command: expected });
  });
  it.each(['今天和李四谈心，聊了他的提案想法', '我想写个提案', '提案怎么写', '关于提案：我有想法', '意见建议：希望多走访老党员', '提案3的情况怎么样了'])('leaves "%s" to the others', (text) => {
    expect(matchProposalCommand(text)).toBeNull();
  });
});

describe('proposal state and reminders', () => {
  it('overdue is derived: registered and past its due day', () => {
    expect(proposalStatus({ state: 'registered', due_on: '2026-12-31' }, '2026-12-31')).toBe('registered');
    expect(proposalStatus({ state: 'registered', due_on: '2026-12-31' }, '2027-01-01')).toBe('overdue');
    expect(proposalStatus({ state: 'answered', due_on: '2026-12-31' }, '2027-02-01')).toBe('answered');
    expect(proposalStatus({ state: 'filed', due_on: null }, '2027-02-01')).toBe('filed');
  });
  it('a title is the first line, clipped', () => {
    expect(proposalTitle('关于食堂的建议\n正文')).toBe('关于食堂的建议');
    expect(proposalTitle('一'.repeat(40), 10)).toBe(`${'一'.repeat(9)}…`);
  });
  it('an unregistered proposal reminds the OD every 7 days, on the next working day', () => {
    const cal = chineseWorkingDayCalendar();
    // Filed Tuesday 1 December 2026: Tuesday 8th, 15th, 22nd …
    expect(registerReminderOn('2026-12-01', '2026-12-07', cal)).toBeUndefined();
    expect(registerReminderOn('2026-12-01', '2026-12-08', cal)).toBe(1);
    expect(registerReminderOn('2026-12-01', '2026-12-15', cal)).toBe(2);
    expect(registerReminderOn('2026-12-01', '2026-12-16', cal)).toBeUndefined();
    // Filed Saturday 5 December: the mark falls on Saturday 12th, the reminder on Monday 14th.
    expect(registerReminderOn('2026-12-05', '2026-12-12', cal)).toBeUndefined();
    expect(registerReminderOn('2026-12-05', '2026-12-14', cal)).toBe(1);
  });
});
