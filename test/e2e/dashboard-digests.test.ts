// Issue 16 section 4 end to end, on the real figures (figureSourceOf) through signed WeCom callbacks and the sweep:
// a branch secretary asks 本支部逾期事项 and gets the overdue visit by name and due date; a GB secretary's
// 本总支谈心进度 and the OD's 全校谈心进度 carry the dashboard's own numbers; an organisation out of scope is answered
// as an unknown one; on Monday the weekly digest reaches the secretaries with something open — once, however often
// the day is swept — with one link to the dashboard; switched off, it does not go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportTrigger } from '../../src/care/obligations.ts';
import { figureSourceOf } from '../../src/dashboard/figure-source.ts';
import { periodOf, sumFigures } from '../../src/dashboard/figures.ts';
import { SettingsRepository } from '../../src/db/settings-repository.ts';
import { ensureQuotaObligations, runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { runningClock, startStack, waitForAllDelivered, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';

const PUBLIC = 'https://dj.example.edu.cn';
const MONDAY = '2026-12-07';

describe('issue 16 section 4: figures in chat and the weekly digest', () => {
  let stack: Stack;
  const time = runningClock(`${MONDAY}T01:05:00Z`); // 09:05 on Monday in Shanghai
  const db = () => stack.deps.db.db;
  const memberId = async (u: string) => (await db().selectFrom('members').select('id').where('userid', '=', u).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { PUBLIC_URL: PUBLIC }, overrides: { clock: time.clock } });
    await importCareRoster(db());
    // The year's talk quotas, as the CLI's import opens them (the first sweep of the year would too).
    await ensureQuotaObligations(db(), 2026, time.clock());
    // 吴生日 was reported in hospital on 25 November: the branch owed a visit by 2 December, not made.
    const wu = await memberId('wushengri');
    await db()
      .transaction()
      .execute((trx) => reportTrigger(trx, { memberId: wu, reason: 'hospitalised', occurredOn: '2026-11-25', note: '', reportedBy: wu, today: '2026-11-25', reportedAt: new Date('2026-11-25T02:00:00Z') }));
  });
  afterAll(() => stack.close());

  const { say } = wecomChat(() => stack, time.clock, 9_516_000_000n);
  const answer = async (who: string, words: string) => (await say(who, words)).filter((m) => m.touser === who).map(textOf);
  /** The dashboard's own figures of a scope, summed. */
  const figures = async (scope: { generalBranchIds?: string[]; committee?: boolean }) => {
    const committeeId = (await db().selectFrom('organisations').select('id').where('kind', '=', 'committee').executeTakeFirstOrThrow()).id;
    return sumFigures((await figureSourceOf(db()).branchFigures({ committeeId, ...scope }, periodOf(MONDAY))).map((b) => b.figures));
  };

  it('本支部逾期事项: the overdue visit by member, trigger and due date, and the way to the dashboard', async () => {
    const [text] = await answer('zhouzhishu', '本支部逾期事项');
    expect(text).toContain('**教工第一党支部逾期事项（截至12月7日）**');
    expect(text).toContain('五必访、五必谈逾期 1 项：');
    expect(text).toContain('- 走访 吴生日（患病住院），应于12月2日前完成');
    expect(text).toContain('发送“后台”获取工作台登录链接');
    // A plain member has no branch's list to see.
    expect((await answer('wushengri', '本支部逾期事项'))[0]).toContain('本支部逾期事项由支部书记查看。');
  });

  it('本总支谈心进度 and 全校谈心进度: the dashboard\'s numbers', async () => {
    const cs = (await db().selectFrom('organisations').select('id').where('name', '=', '计算机学院党总支').executeTakeFirstOrThrow()).id;
    const gb = await figures({ generalBranchIds: [cs] });
    expect(gb.talkQuotaOwed).toBeGreaterThan(0);
    const [text] = await answer('sunzongzhi', '本总支谈心进度');
    expect(text).toContain(`**计算机学院党总支2026年谈心进度：已完成 ${gb.talkQuotaDone}/${gb.talkQuotaOwed}（`);
    const all = await figures({ committee: true });
    const [od] = await answer('zhaozuzhi', '全校谈心进度');
    expect(od).toContain(`**全校2026年谈心进度：已完成 ${all.talkQuotaDone}/${all.talkQuotaOwed}（`);
    expect(od).toContain('- 数学学院党总支：');
  });

  it('计算机学院走访情况: the linked committee member sees it; 数学学院 is answered as a name nobody bears', async () => {
    const [visits] = await answer('qianweiyuan', '计算机学院走访情况');
    expect(visits).toContain('**计算机学院党总支走访情况（2026年）**');
    expect(visits).toContain('待办 1 项（其中逾期 1 项）');
    const [outOfScope] = await answer('qianweiyuan', '数学学院走访情况');
    const [unknown] = await answer('qianweiyuan', '物理学院走访情况');
    expect(outOfScope).toContain('没有找到您可查看的“数学学院”');
    expect(unknown!.replace('物理学院', '数学学院')).toBe(outOfScope);
  });

  it('Monday\'s sweep: the weekly digest to each secretary with something open, once, with the dashboard link', async () => {
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), MONDAY);
    await runSweep(sweepDeps(stack.deps), MONDAY);
    await waitForAllDelivered(stack);
    const digests = stack.fake!.sent.slice(start).filter((m) => textOf(m).includes('本周工作提示'));
    // 孙总支 (计算机学院), 周支书 (her branch), 褚支书 (数学学院 and its branch: one digest). 机关 has no secretary.
    expect(digests.map((m) => m.touser).sort()).toEqual(['chuzhishu', 'sunzongzhi', 'zhouzhishu']);
    const zhou = textOf(digests.find((m) => m.touser === 'zhouzhishu')!);
    expect(zhou).toContain('**教工第一党支部**');
    expect(zhou).toContain('- 五必访、五必谈事项 1 项，其中逾期 1 项');
    expect(zhou).toContain(`[打开工作台查看详情](${PUBLIC}/dashboard/)`);
    expect(zhou).toContain('请向我发送“后台”获取登录链接');
    const rows = await db().selectFrom('notices').select(['kind', 'subject', 'period']).where('kind', '=', 'dashboard_digest_weekly').execute();
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => `${r.subject} ${r.period}`))).toEqual(new Set(['dashboard 2026-W50']));
  });

  it('switched off, the next Monday\'s digest does not go; the next month\'s first working day still reaches the OD', async () => {
    await new SettingsRepository(db()).put('dashboard_digest_weekly', 'off', time.clock());
    time.set('2026-12-14T01:05:00Z');
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), '2026-12-14');
    await waitForAllDelivered(stack);
    expect(stack.fake!.sent.slice(start).filter((m) => textOf(m).includes('工作提示'))).toEqual([]);
    time.set('2027-01-01T01:05:00Z');
    const january = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), '2027-01-01');
    await waitForAllDelivered(stack);
    const sent = stack.fake!.sent.slice(january);
    expect(sent.filter((m) => textOf(m).includes('本月工作提示')).map((m) => m.touser)).toEqual(['zhaozuzhi']);
    expect(sent.filter((m) => textOf(m).includes('本季度工作提示')).map((m) => m.touser)).toEqual(['lishuji']);
  });
});
