// Issue 13, section 1, end to end through signed WeCom callbacks and the fake WeCom API: a branch secretary records
// "本支部2027年目标：…" (multi-line) and replaces it, a GB secretary "本总支目标：…" (the current year), a member
// "亮岗承诺：…"; each reads it back; a member reads their branch's goals but cannot record them; an empty text and
// "亮岗承诺怎么写" are not recorded; the branch secretary lists the branch's commitments with who has none, and a
// member of another branch sees nothing of this branch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';

describe('issue 13 section 1: goals and commitments in chat', () => {
  let stack: Stack;
  // 10:00 on Wednesday 25 November 2026 in Shanghai, a working day.
  const time = runningClock('2026-11-25T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const { say } = wecomChat(() => stack, time.clock, 9_300_000_000n);
  const reply = async (who: string, content: string) => {
    const sent = await say(who, content);
    const mine = sent.filter((m) => m.touser === who && m.msgtype === 'text');
    expect(mine.length, content).toBe(1);
    return textOf(mine[0]!);
  };
  const rows = () => stack.deps.db.db.selectFrom('goal_statements').select(['kind', 'year', 'text']).orderBy('id').execute();

  it('the branch secretary records the branch goals for 2027 and replaces them', async () => {
    expect(await reply('zhouzhishu', '本支部2027年目标：\n一、每月开展一次主题党日\n二、谈心谈话全覆盖')).toContain('已登记教工第一党支部2027年目标');
    const again = await reply('zhouzhishu', '本支部2027年目标：三会一课按时召开');
    expect(again).toContain('已更新');
    expect(again).toContain('原内容已替换');
    expect(await rows()).toEqual([{ kind: 'goals', year: 2027, text: '三会一课按时召开' }]);
  });

  it('the GB secretary records the GB goals without a year: the current one', async () => {
    expect(await reply('sunzongzhi', '本总支目标：做好困难党员帮扶')).toContain('已登记计算机学院党总支2026年目标');
    expect(await reply('sunzongzhi', '本总支目标')).toContain('做好困难党员帮扶');
  });

  it('a member reads the branch goals, cannot record them, and an empty text is refused', async () => {
    expect(await reply('wushengri', '本支部2027年目标')).toContain('三会一课按时召开');
    expect(await reply('wushengri', '本支部目标')).toContain('尚未登记2026年目标');
    expect(await reply('wushengri', '本支部目标：多谈心')).toContain('由支部书记登记');
    expect(await reply('zhouzhishu', '本支部目标：')).toContain('目标内容为空');
    expect(await reply('zhouzhishu', '本支部2031年目标：远景')).toContain('年份2031年有误');
    expect((await rows()).length).toBe(2);
  });

  it('a member records a commitment and reads it back; "亮岗承诺怎么写" records nothing', async () => {
    expect(await reply('wushengri', '亮岗承诺：立足岗位，带好每一堂课\n帮扶一名困难学生')).toContain('已登记您的2026年亮岗承诺');
    expect(await reply('wushengri', '我的亮岗承诺')).toContain('帮扶一名困难学生');
    expect(await reply('zhenglao', '我的亮岗承诺')).toContain('您尚未登记2026年亮岗承诺');
    expect(await reply('zhenglao', '亮岗承诺：')).toContain('承诺内容为空');
    await say('zhenglao', '亮岗承诺怎么写');
    expect((await rows()).filter((r) => r.kind === 'commitment')).toEqual([{ kind: 'commitment', year: 2026, text: '立足岗位，带好每一堂课\n帮扶一名困难学生' }]);
  });

  it('the branch secretary lists the branch commitments with who has none; others cannot', async () => {
    const list = await reply('zhouzhishu', '本支部亮岗承诺');
    expect(list).toContain('已登记1人');
    expect(list).toContain('吴生日：立足岗位，带好每一堂课；帮扶一名困难学生');
    expect(list).toMatch(/尚未登记：.*郑老党员/);
    expect(await reply('wushengri', '本支部亮岗承诺')).toContain('由支部书记查看');
    // A secretary of another branch lists their own branch: 吴生日's commitment is not there.
    expect(await reply('chuzhishu', '本支部亮岗承诺')).not.toContain('吴生日');
  });
});
