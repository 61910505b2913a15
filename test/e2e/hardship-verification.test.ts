// Issue 12, section 2, end to end through the daily sweep, signed WeCom callbacks and the fake WeCom API: on the
// first working day of November the GB secretary gets the GB's list and a card; he pages it (下一页), taps
// 仍困难 / 已好转, types a list of changes (an unclear one changes nothing), and taps 核实完毕: the OD gets one
// report with what changed, a second tap is answered without a second report; someone else's forged tap is
// refused; the 15th's reminder skips the GB; the other GBs submit (one through the admin API, the vacant one by
// the OD in chat) and the OD gets the summary; in December 核实完毕 and an old card are answered clearly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, waitForDeliveriesSettled, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { TEST_PLATFORM } from '../helpers/dingtalk-as-wecom.ts';

const MORE_ROWS = [
  '王芳,wangfang,女,1970-01-01,1995-01-01,1996-01-01,计算机学院党总支,教工第一党支部,,,',
  '张伟,zhangwei,男,1960-01-01,1985-01-01,1986-01-01,计算机学院党总支,学生党支部,,,',
];
const TOKEN = 'verification-admin-token-0123456789';

type Card = { task_id: string; button_list: Array<{ key: string; text: string }>; main_title: { title: string } };

describe('issue 12, section 2: the May/November verification in chat', () => {
  let stack: Stack;
  // 09:05 on Monday 2 November 2026 in Shanghai: the first working day of November.
  const time = runningClock('2026-11-02T01:05:00Z');
  const { say, click } = wecomChat(() => stack, time.clock, 9_700_000_000n);
  const db = () => stack.deps.db.db;
  const memberId = async (userid: string) => (await db().selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const entry = async (userid: string) =>
    db().selectFrom('hardship_registry').select(['id', 'status', 'causes', 'archive_reason']).where('member_id', '=', await memberId(userid)).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const cardsTo = (sent: SentMessage[], to: string): Card[] => sent.filter((m) => m.touser === to && m.msgtype === 'template_card').map((m) => m.body.template_card as Card);
  const textsTo = (sent: SentMessage[], to: string) => sent.filter((m) => m.touser === to && m.msgtype !== 'template_card').map(textOf);
  const sweep = async (date: string, expectTo: string[]) => {
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), date);
    for (const to of expectTo) await waitFor(() => stack.fake!.sent.slice(start).some((m) => m.touser === to), 60_000, `${date} to ${to}`);
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
    return stack.fake!.sent.slice(start);
  };
  let page1: Card;
  let page2: Card;

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    await importCareRoster(db(), [...CARE_ROWS, ...MORE_ROWS]);
    for (const [u, causes] of [
      ['wangfang', ['illness']],
      ['zhangwei', ['old_age']],
      ['zhenglao', ['old_age']],
      ['chenbiezhi', ['illness']],
    ] as const) {
      await db().insertInto('hardship_registry').values({ member_id: await memberId(u), causes: [...causes], status: 'approved', source: 'self', decided_at: time.clock() }).execute();
    }
  });
  afterAll(() => stack.close());

  it('the first working day: the GB secretary gets the list with causes and the first card (1/2)', async () => {
    const sent = await sweep('2026-11-02', ['sunzongzhi', 'chuzhishu', 'zhaozuzhi']);
    const list = textsTo(sent, 'sunzongzhi').find((t) => t.includes('生活困难党员信息核实'))!;
    expect(list).toContain('共 3 名');
    for (const line of ['王芳（教工第一党支部；患病；未核实）', '张伟（学生党支部；年老；未核实）', '郑老党员（教工第一党支部；年老；未核实）']) expect(list).toContain(line);
    expect(list).toContain('王芳 已好转；张伟 仍困难 病；新增 冯无号 残');
    page1 = cardsTo(sent, 'sunzongzhi')[0]!;
    expect(page1!.main_title.title).toBe('11月困难党员核实（1/2）');
    expect(page1!.button_list.map((b) => b.text).slice(-2)).toEqual(['下一页', '核实完毕']);
    expect(page1!.button_list).toHaveLength(6);
    // The other GBs' secretaries get their own lists, never this one's causes.
    expect(textsTo(sent, 'chuzhishu').join()).not.toContain('郑老党员');
  });

  it('下一页 brings the second page; 仍困难 and 已好转 are recorded at once, the card stays usable', async () => {
    const next = await click('sunzongzhi', page1, '下一页');
    page2 = cardsTo(next, 'sunzongzhi').at(-1)!;
    expect(page2!.main_title.title).toBe('11月困难党员核实（2/2）');
    expect(page2!.button_list.map((b) => b.text).at(-1)).toBe('核实完毕');
    expect(page2!.button_list.map((b) => b.text)).not.toContain('下一页');
    const onCards = [...page1.button_list, ...page2.button_list].map((b) => b.text);
    expect(onCards).toEqual(expect.arrayContaining(['王芳仍困难', '王芳已好转', '张伟仍困难', '张伟已好转', '郑老党员仍困难', '郑老党员已好转']));
    const card = (text: string) => (page1.button_list.some((b) => b.text === text) ? page1 : page2);

    const [ok] = await click('sunzongzhi', card('郑老党员仍困难'), '郑老党员仍困难');
    expect(textOf(ok!)).toBe('已记录：郑老党员（教工第一党支部）仍困难。本期名单现有 3 名，尚有 2 名未核实；核实完后请点“核实完毕”或回复“核实完毕”。');

    const archived = await click('sunzongzhi', card('王芳已好转'), '王芳已好转', 2);
    expect(textsTo(archived, 'sunzongzhi')[0]).toContain('已记录：王芳（教工第一党支部）已好转，已归档（核实已好转）。如系误点，请回复“新增 王芳 原因”重新列入。');
    expect(textsTo(archived, 'wangfang')[0]).toContain('您的生活困难党员信息已归档');
    expect(await entry('wangfang')).toMatchObject({ status: 'archived', archive_reason: '核实已好转' });
  });

  it('someone else cannot use the keys (a forged tap), nor a GB committee member', async () => {
    for (const who of ['chuzhishu', 'zhouzhishu']) {
      const [answer] = await click(who, page1, '核实完毕');
      expect(textOf(answer!), who).toBe('这项核实不由您办理，或卡片已失效。');
    }
    const zhang = page1.button_list.some((b) => b.text === '张伟已好转') ? page1 : page2;
    const [answer] = await click('chuzhishu', zhang, '张伟已好转');
    expect(textOf(answer!)).toBe('这项核实不由您办理，或卡片已失效。');
    expect((await entry('zhangwei')).status).toBe('approved');
    expect(await db().selectFrom('hardship_reviews').selectAll().execute()).toEqual([]);
  });

  it('a typed list: an unclear line changes nothing; the corrected list is applied whole', async () => {
    const [refused] = await say('sunzongzhi', '张伟 仍困难 病；新增 冯无号 残；李白 已好转');
    expect(textOf(refused!)).toBe(
      '未作修改。以下一条需要核对：\n第 3 条“李白 已好转”：您核实的党总支名册中没有“李白”，请核对姓名\n请改正后把整条消息重新发送（已写对的各条也请一并发送）。',
    );
    expect((await entry('zhangwei')).causes).toEqual(['old_age']);
    const [applied] = await say('sunzongzhi', '张伟 仍困难 老、病；新增 冯无号 残');
    expect(textOf(applied!).split('\n')).toEqual([
      '已记录（计算机学院党总支11月核实）：',
      '- 张伟：仍困难，原因改为年老、患病',
      '- 冯无号：新增（残疾）',
      '本期名单现有 3 名，均已核实；请点“核实完毕”或回复“核实完毕”上报党委组织部。',
    ]);
    expect((await entry('zhangwei')).causes).toEqual(['old_age', 'illness']);
  });

  it('核实完毕 on the card: the OD gets one report with what changed; a second tap is answered, not reported again', async () => {
    const sent = await click('sunzongzhi', page2, '核实完毕', 2);
    expect(textsTo(sent, 'sunzongzhi')[0]).toBe('计算机学院党总支2026年11月生活困难党员核实情况已上报党委组织部。核实后生活困难党员 3 名，新增 冯无号；归档 王芳；原因变更 张伟。');
    const report = textsTo(sent, 'zhaozuzhi');
    expect(report).toHaveLength(1);
    expect(report[0]!.split('\n')).toEqual([
      '**计算机学院党总支2026年11月困难党员核实已上报**',
      '核实后生活困难党员 3 名。',
      '新增 1 名：',
      '- 冯无号（教工第一党支部）：残疾',
      '归档 1 名：',
      '- 王芳（教工第一党支部）：核实已好转',
      '原因变更 1 名：',
      '- 张伟（学生党支部）：年老 → 年老、患病',
      '上报人：孙总支；上报日期：11月2日。',
    ]);
    // The tapped card is asked to show 已上报 (the fake refuses the test helper's made-up response code).
    const updates = await db().selectFrom('deliveries').select('message').where('recipient', '=', 'sunzongzhi').execute();
    expect(updates.map((u) => u.message as { type: string; replaceName?: string }).filter((m) => m.type === 'card_update')).toEqual(
      // DingTalk's action cards cannot be updated: nothing to grey there.
      TEST_PLATFORM === 'dingtalk' ? [] : [
      expect.objectContaining({ replaceName: '已上报' }),
    ],
    );
    const again = await click('sunzongzhi', page1, '核实完毕');
    expect(textOf(again[0]!)).toContain('已由孙总支于11月2日上报，无需重复上报');
    expect(again.filter((m) => m.touser === 'zhaozuzhi')).toEqual([]);
    const [typed] = await say('sunzongzhi', '核实完毕');
    expect(textOf(typed!)).toContain('无需重复上报');
    const [late] = await say('sunzongzhi', '郑老党员 已好转');
    expect(textOf(late!)).toContain('无需重复上报');
    expect((await entry('zhenglao')).status).toBe('approved');
  });

  it('the 15th: the reminder goes to the GBs that have not submitted only', async () => {
    time.set('2026-11-16T01:05:00Z');
    const sent = await sweep('2026-11-16', ['chuzhishu', 'zhaozuzhi']);
    const reminded = sent.filter((m) => textOf(m).includes('困难党员核实尚未上报')).map((m) => m.touser);
    expect(reminded.sort()).toEqual(['chuzhishu', 'zhaozuzhi']);
  });

  it('the other GBs submit — 数学学院 through the admin API, the vacant 机关党总支 by the OD in chat — and the OD gets the summary', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // An actor who may not verify that GB is refused, with a code.
    const refused = await post('/admin/assistance/verification/submit', { generalBranch: '数学学院党总支', period: '2026-11', actor: 'sunzongzhi' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'not_allowed' } });
    const res = await post('/admin/assistance/verification/submit', { generalBranch: '数学学院党总支', period: '2026-11', actor: 'chuzhishu', changes: '陈别支 仍困难' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ submitted: true, verifiedCount: 1, confirmedByDefault: 0, applied: [{ member: '陈别支', what: '仍困难' }], told: 1 });
    await waitFor(() => stack.fake!.sent.some((m) => m.touser === 'zhaozuzhi' && textOf(m).includes('数学学院党总支2026年11月困难党员核实已上报')), 60_000, 'the report of the admin route');

    const sent = await say('zhaozuzhi', '核实完毕', 3);
    const toOd = textsTo(sent, 'zhaozuzhi');
    expect(toOd.some((t) => t.startsWith('机关党总支2026年11月生活困难党员核实情况已上报党委组织部'))).toBe(true);
    const summary = toOd.find((t) => t.includes('各党总支均已上报'))!;
    expect(summary).toContain('3 个党总支均已上报，核实后生活困难党员共 4 名；新增 1 名、归档 1 名、原因变更 1 名。');

    const view = await fetch(`${stack.baseUrl}/admin/assistance/verification?period=2026-11&generalBranch=${encodeURIComponent('计算机学院党总支')}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await view.json()) as { generalBranches: Array<{ submitted: boolean; verifiedCount: number; entries: Array<{ member: { name: string }; action: string; byDefault: boolean }> }> };
    expect(body.generalBranches).toHaveLength(1);
    expect(body.generalBranches[0]).toMatchObject({ submitted: true, verifiedCount: 3 });
    expect(body.generalBranches[0]!.entries.map((e) => [e.member.name, e.action]).sort()).toEqual([
      ['冯无号', 'added'],
      ['张伟', 'confirmed'],
      ['王芳', 'archived'],
      ['郑老党员', 'confirmed'],
    ].sort());
  });

  it('the last working day has nothing to escalate', async () => {
    time.set('2026-11-30T01:05:00Z');
    await runSweep(sweepDeps(stack.deps), '2026-11-30');
    const rows = await db().selectFrom('notices').select('kind').where('kind', '=', 'hardship_review_escalation').execute();
    expect(rows).toEqual([]);
    // The day's other notices (a Monday: the weekly digest, issue 16) are out before the next test talks.
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
  });

  it('in December: 核实完毕 is answered with when the verification is, and an old card has expired', async () => {
    time.set('2026-12-01T02:00:00Z');
    // (say returns what was sent since its last answer: Monday's weekly digest too, issue 16.)
    const [typed] = (await say('sunzongzhi', '核实完毕')).filter((m) => !textOf(m).includes('本周工作提示'));
    expect(textOf(typed!)).toBe('生活困难党员核实在每年5月和11月进行，届时我会把本党总支的名单发给您。如有同志情况变化，请按日常程序办理（申报、推荐或归档）。');
    const [old] = await click('sunzongzhi', page1, '核实完毕');
    expect(textOf(old!)).toBe('这张卡片用于2026年11月核实，已过期。');
    const [member] = await say('wushengri', '核实完毕');
    expect(textOf(member!)).toContain('生活困难党员核实由党总支书记办理');
  });
});
