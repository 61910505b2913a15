// Issue 13 section 2, end to end through signed WeCom callbacks and the fake WeCom API: in the last two weeks of
// the fourth quarter a member submits "季度自评：…" (multi-line), replaces it and reads it back; an empty text and
// "季度自评怎么写" record nothing; the branch secretary submits for 冯无号 (no account, not his namesake with one)
// and is told 吴生日 submits himself; a secretary of another college cannot reach this
// branch; "本季度未自评名单" gives the branch secretary the names and the GB secretary the counts; the reminder
// of the 25th goes only to those who have not submitted, and the branch secretary gets the count; 23:59 on
// 31 December (Shanghai) is in, 00:00 on 1 January is refused with the day it closed; the admin routes list and
// record; the evaluations export (CSV and JSON) holds the texts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { runningClock, startStack, waitForAllDelivered, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';

const ADMIN_TOKEN = 'selfeval-e2e-admin-token-0123456789abcdef';

describe('issue 13 section 2: quarterly self-evaluation in chat', () => {
  let stack: Stack;
  // 10:00 on Sunday 20 December 2026 in Shanghai: the fourth quarter's window (18–31 December) is open.
  const time = runningClock('2026-12-20T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN }, overrides: { clock: time.clock } });
    // A second 冯无号 in the same branch, with an account: "代冯无号" means the one without (the roster refuses two
    // namesakes without an account in one branch, so no other reading is left).
    await importCareRoster(stack.deps.db.db, [...CARE_ROWS, '冯无号,fengwuhao2,男,1988-08-08,2012-07-01,2013-07-01,计算机学院党总支,教工第一党支部,,,']);
  });
  afterAll(() => stack.close());

  const { say } = wecomChat(() => stack, time.clock, 9_400_000_000n);
  const reply = async (who: string, content: string) => {
    const sent = await say(who, content);
    const mine = sent.filter((m) => m.touser.split('|').includes(who) && m.msgtype === 'text');
    expect(mine.length, content).toBe(1);
    return textOf(mine[0]!);
  };
  const rows = () =>
    stack.deps.db.db
      .selectFrom('self_evaluations as s')
      .innerJoin('members as m', 'm.id', 's.member_id')
      .innerJoin('members as r', 'r.id', 's.recorded_by_member_id')
      .select(['m.name', 's.year', 's.quarter', 's.text', 'r.name as by'])
      .orderBy('s.id')
      .execute();
  const admin = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  it('a member submits a multi-line self-evaluation, replaces it and reads it back', async () => {
    expect(await reply('wushengri', '季度自评：本季度完成了三门课的教学任务\n参加主题党日3次')).toContain('已提交您的2026年第4季度自评');
    const again = await reply('wushengri', '季度自评：本季度完成了教学任务，帮扶一名困难学生');
    expect(again).toContain('已更新');
    expect(again).toContain('原内容已替换');
    expect(await reply('wushengri', '我的季度自评')).toContain('本季度完成了教学任务，帮扶一名困难学生');
    expect(await rows()).toEqual([{ name: '吴生日', year: 2026, quarter: 4, text: '本季度完成了教学任务，帮扶一名困难学生', by: '吴生日' }]);
  });

  it('an empty text is refused, and "季度自评怎么写" records nothing', async () => {
    expect(await reply('zhenglao', '季度自评：')).toContain('自评内容为空');
    await say('zhenglao', '季度自评怎么写');
    expect(await reply('zhenglao', '我的季度自评')).toContain('您尚未提交2026年第4季度自评');
    expect((await rows()).length).toBe(1);
  });

  it('the branch secretary submits for the member without an account (not his namesake with one); a member with an account submits himself', async () => {
    expect(await reply('zhouzhishu', '代冯无号提交季度自评：本季度按时参加组织生活')).toContain('已代为提交冯无号同志2026年第4季度自评');
    expect(await reply('zhouzhishu', '代吴生日提交季度自评：替他写')).toContain('请其本人发送“季度自评：……”提交');
    expect(await reply('zhouzhishu', '代fengwuhao2提交季度自评：替他写')).toContain('请其本人发送“季度自评：……”提交');
    const recorded = await stack.deps.db.db
      .selectFrom('self_evaluations as s')
      .innerJoin('members as m', 'm.id', 's.member_id')
      .select(['m.userid'])
      .where('m.name', '=', '冯无号')
      .execute();
    expect(recorded).toEqual([{ userid: null }]);
    expect((await rows()).map((r) => `${r.name}/${r.by}`)).toEqual(['吴生日/吴生日', '冯无号/周支书']);
  });

  it('nobody else submits for 冯无号: a member, a secretary of another college (the same answer as an unknown name)', async () => {
    expect(await reply('wushengri', '代冯无号提交季度自评：代写')).toContain('由支部书记为本支部没有企业微信/钉钉账号的党员办理');
    const other = await reply('chuzhishu', '代冯无号提交季度自评：代写');
    expect(other).toBe('未作登记：您负责的支部中没有“冯无号”，请核对姓名。');
    expect(await reply('chuzhishu', '代无此人提交季度自评：代写')).toBe('未作登记：您负责的支部中没有“无此人”，请核对姓名。');
    expect((await rows()).length).toBe(2);
  });

  it('"本季度未自评名单": names for the branch secretary, counts for the GB secretary, nothing of this branch for others', async () => {
    const list = await reply('zhouzhishu', '本季度未自评名单');
    expect(list).toContain('教工第一党支部2026年第4季度自评：在册7人，已提交2人，尚有5人未提交');
    expect(list).toMatch(/郑老党员/);
    expect(list).not.toMatch(/吴生日/);
    // 冯无号 without an account was submitted for; his namesake with an account has not submitted.
    expect(list).toContain('冯无号');
    expect(list).not.toContain('无账号');
    const gb = await reply('sunzongzhi', '本季度未自评名单');
    expect(gb).toContain('计算机学院党总支2026年第4季度自评：在册7人，已提交2人');
    expect(gb).toContain('教工第一党支部：在册7人，已提交2人，未提交5人');
    expect(gb).not.toContain('郑老党员');
    const other = await reply('chuzhishu', '本季度未自评名单');
    expect(other).not.toContain('教工第一党支部');
    expect(other).not.toContain('郑老党员');
    expect(await reply('wushengri', '本季度未自评名单')).toContain('由支部书记、党总支负责同志查看');
  });

  it('the reminder of 25 December goes only to those who have not submitted; the branch secretary gets the count', async () => {
    time.set('2026-12-25T02:00:00Z');
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), '2026-12-25');
    await waitForAllDelivered(stack);
    const sent = stack.fake!.sent.slice(start);
    const to = (who: string) => sent.filter((m) => m.touser.split('|').includes(who)).map(textOf).filter((t) => t.includes('季度党员自评'));
    expect(to('wushengri')).toEqual([]);
    expect(to('zhenglao').length).toBe(1);
    expect(to('zhenglao')[0]).toContain('您尚未提交本季度自评');
    expect(to('zhouzhishu').some((t) => t.includes('教工第一党支部在册7人，已提交2人，尚有5人未提交，发送“本季度未自评名单”查看'))).toBe(true);
  });

  it('23:59 on 31 December in Shanghai is in; 00:00 on 1 January is refused with the day it closed', async () => {
    time.set('2026-12-31T15:59:00Z'); // 23:59 in Shanghai
    expect(await reply('zhenglao', '季度自评：年底前按时提交')).toContain('已提交您的2026年第4季度自评');
    time.set('2026-12-31T16:00:00Z'); // 00:00 on 1 January in Shanghai
    const late = await reply('wushengri', '季度自评：再改一次');
    expect(late).toContain('2026年第4季度自评已于12月31日截止');
    expect(late).toContain('2027年第1季度自评于3月18日至3月31日提交');
    expect(await reply('zhouzhishu', '代冯无号提交季度自评：补交')).toContain('已于12月31日截止');
    expect((await rows()).find((r) => r.name === '吴生日')?.text).toBe('本季度完成了教学任务，帮扶一名困难学生');
    // In January "我的季度自评" still shows the quarter just closed
    // (zhenglao: wushengri's own read-back would be the same bytes as on the 20th, which WeCom's duplicate check drops.)
    expect(await reply('zhenglao', '我的季度自评')).toBe('您的2026年第4季度自评：\n年底前按时提交');
  });

  it('the admin routes: the list per branch, and recording for a member without an account (checked by the access rule)', async () => {
    time.set('2026-12-28T02:00:00Z');
    expect((await admin('GET', '/admin/evaluations/self?year=2026&quarter=5')).status).toBe(400);
    const byDefault = (await (await admin('GET', '/admin/evaluations/self')).json()) as { year: number; quarter: number };
    expect([byDefault.year, byDefault.quarter]).toEqual([2026, 4]);
    const list = await admin('GET', '/admin/evaluations/self?year=2026&quarter=4');
    expect(list.status).toBe(200);
    const body = (await list.json()) as { open: boolean; branches: Array<{ branch: string; active: number; submitted: number; missing: Array<{ member_id: string; name: string; account: string }> }> };
    expect(body.open).toBe(true);
    const first = body.branches.find((b) => b.branch === '教工第一党支部')!;
    expect([first.active, first.submitted]).toEqual([7, 3]);
    expect(first.missing.some((m) => m.account === '')).toBe(false); // 冯无号 without an account was submitted for
    const other = { member_id: String((await stack.deps.db.db.selectFrom('members').select('id').where('name', '=', '冯无号').where('userid', 'is', null).executeTakeFirstOrThrow()).id) };
    // 褚支书 leads another college's branch: refused like an unknown member.
    const refused = await admin('POST', '/admin/evaluations/self', { actor: 'chuzhishu', member: other.member_id, text: '代写' });
    expect(refused.status).toBe(404);
    const unknown = await admin('POST', '/admin/evaluations/self', { actor: 'chuzhishu', member: '999999', text: '代写' });
    expect(unknown.status).toBe(404);
    const zheng = first.missing.find((m) => m.name === '王今年')!; // has an account: 409
    expect((await admin('POST', '/admin/evaluations/self', { actor: 'zhouzhishu', member: zheng.member_id, text: '代写' })).status).toBe(409);
    const ok = await admin('POST', '/admin/evaluations/self', { actor: 'zhouzhishu', member: other.member_id, text: '本季度认真学习' });
    expect(ok.status).toBe(200); // a replacement of the chat's submission
    expect(await ok.json()).toMatchObject({ year: 2026, quarter: 4, replaced: true, member: { name: '冯无号' }, recorded_by: { account: 'zhouzhishu' } });
    expect((await rows()).filter((r) => r.name === '冯无号').map((r) => r.text)).toEqual(['本季度认真学习']);
  });

  it('the evaluations export: CSV and JSON with the texts, who recorded, the quarter', async () => {
    const csv = await admin('GET', '/admin/export/evaluations?format=csv');
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toContain('kind,year,period,general_branch,branch,organisation,member_account,member_name,grade,text,recorded_by_account,recorded_by_name,recorded_at');
    expect(text).toContain('quarterly_self,2026,Q4,计算机学院党总支,教工第一党支部,,,冯无号,,本季度认真学习,zhouzhishu,周支书');
    const json = await admin('GET', '/admin/export/evaluations?format=json&from=2026-12-31&to=2026-12-31');
    const lines = (await json.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        kind: 'quarterly_self',
        year: 2026,
        period: 'Q4',
        general_branch: '计算机学院党总支',
        branch: '教工第一党支部',
        organisation: null,
        member_account: 'zhenglao',
        member_name: '郑老党员',
        grade: null,
        text: '年底前按时提交',
        recorded_by_account: 'zhenglao',
        recorded_by_name: '郑老党员',
        recorded_at: '2026-12-31T23:59:00+08:00',
      },
    ]);
  });
});
