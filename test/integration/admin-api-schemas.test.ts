// Issue 17 §4 for the assistance and suggestion routes (aid, hardship registry, pairing, verification, subsidies,
// suggestions): each is validated by its JSON schema — a malformed request is 400 invalid_request naming the field,
// before the handler runs — and /admin/openapi.json shows what each takes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.ts';

const TOKEN = 'admin-api-schemas-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: Array<{ in: string; name: string; required?: boolean; schema: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: { required?: string[]; properties: Record<string, Record<string, unknown>> } }> };
  responses: Record<string, unknown>;
}

describe('schemas on the assistance and suggestion admin routes (issue 17 §4)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { ADMIN_TOKEN: TOKEN } });
  });
  afterAll(async () => stack?.close());

  const send = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) => {
    const res = await stack.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json<{ error: { code: string; message: string; details?: { field?: string } } }>() };
  };
  // The message names the field too: "body/agree must be boolean", "body must have required property 'agree'".
  const refused = (field: string) => ({ status: 400, body: { error: { code: 'invalid_request', message: expect.stringContaining(field.split('.').pop()!), details: { field } } } });

  it('refuses a malformed request to each file with 400 invalid_request naming the field', async () => {
    // Emergency aid: an id that is not digits; an amount not written as yuan.
    expect(await send('POST', '/admin/assistance/aid/abc/consent', { actor: 'zhaozuzhi', agree: true })).toMatchObject(refused('params.id'));
    expect(await send('POST', '/admin/assistance/aid', { actor: 'zhaozuzhi', member: 'wushengri', amount_yuan: '12.345' })).toMatchObject(refused('body.amount_yuan'));
    // The hardship registry: a consent without agree; agree not a boolean.
    expect(await send('POST', '/admin/assistance/hardship/consent', { actor: 'wushengri', entry: '1' })).toMatchObject(refused('body.agree'));
    expect(await send('POST', '/admin/assistance/hardship/consent', { actor: 'wushengri', entry: '1', agree: 'perhaps' })).toMatchObject(refused('body.agree'));
    // Pairing: no helper at all.
    expect(await send('POST', '/admin/assistance/pairings', { helper: [], member: 'wangfang', actor: 'zhaozuzhi' })).toMatchObject(refused('body.helper'));
    // One helper not in a list is taken as a list of one: past the schema, to the actor's check.
    expect(await send('POST', '/admin/assistance/pairings', { helper: 'zhouzhishu', member: 'wangfang', actor: 'ghost' })).toMatchObject({ status: 400, body: { error: { code: 'unknown_actor' } } });
    // The May/November verification: a period not YYYY-MM; a listed change without its member.
    expect(await send('GET', '/admin/assistance/verification?period=2026-5')).toMatchObject(refused('querystring.period'));
    expect(await send('POST', '/admin/assistance/verification/changes', { generalBranch: '1', period: '2026-11', actor: 'sunzongzhi', changes: [{ action: 'confirm' }] })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: { field: 'body.changes.0.member' } } },
    });
    // Subsidies: a term that is not a whole number; an unknown step is no route at all.
    expect(await send('POST', '/admin/assistance/subsidies', { actor: 'zhaozuzhi', member: 'wushengri', amountYuan: '300', months: 'twelve' })).toMatchObject(refused('body.months'));
    expect(await send('POST', '/admin/assistance/subsidies/1/approve', { actor: 'zhaozuzhi' })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    // Suggestions: a limit out of range; a reply without its text.
    expect(await send('GET', '/admin/voice/suggestions?limit=0')).toMatchObject(refused('querystring.limit'));
    expect(await send('POST', '/admin/voice/suggestions/12/reply', { actor: 'zhaozuzhi' })).toMatchObject(refused('body.text'));
  });

  it('lists in /admin/openapi.json what each route of those files takes, with its summary and error answers', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/admin/openapi.json', headers: auth });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths as Record<string, Record<string, Operation>>;
    const op = (path: string, method: string): Operation => {
      const found = paths[path]?.[method];
      if (!found) throw new Error(`${method} ${path} is not in the document`);
      return found;
    };
    const body = (o: Operation) => o.requestBody!.content['application/json']!.schema;
    const param = (o: Operation, where: string, name: string) => o.parameters?.find((p) => p.in === where && p.name === name);

    expect(body(op('/admin/assistance/aid', 'post')).required).toEqual(['actor', 'member', 'amount_yuan']);
    expect(param(op('/admin/assistance/aid/{id}/decision', 'post'), 'path', 'id')).toMatchObject({ required: true, schema: { pattern: '^\\d{1,18}$' } });
    expect(body(op('/admin/assistance/hardship/decide', 'post')).properties.outcome).toMatchObject({ enum: ['approved', 'rejected'] });
    expect(param(op('/admin/assistance/hardship', 'get'), 'query', 'org')).toMatchObject({ required: true });
    expect(body(op('/admin/assistance/pairings', 'post')).properties.helper).toMatchObject({ type: 'array', minItems: 1 });
    expect(param(op('/admin/assistance/cadre-exemptions/{memberId}', 'delete'), 'query', 'actor')).toBeDefined();
    expect(param(op('/admin/assistance/verification', 'get'), 'query', 'period')).toMatchObject({ required: true, schema: { pattern: expect.any(String) } });
    expect(body(op('/admin/assistance/verification/submit', 'post')).required).toEqual(['generalBranch', 'period', 'actor']);
    for (const step of ['confirm', 'withdraw', 'renew', 'end']) expect(body(op(`/admin/assistance/subsidies/{id}/${step}`, 'post')).required).toEqual(['actor']);
    expect(param(op('/admin/assistance/subsidies', 'get'), 'query', 'month')).toBeDefined();
    expect(param(op('/admin/voice/suggestions', 'get'), 'query', 'limit')).toMatchObject({ schema: { minimum: 1, maximum: 500, default: 100 } });
    expect(body(op('/admin/voice/suggestions/{id}/reply', 'post')).required).toEqual(['actor', 'text']);

    // Every route of the six files has a schema: a summary, a tag and its error answers in the one shape.
    const prefixes = ['/admin/assistance/', '/admin/voice/suggestions'];
    const ours = Object.entries(paths).filter(([path]) => prefixes.some((p) => path.startsWith(p)));
    const operations = ours.flatMap(([path, ops]) => Object.entries(ops).map(([method, o]) => ({ at: `${method} ${path}`, o })));
    expect(operations).toHaveLength(30); // aid 6, hardship 6, pairing 5, verification 3, subsidies 7, suggestions 3
    for (const { at, o } of operations) {
      expect(o.summary, at).toEqual(expect.any(String));
      expect(o.tags, at).toEqual([expect.any(String)]);
      expect(Object.keys(o.responses), at).toEqual(expect.arrayContaining(['400', '401']));
    }
  });
});
