// Issue 13 section 3, end to end through signed WeCom callbacks and the fake WeCom API: the branch secretary
// records the year-end evaluation in one message ("全体合格，其中王芳、张伟优秀"), corrects members one by one, is
// asked back about a name two members bear and refused for a name not in the branch (nothing recorded either
// way); another branch's secretary and a plain member cannot record; the GB secretary records for the vacant
// branch of his GB only; outside the window it is refused with the reason; "我的考评" shows the commitment and the
// grade; the grades are seen by the branch secretary (names), the GB (counts) and the OD (totals) — never by a
// plain member, a member of another branch or another GB's secretary, through any command; and the January
// reminder of the sweep reaches only the branches that have not recorded.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, waitForDeliveriesSettled, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { decideNotices, runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';

const MORE_ROWS = [
  '王芳,wangfang,女,1970-01-01,1995-01-01,1996-01-01,计算机学院党总支,教工第一党支部,,,',
  '张伟,zhangwei,男,1972-01-01,1996-01-01,1997-01-01,计算机学院党总支,教工第一党支部,,,',
  '李四,lisi01,男,1980-02-02,2004-01-01,2005-01-01,计算机学院党总支,教工第一党支部,,,',
  '李四,,男,1950-03-03,1975-01-01,1976-01-01,计算机学院党总支,教工第一党支部,,,',
  '刘二支,liuerzhi,男,1980-01-01,2005-01-01,2006-01-01,计算机学院党总支,教工第二党支部,,,',
];

const TOKEN = 'grades-admin-token-0123456789abcdef';

describe('issue 13 section 3: half-year and year-end evaluations in chat', () => {
  let stack: Stack;
  // 10:00 on Thursday 10 December 2026 in Shanghai.
  const time = runningClock('2026-12-10T02:00:00Z');
  const db = () => stack.deps.db.db;

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    await importCareRoster(db(), [...CARE_ROWS, ...MORE_ROWS]);
    // 郑老党员 died before the evaluation: he is not graded.
    await db().updateTable('members').set({ status: 'deceased' }).where('userid', '=', 'zhenglao').execute();
  });
  afterAll(() => stack.close());

  const { say } = wecomChat(() => stack, time.clock, 9_800_000_000n);
  const reply = async (who: string, content: string) => {
    const sent = await say(who, content);
    const mine = sent.filter((m) => m.touser === who && m.msgtype === 'text');
    expect(mine.length, content).toBe(1);
    return textOf(mine[0]!);
  };
  // WeCom's duplicate check drops a text identical to one just sent to the same person, so the probes read what the
  // bot answered from the deliveries (the answer to each event is recorded there whether or not WeCom shows it).
  const answered = async (who: string, content: string) => {
    const last = async () => (await db().selectFrom('deliveries').select(['id']).where('recipient', '=', who).orderBy('id', 'desc').limit(1).executeTakeFirst())?.id ?? '0';
    const before = await last();
    await say(who, content, 0);
    await waitFor(async () => BigInt(await last()) > BigInt(before), 60_000, `answer to ${content}`);
    const rows = await db().selectFrom('deliveries').select(['message']).where('recipient', '=', who).where('id', '>', before).execute();
    expect(rows.length, content).toBe(1);
    return JSON.stringify(rows[0]!.message);
  };
  const grades = async () =>
    (
      await db()
        .selectFrom('member_evaluation_grades as g')
        .innerJoin('members as m', 'm.id', 'g.member_id')
        .select(['m.name', 'm.userid', 'g.kind', 'g.year', 'g.grade'])
        .orderBy('m.name')
        .orderBy('m.id')
        .execute()
    ).map((r) => `${r.name}/${r.userid ?? '-'}/${r.kind}/${r.year}/${r.grade}`);

  it('the branch secretary records the year-end evaluation in one message', async () => {
    const answer = await reply('zhouzhishu', '年底总评：全体合格，其中王芳、张伟优秀');
    expect(answer).toContain('已登记教工第一党支部2026年年底总评（2026年12月10日召开）');
    expect(answer).toContain('王芳：优秀');
    expect(answer).toContain('张伟：优秀');
    const all = await grades();
    // Every active member of the branch — the secretary, the GB secretary and 冯无号 (no account) included — the dead not.
    expect(all).toContain('王芳/wangfang/year_end/2026/excellent');
    expect(all).toContain('冯无号/-/year_end/2026/competent');
    expect(all).toContain('周支书/zhouzhishu/year_end/2026/competent');
    expect(all.filter((g) => g.startsWith('郑老党员'))).toEqual([]);
    expect(all.filter((g) => g.startsWith('刘二支'))).toEqual([]);
    expect(all.filter((g) => g.endsWith('excellent'))).toHaveLength(2);
    expect(await db().selectFrom('branch_evaluations').select(['kind', 'year', sql<string>`held_on::text`.as('held_on')]).execute()).toEqual([{ kind: 'year_end', year: 2026, held_on: '2026-12-10' }]);
  });

  it('per-member corrections replace a grade, in both forms', async () => {
    expect(await reply('zhouzhishu', '年底总评：冯无号基本合格')).toContain('冯无号：基本合格（原为合格）');
    const again = await reply('zhouzhishu', '张伟年底总评不合格');
    expect(again).toContain('已更新教工第一党支部2026年年底总评');
    expect(again).toContain('张伟：不合格（原为优秀）');
    const all = await grades();
    expect(all).toContain('冯无号/-/year_end/2026/basically_competent');
    expect(all).toContain('张伟/zhangwei/year_end/2026/incompetent');
  });

  it('a name two members bear is asked back by number; an unknown name is refused: nothing recorded until clear', async () => {
    let before = await grades();
    const asked = await reply('zhouzhishu', '年底总评：王芳优秀，李四基本合格');
    expect(asked).toContain('未作登记');
    expect(asked).toContain('有2名“李四”，请问指哪一位？请回复序号');
    expect(asked).toContain('1. 李四（账号 lisi01，1980年生）');
    expect(asked).toContain('2. 李四（无账号，1950年生）');
    expect(await reply('zhouzhishu', '3')).toContain('请回复1至2的序号');
    expect(await grades()).toEqual(before);
    const answered = await reply('zhouzhishu', '2');
    expect(answered).toContain('李四：基本合格（原为合格）');
    expect(answered).toContain('王芳：优秀');
    expect(await grades()).toContain('李四/-/year_end/2026/basically_competent');
    expect(await grades()).toContain('李四/lisi01/year_end/2026/competent');
    // The question is answered once: a second "2" is not taken for it (nothing else reads it either).
    await say('zhouzhishu', '2');
    expect(await grades()).toContain('李四/lisi01/year_end/2026/competent');
    before = await grades();
    expect(await reply('zhouzhishu', '年底总评：王芳合格，赵六优秀')).toContain('在册党员中没有“赵六”');
    // A member of another branch reads the same as a name nobody bears.
    expect(await reply('zhouzhishu', '年底总评：刘二支优秀')).toContain('在册党员中没有“刘二支”');
    expect(await reply('zhouzhishu', '年底总评：大家表现都不错')).toContain('没有读懂');
    expect(await grades()).toEqual(before);
    // Written with the account, it is recorded.
    expect(await reply('zhouzhishu', '年底总评：lisi01优秀')).toContain('李四：优秀（原为合格）');
    expect(await grades()).toContain('李四/lisi01/year_end/2026/excellent');
  });

  it('another branch\'s secretary, a plain member and the GB secretary (for a branch with a secretary) cannot record', async () => {
    const before = await grades();
    expect(await reply('chuzhishu', '年底总评：吴生日不合格')).toContain('在册党员中没有“吴生日”');
    expect(await reply('chuzhishu', '教工第一党支部年底总评：全体合格')).toContain('您不能登记该支部的考评');
    expect(await reply('wushengri', '年底总评：全体合格')).toContain('由支部书记登记');
    expect(await reply('sunzongzhi', '教工第一党支部年底总评：全体不合格')).toContain('您不能登记该支部的考评');
    expect(await grades()).toEqual(before);
  });

  it('the GB secretary records for the vacant branch of his GB, naming it', async () => {
    expect(await reply('sunzongzhi', '教工第二党支部年底总评：全体合格')).toContain('已登记教工第二党支部2026年年底总评');
    expect(await grades()).toContain('刘二支/liuerzhi/year_end/2026/competent');
  });

  it('outside the window, or for another year, it is refused with the reason', async () => {
    const before = await grades();
    expect(await reply('zhouzhishu', '2025年年底总评：全体合格')).toContain('现在登记的是2026年的年底总评');
    time.set('2027-04-12T02:00:00Z');
    expect(await reply('zhouzhishu', '年底总评：全体合格')).toContain('年底总评于每年12月至次年3月登记');
    time.set('2027-05-12T02:00:00Z');
    expect(await reply('zhouzhishu', '半年考评：全体合格')).toContain('半年考评于每年7月至12月登记');
    expect(await grades()).toEqual(before);
    time.set('2026-12-11T02:00:00Z');
  });

  it('"我的考评" shows the member\'s commitment, the branch goals and their grades', async () => {
    await reply('wangfang', '亮岗承诺：带好每一堂课');
    await reply('zhouzhishu', '本支部目标：三会一课按时召开');
    const mine = await reply('wangfang', '我的考评');
    expect(mine).toContain('王芳同志，您的2026年考评');
    expect(mine).toContain('亮岗承诺：带好每一堂课');
    expect(mine).toContain('教工第一党支部2026年目标：三会一课按时召开');
    expect(mine).toContain('年底总评：优秀');
    expect(mine).toContain('半年考评：尚未评定');
    expect(await reply('zhangwei', '我的考评')).toContain('年底总评：不合格');
  });

  it('the branch secretary, the GB secretary and the OD see what is theirs', async () => {
    const branch = await reply('zhouzhishu', '本支部考评情况');
    expect(branch).toContain('教工第一党支部2026年考评情况');
    expect(branch).toContain('半年考评：尚未登记');
    expect(branch).toMatch(/优秀2人：李四、王芳/);
    expect(branch).toMatch(/不合格1人：张伟/);
    expect(branch).toMatch(/基本合格2人：冯无号、李四/);
    const gb = await reply('sunzongzhi', '本总支考评情况');
    expect(gb).toContain('计算机学院党总支2026年考评情况');
    expect(gb).toMatch(/教工第一党支部：半年考评未开展；年底总评已开展.*优秀2人、合格4人、基本合格2人、不合格1人/);
    expect(gb).toMatch(/教工第二党支部：.*年底总评已开展/);
    expect(gb).not.toContain('张伟');
    // The GB secretary who stood in for the vacant branch reads its names by naming it.
    const second = await reply('sunzongzhi', '教工第二党支部考评情况');
    expect(second).toContain('教工第二党支部2026年考评情况');
    expect(second).toMatch(/合格1人：刘二支/);
    const od = await reply('zhaozuzhi', '考评情况');
    expect(od).toContain('全校2026年考评情况');
    expect(od).toContain('计算机学院党总支：2/2个支部已开展');
    expect(od).toContain('数学学院党总支：0/1个支部已开展');
  });

  it('a plain member, a member of another branch and another GB\'s secretary see no grade through any command', async () => {
    const probes = ['本支部考评情况', '本总支考评情况', '考评情况', '教工第一党支部考评情况', '我的考评', '年底总评：张伟优秀', '张伟年底总评优秀', '教工第一党支部年底总评：全体合格'];
    for (const who of ['wushengri', 'liuerzhi', 'chenbiezhi', 'chuzhishu']) {
      for (const probe of probes) {
        const answer = await answered(who, probe);
        // Nobody's grade but their own: no other name of the first branch, no figure of its grades.
        for (const name of ['张伟', '王芳', '李四', '冯无号']) expect(answer, `${who}: ${probe}`).not.toMatch(new RegExp(`${name}[：:（]`));
        expect(answer, `${who}: ${probe}`).not.toContain('教工第一党支部：');
        expect(answer, `${who}: ${probe}`).not.toContain('不合格1人');
      }
    }
    expect(await answered('wushengri', '本支部考评情况')).toContain('由支部书记查看');
    expect(await answered('chenbiezhi', '考评情况')).toContain('查看本人的考评，请发送“我的考评”');
    expect(await answered('chuzhishu', '本总支考评情况')).toContain('数学学院党总支2026年考评情况');
    expect(await answered('chuzhishu', '教工第一党支部考评情况')).toContain('您不能查看“教工第一党支部”的考评情况');
  });

  it('the admin API records as an actor checked by the access rule and shows a branch and a GB', async () => {
    const orgId = async (name: string) => (await db().selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const first = await orgId('教工第一党支部');
    const fen = (await db().selectFrom('members').select('id').where('name', '=', '冯无号').executeTakeFirstOrThrow()).id;
    const post = (body: unknown, token = TOKEN) =>
      fetch(`${stack.baseUrl}/admin/incentive/evaluations`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const before = await grades();
    const other = await post({ actor: 'chuzhishu', kind: 'half_year', branch: first, all: 'competent' });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ error: { code: 'not_allowed' } });
    const unknown = await post({ actor: 'zhouzhishu', kind: 'half_year', all: 'competent', grades: [{ member: '陈别支', grade: 'excellent' }] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_member' } });
    expect((await post({ actor: 'zhouzhishu', kind: 'half_year', grades: [{ member: 'wangfang', grade: 'good' }] })).status).toBe(400);
    expect((await post({ actor: 'zhouzhishu', kind: 'half_year', all: 'competent' }, 'wrong-token-0123456789abcdef0123')).status).toBe(401);
    expect(await grades()).toEqual(before);

    const ok = await post({ actor: 'zhouzhishu', kind: 'half_year', all: 'competent', grades: [{ member: 'wangfang', grade: 'excellent' }, { member: fen, grade: 'basically_competent' }] });
    expect(ok.status).toBe(201);
    const recorded = (await ok.json()) as { year: number; evaluation: { held: boolean; members: Array<{ name: string; grade: string }> } };
    expect(recorded.year).toBe(2026);
    expect(recorded.evaluation.held).toBe(true);
    expect(recorded.evaluation.members).toEqual(expect.arrayContaining([{ account: 'wangfang', name: '王芳', grade: 'excellent' }, { account: '', name: '冯无号', grade: 'basically_competent' }]));

    const get = async (q: string) => {
      const res = await fetch(`${stack.baseUrl}/admin/incentive/evaluations?${q}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status, q).toBe(200);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const branch = (await get(`branch=${first}&year=2026`)) as { evaluations: Record<string, { held: boolean; held_on: string | null; members: Array<{ name: string; grade: string | null }> }> };
    expect(branch.evaluations.half_year!.held_on).toBe('2026-12-11');
    expect(branch.evaluations.year_end!.members.find((m) => m.name === '张伟')!.grade).toBe('incompetent');
    const gb = (await get(`general_branch=${await orgId('计算机学院党总支')}&year=2026`)) as { branches: Array<{ name: string; kind: string; held: boolean; grades: Record<string, number> }> };
    expect(gb.branches.find((b) => b.name === '教工第一党支部' && b.kind === 'half_year')).toMatchObject({ held: true, grades: { excellent: 1, basically_competent: 1 } });
    expect(gb.branches.find((b) => b.name === '教工第二党支部' && b.kind === 'half_year')).toMatchObject({ held: false });
    const bad = await fetch(`${stack.baseUrl}/admin/incentive/evaluations?branch=${await orgId('计算机学院党总支')}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bad.status).toBe(404);
  });

  it('the January reminder of the sweep reaches only the branches that have not recorded', async () => {
    let day = '';
    for (const d of ['2027-01-01', '2027-01-04', '2027-01-05']) {
      if ((await decideNotices({ db: db() }, d, false)).some((n) => n.kind === 'year_end_eval_reminder')) {
        day = d;
        break;
      }
    }
    expect(day).not.toBe('');
    time.set(`${day}T01:05:00Z`);
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), day);
    await waitFor(() => stack.fake!.sent.slice(start).some((m) => m.touser === 'chuzhishu' && JSON.stringify(m.body).includes('年度党员总评')), 60_000, 'reminder to chuzhishu');
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
    const reminders = stack.fake!.sent.slice(start).filter((m) => JSON.stringify(m.body).includes('2026年度党员总评'));
    expect(reminders.map((m) => m.touser)).toContain('chuzhishu');
    expect(reminders.map((m) => m.touser)).not.toContain('zhouzhishu');
    expect(reminders.map((m) => m.touser)).not.toContain('sunzongzhi');
    for (const m of reminders) expect(JSON.stringify(m.body)).not.toContain('15%');
  });
});

