// Issue 11, points 13 and 14, end to end through signed WeCom callbacks and the fake WeCom API: a task card a
// night-time report sends its owner waits until quiet hours end, while the writer's answer goes at once; and
// days missed beyond the catch-up window are listed to the OD in one message.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runningClock, startStack, waitFor, waitForDeliveriesSettled, waitForQuiet, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { jobId } from '../../src/jobs/queues.ts';
import { runDueSweeps } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';

describe('issue 11 point 13: quiet hours cover task cards', () => {
  let stack: Stack;
  afterEach(() => stack?.close());

  it('a report at 22:00 is answered at once; the owner\'s task card waits until 08:00', async () => {
    let now = new Date('2026-11-26T14:00:00Z'); // 22:00 Thursday in Shanghai
    stack = await startStack({ wecom: true, workers: true, env: { QUIET_HOURS: '21:00-08:00' }, overrides: { clock: () => now } });
    await importCareRoster(stack.deps.db.db);
    const { say } = wecomChat(() => stack, () => now, 11_013_000_000n);

    const answered = await say('zhenglao', '报告：吴生日住院了');
    expect(answered.map((m) => m.touser)).toEqual(['zhenglao']);
    expect(textOf(answered[0]!)).toContain('已转告所在党支部书记');

    // The cards to the owners (the branch secretary, and the GB secretary who co-owns a visit) are recorded as
    // pushes with their hour: 08:00 the next morning. Nothing has reached them.
    const cards = await stack.deps.db.db.selectFrom('deliveries').selectAll().where('recipient', '<>', 'zhenglao').orderBy('id').execute();
    expect(cards.map((c) => c.recipient)).toContain('zhouzhishu');
    for (const card of cards) {
      expect(card).toMatchObject({ push: true, status: 'pending', attempts: 0 });
      expect(card.not_before).toEqual(new Date('2026-11-27T00:00:00Z'));
    }
    expect(stack.fake!.sent.filter((m) => m.touser !== 'zhenglao')).toEqual([]);

    // At 08:00 they go, once each (the held jobs are promoted: the test's clock is fixed, the queue's delay is real).
    now = new Date('2026-11-27T00:00:30Z');
    for (const card of cards) {
      const job = await waitFor(() => stack.deps.queues.outbound.getJob(jobId.outbound(stack.deps.instanceId, card.id)), 60_000, 'the held job');
      await waitFor(async () => (await job.getState()) === 'delayed', 60_000, 'the worker to hold the card');
      await job.promote();
    }
    const sent = await waitFor(() => stack.fake!.sent.find((m) => m.touser === 'zhouzhishu'), 60_000, 'the card after 08:00');
    expect(sent.msgtype).toBe('template_card');
    expect(sent.body.template_card.main_title.title).toBe('新的走访任务：吴生日');
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
    for (const card of cards) expect(stack.fake!.sent.filter((m) => m.touser === card.recipient)).toHaveLength(1);
  });
});

describe('issue 11 point 14: catch-up never silently skips', () => {
  let stack: Stack;
  afterEach(() => stack?.close());

  it('back after three weeks down, the OD gets one message naming the days not caught up', async () => {
    const time = runningClock('2026-11-26T01:30:00Z'); // 09:30 Thursday in Shanghai
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
    await sql`insert into sweep_days (on_date, notices, late) values ('2026-11-01', 0, false)`.execute(stack.deps.db.db);
    await runDueSweeps(sweepDeps(stack.deps));
    const told = await waitFor(() => stack.fake!.sent.find((m) => m.touser === 'zhaozuzhi' && textOf(m).includes('因停机未发送')), 60_000, 'the OD message');
    expect(textOf(told)).toContain('以下日期因停机未发送：2026年11月2日至11月19日（共18天）');
    // A second catch-up (a restart) tells nobody again.
    await runDueSweeps(sweepDeps(stack.deps));
    await waitForQuiet(stack);
    expect(stack.fake!.sent.filter((m) => textOf(m).includes('因停机未发送'))).toHaveLength(1);
  });
});
