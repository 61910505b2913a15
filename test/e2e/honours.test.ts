// Issue 13, sections 4 and 5, end to end through signed WeCom callbacks, the daily sweep, the admin API and the fake
// WeCom API: the December nudge to GB secretaries with their cap; the GB's list refused over the cap with the
// numbers (0, 6, 7 and 42 active members, those who died or left not counted), ambiguity asked back, an unknown name
// refused — nothing recorded — then recorded with certificates in the GB's name, members told (an accountless one
// through their branch secretary), replaced; the OD's picks with a reason asked for the one on no GB list, the GB
// list final afterwards, a pick cancelled; commendations recorded in chat and through the admin API; "我的表彰" and a
// person's list only in scope; the export; and the window closed in February.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { runningClock, startStack, waitFor, waitForDeliveriesSettled, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importHonoursRoster } from '../helpers/honours-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';

const ADMIN_TOKEN = 'honours-e2e-admin-token-0123456789abcdef';

describe('issue 13 sections 4–5: excellent members and commendations in chat', () => {
  let stack: Stack;
  // 10:00 on Wednesday 2 December 2026 in Shanghai, a working day.
  const time = runningClock('2026-12-02T02:00:00Z');
  const { say } = wecomChat(() => stack, time.clock, 9_400_000_000n);
  const db = () => stack.deps.db.db;
  const textsTo = (sent: SentMessage[], to: string) => sent.filter((m) => m.touser === to).map(textOf);
  const reply = async (who: string, content: string, expectAtLeast = 1) => {
    const sent = await say(who, content, expectAtLeast);
    // Answers are text; calendar notices (markdown) that arrived meanwhile are not answers.
    const mine = textsTo(sent.filter((m) => m.msgtype === 'text'), who);
    expect(mine.length, `${content}: ${mine.join(' / ')}`).toBe(1);
    return { answer: mine[0]!, sent };
  };
  const answer = async (who: string, content: string) => (await reply(who, content)).answer;
  const count = async () => Number((await db().selectFrom('commendations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN }, overrides: { clock: time.clock } });
    await importHonoursRoster(db());
  });
  afterAll(() => stack.close());

  it("December's first working day: each GB secretary is nudged with the GB's cap", async () => {
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), '2026-12-01');
    for (const to of ['sunzongzhi', 'chuzhishu', 'hanzongzhi']) await waitFor(() => stack.fake!.sent.slice(start).some((m) => m.touser === to && textOf(m).includes('优秀党员评选')), 60_000, to);
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
    const sent = stack.fake!.sent.slice(start);
    expect(textsTo(sent, 'sunzongzhi').join()).toContain('本总支在册党员42人，今年可评优秀党员不超过6人');
    expect(textsTo(sent, 'chuzhishu').join()).toContain('本总支在册党员7人，今年可评优秀党员不超过1人');
    expect(textsTo(sent, 'hanzongzhi').join()).toContain('本总支在册党员6人，今年可评优秀党员不超过0人');
  });

  it('refuses a list over the cap, saying the numbers (6 and 7 active members)', async () => {
    expect(await answer('hanzongzhi', '评选优秀党员：物1号')).toBe('未作登记。本总支在册党员6人，优秀党员最多0人，名单有1人。请调整名单后重新发送。');
    expect(await answer('chuzhishu', '评选优秀党员：陈别支、数1号')).toBe('未作登记。本总支在册党员7人，优秀党员最多1人，名单有2人。请调整名单后重新发送。');
    const { answer: ok, sent } = await reply('chuzhishu', '评选优秀党员：陈别支', 2);
    expect(ok).toContain('数学学院党总支〔2026〕第1号');
    expect(textsTo(sent, 'chenbiezhi').join()).toContain('陈别支同志：祝贺您被数学学院党总支评为2026年度优秀党员');
  });

  it('42 active members: 7 refused, a namesake asked back, an unknown name refused — nothing recorded', async () => {
    const before = await count();
    expect(await answer('sunzongzhi', '评选优秀党员：吴生日、冯无号、郑老党员、计1号、计2号、计3号、计4号')).toBe('未作登记。本总支在册党员42人，优秀党员最多6人，名单有7人。请调整名单后重新发送。');
    expect(await answer('sunzongzhi', '评选优秀党员：张伟、吴生日')).toContain('有同名同志：张伟（计算机学院党总支教工第一党支部，账号 zhangwei1；计算机学院党总支教工第二党支部，账号 zhangwei2），请改用账号');
    expect(await answer('sunzongzhi', '评选优秀党员：zhangwei1、吴生日、陈别支')).toContain('本总支在册党员中没有：陈别支');
    expect(await answer('wushengri', '评选优秀党员：吴生日')).toContain('由党总支书记评选');
    expect(await count()).toBe(before);
  });

  it('records the list: certificates in the GB name, members told, the accountless one through the branch secretary', async () => {
    const { answer: ok, sent } = await reply('sunzongzhi', '评选优秀党员：zhangwei1、吴生日、冯无号', 4);
    expect(ok).toContain('已登记计算机学院党总支2026年度优秀党员3人（本总支在册党员42人，最多6人）');
    expect(ok).toContain('冯无号：计算机学院党总支〔2026〕第3号');
    expect(textsTo(sent, 'wushengri').join()).toContain('吴生日同志：祝贺您被计算机学院党总支评为2026年度优秀党员！党总支将为您颁发荣誉证书（计算机学院党总支〔2026〕第2号）');
    expect(textsTo(sent, 'zhangwei1').join()).toContain('第1号');
    expect(textsTo(sent, 'zhouzhishu').join()).toContain('冯无号同志没有企业微信/钉钉账号，请转告本人');
    // Replaced: 张伟 dropped, 郑老党员 added with the next number; the others keep theirs.
    const again = await reply('sunzongzhi', '评选优秀党员：吴生日、冯无号、郑老党员', 2);
    expect(again.answer).toContain('原名单已替换（移出1人，新增1人');
    expect(again.answer).toContain('郑老党员：计算机学院党总支〔2026〕第4号');
    expect(textsTo(again.sent, 'wushengri')).toEqual([]);
    expect(await answer('sunzongzhi', '本总支优秀党员名单')).toContain('吴生日：计算机学院党总支〔2026〕第2号');
  });

  it('the OD picks: on-list recorded, out-of-list warned and asked, the reason recorded with the pick', async () => {
    const first = await reply('zhaozuzhi', '校党委优秀共产党员：吴生日、李明', 2);
    expect(first.answer).toContain('已登记校党委2026年度优秀共产党员：吴生日（党委〔2026〕第1号）');
    expect(first.answer).toContain('李明（机关党总支）不在2026年度各党总支优秀党员名单中');
    expect(first.answer).toContain('请在下一条消息中写明推选理由');
    expect(textsTo(first.sent, 'liming')).toEqual([]);
    // A command or a care record in between is not the reason: the question keeps waiting.
    expect(await answer('zhaozuzhi', '我的表彰')).toContain('您目前没有表彰记录');
    await say('zhaozuzhi', '今天和吴生日谈心了，工作顺利');
    // Nor is a bare date and number (meant for a certificate question).
    await say('zhaozuzhi', '2026-12-03，编号2026-001');
    expect(await db().selectFrom('commendations').select('id').where('reason', 'is not', null).execute()).toEqual([]);
    const second = await reply('zhaozuzhi', '在抗洪抢险中冲锋在前，表现突出', 2);
    expect(second.answer).toContain('李明（党委〔2026〕第2号；名单外推选理由：在抗洪抢险中冲锋在前，表现突出）');
    expect(textsTo(second.sent, 'liming').join()).toContain('李明同志：祝贺您被评为党委2026年度优秀共产党员');
    const row = await db().selectFrom('commendations').select(['reason', 'level']).where('certificate_no', '=', '党委〔2026〕第2号').executeTakeFirstOrThrow();
    expect(row).toEqual({ reason: '在抗洪抢险中冲锋在前，表现突出', level: 'committee' });
    // The committee has picked: the GB's list is final.
    expect(await answer('sunzongzhi', '评选优秀党员：吴生日')).toContain('本总支2026年度名单不能再修改');
    // A pick waiting for its reason is dropped with 取消.
    expect(await answer('zhaozuzhi', '校党委优秀党务工作者：周支书')).toContain('周支书（计算机学院党总支）不在2026年度各党总支优秀党员名单中');
    expect(await answer('zhaozuzhi', '取消')).toContain('已取消');
    expect(await db().selectFrom('commendations').select('id').where('kind', '=', 'excellent_worker').execute()).toEqual([]);
    expect(await answer('wushengri', '校党委优秀党务工作者：吴生日')).toContain('由党委组织部登记');
  });

  it('the OD records commendations: a special one for an accountless member, an advanced organisation', async () => {
    const special = await reply('zhaozuzhi', '表彰：冯无号 专项表彰 抢险抗灾 2026年 校党委 证书编号QZ2026-001', 2);
    expect(special.answer).toBe('已登记表彰：冯无号，党委2026年度专项表彰（抢险抗灾），校党委级，证书编号QZ2026-001。已通知获表彰的同志。');
    expect(textsTo(special.sent, 'zhouzhishu').join()).toContain('冯无号同志没有企业微信/钉钉账号，请转告本人——祝贺您获得党委2026年度专项表彰（抢险抗灾）');
    const org = await reply('zhaozuzhi', '表彰：教工第一党支部 先进基层党组织 2026年', 2);
    expect(org.answer).toContain('证书编号党委〔2026〕第3号');
    expect(textsTo(org.sent, 'zhouzhishu').join()).toContain('祝贺教工第一党支部获得党委2026年度先进基层党组织');
    expect(await answer('zhaozuzhi', '表彰：冯无号 专项表彰 抢险抗灾 2026年 校党委')).toContain('已有相同的表彰记录');
    expect(await answer('zhaozuzhi', '表彰：冯无号 专项表彰 2026年')).toContain('专项表彰须写明事由');
  });

  it('我的表彰, and a person’s commendations only for those in scope', async () => {
    const mine = await answer('wushengri', '我的表彰');
    expect(mine).toContain('您获得的表彰（2项）');
    expect(mine).toContain('2026年度 计算机学院党总支 优秀共产党员，证书编号计算机学院党总支〔2026〕第2号');
    expect(mine).toContain('2026年度 党委 优秀共产党员，证书编号党委〔2026〕第1号');
    expect(await answer('zhenglao', '我的表彰')).toContain('证书编号计算机学院党总支〔2026〕第4号');
    expect(await answer('ji1', '我的表彰')).toContain('您目前没有表彰记录');
    expect(await answer('zhouzhishu', '吴生日的表彰')).toContain('吴生日同志（计算机学院党总支教工第一党支部）获得的表彰（2项）');
    expect(await answer('zhaozuzhi', '李明的表彰')).toContain('名单外推选理由：在抗洪抢险中冲锋在前，表现突出');
    // Out of scope reads exactly like a name nobody bears.
    const outOfScope = await answer('chuzhishu', '吴生日的表彰');
    const nobody = await answer('chuzhishu', '吴不存的表彰');
    expect(outOfScope.replace('吴生日', 'X')).toBe(nobody.replace('吴不存', 'X'));
    expect(outOfScope).not.toContain('证书');
    expect(await answer('zhenglao', '吴生日的表彰')).not.toContain('证书');
  });

  it('the admin API records a commendation (a reason required off-list) and lists a person’s; the export serves them', async () => {
    const refused = await admin('POST', '/admin/commendations', { year: 2026, kind: 'excellent_worker', member: 'zhouzhishu' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('needs_reason');
    const created = await admin('POST', '/admin/commendations', { year: 2026, kind: 'excellent_worker', member: 'zhouzhishu', reason: '长期从事党务工作，成绩突出' });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { commendations: Array<{ kind: string; level: string; reason: string; certificate_no: string }> };
    expect(body.commendations).toEqual([expect.objectContaining({ kind: 'excellent_worker', level: 'committee', reason: '长期从事党务工作，成绩突出', certificate_no: '党委〔2026〕第4号' })]);
    await waitFor(() => stack.fake!.sent.some((m) => m.touser === 'zhouzhishu' && textOf(m).includes('优秀党务工作者')), 60_000, 'zhouzhishu told');
    const bad = await admin('POST', '/admin/commendations', { year: 2026, kind: 'heroic', member: 'zhouzhishu' });
    expect(bad.status).toBe(400);
    const list = (await (await admin('GET', '/admin/commendations?member=wushengri')).json()) as { commendations: Array<{ kind: string; level: string }> };
    expect(list.commendations.map((c) => [c.kind, c.level]).sort()).toEqual([
      ['excellent_member', 'committee'],
      ['excellent_member', 'general_branch'],
    ]);
    const csv = await (await admin('GET', '/admin/export/commendations?format=csv')).text();
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('year,kind,level,cause,member_account,member_name,organisation,general_branch,branch,certificate_no,recorded_by_account,recorded_by_name,recorded_at');
    expect(csv).toContain('2026,special,committee,抢险抗灾,,冯无号,,计算机学院党总支,教工第一党支部,QZ2026-001,zhaozuzhi,赵组织,');
    const json = (await (await admin('GET', '/admin/export/excellent?format=json')).text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.find((r) => r.member_account === 'liming')).toMatchObject({ list: 'committee', kind: 'excellent_member', on_gb_list: false, reason: '在抗洪抢险中冲锋在前，表现突出' });
  });

  it('a GB with no active member: the cap is 0 and any list is refused with the numbers', async () => {
    // A GB whose members all left, led (for this test) by the OD's 赵组织.
    const committee = (await db().selectFrom('organisations').select('id').where('kind', '=', 'committee').executeTakeFirstOrThrow()).id;
    const empty = await db().insertInto('organisations').values({ kind: 'general_branch', name: '空总支', parent_id: committee, parent_kind: 'committee' }).returning('id').executeTakeFirstOrThrow();
    const zhao = (await db().selectFrom('members').select('id').where('userid', '=', 'zhaozuzhi').executeTakeFirstOrThrow()).id;
    await db().insertInto('member_roles').values({ member_id: zhao, role: 'gb_secretary', organisation_id: empty.id }).execute();
    expect(await answer('zhaozuzhi', '评选优秀党员：李明')).toBe('未作登记。本总支在册党员0人，优秀党员最多0人，名单有1人。请调整名单后重新发送。');
  });

  it('outside December–January the GB list is refused with the reason', async () => {
    time.set('2027-02-03T02:00:00Z');
    expect(await answer('hanzongzhi', '评选优秀党员：物1号')).toContain('党总支评选优秀党员在每年12月至次年1月进行');
  });
});
