// Issue 12, section 3, emergency aid (突发困难补助), end to end through signed WeCom callbacks, card clicks
// (template_card_event) and the fake WeCom API, on PostgreSQL: the member applies → the GB secretary taps 同意
// and adds a line → the OD replies "批准1500元" to its card → the OD taps 已发放 — the member told each time; a
// plain member of another branch pressing the GB's button with the same key changes nothing and learns nothing;
// a branch secretary applies for a member without a chat account (本人已同意) and, for one with an account, the
// member consents on a card; a missing amount is asked for; 不同意 and 不批准 take their reason from the next
// message; the admin API runs the same steps as a named actor under the same rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { TEST_PLATFORM } from '../helpers/dingtalk-as-wecom.ts';

const ADMIN_TOKEN = 'aid-e2e-admin-token-0123456789abcdef';

describe('issue 12: emergency aid, end to end', () => {
  let stack: Stack;
  // 10:00 on Wednesday 25 November 2026 in Shanghai: ten working days later is Wednesday 9 December.
  const time = runningClock('2026-11-25T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 9_300_000_000n);
  const db = () => stack.deps.db.db;
  const memberId = async (name: string) => String((await db().selectFrom('members').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id);
  const aidOf = async (name: string) =>
    db()
      .selectFrom('emergency_aids')
      .selectAll()
      .where('member_id', '=', await memberId(name))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
  type Card = { task_id: string; button_list: Array<{ key: string; text: string }> };
  const card = (sent: SentMessage[], to: string, title: string): Card | undefined => sent.find((m) => m.touser === to && m.msgtype === 'template_card' && m.body.template_card.main_title.title === title)?.body.template_card;
  const texts = (sent: SentMessage[], to: string) => sent.filter((m) => m.touser === to && m.msgtype !== 'template_card').map(textOf);
  const admin = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  let opinionCard: Card;

  it('the member applies in one message: the GB secretary gets the card with the working days left of the 10', async () => {
    const sent = await say('wushengri', '申请突发困难补助：孩子上学学费困难，申请2000元', 2);
    expect(texts(sent, 'wushengri')).toEqual(['已收到您的突发困难补助申请（子女上学，2,000元），已报计算机学院党总支提出意见，经党委组织部审批后发放，应于12月9日前发放到位。']);
    opinionCard = card(sent, 'sunzongzhi', '突发困难补助申请：吴生日')!;
    expect(opinionCard).toBeDefined();
    expect(opinionCard.button_list.map((b) => b.text)).toEqual(['同意', '不同意']);
    expect(JSON.stringify(opinionCard)).toContain('12月9日前（共10个工作日，尚余10个）');
    expect(JSON.stringify(opinionCard)).toContain('子女上学：孩子上学学费困难');
    // Nobody else hears of it: not the branch secretary, not the OD yet.
    expect(sent.map((m) => m.touser).sort()).toEqual(['sunzongzhi', 'wushengri']);
    expect(await aidOf('吴生日')).toMatchObject({ status: 'applied', cause: 'schooling', requested_fen: 200_000, pay_by: '2026-12-09', source: 'self' });
  });

  it('a plain member of another branch pressing 同意 with the same key changes nothing and learns nothing', async () => {
    for (const who of ['chenbiezhi', 'zhouzhishu']) {
      const sent = await click(who, opinionCard, '同意');
      expect(sent.map((m) => [m.touser, textOf(m)])).toEqual([[who, '没有找到由您办理的突发困难补助事项。']]);
    }
    // A made-up aid id reads exactly the same (on DingTalk a made-up button cannot be tagged: it is only text).
    const forged = { task_id: 'aid-999-opinion-1', button_list: [{ key: 'aidagree-999999', text: '同意' }] };
    const answer = (await click('chenbiezhi', forged, '同意')).map(textOf);
    if (TEST_PLATFORM === 'wecom') expect(answer).toEqual(['没有找到由您办理的突发困难补助事项。']);
    else expect(answer.join()).not.toMatch(/补助/);
    expect(await aidOf('吴生日')).toMatchObject({ status: 'applied', gb_agrees: null });
  });

  let decisionCard: Card;

  it('the GB secretary taps 同意 and adds a line: the member is told, the OD gets the decision card, then the line', async () => {
    const sent = await click('sunzongzhi', opinionCard, '同意', 3);
    expect(texts(sent, 'sunzongzhi')[0]).toBe('已提出意见：同意，已报党委组织部审批。如需补充意见，可直接回复一句话。');
    expect(texts(sent, 'wushengri')).toEqual(['吴生日同志：您的突发困难补助申请，计算机学院党总支意见为同意，已报党委组织部审批。']);
    decisionCard = card(sent, 'zhaozuzhi', '突发困难补助待审批：吴生日')!;
    expect(decisionCard.button_list.map((b) => b.text)).toEqual(['按申请额批准', '不批准']);
    expect(JSON.stringify(decisionCard)).toContain('12月9日前（共10个工作日，尚余10个）');

    const line = await say('sunzongzhi', '家庭情况属实，建议予以补助', 2);
    expect(texts(line, 'sunzongzhi')).toEqual(['已补充意见：“家庭情况属实，建议予以补助”，已转报党委组织部。']);
    expect(texts(line, 'zhaozuzhi')).toEqual(['计算机学院党总支对吴生日同志突发困难补助申请的意见（同意）补充如下：家庭情况属实，建议予以补助']);
    expect(await aidOf('吴生日')).toMatchObject({ status: 'gb_reviewed', gb_agrees: true, gb_note: '家庭情况属实，建议予以补助' });
    // A second press of the card (a minute later: WeCom dedupes a click by user, key and second): already done,
    // said to the secretary only.
    time.set('2026-11-25T02:30:00Z');
    const again = await click('sunzongzhi', opinionCard, '同意');
    expect(again.map(textOf)).toEqual(['吴生日同志的突发困难补助（子女上学，申请2,000元）：待党委组织部审批，无需重复操作。']);
  });

  let paymentCard: Card;

  it('the OD replies "批准1500元" to the card: the member and the GB are told, the OD gets the payment card', async () => {
    time.set('2026-11-26T02:00:00Z');
    const sent = await say('zhaozuzhi', '批准1500元', 4);
    expect(texts(sent, 'zhaozuzhi')).toEqual(['已批准吴生日同志突发困难补助1,500元（申请2,000元），请于12月9日前发放，发放后点“已发放”登记。']);
    expect(texts(sent, 'wushengri')).toEqual(['吴生日同志：您的突发困难补助申请已获党委组织部批准，金额1,500元，将于12月9日前发放。']);
    expect(texts(sent, 'sunzongzhi')).toEqual(['吴生日同志的突发困难补助已获党委组织部批准，金额1,500元。']);
    paymentCard = card(sent, 'zhaozuzhi', '突发困难补助待发放：吴生日')!;
    expect(paymentCard.button_list.map((b) => b.text)).toEqual(['已发放']);
    expect(JSON.stringify(paymentCard)).toContain('12月9日前（共10个工作日，尚余9个）');
    expect(await aidOf('吴生日')).toMatchObject({ status: 'approved', approved_fen: 150_000 });
  });

  it('the OD taps 已发放: recorded once, the member told', async () => {
    time.set('2026-11-27T02:00:00Z');
    const sent = await click('zhaozuzhi', paymentCard, '已发放', 2);
    expect(texts(sent, 'zhaozuzhi')).toEqual(['已登记：吴生日同志突发困难补助1,500元已于11月27日发放，在发放期限（12月9日）内。']);
    expect(texts(sent, 'wushengri')).toEqual(['吴生日同志：您的突发困难补助1,500元已发放，请注意查收。']);
    const aid = await aidOf('吴生日');
    expect(aid.status).toBe('paid');
    expect(String(aid.paid_by_member_id)).toBe(await memberId('赵组织'));
    const tasks = await db().selectFrom('assistance_tasks').select(['kind', 'status']).where('subject_id', '=', aid.id).orderBy('id').execute();
    expect(tasks).toEqual([
      { kind: 'aid_opinion', status: 'done' },
      { kind: 'aid_decision', status: 'done' },
      { kind: 'aid_payment', status: 'done' },
    ]);
    time.set('2026-11-27T02:30:00Z');
    expect((await click('zhaozuzhi', paymentCard, '已发放')).map(textOf)).toEqual(['吴生日同志的突发困难补助（子女上学，批准1,500元）：已发放，无需重复操作。']);
  });

  it('a branch secretary applies for a member without an account: only with 本人已同意, recorded as attested by them', async () => {
    const refused = await say('zhouzhishu', '为冯无号申请突发困难补助：家中遭火灾，申请5000元');
    expect(textOf(refused[0]!)).toContain('冯无号同志没有企业微信/钉钉账号，无法向本人发送确认');
    const sent = await say('zhouzhishu', '为冯无号申请突发困难补助：家中遭火灾，申请5000元，本人已同意', 2);
    expect(texts(sent, 'zhouzhishu')).toEqual(['已为冯无号同志提交突发困难补助申请（自然灾害，5,000元；本人同意由您代为确认），已报计算机学院党总支提出意见，经党委组织部审批后发放，应于12月11日前发放到位。']);
    expect(card(sent, 'sunzongzhi', '突发困难补助申请：冯无号')).toBeDefined();
    expect(JSON.stringify(card(sent, 'sunzongzhi', '突发困难补助申请：冯无号'))).toContain('周支书代为申请（本人已同意）');
    expect(await aidOf('冯无号')).toMatchObject({ status: 'applied', source: 'branch', consent_attested: true, consent_by_member_id: await memberId('周支书'), cause: 'disaster' });
    // Another branch's secretary may not apply for him, and is told just what a name nobody bears gets.
    const other = await say('chuzhishu', '为冯无号申请突发困难补助：家中遭火灾，申请5000元，本人已同意');
    const nobody = await say('chuzhishu', '为李不存在申请突发困难补助：家中遭火灾，申请5000元，本人已同意');
    expect(other.map(textOf)).toEqual(nobody.map(textOf));
  });

  it('不同意 takes its reason from the next message, and still goes to the OD; 不批准 takes its reason too', async () => {
    const fengCard = { task_id: 'aid-feng-opinion', button_list: [{ key: `aiddisagree-${(await aidOf('冯无号')).id}`, text: '不同意' }] };
    const asked = await click('sunzongzhi', fengCard, '不同意');
    expect(asked.map(textOf)).toEqual(['请回复不同意冯无号同志突发困难补助申请的理由（一句话），将随意见一并报党委组织部。']);
    const sent = await say('sunzongzhi', '已获保险理赔，建议不予补助', 2);
    expect(texts(sent, 'sunzongzhi')[0]).toBe('已提出意见：不同意（已获保险理赔，建议不予补助），已报党委组织部审批。');
    // The secretary who applied is told (冯无号 has no account: nothing goes to him).
    expect(texts(sent, 'zhouzhishu')).toEqual(['冯无号同志的突发困难补助申请，计算机学院党总支意见为不同意（已获保险理赔，建议不予补助），已报党委组织部审批。']);
    const decide = card(sent, 'zhaozuzhi', '突发困难补助待审批：冯无号')!;
    expect(JSON.stringify(decide)).toContain('不同意：已获保险理赔，建议不予补助');
    expect((await click('zhaozuzhi', decide, '不批准')).map(textOf)).toEqual(['请回复不批准冯无号同志突发困难补助申请的理由（一句话），将告知本人。']);
    const rejected = await say('zhaozuzhi', '已获保险理赔，不重复补助', 3);
    expect(texts(rejected, 'zhaozuzhi')).toEqual(['已决定不批准冯无号同志的突发困难补助申请，理由已告知本人和代为申请的支部书记。']);
    expect(texts(rejected, 'zhouzhishu')).toEqual(['冯无号同志的突发困难补助申请经党委组织部研究，未予批准，理由：已获保险理赔，不重复补助。']);
    expect(texts(rejected, 'sunzongzhi')).toEqual(['冯无号同志的突发困难补助申请经党委组织部研究，未予批准，理由：已获保险理赔，不重复补助。']);
    expect(await aidOf('冯无号')).toMatchObject({ status: 'rejected', gb_agrees: false, od_note: '已获保险理赔，不重复补助', approved_fen: null });
  });

  it('a secretary applies for a member with an account: the member consents on a card; a missing amount is asked for', async () => {
    const asked = await say('zhouzhishu', '为郑老党员申请突发困难补助：老伴突发脑溢血住院');
    expect(asked.map(textOf)).toEqual(['请问申请金额是多少？请直接回复金额，例如“2000元”。']);
    const sent = await say('zhouzhishu', '3000', 2);
    expect(texts(sent, 'zhouzhishu')[0]).toContain('已为郑老党员同志提交突发困难补助申请（重大疾病，3,000元），已请本人确认。');
    const consent = card(sent, 'zhenglao', '请确认：代为申请突发困难补助')!;
    expect(consent.button_list.map((b) => b.text)).toEqual(['同意', '不同意']);
    expect(await aidOf('郑老党员')).toMatchObject({ status: 'awaiting_consent', requested_fen: 300_000, note: '老伴突发脑溢血住院' });
    // Only the member answers it.
    expect((await click('zhouzhishu', consent, '同意')).map(textOf)).toEqual(['没有找到由您办理的突发困难补助事项。']);
    const agreed = await click('zhenglao', consent, '同意', 3);
    expect(texts(agreed, 'zhenglao')[0]).toContain('已记录您的意见：同意。您的突发困难补助申请已报计算机学院党总支提出意见');
    expect(texts(agreed, 'zhouzhishu')).toEqual(['郑老党员同志已同意您代为提交的突发困难补助申请，已报计算机学院党总支提出意见。']);
    expect(card(agreed, 'sunzongzhi', '突发困难补助申请：郑老党员')).toBeDefined();
    expect(await aidOf('郑老党员')).toMatchObject({ status: 'applied', consent_attested: false, consent_by_member_id: await memberId('郑老党员') });
  });

  it('the admin API: the same steps as a named actor, the same rule, codes for refusals, the list by state', async () => {
    const id = (await aidOf('郑老党员')).id;
    const forged = await admin('POST', `/admin/assistance/aid/${id}/opinion`, { actor: 'chenbiezhi', agree: true });
    expect(forged.status).toBe(404);
    expect(await forged.json()).toMatchObject({ error: { code: 'not_found' } });
    const unknown = await admin('POST', `/admin/assistance/aid/${id}/opinion`, { actor: 'nobody', agree: true });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_actor' } });
    const noReason = await admin('POST', `/admin/assistance/aid/${id}/opinion`, { actor: 'sunzongzhi', agree: false });
    expect(await noReason.json()).toMatchObject({ error: { code: 'needs_reason' } });
    const ok = await admin('POST', `/admin/assistance/aid/${id}/opinion`, { actor: 'sunzongzhi', agree: true, note: '属实' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ aid: { state: 'gb_reviewed', gb_opinion: { agrees: true, note: '属实', by: { account: 'sunzongzhi', name: '孙总支' } } } });
    const decided = await admin('POST', `/admin/assistance/aid/${id}/decision`, { actor: 'zhaozuzhi', approve: true, amount_yuan: '2500.50' });
    expect(await decided.json()).toMatchObject({ aid: { state: 'approved', approved_yuan: '2500.50', requested_yuan: '3000.00', pay_by: '2026-12-11' } });
    const twice = await admin('POST', `/admin/assistance/aid/${id}/decision`, { actor: 'zhaozuzhi', approve: true });
    expect(twice.status).toBe(409);
    const applied = await admin('POST', '/admin/assistance/aid', { actor: 'zhouzhishu', member: 'wangjinnian', note: '孩子入学', amount_yuan: 1000 });
    expect(applied.status).toBe(201);
    expect(await applied.json()).toMatchObject({ aid: { state: 'awaiting_consent', cause: 'schooling', requested_yuan: '1000.00', member: { account: 'wangjinnian', name: '王今年' } } });
    const list = (await (await admin('GET', '/admin/assistance/aid?state=approved')).json()) as { aids: Array<{ member: { name: string }; working_days_left: number }> };
    expect(list.aids.map((a) => a.member.name)).toEqual(['郑老党员']);
    expect(list.aids[0]!.working_days_left).toBeGreaterThan(0);
    expect((await admin('GET', '/admin/assistance/aid?state=bogus')).status).toBe(400);
    // The messages the chat would have sent went out: the member hears the decision.
    await say('zhenglao', '谢谢');
    expect(stack.fake!.sent.some((m) => m.touser === 'zhenglao' && textOf(m).includes('金额2,500.50元'))).toBe(true);
    expect(stack.fake!.sent.some((m) => m.touser === 'wangjinnian' && m.msgtype === 'template_card')).toBe(true);
  });
});
