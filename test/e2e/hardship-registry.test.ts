// Issue 12 §1, end to end through signed WeCom callbacks, card clicks (template_card_event) and the fake WeCom API:
// a member applies and the GB secretary rejects with a reason given in the next message; a branch secretary
// recommends, the member consents on their card and the GB approves; a member without a chat account is
// recommended with the consent attested; the GB archives an entry with a pairing and the helpers hear only that
// it ended; 我的帮扶, 困难党员名单 and 待办; and the refusals of a plain member and of someone of another GB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, waitForQuiet, WECOM, type Stack } from '../helpers/stack.ts';
import { eventXml } from '../helpers/wecom-signer.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';

/** Two members of one GB who share a name, in two branches (the second has no secretary). */
const NAMESAKES = [
  '钱双名,qiansm1,女,1970-01-01,1995-07-01,1996-07-01,计算机学院党总支,教工第一党支部,,,',
  '钱双名,qiansm2,女,1971-01-01,1996-07-01,1997-07-01,计算机学院党总支,教工第二党支部,,,',
];

describe('issue 12 §1: the hardship registry in chat', () => {
  let stack: Stack;
  // 10:00 on Wednesday 25 November 2026 in Shanghai.
  const time = runningClock('2026-11-25T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db, [...CARE_ROWS, ...NAMESAKES]);
  });
  afterAll(() => stack.close());

  const { say, click, post } = wecomChat(() => stack, time.clock, 9_200_000_000n);
  const db = () => stack.deps.db.db;
  const idOf = async (userid: string) => (await db().selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const idByName = async (name: string) => (await db().selectFrom('members').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const orgId = async (name: string) => (await db().selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const entryOf = async (memberId: string) => db().selectFrom('hardship_registry').selectAll().where('member_id', '=', memberId).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const tasksOf = async (entryId: string) =>
    db().selectFrom('assistance_tasks').select(['kind', 'status', 'owner_member_id', 'owner_role', 'owner_organisation_id', 'due_on']).where('subject_id', '=', entryId).orderBy('id').execute();
  const to = (sent: SentMessage[], who: string) => sent.filter((m) => m.touser === who);
  const textTo = (sent: SentMessage[], who: string) => to(sent, who).filter((m) => m.msgtype !== 'template_card').map(textOf).join('\n');
  const cardTo = (sent: SentMessage[], who: string, title: string) => to(sent, who).find((m) => m.msgtype === 'template_card' && m.body.template_card.main_title.title === title)?.body.template_card;
  const buttons = (card: { button_list: Array<{ text: string }> }) => card.button_list.map((b) => b.text);

  describe('an own application, rejected with a reason', () => {
    let reviewCard: ReturnType<typeof cardTo>;

    it('"申请困难帮扶：母亲重病，家庭开支大" files it (applied, self, illness) and sends the GB secretary a card with 通过 / 不通过', async () => {
      const sent = await say('wushengri', '申请困难帮扶：母亲重病，家庭开支大', 2);
      expect(textTo(sent, 'wushengri')).toBe('已收到您的生活困难党员申报（困难类型：患病），已报计算机学院党总支，将于12月2日前审核，审核结果将及时告知您。');
      reviewCard = cardTo(sent, 'sunzongzhi', '请审核：吴生日生活困难党员申报');
      expect(reviewCard).toBeDefined();
      expect(buttons(reviewCard)).toEqual(['通过', '不通过']);
      expect(JSON.stringify(reviewCard)).toContain('母亲重病，家庭开支大');
      // Only the GB secretary: not the branch secretary, not the OD.
      expect(sent.filter((m) => m.msgtype === 'template_card').map((m) => m.touser)).toEqual(['sunzongzhi']);
      const entry = await entryOf(await idOf('wushengri'));
      expect(entry).toMatchObject({ status: 'applied', source: 'self', causes: ['illness'], note: '母亲重病，家庭开支大', applied_by_member_id: await idOf('wushengri') });
      expect(await tasksOf(entry.id)).toEqual([
        { kind: 'hardship_review', status: 'open', owner_member_id: null, owner_role: 'gb_secretary', owner_organisation_id: await orgId('计算机学院党总支'), due_on: '2026-12-02' },
      ]);
    });

    it('a second application while one is live gets its state, and nothing more', async () => {
      const sent = await say('wushengri', '我要申请困难帮扶：又住院了');
      expect(textTo(sent, 'wushengri')).toContain('正由计算机学院党总支审核');
      expect(sent.filter((m) => m.touser !== 'wushengri')).toEqual([]);
      expect(await db().selectFrom('hardship_registry').select('id').where('member_id', '=', await idOf('wushengri')).execute()).toHaveLength(1);
    });

    it('待办 lists the review for the GB secretary, with what to do and the card', async () => {
      const sent = await say('sunzongzhi', '待办', 2);
      const list = to(sent, 'sunzongzhi').find((m) => m.msgtype === 'markdown')!;
      expect(textOf(list)).toContain('审核生活困难党员申报 吴生日（教工第一党支部）12月2日前：请在卡片上点“通过”或“不通过”');
      const card = to(sent, 'sunzongzhi').find((m) => m.msgtype === 'template_card')!.body.template_card;
      expect(buttons(card)).toEqual(['通过', '不通过']);
    });

    it('someone who may not review (the branch secretary who sits on the GB committee, a member of another GB) cannot press it', async () => {
      for (const who of ['zhouzhishu', 'chenbiezhi', 'chuzhishu']) {
        const sent = await click(who, reviewCard, '不通过');
        expect(textTo(sent, who), who).toBe('生活困难党员申报由党员所在党总支书记或党委组织部审核，此项不由您办理。');
      }
      expect((await entryOf(await idOf('wushengri'))).status).toBe('applied');
    });

    it('不通过 asks for the reason; the next message is the reason, stored; the member and the branch secretary are told', async () => {
      const asked = await click('sunzongzhi', reviewCard, '不通过');
      expect(textTo(asked, 'sunzongzhi')).toContain('请回复不通过吴生日同志申报的理由');
      expect((await entryOf(await idOf('wushengri'))).status).toBe('applied');
      const sent = await say('sunzongzhi', '经核实家庭收入尚可，暂不符合条件', 3);
      expect(textTo(sent, 'sunzongzhi')).toBe('已记录：吴生日同志的生活困难党员申报未通过，理由：经核实家庭收入尚可，暂不符合条件。已告知本人和所在党支部。');
      expect(textTo(sent, 'wushengri')).toContain('经计算机学院党总支审核未通过，理由：经核实家庭收入尚可，暂不符合条件');
      expect(textTo(sent, 'zhouzhishu')).toContain('吴生日同志（教工第一党支部）的生活困难党员申报经计算机学院党总支审核未通过，理由：经核实家庭收入尚可，暂不符合条件。');
      const entry = await entryOf(await idOf('wushengri'));
      expect(entry).toMatchObject({ status: 'rejected', reason: '经核实家庭收入尚可，暂不符合条件', decided_by_member_id: await idOf('sunzongzhi') });
      expect((await tasksOf(entry.id)).map((t) => t.status)).toEqual(['done']);
    });

    it('the card pressed again answers that it is decided; the next message of the GB secretary is no reason any more', async () => {
      const again = await click('sunzongzhi', reviewCard, '通过');
      expect(textTo(again, 'sunzongzhi')).toContain('申报未通过，理由：经核实家庭收入尚可，暂不符合条件。无需重复操作。');
      const hello = await say('sunzongzhi', '待办');
      expect(textTo(hello, 'sunzongzhi')).not.toContain('理由');
      expect((await entryOf(await idOf('wushengri'))).status).toBe('rejected');
    });
  });

  describe('a branch recommendation, consented and approved', () => {
    let consent: ReturnType<typeof cardTo>;
    let review: ReturnType<typeof cardTo>;

    it('"推荐郑老党员为生活困难党员，因病" sends 郑老党员 a consent card (同意 / 不同意); the entry waits for consent', async () => {
      const sent = await say('zhouzhishu', '推荐郑老党员为生活困难党员，因病', 2);
      expect(textTo(sent, 'zhouzhishu')).toContain('已向郑老党员同志发送征求意见卡片');
      consent = cardTo(sent, 'zhenglao', '征求意见：推荐您为生活困难党员');
      expect(buttons(consent)).toEqual(['同意', '不同意']);
      const entry = await entryOf(await idOf('zhenglao'));
      expect(entry).toMatchObject({ status: 'awaiting_consent', source: 'branch', applied_by_member_id: await idOf('zhouzhishu'), consent_recorded: false });
      expect(await tasksOf(entry.id)).toEqual([expect.objectContaining({ kind: 'hardship_consent', status: 'open', owner_member_id: await idOf('zhenglao'), due_on: '2026-12-02' })]);
    });

    it('nobody but the member may consent with the same key', async () => {
      const sent = await click('zhouzhishu', consent, '同意');
      expect(textTo(sent, 'zhouzhishu')).toBe('没有找到需要您确认的推荐，可能已处理或已撤销。');
      expect((await entryOf(await idOf('zhenglao'))).status).toBe('awaiting_consent');
    });

    it('同意: the entry goes to the GB (applied, consent by the member), the recommender is told', async () => {
      const sent = await click('zhenglao', consent, '同意', 3);
      expect(textTo(sent, 'zhenglao')).toContain('已记录您的意见：同意');
      expect(textTo(sent, 'zhouzhishu')).toContain('郑老党员同志已同意党支部推荐其为生活困难党员');
      review = cardTo(sent, 'sunzongzhi', '请审核：郑老党员生活困难党员申报');
      expect(JSON.stringify(review)).toContain('党支部推荐（本人已同意）');
      const entry = await entryOf(await idOf('zhenglao'));
      expect(entry).toMatchObject({ status: 'applied', consent_by_member_id: await idOf('zhenglao'), consent_attested: false, consent_recorded: true });
      expect((await tasksOf(entry.id)).map((t) => [t.kind, t.status])).toEqual([
        ['hardship_consent', 'done'],
        ['hardship_review', 'open'],
      ]);
    });

    it('通过: approved, the member and the branch secretary told; the entry is on the branch\'s list', async () => {
      const sent = await click('sunzongzhi', review, '通过', 3);
      expect(textTo(sent, 'sunzongzhi')).toBe('已审核通过：郑老党员同志（教工第一党支部）列入生活困难党员信息库（困难类型：患病）。已告知本人和所在党支部。');
      expect(textTo(sent, 'zhenglao')).toContain('审核通过，列入生活困难党员信息库');
      expect(textTo(sent, 'zhouzhishu')).toContain('计算机学院党总支已审核通过：郑老党员同志');
      const entry = await entryOf(await idOf('zhenglao'));
      expect(entry).toMatchObject({ status: 'approved', decided_by_member_id: await idOf('sunzongzhi') });
      expect((await tasksOf(entry.id)).map((t) => t.status)).toEqual(['done', 'done']);
      const list = await say('zhouzhishu', '本支部困难党员');
      expect(textOf(list[0]!)).toContain('教工第一党支部生活困难党员名单（1人）');
      expect(textOf(list[0]!)).toContain('郑老党员：患病，11月25日确定');
    });

    it('不同意 on another recommendation closes it (本人不同意) and tells the secretary', async () => {
      const sent = await say('zhouzhishu', '推荐王今年为生活困难党员，家庭遭遇重大变故', 2);
      const card = cardTo(sent, 'wangjinnian', '征求意见：推荐您为生活困难党员')!;
      const declined = await click('wangjinnian', card, '不同意', 2);
      expect(textTo(declined, 'wangjinnian')).toBe('已记录您的意见：不同意。本次推荐已终止，您的意见将告知党支部。');
      expect(textTo(declined, 'zhouzhishu')).toBe('王今年同志不同意党支部推荐其为生活困难党员，本次推荐已终止。');
      const entry = await entryOf(await idOf('wangjinnian'));
      expect(entry).toMatchObject({ status: 'rejected', reason: '本人不同意', causes: ['misfortune'] });
      expect((await tasksOf(entry.id)).map((t) => [t.kind, t.status])).toEqual([['hardship_consent', 'done']]);
    });
  });

  describe('a member without a chat account', () => {
    it('without the attestation nothing is recorded, and the secretary is told how', async () => {
      const sent = await say('zhouzhishu', '推荐冯无号为生活困难党员，因病');
      expect(textTo(sent, 'zhouzhishu')).toContain('冯无号同志没有企业微信/钉钉账号，无法在线确认是否同意推荐，本次未作登记。请当面征得本人同意后发送');
      expect(await db().selectFrom('hardship_registry').select('id').where('member_id', '=', await idByName('冯无号')).execute()).toEqual([]);
    });

    it('"…，本人已同意" records the consent as the secretary\'s and goes straight to the GB', async () => {
      const sent = await say('zhouzhishu', '推荐冯无号为生活困难党员，年老体弱，本人已同意', 2);
      expect(textTo(sent, 'zhouzhishu')).toContain('并记录本人同意由您代为确认');
      const card = cardTo(sent, 'sunzongzhi', '请审核：冯无号生活困难党员申报');
      expect(JSON.stringify(card)).toContain('支部书记代为确认本人同意');
      const entry = await entryOf(await idByName('冯无号'));
      expect(entry).toMatchObject({ status: 'applied', source: 'branch', consent_by_member_id: await idOf('zhouzhishu'), consent_attested: true, causes: ['old_age', 'frailty'] });
    });

    it('a death confirmed closes the pending entry (去世) and cancels its review', async () => {
      const reported = await say('zhouzhishu', '报告：冯无号去世了', 3);
      const card = to(reported, 'sunzongzhi').find((m) => m.msgtype === 'template_card' && m.body.template_card.main_title.title === '请确认：冯无号同志去世')!.body.template_card;
      await click('sunzongzhi', card, '确认去世');
      const entry = await entryOf(await idByName('冯无号'));
      expect(entry).toMatchObject({ status: 'rejected', reason: '去世' });
      expect((await tasksOf(entry.id)).map((t) => t.status)).toEqual(['cancelled']);
    });
  });

  it('asked how to apply, the bot says which sentence to send and in how many days it is decided; nothing is recorded', async () => {
    const before = await db().selectFrom('hardship_registry').select('id').execute();
    const [how] = await say('wangjinnian', '怎么申请困难帮扶？');
    expect(textOf(how!)).toContain('“申请困难帮扶：母亲重病，家庭开支大”');
    expect(textOf(how!)).toContain('7日内审核');
    const [aid] = await say('wangjinnian', '请问如何申请突发困难补助');
    expect(textOf(aid!)).toContain('“申请突发困难补助：孩子上学学费困难，申请2000元”');
    expect(textOf(aid!)).toContain('10个工作日内发放到位');
    expect(await db().selectFrom('hardship_registry').select('id').execute()).toEqual(before);
    expect(await db().selectFrom('care_events').select('id').where('member_id', '=', await idOf('wangjinnian')).execute()).toEqual([]);
  });

  describe('我的帮扶, the lists, and archiving with a pairing', () => {
    it('我的帮扶 tells the member their entry, subsidy and helpers', async () => {
      const zheng = await idOf('zhenglao');
      const entry = await entryOf(zheng);
      const subsidy = await db()
        .insertInto('subsidies')
        .values({ member_id: zheng, entry_id: entry.id, amount_fen: 30000, start_month: '2026-11', end_month: '2027-10', status: 'active', created_by_member_id: await idOf('zhaozuzhi'), confirmed_by_member_id: null, confirmed_at: null, ended_at: null, ended_reason: null, renewed_from_id: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db().insertInto('subsidy_payments').values({ subsidy_id: subsidy.id, month: '2026-11', amount_fen: 30000, paid_at: time.clock(), recorded_by_member_id: null }).execute();
      await db()
        .insertInto('pairings')
        .values([
          { member_id: zheng, entry_id: entry.id, helper_member_id: await idOf('wushengri'), helper_organisation_id: null, started_on: '2026-11-25', ended_on: null, ended_reason: null, created_by_member_id: await idOf('sunzongzhi') },
          { member_id: zheng, entry_id: entry.id, helper_member_id: null, helper_organisation_id: await orgId('教工党支部'), started_on: '2026-11-25', ended_on: null, ended_reason: null, created_by_member_id: await idOf('zhaozuzhi') },
        ])
        .execute();
      const sent = await say('zhenglao', '我的帮扶');
      const answer = textOf(sent[0]!);
      expect(answer).toContain('您已列入生活困难党员信息库（11月25日确定，困难类型：患病）');
      expect(answer).toContain('来源：党支部推荐（本人已同意）');
      expect(answer).toContain('定额补助：每月300元，2026年11月至2027年10月，发放中，已发放1个月（最近：2026年11月）');
      expect(answer).toContain('结对帮扶：吴生日、数学学院党总支教工党支部');
    });

    it('困难党员名单: the GB secretary gets the GB\'s, the OD all grouped by GB; the GB of another college sees none of them', async () => {
      const gb = textOf((await say('sunzongzhi', '困难党员名单'))[0]!);
      expect(gb).toContain('计算机学院党总支生活困难党员名单（1人）');
      expect(gb).toContain('郑老党员（教工第一党支部）：患病');
      const od = textOf((await say('zhaozuzhi', '困难党员名单'))[0]!);
      expect(od).toContain('全校生活困难党员名单（1人）');
      expect(od).toContain('**计算机学院党总支（1人）**');
      const other = textOf((await say('chuzhishu', '困难党员名单'))[0]!);
      expect(other).toBe('数学学院党总支目前没有生活困难党员，也没有待审核的申报。');
    });

    it('a plain member, the linked committee member and the committee secretary get a refusal that names nobody', async () => {
      for (const who of ['wangjinnian', 'qianweiyuan', 'lishuji']) {
        const answer = textOf((await say(who, '困难党员名单'))[0]!);
        expect(answer, who).toContain('生活困难党员名单涉及个人隐私');
        expect(answer, who).not.toContain('郑老党员');
      }
      const rec = textOf((await say('wangjinnian', '推荐郑老党员为生活困难党员，因病'))[0]!);
      expect(rec).toContain('推荐生活困难党员由党员所在党支部书记');
      const arc = textOf((await say('wangjinnian', '归档困难党员：郑老党员，原因：好转'))[0]!);
      expect(arc).toBe('归档生活困难党员由其所在党总支书记或党委组织部办理。');
    });

    it('someone of another GB cannot recommend or archive a member there: answered like a name nobody bears', async () => {
      const nobody = textOf((await say('chuzhishu', '推荐查无此人为生活困难党员，因病，本人已同意'))[0]!);
      const elsewhere = textOf((await say('chuzhishu', '推荐吴生日为生活困难党员，因病'))[0]!);
      expect(nobody).toBe('您负责的党员中没有“查无此人”，请核对姓名。本次未作修改。');
      expect(elsewhere).toBe('您负责的党员中没有“吴生日”，请核对姓名。本次未作修改。');
      const archive = textOf((await say('chuzhishu', '归档困难党员：郑老党员，原因：好转'))[0]!);
      expect(archive).toBe('您负责的党员中没有“郑老党员”，请核对姓名。本次未作修改。');
      expect((await entryOf(await idOf('zhenglao'))).status).toBe('approved');
    });

    it('archiving needs a reason; with one the entry leaves the list, the pairings and the subsidy end, and each is told what they may know', async () => {
      const noReason = await say('sunzongzhi', '郑老党员已好转，归档困难党员');
      expect(textTo(noReason, 'sunzongzhi')).toBe('请写明归档原因，例如“郑老党员已好转，归档困难党员：家庭收入已恢复”。本次未作修改。');
      const sent = await say('sunzongzhi', '郑老党员已好转，归档困难党员：家庭收入已恢复', 5);
      expect(textTo(sent, 'sunzongzhi')).toBe(
        '已将郑老党员同志（教工第一党支部）的生活困难党员信息归档，不再列入名单，原因：家庭收入已恢复。结对帮扶2项已结束，定额补助1项已停止。已告知本人、所在党支部和帮扶人。',
      );
      expect(textTo(sent, 'zhenglao')).toContain('原因：家庭收入已恢复');
      expect(textTo(sent, 'zhouzhishu')).toContain('原因：家庭收入已恢复');
      // The helpers: the member in person, and the helping branch through its secretary — no reason, no cause.
      for (const helper of ['wushengri', 'chuzhishu']) {
        const told = textTo(sent, helper);
        expect(told, helper).toContain('与郑老党员同志（教工第一党支部）的结对帮扶已结束：其生活困难情况已好转');
        expect(told, helper).not.toContain('家庭收入');
        expect(told, helper).not.toContain('患病');
      }
      expect(textTo(sent, 'chuzhishu')).toContain('教工党支部与郑老党员同志');
      const zheng = await idOf('zhenglao');
      expect(await entryOf(zheng)).toMatchObject({ status: 'archived', archive_reason: '家庭收入已恢复', archived_by_member_id: await idOf('sunzongzhi') });
      const pairings = await db().selectFrom('pairings').select(['ended_on', 'ended_reason']).where('member_id', '=', zheng).execute();
      expect(pairings).toEqual([
        { ended_on: '2026-11-25', ended_reason: 'entry_archived' },
        { ended_on: '2026-11-25', ended_reason: 'entry_archived' },
      ]);
      expect(await db().selectFrom('subsidies').select(['status', 'ended_reason']).where('member_id', '=', zheng).execute()).toEqual([{ status: 'ended', ended_reason: 'entry_archived' }]);
      expect(textOf((await say('zhouzhishu', '本支部困难党员'))[0]!)).toBe('教工第一党支部目前没有生活困难党员，也没有待审核的申报。');
    });

    it('the 帮扶 menu: 申请困难帮扶 asks for the cause with buttons; a pick files it with the cause', async () => {
      const sent = await say('wangjinnian', '申请生活困难帮扶', 2);
      const card = cardTo(sent, 'wangjinnian', '请选择困难类型')!;
      expect(buttons(card)).toEqual(['年老体弱', '患病', '残疾', '重大变故', '自然灾害', '其他']);
      expect(await db().selectFrom('hardship_registry').select('id').where('member_id', '=', await idOf('wangjinnian')).where('status', '=', 'applied').execute()).toEqual([]);
      const picked = await click('wangjinnian', card, '自然灾害', 2);
      expect(textTo(picked, 'wangjinnian')).toContain('已收到您的生活困难党员申报（困难类型：自然灾害）');
      expect(cardTo(picked, 'sunzongzhi', '请审核：王今年生活困难党员申报')).toBeDefined();
      expect(await entryOf(await idOf('wangjinnian'))).toMatchObject({ status: 'applied', causes: ['disaster'], source: 'self' });
      // The same card again: the live entry answers.
      const again = await click('wangjinnian', card, '患病');
      expect(textTo(again, 'wangjinnian')).toContain('正由计算机学院党总支审核');
    });
  });

  describe('namesakes and the menu', () => {
    it('a name two members the writer may act for bear changes nothing and asks for the account; the account settles it', async () => {
      const asked = await say('sunzongzhi', '推荐钱双名为生活困难党员，因病');
      expect(textTo(asked, 'sunzongzhi')).toBe(
        '有同名同志：钱双名（计算机学院党总支教工第一党支部，账号 qiansm1；计算机学院党总支教工第二党支部，账号 qiansm2）。请改用账号，例如“推荐qiansm1为生活困难党员，因病”。本次未作修改。',
      );
      expect(await db().selectFrom('hardship_registry').select('id').where('member_id', 'in', [await idOf('qiansm1'), await idOf('qiansm2')]).execute()).toEqual([]);
      const sent = await say('sunzongzhi', '推荐qiansm2为生活困难党员，因病', 2);
      const card = cardTo(sent, 'qiansm2', '征求意见：推荐您为生活困难党员')!;
      await click('qiansm2', card, '不同意', 2);
      expect((await entryOf(await idOf('qiansm2'))).status).toBe('rejected');
    });

    it('a branch secretary reaches only the namesake in their own branch', async () => {
      const sent = await say('zhouzhishu', '推荐钱双名为生活困难党员，因病', 2);
      const card = cardTo(sent, 'qiansm1', '征求意见：推荐您为生活困难党员')!;
      expect(card).toBeDefined();
      await click('qiansm1', card, '不同意', 2);
    });

    it('the menu: 申请困难帮扶 asks for the cause with buttons, 我的帮扶 answers', async () => {
      const start = stack.fake!.sent.length;
      const menu = async (key: string) => {
        const before = stack.fake!.sent.length;
        await post(eventXml({ from: 'qiansm1', event: 'click', eventKey: key, createTime: Math.floor(time.clock().getTime() / 1000), corpId: WECOM.corpId, agentId: WECOM.agentId }));
        await waitFor(() => stack.fake!.sent.length > before, 30_000, `answer to menu ${key}`);
        await waitForQuiet(stack);
      };
      await menu('hardship_apply');
      const card = cardTo(stack.fake!.sent.slice(start), 'qiansm1', '请选择困难类型')!;
      expect(buttons(card)).toEqual(['年老体弱', '患病', '残疾', '重大变故', '自然灾害', '其他']);
      const picked = await click('qiansm1', card, '年老体弱', 2);
      expect(textTo(picked, 'qiansm1')).toContain('困难类型：年老、体弱');
      expect(await entryOf(await idOf('qiansm1'))).toMatchObject({ status: 'applied', causes: ['old_age', 'frailty'], note: '' });
      const mine = stack.fake!.sent.length;
      await menu('my_assistance');
      expect(textOf(stack.fake!.sent.slice(mine).find((m) => m.touser === 'qiansm1')!)).toContain('正由计算机学院党总支审核');
    });
  });
});
