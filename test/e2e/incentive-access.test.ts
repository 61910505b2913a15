// Issue 13 access review, end to end through signed WeCom callbacks: who may submit a quarterly self-evaluation for
// a member without a chat account. The access rule (mayRecordSelfEvaluationFor) lets the member's branch secretary,
// their GB secretary and the OD do it — and the quarter-end count of a branch without a secretary passes up to the
// GB secretary, telling them to send "代××提交季度自评：……" — so the chat must let them; a secretary of another GB
// and a committee member get the answers an unknown name and a plain member get, and nothing is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';

describe('issue 13 access: offices without a holder pass up, and nobody else acts', () => {
  let stack: Stack;
  // 10:00 on Sunday 20 December 2026 in Shanghai: the fourth quarter's window (18–31 December) is open.
  const time = runningClock('2026-12-20T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    // 教工第二党支部 has no secretary: its office passes up to 孙总支 (计算机学院党总支书记).
    // 外语学院党总支 has no GB secretary (8 active members: one excellent member at most): its office passes up to the OD.
    const foreign = ['甲', '乙', '丙', '丁', '戊', '己', '庚'].map((c, i) => `外语${c},waiyu${i},女,1985-01-0${i + 1},2010-07-01,2011-07-01,外语学院党总支,外语教工党支部,,,`);
    await importCareRoster(stack.deps.db.db, [
      ...CARE_ROWS,
      '蒋空缺,,男,1972-02-02,1998-07-01,1999-07-01,计算机学院党总支,教工第二党支部,,,',
      '沈未交,,男,1973-03-03,1999-07-01,2000-07-01,计算机学院党总支,教工第二党支部,,,',
      '韩外支,hanwaizhi,女,1979-03-03,2003-07-01,2004-07-01,外语学院党总支,外语教工党支部,支部书记,,',
      ...foreign,
    ]);
  });
  afterAll(() => stack.close());

  const { say } = wecomChat(() => stack, time.clock, 9_710_000_000n);
  const reply = async (who: string, content: string) => {
    const sent = await say(who, content);
    const mine = sent.filter((m) => m.touser === who && m.msgtype === 'text');
    expect(mine.length, content).toBe(1);
    return textOf(mine[0]!);
  };
  const recorded = () =>
    stack.deps.db.db
      .selectFrom('self_evaluations as s')
      .innerJoin('members as m', 'm.id', 's.member_id')
      .innerJoin('members as r', 'r.id', 's.recorded_by_member_id')
      .select(['m.name', 's.text', 'r.name as by'])
      .orderBy('s.id')
      .execute();

  it('a secretary of another GB and a committee member cannot, and learn nothing of the member', async () => {
    const other = await reply('chuzhishu', '代蒋空缺提交季度自评：代写');
    expect(other).toBe(await reply('chuzhishu', '代无此人甲提交季度自评：代写').then((t) => t.replace('无此人甲', '蒋空缺')));
    expect(other).not.toContain('教工第二党支部');
    const linked = await reply('qianweiyuan', '代蒋空缺提交季度自评：代写');
    expect(linked).toContain('由支部书记为本支部没有企业微信/钉钉账号的党员办理');
    expect(await recorded()).toEqual([]);
  });

  it('the GB secretary standing in for the vacant branch submits for its member without an account', async () => {
    expect(await reply('sunzongzhi', '代蒋空缺提交季度自评：本季度按时参加组织生活')).toContain('已代为提交蒋空缺同志2026年第4季度自评');
    expect(await recorded()).toEqual([{ name: '蒋空缺', text: '本季度按时参加组织生活', by: '孙总支' }]);
  });

  it('the OD may too (the committee is its reach); a member with an account still writes their own', async () => {
    expect(await reply('zhaozuzhi', '代蒋空缺提交季度自评：本季度完成了教学任务')).toContain('已更新蒋空缺同志2026年第4季度自评');
    expect(await reply('sunzongzhi', '代吴生日提交季度自评：替他写')).toContain('请其本人发送“季度自评：……”提交');
    expect(await recorded()).toEqual([{ name: '蒋空缺', text: '本季度完成了教学任务', by: '赵组织' }]);
  });

  const excellent = () =>
    stack.deps.db.db
      .selectFrom('commendations as c')
      .innerJoin('members as m', 'm.id', 'c.member_id')
      .select(['m.name', 'c.level'])
      .where('c.kind', '=', 'excellent_member')
      .execute();

  it('the excellent members of a GB without a secretary are named by the OD, its nudge being passed up to it', async () => {
    // Not a branch secretary of that GB, nor the OD for a GB whose secretary is in office.
    expect(await reply('hanwaizhi', '评选优秀党员：外语甲')).toContain('优秀党员由党总支书记评选登记');
    expect(await reply('zhaozuzhi', '评选优秀党员：吴生日')).toContain('计算机学院党总支的优秀党员由该党总支书记评选登记');
    expect(await reply('zhaozuzhi', '评选优秀党员：外语甲、吴生日')).toContain('分属');
    // The cap is the GB's: 8 members, one at most.
    expect(await reply('zhaozuzhi', '评选优秀党员：外语甲、外语乙')).toContain('本总支在册党员8人，优秀党员最多1人，名单有2人');
    expect(await excellent()).toEqual([]);
    expect(await reply('zhaozuzhi', '评选优秀党员：外语甲')).toContain('已登记外语学院党总支2026年度优秀党员1人');
    expect(await excellent()).toEqual([{ name: '外语甲', level: 'general_branch' }]);
  });

  it('a member without an account in a branch without a secretary is told through the GB secretary it passes up to', async () => {
    const answer = await reply('sunzongzhi', '评选优秀党员：蒋空缺');
    expect(answer).toContain('已登记计算机学院党总支2026年度优秀党员1人');
    expect(answer).toContain('孙总支同志：蒋空缺同志没有企业微信/钉钉账号，请转告本人——祝贺您被计算机学院党总支评为2026年度优秀党员');
  });

  it("a commendation of a branch without a secretary is announced to whoever answers for the office", async () => {
    const sent = await say('zhaozuzhi', '表彰：教工第二党支部 先进基层党组织 2026年');
    const own = sent.filter((m) => m.touser === 'zhaozuzhi').map(textOf);
    expect(own.join('\n')).toContain('已登记表彰：教工第二党支部');
    expect(own.join('\n')).toContain('已通知获表彰的同志');
    const told = sent.filter((m) => m.touser === 'sunzongzhi').map(textOf);
    expect(told).toEqual([expect.stringContaining('孙总支同志：祝贺教工第二党支部获得')]);
  });

  it('"本季度未自评名单": the GB secretary gets the names of a branch without a secretary; other GB leaders and GBs do not', async () => {
    const gb = await reply('sunzongzhi', '本季度未自评名单');
    expect(gb).toContain('教工第二党支部：在册2人，已提交1人，未提交1人');
    expect(gb).toContain('教工第二党支部（暂无支部书记）2026年第4季度自评：在册2人，已提交1人，尚有1人未提交：\n沈未交（无账号，可发送“代沈未交提交季度自评：……”代为提交）');
    // 教工第一党支部 has its secretary: counts only.
    expect(gb).not.toContain('郑老党员');
    // A GB committee member (周支书) is not the stand-in; another GB's secretary sees nothing of this GB.
    expect(await reply('zhouzhishu', '本季度未自评名单')).not.toContain('沈未交');
    const other = await reply('chuzhishu', '本季度未自评名单');
    expect(other).not.toContain('沈未交');
    expect(other).not.toContain('教工第二党支部');
  });

  it('goals: the office standing in for a vacant secretary names the organisation; nobody else can, and learns nothing', async () => {
    const goals = () => stack.deps.db.db.selectFrom('goal_statements as g').innerJoin('organisations as o', 'o.id', 'g.organisation_id').select(['o.name', 'g.year', 'g.text']).orderBy('g.id').execute();
    expect(await reply('sunzongzhi', '教工第二党支部2027年目标：谈心谈话全覆盖')).toContain('已登记教工第二党支部2027年目标');
    const other = await reply('chuzhishu', '教工第二党支部2027年目标：代写');
    expect(other).toContain('您不能登记“教工第二党支部”的目标');
    expect(await reply('chuzhishu', '教工第九党支部2027年目标：代写')).toBe(other.replace('教工第二党支部', '教工第九党支部'));
    expect(await reply('zhouzhishu', '计算机学院党总支教工第二党支部2027年目标：代写')).toContain('您不能登记');
    expect(await reply('zhouzhishu', '教工第一党支部2027年目标：按时召开三会一课')).toContain('已登记教工第一党支部2027年目标');
    expect(await reply('zhaozuzhi', '外语学院党总支2027年目标：加强班子建设')).toContain('已登记外语学院党总支2027年目标');
    expect(await reply('zhaozuzhi', '计算机学院党总支2027年目标：代写')).toContain('您不能登记');
    expect(await goals()).toEqual([
      { name: '教工第二党支部', year: 2027, text: '谈心谈话全覆盖' },
      { name: '教工第一党支部', year: 2027, text: '按时召开三会一课' },
      { name: '外语学院党总支', year: 2027, text: '加强班子建设' },
    ]);
  });
});
