// Issue 11, point 9, end to end through signed WeCom callbacks and the fake WeCom API: "报告：吴生日去世了" opens
// the condolence visit and sends the member's branch secretary, GB secretary and the OD a card to confirm the
// death; someone not entitled cannot confirm; the first confirmation records it and cancels every open
// obligation about the member but the condolence visit; a second answers that it is already confirmed; and the
// next day's sweep sends the member no political-birthday greeting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, waitForDeliveriesSettled, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { openQuotaObligations } from '../../src/care/obligations.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';

describe('issue 11 point 9: a reported death, confirmed', () => {
  let stack: Stack;
  // 10:00 on Wednesday 25 November in Shanghai; 吴生日 joined on 26 November 2012 (greeted on the 26th).
  const time = runningClock('2026-11-25T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
    await openQuotaObligations(stack.deps.db.db, 2026, time.clock());
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 9_100_000_000n);
  const db = () => stack.deps.db.db;
  const memberId = async (userid: string) => (await db().selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const obligationsAbout = async (userid: string) =>
    db()
      .selectFrom('care_obligations')
      .select(['kind', 'reason', 'source', 'status', 'cancelled_reason'])
      .where('member_id', '=', await memberId(userid))
      .orderBy('id')
      .execute();
  const confirmCard = (sent: SentMessage[], to: string) => sent.find((m) => m.touser === to && m.msgtype === 'template_card' && m.body.template_card.main_title.title === '请确认：吴生日同志去世');
  let cards: SentMessage[] = [];

  it('a talk trigger about the member is open before (to be cancelled by the death)', async () => {
    await say('zhouzhishu', '报告：吴生日岗位变动', 2);
    expect((await obligationsAbout('wushengri')).filter((o) => o.source === 'trigger')).toEqual([
      { kind: 'talk', reason: 'job_change', source: 'trigger', status: 'open', cancelled_reason: null },
    ]);
  });

  it('the report opens the condolence visit (3 days) and sends the three offices a card with 确认去世', async () => {
    cards = await say('zhouzhishu', '报告：吴生日去世了', 5);
    const ack = cards.find((m) => m.touser === 'zhouzhishu' && m.msgtype === 'text');
    expect(textOf(ack!)).toContain('党员本人亡故');
    // The branch secretary (also the reporter), the GB secretary and the OD: one card each.
    for (const who of ['zhouzhishu', 'sunzongzhi', 'zhaozuzhi']) {
      const card = confirmCard(cards, who)!;
      expect(card, who).toBeDefined();
      expect(card.body.template_card.button_list.map((b: { text: string }) => b.text)).toEqual(['确认去世']);
    }
    // Nobody else: not the committee member linked to the GB, not the member.
    expect(cards.filter((m) => m.msgtype === 'template_card' && m.body.template_card.main_title.title.startsWith('请确认')).map((m) => m.touser).sort()).toEqual(['sunzongzhi', 'zhaozuzhi', 'zhouzhishu']);
    const visit = (await obligationsAbout('wushengri')).find((o) => o.reason === 'death');
    expect(visit).toMatchObject({ kind: 'visit', status: 'open' });
    const due = await db().selectFrom('care_obligations').select('due_on').where('reason', '=', 'death').executeTakeFirstOrThrow();
    expect(String(due.due_on)).toContain('2026-11-28');
    const member = await db().selectFrom('members').select(['status']).where('userid', '=', 'wushengri').executeTakeFirstOrThrow();
    expect(member.status).toBe('active'); // a report is not a confirmation
  });

  it('someone not entitled (the linked committee member, a member of another GB) cannot confirm with the same key', async () => {
    const card = confirmCard(cards, 'sunzongzhi')!.body.template_card;
    for (const who of ['qianweiyuan', 'chenbiezhi']) {
      const [answer] = await click(who, card, '确认去世');
      expect(textOf(answer!)).toContain('无法操作');
    }
    const member = await db().selectFrom('members').select(['status']).where('userid', '=', 'wushengri').executeTakeFirstOrThrow();
    expect(member.status).toBe('active');
  });

  it('the GB secretary confirms: the member is deceased, who and when recorded; all but the condolence visit cancelled', async () => {
    const [answer] = await click('sunzongzhi', confirmCard(cards, 'sunzongzhi')!.body.template_card, '确认去世');
    expect(textOf(answer!)).toContain('已确认吴生日同志去世');
    expect(textOf(answer!)).toContain('有关待办 2 项已取消');
    const member = await db()
      .selectFrom('members')
      .select(['status', 'death_confirmed_by_member_id', 'death_confirmed_at', 'status_changed_on'])
      .where('userid', '=', 'wushengri')
      .executeTakeFirstOrThrow();
    expect(member.status).toBe('deceased');
    expect(String(member.death_confirmed_by_member_id)).toBe(String(await memberId('sunzongzhi')));
    expect(member.death_confirmed_at!.getTime()).toBeGreaterThan(Date.parse('2026-11-25T02:00:00Z'));
    expect(member.death_confirmed_at!.getTime()).toBeLessThan(Date.parse('2026-11-25T03:00:00Z'));
    const obs = await obligationsAbout('wushengri');
    expect(obs.map((o) => [o.source, o.reason, o.status, o.cancelled_reason])).toEqual([
      ['quota', 'routine', 'cancelled', 'member_deceased'],
      ['trigger', 'job_change', 'cancelled', 'member_deceased'],
      ['trigger', 'death', 'open', null],
    ]);
  });

  it('the others\' cards answer that it is already confirmed, naming who confirmed', async () => {
    const [answer] = await click('zhaozuzhi', confirmCard(cards, 'zhaozuzhi')!.body.template_card, '确认去世');
    expect(textOf(answer!)).toBe('吴生日同志去世已由孙总支于11月25日确认，无需重复确认。');
  });

  it('the deceased member can no longer be named, so no new report about them opens anything', async () => {
    const before = (await obligationsAbout('wushengri')).length;
    await say('zhouzhishu', '报告：吴生日住院了');
    expect((await obligationsAbout('wushengri')).length).toBe(before);
  });

  it('the next day\'s sweep greets the other members whose political birthday it is, not the deceased', async () => {
    time.set('2026-11-26T01:05:00Z'); // 09:05 on Thursday 26 November
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), '2026-11-26');
    await waitFor(() => stack.fake!.sent.slice(start).filter((m) => m.touser === 'zhenglao').length >= 1, 60_000, 'greetings');
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
    const sent = stack.fake!.sent.slice(start);
    expect(sent.map((m) => m.touser)).toContain('chenbiezhi');
    expect(sent.filter((m) => m.touser === 'wushengri')).toEqual([]);
    // Nor is anyone nudged about them, except the condolence visit still owed.
    const aboutHim = sent.filter((m) => m.touser !== 'wushengri' && textOf(m).includes('吴生日'));
    expect(aboutHim.length).toBeGreaterThan(0); // the condolence visit's reminder (due Saturday the 28th)
    expect(aboutHim.every((m) => textOf(m).includes('走访'))).toBe(true);
  });
});
