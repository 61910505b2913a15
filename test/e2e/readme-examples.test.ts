// Issue 9 point 10: every chat example of the README's "Talks and visits" section works on the demo roster
// (seed-demo, default seed), written by the secretary of the branch the README's people are in; and the main
// sentences of its "Hardship registry" section (issue 12).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { README_BRANCH, seedDemo } from '../../src/roster/seed-demo.ts';
import { T } from '../../src/conversation/templates.ts';

describe('the README\'s chat examples on the demo roster', () => {
  let stack: Stack;
  const time = runningClock('2026-11-26T02:00:00Z'); // 10:00 Thursday in Shanghai
  let secretary = '';
  let gbSecretary = '';

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await seedDemo(stack.deps.db.db, { members: 300, seed: '1', today: '2026-11-26' });
    const holder = (role: string, org: string) => sql<{ userid: string }>`
      select m.userid from member_roles r join members m on m.id = r.member_id join organisations o on o.id = r.organisation_id
       left join organisations p on p.id = o.parent_id
       where r.role = ${role} and (o.name || '/' || coalesce(p.name, '')) = ${org} order by m.id limit 1`.execute(stack.deps.db.db);
    secretary = (await holder('branch_secretary', `${README_BRANCH.branch}/${README_BRANCH.generalBranch}`)).rows[0]!.userid;
    const gb = await sql<{ userid: string }>`
      select m.userid from member_roles r join members m on m.id = r.member_id join organisations o on o.id = r.organisation_id
       where r.role = 'gb_secretary' and o.name = ${README_BRANCH.generalBranch}`.execute(stack.deps.db.db);
    gbSecretary = gb.rows[0]!.userid;
  });
  afterAll(() => stack.close());

  const { say } = wecomChat(() => stack, time.clock, 9_500_000_000n);
  const title = (m: SentMessage | undefined) => m?.body.template_card?.main_title.title;
  const ack = (ms: SentMessage[]) => textOf(ms.find((m) => m.msgtype === 'text')!);

  it('records talks and visits', async () => {
    expect(title((await say(secretary, '今天和张伟谈心了，他岗位变动，情绪稳定'))[0])).toBe('已登记谈心：张伟');
    expect(title((await say(secretary, '11月20日走访欧阳明，患病住院，送慰问金500元'))[0])).toBe('已登记走访：欧阳明');
    const two = await say(secretary, '谈心 张伟 王芳 岗位变动', 2);
    // Two cards, sent concurrently: their order is not the message's.
    expect(two.map(title).sort()).toEqual(['已登记谈心：张伟', '已登记谈心：王芳'].sort());
  });

  it('reports, and the replies to the tasks they open', async () => {
    expect(ack(await say(secretary, '报告：张伟住院了', 2))).toContain('已收到报告（患病住院）');
    expect(ack(await say(secretary, '王芳的母亲去世了', 2))).toContain('已收到报告（家庭成员去世）');
    expect(ack(await say(secretary, '报告：本人住院了', 2))).toContain('已收到报告（患病住院）');
    // Several visits are open now: asked which.
    expect(title((await say(secretary, '已走访，送慰问金300元'))[0])).toBe('这次走访是哪一项？');
    // A talk task goes to the general branch's leader, who replies in two words.
    await say(secretary, '报告：刘洋岗位变动了', 2);
    expect(title((await say(gbSecretary, '已谈，情绪稳定'))[0])).toBe('已登记谈心：刘洋');
  });

  it('answers the short commands', async () => {
    for (const command of ['待办', '本月政治生日', '谈心进度', '撤销', '帮助']) {
      const [a] = await say(secretary, command);
      expect(textOf(a!), command).not.toBe(T.hint);
    }
    expect(textOf((await say(secretary, '已开展11月集体政治生日活动'))[0]!)).toContain('已登记');
    // The GB's verification: submitted (in November), the OD told too.
    const submitted = await say(gbSecretary, '困难党员已核实上报');
    expect(textOf(submitted.find((m) => m.touser === gbSecretary)!)).toContain('已上报党委组织部');
  });

  it('the hardship registry\'s examples (README "Hardship registry")', async () => {
    expect(ack(await say(secretary, '推荐王芳为生活困难党员，因病', 2))).toContain('已向王芳同志发送征求意见卡片');
    expect(ack(await say(gbSecretary, '申请困难帮扶：母亲重病，家庭开支大', 2))).toContain('已收到您的生活困难党员申报（困难类型：患病）');
    for (const [who, command] of [[secretary, '我的帮扶'], [secretary, '本支部困难党员'], [gbSecretary, '困难党员名单']] as const) {
      const [a] = await say(who, command);
      expect(textOf(a!), command).not.toBe(T.hint);
    }
  });
});
