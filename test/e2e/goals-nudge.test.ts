// Issue 13 section 1, the January nudge end to end: on January's first working day the sweep asks the branch and
// GB secretaries for their organisation's goals and every member with an account for their commitment; they
// answer in chat; two weeks later the reminder goes only to those who have not (the fake WeCom API shows who got
// what). 2027's official holiday data is not published yet: its first working day is 1 January by the weekend
// fallback, the reminder's the first working day from 15 January.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { addDays } from '../../src/domain/dates.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { runningClock, startStack, waitForAllDelivered, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';

describe('issue 13 section 1: the January goals and commitment nudge', () => {
  let stack: Stack;
  const calendar = chineseWorkingDayCalendar();
  const first = calendar.firstWorkingDayOfMonth(2027, 1);
  const second = calendar.nextWorkingDay(addDays(first, 14));
  const time = runningClock(`${first}T02:00:00Z`); // 10:00 in Shanghai

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const { say } = wecomChat(() => stack, time.clock, 9_410_000_000n);
  const sweep = async (date: string) => {
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), date);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start);
  };
  const about = (sent: Awaited<ReturnType<typeof sweep>>, who: string, words: string) => sent.filter((m) => m.touser.split('|').includes(who)).map(textOf).filter((t) => t.includes(words));

  it('the nudge: secretaries for their organisation\'s goals, every member for their commitment', async () => {
    const sent = await sweep(first);
    expect(about(sent, 'zhouzhishu', '2027年组织目标')[0]).toContain('发送“本支部2027年目标：……”登记');
    expect(about(sent, 'sunzongzhi', '2027年组织目标')[0]).toContain('发送“本总支2027年目标：……”登记');
    expect(about(sent, 'wushengri', '亮岗履职承诺')[0]).toContain('发送“亮岗承诺：……”登记');
    expect(about(sent, 'wushengri', '2027年组织目标')).toEqual([]);
    // The sweep again: nothing twice.
    expect((await sweep(first)).filter((m) => textOf(m).includes('2027年'))).toEqual([]);
  });

  it('two weeks later the reminder goes only to those who have not recorded', async () => {
    // (say returns everything sent since its last answer, the sweep's pushes included: the writer's text reply.)
    const reply = async (who: string, content: string) => (await say(who, content)).filter((m) => m.touser === who && m.msgtype === 'text').map(textOf);
    expect(await reply('zhouzhishu', '本支部目标：每月开展一次主题党日')).toEqual([expect.stringContaining('已登记教工第一党支部2027年目标')]);
    expect(await reply('wushengri', '亮岗承诺：带好每一堂课')).toEqual([expect.stringContaining('已登记您的2027年亮岗承诺')]);
    time.set(`${second}T02:00:00Z`);
    const sent = await sweep(second);
    expect(about(sent, 'zhouzhishu', '尚未登记2027年目标')).toEqual([]);
    expect(about(sent, 'sunzongzhi', '计算机学院党总支尚未登记2027年目标').length).toBe(1);
    expect(about(sent, 'wushengri', '亮岗')).toEqual([]);
    // 周支书 recorded the branch's goals but not her own commitment.
    expect(about(sent, 'zhouzhishu', '您尚未登记今年的亮岗承诺').length).toBe(1);
    expect(about(sent, 'zhenglao', '您尚未登记今年的亮岗承诺').length).toBe(1);
  });
});
