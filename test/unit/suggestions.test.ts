// Members' suggestions (issue 14 section 2), the pure parts: the sentences, the access rule (who sees, who answers,
// who sees the name — table-driven), the derived state and escalations, and the planner's who-gets-what on each
// step day with a pinned calendar.
import { describe, expect, it } from 'vitest';
import { mayAnswerSuggestion, maySeeSuggestion, OD_VIEWER, seesSuggestionWriter, type SuggestionFacts, type Viewer } from '../../src/domain/access.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { answeringOffice, type Office } from '../../src/domain/offices.ts';
import { suggestionEscalations, suggestionState, type SuggestionDates } from '../../src/domain/voice.ts';
import type { SuggestionRow } from '../../src/db/suggestion-repository.ts';
import { planSuggestionNotices, type SuggestionOffices } from '../../src/notices/planners/suggestions.ts';
import type { Recipient } from '../../src/notices/offices.ts';
import { matchSuggestionCommand } from '../../src/voice/suggestion-phrases.ts';
import { readVoice } from '../../src/voice/phrases.ts';
import { voiceHelpFor } from '../../src/conversation/templates.ts';
import { routeInbound } from '../../src/conversation/router.ts';
import { MESSAGE_MAX_BYTES } from '../../src/notices/message-limit.ts';

const calendar = chineseWorkingDayCalendar();

describe('suggestion sentences', () => {
  it.each([
    ['意见建议：希望支部活动安排在周末', { kind: 'file', addressee: 'branch_secretary', anonymous: false, text: '希望支部活动安排在周末' }],
    ['意见建议:多组织学习', { kind: 'file', addressee: 'branch_secretary', anonymous: false, text: '多组织学习' }],
    ['向支部书记提意见：会议太多', { kind: 'file', addressee: 'branch_secretary', anonymous: false, text: '会议太多' }],
    ['向党总支书记提意见：实验室检查太频繁', { kind: 'file', addressee: 'gb_secretary', anonymous: false, text: '实验室检查太频繁' }],
    ['向总支书记反映：食堂', { kind: 'file', addressee: 'gb_secretary', anonymous: false, text: '食堂' }],
    ['向挂联党委委员反映：住房', { kind: 'file', addressee: 'linked_committee_member', anonymous: false, text: '住房' }],
    ['向挂联党委委员钱委员反映：住房', { kind: 'file', addressee: 'linked_committee_member', anonymous: false, text: '住房', named: '钱委员' }],
    ['向党委书记反映：职称评审', { kind: 'file', addressee: 'committee_secretary', anonymous: false, text: '职称评审' }],
    ['向组织部反映：换届', { kind: 'file', addressee: 'od', anonymous: false, text: '换届' }],
    ['向党委组织部提建议：换届', { kind: 'file', addressee: 'od', anonymous: false, text: '换届' }],
    ['匿名向组织部反映：换届不规范', { kind: 'file', addressee: 'od', anonymous: true, text: '换届不规范' }],
    ['匿名意见建议：形式主义', { kind: 'file', addressee: 'branch_secretary', anonymous: true, text: '形式主义' }],
    ['匿名向党总支书记提意见：多听意见', { kind: 'file', addressee: 'gb_secretary', anonymous: true, text: '多听意见' }],
    ['意见建议：', { kind: 'file', addressee: 'branch_secretary', anonymous: false, text: '' }],
    ['回复建议12：已调整', { kind: 'reply', number: '12', text: '已调整' }],
    ['回复建议 12:', { kind: 'reply', number: '12', text: '' }],
    ['我的建议', { kind: 'mine' }],
    ['我的意见建议？', { kind: 'mine' }],
    ['待回复的建议', { kind: 'awaiting' }],
    ['待回复建议', { kind: 'awaiting' }],
    ['建议12', { kind: 'show', number: '12' }],
    ['查看建议12', { kind: 'show', number: '12' }],
  ])('%s', (text, command) => {
    expect(matchSuggestionCommand(text)).toEqual(command);
    expect(readVoice(text)).toEqual({ area: 'suggestions', command });
  });

  it.each(['张三提了个意见', '今天和张三谈心了，他对排班有意见，情绪稳定', '建议12月开支部大会', '我有个意见建议想提', '评议意见：多深入基层', '意见建议帮助', '建议多走访老党员'])('%s is not a suggestion command', (text) => {
    expect(matchSuggestionCommand(text)).toBeNull();
  });
});

// Committee 1: GB 10 (branches 11, 12), GB 20 (branch 21). Committee 2: GB 30.
const member = (memberId: string, roles: Array<[string, string]> = []): Viewer => ({ kind: 'member', memberId, roles: roles.map(([role, organisationId]) => ({ role: role as never, organisationId })) });
const WRITER = member('1');
const BRANCH_SEC = member('2', [['branch_secretary', '11']]);
const OTHER_BRANCH_SEC = member('3', [['branch_secretary', '12']]);
const GB_SEC = member('4', [['gb_secretary', '10']]);
const OTHER_GB_SEC = member('5', [['gb_secretary', '20']]);
const GB_MEMBER = member('6', [['gb_member', '10']]);
const OD = member('7', [['od_staff', '1']]);
const OTHER_OD = member('8', [['od_staff', '2']]);
const COMMITTEE_SEC = member('9', [['committee_secretary', '1']]);
const LINKED = member('10', [['committee_member', '1']]);
const PEER = member('11');

const facts = (over: Partial<SuggestionFacts> = {}): SuggestionFacts => ({
  writerMemberId: '1',
  committeeId: '1',
  anonymous: false,
  addressee: { kind: 'office', role: 'branch_secretary', organisationId: '11' },
  alsoAnswering: [],
  ...over,
});
const toBranch = facts();
const toBranchAnonymous = facts({ anonymous: true });
const toBranchEscalated = facts({ anonymous: true, alsoAnswering: [{ role: 'gb_secretary', organisationId: '10' }] });
const toLinked = facts({ addressee: { kind: 'person', memberId: '10' } });
const toOdAnonymous = facts({ anonymous: true, addressee: { kind: 'office', role: 'od_staff', organisationId: '1' } });
const toCommitteeSec = facts({ addressee: { kind: 'office', role: 'committee_secretary', organisationId: '1' } });

describe('the access rule of a suggestion', () => {
  // [viewer, suggestion, sees, answers, sees the name]
  const table: Array<[string, Viewer, SuggestionFacts, boolean, boolean, boolean]> = [
    ['writer', WRITER, toBranchAnonymous, true, false, true],
    ['addressed branch secretary', BRANCH_SEC, toBranch, true, true, true],
    ['addressed branch secretary, anonymous', BRANCH_SEC, toBranchAnonymous, true, true, false],
    ['another branch secretary', OTHER_BRANCH_SEC, toBranch, false, false, false],
    ['the GB secretary before escalation', GB_SEC, toBranch, false, false, false],
    ['the GB secretary once escalated, anonymous', GB_SEC, toBranchEscalated, true, true, false],
    ['another GB secretary once escalated', OTHER_GB_SEC, toBranchEscalated, false, false, false],
    ['a GB committee member (sensitive data, but not addressed)', GB_MEMBER, toBranch, false, false, false],
    ['the OD (a member holding od_staff), anonymous', OD, toBranchAnonymous, true, false, true],
    ['the OD tools, anonymous', OD_VIEWER, toBranchAnonymous, true, false, true],
    ['another committee’s OD', OTHER_OD, toBranch, false, false, false],
    ['the committee secretary, not addressed', COMMITTEE_SEC, toBranch, false, false, false],
    ['the committee secretary, addressed', COMMITTEE_SEC, toCommitteeSec, true, true, true],
    ['a committee member, not addressed', LINKED, toBranch, false, false, false],
    ['the linked committee member, addressed', LINKED, toLinked, true, true, true],
    ['the OD addressed anonymously: answers and sees the name', OD, toOdAnonymous, true, true, true],
    ['another member', PEER, toBranch, false, false, false],
    ['the writer holding the addressed office still cannot answer', member('1', [['branch_secretary', '11']]), toBranch, true, false, true],
  ];
  it.each(table)('%s', (_label, viewer, s, sees, answers, named) => {
    expect(maySeeSuggestion(viewer, s)).toBe(sees);
    expect(mayAnswerSuggestion(viewer, s)).toBe(answers);
    expect(seesSuggestionWriter(viewer, s)).toBe(named);
  });
});

describe('state and escalations (filed Monday 30 November 2026, due Monday 7 December)', () => {
  const s: SuggestionDates = { addresseeOffice: 'branch_secretary', generalBranchId: '10', committeeId: '1', filedOn: '2026-11-30', dueOn: '2026-12-07', repliedOn: null };
  it('is overdue only after the due day and while awaiting a reply', () => {
    expect(suggestionState('awaiting_reply', '2026-12-07', '2026-12-07')).toBe('awaiting_reply');
    expect(suggestionState('awaiting_reply', '2026-12-07', '2026-12-08')).toBe('overdue');
    expect(suggestionState('replied', '2026-12-07', '2026-12-20')).toBe('replied');
  });
  it('reaches the GB secretary on 10 December (3 days overdue) and the OD on 14 December (7, the next working day)', () => {
    expect(suggestionEscalations(s, '2026-12-09', calendar)).toEqual([]);
    expect(suggestionEscalations(s, '2026-12-10', calendar)).toEqual([{ step: 'overdue_3', office: { role: 'gb_secretary', organisationId: '10' } }]);
    expect(suggestionEscalations(s, '2026-12-14', calendar).map((e) => e.office)).toEqual([
      { role: 'gb_secretary', organisationId: '10' },
      { role: 'od_staff', organisationId: '1' },
    ]);
  });
  it('a reply before the escalation day means it never was; others go to the OD one level up', () => {
    expect(suggestionEscalations({ ...s, repliedOn: '2026-12-09' }, '2026-12-20', calendar)).toEqual([]);
    expect(suggestionEscalations({ ...s, repliedOn: '2026-12-11' }, '2026-12-20', calendar).map((e) => e.step)).toEqual(['overdue_3']);
    expect(suggestionEscalations({ ...s, addresseeOffice: 'committee_secretary' }, '2026-12-10', calendar)).toEqual([{ step: 'overdue_3', office: { role: 'od_staff', organisationId: '1' } }]);
  });
});

describe('the planner: who gets what on each day', () => {
  const people: Record<string, Recipient> = {
    writer: { member_id: '1', userid: 'writer', name: '吴生日' },
    branchSec: { member_id: '2', userid: 'branchsec', name: '周支书' },
    gbSec: { member_id: '4', userid: 'gbsec', name: '孙总支' },
    od: { member_id: '7', userid: 'od', name: '赵组织' },
  };
  const tree: Record<string, string | null> = { '11': '10', '12': '10', '10': '1', '1': null };
  const names: Record<string, string> = { '11': '教工第一党支部', '12': '教工第二党支部', '10': '计算机学院党总支', '1': '校党委' };
  const officesWith = (holders: Record<string, Recipient[]>): SuggestionOffices => ({
    answering: (role, organisationId) => answeringOffice<Recipient>({ role, organisationId }, (o: Office) => holders[`${o.role}|${o.organisationId}`] ?? [], (id) => tree[id]),
    holdersOf: (role, organisationId) => holders[`${role}|${organisationId}`] ?? [],
    nameOf: (id) => names[id] ?? '',
  });
  const full = officesWith({ 'branch_secretary|11': [people.branchSec!], 'gb_secretary|10': [people.gbSec!], 'od_staff|1': [people.od!] });
  const row = (over: Partial<SuggestionRow> = {}): SuggestionRow => ({
    id: '12',
    writer_member_id: '1',
    writer_name: '吴生日',
    writer_userid: 'writer',
    writer_account: 'writer',
    branch_id: '11',
    branch_name: '教工第一党支部',
    general_branch_id: '10',
    gb_name: '计算机学院党总支',
    committee_id: '1',
    anonymous: false,
    addressee_office: 'branch_secretary',
    addressee_organisation_id: '11',
    addressee_organisation_name: '教工第一党支部',
    addressee_member_id: null,
    addressee_name: null,
    addressee_userid: null,
    addressee_active: null,
    text: '希望支部活动安排在周末',
    filed_at: new Date('2026-11-30T02:00:00Z'),
    filed_on: '2026-11-30',
    due_on: '2026-12-07',
    state: 'awaiting_reply',
    reply: null,
    replied_at: null,
    replied_on: null,
    replied_by_member_id: null,
    replied_by_name: null,
    ...over,
  });
  const plan = (date: string, rows = [row()], offices = full) => planSuggestionNotices(rows, offices, { date, late: false, calendar });
  const who = (date: string, rows = [row()], offices = full) => plan(date, rows, offices).map((n) => `${n.kind}→${n.recipientUserid}`);

  it('reminds the addressee 2 days before (Friday 4 December: the Saturday moves back) and on the due day, with the card', () => {
    expect(who('2026-12-03')).toEqual([]);
    expect(who('2026-12-04')).toEqual(['suggestion_due_soon→branchsec']);
    expect(who('2026-12-07')).toEqual(['suggestion_due_today→branchsec']);
    const [card] = plan('2026-12-07');
    expect(card!.message).toMatchObject({ type: 'card', card: { buttons: [{ text: '回复', actionKey: 'sgreply-12' }] } });
    expect(card!.subject).toBe('suggestion-12');
  });

  it('escalates one level up at +3 working days and tells the writer once; the OD at +7', () => {
    expect(who('2026-12-10')).toEqual(['suggestion_overdue_3→gbsec', 'suggestion_overdue_writer→writer']);
    const writerNotice = plan('2026-12-10').find((n) => n.recipientUserid === 'writer')!;
    expect(writerNotice.message).toMatchObject({ content: expect.stringContaining('已报计算机学院党总支书记督办') });
    expect(who('2026-12-14')).toEqual(['suggestion_overdue_7→od']);
    expect(who('2026-12-11')).toEqual([]);
  });

  it('a vacant branch office: the GB secretary is reminded as the stand-in; the escalation goes to the OD when the GB is vacant too', () => {
    const noBranch = officesWith({ 'gb_secretary|10': [people.gbSec!], 'od_staff|1': [people.od!] });
    expect(who('2026-12-07', [row()], noBranch)).toEqual(['suggestion_due_today→gbsec']);
    expect(JSON.stringify(plan('2026-12-07', [row()], noBranch)[0]!.message)).toContain('教工第一党支部暂无支部书记，由您代为答复');
    const onlyOd = officesWith({ 'od_staff|1': [people.od!] });
    expect(who('2026-12-10', [row()], onlyOd)).toEqual(['suggestion_overdue_3→od', 'suggestion_overdue_writer→writer']);
  });

  it('an anonymous writer is 一名党员 in the reminders and escalations, never named', () => {
    const anonymous = [row({ anonymous: true })];
    for (const date of ['2026-12-04', '2026-12-07', '2026-12-10', '2026-12-14']) {
      for (const n of plan(date, anonymous)) {
        if (n.recipientUserid === 'writer') continue;
        const said = JSON.stringify(n.message);
        expect(said).not.toContain('吴生日');
        expect(said).toContain('一名党员');
      }
    }
  });

  it('a long text comes in full before the card', () => {
    const long = '希望'.repeat(60);
    expect(who('2026-12-07', [row({ text: long })])).toEqual(['suggestion_due_today_text→branchsec', 'suggestion_due_today→branchsec']);
  });

  it('a linked committee member is reminded in person; a suggestion to them escalates to the OD', () => {
    const linked = [row({ addressee_office: 'linked_committee_member', addressee_organisation_id: '1', addressee_member_id: '9', addressee_name: '钱委员', addressee_userid: 'qian' })];
    expect(who('2026-12-07', linked)).toEqual(['suggestion_due_today→qian']);
    expect(who('2026-12-10', linked)).toEqual(['suggestion_overdue_3→od', 'suggestion_overdue_writer→writer']);
  });

  it('a linked committee member who has left is not reminded: the OD answers for them; a writer who has left is told nothing', () => {
    const left = [row({ addressee_office: 'linked_committee_member', addressee_organisation_id: '1', addressee_member_id: '9', addressee_name: '钱委员', addressee_userid: null, addressee_active: false, writer_userid: null })];
    expect(who('2026-12-07', left)).toEqual(['suggestion_due_today→od']);
    expect(who('2026-12-10', left)).toEqual(['suggestion_overdue_3→od']);
  });
});

describe('党员权利帮助', () => {
  it('is one message for every office and lists 待回复的建议 only to leaders', () => {
    for (const roles of [['member'], ['branch_secretary', 'member'], ['gb_secretary', 'member'], ['od_staff', 'member']] as const) {
      expect(Buffer.byteLength(voiceHelpFor('欧阳晓明', roles))).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
    }
    expect(voiceHelpFor('吴生日', ['member'])).toContain('意见建议：');
    expect(voiceHelpFor('吴生日', ['member'])).not.toContain('待回复的建议');
    expect(voiceHelpFor('周支书', ['branch_secretary', 'member'])).toContain('「待回复的建议」');
    const replies = routeInbound({ kind: 'text', userId: 'wushengri', text: '党员权利帮助', msgId: '1', createTime: 0 } as never, { localDate: '2026-11-30', sender: { name: '吴生日', roleCodes: ['member'] } });
    expect(replies[0]!.message).toMatchObject({ type: 'text', content: expect.stringMatching(/^【党员权利帮助】/u) });
  });
});
