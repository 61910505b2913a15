// Issue 14 section 2, end to end through signed WeCom callbacks, card clicks, the fake WeCom API and the sweep at a
// pinned clock: each form is routed to the leader the roster names (a vacant office and a secretary's own
// suggestion pass up, a GB without a linked committee member is told so); the addressee's card, 回复 and the next
// message — or "回复建议12：…" — reach the member once; the sweep reminds, escalates one level up and to the OD, tells
// the member once, and the escalation target may reply; 我的建议 / 待回复的建议 / 建议12; anonymity across card, list,
// reminders, export and admin API; bad numbers and someone else's number get the same answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitForAllDelivered, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { collectVoice } from '../../src/voice/export.ts';
import { OD_VIEWER, viewerOf } from '../../src/domain/access.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';

const TOKEN = 'suggestions-e2e-admin-token-0123456789abcdef';
type Card = { task_id: string; button_list: Array<{ key: string; text: string }>; main_title: { title: string }; horizontal_content_list?: Array<{ keyname: string; value: string }> };

describe('issue 14 section 2: members’ suggestions', () => {
  let stack: Stack;
  // 10:00 on Monday 30 November 2026 in Shanghai.
  const time = runningClock('2026-11-30T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 9_500_000_000n);
  const to = (sent: SentMessage[], who: string) => sent.filter((m) => m.touser === who);
  const textsTo = (sent: SentMessage[], who: string) => to(sent, who).filter((m) => m.msgtype === 'text' || m.msgtype === 'markdown').map(textOf);
  const cardsTo = (sent: SentMessage[], who: string): Card[] => to(sent, who).filter((m) => m.msgtype === 'template_card').map((m) => m.body.template_card as Card);
  /** Files a suggestion; returns its number and everything sent. */
  const file = async (who: string, content: string, expectAtLeast = 2) => {
    const sent = await say(who, content, expectAtLeast);
    const answer = textsTo(sent, who)[0] ?? '';
    const id = /（建议(\d+)）/u.exec(answer)?.[1];
    return { id: id!, answer, sent };
  };
  const sweep = async (date: string) => {
    time.set(`${date}T02:00:00Z`);
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), date);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start);
  };
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  let weekend = '';
  let anonymousToGb = '';
  let overdue = '';

  it('意见建议：… goes to the branch secretary, who gets a card; 回复 then the next message reaches the member once', async () => {
    const filed = await file('wushengri', '意见建议：希望支部活动安排在周末');
    weekend = filed.id;
    expect(filed.answer).toContain(`已收到您的意见建议（建议${weekend}），将送教工第一党支部书记周支书同志，请其于12月7日前答复`);
    const [card] = cardsTo(filed.sent, 'zhouzhishu');
    expect(card!.main_title.title).toBe(`党员意见建议（建议${weekend}）`);
    expect(JSON.stringify(card)).toContain('吴生日');
    expect(JSON.stringify(card)).toContain('希望支部活动安排在周末');

    const asked = await click('zhouzhishu', card!, '回复');
    expect(textsTo(asked, 'zhouzhishu')[0]).toContain(`请直接发送您对建议${weekend}的答复`);
    const replied = await say('zhouzhishu', '已调整到每月第一个周六上午，感谢建议', 2);
    expect(textsTo(replied, 'zhouzhishu')[0]).toBe(`已回复建议${weekend}，答复已转达吴生日同志，该建议已办结。`);
    expect(textsTo(replied, 'wushengri')[0]).toContain(`您的意见建议（建议${weekend}）已收到答复：\n已调整到每月第一个周六上午，感谢建议\n—— 周支书`);

    // A second tap (a minute later: the same tap within its second is a duplicated callback, dropped before it is
    // answered) and a second reply change nothing and reach nobody else.
    time.set('2026-11-30T02:01:00Z');
    const again = await click('zhouzhishu', card!, '回复');
    expect(to(again, 'wushengri')).toEqual([]);
    expect(textsTo(again, 'zhouzhishu')[0]).toBe(`建议${weekend}已答复，无需再回复。`);
    const twice = await say('zhouzhishu', `回复建议${weekend}：再补充一句`);
    expect(to(twice, 'wushengri')).toEqual([]);
    expect(textsTo(twice, 'zhouzhishu')[0]).toContain(`建议${weekend}已于11月30日答复，无需再回复。`);

    const mine = textsTo(await say('wushengri', '我的建议'), 'wushengri')[0]!;
    expect(mine).toContain(`建议${weekend} · 11月30日 · 送教工第一党支部书记 · 已回复（11月30日）`);
    expect(mine).toContain('答复：已调整到每月第一个周六上午，感谢建议');
  });

  it('each form is routed from the roster: GB secretary, linked committee member, committee secretary, the OD; a secretary’s own goes up', async () => {
    expect((await file('wushengri', '向党总支书记提意见：实验室安全检查太频繁')).answer).toContain('将送计算机学院党总支书记孙总支同志');
    const linked = await file('wushengri', '向挂联党委委员反映：青年教师住房困难');
    expect(linked.answer).toContain('将送挂联党委委员钱委员同志');
    expect(cardsTo(linked.sent, 'qianweiyuan')).toHaveLength(1);
    expect((await file('wushengri', '向党委书记反映：职称评审标准不透明')).answer).toContain('将送党委书记李书记同志');
    const od = await file('wushengri', '向组织部反映：党费收缴说明不清楚');
    expect(od.answer).toContain('将送党委组织部（赵组织）同志');
    expect(cardsTo(od.sent, 'zhaozuzhi')).toHaveLength(1);

    // The branch secretary's own 意见建议 goes to the GB secretary; 褚支书 holds both offices of his GB: to the OD.
    const own = await file('zhouzhishu', '意见建议：支部经费报销流程太长');
    expect(own.answer).toContain('将送计算机学院党总支书记孙总支同志');
    expect(own.answer).toContain('您本人即教工第一党支部书记，按规定转上一级。');
    const both = await file('chuzhishu', '意见建议：希望增加学习经费');
    expect(both.answer).toContain('将送党委组织部（赵组织）同志');
    expect(both.answer).toContain('您本人即教工党支部书记；您本人即数学学院党总支书记');

    // 数学学院党总支 has no linked committee member: said, nothing filed; a name not linked is refused.
    const none = await say('chenbiezhi', '向挂联党委委员反映：希望多来学院调研');
    expect(textsTo(none, 'chenbiezhi')[0]).toBe('数学学院党总支目前没有挂联党委委员，未能提交。您可改为“向党委书记反映：……”或“向组织部反映：……”。');
    expect(textsTo(await say('wushengri', '向挂联党委委员李书记反映：希望多来学院调研'), 'wushengri')[0]).toContain('李书记不是计算机学院党总支的挂联党委委员');
  });

  it('anonymous: the addressee’s card, list and view say 一名党员; the reply still reaches the member', async () => {
    const filed = await file('zhenglao', '匿名向党总支书记提意见：多听听老同志的意见');
    anonymousToGb = filed.id;
    expect(filed.answer).toContain('对方只看到“一名党员”');
    const [card] = cardsTo(filed.sent, 'sunzongzhi');
    expect(JSON.stringify(card)).toContain('一名党员');
    expect(JSON.stringify(filed.sent.filter((m) => m.touser !== 'zhenglao'))).not.toContain('郑老党员');

    const list = textsTo(await say('sunzongzhi', '待回复的建议'), 'sunzongzhi')[0]!;
    expect(list).toContain(`建议${anonymousToGb} · 来自一名党员`);
    expect(list).not.toContain('郑老党员');
    const one = textsTo(await say('sunzongzhi', `建议${anonymousToGb}`), 'sunzongzhi')[0]!;
    expect(one).toContain('提出人：一名党员');
    expect(one).not.toContain('郑老党员');
    // The writer sees their own, named.
    expect(textsTo(await say('zhenglao', `建议${anonymousToGb}`), 'zhenglao')[0]).toContain('提出人：郑老党员（教工第一党支部）（匿名）');
  });

  it('bad inputs: empty text, an unknown number and someone else’s number get the same answer', async () => {
    expect(textsTo(await say('wushengri', '意见建议：'), 'wushengri')[0]).toBe('未提交：内容为空。请在冒号后写明您的意见建议，例如“意见建议：希望支部活动安排在周末”。');
    const unknown = textsTo(await say('zhouzhishu', '回复建议99999：好的'), 'zhouzhishu')[0]!;
    const notMine = textsTo(await say('zhouzhishu', `回复建议${anonymousToGb}：好的`), 'zhouzhishu')[0]!;
    expect(notMine.replace(anonymousToGb, 'N')).toBe(unknown.replace('99999', 'N'));
    const unseen = textsTo(await say('chenbiezhi', `建议${anonymousToGb}`), 'chenbiezhi')[0]!;
    const absent = textsTo(await say('chenbiezhi', '建议99998'), 'chenbiezhi')[0]!;
    expect(unseen.replace(anonymousToGb, 'N')).toBe(absent.replace('99998', 'N'));
    expect(unseen).not.toContain('郑老党员');
    expect(textsTo(await say('sunzongzhi', `回复建议${anonymousToGb}：`), 'sunzongzhi')[0]).toBe(`未回复：答复内容为空。请发送“回复建议${anonymousToGb}：……”。`);
  });

  it('the sweep reminds the addressee, escalates one level up at +3 working days (the member told once) and to the OD at +7', async () => {
    overdue = (await file('wangjinnian', '意见建议：希望组织生活会提前通知')).id;
    const soon = await sweep('2026-12-04');
    expect(cardsTo(soon, 'zhouzhishu').map((c) => c.main_title.title)).toContain(`意见建议两天后到期：建议${overdue}`);
    const due = await sweep('2026-12-07');
    expect(cardsTo(due, 'zhouzhishu').map((c) => c.main_title.title)).toContain(`意见建议今天到期：建议${overdue}`);
    expect(cardsTo(due, 'sunzongzhi').map((c) => c.main_title.title)).toContain(`意见建议今天到期：建议${anonymousToGb}`);

    const escalated = await sweep('2026-12-10');
    const toGb = textsTo(escalated, 'sunzongzhi').filter((t) => t.includes(`建议${overdue}`));
    expect(toGb).toHaveLength(1);
    expect(toGb[0]).toContain('**督办：意见建议已逾期3天');
    expect(textsTo(escalated, 'wangjinnian')).toEqual([`您的意见建议（建议${overdue}）应于12月7日前答复，目前已逾期，已报计算机学院党总支书记督办。收到答复后会第一时间转给您。`]);
    // The anonymous one to the GB secretary escalates to the OD, still without the name.
    const toOd = textsTo(escalated, 'zhaozuzhi').filter((t) => t.includes(`建议${anonymousToGb}`));
    expect(toOd).toHaveLength(1);
    expect(toOd[0]).toContain('一名党员');
    expect(JSON.stringify(escalated.filter((m) => m.touser !== 'zhenglao'))).not.toContain('郑老党员');

    // The sweep again the same day sends nothing twice.
    const rerun = await sweep('2026-12-10');
    expect(rerun.filter((m) => JSON.stringify(m).includes(`建议${overdue}`))).toEqual([]);

    const od = await sweep('2026-12-14');
    expect(textsTo(od, 'zhaozuzhi').filter((t) => t.includes(`建议${overdue}`))).toHaveLength(1);
    expect(textsTo(od, 'wangjinnian')).toEqual([]);

    // The GB secretary it was escalated to sees it and may reply; the member gets the reply.
    // (The chat helper's answer also holds the sweep's messages sent since the last message: the answer is the last.)
    expect(textsTo(await say('sunzongzhi', '待回复的建议'), 'sunzongzhi').at(-1)).toContain(`建议${overdue} · 来自王今年（教工第一党支部） · 送教工第一党支部书记 · 已逾期（12月7日前答复）`);
    const replied = await say('sunzongzhi', `回复建议${overdue}：已请支部提前一周通知`, 2);
    expect(textsTo(replied, 'wangjinnian').at(-1)).toContain('已请支部提前一周通知');
    expect(textsTo(await say('wangjinnian', '我的建议'), 'wangjinnian').at(-1)).toContain(`建议${overdue} · 11月30日 · 送教工第一党支部书记 · 已回复（12月14日）`);
  });

  it('the export and the admin API: the access rule’s rows, the anonymous writer named only for the OD', async () => {
    const db = stack.deps.db.db;
    const all = await collectVoice(db, 'suggestions', { today: '2026-12-14', viewer: OD_VIEWER });
    const anon = all.find((r) => r.id === anonymousToGb)!;
    expect(anon).toMatchObject({ writer_name: '郑老党员', writer_account: 'zhenglao', anonymous: true, addressee_office: 'gb_secretary', addressee_account: 'sunzongzhi', state: 'overdue', escalated_to: ['od'] });
    expect(all.find((r) => r.id === overdue)).toMatchObject({ state: 'replied', escalated_to: ['gb_secretary', 'od'], replied_by_name: '孙总支', addressee_office: 'branch_secretary', addressee_name: '周支书' });

    const gb = await collectVoice(db, 'suggestions', { today: '2026-12-14', viewer: viewerOf((await loadAccessPerson(db, (await memberId('sunzongzhi'))))!) });
    expect(gb.find((r) => r.id === anonymousToGb)).toMatchObject({ writer_name: '', writer_account: '', general_branch: '', branch: '' });
    expect(JSON.stringify(gb)).not.toContain('郑老党员');
    expect(gb.map((r) => r.id)).not.toContain(weekend);
    const stranger = await collectVoice(db, 'suggestions', { today: '2026-12-14', viewer: viewerOf((await loadAccessPerson(db, await memberId('chenbiezhi')))!) });
    expect(stranger).toEqual([]);

    const exported = await admin('/admin/export/suggestions?format=json&today=2026-12-14');
    expect(exported.status).toBe(200);
    const lines = (await exported.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((r) => r.id === anonymousToGb)).toMatchObject({ writer_name: '郑老党员', state: 'overdue' });

    const list = (await (await admin('/admin/voice/suggestions?actor=sunzongzhi')).json()) as { suggestions: Array<{ id: string; writer: unknown }> };
    expect(list.suggestions.find((s) => s.id === anonymousToGb)).toMatchObject({ writer: null, general_branch: null, branch: null });
    expect(JSON.stringify(list)).not.toContain('郑老党员');
    const odView = (await (await admin(`/admin/voice/suggestions/${anonymousToGb}`)).json()) as { suggestion: { writer: { name: string } } };
    expect(odView.suggestion.writer.name).toBe('郑老党员');
    expect((await admin(`/admin/voice/suggestions/${anonymousToGb}?actor=chenbiezhi`)).status).toBe(404);
    expect((await admin('/admin/voice/suggestions/99997?actor=chenbiezhi')).status).toBe(404);
    const refused = await admin(`/admin/voice/suggestions/${anonymousToGb}/reply`, { method: 'POST', body: JSON.stringify({ actor: 'zhouzhishu', text: '好的' }) });
    expect(refused.status).toBe(404);
    const start = stack.fake!.sent.length;
    const ok = await admin(`/admin/voice/suggestions/${anonymousToGb}/reply`, { method: 'POST', body: JSON.stringify({ actor: 'sunzongzhi', text: '下月起每季度召开一次老同志座谈会' }) });
    expect(ok.status).toBe(200);
    await waitForAllDelivered(stack);
    expect(textsTo(stack.fake!.sent.slice(start), 'zhenglao')[0]).toContain('下月起每季度召开一次老同志座谈会');
    expect((await admin(`/admin/voice/suggestions/${anonymousToGb}/reply`, { method: 'POST', body: JSON.stringify({ actor: 'sunzongzhi', text: '再说一次' }) })).status).toBe(409);
  });

  async function memberId(userid: string): Promise<string> {
    const row = await stack.deps.db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow();
    return String(row.id);
  }
});

describe('a vacant branch office', () => {
  let stack: Stack;
  const time = runningClock('2026-11-30T02:00:00Z');
  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    // 周支书 is only a GB committee member here: 教工第一党支部 has no secretary.
    await importCareRoster(stack.deps.db.db, CARE_ROWS.map((r) => (r.startsWith('周支书') ? r.replace('党总支委员;支部书记', '党总支委员') : r)));
  });
  afterAll(() => stack.close());
  const { say } = wecomChat(() => stack, time.clock, 9_600_000_000n);

  it('passes 意见建议 up to the GB secretary and says so', async () => {
    const sent = await say('wushengri', '意见建议：希望支部活动安排在周末', 2);
    const answer = sent.filter((m) => m.touser === 'wushengri').map(textOf)[0]!;
    expect(answer).toContain('将送计算机学院党总支书记孙总支同志');
    expect(answer).toContain('教工第一党支部暂无支部书记，按规定转上一级。');
    expect(sent.filter((m) => m.touser === 'sunzongzhi' && m.msgtype === 'template_card')).toHaveLength(1);
  });
});

describe('quiet hours', () => {
  let stack: Stack;
  // 22:00 on Monday 30 November 2026 in Shanghai.
  const time = runningClock('2026-11-30T14:00:00Z');
  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { QUIET_HOURS: '21:00-08:00' }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());
  const { say } = wecomChat(() => stack, time.clock, 9_700_000_000n);

  it('a suggestion written at 22:00: the writer is answered at once, the addressee’s card waits for 08:00', async () => {
    const sent = await say('wushengri', '意见建议：希望支部活动安排在周末');
    expect(sent.filter((m) => m.touser === 'wushengri').map(textOf)[0]).toContain('将送教工第一党支部书记周支书同志');
    expect(sent.filter((m) => m.touser === 'zhouzhishu')).toEqual([]);
    const held = await stack.deps.db.db.selectFrom('deliveries').select(['status', 'not_before', 'push']).where('recipient', '=', 'zhouzhishu').execute();
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ status: 'pending', push: true });
    expect(held[0]!.not_before!.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});
