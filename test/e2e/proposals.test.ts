// Issue 14 section 3 (and 4 for proposals), end to end through signed WeCom callbacks, card clicks and the fake
// WeCom API: a delegate (roster column 党代会代表) files a proposal and a member who is not one is pointed to 意见建议;
// the OD's card registers it (tapped twice: once); it is assigned to a member, who answers, and the delegate is told
// each step; the sweep reminds the assignee before and on the due day and escalates to the OD at +3 and +7 (the
// delegate told once); a proposal left unregistered reminds the OD after 7 days; 不予立案 takes the reason from the
// next message; an office outside the roster is answered for by the OD; nobody else sees a proposal — in chat, the
// admin API or the export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/notices/sweep.ts';
import { importRosterFile } from '../../src/roster/import.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import { viewerOf } from '../../src/domain/access.ts';
import { collectVoice } from '../../src/voice/export.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { CARE_HEADER, CARE_ROWS } from '../helpers/care-roster.ts';
import { runningClock, startStack, waitForAllDelivered, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';

const TOKEN = 'proposals-e2e-admin-token-0123456789abcdef';
type Card = { task_id: string; button_list: Array<{ key: string; text: string }>; main_title: { title: string } };

describe('issue 14 section 3: delegates’ proposals', () => {
  let stack: Stack;
  // 10:00 on Tuesday 1 December 2026 in Shanghai.
  const time = runningClock('2026-12-01T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    // 吴生日 is a Party congress delegate (党代会代表); nobody else is.
    const rows = CARE_ROWS.map((r) => `${r},${r.split(',')[1] === 'wushengri' ? '是' : ''}`);
    const out = await importRosterFile(stack.deps.db.db, Buffer.from([`${CARE_HEADER},党代会代表`, ...rows].join('\n'), 'utf8'), { today: '2026-12-01' });
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 9_600_000_000n);
  // Messages the last sweep sent are not part of a chat answer (the chat helper counts from its own last call).
  let swept = 0;
  const fresh = (sent: SentMessage[]) => sent.filter((m) => stack.fake!.sent.indexOf(m) >= swept);
  const texts = (sent: SentMessage[], who: string) => fresh(sent).filter((m) => m.touser === who && m.msgtype !== 'template_card').map(textOf);
  const cardsOf = (sent: SentMessage[], who: string): Card[] => sent.filter((m) => m.touser === who && m.msgtype === 'template_card').map((m) => m.body.template_card as Card);
  const reply = async (who: string, content: string, expectAtLeast = 1) => {
    const sent = await say(who, content, expectAtLeast);
    const mine = texts(sent, who);
    expect(mine.length, content).toBe(1);
    return { text: mine[0]!, sent };
  };
  const sweep = async (date: string) => {
    time.set(`${date}T02:00:00Z`);
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), date);
    await waitForAllDelivered(stack);
    swept = stack.fake!.sent.length;
    return stack.fake!.sent.slice(start).filter((m) => textOf(m).includes('提案'));
  };
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const stateOf = async (id: string) => stack.deps.db.db.selectFrom('proposals').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  let p1 = '';
  let odCard: Card | undefined;

  it('only a delegate files; the OD gets the full text and a card with 立案 / 不予立案', async () => {
    const refused = await reply('zhenglao', '提案：关于增加老党员活动经费的建议');
    expect(refused.text).toContain('提案由党代会代表提交');
    expect(refused.text).toContain('意见建议：');
    expect(await stack.deps.db.db.selectFrom('proposals').select('id').execute()).toEqual([]);
    expect((await reply('wushengri', '提案：')).text).toContain('提案内容为空');
    expect((await reply('wushengri', `提案：${'很'.repeat(1001)}`)).text).toContain('超过1000字');

    const filed = await reply('wushengri', '提案：关于加强青年教师思想政治工作的建议\n建议每学期组织一次青年教师座谈会。', 3);
    p1 = /已提交提案(\d+)/.exec(filed.text)![1]!;
    expect(filed.text).toContain('关于加强青年教师思想政治工作的建议');
    expect(texts(filed.sent, 'zhaozuzhi')[0]).toContain(`党代会代表吴生日（计算机学院党总支教工第一党支部）提交了提案${p1}：\n关于加强青年教师思想政治工作的建议\n建议每学期组织一次青年教师座谈会。`);
    odCard = cardsOf(filed.sent, 'zhaozuzhi')[0];
    expect(odCard?.main_title.title).toBe(`党代会代表提案${p1}：待立案`);
    expect(odCard?.button_list.map((b) => b.text)).toEqual(['立案', '不予立案']);
    // Nobody but the OD hears of it.
    expect(new Set(filed.sent.map((m) => m.touser))).toEqual(new Set(['wushengri', 'zhaozuzhi']));
  });

  it('nobody but the delegate and the OD sees it; a forged click is answered as for no proposal', async () => {
    expect((await reply('wushengri', `提案${p1}`)).text).toContain('建议每学期组织一次青年教师座谈会');
    expect((await reply('zhaozuzhi', `提案${p1}`)).text).toContain('待立案');
    const none = `没有找到提案${p1}。`;
    // (The fake WeCom drops identical text to one person within 30 minutes: each asks once.)
    for (const who of ['zhenglao', 'zhouzhishu', 'lishuji', 'chuzhishu']) expect((await reply(who, `提案${p1}`)).text, who).toContain(none);
    expect((await reply('zhouzhishu', '提案9999')).text).toContain('没有找到提案9999。');
    const forged = await click('chenbiezhi', odCard!, '立案');
    expect(texts(forged, 'chenbiezhi')[0]).toContain(none);
    expect((await reply('sunzongzhi', `提案${p1}交由周支书办理`)).text).toContain(none);
    expect((await stateOf(p1)).state).toBe('filed');
    expect((await reply('zhouzhishu', '提案列表')).text).toContain('提案列表由党委组织部查看');
  });

  it('立案 on the card registers it once, however often it is tapped; the delegate is told once', async () => {
    const first = await click('zhaozuzhi', odCard!, '立案', 2);
    expect(texts(first, 'zhaozuzhi')[0]).toContain(`已立案：提案${p1}（吴生日），答复期限12月31日`);
    expect(texts(first, 'wushengri')).toEqual([`您的提案${p1}（关于加强青年教师思想政治工作的建议）已由党委组织部立案，答复期限为12月31日。交办后将告诉您承办单位。`]);
    // A second tap (a later click: the same second's duplicate callback is dropped by its dedupe key).
    time.set(new Date(time.clock().getTime() + 2_000).toISOString());
    const second = await click('zhaozuzhi', odCard!, '立案');
    expect(texts(second, 'zhaozuzhi')[0]).toContain(`提案${p1}已立案，无需再操作`);
    expect(texts(second, 'wushengri')).toEqual([]);
    const row = await stateOf(p1);
    expect([row.state, row.registered_on, row.due_on]).toEqual(['registered', '2026-12-01', '2026-12-31']);
  });

  it('assigned to a member: they are told and answer later; the delegate is told to whom', async () => {
    expect((await reply('zhaozuzhi', `提案${p1}交由吴生日办理`)).text).toContain('不能交由提案人本人办理');
    const assigned = await reply('zhaozuzhi', `提案${p1}交由郑老党员办理`, 3);
    expect(assigned.text).toContain(`已将提案${p1}交由郑老党员（计算机学院党总支教工第一党支部）办理，答复期限12月31日。已通知本人`);
    expect(texts(assigned.sent, 'zhenglao')[0]).toContain(`党委组织部交办党代会代表提案${p1}，请于12月31日前答复`);
    expect(texts(assigned.sent, 'wushengri')[0]).toBe(`您的提案${p1}（关于加强青年教师思想政治工作的建议）已交由郑老党员办理，答复期限为12月31日。`);
    // The assignee now sees it, and lists it as theirs to do; another member still does not.
    expect((await reply('zhenglao', `提案${p1}`)).text).toContain('承办：郑老党员');
    expect((await reply('zhenglao', '待办提案')).text).toContain(`提案${p1}`);
    expect((await reply('qianweiyuan', `提案${p1}答复：已办理`)).text).toContain(`没有找到提案${p1}。`);
    expect((await reply('wushengri', `提案${p1}答复：我自己答复`)).text).toContain('答复由承办人');
  });

  let p2 = '';
  it('a proposal left unregistered reminds the OD with its card after 7 days, once', async () => {
    const filed = await reply('wushengri', '提案：关于完善校园无障碍设施的建议', 3);
    p2 = /已提交提案(\d+)/.exec(filed.text)![1]!;
    expect(await sweep('2026-12-07')).toEqual([]);
    const week = await sweep('2026-12-08');
    const cards = cardsOf(week, 'zhaozuzhi');
    expect(cards.map((c) => c.main_title.title)).toEqual([`提案${p2}待立案（已7天）`]);
    expect(await sweep('2026-12-08')).toEqual([]);
    // 不予立案 from the reminder card: the reason is the next message; the delegate gets it.
    const asked = await click('zhaozuzhi', cards[0]!, '不予立案');
    expect(texts(asked, 'zhaozuzhi')[0]).toContain(`请回复提案${p2}不予立案的理由`);
    const declined = await reply('zhaozuzhi', '属于学校行政事务，已转相关部门研究', 2);
    expect(declined.text).toContain(`已登记：提案${p2}不予立案`);
    expect(texts(declined.sent, 'wushengri')).toEqual([`您的提案${p2}（关于完善校园无障碍设施的建议）经党委组织部审查，不予立案。理由：属于学校行政事务，已转相关部门研究`]);
    expect((await stateOf(p2)).state).toBe('declined');
    expect((await reply('zhaozuzhi', `提案${p2}立案`)).text).toContain('已不予立案');
  });

  it('the sweep reminds the assignee 2 days before and on the due day, then the OD at +3 and +7; the delegate once', async () => {
    const soon = await sweep('2026-12-29');
    expect(soon.map((m) => m.touser)).toEqual(['zhenglao']);
    expect(textOf(soon[0]!)).toContain('提案答复提醒：两天后到期');
    expect(await sweep('2026-12-30')).toEqual([]);
    const today = await sweep('2026-12-31');
    expect(today.map((m) => m.touser)).toEqual(['zhenglao']);
    expect(textOf(today[0]!)).toContain('今天到期');
    const plus3 = await sweep('2027-01-04');
    expect(plus3.map((m) => m.touser).sort()).toEqual(['wushengri', 'zhaozuzhi']);
    expect(textOf(plus3.find((m) => m.touser === 'zhaozuzhi')!)).toContain('督办：提案答复已逾期3天');
    expect(textOf(plus3.find((m) => m.touser === 'zhaozuzhi')!)).toContain('由郑老党员');
    expect(textOf(plus3.find((m) => m.touser === 'wushengri')!)).toContain('现已逾期，党委组织部正在督办');
    expect(await sweep('2027-01-04')).toEqual([]);
    const plus7 = await sweep('2027-01-07');
    expect(plus7.map((m) => m.touser)).toEqual(['zhaozuzhi']);
    expect(textOf(plus7[0]!)).toContain('已逾期7天');
    // The OD's to-do shows it overdue.
    expect((await reply('zhaozuzhi', '待办提案')).text).toContain('已逾期');
  });

  it('the assignee answers: the delegate gets the answer, the OD hears; a second answer records nothing', async () => {
    const answered = await reply('zhenglao', `提案${p1}答复：已纳入明年工作要点，每学期召开一次青年教师座谈会。`, 3);
    expect(answered.text).toBe(`已登记提案${p1}的答复，已转告提案人吴生日。`);
    expect(texts(answered.sent, 'wushengri')[0]).toBe(`您的提案${p1}（关于加强青年教师思想政治工作的建议）已答复（承办：郑老党员）：\n已纳入明年工作要点，每学期召开一次青年教师座谈会。`);
    expect(texts(answered.sent, 'zhaozuzhi')[0]).toContain(`提案${p1}（吴生日）已由郑老党员答复`);
    expect((await reply('zhenglao', `提案${p1}答复：再补充`)).text).toContain('已答复，无需再登记');
    expect((await stateOf(p1)).state).toBe('answered');
    expect(await sweep('2027-01-08')).toEqual([]);
    const mine = (await reply('wushengri', '我的提案')).text;
    expect(mine).toContain(`提案${p1} 关于加强青年教师思想政治工作的建议（已答复，承办：郑老党员）`);
    expect(mine).toContain(`提案${p2} 关于完善校园无障碍设施的建议（不予立案，理由：属于学校行政事务，已转相关部门研究）`);
    expect((await reply('zhenglao', '我的提案')).text).toContain('提案由党代会代表提交');
  });

  let p3 = '';
  it('an office outside the roster: the OD records its answer', async () => {
    const filed = await reply('wushengri', '提案：关于改善教职工食堂的建议', 3);
    p3 = /已提交提案(\d+)/.exec(filed.text)![1]!;
    expect((await reply('zhaozuzhi', `提案${p3}交由后勤处办理`)).text).toContain('尚未立案');
    expect((await reply('zhaozuzhi', `提案${p3}立案`, 2)).text).toContain(`已立案：提案${p3}`);
    // A member among namesakes is written with the branch; a wrong branch is refused, not taken for an office.
    expect((await reply('zhaozuzhi', `提案${p3}交由郑老党员（教工党支部）办理`)).text).toContain('名册中没有教工党支部的郑老党员');
    const first = await reply('zhaozuzhi', `提案${p3}交由郑老党员（教工第一党支部）办理`, 3);
    expect(first.text).toContain(`已将提案${p3}交由郑老党员（计算机学院党总支教工第一党支部）办理`);
    // Their chat account names the same member (not an office called "zhenglao"): already theirs, nothing changes.
    expect((await reply('zhaozuzhi', `提案${p3}交由zhenglao办理`)).text).toBe(`提案${p3}已交由郑老党员办理，无需再交办。`);
    // Reassigned to an office: the member first assigned is told they need not answer.
    const office = await reply('zhaozuzhi', `提案${p3}交由后勤处办理`, 3);
    expect(texts(office.sent, 'zhenglao')).toEqual([`提案${p3}已改由后勤处办理，您无需再答复。`]);
    expect(office.text).toContain('“后勤处”不在党员名册中，按部门交办');
    expect(texts(office.sent, 'wushengri')[0]).toContain('已交由后勤处办理');
    const answered = await reply('zhaozuzhi', `提案${p3}答复：食堂已增设晚餐窗口。`, 2);
    expect(answered.text).toContain('已转告提案人吴生日');
    expect(texts(answered.sent, 'wushengri')[0]).toContain('（承办：后勤处）：\n食堂已增设晚餐窗口。');
  });

  let p4 = '';
  it('the admin API takes the OD’s steps as the chat does, and tells the delegate', async () => {
    const filed = await reply('wushengri', '提案：关于优化研究生党支部设置的建议', 3);
    p4 = /已提交提案(\d+)/.exec(filed.text)![1]!;
    const post = (step: string, body: object = {}) => admin(`/admin/voice/proposals/${p4}/${step}`, { method: 'POST', body: JSON.stringify(body) });
    const start = stack.fake!.sent.length;
    expect((await post('answer', { text: '太早' })).status).toBe(409);
    const registered = await post('register');
    expect(registered.status).toBe(200);
    expect(((await registered.json()) as { proposal: { state: string; due_on: string } }).proposal).toMatchObject({ state: 'registered', due_on: '2027-02-07' });
    expect((await post('register')).status).toBe(409);
    expect((await post('assign', {})).status).toBe(400);
    expect((await post('assign', { to: '研究生工作部' })).status).toBe(200);
    const answered = await post('answer', { text: '已研究，明年调整。' });
    expect(((await answered.json()) as { proposal: { state: string; assignee: unknown } }).proposal).toMatchObject({ state: 'answered', assignee: { office: '研究生工作部' } });
    expect((await admin('/admin/voice/proposals/9999/register', { method: 'POST', body: '{}' })).status).toBe(404);
    await waitForAllDelivered(stack);
    const heard = stack.fake!.sent.slice(start).filter((m) => m.touser === 'wushengri').map(textOf);
    // Three steps, three messages; separate deliveries may arrive in either order.
    expect(heard).toHaveLength(3);
    expect(heard).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`您的提案${p4}（关于优化研究生党支部设置的建议）已由党委组织部立案，答复期限为2月7日`),
        expect.stringContaining('已交由研究生工作部办理'),
        expect.stringContaining('（承办：研究生工作部）：\n已研究，明年调整。'),
      ]),
    );
  });

  it('the export and the admin API show a proposal only to those the access rule lets see it', async () => {
    const db = stack.deps.db.db;
    const all = await collectVoice(db, 'proposals', { today: '2027-01-08' });
    expect(all.map((r) => [r.id, r.state, r.delegate_account, r.assignee_account ?? r.assignee_office])).toEqual([
      [p1, 'answered', 'wushengri', 'zhenglao'],
      [p2, 'declined', 'wushengri', null],
      [p3, 'answered', 'wushengri', '后勤处'],
      [p4, 'answered', 'wushengri', '研究生工作部'],
    ]);
    expect(all[0]).toMatchObject({ due_on: '2026-12-31', registered_at: expect.stringMatching(/^2026-12-01T10:0\d:\d\d(\.\d+)?\+08:00$/), general_branch: '计算机学院党总支', branch: '教工第一党支部' });
    expect(all[1]!.decline_reason).toBe('属于学校行政事务，已转相关部门研究');
    const asViewer = async (userid: string) => {
      const m = await db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow();
      return viewerOf((await loadAccessPerson(db, m.id))!);
    };
    expect((await collectVoice(db, 'proposals', { viewer: await asViewer('zhenglao') })).map((r) => r.id)).toEqual([p1]);
    expect((await collectVoice(db, 'proposals', { viewer: await asViewer('wushengri') })).length).toBe(4);
    expect((await collectVoice(db, 'proposals', { viewer: await asViewer('zhouzhishu') })).length).toBe(0);
    expect((await collectVoice(db, 'proposals', { viewer: await asViewer('lishuji') })).length).toBe(0);

    const list = await admin('/admin/voice/proposals?actor=sunzongzhi');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { proposals: unknown[] }).proposals).toEqual([]);
    expect((await admin(`/admin/voice/proposals/${p1}?actor=chuzhishu`)).status).toBe(404);
    expect((await admin('/admin/voice/proposals/9999')).status).toBe(404);
    const one = await admin(`/admin/voice/proposals/${p1}?actor=zhenglao`);
    expect(((await one.json()) as { proposal: { state: string } }).proposal.state).toBe('answered');
    const csv = await admin('/admin/export/proposals?format=csv');
    expect(csv.status).toBe(200);
    expect((await csv.text()).replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'id,delegate_account,delegate_name,general_branch,branch,title,text,state,overdue,filed_at,registered_at,due_on,declined_at,decline_reason,assignee_account,assignee_name,assignee_office,assigned_at,answered_at,answer',
    );
  });
});
