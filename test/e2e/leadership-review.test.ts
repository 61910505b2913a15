// Issue 13 section 7, end to end through signed WeCom callbacks, card clicks and the fake WeCom API: December's
// first working day nudges the OD, whose button opens the 2026 review; every member with an account gets two
// cards (branch committee, GB committee); members click (a branch secretary too), a second click is refused, a
// comment is taken once; the reminder goes only to who has not answered both; while open nobody sees ratings;
// after it closes a late click and a late comment are refused, the GB secretary sees their branches' totals (a
// branch with one answer withheld), the OD all totals and comments, others nothing — and no per-person answer
// leaks through any chat command, the admin routes, the export, the stored events or the messages sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitForAllDelivered, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';

const TOKEN = 'leadership-e2e-admin-token-0123456789abcdef';
type Card = { task_id: string; button_list: Array<{ key: string; text: string }>; main_title: { title: string } };

/** Who rated what in this test — the answers that must never be found next to a name. */
const RATERS = ['吴生日', '郑老党员', '王今年', '周支书', '陈别支', '孙总支'];
const RATER_IDS = ['wushengri', 'zhenglao', 'wangjinnian', 'zhouzhishu', 'chenbiezhi', 'sunzongzhi'];
const COMMENTS = ['多深入基层，多听青年教师意见', '组织生活可以更灵活'];

describe('issue 13 section 7: members evaluate their leadership', () => {
  let stack: Stack;
  // 10:00 on Tuesday 1 December 2026 in Shanghai: December's first working day.
  const time = runningClock('2026-12-01T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 9_400_000_000n);
  // What reached `who` since the call began (a sweep's notices sent before it are not part of the answer).
  const since = (start: number, who: string) => stack.fake!.sent.slice(start).filter((m) => m.touser === who && m.msgtype === 'text');
  const reply = async (who: string, content: string) => {
    const start = stack.fake!.sent.length;
    await say(who, content);
    const mine = since(start, who);
    expect(mine.length, content).toBe(1);
    return textOf(mine[0]!);
  };
  const clickReply = async (who: string, card: Card, button: string) => {
    const start = stack.fake!.sent.length;
    await click(who, card, button);
    const mine = since(start, who);
    expect(mine.length, button).toBe(1);
    return textOf(mine[0]!);
  };
  // The sweep of a day, run at 10:00 that day (its notices are due from 09:00).
  const sweep = async (date: string) => {
    time.set(`${date}T02:00:00Z`);
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), date);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start);
  };
  const cardsOf = (sent: SentMessage[], who: string): Card[] => sent.filter((m) => m.touser === who && m.msgtype === 'template_card').map((m) => m.body.template_card as Card);
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  let opened: SentMessage[] = [];
  const branchCard = (who: string) => cardsOf(opened, who).find((c) => c.main_title.title.includes('党支部'))!;
  const gbCard = (who: string) => cardsOf(opened, who).find((c) => c.main_title.title.includes('党总支'))!;

  it('December’s first working day nudges the OD with a button; only the OD may open the review', async () => {
    const sent = await sweep('2026-12-01');
    const nudge = cardsOf(sent, 'zhaozuzhi').find((c) => c.main_title.title.includes('党员评议领导班子'));
    expect(nudge?.main_title.title).toBe('开启2026年度党员评议领导班子');
    expect(await reply('wushengri', '开启领导班子评议')).toBe('领导班子评议由党委组织部开启。');
    expect(await reply('sunzongzhi', '开启领导班子评议')).toBe('领导班子评议由党委组织部开启。');
    // The OD opens it with the nudge's button: every member with an account gets two cards, 冯无号 none.
    opened = await click('zhaozuzhi', nudge!, '开启评议', 21);
    const answer = opened.filter((m) => m.touser === 'zhaozuzhi' && m.msgtype === 'text').map(textOf);
    expect(answer[0]).toContain('已开启2026年度党员评议领导班子：12月1日至12月14日，已向10名党员发送评议卡片');
    expect(answer[0]).toContain('另有1名党员未开通账号');
    expect(cardsOf(opened, 'wushengri').map((c) => c.main_title.title).sort()).toEqual(['评议教工第一党支部委员会', '评议计算机学院党总支委员会']);
    expect(branchCard('wushengri').button_list.map((b) => b.text)).toEqual(['满意', '基本满意', '不满意']);
    expect(new Set(opened.filter((m) => m.msgtype === 'template_card').map((m) => m.touser)).size).toBe(10);
    // A second opening in the same year is answered with the one that is open.
    expect(await reply('zhaozuzhi', '开启领导班子评议，10天')).toContain('2026年度领导班子评议已于12月1日开启，12月14日截止，正在进行');
  });

  it('members rate by card; a branch secretary rates too; a second click and free text record nothing', async () => {
    expect(await clickReply('wushengri', branchCard('wushengri'), '满意')).toContain('已收到您对教工第一党支部委员会的评议，谢谢！评议匿名统计，不记录评议人。请继续评议计算机学院党总支委员会。');
    expect(await clickReply('wushengri', gbCard('wushengri'), '基本满意')).toContain('您已完成本年度评议');
    expect(await clickReply('wushengri', branchCard('wushengri'), '不满意')).toContain('您已评议过教工第一党支部委员会');
    await clickReply('zhenglao', branchCard('zhenglao'), '不满意');
    await clickReply('wangjinnian', branchCard('wangjinnian'), '满意');
    await clickReply('zhouzhishu', branchCard('zhouzhishu'), '满意');
    await clickReply('sunzongzhi', gbCard('sunzongzhi'), '满意');
    await clickReply('chenbiezhi', branchCard('chenbiezhi'), '满意');
    // Free text is not a rating.
    await say('zhenglao', '我对支部班子很满意');
    const tallies = await stack.deps.db.db.selectFrom('leadership_review_tallies').select((e) => e.fn.sum<string>('answers').as('n')).executeTakeFirstOrThrow();
    expect(Number(tallies.n)).toBe(7);
  });

  it('comments are taken once per committee, anonymously; "评议领导班子" sends what is left', async () => {
    expect(await reply('wushengri', `总支评议意见：${COMMENTS[0]}`)).toBe('已匿名记录您对计算机学院党总支委员会的评议意见，谢谢！意见只以不记姓名的方式报党委组织部。');
    expect(await reply('wushengri', '总支评议意见：再补充一条')).toContain('您已提交过对计算机学院党总支委员会的评议意见');
    expect(await reply('zhenglao', `评议意见：${COMMENTS[1]}`)).toContain('教工第一党支部委员会的评议意见');
    expect(await reply('zhenglao', '评议意见：')).toContain('意见内容为空');
    const again = await say('zhenglao', '评议领导班子');
    expect(cardsOf(again, 'zhenglao').map((c) => c.main_title.title)).toEqual(['评议计算机学院党总支委员会']);
    expect(await reply('wushengri', '评议领导班子')).toContain('您已完成2026年度领导班子评议');
  });

  it('while open, results are only how many answered — for the GB secretary and the OD alike', async () => {
    const gb = await reply('sunzongzhi', '领导班子评议结果');
    expect(gb).toContain('正在进行（12月14日截止），截止后公布结果');
    expect(gb).toContain('计算机学院党总支：参评5人，已完成1人');
    expect(gb).not.toContain('数学学院');
    expect(gb).not.toMatch(/满意/);
    const od = await reply('zhaozuzhi', '领导班子评议进度');
    expect(od).toContain('数学学院党总支：参评2人，已完成0人');
    expect(od).not.toMatch(/满意|深入基层/);
  });

  it('the reminder (third working day) goes only to who has not rated both, with only what is left', async () => {
    expect((await sweep('2026-12-03')).filter((m) => m.msgtype === 'template_card' && String(m.body.template_card.main_title.title).startsWith('评议'))).toEqual([]);
    const sent = (await sweep('2026-12-04')).filter((m) => m.msgtype === 'template_card' && String(m.body.template_card.main_title.title).startsWith('评议'));
    const to = new Set(sent.map((m) => m.touser));
    expect(to.has('wushengri')).toBe(false);
    expect(to.has('zhenglao')).toBe(true);
    expect(cardsOf(sent, 'zhenglao').map((c) => c.main_title.title)).toEqual(['评议计算机学院党总支委员会']);
    expect(cardsOf(sent, 'lishuji')).toHaveLength(2);
    // The same day again: nothing twice.
    expect((await sweep('2026-12-04')).filter((m) => m.msgtype === 'template_card')).toEqual([]);
  });

  it('after it closes, a late click and a late comment are refused with the reason; no reminder', async () => {
    time.set('2026-12-15T02:00:00Z');
    expect(await clickReply('wangjinnian', gbCard('wangjinnian'), '满意')).toBe('2026年度领导班子评议已于12月14日截止，本次评议未被记录。');
    expect(await reply('wangjinnian', '总支评议意见：晚了')).toBe('2026年度领导班子评议已于12月14日截止，您的意见未被记录。如有意见建议，可向党组织当面反映。');
    expect((await sweep('2026-12-15')).filter((m) => m.msgtype === 'template_card')).toEqual([]);
  });

  it('results: the GB secretary their branches (one answer withheld), the OD everything, others nothing', async () => {
    const sun = await reply('sunzongzhi', '领导班子评议结果');
    expect(sun).toContain('教工第一党支部委员会：参评5人，评议4人；满意3、基本满意0、不满意1');
    expect(sun).not.toContain('计算机学院党总支委员会：'); // the GB committee is the one evaluated there
    expect(sun).not.toMatch(/深入基层|更灵活/);
    const chu = await reply('chuzhishu', '2026年领导班子评议结果');
    expect(chu).toContain('教工党支部委员会：参评2人，评议1人，不足3人，不单独公布。');
    expect(chu).not.toContain('教工第一党支部');
    const od = await reply('zhaozuzhi', '领导班子评议结果');
    expect(od).toContain('计算机学院党总支委员会：参评5人，评议2人；满意1、基本满意1、不满意0');
    expect(od).toContain('教工党支部委员会：参评2人，评议1人；满意1');
    expect(od).toContain('评议意见（共2条，不记姓名）');
    expect(od).toContain(`计算机学院党总支委员会：${COMMENTS[0]}`);
    for (const who of ['zhouzhishu', 'wushengri', 'qianweiyuan', 'lishuji']) expect(await reply(who, '领导班子评议结果')).toBe('领导班子评议结果由党委组织部和党总支书记查看。评议匿名进行，结果只以人数统计呈现。');
    expect(await reply('zhaozuzhi', '开启2026年领导班子评议')).toContain('已于12月1日至12月14日进行，每年评议一次');
  });

  it('the admin routes: totals and comments without names; a second opening refused', async () => {
    const res = await admin('/admin/incentive/leadership-review?year=2026');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { review: unknown; totals: Array<Record<string, unknown>>; comments: Array<Record<string, unknown>> };
    expect(body.review).toEqual({ year: 2026, opened_on: '2026-12-01', last_day: '2026-12-14', state: 'closed' });
    expect(body.totals.find((t) => t.branch === '教工第一党支部')).toEqual({
      general_branch: '计算机学院党总支',
      branch: '教工第一党支部',
      organisation_rated: 'branch',
      satisfied: 3,
      basically_satisfied: 0,
      dissatisfied: 1,
      answered: 4,
      members: 5,
    });
    expect(body.comments.map((c) => c.text).sort()).toEqual([...COMMENTS].sort());
    const again = await admin('/admin/incentive/leadership-review', { method: 'POST', body: JSON.stringify({ days: 7 }) });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('already_held');
    expect((await admin('/admin/incentive/leadership-review?year=2019')).status).toBe(404);
  });

  it('the admin API opens a review: in January the year just ended is held, the new year opens and cards go out', async () => {
    time.set('2027-01-04T02:00:00Z');
    const post = (body: unknown) => admin('/admin/incentive/leadership-review', { method: 'POST', body: JSON.stringify(body) });
    const held = await post({});
    expect(held.status).toBe(409);
    expect(((await held.json()) as { error: { code: string } }).error.code).toBe('already_held');
    const badYear = await post({ year: 2025 });
    expect(badYear.status).toBe(400);
    expect(((await badYear.json()) as { error: { message: string } }).error.message).toBe('未开启：年份2025年有误。评议年度为今年（2027年）或刚结束的2026年，也可不写年份。');
    expect((await post({ year: 2027, days: 0 })).status).toBe(400);
    expect((await post({ year: 2027, days: 'five' })).status).toBe(400); // '5' is coerced to 5 (the schema's Ajv coerces types)
    const start = stack.fake!.sent.length;
    const opened = await post({ year: 2027, days: 5 });
    expect(opened.status).toBe(201);
    expect(await opened.json()).toMatchObject({ review: { year: 2027, opened_on: '2027-01-04', last_day: '2027-01-08', state: 'open' }, carded: 10, without_account: 1 });
    await waitForAllDelivered(stack);
    expect(stack.fake!.sent.slice(start).filter((m) => m.msgtype === 'template_card')).toHaveLength(20);
    const progress = (await (await admin('/admin/incentive/leadership-review')).json()) as Record<string, unknown>;
    expect(progress).toMatchObject({ review: { year: 2027, state: 'open' }, totals: null, comments: null });
    expect(progress.progress).toContainEqual({ general_branch: '计算机学院党总支', members: 5, answered: 0 });
    time.set('2026-12-15T02:00:00Z');
  });

  it('the export: totals and anonymous comments, CSV and JSON', async () => {
    const csv = await (await admin('/admin/export/leadership?format=csv')).text();
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('year,kind,general_branch,branch,organisation_rated,satisfied,basically_satisfied,dissatisfied,answered,members,comment');
    expect(lines).toContain('2026,total,计算机学院党总支,教工第一党支部,branch,3,0,1,4,5,');
    expect(lines).toContain(`2026,comment,计算机学院党总支,教工第一党支部,branch,,,,,,${COMMENTS[1]}`);
    const json = (await (await admin('/admin/export/leadership?format=json')).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.filter((r) => r.kind === 'total')).toHaveLength(7);
    expect(json.filter((r) => r.kind === 'comment')).toHaveLength(2);
  });

  it('ANONYMITY: no answer of a person is found next to them — chat commands, routes, export, stored events, messages', async () => {
    const ratingNearName = (text: string) => text.split('\n').some((line) => /满意/.test(line) && [...RATERS, ...RATER_IDS].some((n) => line.includes(n)));
    // Every command a secretary (branch, GB, the OD) might try, the near misses included.
    const commands = [
      '领导班子评议结果',
      '2026年领导班子评议情况',
      '领导班子评议进度',
      '评议领导班子',
      '吴生日的领导班子评议',
      '吴生日评议了什么',
      '谁对支部班子不满意',
      '领导班子评议名单',
      '本支部亮岗承诺',
      '我的待办',
      '帮助',
      '总支评议意见：看看',
    ];
    const secretaries = ['zhouzhishu', 'sunzongzhi', 'chuzhishu', 'zhaozuzhi'];
    for (const who of secretaries) {
      for (const c of commands) {
        // An answer identical to an earlier one is dropped by WeCom's duplicate check: wait for quiet, not a count.
        const sent = await say(who, c, 0);
        for (const m of sent) expect(ratingNearName(textOf(m)), `${who}: ${c}`).toBe(false);
      }
    }
    // Everything the bot ever wrote to them (dropped duplicates included), from the outbox.
    const toSecretaries = await stack.deps.db.db.selectFrom('deliveries').select(['recipient', 'message']).where('recipient', 'in', secretaries).execute();
    expect(toSecretaries.length).toBeGreaterThan(secretaries.length * commands.length);
    for (const d of toSecretaries) {
      const m = d.message as { type: string; content?: string };
      if (m.type === 'text') expect(ratingNearName(m.content!), `${d.recipient}: ${m.content}`).toBe(false);
    }
    for (const path of ['/admin/incentive/leadership-review', '/admin/incentive/leadership-review?year=2026', '/admin/export/leadership?format=json', '/admin/export/leadership?format=csv', '/admin/incentive/leadership-review?year=x']) {
      const text = await (await admin(path)).text();
      for (const n of [...RATERS, ...RATER_IDS]) expect(text, path).not.toContain(n);
    }
    // The stored inbound events: who clicked stays, what they chose and wrote is gone.
    const events = await stack.deps.db.db.selectFrom('inbound_events').select(['dedupe_key', 'payload']).execute();
    const stored = JSON.stringify(events);
    expect(stored).not.toMatch(/lrate-/);
    for (const c of COMMENTS) expect(stored).not.toContain(c);
    // What the bot sent each rater says neither their rating nor their comment (results, with counts, aside: two
    // raters are secretaries who read their totals).
    const deliveries = await stack.deps.db.db.selectFrom('deliveries').select(['recipient', 'message']).where('recipient', 'in', RATER_IDS).execute();
    for (const d of deliveries) {
      const m = d.message as { type: string; content?: string; replaceName?: string };
      if (m.type === 'text' && !m.content!.includes('参评')) expect(m.content, d.recipient).not.toMatch(/满意/);
      if (m.type === 'card_update') expect(m.replaceName).toBe('已评议');
      for (const c of COMMENTS) expect(JSON.stringify(m)).not.toContain(c);
    }
  });
});
