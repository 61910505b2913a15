// Who owes, and what closes it (issue 11 points 1–3, 5, 6; MECHANISM 2.2 "Closing an obligation"): which open
// obligation a recorded talk or visit fulfils, who may fulfil an office's obligation, who gets the task card, and
// that nobody owes themselves. Pure: table tests over a small fictional committee.
import { describe, expect, it } from 'vitest';
import { mayFulfilObligation, type AccessPerson, type HeldOffice, type MemberPlace } from '../../src/domain/access.ts';
import { fulfilledBy, fulfils, ownerOtherThanMember, taskCardOffices, type OfficeAt, type OpenObligationFacts, type RecordFacts } from '../../src/domain/fulfilment.ts';
import { parseYesNo } from '../../src/roster/parse.ts';
import { matchOdCommand } from '../../src/conversation/od-commands.ts';

// Committee C; general branches G1 (branches B1, B2) and G2 (branch B3).
const member: MemberPlace = { memberId: 'm', branchId: 'B1', generalBranchId: 'G1', committeeId: 'C' };
const person = (memberId: string, roles: HeldOffice[], where: Partial<AccessPerson> = {}): AccessPerson => ({
  memberId,
  branchId: 'B1',
  generalBranchId: 'G1',
  committeeId: 'C',
  roles,
  linkedGeneralBranchIds: [],
  ...where,
});
const P = {
  branchSecretary: person('bs', [{ role: 'branch_secretary', organisationId: 'B1' }]),
  otherBranchSecretary: person('bs2', [{ role: 'branch_secretary', organisationId: 'B2' }], { branchId: 'B2' }),
  gbSecretary: person('gs', [{ role: 'gb_secretary', organisationId: 'G1' }]),
  unitLeader: person('ul', [{ role: 'unit_leader', organisationId: 'G1' }]),
  gbMember: person('gm', [{ role: 'gb_member', organisationId: 'G1' }]),
  otherGbSecretary: person('gs2', [{ role: 'gb_secretary', organisationId: 'G2' }], { branchId: 'B3', generalBranchId: 'G2' }),
  committeeSecretary: person('cs', [{ role: 'committee_secretary', organisationId: 'C' }]),
  linkedCommitteeMember: person('cm', [{ role: 'committee_member', organisationId: 'C' }], { linkedGeneralBranchIds: ['G1'] }),
  unlinkedCommitteeMember: person('cm2', [{ role: 'committee_member', organisationId: 'C' }], { linkedGeneralBranchIds: ['G2'] }),
  od: person('od', [{ role: 'od_staff', organisationId: 'C' }]),
  plain: person('p', []),
};
type Who = keyof typeof P;

const ob = (o: Partial<OpenObligationFacts>): OpenObligationFacts => ({
  id: '1',
  kind: 'visit',
  source: 'trigger',
  reason: 'hospitalised',
  ownerMemberId: null,
  ownerRole: 'branch_secretary',
  ownerOrganisationId: 'B1',
  openedOn: '2026-11-20',
  period: null,
  member,
  ...o,
});
const rec = (r: Partial<RecordFacts>): RecordFacts => ({ kind: 'visit', reason: 'hospitalised', memberId: 'm', leaderMemberId: 'x', happenedOn: '2026-11-26', ...r });

const branchVisit = ob({});
const gbTalk = ob({ kind: 'talk', reason: 'job_change', ownerRole: 'gb_secretary', ownerOrganisationId: 'G1' });
const odVisit = ob({ ownerRole: 'od_staff', ownerOrganisationId: 'C' });
const holidayVisit = ob({ source: 'holiday', reason: 'holiday' });

describe('who may fulfil an office’s obligation: the owning office or above (access.ts mayFulfilObligation)', () => {
  const table: Array<[Who, boolean, boolean, boolean]> = [
    // who                    branch visit, GB talk, OD's own visit
    ['branchSecretary', true, false, false],
    ['otherBranchSecretary', false, false, false],
    ['gbSecretary', true, true, false],
    ['unitLeader', true, true, false],
    ['gbMember', false, false, false],
    ['otherGbSecretary', false, false, false],
    ['committeeSecretary', true, true, false],
    ['linkedCommitteeMember', true, true, false],
    ['unlinkedCommitteeMember', false, false, false],
    ['od', true, true, true],
    ['plain', false, false, false],
  ];
  it.each(table)('%s: branch visit %s, GB talk %s, OD visit %s', (who, visit, talk, odOwn) => {
    expect(mayFulfilObligation(P[who], branchVisit)).toBe(visit);
    expect(mayFulfilObligation(P[who], gbTalk)).toBe(talk);
    expect(mayFulfilObligation(P[who], odVisit)).toBe(odOwn);
  });

  it('a person-owned obligation is its owner’s alone', () => {
    const quota = { ...gbTalk, ownerMemberId: 'bs', ownerRole: null, ownerOrganisationId: null };
    expect(mayFulfilObligation(P.branchSecretary, quota)).toBe(true);
    expect(mayFulfilObligation(P.od, quota)).toBe(false);
  });
});

describe('what a record fulfils (domain/fulfilment.ts fulfils)', () => {
  it.each<[string, RecordFacts, OpenObligationFacts, Who, boolean]>([
    ['the branch secretary’s visit for the trigger closes the branch’s visit', rec({}), branchVisit, 'branchSecretary', true],
    ['the GB secretary’s visit closes it too (the GB co-owns visits)', rec({}), branchVisit, 'gbSecretary', true],
    ['a visit for another reason does not', rec({ reason: 'bereavement' }), branchVisit, 'branchSecretary', false],
    ['a visit about another member does not', rec({ memberId: 'n' }), branchVisit, 'branchSecretary', false],
    ['a talk does not close a visit', rec({ kind: 'talk' }), branchVisit, 'branchSecretary', false],
    ['a visit made before the obligation opened does not', rec({ happenedOn: '2026-11-19' }), branchVisit, 'branchSecretary', false],
    ['a visit on the day it opened does', rec({ happenedOn: '2026-11-20' }), branchVisit, 'branchSecretary', true],
    ['a branch secretary’s routine talk never discharges the GB’s 五必谈 talk', rec({ kind: 'talk', reason: 'routine' }), gbTalk, 'branchSecretary', false],
    ['nor their talk for the trigger', rec({ kind: 'talk', reason: 'job_change' }), gbTalk, 'branchSecretary', false],
    ['the GB secretary’s routine talk does not close it either', rec({ kind: 'talk', reason: 'routine' }), gbTalk, 'gbSecretary', false],
    ['the GB secretary’s talk for the trigger does', rec({ kind: 'talk', reason: 'job_change' }), gbTalk, 'gbSecretary', true],
    ['the unit’s main Party leader’s does', rec({ kind: 'talk', reason: 'job_change' }), gbTalk, 'unitLeader', true],
    ['a linked committee member’s does', rec({ kind: 'talk', reason: 'job_change' }), gbTalk, 'linkedCommitteeMember', true],
    ['the committee secretary’s does', rec({ kind: 'talk', reason: 'job_change' }), gbTalk, 'committeeSecretary', true],
    ['a GB committee member’s does not', rec({ kind: 'talk', reason: 'job_change' }), gbTalk, 'gbMember', false],
    ['a branch visit never closes the OD’s own visit', rec({}), odVisit, 'branchSecretary', false],
    ['nor a GB visit', rec({}), odVisit, 'gbSecretary', false],
    ['the OD’s visit closes it', rec({}), odVisit, 'od', true],
    ['`holiday` closes the holiday visit', rec({ reason: 'holiday' }), holidayVisit, 'branchSecretary', true],
    ['a trigger visit does not close the holiday visit', rec({ reason: 'hospitalised' }), holidayVisit, 'branchSecretary', false],
    ['a holiday visit does not close a trigger visit', rec({ reason: 'holiday' }), branchVisit, 'branchSecretary', false],
    ['a holiday visit by another branch’s secretary does not', rec({ reason: 'holiday' }), holidayVisit, 'otherBranchSecretary', false],
    ['a holiday visit before the list was sent does not', rec({ reason: 'holiday', happenedOn: '2026-11-01' }), holidayVisit, 'branchSecretary', false],
  ])('%s', (_what, record, obligation, by, expected) => {
    expect(fulfils(record, obligation, P[by])).toBe(expected);
  });

  it('any talk between the two people closes their quota of that year, whoever owns it and whatever the reason', () => {
    const quota = ob({ kind: 'talk', source: 'quota', reason: 'routine', ownerMemberId: 'bs', ownerRole: null, ownerOrganisationId: null, period: '2026', openedOn: '2026-12-01' });
    expect(fulfils(rec({ kind: 'talk', reason: 'routine', leaderMemberId: 'bs' }), quota, P.branchSecretary)).toBe(true);
    expect(fulfils(rec({ kind: 'talk', reason: 'job_change', leaderMemberId: 'bs' }), quota, P.branchSecretary)).toBe(true);
    // Recorded by the member with the secretary: the same pair.
    expect(fulfils(rec({ kind: 'talk', memberId: 'bs', leaderMemberId: 'm' }), quota, P.plain)).toBe(true);
    expect(fulfils(rec({ kind: 'talk', leaderMemberId: 'gs' }), quota, P.gbSecretary)).toBe(false);
    expect(fulfils(rec({ kind: 'talk', leaderMemberId: 'bs', happenedOn: '2025-12-30' }), quota, P.branchSecretary)).toBe(false);
  });

  it('派人: the one who sent the visitor answers for it — the visit closes the sender’s obligation', () => {
    // 李明 (a plain member, the leader of the record) was sent by the branch secretary, the writer.
    expect(fulfils(rec({ leaderMemberId: 'p' }), branchVisit, P.branchSecretary)).toBe(true);
    expect(fulfils(rec({ leaderMemberId: 'bs' }), branchVisit, P.plain)).toBe(false);
  });

  it('fulfilledBy picks the ids: an OD visit to an outstanding contributor closes the OD’s and the branch’s', () => {
    const open = [branchVisit, { ...odVisit, id: '2' }, { ...gbTalk, id: '3' }];
    expect(fulfilledBy(rec({}), open, P.od)).toEqual(['1', '2']);
    expect(fulfilledBy(rec({}), open, P.branchSecretary)).toEqual(['1']);
  });
});

describe('who owes and who is told (issue 11 points 2, 3, 6)', () => {
  it('task cards: the GB talk to its secretary and the unit’s main Party leader; the branch visit to the branch and the GB secretary', () => {
    expect(taskCardOffices('talk', { role: 'gb_secretary', scope: 'general_branch' }).map((o) => o.role)).toEqual(['gb_secretary', 'unit_leader']);
    expect(taskCardOffices('visit', { role: 'branch_secretary', scope: 'branch' }).map((o) => o.role)).toEqual(['branch_secretary', 'gb_secretary']);
    expect(taskCardOffices('visit', { role: 'od_staff', scope: 'committee' }).map((o) => o.role)).toEqual(['od_staff']);
  });

  const holders = (table: Partial<Record<OfficeAt['role'], string[]>>) => (o: OfficeAt) => table[o.role] ?? [];
  it.each<[string, 'talk' | 'visit', OfficeAt['role'], Partial<Record<OfficeAt['role'], string[]>>, string]>([
    ['a member’s visit stays with their branch', 'visit', 'branch_secretary', { branch_secretary: ['bs'], gb_secretary: ['gs'] }, 'branch_secretary'],
    ['a hospitalised branch secretary: the GB owes the visit', 'visit', 'branch_secretary', { branch_secretary: ['m'], gb_secretary: ['gs'] }, 'gb_secretary'],
    ['a branch with two secretaries: the other one owes it', 'visit', 'branch_secretary', { branch_secretary: ['m', 'bs'] }, 'branch_secretary'],
    ['a branch secretary who is GB secretary too: the OD', 'visit', 'branch_secretary', { branch_secretary: ['m'], gb_secretary: ['m'], od_staff: ['od'] }, 'od_staff'],
    ['a vacant branch is kept (its notices pass up on their own)', 'visit', 'branch_secretary', { gb_secretary: ['gs'] }, 'branch_secretary'],
    ['a GB secretary’s job change: the unit’s main Party leader co-owns it, so the GB keeps it', 'talk', 'gb_secretary', { gb_secretary: ['m'], unit_leader: ['ul'] }, 'gb_secretary'],
    ['a GB secretary’s job change with no unit leader: the OD owes the talk', 'talk', 'gb_secretary', { gb_secretary: ['m'], od_staff: ['od'] }, 'od_staff'],
    ['the OD owes its own visit even to one of its own (nothing above it)', 'visit', 'od_staff', { od_staff: ['m'] }, 'od_staff'],
  ])('%s', (_what, kind, planned, table, owner) => {
    const scope = planned === 'branch_secretary' ? 'branch' : planned === 'gb_secretary' ? 'general_branch' : 'committee';
    expect(ownerOtherThanMember(kind, { role: planned, scope } as never, 'm', holders(table)).role).toBe(owner);
  });
});

describe('突出贡献 (issue 11 point 5)', () => {
  it('the roster cell reads 是/否; empty keeps what the database has; anything else is refused', () => {
    expect(['是', 'Y', 'yes', 'TRUE', '1'].map(parseYesNo)).toEqual([true, true, true, true, true]);
    expect(['否', 'n', 'No', 'false', '0'].map(parseYesNo)).toEqual([false, false, false, false, false]);
    expect(parseYesNo('  ')).toBeNull();
    expect(parseYesNo('可能')).toBeUndefined();
  });

  it('the OD’s chat command', () => {
    expect(matchOdCommand('设为突出贡献：张三')).toEqual({ kind: 'outstanding', set: true, names: ['张三'] });
    expect(matchOdCommand('设为突出贡献党员：张三、李四同志，zhangwei02。')).toEqual({ kind: 'outstanding', set: true, names: ['张三', '李四', 'zhangwei02'] });
    expect(matchOdCommand('取消突出贡献：张三')).toEqual({ kind: 'outstanding', set: false, names: ['张三'] });
    expect(matchOdCommand('撤销突出贡献标记:张三')).toEqual({ kind: 'outstanding', set: false, names: ['张三'] });
    expect(matchOdCommand('张三是突出贡献党员吗')).toBeUndefined();
    expect(matchOdCommand('设为突出贡献：')).toBeUndefined();
  });
});
