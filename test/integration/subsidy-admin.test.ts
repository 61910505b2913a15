// Issue 12 (relief, fixed monthly subsidy): the admin routes do what the chat does, behind ADMIN_TOKEN, each
// naming its actor and checked by the same access rule — refusals are 4xx with a stable code, the English error and
// the chat's Chinese words; the member is told (a delivery recorded) when the subsidy starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { runningClock, startStack, type Stack } from '../helpers/stack.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { HardshipRegistryRepository } from '../../src/db/hardship-registry-repository.ts';

const TOKEN = 'subsidy-admin-token-0123456789abcdef';

describe.each(DB_KINDS)('the subsidy admin routes on %s', (kind) => {
  let stack: Stack;
  const time = runningClock('2026-11-25T02:00:00Z');
  const post = async (url: string, body: unknown, token = TOKEN) => {
    const res = await fetch(`${stack.baseUrl}${url}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const get = async (url: string) => {
    const res = await fetch(`${stack.baseUrl}${url}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  let subsidyId = '';

  beforeAll(async () => {
    stack = await startStack({ dbKind: kind, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    const db = stack.db.db;
    await importCareRoster(db);
    const wu = (await db.selectFrom('members').select('id').where('userid', '=', 'wushengri').executeTakeFirstOrThrow()).id;
    await new HardshipRegistryRepository(db).insert({ memberId: wu, causes: ['disability'], source: 'self', status: 'approved', appliedByMemberId: wu, note: '', at: time.clock() });
  });
  afterAll(() => stack.close());

  it('needs the token, an actor and a known member', async () => {
    expect((await post('/admin/assistance/subsidies', { actor: 'zhaozuzhi' }, 'wrong-token-wrong-token-wrong-token')).status).toBe(401);
    expect(await post('/admin/assistance/subsidies', { member: 'wushengri', amountYuan: 300 })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', details: { field: 'body.actor' } } } });
    expect(await post('/admin/assistance/subsidies', { actor: 'nobody', member: 'wushengri', amountYuan: 300 })).toMatchObject({ status: 400, body: { error: { code: 'unknown_actor' } } });
    expect(await post('/admin/assistance/subsidies', { actor: 'zhaozuzhi', member: 'nobody', amountYuan: 300 })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await post('/admin/assistance/subsidies', { actor: 'zhaozuzhi', member: 'wushengri', amountYuan: 'abc' })).toMatchObject({ status: 400, body: { error: { code: 'bad_amount' } } });
  });

  it('creates a proposed subsidy for the OD; refuses a GB secretary (403) and an overlap (409), with the chat’s words', async () => {
    expect(await post('/admin/assistance/subsidies', { actor: 'sunzongzhi', member: 'wushengri', amountYuan: 300 })).toMatchObject({
      status: 403,
      body: { error: { code: 'not_allowed', details: { message_zh: '定额补助由党委组织部办理，您无法操作。' } } },
    });
    const created = await post('/admin/assistance/subsidies', { actor: 'zhaozuzhi', member: 'wushengri', amountYuan: '300.50', startMonth: '2026-12', endMonth: '2027-11' });
    expect(created).toMatchObject({ status: 201, body: { subsidy: { status: 'proposed', amount_yuan: '300.50', amount_fen: 30_050, start_month: '2026-12', end_month: '2027-11', member: { account: 'wushengri', name: '吴生日' } }, budget_warnings: [] } });
    subsidyId = created.body.subsidy.id as string;
    const clash = await post('/admin/assistance/subsidies', { actor: 'zhaozuzhi', member: 'wushengri', amountYuan: 100, startMonth: '2027-06' });
    expect(clash).toMatchObject({ status: 409, body: { error: { code: 'overlap' } } });
    expect(clash.body.error.details.message_zh).toContain('已有待确认的定额补助');
  });

  it('confirm: active once, the member told; the second answers 409', async () => {
    expect(await post(`/admin/assistance/subsidies/${subsidyId}/confirm`, { actor: 'zhouzhishu' })).toMatchObject({ status: 403 });
    expect(await post(`/admin/assistance/subsidies/${subsidyId}/confirm`, { actor: 'zhaozuzhi' })).toMatchObject({ status: 200, body: { subsidy: { status: 'active' } } });
    expect(await post(`/admin/assistance/subsidies/${subsidyId}/confirm`, { actor: 'zhaozuzhi' })).toMatchObject({ status: 409, body: { error: { code: 'already_done' } } });
    const told = await stack.db.db.selectFrom('deliveries').select(['recipient', 'message', 'push']).where('recipient', '=', 'wushengri').execute();
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0]!.message)).toContain('每月为您发放生活补助300.50元');
    expect(told[0]!.push).toBe(true);
    expect(await post(`/admin/assistance/subsidies/${subsidyId}/withdraw`, { actor: 'zhaozuzhi' })).toMatchObject({ status: 409, body: { error: { code: 'already_done' } } });
    expect(await post(`/admin/assistance/subsidies/${subsidyId}/frobnicate`, { actor: 'zhaozuzhi' })).toMatchObject({ status: 404 });
    expect(await post('/admin/assistance/subsidies/999999/confirm', { actor: 'zhaozuzhi' })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('the month’s list, and payments recorded once', async () => {
    const list = await get('/admin/assistance/subsidies?month=2026-12');
    expect(list).toMatchObject({ status: 200, body: { month: '2026-12', total_yuan: '300.50', subsidies: [{ id: subsidyId, due_this_month: true, overdue_months: [], due_yuan: '300.50' }] } });
    expect(await get('/admin/assistance/subsidies?month=2026-13')).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', details: { field: 'querystring.month' } } } });
    expect(await post('/admin/assistance/subsidies/payments', { actor: 'sunzongzhi', month: '2026-11', all: true })).toMatchObject({ status: 403 });
    expect(await post('/admin/assistance/subsidies/payments', { actor: 'zhaozuzhi', month: '2026-11' })).toMatchObject({ status: 400, body: { error: { code: 'bad_selection' } } });
    // December has not come yet (today is 25 November): nothing to record.
    expect(await post('/admin/assistance/subsidies/payments', { actor: 'zhaozuzhi', month: '2026-12', subsidyIds: [subsidyId] })).toMatchObject({ status: 200, body: { recorded: [] } });
    time.set('2026-12-01T02:00:00Z');
    const paid = await post('/admin/assistance/subsidies/payments', { actor: 'zhaozuzhi', month: '2026-12', subsidyIds: [subsidyId] });
    expect(paid).toMatchObject({ status: 200, body: { recorded: [{ subsidy_id: subsidyId, month: '2026-12', amount_yuan: '300.50' }], already_recorded: [] } });
    const again = await post('/admin/assistance/subsidies/payments', { actor: 'zhaozuzhi', month: '2026-12', all: true });
    expect(again).toMatchObject({ status: 200, body: { recorded: [], already_recorded: [{ subsidy_id: subsidyId, paid_on: '2026-12-01', recorded_by: '赵组织' }] } });
  });

  it('renew creates the next term once; end then decides the new term’s end', async () => {
    const renewed = await post(`/admin/assistance/subsidies/${subsidyId}/renew`, { actor: 'zhaozuzhi' });
    expect(renewed).toMatchObject({ status: 200, body: { subsidy: { status: 'active', start_month: '2027-12', end_month: '2028-11', renewed_from_id: subsidyId } } });
    expect(await post(`/admin/assistance/subsidies/${subsidyId}/renew`, { actor: 'zhaozuzhi' })).toMatchObject({ status: 409, body: { error: { code: 'renewed_already' } } });
    const next = renewed.body.subsidy.id as string;
    expect(await post(`/admin/assistance/subsidies/${next}/end`, { actor: 'zhaozuzhi' })).toMatchObject({ status: 200, body: { subsidy: { end_decided: true } } });
    expect(await post(`/admin/assistance/subsidies/${next}/end`, { actor: 'zhaozuzhi' })).toMatchObject({ status: 409, body: { error: { code: 'already_done' } } });
  });
});
