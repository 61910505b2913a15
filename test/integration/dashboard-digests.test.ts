// Issue 16 section 4 against a real database (PostgreSQL and PGlite), with figures from a FigureSource the test
// gives (the real branch list of the roster, made-up counts): the digest planner — who gets which digest on its
// day, nobody with nothing open, the settings switch each off, one subject a person and period — and the chat's
// figures on demand — 本总支谈心进度, 本支部逾期事项 by name, an organisation named in and out of scope.
import type { Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figureConversation } from '../../src/conversation/figure-conversation.ts';
import type { ConversationContext } from '../../src/conversation/context.ts';
import { FigureRepository, type BranchSet, type CareFigureReader } from '../../src/dashboard/figure-repository.ts';
import type { FigureKey, FigurePeriod, Figures } from '../../src/dashboard/figures.ts';
import type { FigureSource } from '../../src/dashboard/source.ts';
import { SettingsRepository } from '../../src/db/settings-repository.ts';
import type { Database } from '../../src/db/schema.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { DEFAULT_SCHEDULE_SETTINGS, noticesDueOn, type NoticeKind } from '../../src/domain/schedule.ts';
import { dashboardDigestPlanner, DIGEST_SUBJECT } from '../../src/notices/planners/dashboard-digests.ts';
import { plannerFor } from '../../src/notices/planners/index.ts';
import type { PlannedNotice } from '../../src/notices/planner.ts';
import { findMemberByUserid } from '../../src/roster/responsibility.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';

const calendar = chineseWorkingDayCalendar();
const URL = 'https://dj.example.edu.cn/dashboard/';

/** Figures by branch name, read for the branch ids the repository lists: the real branches, counts the test sets. */
class FakeFigures implements CareFigureReader {
  readonly keys: readonly FigureKey[] = [];
  constructor(
    private readonly byBranchId: () => Map<string, Partial<Figures>>,
    readonly visits = { thisYear: [3, 4], month: '2026-12' },
  ) {}
  read(branches: BranchSet, _p: FigurePeriod): Promise<Map<string, Partial<Figures>>> {
    const all = this.byBranchId();
    return Promise.resolve(new Map(branches.branchIds.filter((id) => all.has(id)).map((id) => [id, all.get(id)!])));
  }
  months(_b: BranchSet, p: FigurePeriod) {
    return Promise.resolve([
      { month: `${p.year}-11`, talks: 0, visits: this.visits.thisYear[0]!, overdueAtEnd: 0 },
      { month: `${p.year}-12`, talks: 0, visits: this.visits.thisYear[1]!, overdueAtEnd: 0 },
    ]);
  }
  visitDays() {
    return Promise.resolve([]);
  }
}

describe.each(DB_KINDS)('dashboard digests and figures in chat on %s', (kind) => {
  let db: TestDb;
  const branchIds = new Map<string, string>();
  let figures = new Map<string, Partial<Figures>>();
  const byBranchId = () => new Map([...figures].map(([name, f]) => [branchIds.get(name)!, f]));
  const source = (d: TestDb['db']): FigureSource => new FigureRepository(d, new FakeFigures(byBranchId), []);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
    for (const b of await db.db.selectFrom('organisations').select(['id', 'name']).where('kind', '=', 'branch').execute()) branchIds.set(b.name, b.id);
    // 计算机学院: quotas left and overdue items in 教工第一党支部; 数学学院 and 机关: nothing open but a verification.
    figures = new Map([
      ['教工第一党支部', { talkQuotaOwed: 6, talkQuotaDone: 2, triggerOverdue: 1, triggerOpen: 1, holidayOwed: 2, holidayVisited: 1, triggerDoneInTime: 2 }],
      ['教工党支部', { talkQuotaOwed: 2, talkQuotaDone: 2 }],
      ['组织人事党支部', { hardshipAwaitingVerification: 1 }],
    ]);
  });
  afterAll(() => db.drop());

  const noticeOn = (date: string, k: NoticeKind) => noticesDueOn(date, { calendar, settings: DEFAULT_SCHEDULE_SETTINGS }).find((n) => n.kind === k)!;
  const plan = (date: string, k: NoticeKind): Promise<PlannedNotice[]> =>
    dashboardDigestPlanner((d) => source(d)).plan(db.db, noticeOn(date, k), { date, late: false, birthdayBasis: 'join_date', holidayListDaysBefore: 14, calendar, dashboardUrl: URL });
  const to = (list: PlannedNotice[]) => list.map((n) => `${n.recipientUserid} ${n.kind} ${n.subject} ${n.period}`);
  const textOf = (n: PlannedNotice | undefined) => (n?.message as { content: string } | undefined)?.content ?? '';

  it('is the registered planner of the three digest kinds', () => {
    for (const k of ['dashboard_digest_weekly', 'dashboard_digest_monthly', 'dashboard_digest_quarterly'] as const) expect(Object.keys(plannerFor(k).kinds)).toContain(k);
  });

  it('weekly (Monday 7 December 2026): the GB and branch secretaries with something open, one digest each', async () => {
    const got = await plan('2026-12-07', 'dashboard_digest_weekly');
    // 褚支书 leads 数学学院 and its branch: nothing open there, so nothing. 周支书 is a GB member besides: her branch only.
    expect(to(got)).toEqual([`sunzongzhi dashboard_digest_weekly ${DIGEST_SUBJECT} 2026-W50`, `zhouzhishu dashboard_digest_weekly ${DIGEST_SUBJECT} 2026-W50`]);
    const sun = textOf(got[0]);
    expect(sun).toContain('孙总支同志：截至今日，您负责的范围内有待办 7 项，其中逾期 1 项。');
    expect(sun).toContain('**计算机学院党总支**：待办 7 项，其中逾期 1 项');
    expect(sun).toContain(`[打开工作台查看详情](${URL})`);
    expect(textOf(got[1])).toContain('**教工第一党支部**：待办 7 项');
  });

  it('monthly to the OD with the sensitive verification; quarterly to the committee secretary without it', async () => {
    const monthly = await plan('2026-12-01', 'dashboard_digest_monthly');
    expect(to(monthly)).toEqual([`zhaozuzhi dashboard_digest_monthly ${DIGEST_SUBJECT} 2026-12`]);
    expect(textOf(monthly[0])).toContain('待办较多的党总支：计算机学院党总支 7 项（逾期 1 项）、机关党总支 1 项');
    const quarterly = await plan('2027-01-01', 'dashboard_digest_quarterly');
    expect(to(quarterly)).toEqual([`lishuji dashboard_digest_quarterly ${DIGEST_SUBJECT} 2027-Q1`]);
    expect(textOf(quarterly[0])).toContain('待办 7 项');
    expect(textOf(quarterly[0])).not.toContain('困难党员');
  });

  it('nobody with nothing open: no digest at all', async () => {
    const saved = figures;
    figures = new Map();
    try {
      for (const [date, k] of [
        ['2026-12-07', 'dashboard_digest_weekly'],
        ['2026-12-01', 'dashboard_digest_monthly'],
        ['2027-01-01', 'dashboard_digest_quarterly'],
      ] as const)
        expect(await plan(date, k)).toEqual([]);
    } finally {
      figures = saved;
    }
  });

  it('each setting switches its digest off, and only that one', async () => {
    const settings = new SettingsRepository(db.db);
    await settings.put('dashboard_digest_weekly', 'off', new Date());
    try {
      expect(await plan('2026-12-07', 'dashboard_digest_weekly')).toEqual([]);
      expect(await plan('2026-12-01', 'dashboard_digest_monthly')).toHaveLength(1);
      await settings.put('dashboard_digest_monthly', 'off', new Date());
      await settings.put('dashboard_digest_quarterly', 'off', new Date());
      expect(await plan('2026-12-01', 'dashboard_digest_monthly')).toEqual([]);
      expect(await plan('2027-01-01', 'dashboard_digest_quarterly')).toEqual([]);
    } finally {
      for (const k of ['dashboard_digest_weekly', 'dashboard_digest_monthly', 'dashboard_digest_quarterly'] as const) await settings.put(k, 'on', new Date());
    }
    expect(await plan('2026-12-07', 'dashboard_digest_weekly')).toHaveLength(2);
  });

  // ---- figures on demand ----

  const ask = async (userid: string, text: string, today = '2026-12-07') =>
    db.db.transaction().execute(async (trx: Transaction<Database>) => {
      const ctx: ConversationContext = {
        trx,
        eventId: '1',
        event: { kind: 'text', userId: userid, text, msgId: '1', createTime: 0 },
        identity: await findMemberByUserid(trx, userid),
        today,
        now: new Date(`${today}T02:00:00Z`),
        timeZone: 'Asia/Shanghai',
        quietHours: null,
        broadcast: () => Promise.resolve(0),
      };
      const replies = await figureConversation((c) => source(c.trx))(ctx);
      return replies?.map((r) => (r.message as { content: string }).content);
    });

  it('本总支谈心进度: the GB secretary gets each branch of the GB, done of owed', async () => {
    expect((await ask('sunzongzhi', '本总支谈心进度'))?.[0]?.split('\n').slice(0, 2)).toEqual(['**计算机学院党总支2026年谈心进度：已完成 2/6（33%）**', '- 教工第一党支部：2/6（33%）']);
    expect(await ask('zhouzhishu', '本总支谈心进度')).toEqual([expect.stringContaining('计算机学院党总支2026年谈心进度')]);
    expect(await ask('lishuji', '全校谈心进度')).toEqual([expect.stringContaining('**全校2026年谈心进度：已完成 4/8（50%）**')]);
    // The committee member: the general branches linked to them.
    expect(await ask('qianweiyuan', '全校谈心进度')).toEqual([expect.stringContaining('**您联系的党总支2026年谈心进度')]);
    expect(await ask('wushengri', '本总支谈心进度')).toEqual([expect.stringContaining('本总支谈心进度由党总支书记、委员和单位党员主要领导查看。')]);
  });

  it('本支部逾期事项: the branch secretary gets the overdue obligations by member and due date', async () => {
    const wu = (await db.db.selectFrom('members').select('id').where('userid', '=', 'wushengri').executeTakeFirstOrThrow()).id;
    const zhou = (await db.db.selectFrom('members').select('id').where('userid', '=', 'zhouzhishu').executeTakeFirstOrThrow()).id;
    const ob = (due: string, reason: string, status: 'open' | 'done' = 'open') => ({
      kind: 'visit' as const,
      member_id: wu,
      owner_member_id: zhou,
      owner_organisation_id: null,
      owner_role: null,
      reason,
      source: 'trigger' as const,
      event_id: null,
      period: null,
      due_on: due,
      record_id: null,
      closed_at: null,
      escalated_on: null,
      opened_on: '2026-11-20',
      status,
    });
    // Overdue: listed, last year's backlog first (with its year). Due today or done: not.
    await db.db.insertInto('care_obligations').values([ob('2026-11-30', 'hospitalised'), ob('2026-12-07', 'hospitalised'), ob('2026-11-29', 'hospitalised', 'done'), ob('2025-12-30', 'setback')]).execute();
    const [answer] = (await ask('zhouzhishu', '本支部逾期事项'))!;
    expect(answer!.split('\n').slice(0, 4)).toEqual([
      '**教工第一党支部逾期事项（截至12月7日）**',
      // The count is the test's FigureSource's (FakeFigures); the lines are the database's.
      '五必访、五必谈逾期 1 项：',
      '- 走访 吴生日（遇到困难挫折），应于2025年12月30日前完成',
      '- 走访 吴生日（患病住院），应于11月30日前完成',
    ]);
    // The GB secretary asks for the branch by name: the same list (he sees its members' sensitive data too).
    expect((await ask('sunzongzhi', '教工第一党支部逾期事项'))![0]).toContain('- 走访 吴生日（患病住院），应于11月30日前完成');
    // The committee member linked to the GB sees the list, not the reason (not sensitive data of theirs).
    expect((await ask('qianweiyuan', '计算机学院教工第一党支部逾期事项'))![0]).toContain('- 走访 吴生日，应于11月30日前完成');
    // Above the branch: counts per branch.
    expect((await ask('sunzongzhi', '本总支逾期事项'))![0]).toContain('- 教工第一党支部：五必访、五必谈 1 项');
    expect((await ask('wushengri', '逾期事项'))![0]).toContain('逾期事项由支部书记（本支部）、党总支负责同志（本总支）和党委组织部（全校）查看。');
  });

  it('计算机学院走访情况: for those who see it; out of scope answered as a name nobody bears', async () => {
    const [visits] = (await ask('qianweiyuan', '计算机学院走访情况'))!;
    expect(visits!.split('\n').slice(0, 4)).toEqual([
      '**计算机学院党总支走访情况（2026年）**',
      '节日走访（最近一次节日）：已走访 1/2（50%），尚余 1 人',
      '五必访、五必谈事项：按时完成 2 项，逾期完成 0 项，待办 2 项（其中逾期 1 项）',
      '今年已登记走访 7 次，其中本月 4 次',
    ]);
    expect(visits).toContain('发送“后台”');
    const outOfScope = await ask('qianweiyuan', '数学学院走访情况');
    const unknown = await ask('qianweiyuan', '物理学院走访情况');
    expect(outOfScope).toEqual([expect.stringContaining('没有找到您可查看的“数学学院”')]);
    expect(unknown![0]!.replace('物理学院', '数学学院')).toBe(outOfScope![0]);
    // A name that is no organisation's and does not read like one is left to the other handlers.
    expect(await ask('qianweiyuan', '张三走访情况')).toBeUndefined();
    // The OD sees every organisation.
    expect((await ask('zhaozuzhi', '数学学院走访情况'))![0]).toContain('**数学学院党总支走访情况（2026年）**');
  });
});
