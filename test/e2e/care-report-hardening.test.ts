// Issue 8, points 6 and 10 (conversation) end to end, through encrypted callbacks and the fake WeCom API:
// a repeated report adds to the open task instead of opening another; reports per writer are limited; nobody
// reports their own death; forged card keys are refused by the access rule; names cannot become markdown
// links; a plain member cannot tell from a refusal whether a name is on the roster; and confirmations naming
// 80 members stay within WeCom's 2,048-byte limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, waitForQuiet, WECOM, type Stack } from '../helpers/stack.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { eventXml, makeCallback, textMessageXml, toQueryString } from '../helpers/wecom-signer.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { reportTrigger } from '../../src/care/obligations.ts';

const EVIL = '[点此领取慰问金](http://evil.example/x)';
/** WeCom renders <a> tags inside plain text messages. */
const EVIL_TAG = '<a href=http://evil.example/y>点此领取补助</a>';
const SURNAMES = [...'钟谭陆汪范金石廖贾夏'];
const GIVEN = ['晓岚', '立军', '春华', '海燕', '振宇', '建平', '秀英', '志明'];
/** 80 members of one branch, with their secretary. */
const EIGHTY = SURNAMES.flatMap((s) => GIVEN.map((g) => `${s}${g}`));
const EXTRA = [
  `${EVIL},evil01,男,1990-01-01,2015-03-01,2016-03-01,计算机学院党总支,教工第一党支部,,,`,
  `${EVIL_TAG},evil02,男,1990-01-01,2015-03-01,2016-03-01,计算机学院党总支,教工第一党支部,,,`,
  '甘书记,ganshuji,女,1980-01-01,2005-03-01,2006-03-01,计算机学院党总支,大数据党支部,支部书记,,',
  ...EIGHTY.map((n, i) => `${n},bd${String(i).padStart(3, '0')},男,1995-01-01,2018-03-01,2019-03-01,计算机学院党总支,大数据党支部,,,`),
];

describe('care conversation hardening (issue 8)', () => {
  let stack: Stack;
  const time = runningClock('2026-11-26T02:00:00Z'); // 10:00 Thursday in Shanghai
  let msgId = 8_000_000_000n;
  let seen = 0;

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db, [...CARE_ROWS, ...EXTRA]);
  });
  afterAll(() => stack.close());

  const db = () => stack.deps.db.db;
  const ts = () => String(Math.floor(time.clock().getTime() / 1000));
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  const textOf = (m: SentMessage) => (m.msgtype === 'text' ? m.body.text.content : m.msgtype === 'markdown' ? m.body.markdown.content : JSON.stringify(m.body.template_card));
  const memberId = async (u: string) => (await db().selectFrom('members').select('id').where('userid', '=', u).executeTakeFirstOrThrow()).id;

  async function post(xml: string) {
    const cb = makeCallback({ ...WECOM, plaintextXml: xml, timestamp: ts() });
    const res = await fetch(`${stack.baseUrl}/wecom/callback?${toQueryString(cb.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });
    expect(res.status).toBe(200);
  }
  /** Waits for at least `expect` messages caused by the event, then until the stack is done with it (any more). */
  async function collect(expect: number, what: string): Promise<SentMessage[]> {
    const start = seen;
    await waitFor(() => stack.fake!.sent.length >= start + expect, 30_000, what);
    await waitForQuiet(stack);
    seen = stack.fake!.sent.length;
    return stack.fake!.sent.slice(start);
  }
  async function say(from: string, content: string, expect = 1): Promise<SentMessage[]> {
    await post(textMessageXml({ from, content, msgId: String(++msgId), createTime: Number(ts()), corpId: WECOM.corpId, agentId: WECOM.agentId }));
    return collect(expect, `answer to ${content.slice(0, 20)}`);
  }
  /** Sends a text and waits until what came back satisfies `done` (for answers split into several messages). */
  async function sayUntil(from: string, content: string, done: (sent: SentMessage[]) => boolean): Promise<SentMessage[]> {
    const start = seen;
    await post(textMessageXml({ from, content, msgId: String(++msgId), createTime: Number(ts()), corpId: WECOM.corpId, agentId: WECOM.agentId }));
    await waitFor(() => done(stack.fake!.sent.slice(start)), 60_000, `answer to ${content.slice(0, 20)}`);
    await waitForQuiet(stack);
    seen = stack.fake!.sent.length;
    return stack.fake!.sent.slice(start);
  }
  async function clickKey(from: string, key: string, taskId: string): Promise<SentMessage[]> {
    await post(eventXml({ from, event: 'template_card_event', eventKey: key, createTime: Number(ts()), corpId: WECOM.corpId, TaskId: taskId, CardType: 'button_interaction', ResponseCode: 'none' }));
    return collect(1, `answer to click ${key}`);
  }

  it('the same trigger reported five times: one obligation, one task card, and "already in hand" four times', async () => {
    const wu = await memberId('wushengri');
    const first = await say('wushengri', '报告：本人住院了', 2);
    expect(textOf(first.find((m) => m.touser === 'wushengri')!)).toContain('已收到报告（患病住院）');
    const later: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const out = await say('wushengri', i % 2 ? '报告：本人住院了' : '报告：我住院了，做手术');
      expect(out).toHaveLength(1);
      later.push(textOf(out[0]!));
    }
    expect(later.every((t) => t.includes('已记录，相关任务已在办理中'))).toBe(true);
    const cards = stack.fake!.sent.filter((m) => m.touser === 'zhouzhishu' && m.msgtype === 'template_card' && m.body.template_card.main_title.title === '新的走访任务：吴生日');
    expect(cards).toHaveLength(1);
    const open = await db().selectFrom('care_obligations').select('id').where('member_id', '=', wu).where('reason', '=', 'hospitalised').where('status', '=', 'open').execute();
    expect(open).toHaveLength(1);
    const events = await db().selectFrom('care_events').select(['note', 'inbound_event_id']).where('member_id', '=', wu).where('reason', '=', 'hospitalised').execute();
    expect(events).toHaveLength(5);
    expect(events.every((e) => e.inbound_event_id !== null)).toBe(true);
  });

  it('over ten reports in ten minutes: not recorded, the writer is told how long to wait; later it is taken', async () => {
    const chen = await memberId('chenbiezhi');
    const now = time.clock().getTime();
    await db().transaction().execute(async (trx) => {
      for (let k = 0; k < 10; k += 1) {
        await reportTrigger(trx, { memberId: chen, reason: 'setback', occurredOn: '2026-11-26', note: '', reportedBy: chen, today: '2026-11-26', reportedAt: new Date(now - k * 30_000), inboundEventId: String(9_000 + k) });
      }
    });
    const eventsBefore = await db().selectFrom('care_events').select('id').where('reported_by_member_id', '=', chen).execute();
    const [refused] = await say('chenbiezhi', '报告：本人住院了');
    // The oldest of the ten was 4½ minutes ago: the window frees in 5½ minutes, said as 6.
    expect(textOf(refused!)).toBe('您在10分钟内已报告10次，本次报告未登记。请6分钟后再发送；如情况紧急，请直接联系所在党支部书记。');
    expect(await db().selectFrom('care_events').select('id').where('reported_by_member_id', '=', chen).execute()).toHaveLength(eventsBefore.length);
    expect(await db().selectFrom('care_obligations').select('id').where('member_id', '=', chen).where('reason', '=', 'hospitalised').execute()).toHaveLength(0);

    time.set(new Date(now + 6 * 60_000).toISOString());
    const taken = await say('chenbiezhi', '报告：本人住院了', 2);
    expect(textOf(taken.find((m) => m.touser === 'chenbiezhi')!)).toContain('已收到报告（患病住院）');
    expect(await db().selectFrom('care_obligations').select('id').where('member_id', '=', chen).where('reason', '=', 'hospitalised').execute()).toHaveLength(1);
  });

  it('a member reporting their own death is answered gently and nothing is opened; a family death is', async () => {
    const zheng = await memberId('zhenglao');
    for (const text of ['报告：本人去世了', '我去世了']) {
      const [a] = await say('zhenglao', text);
      expect(textOf(a!)).toContain('无法由本人报告');
      expect(textOf(a!)).toContain('报告：我的父亲去世了');
    }
    expect(await db().selectFrom('care_obligations').select('id').where('member_id', '=', zheng).where('reason', '=', 'death').execute()).toHaveLength(0);
    expect(await db().selectFrom('care_events').select('id').where('member_id', '=', zheng).where('reason', '=', 'death').execute()).toHaveLength(0);
    const out = await say('zhenglao', '报告：我的父亲去世了', 2);
    expect(textOf(out.find((m) => m.touser === 'zhenglao')!)).toContain('已收到报告（家庭成员去世）');
  });

  it('a plain member gets the same answer about a person outside their reach whether or not the name is on the roster', async () => {
    const pairs: Array<[string, string]> = [
      ['报告：陈别支住院了', '报告：查无此人住院了'],
      ['今天和陈别支谈心了', '今天和查无此人谈心了'],
      ['陈别支的母亲去世了', '查无此人的母亲去世了'],
      ['报告：明天陈别支住院', '报告：明天查无此人住院'],
    ];
    for (const [known, unknown] of pairs) {
      const [a] = await say('wangjinnian', known);
      const [b] = await say('wangjinnian', unknown);
      expect(textOf(a!)).toBe(textOf(b!));
      expect(textOf(a!)).not.toContain('陈别支');
    }
    const chen = await memberId('chenbiezhi');
    expect(await db().selectFrom('care_events').select('id').where('member_id', '=', chen).where('reported_by_member_id', '<>', chen).execute()).toHaveLength(0);
  });

  it('forged card keys from a member outside the scope are refused and change nothing', async () => {
    const chen = await memberId('chenbiezhi');
    const zheng = await memberId('zhenglao');
    const [talk] = await db().transaction().execute(async (trx) => [
      await reportTrigger(trx, { memberId: chen, reason: 'dispute', occurredOn: '2026-11-26', note: '', reportedBy: chen, today: '2026-11-26' }),
    ]);
    const obId = talk.obligations[0]!.id;
    // A record of someone else (周支书's talk with 郑老党员) for a forged 撤销.
    const rec = await db()
      .insertInto('care_records')
      .values({ kind: 'talk', leader_member_id: await memberId('zhouzhishu'), member_id: zheng, happened_on: '2026-11-26', reason: 'routine', note: '', obligation_id: null, recorded_by_member_id: await memberId('zhouzhishu'), undone_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The forger's own recent message, which pick/pickob keys must refer to.
    await say('wushengri', '已谈，情绪稳定');
    const own = await db().selectFrom('inbound_events').select('id').where('user_id', '=', 'wushengri').orderBy('id', 'desc').executeTakeFirstOrThrow();

    const answers = [
      await clickKey('wushengri', `pickob-${own.id}-${obId}`, `askob-${own.id}`),
      await clickKey('wushengri', `obdone-${obId}`, 'ob-forged-1'),
      await clickKey('wushengri', `obdefer-${obId}`, 'ob-forged-2'),
      await clickKey('wushengri', `pick-${own.id}-${chen}`, `ask-${own.id}-0`),
      await clickKey('wushengri', `undo-${rec.id}`, `rec-${rec.id}`),
    ].map((out) => textOf(out.find((m) => m.msgtype === 'text')!));
    expect(answers[0]).toContain('不由您负责');
    expect(answers[1]).toContain('不由您负责');
    expect(answers[2]).toContain('不由您负责');
    expect(answers[3]).toContain('已失效');
    expect(answers[4]).toContain('没有找到您的这条登记');

    const ob = await db().selectFrom('care_obligations').selectAll().where('id', '=', obId).executeTakeFirstOrThrow();
    expect(ob).toMatchObject({ status: 'open', record_id: null, due_on: talk.obligations[0]!.dueOn });
    expect(await db().selectFrom('care_records').select('id').where('member_id', '=', chen).execute()).toHaveLength(0);
    expect((await db().selectFrom('care_records').select('undone_at').where('id', '=', rec.id).executeTakeFirstOrThrow()).undone_at).toBeNull();
  });

  it('a name written as a markdown link shows as text in a secretary\'s 待办', async () => {
    await db().transaction().execute(async (trx) => reportTrigger(trx, { memberId: await memberId('evil01'), reason: 'hardship', occurredOn: '2026-11-26', note: '', reportedBy: await memberId('zhouzhishu'), today: '2026-11-26' }));
    const [todo] = await say('zhouzhishu', '我的待办');
    expect(todo!.msgtype).toBe('markdown');
    const content = textOf(todo!);
    expect(content).toContain('［点此领取慰问金］（http：//evil.example/x）');
    expect(content).not.toContain('](');
    expect(content).not.toContain('http://');
  });

  it('a name written as an <a> tag shows as text in a text reply', async () => {
    const [opened] = await db().transaction().execute(async (trx) => [
      await reportTrigger(trx, { memberId: await memberId('evil02'), reason: 'hospitalised', occurredOn: '2026-11-26', note: '', reportedBy: await memberId('zhouzhishu'), today: '2026-11-26' }),
    ]);
    const out = await clickKey('zhouzhishu', `obdefer-${opened.obligations[0]!.id}`, 'ob-evil-defer');
    const reply = textOf(out.find((m) => m.msgtype === 'text')!);
    expect(reply).toContain('已将走访＜a href=http://evil.example/y＞点此领取补助＜/a＞的事项延期至');
    expect(reply).not.toContain('<a');
  });

  it('a report and a talk naming 80 members: every confirmation within 2,048 bytes, nobody left out', { timeout: 180_000 }, async () => {
    const names = EIGHTY.join('、');
    const everyone = (sent: SentMessage[], line: (n: string) => string) => EIGHTY.every((n) => sent.some((m) => textOf(m).includes(line(n))));
    const to = (sent: SentMessage[], userid: string) => sent.filter((m) => m.touser === userid);
    const sent = await sayUntil(
      'ganshuji',
      `报告：${names}遭受灾害`,
      (all) => everyone(to(all, 'ganshuji'), (n) => `${n}：请甘书记`) && everyone(to(all, 'ganshuji'), (n) => `· ${n}：`) && everyone(to(all, 'sunzongzhi'), (n) => `· ${n}：`),
    );
    // The writer is the owner too: the confirmation and the owner's task list, each split within the limit —
    // one list for the 80 new tasks, not 80 cards. The GB secretary, who co-owns the visits (issue 11 point 3),
    // gets the same list; nobody else hears of it.
    const report = to(sent, 'ganshuji');
    expect(sent.every((m) => (m.touser === 'ganshuji' || m.touser === 'sunzongzhi') && m.msgtype === 'text')).toBe(true);
    for (const m of to(sent, 'sunzongzhi')) expect(bytes(textOf(m))).toBeLessThanOrEqual(2048);
    for (const m of report) expect(bytes(textOf(m))).toBeLessThanOrEqual(2048);
    const acks = report.map(textOf).filter((t) => !t.includes('· '));
    // Messages may arrive in any order (sent in parallel); one opens the confirmation, the others continue it.
    expect(acks.filter((t) => t.startsWith('已收到报告（遭受灾害）'))).toHaveLength(1);
    expect(acks.filter((t) => t.startsWith('（续）'))).toHaveLength(acks.length - 1);
    const all = acks.join('\n');
    for (const n of EIGHTY) expect(all).toContain(`${n}：请甘书记`);
    const tasks = report.map(textOf).filter((t) => t.includes('· '));
    expect(tasks.filter((t) => t.startsWith('新的关怀任务 80 项（遭受灾害，报告人：甘书记）'))).toHaveLength(1);
    for (const n of EIGHTY) expect(tasks.join('\n')).toContain(`· ${n}：12月3日前走访`);

    const logged = await sayUntil('ganshuji', `今天和${names}谈心了，情绪稳定`, (sent) => everyone(sent, (n) => n));
    expect(logged.every((m) => m.msgtype === 'text' && bytes(textOf(m)) <= 2048)).toBe(true);
    const text = logged.map(textOf).join('\n');
    expect(text).toContain('已登记谈心 80 人');
    for (const n of EIGHTY) expect(text).toContain(n);
    expect(await db().selectFrom('care_records').select('id').where('leader_member_id', '=', await memberId('ganshuji')).execute()).toHaveLength(80);
  });
});
