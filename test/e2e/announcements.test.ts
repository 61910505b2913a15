// Issue 14 section 1, end to end through signed WeCom callbacks, card clicks and the fake WeCom API: who may send to
// whom; a branch secretary's 通报 previewed, then 发送 tapped twice and its callback duplicated — each recipient gets
// exactly one card; 已阅 counted per recipient from the clicker (a forwarded card clicked by someone else counts
// nothing); 通报阅读情况 and 未读名单 for the sender and the OD only; the reminder only to the unread, once, on the
// third day; 取消 and a superseded preview send nothing; the archive pages and shows one in full only to those it
// was addressed to; the export's rows per branch, filtered by the viewer; the admin routes; and in quiet hours a
// 通报 confirmed at 22:00 goes at 08:00 and the writer is told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, waitForAllDelivered, waitForQuiet, WECOM, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { eventXml } from '../helpers/wecom-signer.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { collectVoice } from '../../src/voice/export.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import { viewerOf } from '../../src/domain/access.ts';
import { TEST_PLATFORM } from '../helpers/dingtalk-as-wecom.ts';

const TOKEN = 'announce-e2e-admin-token-0123456789abcdef';
type Card = { task_id: string; button_list: Array<{ key: string; text: string }>; main_title: { title: string }; horizontal_content_list?: Array<{ keyname: string; value: string }> };

const cardsOf = (sent: SentMessage[], who: string): Card[] => sent.filter((m) => m.touser === who && m.msgtype === 'template_card').map((m) => m.body.template_card as Card);
const textsOf = (sent: SentMessage[], who: string): string[] => sent.filter((m) => m.touser === who && m.msgtype === 'text').map(textOf);
const idOf = (preview: string) => /^通报(\d+)预览/.exec(preview)![1]!;

describe('issue 14 section 1: reporting work and open Party affairs', () => {
  let stack: Stack;
  // 10:00 on Tuesday 1 December 2026 in Shanghai, a working day.
  const time = runningClock('2026-12-01T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const chat = wecomChat(() => stack, time.clock, 9_500_000_000n);
  // What reached anyone since the message was posted (clicks below are posted apart from the helper's count).
  const say = async (who: string, content: string, expectAtLeast = 1) => {
    const start = stack.fake!.sent.length;
    await chat.say(who, content, expectAtLeast);
    await waitForQuiet(stack);
    return stack.fake!.sent.slice(start);
  };
  const reply = async (who: string, content: string) => {
    const mine = textsOf(await say(who, content), who);
    expect(mine.length, content).toBe(1);
    return mine[0]!;
  };
  /** A text the writer sends and the preview it gets: its text, its card and the announcement id. */
  const compose = async (who: string, content: string) => {
    const sent = await say(who, content, 2);
    const [text] = textsOf(sent, who);
    const [card] = cardsOf(sent, who);
    expect(card, content).toBeDefined();
    // A preview goes to its writer only.
    expect(sent.filter((m) => m.touser !== who)).toEqual([]);
    return { text: text!, card: card!, id: idOf(text!), sent };
  };
  let createTime = 1_800_000_000;
  /** A button click as its own callback (a distinct event each time), returning what the stack sent after it. */
  const clickEvent = async (who: string, card: Card, button: string) => {
    const key = card.button_list.find((b) => b.text === button)!.key;
    const xml = eventXml({ from: who, event: 'template_card_event', eventKey: key, createTime: ++createTime, corpId: WECOM.corpId, TaskId: card.task_id, CardType: 'button_interaction', ResponseCode: 'none' });
    const start = stack.fake!.sent.length;
    await chat.post(xml);
    await waitForQuiet(stack);
    return { xml, sent: stack.fake!.sent.slice(start) };
  };
  const sweep = async (date: string) => {
    time.set(`${date}T02:00:00Z`);
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), date);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start);
  };
  const admin = (path: string) => fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const deliveriesOf = (id: string) =>
    stack.deps.db.db.selectFrom('deliveries').select(['recipient', 'status', 'push']).where('idempotency_key', 'like', `announcement:${id}:%`).orderBy('recipient').execute();

  it('who may send to whom: members no one, a branch secretary only the branch, a GB secretary the GB, the OD all', async () => {
    expect(await reply('wushengri', '向本支部党员通报：明天开会')).toContain('您暂无发送权限');
    expect(await reply('qianweiyuan', '党务公开：测试')).toContain('您暂无发送权限');
    const branchOnly = await reply('zhouzhishu', '向各支部通报：全校通知');
    expect(branchOnly).toContain('您不能向各党总支、党支部书记发送通报');
    expect(await reply('zhouzhishu', '向各支部书记通报：全院通知')).toContain('您不能向本总支各支部书记发送通报');
    expect(branchOnly).toContain('向本支部党员通报：……');
    expect(await reply('zhouzhishu', '党务公开：全体党员')).toContain('您不能向全体党员发送通报');
    expect(await reply('sunzongzhi', '向本支部党员通报：我不是支部书记')).toContain('您不能向本支部党员发送通报');
    expect(await reply('zhouzhishu', '向本支部党员通报：')).toContain('通报内容为空');
    // Audiences as the rule draws them (the sender is never one of their own recipients).
    const gbSecretaries = await compose('sunzongzhi', '向各支部书记通报：请各支部报送年度总结');
    expect(gbSecretaries.text).toContain('发送对象：本总支各支部书记1人。');
    const gbMembers = await compose('chuzhishu', '向本总支党员通报：数学学院党总支换届选举安排');
    expect(gbMembers.text).toContain('发送对象：本总支党员1人。');
    const od = await compose('zhaozuzhi', '向各支部通报：请各支部做好年终考评');
    expect(od.text).toContain('发送对象：各党总支、党支部书记3人。');
    const all = await compose('zhaozuzhi', '党务公开（表彰公示）：拟表彰优秀共产党员名单公示');
    expect(all.text).toContain('发送对象：全体党员10人，其中1人无企业微信/钉钉账号，需另行告知。');
    expect(all.text).toContain('通报');
    // The OD's newer preview superseded the older: its 发送 is refused and nothing goes.
    const stale = await clickEvent('zhaozuzhi', od.card, '发送');
    expect(textsOf(stale.sent, 'zhaozuzhi')[0]).toContain('已被您之后写的通报取代，未发送');
    expect(await deliveriesOf(od.id)).toEqual([]);
    // 取消 discards it.
    const cancelled = await clickEvent('zhaozuzhi', all.card, '取消');
    expect(textsOf(cancelled.sent, 'zhaozuzhi')[0]).toBe(`已取消，通报${all.id}未发送。`);
    expect(textsOf((await clickEvent('zhaozuzhi', all.card, '发送')).sent, 'zhaozuzhi')[0]).toContain('已取消，未发送');
    expect(await deliveriesOf(all.id)).toEqual([]);
    // Someone else's preview cannot be sent by them (the same answer as an unknown one).
    expect(textsOf((await clickEvent('zhouzhishu', gbSecretaries.card, '发送')).sent, 'zhouzhishu')[0]).toBe(`没有找到通报${gbSecretaries.id}，或它不在您可查看的范围内。`);
    expect(await deliveriesOf(gbSecretaries.id)).toEqual([]);
  });

  let branchId = '';
  let branchCards: SentMessage[] = [];
  const BODY = '本周五下午3点在学院会议室召开支部党员大会，学习全会精神，请准时参加。';

  it('preview, then 发送 tapped twice and a duplicated callback: each recipient exactly one card', async () => {
    const p = await compose('zhouzhishu', `向本支部党员通报：${BODY}`);
    branchId = p.id;
    expect(p.text).toContain(`通报${p.id}预览（尚未发送）：教工第一党支部通报`);
    expect(p.text).toContain('发送对象：本支部党员5人，其中1人无企业微信/钉钉账号，需另行告知。');
    expect(p.text).toContain('无企业微信/钉钉账号（请另行告知）：冯无号。');
    expect(p.text).toContain(BODY);
    expect(p.card.button_list.map((b) => b.text)).toEqual(['发送', '取消']);
    const first = await clickEvent('zhouzhishu', p.card, '发送');
    expect(textsOf(first.sent, 'zhouzhishu')[0]).toBe(`通报${p.id}已发给4人（另有1人无企业微信/钉钉账号，请另行告知）。发送「通报阅读情况${p.id}」查看阅读情况。`);
    // The same callback again (WeCom retries) and a second tap.
    await chat.post(first.xml);
    await waitForQuiet(stack);
    const second = await clickEvent('zhouzhishu', p.card, '发送');
    expect(textsOf(second.sent, 'zhouzhishu')[0]).toBe(`通报${p.id}已发送，不会重复发送。发送「通报阅读情况${p.id}」查看阅读情况。`);
    await waitForAllDelivered(stack);
    branchCards = stack.fake!.sent.filter((m) => m.msgtype === 'template_card' && String((m.body.template_card as Card).task_id).startsWith(`ann${p.id}p`));
    const to = branchCards.flatMap((m) => m.touser.split('|')).sort();
    expect(to).toEqual(['sunzongzhi', 'wangjinnian', 'wushengri', 'zhenglao']);
    const card = branchCards[0]!.body.template_card as Card;
    expect(card.main_title.title).toBe('教工第一党支部通报');
    expect(card.button_list.map((b) => b.text)).toEqual(['已阅']);
    expect(JSON.stringify(card)).toContain(`党务公开${p.id}`);
    const rows = await deliveriesOf(p.id);
    expect(rows.map((r) => [r.recipient, r.status, r.push])).toEqual([
      ['sunzongzhi', 'sent', true],
      ['wangjinnian', 'sent', true],
      ['wushengri', 'sent', true],
      ['zhenglao', 'sent', true],
    ]);
  });

  const recipientCard = (): Card => branchCards[0]!.body.template_card as Card;

  it('已阅 is counted per recipient from the click, once; a forwarded card clicked by another counts nothing', async () => {
    expect(textsOf((await clickEvent('wushengri', recipientCard(), '已阅')).sent, 'wushengri')).toEqual(['已阅，谢谢！']);
    expect(textsOf((await clickEvent('wushengri', recipientCard(), '已阅')).sent, 'wushengri')).toEqual(['您已阅读过这条通报。']);
    expect(textsOf((await clickEvent('zhenglao', recipientCard(), '已阅')).sent, 'zhenglao')).toEqual(['已阅，谢谢！']);
    expect(textsOf((await clickEvent('chenbiezhi', recipientCard(), '已阅')).sent, 'chenbiezhi')).toEqual(['没有找到这条通报，或它不是发给您的。']);
    const read = await stack.deps.db.db.selectFrom('announcement_recipients').select('member_id').where('announcement_id', '=', branchId).where('read_at', 'is not', null).execute();
    expect(read).toHaveLength(2);
    // Each counted click greys the clicker's card with 已阅 (the other clicker's card is not touched).
    const updates = await stack.deps.db.db.selectFrom('deliveries').select(['recipient', 'message']).where('recipient', 'in', ['wushengri', 'zhenglao', 'chenbiezhi']).execute();
    const greyed = updates.filter((d) => (d.message as { type: string }).type === 'card_update').map((d) => [d.recipient, (d.message as { replaceName: string }).replaceName]);
    // DingTalk's action cards cannot be updated: nothing to grey there.
    expect(greyed.sort()).toEqual(TEST_PLATFORM === 'wecom' ? [['wushengri', '已阅'], ['wushengri', '已阅'], ['zhenglao', '已阅']] : []);
  });

  it('通报阅读情况 and 未读名单: the figures and names for the sender and the OD, nobody else', async () => {
    const reads = await reply('zhouzhishu', '通报阅读情况');
    expect(reads).toContain(`通报${branchId}（12月1日，教工第一党支部通报，发给本支部党员）阅读情况：`);
    expect(reads).toContain('应发4人，已送达4人，已阅2人，未阅2人。');
    expect(reads).toContain('另有1人无企业微信/钉钉账号，需另行告知。');
    const unread = await reply('zhouzhishu', '未读名单');
    expect(unread).toContain(`通报${branchId}未阅2人：孙总支、王今年。`);
    expect(unread).toContain('无企业微信/钉钉账号1人（请另行告知）：冯无号。');
    expect(await reply('zhaozuzhi', `通报${branchId}未读名单`)).toContain('孙总支、王今年');
    expect(await reply('zhaozuzhi', `通报阅读情况${branchId}`)).toContain('已阅2人');
    // A recipient, the GB secretary above, another GB's: the same answer as an unknown one (one command each: WeCom
    // drops an identical text to the same person within 30 minutes).
    expect(await reply('wushengri', `通报阅读情况${branchId}`)).toBe(`没有找到通报${branchId}，或它不在您可查看的范围内。`);
    expect(await reply('sunzongzhi', `通报${branchId}未读名单`)).toBe(`没有找到通报${branchId}，或它不在您可查看的范围内。`);
    expect(await reply('chuzhishu', `通报${branchId}阅读情况`)).toBe(`没有找到通报${branchId}，或它不在您可查看的范围内。`);
    expect(await reply('wushengri', '通报阅读情况99999')).toBe('没有找到通报99999，或它不在您可查看的范围内。');
    expect(await reply('wushengri', '通报阅读情况')).toBe('您还没有发出过通报。');
    const mine = await reply('zhouzhishu', '我的通报');
    expect(mine).toContain(`${branchId}. 12月1日 发给本支部党员，已阅2/4：`);
  });

  it('the reminder: on the third day, only to the unread with an account, once', async () => {
    const reminders = (sent: SentMessage[]) => sent.filter((m) => m.msgtype === 'template_card' && String((m.body.template_card as Card).main_title.title).startsWith('【提醒】'));
    expect(reminders(await sweep('2026-12-03'))).toEqual([]);
    const sent = reminders(await sweep('2026-12-04'));
    expect(sent.map((m) => m.touser).sort()).toEqual(['sunzongzhi', 'wangjinnian']);
    const card = sent[0]!.body.template_card as Card;
    expect(card.main_title.title).toBe('【提醒】请阅读教工第一党支部通报');
    expect(card.button_list.map((b) => b.text)).toEqual(['已阅']);
    expect(JSON.stringify(card)).toContain('您尚未阅读');
    // Its 已阅 counts like the original's.
    expect(textsOf((await clickEvent('wangjinnian', card, '已阅')).sent, 'wangjinnian')).toEqual(['已阅，谢谢！']);
    expect(reminders(await sweep('2026-12-04'))).toEqual([]);
    expect(reminders(await sweep('2026-12-07'))).toEqual([]);
    time.set('2026-12-07T03:00:00Z');
  });

  it('a preview older than 24 hours is refused, and nothing goes', async () => {
    // 褚支书's preview of 1 December, never confirmed.
    const [preview] = await stack.deps.db.db
      .selectFrom('announcements as a')
      .innerJoin('members as m', 'm.id', 'a.sender_member_id')
      .select('a.id')
      .where('a.state', '=', 'preview')
      .where('m.userid', '=', 'chuzhishu')
      .execute();
    const sent = await say('chuzhishu', '通报阅读情况');
    expect(textsOf(sent, 'chuzhishu')).toEqual(['您还没有发出过通报。']);
    const card = { task_id: `annprev${preview!.id}`, button_list: [{ key: `annsend-${preview!.id}`, text: '发送' }], main_title: { title: '' } };
    expect(textsOf((await clickEvent('chuzhishu', card, '发送')).sent, 'chuzhishu')).toEqual([`通报${preview!.id}的预览已超过24小时，为防误发已失效，未发送。如仍需通报，请重新发送通报内容。`]);
    expect(await deliveriesOf(preview!.id)).toEqual([]);
  });

  it('the archive: addressed to the member, newest first, ten a page; one in full only to those it reached', async () => {
    // Eleven 党务公开 by the OD to all members.
    const ids: string[] = [];
    for (let i = 1; i <= 11; i++) {
      const p = await compose('zhaozuzhi', `党务公开：第${i}号公开事项，请全体党员知悉。`);
      expect(textsOf((await clickEvent('zhaozuzhi', p.card, '发送')).sent, 'zhaozuzhi')[0]).toContain(`通报${p.id}已发给9人（另有1人无企业微信/钉钉账号`);
      ids.push(p.id);
    }
    await waitForAllDelivered(stack);
    const page1 = await reply('wushengri', '党务公开');
    expect(page1).toContain('发给您的通报和党务公开（共12条，第1/2页，最新在前）：');
    expect(page1.split('\n')[1]).toBe(`${ids[10]}. 12月7日 党委组织部党务公开：第11号公开事项，请全体党员知悉。`);
    expect(page1.split('\n').filter((l) => l.startsWith(`${branchId}. `))).toEqual([]);
    expect(page1).toContain('「党务公开 第2页」看下一页');
    const page2 = await reply('wushengri', '党务公开 第2页');
    expect(page2).toContain('第2/2页');
    expect(page2).toContain(`${ids[0]}. 12月7日 党委组织部党务公开：第1号公开事项`);
    expect(page2).toContain(`${branchId}. 12月1日 教工第一党支部通报：`);
    expect(await reply('wushengri', '党务公开 第3页')).toBe('没有第3页，共2页。');
    expect(await reply('wushengri', `党务公开${branchId}`)).toBe(`通报${branchId}：教工第一党支部通报\n12月1日 教工第一党支部发出\n\n${BODY}`);
    // Not addressed to them: the same answer as an unknown one.
    expect(await reply('chenbiezhi', `党务公开${branchId}`)).toBe(`没有找到通报${branchId}，或它不在您可查看的范围内。`);
    expect(await reply('chenbiezhi', '党务公开999999')).toBe('没有找到通报999999，或它不在您可查看的范围内。');
    expect(await reply('chenbiezhi', '党务公开')).toContain('（共11条，第1/2页');
    // The sender reads their own; the writer of a preview never sent cannot be read by anyone.
    expect(await reply('zhouzhishu', `党务公开${branchId}`)).toContain(BODY);
  });

  it('the export: one row per announcement and branch, filtered by the viewer; CSV and JSON', async () => {
    const json = (await (await admin('/admin/export/announcements?format=json')).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.find((r) => r.id === branchId)).toEqual({
      id: branchId,
      kind: 'report_work',
      category: null,
      audience: 'branch_members',
      sender_account: 'zhouzhishu',
      sender_name: '周支书',
      sender_office: '教工第一党支部',
      created_at: expect.stringMatching(/^2026-12-01T10:\d\d:\d\d\+08:00$/) as unknown,
      sent_at: expect.stringMatching(/^2026-12-01T10:\d\d:\d\d\+08:00$/) as unknown,
      general_branch: '计算机学院党总支',
      branch: '教工第一党支部',
      addressed: 5,
      received: 4,
      read: 3,
      no_account: 1,
    });
    // A 党务公开 to all members: a row for each branch it reached.
    const perBranch = json.filter((r) => r.kind === 'announcement' && r.sender_account === 'zhaozuzhi');
    expect(perBranch).toHaveLength(11 * 4);
    const csv = (await (await admin('/admin/export/announcements?format=csv')).text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv[0]).toBe('id,kind,category,audience,sender_account,sender_name,sender_office,created_at,sent_at,general_branch,branch,addressed,received,read,no_account');
    // A branch secretary: what they sent and what reached their branch; not the other GBs' rows.
    const viewer = async (id: string) => viewerOf((await loadAccessPerson(stack.deps.db.db, id))!);
    const zhouId = (await stack.deps.db.db.selectFrom('members').select('id').where('userid', '=', 'zhouzhishu').executeTakeFirstOrThrow()).id;
    const zhou = await collectVoice(stack.deps.db.db, 'announcements', { viewer: await viewer(zhouId) });
    expect(new Set(zhou.map((r) => r.branch))).toEqual(new Set(['教工第一党支部']));
    expect(zhou.filter((r) => r.kind === 'announcement')).toHaveLength(11);
    const chenId = (await stack.deps.db.db.selectFrom('members').select('id').where('userid', '=', 'chenbiezhi').executeTakeFirstOrThrow()).id;
    expect(await collectVoice(stack.deps.db.db, 'announcements', { viewer: await viewer(chenId) })).toEqual([]);
  });

  it('the admin routes: the list and one announcement with who has not read it; an actor sees only theirs', async () => {
    const list = (await (await admin('/admin/voice/announcements')).json()) as { announcements: Array<Record<string, unknown>> };
    expect(list.announcements).toHaveLength(12);
    expect(list.announcements.find((a) => a.id === branchId)).toMatchObject({ audience: 'branch_members', addressed: 5, with_account: 4, received: 4, read: 3, no_account: 1 });
    const one = (await (await admin(`/admin/voice/announcements/${branchId}?actor=zhouzhishu`)).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ id: branchId, text: BODY, unread_members: [{ account: 'sunzongzhi', name: '孙总支', branch: '教工第一党支部' }], no_account_members: [{ account: '', name: '冯无号', branch: '教工第一党支部' }] });
    expect((await admin(`/admin/voice/announcements/${branchId}?actor=wushengri`)).status).toBe(404);
    expect((await admin('/admin/voice/announcements/999999')).status).toBe(404);
    const theirs = (await (await admin('/admin/voice/announcements?actor=zhouzhishu')).json()) as { announcements: Array<Record<string, unknown>> };
    expect(theirs.announcements.map((a) => a.id)).toEqual([branchId]);
  });
});

describe('issue 14 section 1: a 通报 confirmed in quiet hours goes at 08:00', () => {
  let stack: Stack;
  // 22:00 on Tuesday 1 December 2026 in Shanghai.
  const time = runningClock('2026-12-01T14:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { QUIET_HOURS: '21:00-08:00' }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 9_600_000_000n);

  it('the writer is told when; the cards are pushes held until 08:00, then each goes once', async () => {
    const sent = await say('zhouzhishu', '向本支部党员通报：明早8点半集合参加志愿服务。', 2);
    const preview = textsOf(sent, 'zhouzhishu')[0]!;
    expect(preview).toContain('现在是休息时间（21:00—8:00），确认后将于12月2日08:00发出。');
    const id = idOf(preview);
    const confirmed = await click('zhouzhishu', cardsOf(sent, 'zhouzhishu')[0]!, '发送');
    expect(textsOf(confirmed, 'zhouzhishu')[0]).toBe(`通报${id}已确认，将于12月2日08:00发给4人（另有1人无企业微信/钉钉账号，请另行告知）。发送「通报阅读情况${id}」查看阅读情况。`);
    const rows = await stack.deps.db.db.selectFrom('deliveries').select(['status', 'push', 'not_before']).where('idempotency_key', 'like', `announcement:${id}:%`).execute();
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toEqual({ status: 'pending', push: true, not_before: new Date('2026-12-02T00:00:00Z') });
    expect(stack.fake!.sent.filter((m) => m.msgtype === 'template_card' && m.touser !== 'zhouzhishu')).toEqual([]);
    // Not in anyone's archive before it goes.
    expect(textsOf(await say('wushengri', '党务公开'), 'wushengri')[0]).toBe('目前没有发给您的通报或党务公开信息。');
    // 08:00: the held jobs are taken again (as their delay running out would) and go, once each.
    time.set('2026-12-02T00:00:30Z');
    for (const job of await stack.deps.queues.outbound.getDelayed()) await job.promote();
    // However many platform calls carry them (a broadcast may name many recipients in one).
    const carded = () => stack.fake!.sent.filter((m) => m.msgtype === 'template_card' && m.touser !== 'zhouzhishu').flatMap((m) => m.touser.split('|'));
    await waitFor(() => carded().length >= 4, 60_000, 'the cards at 08:00');
    await waitForAllDelivered(stack);
    expect(carded().sort()).toEqual(['sunzongzhi', 'wangjinnian', 'wushengri', 'zhenglao']);
    expect(textsOf(await say('wushengri', '党务公开'), 'wushengri')[0]).toContain(`${id}. 12月2日 教工第一党支部通报：明早8点半集合参加志愿服务。`);
  });
});
