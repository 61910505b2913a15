// Issue 13 section 6, 光荣在党50年 to the certificate, end to end through the daily sweep, signed WeCom callbacks,
// card clicks and the fake WeCom API: on January's first working day the OD gets the list (this year's and the
// backlog) and its first card; 确认符合条件 → 登记颁发 → the date and number in the next message → the branch
// secretary is told to arrange the presentation and the member congratulated, and the next card follows;
// "纪念证书未颁发名单" shrinks; the refusals (already issued, too early, future, deceased, transferred, unknown,
// ambiguous, no full-membership date, a number used, not the OD, a forged click); a member without an account
// (冯老) recorded by sentence; the secretaries' scoped lists; the admin routes; the export through the admin API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { runningClock, startStack, waitFor, waitForDeliveriesSettled, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importCertificateRoster } from '../helpers/certificate-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';

const TOKEN = 'certificates-admin-token-0123456789';
type Card = { task_id: string; button_list: Array<{ key: string; text: string }>; main_title: { title: string }; horizontal_content_list?: Array<{ keyname: string; value: string }> };

describe('issue 13 section 6: 光荣在党50年 to the certificate', () => {
  let stack: Stack;
  // 09:05 on Friday 1 January 2027 in Shanghai: 2027 has no official holiday data yet, so weekends only and the
  // 1st is January's first working day.
  const time = runningClock('2027-01-01T01:05:00Z');
  const { say, click } = wecomChat(() => stack, time.clock, 9_400_000_000n);
  const db = () => stack.deps.db.db;
  const cardsTo = (sent: SentMessage[], to: string): Card[] => sent.filter((m) => m.touser === to && m.msgtype === 'template_card').map((m) => m.body.template_card as Card);
  const textsTo = (sent: SentMessage[], to: string) => sent.filter((m) => m.touser === to && m.msgtype !== 'template_card').map(textOf);
  const reply = async (who: string, content: string) => {
    const sent = await say(who, content);
    return textsTo(sent, who).join('\n');
  };
  const admin = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const certificates = () => db().selectFrom('party_age_certificates').innerJoin('members', 'members.id', 'party_age_certificates.member_id').select(['members.name', 'issued_on', 'certificate_no']).orderBy('party_age_certificates.id').execute();
  let first: Card;

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    await importCertificateRoster(db());
  });
  afterAll(() => stack.close());

  it('January’s first working day: the OD gets this year’s members and the backlog, and the first card', async () => {
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), '2027-01-01');
    await waitFor(() => stack.fake!.sent.slice(start).some((m) => m.touser === 'zhaozuzhi' && m.msgtype === 'template_card' && JSON.stringify(m.body).includes('光荣在党50年')), 60_000, 'the list card');
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
    const sent = stack.fake!.sent.slice(start);
    const list = textsTo(sent, 'zhaozuzhi').find((t) => t.includes('纪念证书名单'))!;
    expect(list).toContain('以下 6 名同志尚未登记颁发纪念证书，请逐一确认是否符合条件（一贯表现良好、为党勤恳奉献）');
    expect(list).toContain('今年党龄满50年（1 名）');
    expect(list).toContain('钱满年（计算机学院党总支教工第一党支部；1977年6月转正，今年党龄满50年）');
    expect(list).toContain('往年已满50年、尚未登记颁发（5 名）');
    expect(list).toContain('郑老党员（计算机学院党总支教工第一党支部；1967年11月转正，党龄59年）');
    expect(list).toContain('冯老（计算机学院党总支教工第一党支部；1976年2月转正，党龄50年；无企业微信/钉钉）');
    expect(list).toContain('韩无转正（教工第一党支部，1970年1月入党）');
    for (const absent of ['卫去世', '蒋转出', '许明年']) expect(list, absent).not.toContain(absent);
    expect(list).not.toContain('颁发后请逐一登记');
    first = cardsTo(sent, 'zhaozuzhi').find((c) => c.main_title.title.startsWith('光荣在党50年'))!;
    expect(first!.main_title.title).toBe('光荣在党50年纪念证书（1/6）');
    expect(first!.button_list.map((b) => b.text)).toEqual(['确认符合条件', '登记颁发', '下一位']);
    // Nobody else gets the list.
    expect(sent.filter((m) => m.touser !== 'zhaozuzhi' && JSON.stringify(m.body).includes('纪念证书'))).toEqual([]);
    // The same day swept again sends nothing twice.
    const again = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), '2027-01-01');
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
    expect(stack.fake!.sent.slice(again).filter((m) => JSON.stringify(m.body).includes('纪念证书'))).toEqual([]);
  });

  it('a forged click and a secretary’s click are refused and change nothing', async () => {
    for (const who of ['zhouzhishu', 'sunzongzhi', 'zhenglao']) {
      const sent = await click(who, first, '确认符合条件');
      expect(textsTo(sent, who).at(-1), who).toBe('这张卡片已失效，或该事项不由您办理。请发送“纪念证书未颁发名单”查看最新名单。');
    }
    expect(await certificates()).toEqual([]);
  });

  it('确认符合条件 → 登记颁发 → the date and number: recorded, the branch secretary told, the member congratulated, the next card', async () => {
    const confirmed = await click('zhaozuzhi', first, '确认符合条件', 2);
    expect(textsTo(confirmed, 'zhaozuzhi')[0]).toBe(
      '已确认：郑老党员同志（1967年11月转正，党龄59年）符合“光荣在党50年”纪念证书颁发条件（一贯表现良好、为党勤恳奉献）。证书颁发后，请发送“已颁发纪念证书：郑老党员，日期”或在卡片上点“登记颁发”。',
    );
    const again = cardsTo(confirmed, 'zhaozuzhi')[0]!;
    expect(again.button_list.map((b) => b.text)).toEqual(['登记颁发', '下一位']);
    expect(await certificates()).toEqual([{ name: '郑老党员', issued_on: null, certificate_no: null }]);

    const asked = await click('zhaozuzhi', again, '登记颁发');
    expect(textsTo(asked, 'zhaozuzhi')[0]).toBe('请回复郑老党员同志纪念证书的颁发日期和证书编号，例如“2027-01-01，编号2027-001”（编号可不写）；回复“今天”即按今天登记。');
    // A date after today keeps the question open; the corrected answer is recorded.
    expect(await reply('zhaozuzhi', '2027-07-01，编号2027-001')).toContain('未作登记：颁发日期2027年7月1日晚于今天（2027年1月1日）');
    const recorded = await say('zhaozuzhi', '2027-01-01，编号2027-001', 4);
    expect(textsTo(recorded, 'zhaozuzhi')[0]).toBe(
      '已登记：郑老党员同志“光荣在党50年”纪念证书，颁发日期2027年1月1日，编号2027-001。已通知周支书安排颁发仪式或送证上门，并向郑老党员同志致贺。',
    );
    const told = textsTo(recorded, 'zhouzhishu')[0]!;
    expect(told).toContain('【光荣在党50年】党委组织部已登记教工第一党支部郑老党员同志（1967年11月转正，党龄59年）的“光荣在党50年”纪念证书（颁发日期2027年1月1日，编号2027-001）');
    expect(told).toContain('举行颁发仪式');
    expect(told).toContain('请登门送证');
    expect(textsTo(recorded, 'zhenglao')[0]).toContain('郑老党员同志：您自1967年11月转正以来，光荣在党已满50年。党委为您颁发“光荣在党50年”纪念证书（编号2027-001）');
    const next = cardsTo(recorded, 'zhaozuzhi')[0]!;
    expect(next.main_title.title).toBe('光荣在党50年纪念证书（1/5）');
    expect(JSON.stringify(next)).toContain('王同名');
    expect(await certificates()).toEqual([{ name: '郑老党员', issued_on: '2027-01-01', certificate_no: '2027-001' }]);
    // The question is answered: a date now is no longer read as an answer to it.
    const later = await say('zhaozuzhi', '2027-01-01');
    expect(textsTo(later, 'zhaozuzhi').join()).not.toContain('已登记');
  });

  it('下一位 walks the list; the issued member’s old card is answered clearly', async () => {
    const next = await click('zhaozuzhi', first, '下一位');
    expect(cardsTo(next, 'zhaozuzhi')[0]!.main_title.title).toBe('光荣在党50年纪念证书（1/5）');
    const issued = await click('zhaozuzhi', first, '登记颁发');
    expect(textsTo(issued, 'zhaozuzhi')[0]).toBe('郑老党员同志的纪念证书已于2027年1月1日登记颁发（编号2027-001），不再重复登记。发送“纪念证书未颁发名单”可查看最新名单。');
  });

  it('纪念证书未颁发名单 shrinks; secretaries see their scope, a member is told whom it is for', async () => {
    const od = await say('zhaozuzhi', '纪念证书未颁发名单', 2);
    const list = textsTo(od, 'zhaozuzhi').join('\n');
    expect(list).toContain('以下 5 名同志尚未登记颁发纪念证书');
    expect(list).not.toContain('郑老党员（');
    expect(cardsTo(od, 'zhaozuzhi')[0]!.main_title.title).toBe('光荣在党50年纪念证书（1/5）');
    // 周支书 is also a member of the GB committee (党总支委员): the GB's list.
    const zhou = await reply('zhouzhishu', '纪念证书未颁发名单');
    expect(zhou).toContain('计算机学院党总支“光荣在党50年”纪念证书未颁发名单');
    expect(zhou).toContain('钱满年');
    expect(zhou).not.toContain('杨数学');
    const chu = await reply('chuzhishu', '纪念证书未颁发名单');
    expect(chu).toContain('杨数学');
    expect(chu).not.toContain('钱满年');
    expect(await reply('sunzongzhi', '未颁发纪念证书名单')).toContain('计算机学院党总支“光荣在党50年”纪念证书未颁发名单');
    expect(await reply('wushengri', '纪念证书未颁发名单')).toBe(
      '“光荣在党50年”纪念证书由党委组织部确认和登记，未颁发名单供党委组织部和党总支、支部书记查看。如有老党员党龄已满50年尚未颁发，请告知所在支部书记。',
    );
  });

  it('refusals, each with its reason; nothing recorded', async () => {
    const cases: Array<[string, string, string]> = [
      ['zhaozuzhi', '已颁发纪念证书：郑老党员，2026-07-01', '郑老党员同志的纪念证书已于2027年1月1日登记颁发（编号2027-001），不再重复登记。'],
      ['zhaozuzhi', '已颁发纪念证书：钱满年，2026-12-31', '未作登记：钱满年同志1977年6月转正，2027年党龄才满50年，2026年不能颁发“光荣在党50年”纪念证书。'],
      ['zhaozuzhi', '已颁发纪念证书：许明年', '未作登记：许明年同志1978年1月转正，2028年党龄才满50年，2027年不能颁发“光荣在党50年”纪念证书。'],
      ['zhaozuzhi', '已颁发纪念证书：钱满年，2027-03-01', '未作登记：颁发日期2027年3月1日晚于今天（2027年1月1日）'],
      ['zhaozuzhi', '已颁发纪念证书：卫去世，2026-07-01', '卫去世同志已去世，不再登记纪念证书。'],
      ['zhaozuzhi', '已颁发纪念证书：蒋转出', '蒋转出同志已不在本党委在册党员中（已转出）'],
      ['zhaozuzhi', '已颁发纪念证书：李白', '未作登记。名册中没有“李白”，请核对姓名或改用账号。'],
      ['zhaozuzhi', '已颁发纪念证书：王同名', '有同名：“王同名”可指：王同名（计算机学院党总支教工第一党支部，账号 wangtongming1）；王同名（数学学院党总支教工党支部，账号 wangtongming2）。请改用账号'],
      ['zhaozuzhi', '已颁发纪念证书：韩无转正', '名册中没有韩无转正同志的转正日期，无法计算党龄。'],
      ['zhaozuzhi', '已颁发纪念证书：杨数学，2026-07-01，编号2027-001', '未作登记：编号2027-001已用于郑老党员同志的纪念证书（2027年1月1日颁发），请核对编号。'],
      ['zhaozuzhi', '已颁发纪念证书：杨数学，2027-02-30', '未作登记：日期“2027-02-30”有误'],
      ['zhaozuzhi', '已颁发纪念证书：杨数学，七一那天', '请按格式登记'],
      ['zhouzhishu', '已颁发纪念证书：钱满年', '“光荣在党50年”纪念证书由党委组织部确认符合条件并登记颁发。'],
      ['wushengri', '纪念证书符合条件：钱满年', '“光荣在党50年”纪念证书由党委组织部确认符合条件并登记颁发。'],
    ];
    for (const [who, text, expected] of cases) expect(await reply(who, text), text).toContain(expected);
    expect((await certificates()).map((c) => c.name)).toEqual(['郑老党员']);
    // A near miss is not a command (and records nothing); the others are in the phrases' corpus.
    await say('wushengri', '纪念证书怎么领');
    expect((await certificates()).map((c) => c.name)).toEqual(['郑老党员']);
  });

  it('a member without an account, by sentence: the branch secretary is told to tell him in person; the OD confirms another by sentence', async () => {
    const sent = await say('zhaozuzhi', '已颁发纪念证书：冯老，2026-07-01', 2);
    expect(textsTo(sent, 'zhaozuzhi')[0]).toBe('已登记：冯老同志“光荣在党50年”纪念证书，颁发日期2026年7月1日，未填编号。登记颁发即视为已确认符合条件。已通知周支书安排颁发仪式或送证上门。');
    expect(textsTo(sent, 'zhouzhishu')[0]).toContain('冯老同志没有企业微信/钉钉账号，请当面告知。');
    expect(await reply('zhaozuzhi', '纪念证书符合条件：wangtongming2、杨数学')).toBe(
      [
        '已确认：王同名同志（1970年1月转正，党龄57年）符合“光荣在党50年”纪念证书颁发条件（一贯表现良好、为党勤恳奉献）。证书颁发后，请发送“已颁发纪念证书：王同名，日期”或在卡片上点“登记颁发”。',
        '已确认：杨数学同志（1972年5月转正，党龄54年）符合“光荣在党50年”纪念证书颁发条件（一贯表现良好、为党勤恳奉献）。证书颁发后，请发送“已颁发纪念证书：杨数学，日期”或在卡片上点“登记颁发”。',
      ].join('\n'),
    );
    expect(await reply('zhaozuzhi', '纪念证书符合条件：杨数学')).toContain('杨数学同志已于2027年1月1日由赵组织确认符合条件，无需重复确认。');
  });

  it('the admin routes: the due and issued lists; recording as the OD tells the secretary; a secretary as actor is refused', async () => {
    const due = (await (await admin('GET', '/admin/certificates?state=due')).json()) as { certificates: Array<{ member: { name: string }; state: string; party_age_year: number }> };
    expect(due.certificates.map((c) => `${c.member.name} ${c.state}`)).toEqual(['王同名 due', '王同名 confirmed', '杨数学 confirmed', '钱满年 due']);
    const refused = await admin('POST', '/admin/certificates', { actor: 'zhouzhishu', member: 'qianmannian', issued_on: '2027-01-01' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'not_allowed' } });
    const early = await admin('POST', '/admin/certificates', { actor: 'zhaozuzhi', member: 'qianmannian', issued_on: '2026-12-31' });
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({ error: { code: 'too_early' } });
    const start = stack.fake!.sent.length;
    const ok = await admin('POST', '/admin/certificates', { actor: 'zhaozuzhi', member: 'qianmannian', issued_on: '2027-01-01', certificate_no: '2027-002' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ certificate: { member: { account: 'qianmannian', name: '钱满年' }, state: 'issued', issued_on: '2027-01-01', certificate_no: '2027-002', party_age_year: 2027, recorded_by: { account: 'zhaozuzhi', name: '赵组织' } } });
    await waitFor(() => stack.fake!.sent.slice(start).some((m) => m.touser === 'zhouzhishu' && textOf(m).includes('钱满年')), 60_000, 'the secretary told');
    await waitFor(() => stack.fake!.sent.slice(start).some((m) => m.touser === 'qianmannian'), 60_000, 'the member congratulated');
    const again = await admin('POST', '/admin/certificates', { actor: 'zhaozuzhi', member: 'qianmannian', issued_on: '2027-01-01' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'already_issued' } });
    const eligible = await admin('POST', '/admin/certificates/eligibility', { actor: 'zhaozuzhi', member: 'wangtongming1' });
    expect(eligible.status).toBe(200);
    expect(await eligible.json()).toMatchObject({ certificate: { member: { account: 'wangtongming1' }, state: 'confirmed', eligibility_confirmed_by: { account: 'zhaozuzhi', name: '赵组织' } } });
    const ambiguous = await admin('POST', '/admin/certificates/eligibility', { actor: 'zhaozuzhi', member: '王同名' });
    expect(ambiguous.status).toBe(409);
    expect(await ambiguous.json()).toMatchObject({ error: { code: 'ambiguous' } });
    const deceased = await admin('POST', '/admin/certificates', { actor: 'zhaozuzhi', member: 'weiqushi' });
    expect(await deceased.json()).toMatchObject({ error: { code: 'deceased' } });
    const issued = (await (await admin('GET', '/admin/certificates?state=issued')).json()) as { certificates: Array<{ member: { name: string } }> };
    expect(issued.certificates.map((c) => c.member.name)).toEqual(['郑老党员', '钱满年', '冯老']);
    expect((await admin('GET', '/admin/certificates?state=everything')).status).toBe(400);
  });

  it('the export through the admin API: every state, canonical codes', async () => {
    const res = await admin('GET', '/admin/export/certificates?format=csv');
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toContain('member_account,member_name,general_branch,branch,full_member_on,party_age_year,state');
    expect(lines.filter((l) => l.includes(',issued,'))).toHaveLength(3);
    expect(lines.filter((l) => l.includes(',confirmed,'))).toHaveLength(3);
    expect(lines.filter((l) => l.includes(',due,'))).toHaveLength(0);
    const json = await (await admin('GET', '/admin/export/certificates?format=json')).text();
    expect(json.trim().split('\n').map((l) => (JSON.parse(l) as { member_name: string }).member_name)).toContain('冯老');
  });
});
