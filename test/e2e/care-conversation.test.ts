// Issue 5 end to end through encrypted callbacks and the fake WeCom API: a report opens an obligation and
// notifies its owner; the owner's one-line reply logs the visit and closes it; 撤销 reopens it; an
// ambiguous name is asked back with buttons and a click resolves it; a plain member cannot log talks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { openQuotaObligations } from '../../src/care/obligations.ts';

const EXTRA = [
  '张伟,zhangwei01,男,1990-01-01,2015-03-01,2016-03-01,计算机学院党总支,本科生第一党支部,,,',
  '张伟,zhangwei02,男,1992-02-02,2016-04-01,2017-04-01,计算机学院党总支,研究生党支部,,,',
  '高兴,gaoxing01,女,1988-08-08,2012-06-01,2013-06-01,计算机学院党总支,教工第一党支部,,,',
];

describe('one message does it', () => {
  let stack: Stack;
  const time = runningClock('2026-11-26T02:00:00Z'); // 10:00 Thursday in Shanghai

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db, [...CARE_ROWS, ...EXTRA]);
    await openQuotaObligations(stack.deps.db.db, 2026, time.clock());
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 7_000_000_000n);
  const db = () => stack.deps.db.db;

  it('report → obligation and owner notified → one-line reply logs it and closes it → 撤销 reopens it', async () => {
    const out = await say('wushengri', '报告：本人住院了，阑尾炎手术', 2);
    const ack = out.find((m) => m.touser === 'wushengri')!;
    expect(textOf(ack)).toContain('已收到报告（患病住院）');
    expect(textOf(ack)).toContain('周支书');
    const task = out.find((m) => m.touser === 'zhouzhishu')!;
    expect(task.msgtype).toBe('template_card');
    expect(task.body.template_card.main_title.title).toBe('新的走访任务：吴生日');
    const ob = await db().selectFrom('care_obligations').selectAll().where('source', '=', 'trigger').executeTakeFirstOrThrow();
    expect(ob).toMatchObject({ kind: 'visit', reason: 'hospitalised', status: 'open', due_on: '2026-12-03', owner_role: 'branch_secretary' });

    const logged = await say('zhouzhishu', '已走访，送慰问金300元');
    expect(logged[0]!.body.template_card.main_title.title).toBe('已登记走访：吴生日');
    const after = await db().selectFrom('care_obligations').selectAll().where('id', '=', ob.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('done');
    const rec = await db().selectFrom('care_records').selectAll().where('id', '=', after.record_id!).executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ kind: 'visit', reason: 'hospitalised', note: '送慰问金300元', happened_on: '2026-11-26', obligation_id: ob.id });

    const undone = await say('zhouzhishu', '撤销');
    expect(textOf(undone[0]!)).toBe('已撤销：11月26日走访吴生日的登记。相应的 1 项待办已恢复。');
    expect((await db().selectFrom('care_obligations').select('status').where('id', '=', ob.id).executeTakeFirstOrThrow()).status).toBe('open');
    expect((await db().selectFrom('care_records').select('undone_at').where('id', '=', rec.id).executeTakeFirstOrThrow()).undone_at).not.toBeNull();
  });

  it('a talk with a full message: recorded with its reason and note, the quota obligation closed', async () => {
    const out = await say('zhouzhishu', '今天和高兴谈心了，他岗位变动，情绪稳定');
    expect(out[0]!.body.template_card.main_title.title).toBe('已登记谈心：高兴');
    const rec = await db().selectFrom('care_records').selectAll().where('undone_at', 'is', null).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ kind: 'talk', reason: 'job_change', note: '情绪稳定' });
    const gao = await db().selectFrom('members').select('id').where('userid', '=', 'gaoxing01').executeTakeFirstOrThrow();
    const zhou = await db().selectFrom('members').select('id').where('userid', '=', 'zhouzhishu').executeTakeFirstOrThrow();
    const quota = await db().selectFrom('care_obligations').selectAll().where('source', '=', 'quota').where('member_id', '=', gao.id).where('owner_member_id', '=', zhou.id).executeTakeFirstOrThrow();
    expect(quota.status).toBe('done');
  });

  it('the note keeps the writer\'s words whole (issue 9 point 14)', async () => {
    await say('zhouzhishu', '刚才找高兴谈了话，=SUM(1+1) 他说工作压力很大');
    const rec = await db().selectFrom('care_records').selectAll().where('undone_at', 'is', null).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ kind: 'talk', reason: 'setback', note: '=SUM(1+1) 他说工作压力很大' });
  });

  it('greetings, thanks, 帮 助 and 幫助 are understood (issue 9 point 15)', async () => {
    expect(textOf((await say('zhouzhishu', '你好'))[0]!)).toBe('周支书同志，您好！我是党员关怀助手。发送「帮助」可以查看我能做什么。');
    expect(textOf((await say('zhouzhishu', '谢谢！'))[0]!)).toBe('不客气。如需帮助，请随时发送「帮助」。');
    for (const help of ['帮 助', '幫助']) expect(textOf((await say('zhouzhishu', help))[0]!), help).toContain('【党员关怀助手】周支书同志');
    expect(textOf((await say('zhouzhishu', '待 辦'))[0]!)).toContain('待办');
  });

  it('an ambiguous name is asked back with a button per person, never guessed', async () => {
    const [q] = await say('sunzongzhi', '昨天和张伟谈心了，工作失误，已认识到问题');
    expect(q!.msgtype).toBe('template_card');
    const card = q!.body.template_card;
    expect(card.main_title.title).toBe('您说的“张伟”是哪一位？');
    expect(card.button_list.map((b: { text: string }) => b.text)).toEqual(['本科生第一党支部', '研究生党支部']);
    const before = await db().selectFrom('care_records').select('id').execute();
    const [done] = await click('sunzongzhi', card, '研究生党支部');
    expect(done!.body.template_card.main_title.title).toBe('已登记谈心：张伟');
    const rec = await db().selectFrom('care_records').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    const zw2 = await db().selectFrom('members').select('id').where('userid', '=', 'zhangwei02').executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ member_id: zw2.id, reason: 'mistake', happened_on: '2026-11-25', note: '已认识到问题' });
    // A second click on the same question does nothing more.
    const [again] = await click('sunzongzhi', card, '本科生第一党支部');
    expect(textOf(again!)).toContain('已经回答过');
    expect(await db().selectFrom('care_records').select('id').execute()).toHaveLength(before.length + 1);
  });

  it('a plain member cannot log a talk, and is told what they can do', async () => {
    const [a] = await say('wushengri', '今天和高兴谈心了');
    expect(textOf(a!)).toContain('由党组织负责同志登记');
  });

  it('待办 lists what the writer owes; 谈心进度 counts the year', async () => {
    const [todo] = await say('zhouzhishu', '我的待办');
    expect(textOf(todo!)).toContain('走访 吴生日');
    const [progress] = await say('zhouzhishu', '谈心进度');
    // 周支书 owes the year's talk to every other member of 教工第一党支部; 高兴's is done.
    expect(textOf(progress!)).toMatch(/已完成 1\/\d+/);
    expect(textOf(progress!)).toContain('吴生日');
    expect(textOf(progress!)).not.toMatch(/尚未谈心：.*高兴/);
  });

  it('a future date is refused, a visit without a reason is asked about', async () => {
    const [future] = await say('zhouzhishu', '12月20日走访吴生日，送慰问品');
    expect(textOf(future!)).toBe('所写日期（12月20日）尚未到来。请登记已经完成的谈心、走访；如为计划安排，请完成后再登记。');
    const [noReason] = await say('zhouzhishu', '今天走访了吴生日');
    expect(textOf(noReason!)).toContain('请说明走访事由');
  });
});
