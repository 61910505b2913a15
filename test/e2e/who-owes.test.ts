// Issue 11 "Who owes, and what closes it" end to end, through signed WeCom callbacks and the fake WeCom API:
// a talk trigger reaches the GB secretary and the unit's main Party leader and only their talk for it closes it;
// a visit trigger reaches the branch and the GB secretary; 派人 records who visited and who sent them; the OD marks
// an outstanding contributor in chat and then owes (and alone closes) its own visit; a hospitalised branch
// secretary is not asked to visit herself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { openQuotaObligations } from '../../src/care/obligations.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';

const EXTRA = [
  '孔领导,kongling,男,1972-01-01,1998-07-01,1999-07-01,计算机学院党总支,教工第一党支部,单位党员主要领导,正处级,',
  '李明,liming,男,1995-01-01,2018-03-01,2019-03-01,计算机学院党总支,教工第一党支部,,,',
];

describe('who owes, and what closes it (issue 11)', () => {
  let stack: Stack;
  const time = runningClock('2026-11-26T02:00:00Z'); // 10:00 Thursday in Shanghai

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db, [...CARE_ROWS, ...EXTRA]);
    await openQuotaObligations(stack.deps.db.db, 2026, time.clock());
  });
  afterAll(() => stack.close());

  const { say } = wecomChat(() => stack, time.clock, 8_100_000_000n);
  const db = () => stack.deps.db.db;
  const to = (out: SentMessage[], userid: string) => out.filter((m) => m.touser === userid);
  const memberId = async (u: string) => (await db().selectFrom('members').select('id').where('userid', '=', u).executeTakeFirstOrThrow()).id;
  const openTrigger = async (u: string, kind: 'talk' | 'visit') =>
    db().selectFrom('care_obligations').selectAll().where('member_id', '=', await memberId(u)).where('kind', '=', kind).where('source', '=', 'trigger').orderBy('id').execute();

  it('a talk trigger: the GB secretary and the unit’s main Party leader get the card; a routine talk or the branch secretary’s talk leaves it open; the leader’s talk for it closes it', async () => {
    const out = await say('wushengri', '报告：本人岗位变动', 3);
    expect(to(out, 'sunzongzhi')[0]!.body.template_card.main_title.title).toBe('新的谈心任务：吴生日');
    expect(to(out, 'kongling')[0]!.body.template_card.main_title.title).toBe('新的谈心任务：吴生日');
    expect(to(out, 'zhouzhishu')).toEqual([]);
    const [talk] = await openTrigger('wushengri', 'talk');
    expect(talk).toMatchObject({ owner_role: 'gb_secretary', status: 'open' });

    // The branch secretary's talk with him (her yearly one) does not discharge the GB leader's 五必谈 talk.
    const branch = await say('zhouzhishu', '今天和吴生日谈心了，岗位变动，情绪稳定');
    expect(branch[0]!.body.template_card.sub_title_text).toContain('已完成相应待办 1 项'); // her quota only
    expect((await openTrigger('wushengri', 'talk'))[0]!.status).toBe('open');

    // The GB secretary's routine talk leaves it open too, and says so.
    const routine = await say('sunzongzhi', '今天和吴生日谈心了');
    expect(routine[0]!.body.template_card.sub_title_text).toContain('吴生日的“岗位变动”谈心待办仍未完成');
    expect((await openTrigger('wushengri', 'talk'))[0]!.status).toBe('open');

    const leader = await say('kongling', '今天和吴生日谈心了，岗位变动，已做思想工作');
    expect(leader[0]!.body.template_card.sub_title_text).toContain('已完成相应待办 1 项');
    expect((await openTrigger('wushengri', 'talk'))[0]!.status).toBe('done');
  });

  it('a visit trigger: the branch and the GB secretary get the card; 派人 closes the sender’s obligation and records both', async () => {
    const out = await say('wushengri', '报告：本人住院了', 3);
    expect(to(out, 'zhouzhishu')[0]!.body.template_card.main_title.title).toBe('新的走访任务：吴生日');
    expect(to(out, 'sunzongzhi')[0]!.body.template_card.main_title.title).toBe('新的走访任务：吴生日');

    // The reason is the one visit she owes him: 派人 answers an owed visit.
    const sent = await say('zhouzhishu', '派李明走访了吴生日，送慰问金300元');
    const card = sent[0]!.body.template_card;
    expect(card.main_title.title).toBe('已登记走访：吴生日');
    expect(card.horizontal_content_list).toContainEqual({ keyname: '走访人', value: '李明（由您派出）' });
    expect(card.sub_title_text).toContain('已完成相应待办 1 项');
    const [visit] = await openTrigger('wushengri', 'visit');
    expect(visit!.status).toBe('done');
    const rec = await db().selectFrom('care_records').selectAll().where('id', '=', visit!.record_id!).executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ reason: 'hospitalised', note: '送慰问金300元', leader_member_id: await memberId('liming'), sent_by_member_id: await memberId('zhouzhishu'), recorded_by_member_id: await memberId('zhouzhishu') });

    // A talk is recorded by whoever talked.
    const talk = await say('zhouzhishu', '派李明和吴生日谈心了');
    expect(textOf(talk[0]!)).toContain('谈心请由谈话人本人登记');
  });

  it('设为突出贡献 is the OD’s; then a visit trigger opens the OD’s own visit, which only the OD’s visit closes', async () => {
    const refused = await say('zhouzhishu', '设为突出贡献：王今年');
    expect(textOf(refused[0]!)).toBe('突出贡献党员由党委组织部认定和设置。如需设置，请联系党委组织部。');
    const set = await say('zhaozuzhi', '设为突出贡献：王今年');
    expect(textOf(set[0]!)).toContain('已设为突出贡献党员：王今年（计算机学院党总支教工第一党支部）');
    expect((await db().selectFrom('members').select('outstanding_contributor').where('userid', '=', 'wangjinnian').executeTakeFirstOrThrow()).outstanding_contributor).toBe(true);

    const out = await say('wushengri', '报告：王今年遭受灾害', 4);
    expect(to(out, 'zhaozuzhi')[0]!.body.template_card.main_title.title).toBe('新的走访任务：王今年');
    const branch = await say('zhouzhishu', '今天走访了王今年，受灾，送去生活用品');
    expect(branch[0]!.body.template_card.sub_title_text).toContain('已完成相应待办 1 项');
    const visits = await openTrigger('wangjinnian', 'visit');
    expect(visits.map((v) => [v.owner_role, v.status])).toEqual([
      ['branch_secretary', 'done'],
      ['od_staff', 'open'],
    ]);
    await say('zhaozuzhi', '今天走访了王今年，受灾');
    expect((await openTrigger('wangjinnian', 'visit')).map((v) => v.status)).toEqual(['done', 'done']);

    const cleared = await say('zhaozuzhi', '取消突出贡献：王今年');
    expect(textOf(cleared[0]!)).toBe('已取消突出贡献党员标记：王今年（计算机学院党总支教工第一党支部）。');
  });

  it('nobody owes themselves: the hospitalised branch secretary’s visit goes to the GB', async () => {
    const out = await say('wushengri', '报告：周支书住院了', 2);
    expect(to(out, 'zhouzhishu')).toEqual([]);
    expect(to(out, 'sunzongzhi')[0]!.body.template_card.main_title.title).toBe('新的走访任务：周支书');
    expect((await openTrigger('zhouzhishu', 'visit'))[0]).toMatchObject({ owner_role: 'gb_secretary', status: 'open' });
  });
});
