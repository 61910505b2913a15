// Issue 10, point 1: the conversation's windows run on the injected clock, on both sides — what the bot told
// someone (conversation_memory.at) and when a question was asked (inbound_events.received_at) are stamped
// with the clock, and read back against it. The clock here stands months away from the real time, so a write
// or a read on the database's now() would find what has expired or miss what has not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';

const NAMESAKES = [
  '王鑫,wangxin01,男,1990-01-01,2015-03-01,2016-03-01,机关党总支,组织人事党支部,,,',
  '王鑫,wangxin02,男,1980-02-02,2005-04-01,2006-04-01,研究生院党总支,研究生第一党支部,党总支书记,,',
];
const START = '2026-06-01T02:00:00Z'; // 10:00 Monday in Shanghai, half a year before these tests were written
const after = (hours: number) => new Date(new Date(START).getTime() + hours * 3_600_000).toISOString();

describe.each(DB_KINDS)('conversation windows on the injected clock (%s)', (dbKind) => {
  let stack: Stack;
  const time = runningClock(START);

  beforeAll(async () => {
    stack = await startStack({ dbKind, wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db, [...CARE_ROWS, ...NAMESAKES]);
  });
  afterAll(() => stack?.close());

  const { say, click } = wecomChat(() => stack, time.clock, 7_000_000_000n);

  it('已完成 refers to what the bot told the writer within seven days of the clock, and not to older tasks', async () => {
    time.set(START);
    await say('wushengri', '报告：本人住院了', 2);
    // Six days on the clock: the task card is still remembered.
    time.set(after(6 * 24));
    const [done] = await say('zhouzhishu', '已完成');
    expect(textOf(done!)).toContain('已登记：今天走访了吴生日');
    // A new task, told at day 6; at day 14 it is more than seven days old on the clock.
    await say('wushengri', '报告：本人住院了', 2);
    time.set(after(14 * 24));
    const [stale] = await say('zhouzhishu', '已完成');
    expect(textOf(stale!)).toContain('没有找到需要您确认完成的提醒');
  });

  it('a question asked with buttons is answered within 24 hours of the clock, and expires after', async () => {
    time.set(after(20 * 24));
    const [q] = await say('zhaozuzhi', '今天和王鑫谈心了');
    expect(q!.body.template_card.main_title.title).toBe('您说的“王鑫”是哪一位？');
    time.set(after(20 * 24 + 23));
    const [card] = await click('zhaozuzhi', q!.body.template_card, q!.body.template_card.button_list[0].text);
    expect(card!.body.template_card.main_title.title).toBe('已登记谈心：王鑫');

    const [q2] = await say('zhaozuzhi', '今天和王鑫谈心了');
    time.set(after(20 * 24 + 23 + 25));
    const [expired] = await click('zhaozuzhi', q2!.body.template_card, q2!.body.template_card.button_list[0].text);
    expect(textOf(expired!)).toBe('这个问题已过期，请重新发送您的消息。');
  });
});
