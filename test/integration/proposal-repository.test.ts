// Delegates' proposals in the database (issue 14 section 3), on PostgreSQL and PGlite: each step moves the state once
// (a second register, decline or answer changes nothing), the table refuses inconsistent rows, the reads join the
// delegate's place and the assignee, and the sweep's planner reminds and escalates from them.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProposalRepository } from '../../src/db/proposal-repository.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { proposalReminders } from '../../src/notices/planners/proposals.ts';
import type { PlanContext } from '../../src/notices/planner.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';

const AT = new Date('2026-12-01T02:00:00Z');

describe.each(DB_KINDS)('proposals on %s', (kind) => {
  let t: TestDb;
  const ids: Record<string, string> = {};
  let committee = '';
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await importCareRoster(t.db);
    for (const m of await t.db.selectFrom('members').select(['id', 'userid']).execute()) if (m.userid) ids[m.userid] = m.id;
    committee = (await t.db.selectFrom('organisations').select('id').where('kind', '=', 'committee').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => t.drop());

  const ctx = (date: string): PlanContext => ({ date, late: false, birthdayBasis: 'join_date', holidayListDaysBefore: 14, calendar: chineseWorkingDayCalendar() });

  it('steps move the state once; reads join the delegate and the assignee', async () => {
    const repo = new ProposalRepository(t.db);
    const id = await repo.insert({ committeeId: committee, delegateMemberId: ids['wushengri']!, text: '关于食堂的建议', filedOn: '2026-12-01', at: AT });
    expect(await repo.answer(id, { text: '太早', at: AT, by: null })).toBe(false);
    expect(await repo.register(id, { on: '2026-12-01', at: AT, dueOn: '2026-12-31', by: ids['zhaozuzhi']! })).toBe(true);
    expect(await repo.register(id, { on: '2026-12-02', at: AT, dueOn: '2027-01-01', by: null })).toBe(false);
    expect(await repo.decline(id, { reason: '晚了', at: AT, by: null })).toBe(false);
    expect(await repo.assign(id, { memberId: ids['zhenglao']!, office: null, at: AT })).toBe(true);
    const row = (await repo.byId(id))!;
    expect(row).toMatchObject({ state: 'registered', due_on: '2026-12-31', registered_on: '2026-12-01', delegate_name: '吴生日', gb_name: '计算机学院党总支', branch_name: '教工第一党支部', assignee_name: '郑老党员', assignee_userid: 'zhenglao' });
    expect((await repo.assignedTo(ids['zhenglao']!, true, 10)).map((p) => p.id)).toEqual([id]);
    expect((await repo.ofDelegate(ids['wushengri']!, 10)).map((p) => p.id)).toEqual([id]);
    expect((await repo.open()).map((p) => p.id)).toEqual([id]);

    // The sweep: the assignee two days before and on the due day; the OD (and the delegate once) when overdue.
    const plan = async (date: string) => (await proposalReminders.plan(t.db, ctx(date))).map((n) => `${n.kind}:${n.recipientUserid}`);
    expect(await plan('2026-12-28')).toEqual([]);
    expect(await plan('2026-12-29')).toEqual(['proposal_due_soon:zhenglao']);
    expect(await plan('2026-12-31')).toEqual(['proposal_due_today:zhenglao']);
    expect(await plan('2027-01-04')).toEqual(['proposal_overdue_3:zhaozuzhi', 'proposal_overdue_delegate:wushengri']);
    expect(await plan('2027-01-07')).toEqual(['proposal_overdue_7:zhaozuzhi']);
    // Assigned to an office outside the roster: the OD is reminded in the assignee's place.
    expect(await repo.assign(id, { memberId: null, office: '后勤处', at: AT })).toBe(true);
    expect(await plan('2026-12-29')).toEqual(['proposal_due_soon:zhaozuzhi']);

    expect(await repo.answer(id, { text: '已增设窗口', at: AT, by: null })).toBe(true);
    expect(await repo.answer(id, { text: '再答复', at: AT, by: null })).toBe(false);
    expect((await repo.byId(id))!.answer).toBe('已增设窗口');
    expect(await repo.open()).toEqual([]);
    expect(await plan('2027-01-07')).toEqual([]);
  });

  it('the table refuses an answered proposal without an answer and a declined one without a reason', async () => {
    const repo = new ProposalRepository(t.db);
    const id = await repo.insert({ committeeId: committee, delegateMemberId: ids['wushengri']!, text: '关于图书馆的建议', filedOn: '2026-12-01', at: AT });
    await expect(sql`update proposals set state = 'declined' where id = ${id}::bigint`.execute(t.db)).rejects.toThrow();
    await expect(sql`update proposals set state = 'answered' where id = ${id}::bigint`.execute(t.db)).rejects.toThrow();
    await expect(sql`update proposals set assignee_member_id = ${ids['zhenglao']!}::bigint, assignee_office = '后勤处' where id = ${id}::bigint`.execute(t.db)).rejects.toThrow();
    expect(await repo.decline(id, { reason: '与学校工作无关', at: AT, by: null })).toBe(true);
    expect((await repo.byId(id))!.state).toBe('declined');
  });

  it('an assignee who has left passes the reminders to the OD; the export still names them by account', async () => {
    const repo = new ProposalRepository(t.db);
    const id = await repo.insert({ committeeId: committee, delegateMemberId: ids['wushengri']!, text: '关于校车的建议', filedOn: '2026-12-01', at: AT });
    await repo.register(id, { on: '2026-12-01', at: AT, dueOn: '2026-12-31', by: null });
    await repo.assign(id, { memberId: ids['wangjinnian']!, office: null, at: AT });
    const plan = async (date: string) => (await proposalReminders.plan(t.db, ctx(date))).map((n) => `${n.kind}:${n.recipientUserid}`);
    expect(await plan('2026-12-29')).toEqual(['proposal_due_soon:wangjinnian']);
    await sql`update members set status = 'transferred_out', status_changed_on = '2026-12-02' where id = ${ids['wangjinnian']!}::bigint`.execute(t.db);
    expect(await plan('2026-12-29')).toEqual(['proposal_due_soon:zhaozuzhi']);
    expect((await repo.byId(id))).toMatchObject({ assignee_userid: null, assignee_account: 'wangjinnian' });
    await repo.answer(id, { text: '已办', at: AT, by: null });
  });

  it('finds members by name in the committee, and the OD’s holders', async () => {
    const repo = new ProposalRepository(t.db);
    expect((await repo.membersNamed(committee, '郑老党员')).map((m) => m.userid)).toEqual(['zhenglao']);
    expect(await repo.membersNamed(committee, '后勤处')).toEqual([]);
    expect((await repo.odHolders(committee)).map((h) => h.userid)).toEqual(['zhaozuzhi']);
    expect((await repo.exportChunk({ afterId: '0', limit: 10, from: '2026-12-02' })).length).toBe(0);
    expect((await repo.exportChunk({ afterId: '0', limit: 10, from: '2026-12-01', to: '2026-12-01' })).length).toBe(3);
  });
});
