// Issue 13 section 1 through the admin API (src/admin/goal-routes.ts): the OD lists every organisation's goals and a
// branch's commitments; a secretary's goals and a commitment for a member without a chat account are recorded with
// `actor` checked by the access rule — an unknown organisation or member and one not the actor's get the same 404,
// and nothing is recorded. What the API records is what chat reads back; every request leaves an audit row. And
// 考评帮助, the chat's list of these sentences, end to end.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';

const ADMIN_TOKEN = 'goals-admin-e2e-token-0123456789abcdef';

describe('issue 13 section 1: goals and commitments through the admin API', () => {
  let stack: Stack;
  // 10:00 on Wednesday 25 November 2026 in Shanghai.
  const time = runningClock('2026-11-25T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const { say } = wecomChat(() => stack, time.clock, 9_500_000_000n);
  const reply = async (who: string, content: string) => {
    const sent = await say(who, content);
    const mine = sent.filter((m) => m.touser === who && m.msgtype === 'text');
    expect(mine.length, content).toBe(1);
    return textOf(mine[0]!);
  };
  const admin = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const rows = () => stack.deps.db.db.selectFrom('goal_statements').select(['kind', 'year', 'text']).orderBy('id').execute();
  const orgId = async (name: string) => String((await stack.deps.db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id);
  const fengId = async () => String((await stack.deps.db.db.selectFrom('members').select('id').where('name', '=', '冯无号').executeTakeFirstOrThrow()).id);

  it('the branch secretary’s goals: recorded, replaced, read back in chat; others get the answer of an unknown organisation', async () => {
    const branch = await orgId('教工第一党支部');
    const first = await admin('POST', '/admin/incentive/goals', { actor: 'zhouzhishu', organisation: branch, year: 2027, text: '一、每月开展一次主题党日\n二、谈心谈话全覆盖' });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ kind: 'goals', year: 2027, organisation: { id: branch, kind: 'branch' }, replaced: false, recorded_by: { account: 'zhouzhishu', name: '周支书' } });
    const again = await admin('POST', '/admin/incentive/goals', { actor: 'zhouzhishu', organisation: branch, year: 2027, text: '三会一课按时召开' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ replaced: true });
    expect(await reply('wushengri', '本支部2027年目标')).toContain('三会一课按时召开');

    // 褚支书 leads another college's branch, 孙总支 the GB (not the branch), 吴生日 nothing: 404 as for no organisation.
    for (const [actor, organisation] of [['chuzhishu', branch], ['sunzongzhi', branch], ['wushengri', branch], ['zhouzhishu', '999999'], ['zhouzhishu', 'abc']] as const) {
      const refused = await admin('POST', '/admin/incentive/goals', { actor, organisation, text: '代写目标' });
      expect(refused.status, `${actor} ${organisation}`).toBe(404);
      expect(await refused.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await admin('POST', '/admin/incentive/goals', { actor: 'nobody', organisation: branch, text: 'x' })).status).toBe(400);
    expect((await admin('POST', '/admin/incentive/goals', { actor: 'zhouzhishu', organisation: branch, text: '  ' })).status).toBe(400);
    expect((await admin('POST', '/admin/incentive/goals', { actor: 'zhouzhishu', organisation: branch, year: 2031, text: '远景' })).status).toBe(400);
    expect((await admin('POST', '/admin/incentive/goals', { actor: 'zhouzhishu', organisation: branch, member: 'wushengri', text: 'x' })).status).toBe(400);
    expect(await rows()).toEqual([{ kind: 'goals', year: 2027, text: '三会一课按时召开' }]);
  });

  it('the GB secretary records the GB’s goals for the current year', async () => {
    const gb = await orgId('计算机学院党总支');
    const ok = await admin('POST', '/admin/incentive/goals', { actor: 'sunzongzhi', organisation: gb, text: '做好困难党员帮扶' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ kind: 'goals', year: 2026, organisation: { id: gb, kind: 'general_branch' } });
    expect(await reply('zhenglao', '本总支目标')).toContain('做好困难党员帮扶');
  });

  it('a commitment for the member without an account, by his branch secretary; not for a member with one, not by others', async () => {
    const feng = await fengId();
    expect((await admin('POST', '/admin/incentive/goals', { actor: 'chuzhishu', member: feng, text: '代写' })).status).toBe(404);
    expect((await admin('POST', '/admin/incentive/goals', { actor: 'chuzhishu', member: '999999', text: '代写' })).status).toBe(404);
    expect((await admin('POST', '/admin/incentive/goals', { actor: 'wushengri', member: feng, text: '代写' })).status).toBe(404);
    const withAccount = await admin('POST', '/admin/incentive/goals', { actor: 'zhouzhishu', member: 'zhenglao', text: '代写' });
    expect(withAccount.status).toBe(409);
    expect(await withAccount.json()).toMatchObject({ error: { code: 'has_account' } });
    const ok = await admin('POST', '/admin/incentive/goals', { actor: 'zhouzhishu', member: feng, text: '立足岗位，服务群众' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ kind: 'commitment', year: 2026, member: { member_id: feng, name: '冯无号' }, recorded_by: { account: 'zhouzhishu' } });
    expect(await reply('zhouzhishu', '本支部亮岗承诺')).toContain('冯无号：立足岗位，服务群众');
  });

  it('the OD’s lists: every organisation’s goals, a branch’s commitments with who has none', async () => {
    const all = await admin('GET', '/admin/incentive/goals?year=2027');
    expect(all.status).toBe(200);
    const body = (await all.json()) as { year: number; organisations: Array<{ name: string; kind: string; general_branch: string | null; goals: { text: string; recorded_by: { account: string } } | null }> };
    expect(body.year).toBe(2027);
    const first = body.organisations.find((o) => o.name === '教工第一党支部')!;
    expect(first).toMatchObject({ kind: 'branch', general_branch: '计算机学院党总支', goals: { text: '三会一课按时召开', recorded_by: { account: 'zhouzhishu' } } });
    expect(body.organisations.find((o) => o.name === '计算机学院党总支')).toMatchObject({ kind: 'general_branch', general_branch: null, goals: null });
    expect(body.organisations.some((o) => o.kind === 'committee')).toBe(false);

    const branch = await admin('GET', `/admin/incentive/goals?organisation=${await orgId('教工第一党支部')}`);
    const one = (await branch.json()) as { year: number; organisation: { goals: unknown }; commitments: Array<{ name: string; account: string; text: string | null }> };
    expect(one.year).toBe(2026);
    expect(one.organisation.goals).toBeNull(); // 2027's goals, none for 2026
    expect(one.commitments.find((c) => c.name === '冯无号')).toEqual(expect.objectContaining({ account: '', text: '立足岗位，服务群众' }));
    expect(one.commitments.find((c) => c.name === '郑老党员')!.text).toBeNull();
    const gb = (await (await admin('GET', `/admin/incentive/goals?organisation=${await orgId('计算机学院党总支')}`)).json()) as Record<string, unknown>;
    expect(gb).toMatchObject({ organisation: { goals: { text: '做好困难党员帮扶' } } });
    expect(gb.commitments).toBeUndefined();
    expect((await admin('GET', `/admin/incentive/goals?organisation=${await orgId('组织人事党支部')}0`)).status).toBe(404);
    expect((await admin('GET', '/admin/incentive/goals?year=2020')).status).toBe(400);
    const noToken = await fetch(`${stack.baseUrl}/admin/incentive/goals`);
    expect(noToken.status).toBe(401);
  });

  it('考评帮助 reaches the writer through the whole chain (no handler takes it); the OD’s long 帮助 comes in parts within 2,048 bytes', async () => {
    const sent = await say('zhouzhishu', '考评帮助');
    const mine = sent.filter((m) => m.touser === 'zhouzhishu' && m.msgtype === 'text').map((m) => textOf(m));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatch(/^【考评帮助】周支书同志/u);
    expect(mine[0]).toContain('「本支部亮岗承诺」');
    const help = (await say('zhaozuzhi', '帮助')).filter((m) => m.touser === 'zhaozuzhi' && m.msgtype === 'text').map((m) => textOf(m));
    expect(help.length).toBe(2);
    for (const part of help) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(2048);
    expect(help.join('\n')).toContain('「考评帮助」');
    expect(help.join('\n')).toContain('设为突出贡献');
  });

  it('every request is audited: the admin token, the route, the status', async () => {
    const audited = async () =>
      (await sql<{ method: string; status: number }>`select method, status from admin_audit where route = '/admin/incentive/goals' and actor = 'admin token'`.execute(stack.deps.db.db)).rows;
    for (let i = 0; i < 100 && (await audited()).length < 20; i++) await new Promise((r) => setImmediate(r));
    const rows = await audited();
    expect(rows.filter((r) => r.method === 'POST' && r.status === 201).length).toBe(3);
    expect(rows.some((r) => r.method === 'POST' && r.status === 404)).toBe(true);
    expect(rows.some((r) => r.method === 'GET' && r.status === 200)).toBe(true);
  });
});

describe('goals through the admin API for a branch whose secretary is vacant: the stand-in, as in chat', () => {
  let stack: Stack;
  const time = runningClock('2026-11-25T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN }, overrides: { clock: time.clock } });
    // 教工第二党支部 has no secretary: its office passes up to 孙总支 (计算机学院党总支书记).
    await importCareRoster(stack.deps.db.db, [...CARE_ROWS, '蒋空缺,,男,1972-02-02,1998-07-01,1999-07-01,计算机学院党总支,教工第二党支部,,,']);
  });
  afterAll(() => stack.close());

  const post = (body: unknown) =>
    fetch(`${stack.baseUrl}/admin/incentive/goals`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const orgId = async (name: string) => String((await stack.deps.db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id);

  it('the GB secretary records the vacant branch’s goals; the secretary of another branch and another GB cannot', async () => {
    const vacant = await orgId('教工第二党支部');
    const held = await orgId('教工第一党支部');
    expect((await post({ actor: 'sunzongzhi', organisation: vacant, year: 2027, text: '谈心谈话全覆盖' })).status).toBe(201);
    // 教工第一党支部 has its own secretary: the GB secretary does not stand in for it.
    expect((await post({ actor: 'sunzongzhi', organisation: held, year: 2027, text: '代写' })).status).toBe(404);
    for (const actor of ['zhouzhishu', 'chuzhishu', 'wushengri']) expect((await post({ actor, organisation: vacant, year: 2027, text: '代写' })).status, actor).toBe(404);
    expect(await stack.deps.db.db.selectFrom('goal_statements').select(['organisation_id', 'text']).execute()).toEqual([{ organisation_id: vacant, text: '谈心谈话全覆盖' }]);
  });
});
