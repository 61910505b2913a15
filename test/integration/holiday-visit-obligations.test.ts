// Issue 11, point 12, against a real database (PostgreSQL and PGlite): before Spring Festival each member a branch
// owes a holiday visit (in hardship, or old; with or without a chat account) becomes an obligation of the branch,
// due on the holiday and opened when the list goes out; only a holiday visit from that day closes it; the 3-day
// reminder names only the obligations still open, the OD's summary counts those done, and it escalates — one
// message per branch — like any other obligation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { decideNotices, runSweep, type SweepDeps } from '../../src/notices/sweep.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import type { RecordFacts } from '../../src/domain/fulfilment.ts';
import { closeFulfilled } from '../../src/care/obligations.ts';
import { ObligationRepository } from '../../src/db/obligation-repository.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { noticesDueOn, DEFAULT_SCHEDULE_SETTINGS } from '../../src/domain/schedule.ts';
import { reminderDays } from '../../src/domain/obligations.ts';
import { addDays } from '../../src/domain/dates.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';

type RecordReason = RecordFacts['reason'];
const HOLIDAY = '2027-02-06';
const EXTRA = [
  // An old member without a chat account: owed a visit all the same.
  '钱老无号,,男,1935-01-01,1958-01-01,1959-01-01,计算机学院党总支,教工第一党支部,,,',
  // An old member of a branch without a secretary: the GB secretary gets that branch's list.
  '冯二支,fenger,男,1940-01-01,1965-11-05,1966-11-05,计算机学院党总支,教工第二党支部,,,',
];

describe.each(DB_KINDS)('holiday visits are obligations on %s (issue 11, point 12)', (kind) => {
  let db: TestDb;
  let now: Date;
  const deps = (): SweepDeps => sweepTestDeps(db.db, () => now);
  const id = async (name: string) => (await db.db.selectFrom('members').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const holidayObligations = () =>
    db.db.selectFrom('care_obligations as o').innerJoin('members as m', 'm.id', 'o.member_id').select(['o.id', 'm.name', 'o.status', 'o.due_on', 'o.opened_on', 'o.owner_role', 'o.reason']).where('o.source', '=', 'holiday').orderBy('m.name').execute();
  const visit = async (name: string, on: string, reason: string) => {
    const [member, zhou] = [await id(name), await id('周支书')];
    const rec = await db.db.insertInto('care_records').values({ kind: 'visit', leader_member_id: zhou, member_id: member, happened_on: on, reason, recorded_by_member_id: zhou, obligation_id: null, undone_at: null }).returning('id').executeTakeFirstOrThrow();
    return db.db.transaction().execute(async (trx) =>
      closeFulfilled(trx, { id: rec.id, kind: 'visit', reason: reason as RecordReason, leaderMemberId: zhou, memberId: member, happenedOn: on }, (await loadAccessPerson(trx, zhou))!, new Date(`${on}T06:00:00Z`)),
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db, [...CARE_ROWS, ...EXTRA]);
    await db.db.insertInto('hardship_registry').values({ member_id: await id('吴生日'), causes: ['illness'], status: 'approved', source: 'self', decided_at: null }).execute();
  });
  afterAll(() => db.drop());

  it('the list day opens one obligation per member owed a visit, due on the holiday, once', async () => {
    // Spring Festival 2027 is 6 February; the list goes on Friday 22 January.
    now = new Date('2027-01-22T00:50:00Z');
    expect(await holidayObligations()).toEqual([]);
    await runSweep(deps(), '2027-01-22');
    await runSweep(deps(), '2027-01-22');
    const obs = await holidayObligations();
    expect(obs.map((o) => o.name)).toEqual(['冯二支', '吴生日', '郑老党员', '钱老无号'].sort());
    for (const o of obs) expect(o).toMatchObject({ status: 'open', due_on: HOLIDAY, opened_on: '2027-01-22', owner_role: 'branch_secretary', reason: 'holiday' });
    // The lists: each branch's to its secretary, the branch without one to the GB secretary; in Chinese.
    const lists = await db.db.selectFrom('notices').select(['recipient_member_id', 'subject']).where('kind', '=', 'holiday_visit_list').execute();
    expect(lists.map((l) => l.recipient_member_id).sort()).toEqual([await id('周支书'), await id('孙总支')].sort());
    const planned = (await decideNotices({ db: db.db }, '2027-01-22', false)).filter((n) => n.kind === 'holiday_visit_list');
    expect(JSON.stringify(planned.find((n) => n.recipientUserid === 'zhouzhishu')!.message)).toContain('春节走访慰问名单');
    expect(JSON.stringify(planned.find((n) => n.recipientUserid === 'zhouzhishu')!.message)).toContain('钱老无号（老党员）');
    // Each visit owed is remembered for the secretary, so “已完成” can refer to it.
    expect(planned.find((n) => n.recipientUserid === 'zhouzhishu')!.remember).toHaveLength(3);
  });

  it('they show in the branch\'s 待办', async () => {
    const branch = (await db.db.selectFrom('organisations').select('id').where('name', '=', '教工第一党支部').executeTakeFirstOrThrow()).id;
    const todo = await new ObligationRepository(db.db).openFor(await id('周支书'), [`branch_secretary|${branch}`]);
    expect(todo.filter((t) => t.reason === 'holiday').map((t) => t.name).sort()).toEqual(['吴生日', '郑老党员', '钱老无号'].sort());
  });

  it('only a holiday visit made from the day the list went out closes it', async () => {
    expect(await visit('郑老党员', '2027-01-20', 'holiday')).toEqual([]); // before the list
    expect(await visit('郑老党员', '2027-01-25', 'hospitalised')).toEqual([]); // another reason
    expect(await visit('郑老党员', '2027-01-25', 'holiday')).toHaveLength(1);
    expect((await holidayObligations()).find((o) => o.name === '郑老党员')!.status).toBe('done');
  });

  it('the 3-day reminder names only those not visited; no per-member reminder cards', async () => {
    const reminder = (await decideNotices({ db: db.db }, '2027-02-03', false)).filter((n) => n.kind === 'holiday_visit_reminder');
    const zhou = reminder.find((n) => n.recipientUserid === 'zhouzhishu')!;
    const text = JSON.stringify(zhou.message);
    expect(text).toContain('以下 2 名同志尚未走访');
    expect(text).toContain('吴生日');
    expect(text).not.toContain('郑老党员');
    const steps = (await decideNotices({ db: db.db }, '2027-02-04', false)).filter((n) => n.kind.startsWith('obligation_'));
    expect(steps).toEqual([]);
  });

  it('the OD\'s summary after the holiday counts the obligations done', async () => {
    const cal = chineseWorkingDayCalendar();
    let day = addDays(HOLIDAY, 1);
    while (!noticesDueOn(day, { calendar: cal, settings: DEFAULT_SCHEDULE_SETTINGS }).some((n) => n.kind === 'holiday_visit_summary')) day = addDays(day, 1);
    const summary = (await decideNotices({ db: db.db }, day, false)).filter((n) => n.kind === 'holiday_visit_summary');
    expect(summary.map((n) => n.recipientUserid)).toEqual(['zhaozuzhi']);
    expect(JSON.stringify(summary[0]!.message)).toContain('应走访 4 人，已走访 1 人');
  });

  it('it escalates like any other obligation: one message per branch, one level above whoever answered', async () => {
    const cal = chineseWorkingDayCalendar();
    const day = reminderDays({ dueOn: HOLIDAY, createdOn: '2027-01-22' }, cal).overdue_3!;
    const up = (await decideNotices({ db: db.db }, day, false)).filter((n) => n.kind === 'obligation_overdue_3');
    expect(up.map((n) => n.recipientUserid).sort()).toEqual(['sunzongzhi', 'zhaozuzhi']);
    const toGb = JSON.stringify(up.find((n) => n.recipientUserid === 'sunzongzhi')!.message);
    expect(toGb).toContain('教工第一党支部尚有 2 名同志的节日走访慰问');
    expect(toGb).toContain('吴生日、钱老无号');
    // 教工第二党支部 has no secretary: the GB secretary answered for it, so its escalation goes to the OD.
    expect(JSON.stringify(up.find((n) => n.recipientUserid === 'zhaozuzhi')!.message)).toContain('教工第二党支部尚有 1 名同志');
  });
});
