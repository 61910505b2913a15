// Issue 12, section 4 (结对帮扶), end to end through signed WeCom callbacks and the fake WeCom API, on PostgreSQL:
// the OD pairs 李明 (a plain member, 副处级) with 王芳 (in hardship); 李明 is told her causes and no amount, 王芳
// who helps her; a GB secretary of another college cannot; 李明 — who holds no leading role — logs his visit
// ("今天去看望了王芳，了解治疗情况"), which a plain member who helps nobody cannot; 我的结对对象 shows the contact;
// an organisation helps through its secretary; the OD exempts a cadre (only with a reason); the month's list on
// the first working day; 90 days later the sweep nudges the helpers, once; and the admin API does the same as
// the chat, through the same rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitForAllDelivered, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { HardshipRegistryRepository } from '../../src/db/hardship-registry-repository.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';

const TOKEN = 'pairing-admin-token-0123456789abcdef';
const ROWS = [
  '李明,liming,男,1975-01-01,2000-01-01,2001-01-01,数学学院党总支,教工党支部,,副处级,',
  '王芳,wangfang,女,1960-01-01,1985-01-01,1986-01-01,计算机学院党总支,教工第一党支部,,,',
];

describe('issue 12 section 4: pairing in chat', () => {
  let stack: Stack;
  // 10:00 on Wednesday 25 November 2026 in Shanghai.
  const time = runningClock('2026-11-25T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    const db = stack.deps.db.db;
    await importCareRoster(db, [...CARE_ROWS, ...ROWS]);
    // 王芳 is in hardship (her application and its approval are the registry's flow, tested apart).
    const id = async (u: string) => (await db.selectFrom('members').select('id').where('userid', '=', u).executeTakeFirstOrThrow()).id;
    await new HardshipRegistryRepository(db).insert({
      memberId: await id('wangfang'),
      causes: ['illness'],
      source: 'self',
      status: 'approved',
      appliedByMemberId: await id('sunzongzhi'),
      note: '',
      at: time.clock(),
    });
  });
  afterAll(() => stack.close());

  const { say } = wecomChat(() => stack, time.clock, 9_300_000_000n);
  const to = (sent: SentMessage[], who: string) => sent.filter((m) => m.touser === who).map(textOf);
  const sweep = async (date: string) => {
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), date);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start);
  };

  it('a GB secretary of another college cannot pair 王芳 (and learns nothing about her)', async () => {
    const [answer] = await say('chuzhishu', '结对：李明 帮扶 王芳');
    expect(textOf(answer!)).toBe('未作修改。您所在党总支没有名为“王芳”的党员，请核对姓名（结对帮扶由帮扶对象所在党总支安排）。');
  });

  it('the OD pairs 李明 with 王芳: the helper is told her causes and no amount, she is told who helps her', async () => {
    const sent = await say('zhaozuzhi', '结对：李明 帮扶 王芳', 3);
    expect(to(sent, 'zhaozuzhi')[0]).toContain('已安排李明同志与王芳同志（计算机学院党总支教工第一党支部）结对帮扶，目前为一帮一。');
    const helper = to(sent, 'liming')[0]!;
    expect(helper).toContain('经党委组织部安排，您与生活困难党员王芳同志（计算机学院党总支教工第一党支部）结成帮扶对子（一帮一）');
    expect(helper).toContain('困难类型：患病');
    expect(helper).not.toMatch(/元|金额|补助/);
    expect(to(sent, 'wangfang')[0]).toContain('李明同志与您结对帮扶');
    // Again: answered, nobody told twice.
    const again = await say('zhaozuzhi', '结对：李明 帮扶 王芳');
    expect(again.map((m) => m.touser)).toEqual(['zhaozuzhi']);
    expect(textOf(again[0]!)).toBe('李明同志已在帮扶王芳同志，无需重复安排。');
  });

  it('"结对子活动很好" is no command', async () => {
    const [answer] = await say('liming', '结对子活动很好');
    expect(textOf(answer!)).not.toContain('结对帮扶');
  });

  it('a plain member who helps nobody still cannot log a visit; 李明 logs his, and it counts as pairing contact', async () => {
    const [refused] = await say('wushengri', '今天去看望了王芳，了解治疗情况');
    expect(textOf(refused!)).toContain('谈心、走访由党组织负责同志登记');
    const [card] = await say('liming', '今天去看望了王芳，了解治疗情况');
    const c = card!.body.template_card;
    expect(c.main_title.title).toBe('已登记走访：王芳');
    expect(JSON.stringify(c)).toContain('已计入结对帮扶联系');
    expect(JSON.stringify(c)).toContain('了解治疗情况');
    const rec = await stack.deps.db.db.selectFrom('care_records').select(['kind', 'happened_on', 'undone_at']).executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ kind: 'visit', happened_on: '2026-11-25', undone_at: null });
    // Someone he does not help is answered as before, whoever they are.
    const [other] = await say('liming', '今天和吴生日谈心了');
    expect(textOf(other!)).toContain('您可以登记与结对帮扶对象的谈心、走访');
  });

  it('我的结对对象 lists 王芳 with her causes and the last contact', async () => {
    const [answer] = await say('liming', '我的结对对象');
    const t = textOf(answer!);
    expect(t).toContain('我的结对对象（1人）');
    expect(t).toContain('王芳（计算机学院党总支教工第一党支部），患病；11月25日起结对；最近联系：11月25日');
  });

  it('an organisation helps through its secretary; the OD exempts a cadre only with a reason', async () => {
    const sent = await say('sunzongzhi', '结对：数学学院教工支部 帮扶 王芳', 3);
    expect(to(sent, 'sunzongzhi')[0]).toContain('已安排数学学院党总支教工党支部与王芳同志');
    expect(to(sent, 'sunzongzhi')[0]).toContain('目前为多帮一');
    expect(to(sent, 'chuzhishu')[0]).toContain('经计算机学院党总支安排，数学学院党总支教工党支部与生活困难党员王芳同志');
    const [ask] = await say('zhaozuzhi', '免除结对：钱委员');
    expect(textOf(ask!)).toBe('免除结对须写明原因，例如“免除结对：钱委员，原因：长期外派”。');
    const [done] = await say('zhaozuzhi', '免除结对：钱委员，原因：长期外派');
    expect(textOf(done!)).toContain('已免除钱委员同志的结对帮扶要求，原因：长期外派');
    const [notOd] = await say('sunzongzhi', '免除结对：李书记，原因：工作繁忙');
    expect(textOf(notOd!)).toBe('免除领导干部结对帮扶由党委组织部办理。');
  });

  it('on the first working day of December the OD gets the month\'s list', async () => {
    time.set('2026-12-01T02:00:00Z'); // 10:00 on Tuesday 1 December
    const sent = await sweep('2026-12-01');
    const list = to(sent, 'zhaozuzhi').filter((t) => t.includes('12月结对帮扶情况'));
    expect(list).toHaveLength(1);
    expect(list[0]).toContain('未结对帮扶的副科级及以上党员领导干部（3人）');
    for (const name of ['李书记', '赵组织', '孙总支']) expect(list[0]).toContain(`- ${name}`);
    expect(list[0]).not.toContain('- 李明');
    expect(list[0]).toContain('尚无帮扶人的生活困难党员（0人）');
    expect(list[0]).toContain('- 钱委员（机关党总支，副厅级）：长期外派');
    expect(sent.filter((m) => textOf(m).includes('结对帮扶情况')).map((m) => m.touser)).toEqual(['zhaozuzhi']);
    // The sweep again: nothing twice.
    expect((await sweep('2026-12-01')).filter((m) => textOf(m).includes('结对帮扶情况'))).toEqual([]);
  });

  it('90 days without contact: the helpers are nudged once, on a working day', async () => {
    // Both paired on 25 November with no talk or visit since that day's: due on 23 February 2027 (a Tuesday).
    time.set('2027-02-22T02:00:00Z');
    expect((await sweep('2027-02-22')).filter((m) => textOf(m).includes('结对帮扶联系提醒'))).toEqual([]);
    time.set('2027-02-23T02:00:00Z');
    const sent = await sweep('2027-02-23');
    const nudges = sent.filter((m) => textOf(m).includes('结对帮扶联系提醒'));
    expect(nudges.map((m) => m.touser).sort()).toEqual(['chuzhishu', 'liming']);
    expect(textOf(nudges.find((m) => m.touser === 'liming')!)).toContain('王芳同志（计算机学院党总支教工第一党支部）已90天没有联系（上次联系为2026年11月25日）');
    expect(textOf(nudges.find((m) => m.touser === 'chuzhishu')!)).toContain('数学学院党总支教工党支部结对帮扶的王芳同志');
    time.set('2027-02-24T02:00:00Z');
    expect((await sweep('2027-02-24')).filter((m) => textOf(m).includes('结对帮扶联系提醒'))).toEqual([]);
  });

  it('the helping branch\'s secretary, whose reach is another college, records a talk with her: contact for the branch', async () => {
    // The sweeps above sent without the chat helper: its answers now also hold what they sent, so pick by recipient.
    const mine = async (text: string) => (await say('chuzhishu', text)).filter((m) => m.touser === 'chuzhishu').at(-1)!;
    const card = (await mine('今天和王芳谈心了，了解康复情况')).body.template_card;
    expect(card.main_title.title).toBe('已登记谈心：王芳');
    expect(JSON.stringify(card)).toContain('已计入结对帮扶联系');
    expect(textOf(await mine('我的结对对象'))).toContain('代表数学学院党总支教工党支部；2026年11月25日起结对；最近联系：2月24日');
    // Another member of that college is still out of his reach.
    expect(textOf(await mine('今天和吴生日谈心了'))).toContain('不在您的工作范围内');
  });

  it('the admin API does the same through the same rule: list, pair, end, exempt and revoke, naming the actor', async () => {
    time.set('2027-02-24T03:00:00Z');
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${stack.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const list = await api('GET', '/admin/assistance/pairings');
    expect(list.status).toBe(200);
    const pairings = list.body.pairings as Array<Record<string, unknown>>;
    expect(pairings.map((p) => [(p.helper as { name: string }).name, p.mode, p.startedOn, p.lastContactOn, p.causes])).toEqual([
      ['李明', 'many_to_one', '2026-11-25', '2026-11-25', ['illness']],
      ['数学学院党总支教工党支部', 'many_to_one', '2026-11-25', '2027-02-24', ['illness']],
    ]);
    // Refusals: a GB secretary of another college (as for a member who does not exist), an unknown actor, no entry.
    expect(await api('POST', '/admin/assistance/pairings', { helper: 'zhouzhishu', member: 'wangfang', actor: 'chuzhishu' })).toMatchObject({ status: 403, body: { error: { code: 'not_allowed' } } });
    expect(await api('POST', '/admin/assistance/pairings', { helper: 'zhouzhishu', member: 'nobody-at-all', actor: 'chuzhishu' })).toMatchObject({ status: 403, body: { error: { code: 'not_allowed' } } });
    expect(await api('POST', '/admin/assistance/pairings', { helper: 'zhouzhishu', member: 'wangfang', actor: 'ghost' })).toMatchObject({ status: 400, body: { error: { code: 'unknown_actor' } } });
    expect(await api('POST', '/admin/assistance/pairings', { helper: 'zhouzhishu', member: 'wushengri', actor: 'zhaozuzhi' })).toMatchObject({ status: 409, body: { error: { code: 'no_approved_entry' } } });
    // Her GB secretary adds 周支书: 201, and 周支书 is told.
    const start = stack.fake!.sent.length;
    const added = await api('POST', '/admin/assistance/pairings', { helper: 'zhouzhishu', member: 'wangfang', actor: 'sunzongzhi' });
    expect(added).toMatchObject({ status: 201, body: { mode: 'many_to_one', memberTold: true } });
    await waitForAllDelivered(stack);
    expect(to(stack.fake!.sent.slice(start), 'zhouzhishu')[0]).toContain('经计算机学院党总支安排，您与生活困难党员王芳同志');
    const pairingId = (added.body.started as Array<{ pairingId: string }>)[0]!.pairingId;
    expect(await api('POST', `/admin/assistance/pairings/${pairingId}/end`, { actor: 'chuzhishu' })).toMatchObject({ status: 403, body: { error: { code: 'not_allowed' } } });
    expect(await api('POST', `/admin/assistance/pairings/${pairingId}/end`, { actor: 'sunzongzhi' })).toMatchObject({ status: 200, body: { pairing: { endedOn: '2027-02-24', endedReason: 'ended' } } });
    expect(await api('POST', `/admin/assistance/pairings/${pairingId}/end`, { actor: 'sunzongzhi' })).toMatchObject({ status: 409, body: { error: { code: 'already_ended' } } });
    // Exemptions: the OD only, with a reason.
    expect(await api('POST', '/admin/assistance/cadre-exemptions', { member: 'lishuji', reason: '', actor: 'zhaozuzhi' })).toMatchObject({ status: 400, body: { error: { code: 'reason_required' } } });
    expect(await api('POST', '/admin/assistance/cadre-exemptions', { member: 'lishuji', reason: '工作需要', actor: 'sunzongzhi' })).toMatchObject({ status: 403 });
    expect(await api('POST', '/admin/assistance/cadre-exemptions', { member: 'wushengri', reason: '无', actor: 'zhaozuzhi' })).toMatchObject({ status: 409, body: { error: { code: 'not_leading_cadre' } } });
    expect(await api('POST', '/admin/assistance/cadre-exemptions', { member: 'lishuji', reason: '工作需要', actor: 'zhaozuzhi' })).toMatchObject({ status: 201, body: { name: '李书记', reason: '工作需要' } });
    expect(await api('DELETE', '/admin/assistance/cadre-exemptions/lishuji?actor=zhaozuzhi')).toMatchObject({ status: 200, body: { revoked: true } });
    expect(await api('DELETE', '/admin/assistance/cadre-exemptions/lishuji?actor=zhaozuzhi')).toMatchObject({ status: 404, body: { error: { code: 'not_exempt' } } });
  });
});
