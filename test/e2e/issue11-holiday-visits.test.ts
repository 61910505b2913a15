// Issue 11, point 12, end to end through signed WeCom callbacks and the fake WeCom API: the Spring Festival list
// reaches the branch secretary, each member on it is a 待办, “已完成” typed as text asks which and a click
// closes it, and a one-line holiday visit closes another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, waitForAllDelivered, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';

describe('issue 11 point 12: holiday visits are obligations', () => {
  let stack: Stack;
  const time = runningClock('2027-01-22T01:00:00Z'); // 09:00 Friday 22 January, 14 days before Spring Festival

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
    const wu = await stack.deps.db.db.selectFrom('members').select('id').where('userid', '=', 'wushengri').executeTakeFirstOrThrow();
    await stack.deps.db.db.insertInto('hardship_registry').values({ member_id: wu.id, causes: ['illness'], status: 'approved', source: 'self', decided_at: null }).execute();
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 11_012_000_000n);
  const status = async (userid: string) =>
    (await stack.deps.db.db.selectFrom('care_obligations as o').innerJoin('members as m', 'm.id', 'o.member_id').select('o.status').where('o.source', '=', 'holiday').where('m.userid', '=', userid).executeTakeFirstOrThrow()).status;

  it('the list, the 待办, 已完成 and a one-line visit', async () => {
    await runSweep(sweepDeps(stack.deps), '2027-01-22');
    const list = await waitFor(() => stack.fake!.sent.find((m) => m.touser === 'zhouzhishu' && textOf(m).includes('春节走访慰问名单')), 60_000, 'the list');
    expect(textOf(list)).toContain('郑老党员（老党员）');
    expect(textOf(list)).toContain('吴生日（生活困难）');
    // The sweep spreads its deliveries over a few seconds from 09:00: all of them must be out before counting.
    await waitForAllDelivered(stack);
    const before = stack.fake!.sent.length;

    // The answer comes after what the sweep sent (the harness counts from the start).
    const todo = (await say('zhouzhishu', '我的待办', before + 1)).at(-1);
    expect(textOf(todo!)).toContain('走访 郑老党员（教工第一党支部，节日慰问）');
    expect(textOf(todo!)).toContain('走访 吴生日（教工第一党支部，节日慰问）');

    // 已完成 typed: the list's two visits are the reminders it can mean; a click on one closes that one.
    const [which] = await say('zhouzhishu', '已完成');
    const card = which!.body.template_card;
    expect(card.main_title.title).toBe('完成的是哪一项？');
    expect(card.button_list.map((b: { text: string }) => b.text).sort()).toEqual(['吴生日·节日慰问', '郑老党员·节日慰问'].sort());
    const done = await click('zhouzhishu', card, '吴生日·节日慰问');
    expect(done.map(textOf).join('\n')).toContain('已登记：今天走访了吴生日（节日慰问），该事项已完成。');
    expect(await status('wushengri')).toBe('done');

    // A one-line holiday visit closes the other.
    const [recorded] = await say('zhouzhishu', '今天走访了郑老党员，春节慰问，送慰问金500元');
    expect(textOf(recorded!)).toContain('已完成相应待办 1 项');
    expect(await status('zhenglao')).toBe('done');
    const [empty] = await say('zhouzhishu', '我的待办');
    expect(textOf(empty!)).not.toContain('节日慰问');
  });
});
