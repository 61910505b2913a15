// Issue 15 end to end: the same bot on DingTalk. Signed robot messages in, the fake DingTalk API out; a card
// button tapped (its dtmd link sends the member's own message) does what a WeCom click does; a duplicated msgId
// is answered once; a throttled send still delivers exactly once; a group @-mention is answered in the
// group with nothing personal; an address-book departure reaches the OD, who confirms 转出. Then a deployment
// serving WeCom and DingTalk: each push once, on the preferred platform the member is on; replies go back where
// the question came from; a DingTalk-only member's account never passes for a WeCom user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runningClock, startStack, waitForQuiet, type Stack } from '../helpers/stack.ts';
import { dingtalkChat } from '../helpers/dingtalk-chat.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { eventPush, robotMessage } from '../helpers/dingtalk-signer.ts';
import type { FakeDingtalkMessage } from '../helpers/fake-dingtalk.ts';

const EXTRA = [
  '张伟,zhangwei01,男,1990-01-01,2015-03-01,2016-03-01,计算机学院党总支,本科生第一党支部,,,',
  '张伟,zhangwei02,男,1992-02-02,2016-04-01,2017-04-01,计算机学院党总支,研究生党支部,,,',
];

const to = (msgs: FakeDingtalkMessage[], userId: string) => msgs.filter((m) => m.userIds.includes(userId));

describe('a DingTalk-only deployment', () => {
  let stack: Stack;
  const time = runningClock('2026-11-26T02:00:00Z'); // 10:00 Thursday in Shanghai
  const { say, tap, post, inGroup, settle } = dingtalkChat(() => stack, time.clock);
  const db = () => stack.deps.db.db;

  beforeAll(async () => {
    stack = await startStack({ dingtalk: true, workers: true, overrides: { clock: time.clock, maxRateLimitWaitMs: 300 } });
    await importCareRoster(db(), [...CARE_ROWS, ...EXTRA]);
    // Everyone's DingTalk userid differs from their account: the bot must translate both ways.
    await sql`update members set dingtalk_userid = 'dt_' || userid where userid is not null`.execute(db());
  });
  afterAll(() => stack.close());

  it('a report opens an obligation; the owner is told on DingTalk; a one-line reply logs and closes it', async () => {
    const out = await say('dt_wushengri', '报告：本人住院了，阑尾炎手术', 2);
    expect(to(out, 'dt_wushengri')[0]!.text).toContain('已收到报告（患病住院）');
    const task = to(out, 'dt_zhouzhishu')[0]!;
    expect(task.text).toContain('新的走访任务：吴生日');
    expect(out.every((m) => m.api === 'robot')).toBe(true);
    const logged = await say('dt_zhouzhishu', '已走访，送慰问金300元');
    expect(logged[0]!.userIds).toEqual(['dt_zhouzhishu']);
    expect(logged[0]!.text).toContain('已登记走访：吴生日');
    const ob = await db().selectFrom('care_obligations').select('status').where('source', '=', 'trigger').executeTakeFirstOrThrow();
    expect(ob.status).toBe('done');
  });

  it('a card button tapped on DingTalk does what the WeCom click does, once', async () => {
    const [q] = await say('dt_sunzongzhi', '昨天和张伟谈心了，工作失误，已认识到问题');
    expect(q!.text).toContain('您说的“张伟”是哪一位？');
    expect(q!.buttons.map((b) => b.title)).toEqual(['本科生第一党支部', '研究生党支部']);
    const stored = await db().selectFrom('inbound_events').select('id').execute();
    const [done] = await tap('dt_sunzongzhi', q!, '研究生党支部');
    expect(done!.text).toContain('已登记谈心：张伟');
    const event = await db().selectFrom('inbound_events').select(['kind', 'user_id']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(event.kind).toBe('card_click');
    expect(stored.length).toBeGreaterThan(0);
    const rec = await db().selectFrom('care_records').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    const zw2 = await db().selectFrom('members').select('id').where('userid', '=', 'zhangwei02').executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ member_id: zw2.id, reason: 'mistake', note: '已认识到问题' });
    const [again] = await tap('dt_sunzongzhi', q!, '本科生第一党支部');
    expect(again!.text).toContain('已经回答过');
  });

  it('a button message altered by hand is only text, never a click', async () => {
    const [q] = await say('dt_sunzongzhi', '今天和张伟谈心了，思想波动');
    const content = q!.buttons[0]!.content;
    const forged = content.replace(/\.([A-Za-z0-9_-]{12})$/, (_m, tag: string) => `.${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`);
    await say('dt_sunzongzhi', forged);
    const event = await db().selectFrom('inbound_events').select('kind').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(event.kind).toBe('text');
  });

  it('the same msgId posted three times at once is answered once', async () => {
    const body = robotMessage({ msgId: 'msgDTdup1', staffId: 'dt_zhouzhishu', content: '帮助', createAt: time.clock().getTime() });
    const statuses = await Promise.all([post(body), post(body), post(body)]);
    expect(statuses).toEqual([200, 200, 200]);
    const answers = await settle(1, 'the help');
    await waitForQuiet(stack);
    expect(await db().selectFrom('inbound_events').select('id').where('dedupe_key', '=', 'dt-msg:msgDTdup1').execute()).toHaveLength(1);
    // The help may be in parts; each part once, all to the writer.
    const texts = answers.map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect(answers.every((m) => m.userIds.join() === 'dt_zhouzhishu')).toBe(true);
  });

  it('throttled (HTTP 429 Throttling) in the middle: parked, then delivered exactly once', async () => {
    const calls = stack.dingtalk!.calls['oToMessages/batchSend'] ?? 0;
    stack.dingtalk!.inject('oToMessages/batchSend', { code: 'Throttling.Api', httpStatus: 429, atCall: calls + 1 });
    const out = await say('dt_wushengri', '你好');
    expect(out).toHaveLength(1);
    const row = await db().selectFrom('deliveries').select(['status', 'attempts', 'platform', 'recipient']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', platform: 'dingtalk', recipient: 'dt_wushengri' });
    expect(stack.dingtalk!.calls['oToMessages/batchSend']).toBe(calls + 2);
  });

  it('a card’s 延期 tapped twice (a DingTalk card cannot be greyed) postpones once', async () => {
    const out = await say('dt_zhenglao', '报告：本人住院了，骨折', 2);
    const card = to(out, 'dt_zhouzhishu')[0]!;
    expect(card.buttons.map((b) => b.title)).toEqual(['已完成', '延期']);
    const [first] = await tap('dt_zhouzhishu', card, '延期');
    expect(first!.text).toContain('延期至');
    const [second] = await tap('dt_zhouzhishu', card, '延期');
    expect(second!.text).toContain('这张卡片已经处理过了');
    const [third] = await tap('dt_zhouzhishu', card, '已完成');
    expect(third!.text).toContain('这张卡片已经处理过了');
    const ob = await db().selectFrom('care_obligations').innerJoin('members', 'members.id', 'care_obligations.member_id').select(['care_obligations.deferrals', 'care_obligations.escalated_on', 'care_obligations.status']).where('members.userid', '=', 'zhenglao').where('care_obligations.source', '=', 'trigger').executeTakeFirstOrThrow();
    expect(ob).toMatchObject({ deferrals: 1, escalated_on: null, status: 'open' });
  });

  it('an @-mention in a group is answered in the group, with the way to the private chat and nothing personal', async () => {
    const [a] = await inGroup('dt_zhouzhishu', 'cidGroupOne==', '我的待办');
    expect(a!.api).toBe('group');
    expect(a!.groupId).toBe('cidGroupOne==');
    expect(a!.text).toContain('请私聊我');
    expect(a!.text).not.toContain('周支书');
  });

  it('someone DingTalk knows but the roster does not is a stranger, even with a member’s account as their id', async () => {
    const [a] = await say('zhouzhishu', '待办');
    expect(a!.userIds).toEqual(['zhouzhishu']);
    expect(a!.text).toContain('还不在党员名册中');
    expect(a!.text).toContain('（zhouzhishu）');
  });

  it('user_leave_org: the OD is asked to confirm 转出; the first confirmation records it, nothing before', async () => {
    const push = eventPush({ plaintext: JSON.stringify({ EventType: 'user_leave_org', TimeStamp: String(time.clock().getTime()), UserId: ['dt_zhenglao'], CorpId: 'dingcorptest' }), timestamp: String(time.clock().getTime()) });
    const res = await fetch(`${stack.baseUrl}/dingtalk/events?${new URLSearchParams(push.query as Record<string, string>).toString()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(push.body) });
    expect(res.status).toBe(200);
    const [card] = await settle(1, 'the OD card');
    expect(card!.userIds).toEqual(['dt_zhaozuzhi']);
    expect(card!.text).toContain('钉钉通讯录：郑老党员已离开本单位');
    expect((await db().selectFrom('members').select('status').where('userid', '=', 'zhenglao').executeTakeFirstOrThrow()).status).toBe('active');
    // Nobody but the OD may confirm it, whatever they send.
    const [refused] = await tap('dt_sunzongzhi', card!, '确认转出');
    expect(refused!.text).toContain('须由党委组织部办理');
    const [ok] = await tap('dt_zhaozuzhi', card!, '确认转出');
    expect(ok!.text).toContain('已将郑老党员登记为转出');
    expect((await db().selectFrom('members').select('status').where('userid', '=', 'zhenglao').executeTakeFirstOrThrow()).status).toBe('transferred_out');
    const [again] = await tap('dt_zhaozuzhi', card!, '确认转出');
    expect(again!.text).toContain('已不在册');
  });
});

describe('a deployment serving WeCom and DingTalk', () => {
  let stack: Stack;
  const time = runningClock('2026-11-26T02:00:00Z');
  const dt = dingtalkChat(() => stack, time.clock);
  const wc = wecomChat(() => stack, time.clock, 8_100_000_000n);
  const db = () => stack.deps.db.db;

  beforeAll(async () => {
    stack = await startStack({ wecom: true, dingtalk: true, platforms: 'wecom,dingtalk', workers: true, overrides: { clock: time.clock } });
    await importCareRoster(db(), CARE_ROWS);
    // 周支书 is on both; 吴生日 only on DingTalk (known by his DingTalk account); the rest only on WeCom.
    await sql`update members set dingtalk_userid = 'dt_zhouzhishu' where userid = 'zhouzhishu'`.execute(db());
    await sql`update members set dingtalk_userid = userid, userid_from_dingtalk = true where userid = 'wushengri'`.execute(db());
  });
  afterAll(() => stack.close());

  it('a DingTalk-only member reports on DingTalk; the secretary on both gets the card once, on WeCom (preferred)', async () => {
    const wecomBefore = stack.fake!.sent.length;
    const out = await dt.say('wushengri', '报告：本人住院了，阑尾炎手术');
    expect(to(out, 'wushengri')[0]!.text).toContain('已收到报告（患病住院）');
    await waitForQuiet(stack);
    const onWecom = stack.fake!.sent.slice(wecomBefore);
    expect(onWecom.filter((m) => m.touser === 'zhouzhishu').map((m) => m.body.template_card?.main_title?.title)).toEqual(['新的走访任务：吴生日']);
    expect(stack.dingtalk!.sent.filter((m) => m.userIds.includes('dt_zhouzhishu'))).toHaveLength(0);
  });

  it('a member on both who writes on DingTalk is answered on DingTalk', async () => {
    const wecomBefore = stack.fake!.sent.length;
    const [a] = await dt.say('dt_zhouzhishu', '已走访，送慰问金300元');
    expect(a!.userIds).toEqual(['dt_zhouzhishu']);
    expect(a!.text).toContain('已登记走访：吴生日');
    expect(stack.fake!.sent.length).toBe(wecomBefore);
  });

  it('from WeCom, the account of a DingTalk-only member is a stranger', async () => {
    const out = await wc.say('wushengri', '待办');
    const answers = out.filter((m) => m.touser === 'wushengri');
    expect(answers).toHaveLength(1);
    expect(textOf(answers[0]!)).toContain('还不在党员名册中');
  });

  it('what went where: the DingTalk-only member on DingTalk (but the WeCom stranger of his id on WeCom), the secretary by preference', async () => {
    const rows = await db().selectFrom('deliveries').select(['platform', 'recipient', 'message']).execute();
    const on = (platform: string, recipient: string) => rows.filter((r) => r.platform === platform && r.recipient === recipient).length;
    expect(on('dingtalk', 'wushengri')).toBe(1); // the report's acknowledgement
    expect(on('wecom', 'wushengri')).toBe(1); // the stranger's answer
    expect(on('wecom', 'zhouzhishu')).toBe(1); // the task card (a push: preferred platform)
    expect(on('dingtalk', 'dt_zhouzhishu')).toBe(1); // the answer to what he wrote on DingTalk
  });
});
