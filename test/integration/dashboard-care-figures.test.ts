// The dashboard's care figures (issue 16 section 2) against the care exports: a fixture roster with two general
// branches, records made through the real services and repositories (trigger reports, talks and visits closing
// what they fulfil, the year's quotas, a holiday campaign's obligations, the sweep's greetings and their
// deliveries), a pinned today. Every figure, per branch, equals the number of rows of the export filtered to
// that branch — the point of the issue — and the month line and the visit calendar equal the exports too.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careExportBytes, CareExportError, collectCare, exportCareChunks, GREETING_COLUMNS, type CareRecordExportRow, type GreetingExportRow, type ObligationExportRow } from '../../src/care/export.ts';
import { closeFulfilled, openQuotaObligations, reportTrigger } from '../../src/care/obligations.ts';
import { CareRecordRepository } from '../../src/db/care-record-repository.ts';
import { DeliveryRepository } from '../../src/db/delivery-repository.ts';
import { SettingsRepository } from '../../src/db/settings-repository.ts';
import type { Database } from '../../src/db/schema.ts';
import type { Trigger } from '../../src/domain/obligations.ts';
import { CareFigures } from '../../src/dashboard/care-figures-repository.ts';
import { FigureRepository, type BranchSet } from '../../src/dashboard/figure-repository.ts';
import { periodOf, type FigureKey } from '../../src/dashboard/figures.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { SweepRepository } from '../../src/notices/sweep-repository.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type DbKind, type TestDb } from '../helpers/db.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';

const TODAY = '2026-11-26';
const PERIOD = periodOf(TODAY);
const LATEST_CAMPAIGN = '2026-national-day';

interface Fixture {
  ids: Record<string, string>;
  branches: Record<string, string>;
  committeeId: string;
}

async function seed(db: Kysely<Database>): Promise<Fixture> {
  await importCareRoster(db);
  const ids: Record<string, string> = {};
  for (const m of await db.selectFrom('members').select(['id', 'userid', 'name']).execute()) ids[m.userid ?? m.name] = m.id;
  const branches: Record<string, string> = {};
  let committeeId = '';
  for (const o of await db.selectFrom('organisations').select(['id', 'name', 'kind']).execute()) {
    if (o.kind === 'branch') branches[o.name] = o.id;
    if (o.kind === 'committee') committeeId = o.id;
  }

  // The political-birthday greetings as the sweep sends them: 1 June (李书记) and today (吴生日, 郑老党员, 陈别支
  // have accounts; 冯无号 has none and gets no notice; 王今年 joined this year and has no birthday yet).
  await runSweep(sweepTestDeps(db, () => new Date('2026-06-01T00:50:00Z')), '2026-06-01');
  await runSweep(sweepTestDeps(db, () => new Date(`${TODAY}T00:50:00Z`)), TODAY);
  const greeting = async (userid: string) => {
    const r = await sql<{ id: string }>`
      select d.id::text as id from notices n join deliveries d on d.idempotency_key = 'notice-' || n.id::text
       where n.kind = 'birthday_greeting' and n.recipient_member_id = ${ids[userid]!}::bigint`.execute(db);
    if (r.rows.length !== 1) throw new Error(`expected one greeting delivery for ${userid}, got ${r.rows.length}`);
    return r.rows[0]!.id;
  };
  const deliveries = new DeliveryRepository(db);
  await deliveries.markSent(await greeting('lishuji'), {});
  await deliveries.markSent(await greeting('wushengri'), {});
  await deliveries.markFailed(await greeting('zhenglao'), { code: '60111', message: 'userid not found' });
  // 陈别支's stays pending (queued).

  // The year's quotas (idempotent after the import's refresh).
  await openQuotaObligations(db, 2026, new Date(`${TODAY}T01:00:00Z`));

  // Holiday campaigns: mid-autumn and national day (the latest opened), and next new year's, not opened yet today.
  const holiday = (id: string, name: string, date: string) => ({ id, name, date, oldMemberPartyAge: 30, oldMemberAge: 80, fullMemberOnOrBefore: '1996-12-31', bornOnOrBefore: '1946-12-31' });
  const sweepRepo = new SweepRepository(db);
  await sweepRepo.openHolidayVisits(holiday('mid-autumn', '中秋节', '2026-09-25'), '2026-mid-autumn', '2026-09-11');
  await sweepRepo.openHolidayVisits(holiday('national-day', '国庆节', '2026-10-01'), LATEST_CAMPAIGN, '2026-09-17');
  await sweepRepo.openHolidayVisits(holiday('new-year', '元旦', '2027-01-01'), '2027-new-year', '2026-12-18');

  // Trigger reports, each on its day.
  const report = (member: string, reason: Trigger, on: string, by = 'zhouzhishu') =>
    db.transaction().execute((trx) => reportTrigger(trx, { memberId: ids[member]!, reason, occurredOn: on, note: '', reportedBy: ids[by]!, today: on, reportedAt: new Date(`${on}T02:00:00Z`) }));
  // Last December's setback talk about 吴生日, never held: a backlog that stays overdue this year.
  await report('wushengri', 'setback', '2025-12-01');
  await report('zhenglao', 'bereavement', '2026-01-10');
  await report('wushengri', 'hospitalised', '2026-09-01');
  await report('zhenglao', 'hospitalised', '2026-10-01');
  await report('冯无号', 'hospitalised', '2026-10-15');
  await report('chenbiezhi', 'setback', '2026-11-24', 'chuzhishu');

  // Talks and visits as the conversation records them: the record, then what it fulfils closed at that time.
  const record = async (kind: 'talk' | 'visit', leader: string, member: string, on: string, reason: Parameters<CareRecordRepository['insert']>[0]['reason'], at: string) => {
    const by = (await loadAccessPerson(db, ids[leader]!))!;
    await db.transaction().execute(async (trx) => {
      const records = new CareRecordRepository(trx);
      const id = await records.insert({ kind, leaderMemberId: ids[leader]!, memberId: ids[member]!, happenedOn: on, reason, note: '', obligationId: null, recordedByMemberId: ids[leader]!, recordedAt: new Date(at) });
      const closed = await closeFulfilled(trx, { id, kind, reason, memberId: ids[member]!, leaderMemberId: ids[leader]!, happenedOn: on }, by, new Date(at));
      if (closed.length > 0) await records.setObligation(id, closed[0]!);
    });
  };
  await record('visit', 'zhouzhishu', 'zhenglao', '2026-02-05', 'bereavement', '2026-02-05T03:00:00Z'); // late (due 01-17)
  // Late by the organisation's date (9 September 01:30 in Shanghai), though still 8 September — the due date — in UTC.
  await record('visit', 'zhouzhishu', 'wushengri', '2026-09-09', 'hospitalised', '2026-09-08T17:30:00Z');
  await record('visit', 'zhouzhishu', 'zhenglao', '2026-09-30', 'holiday', '2026-09-30T03:00:00Z'); // holiday visit
  await record('visit', 'zhouzhishu', 'zhenglao', '2026-10-08', 'hospitalised', '2026-10-08T09:00:00Z'); // in time: on the due date
  await record('talk', 'zhouzhishu', 'wushengri', '2026-11-02', 'routine', '2026-11-02T03:00:00Z'); // the quota's talk
  await record('talk', 'sunzongzhi', 'zhouzhishu', '2026-11-25', 'routine', '2026-11-25T03:00:00Z');
  // An undone visit is no visit.
  await record('visit', 'chuzhishu', 'chenbiezhi', '2026-11-10', 'holiday', '2026-11-10T03:00:00Z');
  await db.updateTable('care_records').set({ undone_at: new Date('2026-11-10T04:00:00Z') }).where('member_id', '=', ids['chenbiezhi']!).where('kind', '=', 'visit').execute();

  // 冯无号 moves to the 数学学院 branch: his overdue visit and his greeting now count there (the current branch).
  await db.updateTable('members').set({ branch_id: branches['教工党支部']! }).where('id', '=', ids['冯无号']!).execute();
  return { ids, branches, committeeId };
}

type Exported = { obligations: ObligationExportRow[]; greetings: GreetingExportRow[]; talks: CareRecordExportRow[]; visits: CareRecordExportRow[] };

async function exportsOf(db: Kysely<Database>, branchIds?: readonly string[]): Promise<Exported> {
  const opts = { today: TODAY, ...(branchIds ? { branchIds } : {}) };
  return {
    obligations: (await collectCare(db, 'obligations', opts)) as ObligationExportRow[],
    greetings: (await collectCare(db, 'greetings', opts)) as GreetingExportRow[],
    talks: (await collectCare(db, 'talks', { ...opts, from: '2026-01-01', to: TODAY })) as CareRecordExportRow[],
    visits: (await collectCare(db, 'visits', { ...opts, from: '2026-01-01', to: TODAY })) as CareRecordExportRow[],
  };
}

/** Each care figure as its definition states it: a count of export rows (figures.ts FIGURE_DEFINITIONS). */
function figuresFromExports(e: Exported, latestCampaign: string): Partial<Record<FigureKey, number>> {
  const count = <T>(rows: T[], p: (r: T) => boolean) => rows.filter(p).length;
  const inYear = (r: ObligationExportRow) => r.due_on >= '2026-01-01' && r.due_on <= '2026-12-31';
  const quota = e.obligations.filter((r) => r.source === 'quota' && r.period === '2026');
  // Open and overdue: whatever year they are due in (the backlog); done in time or late: due in the year.
  const trigger = e.obligations.filter((r) => r.source === 'trigger');
  const holiday = e.obligations.filter((r) => r.source === 'holiday' && r.period === latestCampaign);
  return {
    talkQuotaDone: count(quota, (r) => r.state === 'done'),
    talkQuotaOwed: count(quota, (r) => r.state !== 'cancelled'),
    triggerOpen: count(trigger, (r) => r.state === 'open'),
    triggerOverdue: count(trigger, (r) => r.state === 'overdue'),
    triggerDoneInTime: count(trigger, (r) => inYear(r) && r.state === 'done' && r.closed_at!.slice(0, 10) <= r.due_on),
    triggerDoneLate: count(trigger, (r) => inYear(r) && r.state === 'done' && r.closed_at!.slice(0, 10) > r.due_on),
    holidayVisited: count(holiday, (r) => r.state === 'done'),
    holidayOwed: count(holiday, (r) => r.state !== 'cancelled'),
    greetingsSent: count(e.greetings, (r) => r.state === 'sent'),
    greetingsFailed: count(e.greetings, (r) => r.state === 'failed'),
    greetingsNoAccount: count(e.greetings, (r) => r.state === 'no_account'),
  };
}

describe.each(DB_KINDS)('dashboard care figures = care exports (%s)', (kind: DbKind) => {
  let t: TestDb;
  let f: Fixture;
  let care: CareFigures;
  let branchNames: Map<string, string>;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    f = await seed(t.db);
    care = new CareFigures(t.db, 'Asia/Shanghai');
    branchNames = new Map(Object.entries(f.branches).map(([name, id]) => [id, name]));
  }, 120_000);
  afterAll(async () => {
    await t?.drop();
  });

  const all = (): BranchSet => ({ committeeId: f.committeeId, all: true, branchIds: Object.values(f.branches) });

  it('the latest holiday campaign is the one opened last on or before today, the same for every branch', async () => {
    expect(await care.latestHolidayCampaign(TODAY)).toEqual({ period: LATEST_CAMPAIGN, dueOn: '2026-10-01' });
    expect(await care.latestHolidayCampaign('2026-09-15')).toEqual({ period: '2026-mid-autumn', dueOn: '2026-09-25' });
    expect(await care.latestHolidayCampaign('2026-12-20')).toEqual({ period: '2027-new-year', dueOn: '2027-01-01' });
    expect(await care.latestHolidayCampaign('2026-01-01')).toBeNull();
  });

  it('every care figure of every branch equals the export filtered to that branch', async () => {
    const figures = await care.read(all(), PERIOD);
    let compared = 0;
    for (const [name, id] of Object.entries(f.branches)) {
      const mine = figures.get(id) ?? {};
      const expected = figuresFromExports(await exportsOf(t.db, [id]), LATEST_CAMPAIGN);
      for (const [k, v] of Object.entries(expected)) {
        expect({ branch: name, key: k, n: mine[k as FigureKey] ?? 0 }).toEqual({ branch: name, key: k, n: v });
        compared++;
      }
    }
    expect(compared).toBe(Object.keys(f.branches).length * 11);
    // The whole committee's sums equal the unfiltered exports.
    const whole = figuresFromExports(await exportsOf(t.db), LATEST_CAMPAIGN);
    for (const [k, v] of Object.entries(whole)) expect([k, [...figures.values()].reduce((s, x) => s + (x[k as FigureKey] ?? 0), 0)]).toEqual([k, v]);
  });

  it('counts what the fixture holds, per branch (the member’s current branch)', async () => {
    const figures = await care.read(all(), PERIOD);
    const of = (branch: string) => figures.get(f.branches[branch]!)!;
    const first = of('教工第一党支部');
    const maths = of('教工党支部');
    // 孙总支, 周支书, 吴生日, 郑老党员, 王今年 (冯无号 moved to 数学学院's branch).
    expect([first.members, first.withoutAccount]).toEqual([5, 0]);
    expect([maths.members, maths.withoutAccount]).toEqual([3, 1]);
    // Triggers of the year: 郑老党员's bereavement visit late, 吴生日's visit late, 郑老党员's hospital visit in time;
    // and last December's talk about 吴生日, still overdue.
    expect([first.triggerOpen, first.triggerOverdue, first.triggerDoneInTime, first.triggerDoneLate]).toEqual([0, 1, 1, 2]);
    // 陈别支's setback talk (due after today) open; 冯无号's visit, reported in his old branch, overdue in his new one.
    expect([maths.triggerOpen, maths.triggerOverdue, maths.triggerDoneInTime, maths.triggerDoneLate]).toEqual([1, 1, 0, 0]);
    // National day: 郑老党员 owed and visited (30 September, after the list went out).
    expect([first.holidayVisited, first.holidayOwed]).toEqual([1, 1]);
    // Greetings of the year to date: 吴生日 sent, 郑老党员 failed; 孙总支 (29 Feb → 28 Feb) and 周支书 (6 June)
    // were never greeted (no sweep on their days): pending, not counted in these three.
    expect([first.greetingsSent, first.greetingsFailed, first.greetingsNoAccount]).toEqual([1, 1, 0]);
    // 冯无号 (no account) counts where he is now; 陈别支's is still queued; 褚支书's (4 April) was never swept.
    expect([maths.greetingsSent, maths.greetingsFailed, maths.greetingsNoAccount]).toEqual([0, 0, 1]);
    expect(of('组织人事党支部').greetingsSent).toBe(1); // 李书记, 1 June
  });

  it('reads only the branches asked for, and nothing for none', async () => {
    const one = f.branches['教工党支部']!;
    const some = await care.read({ committeeId: f.committeeId, all: false, branchIds: [one] }, PERIOD);
    expect([...some.keys()]).toEqual([one]);
    expect(some.get(one)).toEqual((await care.read(all(), PERIOD)).get(one));
    expect((await care.read({ committeeId: f.committeeId, all: false, branchIds: [] }, PERIOD)).size).toBe(0);
  });

  it('the FigureRepository fills every branch of a general branch, zeros where nothing is counted', async () => {
    const repo = new FigureRepository(t.db, care, []);
    const gb = await t.db.selectFrom('organisations').select('id').where('name', '=', '计算机学院党总支').executeTakeFirstOrThrow();
    const rows = await repo.branchFigures({ committeeId: f.committeeId, generalBranchIds: [gb.id] }, PERIOD);
    expect(rows.map((r) => r.branchName)).toEqual(['教工第一党支部']);
    expect(rows[0]!.figures.triggerDoneLate).toBe(2);
  });

  it('the months and the visit calendar equal the talks, visits and obligations exports', async () => {
    for (const set of [all(), { committeeId: f.committeeId, all: false, branchIds: [f.branches['教工第一党支部']!] }]) {
      const e = await exportsOf(t.db, set.all ? undefined : set.branchIds);
      const months = await care.months(set, PERIOD);
      expect(months.map((m) => m.month)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11'].map((m) => `2026-${m}`));
      for (const m of months) {
        const day = m.month === '2026-11' ? TODAY : new Date(Date.UTC(2026, Number(m.month.slice(5)), 0)).toISOString().slice(0, 10);
        const overdue = e.obligations.filter(
          (r) => r.source === 'trigger' && r.due_on < day && (r.state === 'open' || r.state === 'overdue' || (r.closed_at !== null && r.closed_at.slice(0, 10) > day)),
        ).length;
        expect(m).toEqual({
          month: m.month,
          talks: e.talks.filter((r) => !r.undone && r.happened_on.startsWith(m.month)).length,
          visits: e.visits.filter((r) => !r.undone && r.happened_on.startsWith(m.month)).length,
          overdueAtEnd: overdue,
        });
      }
      const days = await care.visitDays(set, PERIOD);
      const expected = new Map<string, number>();
      for (const r of e.visits) if (!r.undone) expected.set(r.happened_on, (expected.get(r.happened_on) ?? 0) + 1);
      expect(days).toEqual([...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, count]) => ({ date, count })));
    }
    // January's bereavement visit was late: overdue at the end of January, closed in February; last December's
    // talk stays overdue all year.
    const first = await care.months({ committeeId: f.committeeId, all: false, branchIds: [f.branches['教工第一党支部']!] }, PERIOD);
    expect(first.map((m) => m.overdueAtEnd).slice(0, 3)).toEqual([2, 1, 1]);
    expect(first.find((m) => m.month === '2026-10')!.visits).toBe(1);
    expect(branchNames.size).toBeGreaterThan(3);
  });

  it('the greetings export: one row per member and political birthday in the range, with its state', async () => {
    const rows = (await collectCare(t.db, 'greetings', { today: TODAY })) as GreetingExportRow[];
    expect(Object.keys(rows[0]!)).toEqual([...GREETING_COLUMNS]);
    const by = new Map(rows.map((r) => [r.member_name, r]));
    // The year to date by default: 王今年 joined this year (no birthday yet), nobody after today.
    expect(rows.every((r) => r.birthday_on >= '2026-01-01' && r.birthday_on <= TODAY)).toBe(true);
    expect(by.has('王今年')).toBe(false);
    expect(by.get('吴生日')).toMatchObject({ member_userid: 'wushengri', member_branch: '教工第一党支部', member_general_branch: '计算机学院党总支', birthday_on: TODAY, party_years: 14, state: 'sent' });
    expect(by.get('吴生日')!.sent_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(by.get('郑老党员')).toMatchObject({ state: 'failed', party_years: 60, sent_at: null });
    expect(by.get('陈别支')).toMatchObject({ state: 'pending', sent_at: null });
    // No account: no notice; listed in his current branch.
    expect(by.get('冯无号')).toMatchObject({ member_userid: null, state: 'no_account', member_branch: '教工党支部', member_general_branch: '数学学院党总支' });
    // 29 February joiner, observed on 28 February in a common year (the default rule); never swept: pending.
    expect(by.get('孙总支')).toMatchObject({ birthday_on: '2026-02-28', party_years: 26, state: 'pending' });
    expect(by.get('李书记')).toMatchObject({ birthday_on: '2026-06-01', state: 'sent' });
    expect(rows.length).toBe(new Set(rows.map((r) => r.member_name)).size);
  });

  it('greetings over two years, in keyset chunks, and the leap-day rule from the settings', async () => {
    const two = (await collectCare(t.db, 'greetings', { today: TODAY, from: '2027-01-01', to: '2028-12-31', chunkSize: 1 })) as GreetingExportRow[];
    const sun = two.filter((r) => r.member_name === '孙总支').map((r) => r.birthday_on);
    expect(sun).toEqual(['2027-02-28', '2028-02-29']);
    // 王今年 (joined 2026-11-26) has birthdays from 2027 on.
    expect(two.filter((r) => r.member_name === '王今年').map((r) => [r.birthday_on, r.party_years])).toEqual([['2027-11-26', 1], ['2028-11-26', 2]]);
    const chunks: number[] = [];
    for await (const c of exportCareChunks(t.db, 'greetings', { today: TODAY, from: '2027-01-01', to: '2028-12-31', chunkSize: 3 })) chunks.push(c.length);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(two.length);
    expect(chunks.slice(0, -1).every((n) => n === 3)).toBe(true);
    await new SettingsRepository(t.db).put('leap_day_rule', 'mar1', new Date(`${TODAY}T01:00:00Z`));
    try {
      const mar = (await collectCare(t.db, 'greetings', { today: TODAY, from: '2027-02-28', to: '2027-03-01' })) as GreetingExportRow[];
      expect(mar.filter((r) => r.member_name === '孙总支').map((r) => r.birthday_on)).toEqual(['2027-03-01']);
    } finally {
      await new SettingsRepository(t.db).put('leap_day_rule', 'feb28', new Date(`${TODAY}T01:00:00Z`));
    }
    expect(() => exportCareChunks(t.db, 'greetings', { from: '2026-13-01' })).toThrow(CareExportError);
  });

  it('the greetings CSV goes through the one writer with its columns', async () => {
    let text = '';
    for await (const b of careExportBytes(t.db, 'greetings', 'csv', { today: TODAY, branchIds: [f.branches['教工党支部']!] })) text += b.toString('utf8');
    const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe(GREETING_COLUMNS.join(','));
    expect(lines.slice(1).map((l) => l.split(',')[1]).sort()).toEqual(['冯无号', '褚支书', '陈别支'].sort());
  });

  it('branchIds filters every care export by the member’s current branch, in SQL; undefined filters nothing', async () => {
    const maths = f.branches['教工党支部']!;
    const first = f.branches['教工第一党支部']!;
    for (const what of ['talks', 'visits', 'obligations', 'greetings'] as const) {
      const every = (await collectCare(t.db, what, { today: TODAY })) as Array<{ member_branch: string }>;
      const onlyMaths = (await collectCare(t.db, what, { today: TODAY, branchIds: [maths], chunkSize: 1 })) as Array<{ member_branch: string }>;
      const both = (await collectCare(t.db, what, { today: TODAY, branchIds: [maths, first] })) as Array<{ member_branch: string }>;
      expect(onlyMaths.every((r) => r.member_branch === '教工党支部')).toBe(true);
      expect(onlyMaths.length).toBe(every.filter((r) => r.member_branch === '教工党支部').length);
      expect(both.length).toBe(every.filter((r) => r.member_branch === '教工党支部' || r.member_branch === '教工第一党支部').length);
      expect(await collectCare(t.db, what, { today: TODAY, branchIds: [] })).toEqual([]);
    }
    // 冯无号's visit obligation was opened in his old branch: it follows him.
    const obl = (await collectCare(t.db, 'obligations', { today: TODAY, branchIds: [maths] })) as ObligationExportRow[];
    expect(obl.some((r) => r.member_name === '冯无号' && r.state === 'overdue')).toBe(true);
  });
});
