// Issue 12 (relief, fixed monthly subsidy), end to end through signed WeCom callbacks, card clicks and the fake
// WeCom API, on PostgreSQL: the OD sets a subsidy ("为吴生日设定长期生活补助，每月300元，…"), confirms the good record
// on the card, gets the month's payment list from the sweep on its first working day, marks it paid
// ("本月补助已发放"); the next month one member is paid and the other not, so the month after lists that one as
// 逾期 — and brings the renewal card, whose 续期 renews the term once. Nobody but the OD sets or confirms; the
// member hears when the subsidy starts and is renewed (one without a chat account through the branch secretary).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, waitForDeliveriesSettled, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { HardshipRegistryRepository } from '../../src/db/hardship-registry-repository.ts';
import { SettingsRepository } from '../../src/db/settings-repository.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';

describe('issue 12: a fixed monthly subsidy, set, paid, overdue and renewed in chat', () => {
  let stack: Stack;
  // 10:00 on Monday 21 September 2026 in Shanghai.
  const time = runningClock('2026-09-21T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    const db = stack.deps.db.db;
    await importCareRoster(db);
    const id = async (name: string) => (await db.selectFrom('members').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const registry = new HardshipRegistryRepository(db);
    for (const [name, causes] of [
      ['吴生日', ['illness']],
      ['冯无号', ['old_age']],
      ['王今年', ['misfortune']],
    ] as const) {
      await registry.insert({ memberId: await id(name), causes: [...causes], source: 'self', status: 'approved', appliedByMemberId: await id(name), note: '', at: time.clock() });
    }
    await new SettingsRepository(db).put('subsidy_budget_yuan', 1_000, time.clock());
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 9_300_000_000n);
  const db = () => stack.deps.db.db;
  const subsidies = () => db().selectFrom('subsidies as s').innerJoin('members as m', 'm.id', 's.member_id').select(['s.id', 'm.name', 's.status', 's.start_month', 's.end_month', 's.amount_fen', 's.renewed_from_id']).orderBy('s.id').execute();
  type Card = { task_id: string; button_list: Array<{ key: string; text: string }> };
  const cardTitled = (sent: SentMessage[], to: string, title: string): Card | undefined => sent.find((m) => m.touser === to && m.msgtype === 'template_card' && m.body.template_card.main_title.title === title)?.body.template_card;
  const texts = (sent: SentMessage[], to: string) => sent.filter((m) => m.touser === to && m.msgtype !== 'template_card').map(textOf);

  /** The sweep of a first working day at 09:05, and what it sent (waiting for `expected` messages to be out). */
  async function sweep(date: string, expected: (sent: SentMessage[]) => boolean): Promise<SentMessage[]> {
    time.set(`${date}T01:05:00Z`);
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), date);
    await waitFor(() => expected(stack.fake!.sent.slice(start)), 60_000, `the sweep of ${date}`);
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
    time.set(`${date}T02:00:00Z`);
    return stack.fake!.sent.slice(start);
  }

  /** The bot's answer to what `who` wrote (the last text to them: a sweep's messages may come before it in the list). */
  const ask = async (who: string, text: string): Promise<string> => texts(await say(who, text), who).at(-1)!;
  const later = () => time.set(new Date(time.clock().getTime() + 60_000).toISOString());
  let wuCard: Card;

  it('only the OD sets a subsidy; a secretary is told who does it, nothing is looked up', async () => {
    const [answer] = await say('zhouzhishu', '为吴生日设定长期生活补助，每月300元，2026年10月至2027年1月');
    expect(textOf(answer!)).toBe('定额补助由党委组织部研究设定。如需为党员申请，请与党委组织部联系。');
    expect(await subsidies()).toEqual([]);
  });

  it('a member whose hardship is not long-term is refused with the reason', async () => {
    const [answer] = await say('zhaozuzhi', '为王今年设定生活补助，每月300元');
    expect(textOf(answer!)).toContain('定额补助仅适用于因老、弱、病、残导致长期生活困难的党员');
    expect(await subsidies()).toEqual([]);
  });

  it('the OD sets one: proposed, with a card to confirm the good record (确认发放 / 撤回)', async () => {
    const sent = await say('zhaozuzhi', '为吴生日设定长期生活补助，每月300元，2026年10月至2027年1月', 2);
    expect(texts(sent, 'zhaozuzhi')[0]).toContain('已拟定吴生日同志的定额补助：每月300元，2026年10月至2027年1月（共4个月）');
    wuCard = cardTitled(sent, 'zhaozuzhi', '请确认：吴生日定额补助')!;
    expect(wuCard.button_list.map((b) => b.text)).toEqual(['确认发放', '撤回']);
    expect(await subsidies()).toMatchObject([{ name: '吴生日', status: 'proposed', start_month: '2026-10', end_month: '2027-01', amount_fen: 30_000 }]);
  });

  it('a second subsidy passing the yearly budget is warned about on the card and in the reply, not refused', async () => {
    const sent = await say('zhaozuzhi', '为冯无号设定定额补助，每月200元，2026年10月至2027年3月', 2);
    expect(texts(sent, 'zhaozuzhi')[0]).toContain('2026年承诺支出1,500元，超出年度预算1,000元（超出500元）');
    const card = cardTitled(sent, 'zhaozuzhi', '请确认：冯无号定额补助')!;
    expect(JSON.stringify(card)).toContain('2026年超支500元');
    // An overlapping term for the same member is refused, naming the one it overlaps.
    const [clash] = await say('zhaozuzhi', '为吴生日设定生活补助，每月500元，2027年1月起');
    expect(textOf(clash!)).toContain('吴生日同志已有待确认的定额补助（2026年10月至2027年1月，每月300元）');
    // Confirmed at once (冯无号 has no chat account: his branch secretary is asked to tell him).
    const confirmed = await click('zhaozuzhi', card, '确认发放', 2);
    expect(texts(confirmed, 'zhouzhishu')[0]).toContain('冯无号同志没有企业微信/钉钉，以下消息请转告本人');
    expect(texts(confirmed, 'zhouzhishu')[0]).toContain('每月为您发放生活补助200元');
  });

  it('someone not entitled cannot confirm with the same key; the OD confirms once and the member is told', async () => {
    const [refused] = await click('sunzongzhi', wuCard, '确认发放');
    expect(textOf(refused!)).toBe('定额补助由党委组织部办理，您无法操作。');
    expect((await subsidies())[0]!.status).toBe('proposed');
    const sent = await click('zhaozuzhi', wuCard, '确认发放', 2);
    expect(texts(sent, 'zhaozuzhi')[0]).toContain('已确认发放：吴生日同志定额补助每月300元，2026年10月至2027年1月');
    expect(texts(sent, 'wushengri')).toEqual([expect.stringContaining('自2026年10月起至2027年1月，每月为您发放生活补助300元')]);
    later(); // a second press in the same second would be the same callback (deduplicated), not a second press
    const [again] = await click('zhaozuzhi', wuCard, '确认发放');
    expect(textOf(again!)).toContain('无需重复操作');
  });

  it('October’s first working day (Thursday 8 October, after National Day): the OD’s list; 本月补助已发放 marks all, once', async () => {
    const sent = await sweep('2026-10-08', (s) => s.some((m) => m.touser === 'zhaozuzhi' && textOf(m).includes('定额补助发放名单')));
    const list = texts(sent, 'zhaozuzhi').find((t) => t.includes('定额补助发放名单'))!;
    expect(list).toContain('**2026年10月定额补助发放名单**');
    expect(list).toContain('共2人，合计500元。');
    expect(list).toContain('1. 冯无号（计算机学院党总支 教工第一党支部）每月200元');
    expect(list).toContain('2. 吴生日（计算机学院党总支 教工第一党支部）每月300元');
    // Nobody else gets it.
    expect(sent.filter((m) => textOf(m).includes('定额补助发放名单')).map((m) => m.touser)).toEqual(['zhaozuzhi']);
    expect(await ask('zhaozuzhi', '本月补助已发放')).toBe('已登记10月定额补助发放：2人，合计500元。');
    expect(await ask('zhaozuzhi', '本月补助已发放')).toBe('另有2笔此前已登记，未重复登记。');
    expect(await db().selectFrom('subsidy_payments').select(['month', 'amount_fen']).orderBy('amount_fen').execute()).toEqual([
      { month: '2026-10', amount_fen: 20_000 },
      { month: '2026-10', amount_fen: 30_000 },
    ]);
  });

  it('November: the OD pays one member by name; the other stays unpaid', async () => {
    await sweep('2026-11-02', (s) => s.some((m) => m.touser === 'zhaozuzhi' && textOf(m).includes('2026年11月定额补助发放名单')));
    expect(await ask('zhaozuzhi', '吴生日本月补助已发放')).toBe('已登记发放：吴生日11月300元，合计300元。');
  });

  it('December: the unpaid November shows as 逾期, and the renewal card (续期 / 到期终止) comes for the term ending in January', async () => {
    const sent = await sweep('2026-12-01', (s) => s.some((m) => m.touser === 'zhaozuzhi' && m.msgtype === 'template_card') && s.some((m) => textOf(m).includes('2026年12月定额补助发放名单')));
    const list = texts(sent, 'zhaozuzhi').find((t) => t.includes('2026年12月定额补助发放名单'))!;
    expect(list).toContain('共2人，合计700元（本月500元，逾期补发1人200元）');
    expect(list).toContain('冯无号（计算机学院党总支 教工第一党支部）每月200元，**逾期1个月**（11月），应发400元');
    const renewal = cardTitled(sent, 'zhaozuzhi', '定额补助即将到期：吴生日')!;
    expect(renewal.button_list.map((b) => b.text)).toEqual(['续期', '到期终止']);
    expect(JSON.stringify(renewal)).toContain('2027年2月至2028年1月');
    expect(await db().selectFrom('assistance_tasks').select(['kind', 'owner_role', 'due_on', 'status']).execute()).toEqual([{ kind: 'subsidy_renewal', owner_role: 'od_staff', due_on: '2026-12-31', status: 'open' }]);
    // The overdue month is paid by naming it.
    expect(await ask('zhaozuzhi', '补发冯无号11月补助')).toBe('已登记发放：冯无号11月200元，合计200元。');

    // 续期: the next term, active at once, the task closed, the member told; a second press renews nothing.
    const renewed = await click('zhaozuzhi', renewal, '续期', 2);
    expect(texts(renewed, 'zhaozuzhi')[0]).toContain('已续期：吴生日同志定额补助每月300元，2027年2月至2028年1月');
    expect(texts(renewed, 'zhaozuzhi')[0]).toContain('超出年度预算');
    expect(texts(renewed, 'wushengri')).toEqual([expect.stringContaining('您的生活补助已续期，自2027年2月起至2028年1月，每月300元')]);
    later();
    const [again] = await click('zhaozuzhi', renewal, '续期');
    expect(textOf(again!)).toContain('已续期（2027年2月至2028年1月），无需重复操作');
    const rows = await subsidies();
    expect(rows.map((r) => [r.name, r.status, r.start_month, r.end_month, r.renewed_from_id])).toEqual([
      ['吴生日', 'active', '2026-10', '2027-01', null],
      ['冯无号', 'active', '2026-10', '2027-03', null],
      ['吴生日', 'active', '2027-02', '2028-01', rows[0]!.id],
    ]);
    expect(await db().selectFrom('assistance_tasks').select('status').execute()).toEqual([{ status: 'done' }]);
  });

  it('nobody but the OD sees the list or records a payment, and no amount leaks to them', async () => {
    for (const who of ['zhouzhishu', 'sunzongzhi', 'wushengri']) {
      expect(await ask(who, '本月补助名单')).toBe('定额补助发放名单由党委组织部掌握，您无法查看。');
      expect(await ask(who, '本月补助已发放')).toBe('定额补助的发放由党委组织部登记。');
    }
  });
});
