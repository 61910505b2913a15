// Issue 11, points 6 and 12 together, against a real database (PostgreSQL and PGlite): nobody owes themselves a
// holiday visit. An old branch secretary who is his branch's only secretary is not listed to himself: his visit
// is owed by the general branch (its secretary's list, reminder and 待办), and one who is his general branch's
// only secretary too is owed by the OD. The others of his branch stay on his own list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { decideNotices, runSweep, type SweepDeps } from '../../src/notices/sweep.ts';
import { ObligationRepository } from '../../src/db/obligation-repository.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';

const ROWS = [
  // 褚支书 is both his branch's and his general branch's only secretary, and old here: the OD owes his visit.
  ...CARE_ROWS.map((r) => (r.startsWith('褚支书,') ? '褚支书,chuzhishu,男,1940-04-04,1962-04-04,1963-04-04,数学学院党总支,教工党支部,支部书记;党总支书记,,' : r)),
  // An old branch secretary, his branch's only one, with an old member of his branch.
  '卫老支书,weilao,男,1942-01-01,1964-01-01,1965-01-01,计算机学院党总支,教工第三党支部,支部书记,,',
  '蒋老三,jianglao,男,1938-01-01,1960-01-01,1961-01-01,计算机学院党总支,教工第三党支部,,,',
];

describe.each(DB_KINDS)('nobody owes themselves a holiday visit on %s (issue 11, points 6 and 12)', (kind) => {
  let db: TestDb;
  let now: Date;
  const deps = (): SweepDeps => sweepTestDeps(db.db, () => now);
  const id = async (name: string) => (await db.db.selectFrom('members').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const org = async (name: string) => (await db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const obligationOf = (name: string) =>
    db.db
      .selectFrom('care_obligations as o')
      .innerJoin('members as m', 'm.id', 'o.member_id')
      .select(['o.owner_role', 'o.owner_organisation_id', 'o.status'])
      .where('o.source', '=', 'holiday')
      .where('m.name', '=', name)
      .executeTakeFirstOrThrow();
  const text = (ns: Awaited<ReturnType<typeof decideNotices>>, userid: string) =>
    ns
      .filter((n) => n.recipientUserid === userid)
      .map((n) => JSON.stringify(n.message))
      .join('\n');

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db, ROWS);
  });
  afterAll(() => db.drop());

  it('the visit of a branch\'s only secretary is owed one level up; of one who is also the GB\'s only secretary, by the OD', async () => {
    now = new Date('2027-01-22T00:50:00Z');
    // The list shown before the sweep (a dry run) already sends him to the general branch.
    const dry = (await decideNotices({ db: db.db }, '2027-01-22', false)).filter((n) => n.kind === 'holiday_visit_list');
    expect(text(dry, 'weilao')).not.toContain('卫老支书');
    expect(text(dry, 'sunzongzhi')).toContain('卫老支书');
    await runSweep(deps(), '2027-01-22');
    expect(await obligationOf('卫老支书')).toMatchObject({ owner_role: 'gb_secretary', owner_organisation_id: await org('计算机学院党总支'), status: 'open' });
    expect(await obligationOf('蒋老三')).toMatchObject({ owner_role: 'branch_secretary', owner_organisation_id: await org('教工第三党支部') });
    expect(await obligationOf('褚支书')).toMatchObject({ owner_role: 'od_staff', owner_organisation_id: await org('党委') });
  });

  it('his own list names the others of his branch, not him; the office above gets his name', async () => {
    const lists = (await decideNotices({ db: db.db }, '2027-01-22', false)).filter((n) => n.kind === 'holiday_visit_list');
    const own = text(lists, 'weilao');
    expect(own).toContain('蒋老三');
    expect(own).not.toContain('卫老支书');
    const gb = text(lists, 'sunzongzhi');
    expect(gb).toContain('请走访慰问教工第三党支部以下 1 名同志（本人是所在党组织书记');
    expect(gb).toContain('卫老支书（老党员）');
    expect(text(lists, 'chuzhishu')).not.toContain('褚支书');
    expect(text(lists, 'zhaozuzhi')).toContain('褚支书（老党员）');
  });

  it('it shows in the GB secretary\'s 待办, not in his', async () => {
    const obligations = new ObligationRepository(db.db);
    const names = async (who: string, offices: string[]) => (await obligations.openFor(await id(who), offices)).filter((t) => t.reason === 'holiday').map((t) => t.name);
    expect(await names('卫老支书', [`branch_secretary|${await org('教工第三党支部')}`])).toEqual(['蒋老三']);
    expect(await names('孙总支', [`gb_secretary|${await org('计算机学院党总支')}`])).toContain('卫老支书');
  });

  it('the 3-day reminder follows the same owners', async () => {
    const reminders = (await decideNotices({ db: db.db }, '2027-02-03', false)).filter((n) => n.kind === 'holiday_visit_reminder');
    expect(text(reminders, 'weilao')).toContain('蒋老三');
    expect(text(reminders, 'weilao')).not.toContain('卫老支书');
    expect(text(reminders, 'sunzongzhi')).toContain('卫老支书');
    expect(text(reminders, 'zhaozuzhi')).toContain('褚支书');
  });
});
