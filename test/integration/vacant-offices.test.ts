// Issue 11, point 7, against a real database (PostgreSQL and PGlite): a branch without a secretary gets its
// birthday list, evaluation nudge and obligation reminders through its GB secretary (and its escalation goes one
// level above him); a GB without one passes to the OD; the OD is told once which offices are vacant, and again
// only when a new vacancy appears; a 待办 includes what a vacant office below passes up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { decideNotices, runSweep, type SweepDeps } from '../../src/notices/sweep.ts';
import { reportTrigger } from '../../src/care/obligations.ts';
import { OfficeRepository } from '../../src/db/office-repository.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';

/** 教工第二党支部 of the computer-science GB has members and no secretary. */
const SECOND_BRANCH = [
  '冯二支,fenger,男,1950-01-01,1970-11-05,1971-11-05,计算机学院党总支,教工第二党支部,,,',
  '蒋二支,jianger,女,1988-08-08,2012-07-01,2013-07-01,计算机学院党总支,教工第二党支部,,,',
];

describe.each(DB_KINDS)('vacant offices on %s (issue 11, point 7)', (kind) => {
  let db: TestDb;
  let now: Date;
  const deps = (): SweepDeps => sweepTestDeps(db.db, () => now);
  const id = async (u: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', u).executeTakeFirstOrThrow()).id;
  const org = async (name: string) => (await db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const vacancyNotices = () => db.db.selectFrom('notices').select(['recipient_member_id', 'period']).where('kind', '=', 'office_vacancies').orderBy('id').execute();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db, [...CARE_ROWS, ...SECOND_BRANCH]);
  });
  afterAll(() => db.drop());

  it('the birthday list of a branch without a secretary goes to its GB secretary, saying why', async () => {
    const list = (await decideNotices({ db: db.db }, '2026-11-02', false)).filter((n) => n.kind === 'birthday_month_list');
    const secondId = await org('教工第二党支部');
    const second = list.filter((n) => n.subject === `branch-${secondId}`);
    expect(second.map((n) => n.recipientUserid)).toEqual(['sunzongzhi']);
    const text = JSON.stringify(second[0]!.message);
    expect(text).toContain('冯二支');
    expect(text).toContain('教工第二党支部暂无支部书记，此项工作由您代为安排');
    // The branch that has a secretary: to him, with no such line.
    const first = list.find((n) => n.recipientUserid === 'zhouzhishu')!;
    expect(JSON.stringify(first.message)).not.toContain('暂无');
  });

  it('the year-end nudge of that branch goes to the GB secretary too', async () => {
    const nudges = (await decideNotices({ db: db.db }, '2026-12-01', false)).filter((n) => n.kind === 'year_end_eval_nudge');
    const secondId = await org('教工第二党支部');
    expect(nudges.filter((n) => n.subject === `branch-${secondId}`).map((n) => n.recipientUserid)).toEqual(['sunzongzhi']);
  });

  it('an obligation of the vacant branch is reminded to the GB secretary and escalated to the OD', async () => {
    const fen = await id('fenger');
    const report = await db.db.transaction().execute((trx) =>
      reportTrigger(trx, { memberId: fen, reason: 'hospitalised', occurredOn: '2026-11-25', note: '', reportedBy: fen, today: '2026-11-25', reportedAt: new Date('2026-11-25T02:00:00Z') }),
    );
    const ob = report.obligations[0]!;
    expect(ob).toMatchObject({ dueOn: '2026-12-02', owner: { role: 'branch_secretary' } });
    const on = async (day: string) => (await decideNotices({ db: db.db }, day, false)).filter((n) => n.subject === `obligation-${ob.id}`);
    const soon = await on('2026-11-30');
    expect(soon.map((n) => [n.kind, n.recipientUserid])).toEqual([['obligation_due_soon', 'sunzongzhi']]);
    expect(JSON.stringify(soon[0]!.message)).toContain('教工第二党支部暂无支部书记，由您代办');
    // Overdue by 3 days: one level above the GB secretary who answered for the branch — the OD.
    expect((await on('2026-12-07')).map((n) => [n.kind, n.recipientUserid])).toEqual([['obligation_overdue_3', 'zhaozuzhi']]);
  });

  it('the OD is told once which offices are vacant, and again only when a new vacancy appears', async () => {
    now = new Date('2026-11-26T00:50:00Z');
    await runSweep(deps(), '2026-11-26');
    const told = await vacancyNotices();
    expect(told).toEqual([{ recipient_member_id: await id('zhaozuzhi'), period: 'since-2026-11-26' }]);
    const delivery = await db.db.selectFrom('deliveries').select('message').where('idempotency_key', '=', `notice-${(await db.db.selectFrom('notices').select('id').where('kind', '=', 'office_vacancies').executeTakeFirstOrThrow()).id}`).executeTakeFirstOrThrow();
    const text = JSON.stringify(delivery.message);
    expect(text).toContain('计算机学院党总支教工第二党支部（暂无支部书记，新发现）');
    expect(text).toContain('机关党总支（暂无党总支书记，新发现）');
    expect(text).not.toContain('教工第一党支部');

    // The next days find the same vacancies: nothing more.
    now = new Date('2026-11-27T00:50:00Z');
    await runSweep(deps(), '2026-11-27');
    expect(await vacancyNotices()).toHaveLength(1);

    // 教工第二党支部 gets a secretary; the maths branch loses its own (褚支书 keeps the GB): a new vacancy, told.
    const rows = CARE_ROWS.map((r) => (r.startsWith('褚支书') ? r.replace('支部书记;党总支书记', '党总支书记') : r));
    await importCareRoster(db.db, [...rows, SECOND_BRANCH[0]!.replace(',,,', ',支部书记,,'), SECOND_BRANCH[1]!]);
    now = new Date('2026-11-30T00:50:00Z');
    await runSweep(deps(), '2026-11-30');
    const again = await vacancyNotices();
    expect(again.map((n) => n.period)).toEqual(['since-2026-11-26', 'since-2026-11-30']);
    const open = await new OfficeRepository(db.db).openVacancies();
    expect(open.map((v) => `${v.name}|${v.since}`).sort()).toEqual(['党政办公室党支部|2026-11-26', '教工党支部|2026-11-30', '机关党总支|2026-11-26', '组织人事党支部|2026-11-26']);
  });

  it('a 待办 holds what a vacant office below passes up: the GB secretary the vacant branch\'s, the OD the vacant GB\'s', async () => {
    const repo = new OfficeRepository(db.db);
    const maths = await org('数学学院党总支');
    const mathsBranch = await org('教工党支部');
    expect(await repo.officesPassedTo([`gb_secretary|${maths}`])).toEqual([`branch_secretary|${mathsBranch}`]);
    const committee = (await db.db.selectFrom('organisations').select('id').where('kind', '=', 'committee').executeTakeFirstOrThrow()).id;
    const passed = await repo.officesPassedTo([`od_staff|${committee}`]);
    expect(passed.sort()).toEqual([`branch_secretary|${await org('党政办公室党支部')}`, `branch_secretary|${await org('组织人事党支部')}`, `gb_secretary|${await org('机关党总支')}`].sort());
  });
});
