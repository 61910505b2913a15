// Issue 9 (points 4–7, 10–13) end to end through encrypted callbacks and the fake WeCom API: namesakes are
// asked about unless the writer owes one of them; a choice closes what was chosen; replies keep the
// obligation's reason; other years show the year; unknown names are said so with close matches; a member
// reports a fellow member; a GB secretary logs a branch's birthday activity; follow-ups add to the note and
// 已完成 typed as text acts like the button.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { openQuotaObligations } from '../../src/care/obligations.ts';
import { organisationByName } from '../../src/cli/care-commands.ts';

const EXTRA = [
  '王鑫,wangxin01,男,1990-01-01,2015-03-01,2016-03-01,机关党总支,组织人事党支部,,,',
  '王鑫,wangxin02,男,1980-02-02,2005-04-01,2006-04-01,研究生院党总支,研究生第一党支部,党总支书记,,',
  '张伟,zhangwei09,男,1992-02-02,2016-04-01,2017-04-01,计算机学院党总支,教工第一党支部,,,',
  '林同名,linming01,女,1993-03-03,2017-04-01,2018-04-01,计算机学院党总支,教工党支部,,,',
];

describe('issue 9: the conversation flows', () => {
  let stack: Stack;
  const time = runningClock('2026-11-26T02:00:00Z'); // 10:00 Thursday in Shanghai

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db, [...CARE_ROWS, ...EXTRA]);
    await openQuotaObligations(stack.deps.db.db, 2026, time.clock());
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 9_000_000_000n);
  const db = () => stack.deps.db.db;
  const memberId = async (userid: string) => (await db().selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const lastRecord = () => db().selectFrom('care_records').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
  const openVisits = async (userid: string) =>
    (await db().selectFrom('care_obligations').select(['id', 'reason', 'status']).where('member_id', '=', await memberId(userid)).where('source', '=', 'trigger').orderBy('id').execute());

  it('point 4: of two 王鑫, the one on the writer\'s yearly talk list is taken and the card says so, with the branch', async () => {
    const [card] = await say('lishuji', '今天和王鑫谈心了');
    const c = card!.body.template_card;
    expect(c.main_title.title).toBe('已登记谈心：王鑫');
    expect(c.sub_title_text).toContain('按您的年度谈心名单，记为：王鑫（研究生院党总支研究生第一党支部）');
    expect(c.horizontal_content_list).toContainEqual({ keyname: '所在支部', value: '研究生院党总支研究生第一党支部' });
    expect((await lastRecord()).member_id).toBe(await memberId('wangxin02'));
    const quota = await db().selectFrom('care_obligations').select('status').where('source', '=', 'quota').where('owner_member_id', '=', await memberId('lishuji')).where('member_id', '=', await memberId('wangxin02')).executeTakeFirstOrThrow();
    expect(quota.status).toBe('done');
  });

  it('point 4: namesakes the writer owes nothing are asked about, even when one is in the writer\'s own branch', async () => {
    const [q] = await say('zhaozuzhi', '今天和王鑫谈心了');
    expect(q!.body.template_card.main_title.title).toBe('您说的“王鑫”是哪一位？');
    expect(q!.body.template_card.button_list).toHaveLength(2);
  });

  it('point 5: picking one of two open visits closes that one only', async () => {
    await say('zhouzhishu', '报告：郑老党员住院了', 2);
    await say('zhouzhishu', '报告：郑老党员的母亲去世了', 2);
    const [q] = await say('zhouzhishu', '已走访，送慰问金300元');
    const card = q!.body.template_card;
    expect(card.main_title.title).toBe('这次走访是哪一项？');
    const [done] = await click('zhouzhishu', card, '郑老党员·患病住院');
    expect(textOf(done!)).toContain('已完成相应待办 1 项');
    const obs = await openVisits('zhenglao');
    expect(obs.map((o) => [o.reason, o.status])).toEqual([
      ['hospitalised', 'done'],
      ['bereavement', 'open'],
    ]);
  });

  it('point 6: "已谈" replying to a dispute task records a dispute talk, not a routine one', async () => {
    await say('zhouzhishu', '报告：吴生日与同事闹矛盾', 2);
    const [card] = await say('sunzongzhi', '已谈，已化解');
    expect(card!.body.template_card.main_title.title).toBe('已登记谈心：吴生日');
    expect(await lastRecord()).toMatchObject({ reason: 'dispute', note: '已化解', member_id: await memberId('wushengri') });
  });

  it('point 7: a date of another year shows its year', async () => {
    const [card] = await say('zhouzhishu', '2025-11-23和郑老党员谈心了');
    expect(card!.body.template_card.main_title.desc).toContain('2025年11月23日');
    const [thisYear] = await say('zhouzhishu', '11月20日和张伟谈心了');
    expect(thisYear!.body.template_card.main_title.desc).toMatch(/^11月20日/);
  });

  it('point 10: an unknown name is said so; a typo is offered its close match, and the click records it', async () => {
    const [none] = await say('zhouzhishu', '今天和李白谈心了');
    expect(textOf(none!)).toBe('名册中没有叫“李白”的党员，请核对姓名后重新发送。');
    const before = (await db().selectFrom('care_records').select('id').execute()).length;
    const [q] = await say('zhouzhishu', '今天和张为谈心了');
    const card = q!.body.template_card;
    expect(card.main_title.title).toBe('名册中没有叫“张为”的党员');
    expect(card.button_list.map((b: { text: string }) => b.text)).toEqual(['张伟']);
    expect((await db().selectFrom('care_records').select('id').execute()).length).toBe(before);
    const [done] = await click('zhouzhishu', card, '张伟');
    expect(done!.body.template_card.main_title.title).toBe('已登记谈心：张伟');
    expect((await lastRecord()).member_id).toBe(await memberId('zhangwei09'));
    // One character off (吴生曰 for 吴生日) is offered too; a visit names the person as well.
    const [typo] = await say('zhouzhishu', '走访吴生曰，住院');
    expect(typo!.body.template_card.button_list.map((b: { text: string }) => b.text)).toEqual(['吴生日']);
  });

  it('point 11: a plain member reports a fellow member of their branch; the secretary gets the task, the reporter a short thanks', async () => {
    const out = await say('wushengri', '报告：王今年住院了', 2);
    const ack = out.find((m) => m.touser === 'wushengri')!;
    expect(textOf(ack)).toBe('已收到您的报告，已转告所在党支部书记，组织会及时关心。感谢您对身边同志的关心！');
    const task = out.find((m) => m.touser === 'zhouzhishu')!;
    expect(task.body.template_card.main_title.title).toBe('新的走访任务：王今年');
    const ev = await db().selectFrom('care_events').selectAll().where('member_id', '=', await memberId('wangjinnian')).executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ reason: 'hospitalised', reported_by_member_id: await memberId('wushengri') });
    // Reported again: the same short thanks, nothing about who else reported it.
    const again = await say('wushengri', '报告：王今年住院了');
    expect(textOf(again[0]!)).toBe(textOf(ack));
  });

  it('point 12: a GB secretary logs a branch\'s birthday activity; 本月政治生日 tells them how', async () => {
    const [how] = await say('sunzongzhi', '本月政治生日');
    expect(textOf(how!)).toContain('支部名称+已开展11月集体政治生日活动');
    const [bare] = await say('sunzongzhi', '已开展11月集体政治生日活动');
    expect(textOf(bare!)).toContain('请写明是哪个党支部');
    const [ok] = await say('sunzongzhi', '教工第一党支部已开展11月集体政治生日活动');
    expect(textOf(ok!)).toContain('已登记：教工第一党支部11月集体过政治生日活动');
    const logged = await db().selectFrom('birthday_activities').innerJoin('organisations', 'organisations.id', 'birthday_activities.branch_id').select(['organisations.name', 'period']).execute();
    expect(logged).toContainEqual({ name: '教工第一党支部', period: '2026-11' });
    const [notHis] = await say('sunzongzhi', '研究生第一党支部已开展11月集体政治生日活动');
    expect(textOf(notHis!)).toContain('不是您负责的党支部');
  });

  it('point 12: the CLI tells same-named branches apart by general branch or path, listing the candidates otherwise', async () => {
    const ambiguous = await organisationByName(db(), 'branch', '教工党支部').then(() => '', (e: Error) => e.message);
    expect(ambiguous).toContain('有 2 个名为“教工党支部”的党支部');
    expect(ambiguous).toContain('计算机学院党总支/教工党支部');
    expect(ambiguous).toContain('数学学院党总支/教工党支部');
    expect(ambiguous).toContain('--general-branch');
    expect((await organisationByName(db(), 'branch', '教工党支部', '数学学院党总支')).path).toBe('数学学院党总支/教工党支部');
    expect((await organisationByName(db(), 'branch', '计算机学院党总支/教工党支部')).path).toBe('计算机学院党总支/教工党支部');
    await expect(organisationByName(db(), 'branch', '机关党总支/教工党支部')).rejects.toThrow('同名的有');
  });

  it('point 13: a follow-up within ten minutes adds to the note; later it does not', async () => {
    await say('zhouzhishu', '今天和吴生日谈心了');
    const [more] = await say('zhouzhishu', '家属在陪护，情况稳定');
    expect(more!.body.template_card.main_title.title).toBe('已补充谈心情况：吴生日');
    expect(more!.body.template_card.button_list.map((b: { text: string }) => b.text)).toEqual(['撤销']);
    expect((await lastRecord()).note).toBe('家属在陪护，情况稳定');
    const [thanks] = await say('zhouzhishu', '谢谢');
    expect(textOf(thanks!)).not.toContain('已补充');
    // A question asks; it is no addition to the note (and files no report).
    const [asked] = await say('zhouzhishu', '吴生日是困难党员吗？');
    expect(asked!.msgtype === 'template_card' ? asked!.body.template_card.main_title.title : textOf(asked!)).not.toContain('已补充');
    expect((await lastRecord()).note).toBe('家属在陪护，情况稳定');
    time.set(new Date(time.clock().getTime() + 11 * 60_000).toISOString());
    const [late] = await say('zhouzhishu', '情况有好转');
    expect(textOf(late!)).not.toContain('已补充');
    expect((await lastRecord()).note).toBe('家属在陪护，情况稳定');
  });

  it('point 13: 已完成 typed as text completes the one open reminder, or asks which', async () => {
    await say('chuzhishu', '报告：陈别支住院了', 2);
    const [done] = await say('chuzhishu', '已完成');
    expect(textOf(done!)).toContain('已登记：今天走访了陈别支（患病住院），该事项已完成');
    expect((await openVisits('chenbiezhi')).map((o) => o.status)).toEqual(['done']);
    await say('chuzhishu', '报告：陈别支受灾了', 2);
    await say('chuzhishu', '报告：陈别支的父亲去世了', 2);
    const [q] = await say('chuzhishu', '完成了');
    const card = q!.body.template_card;
    expect(card.main_title.title).toBe('完成的是哪一项？');
    expect(card.button_list).toHaveLength(2);
    await click('chuzhishu', card, card.button_list.find((b: { text: string }) => b.text.includes('受灾')).text);
    expect((await openVisits('chenbiezhi')).map((o) => [o.reason, o.status])).toEqual([
      ['hospitalised', 'done'],
      ['disaster', 'done'],
      ['bereavement', 'open'],
    ]);
  });
});
