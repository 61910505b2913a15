// Issue 12 §1 (point 8): the hardship registry over the admin API, acting for an `actor` the access rule checks as
// in chat. The notices go out through the outbox to the fake WeCom, with the chat's once-keys; refusals answer
// 4xx with {error, code}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runningClock, startStack, waitFor, type Stack } from '../helpers/stack.ts';
import { textOf } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';

const TOKEN = 'registry-admin-token-0123456789abcdef';

describe('issue 12 §1: the registry\'s admin routes', () => {
  let stack: Stack;
  const time = runningClock('2026-11-25T02:00:00Z'); // 10:00 Wednesday in Shanghai

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  const db = () => stack.deps.db.db;
  const idOf = async (userid: string) => (await db().selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const idByName = async (name: string) => (await db().selectFrom('members').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const post = async (what: string, body: unknown, token = TOKEN) => {
    const res = await fetch(`${stack.baseUrl}/admin/assistance/hardship/${what}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const list = async (query: string) => {
    const res = await fetch(`${stack.baseUrl}/admin/assistance/hardship?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const sentTo = (who: string) => stack.fake!.sent.filter((m) => m.touser === who);

  let wuEntry = '';

  it('apply: the actor\'s own application; the GB secretary gets the card through the outbox', async () => {
    const r = await post('apply', { actor: 'wushengri', causes: ['illness'], note: '母亲重病' });
    expect(r.status).toBe(200);
    expect(r.body.entry).toMatchObject({ state: 'applied', source: 'self', causes: ['illness'], member: { name: '吴生日', account: 'wushengri' }, general_branch: '计算机学院党总支' });
    expect(r.body.notified).toBe(1);
    wuEntry = r.body.entry.id;
    const card = await waitFor(() => sentTo('sunzongzhi').find((m) => m.msgtype === 'template_card'), 30_000, 'the review card');
    expect(card.body.template_card.main_title.title).toBe('请审核：吴生日生活困难党员申报');
    const again = await post('apply', { actor: await idOf('wushengri'), causes: 'illness' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'live_entry' } } });
  });

  it('refusals: bad body, unknown cause, unknown actor, someone who may not decide, a rejection without reason, no token', async () => {
    expect(await post('apply', { actor: 'wangjinnian', causes: ['poverty'] })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', details: { field: 'body.causes.0' } } } });
    expect(await post('apply', { actor: 'wangjinnian' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', details: { field: 'body.causes' } } } });
    expect(await post('apply', { actor: 'nobody-here', causes: ['illness'] })).toMatchObject({ status: 400, body: { error: { code: 'unknown_actor' } } });
    expect(await post('decide', { actor: 'zhouzhishu', entry: wuEntry, outcome: 'approved' })).toMatchObject({ status: 403, body: { error: { code: 'not_allowed' } } });
    expect(await post('decide', { actor: 'chuzhishu', entry: wuEntry, outcome: 'approved' })).toMatchObject({ status: 403, body: { error: { code: 'not_allowed' } } });
    expect(await post('decide', { actor: 'sunzongzhi', entry: wuEntry, outcome: 'rejected' })).toMatchObject({ status: 400, body: { error: { code: 'reason_required' } } });
    expect(await post('decide', { actor: 'sunzongzhi', entry: wuEntry, outcome: 'maybe' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', details: { field: 'body.outcome' } } } });
    expect((await post('decide', { actor: 'sunzongzhi', entry: wuEntry, outcome: 'approved' }, 'wrong-token-0000000000000000000000')).status).toBe(401);
    expect((await db().selectFrom('hardship_registry').select('status').where('id', '=', wuEntry).executeTakeFirstOrThrow()).status).toBe('applied');
  });

  it('decide: approved by the GB secretary (by member id); the member and the branch secretary are told', async () => {
    const r = await post('decide', { actor: await idOf('sunzongzhi'), entry: wuEntry, outcome: 'approved' });
    expect(r).toMatchObject({ status: 200, body: { entry: { state: 'approved', decided_by: await idOf('sunzongzhi') }, notified: 2 } });
    await waitFor(() => sentTo('wushengri').some((m) => textOf(m).includes('审核通过')) && sentTo('zhouzhishu').some((m) => textOf(m).includes('吴生日')), 30_000, 'the decision told');
    expect(await post('decide', { actor: 'sunzongzhi', entry: wuEntry, outcome: 'approved' })).toMatchObject({ status: 409, body: { error: { code: 'already_decided' } } });
  });

  it('recommend: a member without an account needs consentAttested; one with an account gets the consent card, and consent answers it', async () => {
    const fen = await idByName('冯无号');
    expect(await post('recommend', { actor: 'zhouzhishu', member: fen, causes: ['illness'] })).toMatchObject({ status: 400, body: { error: { code: 'consent_required' } } });
    const attested = await post('recommend', { actor: 'zhouzhishu', member: fen, causes: ['illness'], consentAttested: true });
    expect(attested).toMatchObject({ status: 200, body: { entry: { state: 'applied', consent_attested: true, consent_by: await idOf('zhouzhishu'), member: { account: '' } } } });
    expect(await post('recommend', { actor: 'chuzhishu', member: await idOf('zhenglao'), causes: ['illness'] })).toMatchObject({ status: 403, body: { error: { code: 'not_allowed' } } });
    const rec = await post('recommend', { actor: 'zhouzhishu', member: await idOf('zhenglao'), causes: ['old_age'] });
    expect(rec).toMatchObject({ status: 200, body: { entry: { state: 'awaiting_consent' } } });
    await waitFor(() => sentTo('zhenglao').find((m) => m.msgtype === 'template_card'), 30_000, 'the consent card');
    expect(await post('consent', { actor: 'zhouzhishu', entry: rec.body.entry.id, agree: true })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const declined = await post('consent', { actor: 'zhenglao', entry: rec.body.entry.id, agree: false });
    expect(declined).toMatchObject({ status: 200, body: { entry: { state: 'rejected', reason: '本人不同意' } } });
  });

  it('the list: the GB secretary sees the GB\'s by state; a plain member and another GB are refused alike', async () => {
    const gb = (await db().selectFrom('organisations').select('id').where('name', '=', '计算机学院党总支').executeTakeFirstOrThrow()).id;
    const r = await list(`org=${gb}&actor=sunzongzhi&state=approved,applied`);
    expect(r.status).toBe(200);
    expect(r.body.entries.map((e: { member: { name: string }; state: string }) => [e.member.name, e.state])).toEqual([
      ['冯无号', 'applied'],
      ['吴生日', 'approved'],
    ]);
    for (const actor of ['wangjinnian', 'chuzhishu']) expect(await list(`org=${gb}&actor=${actor}`), actor).toMatchObject({ status: 403, body: { error: { code: 'not_allowed' } } });
    expect(await list(`org=999999&actor=sunzongzhi`)).toMatchObject({ status: 403, body: { error: { code: 'not_allowed' } } });
    expect(await list(`org=${gb}&actor=sunzongzhi&state=gone`)).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', details: { field: 'querystring.state' } } } });
  });

  it('archive: a reason is required; the entry leaves the list and the member is told', async () => {
    const wu = await idOf('wushengri');
    expect(await post('archive', { actor: 'sunzongzhi', member: wu })).toMatchObject({ status: 400, body: { error: { code: 'reason_required' } } });
    expect(await post('archive', { actor: 'zhouzhishu', member: wu, reason: '好转' })).toMatchObject({ status: 403, body: { error: { code: 'not_allowed' } } });
    const r = await post('archive', { actor: 'sunzongzhi', entry: wuEntry, reason: '家庭收入已恢复' });
    expect(r).toMatchObject({ status: 200, body: { entry: { state: 'archived', archive_reason: '家庭收入已恢复' } } });
    await waitFor(() => sentTo('wushengri').some((m) => textOf(m).includes('生活困难党员信息已归档')), 30_000, 'the member told');
    // Each request audited, by route (the audit row is written after the answer is sent).
    await waitFor(async () => (await sql<{ n: string }>`select count(*)::text as n from admin_audit where route = '/admin/assistance/hardship/archive'`.execute(db())).rows[0]!.n === '3', 30_000, 'the audit rows');
  });
});
