// Issue 9 point 10: every chat example of the README's "Talks and visits" section works on the demo roster
// (seed-demo, default seed), written by the secretary of the branch the README's people are in. The assistance
// sections (issue 12) are the second describe below.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runningClock, startStack, waitForAllDelivered, waitForQuiet, WECOM, type Stack } from '../helpers/stack.ts';
import { eventXml } from '../helpers/wecom-signer.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { runEntryToExit } from '../helpers/processes.ts';
import { README_BRANCH, README_WRITERS, seedDemo } from '../../src/roster/seed-demo.ts';
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
});

// Issue 12: every chat example of the README's assistance sections — "Hardship registry", "May/November
// verification", "Fixed monthly subsidy", "Emergency aid", "Pairing" — as written, in the README's order, on the
// demo roster and its registry (seed-demo), each by the writer the README names (its "demo organisation"), with the
// clock pinned: the registry and the verification on Wednesday 13 May 2026, the subsidy's payments, the aid and
// the pairing on Wednesday 10 November 2027 (the subsidy set in May runs January–December 2027). Then the CLI's
// assistance exports and hardship-reviewed; and, last, a check that the test sent every example those tables show.
describe('the README\'s assistance sections on the demo roster', () => {
  const ADMIN_TOKEN = 'readme-examples-admin-token-0123456789';
  let stack: Stack;
  const time = runningClock('2026-05-13T02:00:00Z'); // 10:00 Wednesday in Shanghai
  const said: string[] = [];
  const who = { branchSecretary: '', gbSecretary: '', od: '' };
  const account: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN }, overrides: { clock: time.clock } });
    // A reader walks through these in the local web chat, which has no per-person send limit; WeCom's (30 a
    // minute to one person, tested on its own) would only hold 孙建国's and 赵志刚's answers back a minute here.
    stack.deps.rateLimiter = undefined;
    await seedDemo(stack.deps.db.db, { members: 300, seed: '1', today: '2026-05-13' });
    const rows = await sql<{ name: string; userid: string | null }>`select name, userid from members where status = 'active'`.execute(stack.deps.db.db);
    // Accounts of the names one member bears; the README's namesakes are set from the README below.
    const bearers = new Map<string, number>();
    for (const r of rows.rows) bearers.set(r.name, (bearers.get(r.name) ?? 0) + 1);
    for (const r of rows.rows) if (r.userid && bearers.get(r.name) === 1) account[r.name] = r.userid;
  });
  afterAll(() => stack.close());

  const chat = wecomChat(() => stack, time.clock, 9_600_000_000n);
  const db = () => stack.deps.db.db;
  /** Says `text` as `from` (an account), and keeps it for the coverage check. */
  const say = (from: string, text: string, n?: number) => {
    said.push(text);
    return chat.say(from, text, n);
  };
  type Card = { task_id: string; button_list: Array<{ key: string; text: string }> };
  const click = (from: string, card: Card, button: string) => chat.click(from, card, button);
  const to = (sent: SentMessage[], userid: string) => sent.filter((m) => m.touser === userid);
  const textTo = (sent: SentMessage[], userid: string) => to(sent, userid).filter((m) => m.msgtype !== 'template_card').map(textOf).join('\n');
  const cardTo = (sent: SentMessage[], userid: string, title: string): Card => {
    const card = to(sent, userid).find((m) => m.msgtype === 'template_card' && m.body.template_card.main_title.title === title)?.body.template_card;
    expect(card, `${title} to ${userid}`).toBeDefined();
    return card as Card;
  };
  const lastDelivery = async () => Number((await sql<{ id: string | null }>`select max(id)::text as id from deliveries`.execute(db())).rows[0]!.id ?? 0);
  /**
   * What the bot answered `from` (text and markdown, not cards), read from the deliveries: two README lines may
   * rightly get the same answer, and the fake WeCom drops a repeated message as WeCom's duplicate check does
   * (the bot's twin check compares send times with the pinned clock, a year ahead here).
   */
  const answer = async (from: string, text: string) => {
    const before = await lastDelivery();
    await say(from, text, 0);
    const rows = await db().selectFrom('deliveries').select('message').where('recipient', '=', from).where('id', '>', String(before)).orderBy('id').execute();
    return rows.map((r) => r.message as { type: string; content?: string }).filter((m) => m.type === 'text' || m.type === 'markdown').map((m) => m.content).join('\n');
  };
  /** The README's person of that name (their account tells namesakes apart; 冯无号 and the seeded applicant are one of a name). */
  const idOf = async (name: string) => {
    const q = db().selectFrom('members').select('id').where('status', '=', 'active');
    const rows = await (account[name] ? q.where('userid', '=', account[name]) : q.where('name', '=', name)).execute();
    expect(rows, name).toHaveLength(1);
    return rows[0]!.id;
  };
  const entryOf = async (name: string) => db().selectFrom('hardship_registry').selectAll().where('member_id', '=', await idOf(name)).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const aidOf = async (name: string) => db().selectFrom('emergency_aids').selectAll().where('member_id', '=', await idOf(name)).orderBy('id', 'desc').executeTakeFirstOrThrow();

  it('has the writers the README names, in their offices, and the demo registry', async () => {
    const holder = async (role: string, org: string) =>
      (await sql<{ name: string; userid: string }>`select m.name, m.userid from member_roles r join members m on m.id = r.member_id join organisations o on o.id = r.organisation_id
        where r.role = ${role} and o.name = ${org} order by m.id`.execute(db())).rows;
    const branch = await sql<{ name: string; userid: string }>`select m.name, m.userid from member_roles r join members m on m.id = r.member_id
      join organisations o on o.id = r.organisation_id join organisations g on g.id = o.parent_id
      where r.role = 'branch_secretary' and o.name = ${README_BRANCH.branch} and g.name = ${README_BRANCH.generalBranch}`.execute(db());
    expect(branch.rows).toEqual([{ name: README_WRITERS.branchSecretary.name, userid: 'huanglihua01' }]);
    expect(await holder('gb_secretary', README_BRANCH.generalBranch)).toEqual([{ name: README_WRITERS.gbSecretary.name, userid: 'sunjianguo01' }]);
    const od = await sql<{ name: string; userid: string }>`select m.name, m.userid from member_roles r join members m on m.id = r.member_id where r.role = 'od_staff' order by m.id`.execute(db());
    expect(od.rows.map((r) => r.name)).toContain(README_WRITERS.od.name);
    Object.assign(who, { branchSecretary: 'huanglihua01', gbSecretary: 'sunjianguo01', od: 'zhaozhigang01' });
    // The accounts the README gives, and the member without one.
    for (const [name, userid] of Object.entries({ 张伟: 'zhangwei01', 王芳: 'wangfang01', 欧阳明: 'ouyangming01', 刘洋: 'liuyang01', 李明: 'liming01', 陈静: 'chenjing01', 孙浩: 'sunhao01', 周敏: 'zhoumin01' })) {
      const inBranch = await sql<{ userid: string | null }>`select m.userid from members m join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
        where m.name = ${name} and b.name = ${README_BRANCH.branch} and g.name = ${README_BRANCH.generalBranch}`.execute(db());
      expect(inBranch.rows, name).toEqual([{ userid }]);
      account[name] = userid;
    }
    const feng = await sql<{ userid: string | null; n: string }>`select min(userid) as userid, count(*)::text as n from members where name = '冯无号'`.execute(db());
    expect(feng.rows[0]).toEqual({ userid: null, n: '1' });
    // The registry the README describes: four approved in the README's branch, four elsewhere, one waiting.
    const entries = await sql<{ name: string; gb: string; status: string; causes: string[] }>`select m.name, g.name as gb, h.status, h.causes from hardship_registry h
      join members m on m.id = h.member_id join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id order by h.id`.execute(db());
    const inGb = entries.rows.filter((e) => e.gb === README_BRANCH.generalBranch);
    expect(inGb.filter((e) => e.status === 'approved').map((e) => [e.name, e.causes])).toEqual([
      ['张伟', ['illness']],
      ['王芳', ['illness']],
      ['欧阳明', ['illness']],
      ['刘洋', ['misfortune']],
    ]);
    expect(inGb.filter((e) => e.status === 'applied')).toHaveLength(1);
    expect(entries.rows.filter((e) => e.gb !== README_BRANCH.generalBranch && e.status === 'approved')).toHaveLength(4);
    // The GB's 2 张伟 and 2 刘洋 (the namesake lines), the OD's 3 王芳.
    const namesakes = await sql<{ name: string; n: string }>`select m.name, count(*)::text as n from members m join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
      where g.name = ${README_BRANCH.generalBranch} and m.name in ('张伟', '刘洋') group by m.name order by m.name`.execute(db());
    expect(namesakes.rows).toEqual([{ name: '刘洋', n: '2' }, { name: '张伟', n: '2' }]);
  });

  describe('Hardship registry', () => {
    let chenReview: Card;
    let sunReview: Card;
    let fengReview: Card;

    it('申请困难帮扶 (陈静, for herself): applied, the GB secretary gets 通过 / 不通过; a second application gets the state', async () => {
      const sent = await say(account['陈静']!, '申请困难帮扶：母亲重病，家庭开支大');
      expect(textTo(sent, account['陈静']!)).toContain('已收到您的生活困难党员申报（困难类型：患病），已报计算机科学与技术学院党总支，将于');
      chenReview = cardTo(sent, who.gbSecretary, '请审核：陈静生活困难党员申报');
      expect(chenReview.button_list.map((b) => b.text)).toEqual(['通过', '不通过']);
      expect(await entryOf('陈静')).toMatchObject({ status: 'applied', source: 'self', causes: ['illness'], note: '母亲重病，家庭开支大' });
      for (const again of ['申请生活困难帮扶：母亲重病', '我要申请困难帮扶：母亲重病', '申报生活困难党员：母亲重病']) {
        expect(await answer(account['陈静']!, again), again).toContain('审核');
      }
      expect(await db().selectFrom('hardship_registry').select('id').where('member_id', '=', await idOf('陈静')).execute()).toHaveLength(1);
    });

    it('推荐孙浩…因病 (黄丽华): 孙浩 consents on his card, and the GB secretary gets it', async () => {
      const sent = await say(who.branchSecretary, '推荐孙浩为生活困难党员，因病');
      expect(textTo(sent, who.branchSecretary)).toContain('已向孙浩同志发送征求意见卡片（困难类型：患病）');
      const consent = cardTo(sent, account['孙浩']!, '征求意见：推荐您为生活困难党员');
      expect(await entryOf('孙浩')).toMatchObject({ status: 'awaiting_consent', source: 'branch' });
      const agreed = await click(account['孙浩']!, consent, '同意');
      sunReview = cardTo(agreed, who.gbSecretary, '请审核：孙浩生活困难党员申报');
      expect((await entryOf('孙浩')).status).toBe('applied');
    });

    it('推荐冯无号…本人已同意 (no chat account): the consent attested by the secretary; without those words nothing is recorded', async () => {
      expect(await answer(who.branchSecretary, '推荐冯无号为生活困难党员，因病')).toContain('本人已同意');
      expect(await db().selectFrom('hardship_registry').select('id').where('member_id', '=', await idOf('冯无号')).execute()).toEqual([]);
      const sent = await say(who.branchSecretary, '推荐冯无号为生活困难党员，因病，本人已同意');
      fengReview = cardTo(sent, who.gbSecretary, '请审核：冯无号生活困难党员申报');
      expect(await entryOf('冯无号')).toMatchObject({ status: 'applied', consent_attested: true, consent_by_member_id: await idOf(README_WRITERS.branchSecretary.name) });
      // 已征得本人同意 is read the same way: the entry is live now, so it is answered with its state.
      expect(await answer(who.branchSecretary, '推荐冯无号为生活困难党员，因病，已征得本人同意')).toContain('本次未作登记');
    });

    it('通过 / 不通过 on the GB\'s cards (孙建国), the reason as the next message, 取消 taking a 不通过 back', async () => {
      expect(await answer(who.gbSecretary, '待办')).toContain('我的待办（4项）');
      const asked = await click(who.gbSecretary, chenReview, '不通过');
      expect(textTo(asked, who.gbSecretary)).toContain('请回复不通过陈静同志申报的理由');
      const rejected = await say(who.gbSecretary, '经核实家庭收入尚可，暂不符合条件');
      expect(textTo(rejected, who.gbSecretary)).toContain('陈静同志的生活困难党员申报未通过，理由：经核实家庭收入尚可，暂不符合条件');
      expect(textTo(rejected, account['陈静']!)).toContain('未通过');
      expect(textTo(rejected, who.branchSecretary)).toContain('陈静');
      expect(await entryOf('陈静')).toMatchObject({ status: 'rejected', reason: '经核实家庭收入尚可，暂不符合条件' });
      for (const [card, name] of [[sunReview, '孙浩'], [fengReview, '冯无号']] as const) {
        const approved = await click(who.gbSecretary, card, '通过');
        expect(textTo(approved, who.gbSecretary), name).toContain('通过');
        expect(await entryOf(name)).toMatchObject({ status: 'approved', decided_by_member_id: await idOf(README_WRITERS.gbSecretary.name) });
      }
      // The demo's waiting application (研究生第一党支部): 不通过, then 取消 — it waits again.
      const todo = await say(who.gbSecretary, '待办');
      expect(textTo(todo, who.gbSecretary)).toContain('我的待办（1项）**\n- 审核生活困难党员申报 周勇（研究生第一党支部）');
      const pending = cardTo(todo, who.gbSecretary, '待办：审核生活困难党员申报');
      expect(JSON.stringify(pending)).toContain('周勇');
      await click(who.gbSecretary, pending, '不通过');
      expect(await answer(who.gbSecretary, '取消')).toContain('周勇');
      expect((await entryOf('周勇')).status).toBe('applied');
    });

    it('archiving (孙建国): 冯无号已好转，归档… and 归档困难党员：孙浩，原因：…', async () => {
      const first = await say(who.gbSecretary, '冯无号已好转，归档困难党员：家庭收入已恢复');
      expect(textTo(first, who.gbSecretary)).toContain('已将冯无号同志（教工第一党支部）的生活困难党员信息归档，不再列入名单，原因：家庭收入已恢复');
      expect(textTo(first, who.branchSecretary)).toContain('原因：家庭收入已恢复');
      expect(await entryOf('冯无号')).toMatchObject({ status: 'archived', archive_reason: '家庭收入已恢复' });
      const second = await say(who.gbSecretary, '归档困难党员：孙浩，原因：已病愈返岗');
      expect(textTo(second, account['孙浩']!)).toContain('已病愈返岗');
      expect(await entryOf('孙浩')).toMatchObject({ status: 'archived', archive_reason: '已病愈返岗' });
    });

    it('怎么申请困难帮扶？ / 如何申请突发困难补助 (周敏): how to apply, nothing recorded', async () => {
      expect(await answer(account['周敏']!, '怎么申请困难帮扶？')).toContain('“申请困难帮扶：母亲重病，家庭开支大”');
      expect(await answer(account['周敏']!, '如何申请突发困难补助')).toContain('“申请突发困难补助：孩子上学学费困难，申请2000元”');
      expect(await db().selectFrom('hardship_registry').select('id').where('member_id', '=', await idOf('周敏')).execute()).toEqual([]);
    });

    it('我的帮扶, the lists — to those who may see them — and 待办', async () => {
      const mine = await answer(account['张伟']!, '我的帮扶');
      expect(mine).toContain('生活困难党员：您已列入生活困难党员信息库（2025年3月24日确定，困难类型：患病）');
      expect(mine).toContain('来源：党支部推荐（本人已同意）');
      const gbList = await answer(who.gbSecretary, '困难党员名单');
      for (const name of ['张伟', '王芳', '欧阳明', '刘洋']) expect(gbList, name).toContain(name);
      expect(gbList).toContain('计算机科学与技术学院党总支生活困难党员名单（4人）');
      expect(gbList).toContain('周勇（研究生第一党支部）');
      expect(await answer(who.gbSecretary, '本总支困难党员')).toBe(gbList);
      const branchList = await answer(who.branchSecretary, '本支部困难党员');
      expect(branchList).toContain('教工第一党支部生活困难党员名单（4人）');
      expect(branchList).not.toContain('周勇');
      const all = await answer(who.od, '困难党员名单');
      expect(all).toContain('全校生活困难党员名单（8人）');
      expect(all).toContain('离退休工作处党总支（2人）');
      const refused = await answer(account['周敏']!, '困难党员名单');
      expect(refused).toContain('生活困难党员名单涉及个人隐私');
      expect(refused).not.toContain('张伟');
      expect(await answer(who.gbSecretary, '待办')).toContain('审核生活困难党员申报 周勇（研究生第一党支部）');
    });
  });

  describe('May/November verification (孙建国, in May)', () => {
    it('核实名单: the list and its cards; 仍困难 on a card', async () => {
      const sent = await say(who.gbSecretary, '核实名单');
      const list = textTo(sent, who.gbSecretary);
      for (const name of ['张伟', '王芳', '欧阳明', '刘洋']) expect(list, name).toContain(name);
      const card = cardTo(sent, who.gbSecretary, '5月困难党员核实（1/2）');
      expect(card.button_list.map((b) => b.text)).toEqual(['刘洋仍困难', '刘洋已好转', '张伟仍困难', '张伟已好转', '下一页', '核实完毕']);
      const clicked = await click(who.gbSecretary, card, '刘洋仍困难');
      expect(textTo(clicked, who.gbSecretary)).toContain('已记录：刘洋（教工第一党支部）仍困难。本期名单现有 4 名，尚有 3 名未核实');
    });

    it('仍困难 / 无变化, with the causes written', async () => {
      expect(await answer(who.gbSecretary, '张伟 仍困难')).toContain('- 张伟：仍困难\n本期名单现有 4 名，尚有 2 名未核实');
      expect(await answer(who.gbSecretary, '张伟 无变化')).toContain('- 张伟：此前已记录仍困难');
      const causes = async () => (await entryOf('张伟')).causes;
      // 病 is the cause already on record: nothing to change.
      expect(await answer(who.gbSecretary, '张伟 仍困难 病')).toContain('- 张伟：此前已记录仍困难');
      expect(await causes()).toEqual(['illness']);
      expect(await answer(who.gbSecretary, '张伟 仍困难 原因改为 年老、患病')).toContain('- 张伟：仍困难，原因改为年老、患病');
      expect(await causes()).toEqual(['old_age', 'illness']);
      expect(await answer(who.gbSecretary, '张伟仍困难，老弱病残')).toContain('- 张伟：仍困难，原因改为年老、体弱、患病、残疾');
      expect(await causes()).toEqual(['old_age', 'frailty', 'illness', 'disability']);
    });

    it('已好转 typed and on a card, 新增, the namesake forms, and several lines at once', async () => {
      expect(await answer(who.gbSecretary, '刘洋 已好转，已再就业')).toContain('- 刘洋：已好转，已归档（已再就业）');
      expect(await entryOf('刘洋')).toMatchObject({ status: 'archived', archive_reason: '已再就业' });
      for (const line of ['刘洋 已好转', '刘洋（教工第一党支部） 已好转', 'liuyang01 已好转']) expect(await answer(who.gbSecretary, line), line).toContain('此前已归档');
      expect(await answer(who.gbSecretary, '新增 冯无号 残')).toContain('- 冯无号：新增（残疾）');
      expect(await entryOf('冯无号')).toMatchObject({ status: 'approved', causes: ['disability'], consent_attested: true });
      expect(await answer(who.gbSecretary, '新增：冯无号，残疾')).toContain('此前已新增');
      const several = await answer(who.gbSecretary, '刘洋 已好转；张伟 仍困难 病；新增 冯无号 残');
      // 张伟's causes are back to those of before the verification (患病): confirmed, no change to report.
      expect(several).toContain('- 刘洋：此前已归档\n- 张伟：仍困难\n- 冯无号：此前已新增');
      expect((await entryOf('张伟')).causes).toEqual(['illness']);
      // The card's 已好转 on an entry archived in this verification says so.
      const sent = await say(who.gbSecretary, '核实名单');
      const cards = to(sent, who.gbSecretary).filter((m) => m.msgtype === 'template_card').map((m) => m.body.template_card as Card);
      expect(cards.flatMap((c) => c.button_list.map((b) => b.text))).not.toContain('刘洋已好转');
    });

    it('核实完毕 submits once, the OD told what changed; the other forms answer that it is done', async () => {
      const sent = await say(who.gbSecretary, '核实完毕');
      expect(textTo(sent, who.gbSecretary)).toContain('计算机科学与技术学院党总支2026年5月生活困难党员核实情况已上报党委组织部。核实后生活困难党员 4 名，新增 冯无号；归档 刘洋。');
      const report = textTo(sent, who.od);
      expect(report).toContain('计算机科学与技术学院党总支2026年5月困难党员核实已上报');
      expect(report).toContain('新增 1 名：\n- 冯无号（教工第一党支部）：残疾\n归档 1 名：\n- 刘洋（教工第一党支部）：已再就业');
      const items = await sql<{ name: string; action: string; by_default: boolean }>`select m.name, i.action, i.by_default from hardship_review_items i
        join hardship_registry h on h.id = i.entry_id join members m on m.id = h.member_id where i.period = '2026-05' order by m.name`.execute(db());
      expect(items.rows.map((r) => [r.name, r.action, r.by_default]).sort()).toEqual(
        [['冯无号', 'added', false], ['刘洋', 'archived', false], ['张伟', 'confirmed', false], ['欧阳明', 'confirmed', true], ['王芳', 'confirmed', true]].sort(),
      );
      for (const again of ['计算机科学与技术学院党总支核实完毕', '困难党员已核实上报', '张伟 仍困难；核实完毕', '核实名单']) {
        expect(await answer(who.gbSecretary, again), again).toContain('无需重复上报');
      }
    });

  });

  describe('Fixed monthly subsidy (赵志刚)', () => {
    it('为欧阳明设定长期生活补助…: a card to confirm, the member told; the other forms meet the live subsidy', async () => {
      const sent = await say(who.od, '为欧阳明设定长期生活补助，每月300元，2027年1月至12月');
      expect(textTo(sent, who.od)).toContain('已拟定欧阳明同志的定额补助：每月300元，2027年1月至12月（共12个月）');
      const card = cardTo(sent, who.od, '请确认：欧阳明定额补助');
      const confirmed = await click(who.od, card, '确认发放');
      expect(textTo(confirmed, account['欧阳明']!)).toContain('自2027年1月起至2027年12月，每月为您发放生活补助300元');
      const s = await db().selectFrom('subsidies').selectAll().where('member_id', '=', await idOf('欧阳明')).executeTakeFirstOrThrow();
      expect(s).toMatchObject({ status: 'active', amount_fen: 30_000, start_month: '2027-01', end_month: '2027-12' });
      for (const other of [
        '为欧阳明设定定额补助，每月300元，2027年1月至12月',
        '为欧阳明设定长期生活补助，每月300元，2027年1月至2027年12月',
        '为欧阳明设定长期生活补助，每月300元，自2027年1月起12个月',
        '为欧阳明设定长期生活补助，每月300元，为期一年',
      ]) {
        expect(await answer(who.od, other), other).toContain('欧阳明同志已有定额补助（2027年1月至12月，每月300元），与');
      }
      expect(await db().selectFrom('subsidies').select('id').where('member_id', '=', await idOf('欧阳明')).execute()).toHaveLength(1);
      // Anyone else is told who does it.
      expect(await answer(who.gbSecretary, '为欧阳明设定长期生活补助，每月300元，2027年1月至12月')).toBe('定额补助由党委组织部研究设定。如需为党员申请，请与党委组织部联系。');
    });

    it('in November 2027: the month\'s list, 本月补助已发放, one member\'s months, each recorded once', async () => {
      time.set('2027-11-10T02:00:00Z');
      const list = await answer(who.od, '本月补助名单');
      expect(list).toContain('欧阳明（计算机科学与技术学院党总支 教工第一党支部）每月300元，**逾期10个月**');
      const all = await answer(who.od, '本月补助已发放');
      expect(all).toContain('已登记11月定额补助发放：1人，合计300元。\n尚有逾期未发：欧阳明（1月、2月');
      const paid = async () => (await sql<{ month: string }>`select p.month from subsidy_payments p join subsidies s on s.id = p.subsidy_id order by p.month`.execute(db())).rows.map((r) => r.month);
      expect(await paid()).toEqual(['2027-11']);
      for (const again of ['欧阳明本月补助已发放', '欧阳明11月补助已发放']) {
        expect(await answer(who.od, again), again).toBe('已登记过，无需重复登记：欧阳明11月（2027年11月10日由赵志刚登记）。');
      }
      expect(await answer(who.od, '补发欧阳明10月补助')).toContain('10月');
      expect(await paid()).toEqual(['2027-10', '2027-11']);
      expect(await answer(who.od, '欧阳明10月和11月补助已发放')).toContain('已登记过，无需重复登记：欧阳明10月');
      expect(await paid()).toEqual(['2027-10', '2027-11']);
      expect(await answer(who.od, '11月补助发放名单')).toContain('欧阳明');
    });
  });

  describe('Emergency aid (in November 2027)', () => {
    it('陈静 applies for herself; 孙建国 agrees with a line; 赵志刚 approves the amount asked and pays, on the cards', async () => {
      const sent = await say(account['陈静']!, '申请突发困难补助：孩子上学学费困难，申请2000元');
      const opinion = cardTo(sent, who.gbSecretary, '突发困难补助申请：陈静');
      expect(await aidOf('陈静')).toMatchObject({ status: 'applied', cause: 'schooling', requested_fen: 200_000 });
      for (const again of ['申请临时困难补助：孩子上学学费困难，申请2000元', '突发困难补助申请：孩子上学学费困难，申请2000元']) {
        expect(await answer(account['陈静']!, again), again).toContain('您已有一份突发困难补助申请正在办理');
      }
      const agreed = await click(who.gbSecretary, opinion, '同意');
      const decision = cardTo(agreed, who.od, '突发困难补助待审批：陈静');
      await answer(who.gbSecretary, '情况属实，建议按申请额补助');
      const approved = await click(who.od, decision, '按申请额批准');
      const payment = cardTo(approved, who.od, '突发困难补助待发放：陈静');
      expect(await aidOf('陈静')).toMatchObject({ status: 'approved', approved_fen: 200_000 });
      const paid = await click(who.od, payment, '已发放');
      expect(textTo(paid, account['陈静']!)).toContain('已发放');
      expect((await aidOf('陈静')).status).toBe('paid');
    });

    it('孙浩 applies with no amount (asked, answered in the next message); 赵志刚 批准1500元 and 突发困难补助已发放 as replies to the cards', async () => {
      expect(await answer(account['孙浩']!, '申请临时困难补助：家中老人住院手术')).toContain('申请金额是多少');
      const filed = await say(account['孙浩']!, '2000元');
      const opinion = cardTo(filed, who.gbSecretary, '突发困难补助申请：孙浩');
      expect(await aidOf('孙浩')).toMatchObject({ status: 'applied', requested_fen: 200_000 });
      await click(who.gbSecretary, opinion, '同意');
      await answer(who.od, '批准1500元');
      expect(await aidOf('孙浩')).toMatchObject({ status: 'approved', approved_fen: 150_000 });
      await answer(who.od, '突发困难补助已发放');
      expect((await aidOf('孙浩')).status).toBe('paid');
    });

    it('为王芳申请… (黄丽华): 王芳 consents; 批准王芳突发困难补助1500元 and 王芳突发困难补助已发放 by name', async () => {
      const sent = await say(who.branchSecretary, '为王芳申请突发困难补助：家中遭火灾，申请5000元');
      const consent = cardTo(sent, account['王芳']!, '请确认：代为申请突发困难补助');
      expect(await aidOf('王芳')).toMatchObject({ status: 'awaiting_consent', cause: 'disaster' });
      const agreed = await click(account['王芳']!, consent, '同意');
      const opinion = cardTo(agreed, who.gbSecretary, '突发困难补助申请：王芳');
      await click(who.gbSecretary, opinion, '同意');
      await answer(who.od, '批准王芳突发困难补助1500元');
      expect(await aidOf('王芳')).toMatchObject({ status: 'approved', approved_fen: 150_000 });
      const paid = await say(who.od, '王芳突发困难补助已发放');
      expect(textTo(paid, account['王芳']!)).toContain('已发放');
      expect((await aidOf('王芳')).status).toBe('paid');
    });

    it('为冯无号申请…本人已同意: refused without those words; the GB 不同意 and the OD 不批准, each with its reason', async () => {
      expect(await answer(who.branchSecretary, '为冯无号申请突发困难补助：突发重病住院，申请5000元')).toContain('本人已同意');
      const sent = await say(who.branchSecretary, '为冯无号申请突发困难补助：突发重病住院，申请5000元，本人已同意');
      const opinion = cardTo(sent, who.gbSecretary, '突发困难补助申请：冯无号');
      expect(await aidOf('冯无号')).toMatchObject({ status: 'applied', cause: 'serious_illness' });
      await click(who.gbSecretary, opinion, '不同意');
      const decided = await say(who.gbSecretary, '已获大病医疗保险报销');
      const decision = cardTo(decided, who.od, '突发困难补助待审批：冯无号');
      await click(who.od, decision, '不批准');
      await answer(who.od, '已获其他救助，暂不予补助');
      expect(await aidOf('冯无号')).toMatchObject({ status: 'rejected' });
    });
  });

  describe('Pairing (孙建国 arranges, in November 2027)', () => {
    it('结对 one to one, many to one, an organisation; 结束结对', async () => {
      const first = await say(who.gbSecretary, '结对：李明 帮扶 王芳');
      expect(textTo(first, who.gbSecretary)).toContain('已安排李明同志与王芳同志（');
      const toLiming = textTo(first, account['李明']!);
      expect(toLiming).toContain('王芳');
      expect(toLiming).toContain('患病');
      expect(toLiming).not.toContain('元');
      const many = await answer(who.gbSecretary, '结对：李明、周敏 帮扶 王芳');
      expect(many).toContain('周敏同志');
      expect(many).toContain('李明同志已在帮扶王芳同志');
      expect(await answer(who.gbSecretary, '结对：周敏 帮扶 王芳')).toContain('无需重复安排');
      const org = await say(who.gbSecretary, '结对：数学学院教工第一支部 帮扶 王芳');
      expect(textTo(org, who.gbSecretary)).toContain('数学与统计学院党总支教工第一党支部');
      // The OD looks 王芳 up in the whole committee: three bear the name, so the README says to write her account.
      const od = await answer(who.od, '结对：周敏 帮扶 王芳');
      expect(od).toContain('未作修改。有同名：“王芳”可指：');
      expect(od).toContain('账号 wangfang01');
      expect(await answer(who.od, '结对：周敏 帮扶 wangfang01')).toContain('周敏同志已在帮扶王芳同志，无需重复安排。');
      const ended = await answer(who.gbSecretary, '结束结对：李明 王芳');
      expect(ended).toContain('已结束李明同志与王芳同志的结对帮扶');
      const live = await sql<{ helper: string | null; org: string | null }>`select m.name as helper, o.name as org from pairings p left join members m on m.id = p.helper_member_id
        left join organisations o on o.id = p.helper_organisation_id where p.ended_on is null order by p.id`.execute(db());
      expect(live.rows).toEqual([{ helper: '周敏', org: null }, { helper: null, org: '教工第一党支部' }]);
    });

    it('the helper\'s visit counts as contact; 我的结对对象; the OD\'s 结对情况 and 免除结对', async () => {
      const visit = await say(account['周敏']!, '今天去看望了王芳，了解治疗情况');
      expect(to(visit, account['周敏']!).map((m) => m.body.template_card?.main_title.title)).toContain('已登记走访：王芳');
      const mine = await answer(account['周敏']!, '我的结对对象');
      expect(mine).toContain('王芳');
      expect(mine).not.toContain('尚未联系');
      const overview = await answer(who.od, '结对情况');
      expect(overview).toContain('李明');
      expect(await answer(who.od, '免除结对：李明，原因：长期外派')).toContain('已免除李明同志的结对帮扶要求，原因：长期外派');
      expect(await answer(who.od, '取消免除结对：李明')).toContain('已取消李明同志的结对帮扶免除');
      // 王芳's own view: her entry, the aid paid, her helpers.
      const hers = await answer(account['王芳']!, '我的帮扶');
      expect(hers).toContain('突发困难补助：11月10日申请5,000元（自然灾害），批准金额1,500元；已发放');
      // The helping branch by its GB's name too: 王芳's own branch is a 教工第一党支部 as well.
      expect(hers).toContain('结对帮扶：周敏、数学与统计学院党总支教工第一党支部');
    });

    it('the admin API lines, with the demo\'s accounts and organisation 18', async () => {
      const api = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${stack.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        return { status: res.status, json: (await res.json()) as Record<string, unknown> };
      };
      const org = await sql<{ id: string }>`select o.id::text as id from organisations o join organisations g on g.id = o.parent_id where o.name = '教工第一党支部' and g.name = '数学与统计学院党总支'`.execute(db());
      expect(org.rows).toEqual([{ id: '18' }]);
      const all = await api('GET', '/admin/assistance/pairings?all=1');
      expect(all.status).toBe(200);
      expect((all.json['pairings'] as unknown[]).length).toBe(3);
      const started = await api('POST', '/admin/assistance/pairings', { helper: ['liming01', 'organisation:18'], member: 'wangfang01', actor: 'zhaozhigang01' });
      expect(started.status).toBe(201);
      expect(started.json).toMatchObject({ mode: 'many_to_one', started: [expect.objectContaining({ name: '李明' })], existing: [expect.objectContaining({ organisationId: '18' })] });
      const id = (started.json['started'] as Array<{ pairingId: string }>)[0]!.pairingId;
      expect((await api('POST', `/admin/assistance/pairings/${id}/end`, { actor: 'zhaozhigang01' })).status).toBe(200);
      expect((await api('POST', '/admin/assistance/cadre-exemptions', { member: 'liming01', reason: '长期外派', actor: 'zhaozhigang01' })).json).toMatchObject({ name: '李明', reason: '长期外派' });
      expect((await api('DELETE', '/admin/assistance/cadre-exemptions/liming01?actor=zhaozhigang01')).json).toMatchObject({ name: '李明', revoked: true });
    });
  });

  describe('the assistance exports (CLI, "Exporting …")', () => {
    const cli = (...args: string[]) => runEntryToExit(['src/cli.ts', ...args], { DATABASE_URL: stack.db.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: `pcreadme${process.pid}` });

    it('export hardship|relief|pairings as CSV and JSON lines, with --from/--to and --out', async () => {
      const hardship = await cli('export', 'hardship', '--format', 'csv');
      expect(hardship.code, hardship.stderr).toBe(0);
      expect(hardship.stdout.startsWith('\uFEFF')).toBe(true);
      expect(hardship.stdout).toContain('zhangwei01,张伟');
      expect(hardship.stdout).toContain('冯无号');
      const relief = await cli('export', 'relief', '--format', 'json');
      expect(relief.code, relief.stderr).toBe(0);
      const rows = relief.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(rows.find((r) => r['kind'] === 'monthly_subsidy')).toMatchObject({ member: 'ouyangming01', amount_yuan: '300.00', state: 'active' });
      expect(rows.filter((r) => r['kind'] === 'emergency_aid').map((r) => [r['member_name'], r['state']])).toEqual(
        expect.arrayContaining([['陈静', 'paid'], ['孙浩', 'paid'], ['王芳', 'paid'], ['冯无号', 'rejected']]),
      );
      const out = join(await mkdtemp(join(tmpdir(), 'readme-export-')), 'pairings.csv');
      const pairings = await cli('export', 'pairings', '--format', 'csv', '--from', '2027-11-01', '--to', '2027-11-30', '--out', out);
      expect(pairings.code, pairings.stderr).toBe(0);
      const csv = await readFile(out, 'utf8');
      // 李明 twice (in chat, then through the API, both ended), 周敏, and 数学与统计学院's branch.
      const lines = csv.split('\r\n').filter((l) => l.includes('wangfang01'));
      expect(lines).toHaveLength(4);
      expect(lines.filter((l) => l.includes('liming01,李明,member') && l.includes(',2027-11-10,2027-11-10,ended,')), lines.join('\n')).toHaveLength(2);
      expect(lines.filter((l) => l.includes('zhoumin01,周敏,member') && l.includes(',2027-11-10,,,2027-11-10,'))).toHaveLength(1);
      expect(lines.filter((l) => l.includes(',organisation,数学与统计学院党总支,'))).toHaveLength(1);
    });

    it('hardship-reviewed ("May/November verification") submits another GB\'s May verification as the OD\'s own record', async () => {
      const r = await cli('hardship-reviewed', '--general-branch', '数学与统计学院党总支', '--period', '2026-05');
      expect(r.code, r.stderr).toBe(0);
      const rows = await sql<{ gb: string; verified_count: number }>`select g.name as gb, r.verified_count from hardship_reviews r join organisations g on g.id = r.general_branch_id
        where r.period = '2026-05' order by g.name`.execute(db());
      expect(rows.rows).toEqual(expect.arrayContaining([{ gb: '数学与统计学院党总支', verified_count: 1 }, { gb: README_BRANCH.generalBranch, verified_count: 4 }]));
    });
  });

  it('ran every example of the five sections\' tables', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const sections = ['## Hardship registry', '## May/November verification', '## Fixed monthly subsidy', '## Emergency aid', '## Pairing'];
    const examples: string[] = [];
    for (const heading of sections) {
      const from = readme.indexOf(heading);
      const body = readme.slice(from, readme.indexOf('\n## ', from + heading.length));
      const lines = body.split('\n').filter((l) => l.startsWith('|'));
      const header = lines[0]!.split('|').map((c) => c.trim());
      const column = header.findIndex((c) => c.startsWith('message'));
      expect(column, heading).toBeGreaterThan(0);
      for (const row of lines.slice(2)) examples.push(...[...row.split('|')[column]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    }
    expect(examples.length).toBeGreaterThan(40);
    const setting = /^[a-z_]+$/; // a setting's name (subsidy_term_months), not a message
    const missing = examples.filter((e) => !setting.test(e) && !said.some((text) => e.split(/…+/u).every((part) => text.includes(part))));
    expect(missing).toEqual([]);
  });
});

// Issue 14: every chat example of the README's "Members' voice" tables — reporting work and open Party affairs,
// suggestions, delegates' proposals — as written, in the README's order, on the demo roster (seed-demo), each by
// the writer the README names (黄丽华 the branch secretary, 孙建国 the GB secretary, 赵志刚 the OD, the README's
// members; 陈静 and 周敏 delegates), on Monday 30 November 2026 at 10:00. Where an example names a number
// (通报12, 建议12, 提案3) the messages before it made that number. What was said is kept for the coverage check
// at the end of the file.
const voiceSaid: string[] = [];
/** A text the README quotes (its first group). */
const readmeSays = (re: RegExp) => re.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'))![1]!;

describe('the README\'s members\' voice tables on the demo roster', () => {
  let stack: Stack;
  const time = runningClock('2026-11-30T02:00:00Z'); // 10:00 Monday in Shanghai
  const who = { branchSecretary: 'huanglihua01', gbSecretary: 'sunjianguo01', od: 'zhaozhigang01', wangfang: 'wangfang01', chenjing: 'chenjing01', zhoumin: 'zhoumin01', sunhao: 'sunhao01', zhangwei: 'zhangwei01', liming: 'liming01' };

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    // As in the assistance describe: the local web chat has no per-person send limit.
    stack.deps.rateLimiter = undefined;
    await seedDemo(stack.deps.db.db, { members: 300, seed: '1', today: '2026-11-30' });
  });
  afterAll(() => stack.close());

  const chat = wecomChat(() => stack, time.clock, 9_800_000_000n);
  type Card = { task_id: string; button_list: Array<{ key: string; text: string }>; main_title: { title: string } };
  const reaches = (m: SentMessage, userid: string) => m.touser.split('|').includes(userid);
  const textsTo = (sent: SentMessage[], userid: string) => sent.filter((m) => reaches(m, userid) && m.msgtype !== 'template_card').map(textOf);
  const cardsTo = (sent: SentMessage[], userid: string): Card[] => sent.filter((m) => reaches(m, userid) && m.msgtype === 'template_card').map((m) => m.body.template_card as Card);
  /** Says `text` as `from`; everything that reached anyone since (the fake WeCom drops a repeated text: no count awaited). */
  const say = async (from: string, text: string) => {
    voiceSaid.push(text);
    const start = stack.fake!.sent.length;
    await chat.say(from, text, 0);
    await waitForQuiet(stack);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start);
  };
  /** The answer `from` got (text and markdown). */
  const answer = async (from: string, text: string) => textsTo(await say(from, text), from).join('\n');
  let createTime = 1_950_000_000;
  const click = async (from: string, card: Card, button: string) => {
    const key = card.button_list.find((b) => b.text === button)!.key;
    const start = stack.fake!.sent.length;
    await chat.post(eventXml({ from, event: 'template_card_event', eventKey: key, createTime: ++createTime, corpId: WECOM.corpId, TaskId: card.task_id, CardType: 'button_interaction', ResponseCode: 'none' }));
    await waitForQuiet(stack);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start);
  };
  /** A 通报 written and its preview: the id, and the preview card (发送 / 取消). */
  const preview = async (from: string, text: string) => {
    const sent = await say(from, text);
    const said = textsTo(sent, from).join('\n');
    const id = /通报(\d+)预览/u.exec(said)?.[1];
    expect(id, `${text}\n${said}`).toBeDefined();
    return { id: id!, text: said, card: cardsTo(sent, from)[0]! };
  };
  const send = async (from: string, text: string) => {
    const p = await preview(from, text);
    const sent = await click(from, p.card, '发送');
    expect(textsTo(sent, from).join('\n'), text).toContain(`通报${p.id}已发给`);
    return { ...p, sent };
  };

  describe('Reporting work and open Party affairs', () => {
    let wangfangCard: Card | undefined;
    it('each writer\'s sentences, previewed then sent (or cancelled); 已阅 on the card', async () => {
      const down = await send(who.od, '向各支部通报：请各支部于12月20日前完成年度组织生活会');
      expect(down.id).toBe('1');
      expect(down.text).toContain('各党总支、党支部书记');
      const all = await send(who.od, '党务公开：2026年党费收缴使用情况');
      expect(all.text).toContain('全体党员');
      wangfangCard = cardsTo(all.sent, who.wangfang)[0];
      expect(wangfangCard?.button_list.map((b) => b.text)).toEqual(['已阅']);
      expect((await send(who.gbSecretary, '向本总支党员通报：学院党总支下周三开展主题党日活动')).text).toContain('本总支党员');
      expect((await send(who.gbSecretary, '向各支部书记通报：请各支部报送年度总结')).text).toContain('本总支各支部书记');
      // The other wording of the same audience: previewed, then 取消.
      const other = await preview(who.gbSecretary, '向本总支各支部通报：请各支部报送党员发展计划');
      expect(other.text).toContain('本总支各支部书记');
      expect(textsTo(await click(who.gbSecretary, other.card, '取消'), who.gbSecretary)[0]).toBe(`已取消，通报${other.id}未发送。`);
      const branch = await send(who.branchSecretary, '向本支部党员通报：本周五下午召开支部党员大会');
      expect(branch.text).toContain('本支部党员');
      expect(branch.text).toContain('冯无号');
      expect((await send(who.branchSecretary, '向本支部党员通报典型事迹：李明同志坚持结对帮扶十年')).text).toContain('典型事迹');
      expect((await send(who.od, '党务公开（表彰公示）：拟表彰优秀共产党员名单公示')).text).toContain('表彰公示');
      expect(textsTo(await click(who.wangfang, wangfangCard!, '已阅'), who.wangfang)).toEqual(['已阅，谢谢！']);
    });

    it('the figures, the unread, the sender\'s list and the archive (the OD\'s 党务公开 until there are two pages)', async () => {
      expect(await answer(who.branchSecretary, '通报阅读情况')).toContain('阅读情况：');
      // Six more 党务公开 by the OD: 王芳 has eleven in her archive, and 通报12 is the OD's fourth.
      const more: string[] = [];
      for (const n of [1, 2, 3, 4, 5, 6]) more.push((await send(who.od, `党务公开：第${n}批党员发展公示`)).id);
      expect(more[3]).toBe('12');
      expect(await answer(who.od, '通报阅读情况12')).toMatch(/^通报12（11月30日，中共示范大学委员会组织部党务公开，发给全体党员）阅读情况：/u);
      expect(await answer(who.branchSecretary, '未读名单')).toContain('未阅');
      expect(await answer(who.od, '通报12未读名单')).toContain('通报12未阅');
      expect(await answer(who.gbSecretary, '我的通报')).toContain('发给本总支党员');
      const page1 = await answer(who.wangfang, '党务公开');
      expect(page1).toContain('（共11条，第1/2页，最新在前）');
      expect(await answer(who.wangfang, '党务公开 第2页')).toContain('第2/2页');
      expect(await answer(who.wangfang, '党务公开12')).toContain('第4批党员发展公示');
      expect(await answer(who.wangfang, '权利帮助')).toContain('【党员权利帮助】王芳同志');
    });
  });

  describe('Suggestions', () => {
    const numberOf = (text: string) => /（建议(\d+)）/u.exec(text)?.[1];
    let first: Card | undefined;
    it('each form, routed to the leader the roster names', async () => {
      const sent = await say(who.wangfang, '意见建议：希望支部活动安排在周末');
      // (The README quotes the answer's two lines as one.)
      expect(textsTo(sent, who.wangfang)[0]!.replace('\n', '')).toBe(readmeSays(/王芳 \(`wangfang01`\) is told, for example: `([^`]+)`/u));
      first = cardsTo(sent, who.branchSecretary)[0];
      expect(await answer(who.wangfang, '向党总支书记提意见：实验室安全检查太频繁')).toContain('党总支书记孙建国同志');
      expect(await answer(who.chenjing, '向党总支书记反映：希望增加青年教师培训')).toContain('党总支书记孙建国同志');
      const linked = await answer(who.wangfang, '向挂联党委委员反映：青年教师住房困难');
      expect(linked).toContain('将送挂联党委委员');
      expect(await answer(who.chenjing, `向挂联党委委员罗娜琴反映：希望多来学院调研`)).toContain('将送挂联党委委员罗娜琴同志');
      expect(await answer(who.wangfang, '向党委书记反映：职称评审标准不透明')).toContain('将送党委书记');
      expect(await answer(who.wangfang, '向组织部反映：党费收缴说明不清楚')).toContain('将送党委组织部');
      expect(await answer(who.chenjing, '匿名意见建议：支部学习形式可以更多样')).toContain('对方只看到“一名党员”');
      expect(await answer(who.zhoumin, '匿名向组织部反映：支部会议记录不够规范')).toContain('对方只看到“一名党员”');
    });

    it('回复 on the card and the next message; 回复建议12; the lists and one suggestion', async () => {
      await click(who.branchSecretary, first!, '回复');
      const replied = await say(who.branchSecretary, '已调整到每月第一个周六上午');
      expect(textsTo(replied, who.wangfang)[0]).toContain('已调整到每月第一个周六上午');
      // Suggestions 10 and 11 from other members of the branch; 12 is 孙浩's to 黄丽华.
      expect(numberOf(await answer(who.liming, '意见建议：希望增加党史学习资料'))).toBe('10');
      expect(numberOf(await answer(who.zhangwei, '意见建议：希望支部组织一次红色教育参观'))).toBe('11');
      expect(numberOf(await answer(who.sunhao, '意见建议：希望组织生活会提前通知'))).toBe('12');
      const reply12 = await say(who.branchSecretary, '回复建议12：今后提前一周通知');
      expect(textsTo(reply12, who.sunhao)[0]).toContain('今后提前一周通知');
      expect(await answer(who.wangfang, '我的建议')).toContain('已回复');
      expect(await answer(who.branchSecretary, '待回复的建议')).toContain('一名党员');
      expect(await answer(who.sunhao, '建议12')).toContain('今后提前一周通知');
      expect(await answer(who.chenjing, '党员权利帮助')).toContain('【党员权利帮助】陈静同志');
    });
  });

  describe('Delegates\' proposals', () => {
    let card: Card | undefined;
    it('filed by delegates; 提案3 registered, 提案4 declined, 提案3 assigned three times and answered', async () => {
      expect(await answer(who.wangfang, '提案：关于改善教工食堂的建议')).toContain('意见建议：');
      for (const [n, from, text] of [
        ['1', who.chenjing, '提案：关于加强青年教师思想政治工作的建议'],
        ['2', who.zhoumin, '提案：关于完善党员教育培训体系的建议'],
        ['3', who.chenjing, '提案：关于改善青年教师住房条件的建议'],
        ['4', who.zhoumin, '提案：关于增设校园停车位的建议'],
      ] as const) {
        const sent = await say(from, text);
        expect(textsTo(sent, from)[0], text).toContain(`已提交提案${n}`);
        card = cardsTo(sent, who.od)[0] ?? card;
      }
      expect(card?.main_title.title).toBe('党代会代表提案4：待立案');
      expect(await answer(who.od, '提案3立案')).toContain('已立案：提案3');
      expect(await answer(who.od, '提案4不予立案：属于学校行政事务，已转有关部门办理')).toContain('不予立案');
      expect(await answer(who.od, '提案3交由后勤处办理')).toContain('后勤处');
      expect(await answer(who.od, '提案3交由孙浩办理')).toContain('已将提案3交由孙浩（');
      // Three 张伟 in the committee (two in the README's GB, one in another GB's 教工第一党支部): the bot's example of a
      // form that tells them apart is one that does.
      const suggested = /例如“([^”]+)”/u.exec(await answer(who.od, '提案3交由张伟办理'))?.[1];
      expect(await answer(who.od, suggested ?? '(no example)')).toContain('已将提案3交由张伟（');
      expect(await answer(who.od, '提案3交由张伟（计算机科学与技术学院党总支教工第一党支部）办理')).toContain('已将提案3交由张伟（计算机科学与技术学院党总支教工第一党支部）');
      const answered = await say(who.zhangwei, '提案3答复：已纳入学校住房改革方案');
      expect(textsTo(answered, who.chenjing)[0]).toContain('已纳入学校住房改革方案');
      expect(await answer(who.chenjing, '我的提案')).toContain('提案3');
      expect(await answer(who.chenjing, '提案3')).toContain('已纳入学校住房改革方案');
      expect(await answer(who.od, '提案列表')).toContain('提案4');
      expect(await answer(who.od, '待办提案')).toContain('提案1');
    });
  });
});

// Issue 14 section 3: the README's "Delegates' proposals" walk-through (its curl lines) on a demo roster of its own,
// as a reader starts it (陈静 and 周敏 are delegates, 赵志刚 is the OD, 孙浩 a member of the README branch).
describe('the README\'s delegates\' proposal examples on the demo roster', () => {
  let stack: Stack;
  const time = runningClock('2026-11-26T02:00:00Z');
  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await seedDemo(stack.deps.db.db, { members: 300, seed: '1', today: '2026-11-26' });
  });
  afterAll(() => stack.close());
  const chat = wecomChat(() => stack, time.clock, 9_700_000_000n);
  const say = (from: string, text: string, n?: number) => {
    voiceSaid.push(text);
    return chat.say(from, text, n);
  };
  const to = (ms: SentMessage[], who: string) => ms.filter((m) => m.touser === who && m.msgtype === 'text').map(textOf);

  it('files, registers, assigns and answers proposal 1; the delegate hears every step', async () => {
    const od = `${README_WRITERS.od.account}01`;
    const filed = await say('chenjing01', '提案：关于加强青年教师思想政治工作的建议', 3);
    expect(to(filed, 'chenjing01')[0]).toContain('已提交提案1：关于加强青年教师思想政治工作的建议');
    expect(to(filed, od)[0]).toContain('提交了提案1');
    expect(to(await say(od, '提案1立案', 2), 'chenjing01')[0]).toContain('您的提案1（关于加强青年教师思想政治工作的建议）已由党委组织部立案，答复期限为12月26日');
    const assigned = await say(od, '提案1交由孙浩办理', 3);
    expect(to(assigned, od)[0]).toContain('已将提案1交由孙浩（');
    expect(to(assigned, 'sunhao01')[0]).toContain('党委组织部交办党代会代表提案1');
    const answered = await say('sunhao01', '提案1答复：已纳入明年工作要点', 3);
    expect(to(answered, 'chenjing01')[0]).toBe('您的提案1（关于加强青年教师思想政治工作的建议）已答复（承办：孙浩）：\n已纳入明年工作要点');
    expect(to(await say('zhoumin01', '我的提案'), 'zhoumin01')[0]).toContain('您还没有提交提案');
  });
});

// Last (describes run in order): every chat example of the "Members' voice" sections — the first column of their
// tables and the walk-through's curl lines — was said above; one left out fails here.
describe('the README\'s members\' voice examples, all of them', () => {
  it('ran every example of the three sections\' tables and the proposal walk-through', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const from = readme.indexOf('## Members\' voice');
    const body = readme.slice(from, readme.indexOf('\n## ', from + 5));
    const examples: string[] = [];
    for (const heading of ['### Reporting work and open Party affairs', '### Suggestions', '### Delegates\' proposals']) {
      const at = body.indexOf(heading);
      expect(at, heading).toBeGreaterThan(0);
      const end = body.indexOf('\n### ', at + heading.length);
      const section = body.slice(at, end === -1 ? undefined : end);
      const rows = section.split('\n').filter((l) => l.startsWith('|'));
      expect(rows[0], heading).toMatch(/^\| Sentence or button \|/u);
      for (const row of rows.slice(2)) examples.push(...[...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
      // The walk-through's messages (curl lines: "text":"…").
      for (const m of section.matchAll(/"text":"([^"]+)"/g)) examples.push(m[1]!);
    }
    expect(examples.length).toBeGreaterThan(40);
    const missing = examples.filter((e) => !voiceSaid.some((text) => e.split(/…+/u).every((part) => text.includes(part))));
    expect(missing).toEqual([]);
  });
});

// Issue 16: every chat example of the README's "Figures in chat" (in "The dashboard") — the table's first column and
// the examples after it — as written, on the demo roster (seed-demo), each by a writer the README names who may ask
// it (黄丽华 the branch secretary, 孙建国 the GB secretary, 赵志刚 the OD, 王芳 a member), on Thursday 26 November
// 2026 at 10:00 (no Monday digest in the way). Each answers with figures (the closing line pointing to 后台), never
// with "not found"; the table's examples are all said.
describe('the README\'s dashboard figures in chat on the demo roster', () => {
  let stack: Stack;
  const time = runningClock('2026-11-26T02:00:00Z');
  const said: string[] = [];
  const writer: Record<string, string> = {
    本支部谈心进度: 'huanglihua01',
    本支部逾期事项: 'huanglihua01',
    本支部走访情况: 'huanglihua01',
    本总支谈心进度: 'sunjianguo01',
    本总支逾期事项: 'sunjianguo01',
    本总支走访情况: 'sunjianguo01',
    逾期事项: 'sunjianguo01',
    教工第一党支部逾期事项: 'sunjianguo01',
    全校谈心进度: 'zhaozhigang01',
    全委谈心进度: 'zhaozhigang01',
    全校逾期事项: 'zhaozhigang01',
    全校走访情况: 'zhaozhigang01',
    计算机学院走访情况: 'zhaozhigang01',
    文学院谈心进度: 'zhaozhigang01',
    统计帮助: 'wangfang01',
  };

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    stack.deps.rateLimiter = undefined;
    await seedDemo(stack.deps.db.db, { members: 300, seed: '1', today: '2026-11-26' });
  });
  afterAll(() => stack.close());

  const chat = wecomChat(() => stack, time.clock, 9_900_000_000n);
  /** The answer `from` got (text and markdown) to `text`. */
  const answer = async (from: string, text: string) => {
    said.push(text);
    const start = stack.fake!.sent.length;
    await chat.say(from, text, 0);
    await waitForQuiet(stack);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start).filter((m) => m.touser.split('|').includes(from) && m.msgtype !== 'template_card').map(textOf).join('\n');
  };
  const readmeExamples = () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const at = readme.indexOf('### Figures in chat');
    expect(at).toBeGreaterThan(0);
    const section = readme.slice(at, readme.indexOf('\n## ', at));
    const rows = section.split('\n').filter((l) => l.startsWith('|'));
    expect(rows[0]).toMatch(/^\| message \|/u);
    const table = rows.slice(2).flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    const prose = section.split('\n').filter((l) => !l.startsWith('|')).join('\n');
    const more = [...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((e) => /(?:进度|事项|情况|帮助)$/u.test(e));
    return { table, more };
  };

  it('answers every example with the figures of the asker\'s scope', async () => {
    const { table, more } = readmeExamples();
    expect(table.length).toBeGreaterThan(12);
    for (const example of [...table, ...more]) {
      const from = writer[example];
      expect(from, `a writer for ${example}`).toBeDefined();
      const a = await answer(from!, example);
      expect(a, example).not.toContain('没有找到');
      expect(a, example).not.toBe('');
      if (example === '统计帮助') expect(a).toContain('【统计帮助】');
      else expect(a, example).toContain('查看图表和明细');
    }
    expect(await answer('sunjianguo01', '本总支谈心进度')).toContain('计算机科学与技术学院党总支');
    expect(await answer('zhaozhigang01', '计算机学院走访情况')).toContain('计算机科学与技术学院党总支');
  });

  it('gives 王芳 a sign-in link for her own page', async () => {
    expect(await answer('wangfang01', '后台')).toContain('**工作台登录链接**（10分钟内有效，仅可使用一次，请勿转发）');
  });

  it('said every example of the table', () => {
    const { table } = readmeExamples();
    expect(table.filter((e) => !said.includes(e))).toEqual([]);
  });
});
