// Issue 11 points 11 and 16 end to end, through signed WeCom callbacks and the fake WeCom API: a member without a
// chat account (冯无号) is named in chat like anyone else — a visit to them is recorded and exported with an empty
// account, a report about them reaches the secretaries and nothing goes to them; their political birthday letter
// and the branch's activity are logged with their forms, each answered with a card whose 撤销 works; a college
// written with a name settles which 张伟 is meant, and without one the bot still asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { collectCare, careExportBytes } from '../../src/care/export.ts';
import { exportRoster } from '../../src/roster/export.ts';
import { NO_ACCOUNT_MARK } from '../../src/notices/templates.ts';

const EXTRA = [
  '张伟,zhangwei21,男,1990-01-01,2015-03-01,2016-03-01,计算机学院党总支,教工第一党支部,,,',
  '张伟,zhangwei22,男,1980-02-02,2005-04-01,2006-04-01,数学学院党总支,教工党支部,,,',
  '张伟,,男,1950-03-03,1975-05-01,1976-05-01,文学院党总支,离退休党支部,,,',
  '文书记,wenshuji,女,1970-01-01,1995-06-01,1996-06-01,文学院党总支,离退休党支部,党总支书记;支部书记,,',
];

describe('issue 11: members without a chat account, and a college settling namesakes', () => {
  let stack: Stack;
  const time = runningClock('2026-11-18T02:00:00Z'); // 10:00 Wednesday in Shanghai

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db, [...CARE_ROWS, ...EXTRA]);
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 9_100_000_000n);
  const db = () => stack.deps.db.db;
  const member = (name: string, userid: string | null) =>
    db().selectFrom('members').select(['id']).where('name', '=', name).where('userid', userid === null ? 'is' : '=', userid).executeTakeFirstOrThrow();
  const lastRecord = () => db().selectFrom('care_records').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();

  it('point 11: a visit to 冯无号 is recorded and exported with his name and branch and an empty account', async () => {
    const [card] = await say('zhouzhishu', '今天走访冯无号，患病住院，送慰问金300元');
    expect(card!.body.template_card.main_title.title).toBe('已登记走访：冯无号');
    const feng = await member('冯无号', null);
    expect(await lastRecord()).toMatchObject({ kind: 'visit', member_id: feng.id, reason: 'hospitalised' });
    const visits = await collectCare(db(), 'visits', { today: '2026-11-18' });
    expect(visits.find((v) => v.member_name === '冯无号')).toMatchObject({ member_userid: null, member_branch: '教工第一党支部', member_general_branch: '计算机学院党总支' });
    let csv = '';
    for await (const chunk of careExportBytes(db(), 'visits', 'csv', { today: '2026-11-18' })) csv += chunk.toString('utf8');
    expect(csv).toMatch(/,,冯无号,教工第一党支部,计算机学院党总支,hospitalised,/u);
    const roster = (await exportRoster(db(), 'csv')).bytes.toString('utf8');
    expect(roster).toContain('冯无号,,,男,1991-01-01,2015-11-26,2016-11-26,计算机学院党总支,教工第一党支部'); // no 账号, no 钉钉账号
  });

  it('point 11: a report about 冯无号 opens the visit and tells the secretaries; nothing is addressed to him', async () => {
    const out = await say('sunzongzhi', '报告：冯无号的母亲去世了', 2);
    expect(out.some((m) => m.touser === 'zhouzhishu' && m.msgtype === 'template_card')).toBe(true);
    const feng = await member('冯无号', null);
    const ob = await db().selectFrom('care_obligations').select(['reason', 'status']).where('member_id', '=', feng.id).where('source', '=', 'trigger').executeTakeFirstOrThrow();
    expect(ob).toEqual({ reason: 'bereavement', status: 'open' });
    expect(stack.fake!.sent.every((m) => typeof m.touser === 'string' && m.touser !== '')).toBe(true);
    expect(await db().selectFrom('deliveries').select('id').where('recipient', '=', '').execute()).toEqual([]);
  });

  it('point 11: 已寄贺信：冯无号 is logged as a letter with a card; 撤销 removes it', async () => {
    // 本月政治生日 marks him, and says how to log the letter.
    const [list] = await say('zhouzhishu', '本月政治生日');
    expect(textOf(list!)).toContain(`冯无号（教工第一党支部）11月26日，入党11周年；${NO_ACCOUNT_MARK}`);
    expect(textOf(list!)).toContain('已寄贺信：姓名');
    expect(textOf(list!)).not.toContain(`吴生日（教工第一党支部）11月26日，入党14周年；`);
    const [card] = await say('zhouzhishu', '已寄贺信：冯无号');
    const c = card!.body.template_card;
    expect(c.main_title.title).toBe('已登记入党纪念贺信：冯无号');
    expect(c.horizontal_content_list).toContainEqual({ keyname: '形式', value: '入党纪念贺信' });
    const feng = await member('冯无号', null);
    expect(await db().selectFrom('birthday_member_activities').select(['member_id', 'period', 'form']).execute()).toEqual([{ member_id: feng.id, period: '2026-11', form: 'letter' }]);
    // The same button pressed by the secretary of another branch removes nothing.
    const [refused] = await click('chuzhishu', c, '撤销');
    expect(textOf(refused!)).toBe('这项登记不由您负责，无法撤销。');
    // The card's own 撤销, by the secretary who logged it.
    const [undone] = await click('zhouzhishu', c, '撤销');
    expect(textOf(undone!)).toContain('已撤销11月政治生日贺信、短信的登记（1人）');
    expect(await db().selectFrom('birthday_member_activities').select('member_id').execute()).toEqual([]);
    const [again] = await say('zhouzhishu', '已发短信：冯无号');
    expect(again!.body.template_card.main_title.title).toBe('已登记手机短信：冯无号');
    const [nobody] = await say('zhouzhishu', '已寄贺信：李不在');
    expect(textOf(nobody!)).toContain('您负责的党支部名册中没有“李不在”');
  });

  it('point 11: 已开展11月集体政治生日活动（重温入党誓词） stores the forms and answers with a card', async () => {
    const [card] = await say('zhouzhishu', '已开展11月集体政治生日活动（重温入党誓词）');
    const c = card!.body.template_card;
    expect(c.main_title.title).toBe('已登记：教工第一党支部11月集体过政治生日活动');
    expect(c.horizontal_content_list).toContainEqual({ keyname: '形式', value: '集体过政治生日、重温入党誓词' });
    const row = await db().selectFrom('birthday_activities').select(['period', 'forms']).executeTakeFirstOrThrow();
    expect(row.period).toBe('2026-11');
    expect([...row.forms].sort()).toEqual(['collective', 'oath']);
  });

  it('point 16: a college written with the name settles which 张伟 is meant', async () => {
    const [talk] = await say('lishuji', '数学学院张伟岗位变动，今天已谈心');
    expect(talk!.body.template_card.main_title.title).toBe('已登记谈心：张伟');
    expect(talk!.body.template_card.horizontal_content_list).toContainEqual({ keyname: '所在支部', value: '数学学院党总支教工党支部' });
    expect(await lastRecord()).toMatchObject({ kind: 'talk', member_id: (await member('张伟', 'zhangwei22')).id, reason: 'job_change', note: '' });
    const [visit] = await say('lishuji', '走访张伟（文学院），住院');
    expect(visit!.body.template_card.main_title.title).toBe('已登记走访：张伟');
    expect(await lastRecord()).toMatchObject({ kind: 'visit', member_id: (await member('张伟', null)).id, reason: 'hospitalised' });
  });

  it('point 16: without a college, or with one no 张伟 is in, the bot asks which one — never a guess', async () => {
    const [q] = await say('lishuji', '今天和张伟谈心了');
    expect(q!.body.template_card.main_title.title).toBe('您说的“张伟”是哪一位？');
    expect(q!.body.template_card.button_list).toHaveLength(3);
    const [q2] = await say('lishuji', '今天和机关党总支张伟谈心了');
    expect(q2!.body.template_card.main_title.title).toBe('您说的“张伟”是哪一位？');
  });
});
