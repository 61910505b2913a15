// Report → obligation → reminder card in the sweep → a click on 已完成 through an encrypted WeCom callback →
// the visit is recorded, the obligation done, and the clicked card updated; 延期 moves the due date, at most
// twice: the third press is refused and the obligation escalates as if overdue (issue 11 point 8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, WECOM, type Stack } from '../helpers/stack.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { eventXml, makeCallback, toQueryString } from '../helpers/wecom-signer.ts';
import { reportTrigger } from '../../src/care/obligations.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';

describe('reminder cards', () => {
  let stack: Stack;
  const time = runningClock('2026-11-25T01:30:00Z');
  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const memberId = async (u: string) => (await stack.deps.db.db.selectFrom('members').select('id').where('userid', '=', u).executeTakeFirstOrThrow()).id;

  async function click(from: string, card: { task_id: string; button_list: Array<{ key: string }> }, button: number, createTime: number) {
    // WeCom's callback carries a response code for the card; the fake issued it when the card was sent.
    // The fake may have a card it sent before its delivery row records the code: wait for the row (a busy sweep
    // day sends other notices with it). A card the test made up has none.
    const sentCard = stack.fake!.sent.some((m) => m.msgtype === 'template_card' && m.body.template_card.task_id === card.task_id);
    const codeOf = async () => {
      const sent = await stack.deps.db.db.selectFrom('deliveries').select(['response_code', 'message']).where('platform_msgid', 'is not', null).execute();
      return sent.find((d) => (d.message as { card?: { taskId?: string } }).card?.taskId === card.task_id)?.response_code ?? undefined;
    };
    const responseCode = sentCard ? await waitFor(codeOf, 10_000, 'the card delivery\'s response code') : 'none';
    const xml = eventXml({ from, event: 'template_card_event', eventKey: card.button_list[button]!.key, createTime, corpId: WECOM.corpId, TaskId: card.task_id, CardType: 'button_interaction', ResponseCode: responseCode });
    // Signed at the stack's (test) time: the server checks the timestamp against its own clock.
    const cb = makeCallback({ ...WECOM, plaintextXml: xml, timestamp: String(Math.floor(time.clock().getTime() / 1000)) });
    const res = await fetch(`${stack.baseUrl}/wecom/callback?${toQueryString(cb.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });
    expect(res.status).toBe(200);
  }

  it('已完成 on the reminder records the visit and closes the obligation', async () => {
    const wu = await memberId('wushengri');
    const zheng = await memberId('zhenglao');
    const [hosp, job] = await stack.deps.db.db.transaction().execute(async (trx) => [
      await reportTrigger(trx, { memberId: wu, reason: 'hospitalised', occurredOn: '2026-11-25', note: '', reportedBy: wu, today: '2026-11-25', reportedAt: time.clock() }),
      await reportTrigger(trx, { memberId: zheng, reason: 'job_change', occurredOn: '2026-11-25', note: '', reportedBy: zheng, today: '2026-11-25', reportedAt: time.clock() }),
    ]);
    expect(hosp.obligations.map((o) => [o.kind, o.dueOn, o.owner.role])).toEqual([['visit', '2026-12-02', 'branch_secretary']]);
    expect(job.obligations.map((o) => [o.kind, o.dueOn, o.owner.role])).toEqual([['talk', '2026-12-02', 'gb_secretary']]);

    // Two days before the due date: the owners get cards.
    time.set('2026-11-30T01:30:00Z');
    await runSweep(sweepDeps(stack.deps), '2026-11-30');
    const cards = await waitFor(() => {
      const c = stack.fake!.sent.filter((m) => m.msgtype === 'template_card');
      return c.length >= 2 ? c : undefined;
    }, 60_000, 'reminder cards');
    expect(cards.map((c) => c.touser).sort()).toEqual(['sunzongzhi', 'zhouzhishu']);
    const visitCard = cards.find((c) => c.touser === 'zhouzhishu')!.body.template_card;
    expect(visitCard.main_title.title).toBe('走访两天后到期：吴生日');
    expect(visitCard.button_list.map((b: { text: string }) => b.text)).toEqual(['已完成', '延期']);

    await click('zhouzhishu', visitCard, 0, 1_795_000_001);
    await waitFor(() => stack.fake!.updatedCards.length >= 1, 10_000, 'card update');
    expect(stack.fake!.updatedCards[0]).toMatchObject({ userids: ['zhouzhishu'], button: { replace_name: '已完成' } });
    const ob = await stack.deps.db.db.selectFrom('care_obligations').selectAll().where('id', '=', hosp.obligations[0]!.id).executeTakeFirstOrThrow();
    expect(ob.status).toBe('done');
    const rec = await stack.deps.db.db.selectFrom('care_records').selectAll().where('id', '=', ob.record_id!).executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ kind: 'visit', reason: 'hospitalised', member_id: wu, obligation_id: ob.id });
    // issue 9 point 15: the confirmation reads as written Chinese — 今天走访了吴生日, not 今天与吴生日走访
    const confirmation = await waitFor(() => stack.fake!.sent.find((m) => m.touser === 'zhouzhishu' && m.msgtype === 'text' && String(m.body.text.content).startsWith('已登记')), 10_000, 'confirmation');
    expect(confirmation.body.text.content).toContain('已登记：今天走访了吴生日（患病住院），该事项已完成。');

    // 延期 on the talk card moves its due date by 3 days; a member who is not the owner cannot.
    const talkCard = cards.find((c) => c.touser === 'sunzongzhi')!.body.template_card;
    await click('wushengri', talkCard, 1, 1_795_000_002);
    await click('sunzongzhi', talkCard, 1, 1_795_000_003);
    await waitFor(async () => {
      const t = await stack.deps.db.db.selectFrom('care_obligations').select('due_on').where('id', '=', job.obligations[0]!.id).executeTakeFirstOrThrow();
      return t.due_on === '2026-12-05';
    }, 60_000, 'deferred');
    const toWu = await waitFor(() => stack.fake!.sent.find((m) => m.touser === 'wushengri' && m.msgtype === 'text'), 60_000, 'refusal');
    expect(toWu.body.text.content).toContain('不由您负责');
    const deferred = await waitFor(() => stack.fake!.sent.find((m) => m.touser === 'sunzongzhi' && m.msgtype === 'text' && String(m.body.text.content).includes('延期')), 10_000, 'deferral');
    expect(deferred.body.text.content).toBe('已将与郑老党员谈心的事项延期至12月5日，届时将再次提醒您。');

    // The due-today reminder for the deferred talk follows the new date; the done visit is not reminded.
    time.set('2026-12-02T01:30:00Z');
    const r = await runSweep(sweepDeps(stack.deps), '2026-12-02');
    const due = await stack.deps.db.db.selectFrom('notices').select(['kind', 'subject']).where('due_on', '=', '2026-12-02').where('kind', 'like', 'obligation_%').execute();
    expect(due).toEqual([]);
    expect(r.failed).toEqual([]);
    // Deferred to Saturday 5 December: its reminder comes on Friday the 4th, the last working day before.
    time.set('2026-12-04T01:30:00Z');
    await runSweep(sweepDeps(stack.deps), '2026-12-04');
    const friday = await stack.deps.db.db.selectFrom('notices').select(['kind', 'subject']).where('due_on', '=', '2026-12-04').where('kind', 'like', 'obligation_%').execute();
    expect(friday).toEqual([{ kind: 'obligation_due_today', subject: `obligation-${job.obligations[0]!.id}` }]);
  });

  it('延期 moves the due date 3 days at most twice; the third press is refused and the obligation escalates as if overdue (issue 11 point 8)', async () => {
    const db = stack.deps.db.db;
    const zheng = await memberId('zhenglao');
    // Monday 7 December: 郑老党员 in hospital; his branch (周支书) owes a visit by Monday the 14th.
    time.set('2026-12-07T01:30:00Z');
    const [report] = await db.transaction().execute(async (trx) => [
      await reportTrigger(trx, { memberId: zheng, reason: 'hospitalised', occurredOn: '2026-12-07', note: '', reportedBy: zheng, today: '2026-12-07', reportedAt: time.clock() }),
    ]);
    const id = report.obligations[0]!.id;
    expect(report.obligations[0]).toMatchObject({ kind: 'visit', dueOn: '2026-12-14' });

    // Friday the 11th: the "due in two days" card (the 12th is a Saturday).
    time.set('2026-12-11T01:30:00Z');
    await runSweep(sweepDeps(stack.deps), '2026-12-11');
    const card = (await waitFor(() => stack.fake!.sent.find((m) => m.msgtype === 'template_card' && m.touser === 'zhouzhishu' && String(m.body.template_card.main_title.title).includes('郑老党员')), 60_000, 'visit card')).body.template_card;
    const textsToZhou = () => stack.fake!.sent.filter((m) => m.touser === 'zhouzhishu' && m.msgtype === 'text').map((m) => String(m.body.text.content));
    const state = () => db.selectFrom('care_obligations').select(['due_on', 'deferrals', 'escalated_on', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    const before = textsToZhou().length;
    // A card answers once (on DingTalk, where it cannot be greyed, a second tap is refused): each later press is
    // on the next reminder's card.
    const press = async (n: number) => {
      await click('zhouzhishu', n === 1 ? card : { ...card, task_id: `${card.task_id}-r${n}` }, 1, 1_795_100_000 + n);
      return waitFor(() => textsToZhou()[before + n - 1], 60_000, `answer to press ${n}`);
    };

    expect(await press(1)).toBe('已将走访郑老党员的事项延期至12月17日，届时将再次提醒您。');
    expect(await press(2)).toBe('已将走访郑老党员的事项延期至12月20日，届时将再次提醒您。该事项已延期2次，不能再延期。');
    expect(await state()).toMatchObject({ due_on: '2026-12-20', deferrals: 2, escalated_on: null, status: 'open' });
    expect(await press(3)).toBe('走访郑老党员的事项已延期2次，不能再延期。该事项现按逾期处理，将报上一级党组织督办，请尽快落实并登记。');
    expect(await state()).toMatchObject({ due_on: '2026-12-20', deferrals: 2, escalated_on: '2026-12-11', status: 'open' });

    // The next working day (Monday the 14th) the GB secretary is asked to see to it, as for an obligation 3 days
    // overdue; four days later (Friday the 18th) the OD, as at 7 days — though the due date is the 20th.
    const escalations = async (day: string) => {
      time.set(`${day}T01:30:00Z`);
      await runSweep(sweepDeps(stack.deps), day);
      return db
        .selectFrom('notices')
        .innerJoin('members', 'members.id', 'notices.recipient_member_id')
        .select(['notices.kind', 'members.userid'])
        .where('notices.due_on', '=', day)
        .where('notices.subject', '=', `obligation-${id}`)
        .orderBy('notices.kind')
        .execute();
    };
    expect(await escalations('2026-12-14')).toEqual([{ kind: 'obligation_overdue_3', userid: 'sunzongzhi' }]);
    const toGb = await waitFor(() => stack.fake!.sent.find((m) => m.touser === 'sunzongzhi' && m.msgtype === 'markdown' && String(m.body.markdown.content).includes('督办：走访') && String(m.body.markdown.content).includes('郑老党员')), 60_000, 'escalation to the GB');
    expect(toGb.body.markdown.content).toContain('请督促落实');
    expect(await escalations('2026-12-15')).toEqual([]);
    // The owner's own reminder keeps to the due date (Sunday the 20th: on Friday, the last working day before).
    expect(await escalations('2026-12-18')).toEqual([
      { kind: 'obligation_due_today', userid: 'zhouzhishu' },
      { kind: 'obligation_overdue_7', userid: 'zhaozuzhi' },
    ]);
  });
});
