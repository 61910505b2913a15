// Issue 17 §4: the admin API as an API. The OpenAPI document is valid (checked by a validator library) and
// lists every admin route the app registered (collected by fastify's onRoute hook); a bad body is refused with
// 400 in the one error shape, naming the field; the rate limit answers 429 with Retry-After, before the token
// is looked at; the pages the server renders carry the security headers.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listedInOpenApi } from '../../src/admin/openapi.ts';
import { startStack, type Stack } from '../helpers/stack.ts';

const TOKEN = 'admin-api-test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const LIMIT = 12;

describe('the admin API (issue 17 §4)', () => {
  let stack: Stack;
  const routes: Array<{ url: string; method: string }> = [];

  beforeAll(async () => {
    stack = await startStack({
      env: { ADMIN_TOKEN: TOKEN, ADMIN_RATE_LIMIT: String(LIMIT) },
      onRoute: (r) => {
        const methods = Array.isArray(r.method) ? r.method : [r.method];
        const route = { url: r.url, schema: r.schema as { hide?: boolean } | undefined, config: r.config as { openapi?: boolean } | undefined };
        if (!listedInOpenApi(route)) return;
        for (const m of methods) if (m !== 'HEAD') routes.push({ url: r.url, method: m.toLowerCase() });
      },
    });
  });
  afterAll(async () => stack?.close());

  it('serves a valid OpenAPI 3 document, behind the token, listing every admin route with the bearer scheme', async () => {
    expect((await stack.app.inject({ method: 'GET', url: '/admin/openapi.json' })).statusCode).toBe(401);
    const res = await stack.app.inject({ method: 'GET', url: '/admin/openapi.json', headers: auth });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.components.securitySchemes.adminToken).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.security).toEqual([{ adminToken: [] }]);
    // fastify's :param is OpenAPI's {param}.
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    const registered = routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThan(40);
    expect(listed.sort()).toEqual([...new Set(registered)].sort());
    expect(listed.every((l) => l.split(' ')[1]!.startsWith('/admin/'))).toBe(true);
    // The error shape is in the document, and a route's refusals point at it.
    expect(doc.components.schemas.AdminError.properties.error.required).toEqual(['code', 'message']);
    expect(doc.paths['/admin/settings/{key}'].put.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/AdminError');
  });

  it('refuses a bad body with 400 in the one error shape, naming the field', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/admin/incentive/evaluations', headers: auth, payload: { actor: 'nobody', kind: 'quarterly' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toEqual({ error: { code: 'invalid_request', message: expect.stringContaining('body/kind'), details: expect.objectContaining({ field: 'body.kind' }) } });
    const missing = await stack.app.inject({ method: 'PUT', url: '/admin/settings/defer_days', headers: auth, payload: { days: 4 } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining("'value'"), details: { field: 'body.value' } });
    const notFound = await stack.app.inject({ method: 'GET', url: '/admin/no-such-thing', headers: auth });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });

  it(`rate-limits each address to ${LIMIT} admin requests a minute: 429 with Retry-After, before the token is checked`, async () => {
    const from = (remoteAddress: string, headers: Record<string, string> = auth) => stack.app.inject({ method: 'GET', url: '/admin/settings', headers, remoteAddress });
    for (let i = 0; i < LIMIT; i++) expect((await from('10.9.8.7')).statusCode).toBe(200);
    const refused = await from('10.9.8.7');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('too many admin requests') } });
    // A wrong token from the limited address is not even looked at.
    expect((await from('10.9.8.7', { authorization: 'Bearer wrong' })).statusCode).toBe(429);
    // Another address is counted on its own.
    expect((await from('10.9.8.8')).statusCode).toBe(200);
  });

  it('sends security headers with the pages it renders: the local chat and the dashboard, with a CSP they work under', async () => {
    for (const url of ['/', '/dashboard/']) {
      const res = await stack.app.inject({ method: 'GET', url, headers: { host: '127.0.0.1' } });
      expect(res.headers['content-type'], url).toContain('text/html');
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("object-src 'none'");
      expect(csp, url).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
    }
    // The chat's script is served from here, not inline (the CSP admits no inline script).
    const page = (await stack.app.inject({ method: 'GET', url: '/', headers: { host: '127.0.0.1' } })).body;
    expect(page).toContain('<script type="module" src="/local/chat.js"></script>');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect((await stack.app.inject({ method: 'GET', url: '/local/chat.js', headers: { host: '127.0.0.1' } })).statusCode).toBe(200);
    // The admin API answers machines: no page headers there.
    expect((await stack.app.inject({ method: 'GET', url: '/admin/settings', headers: auth })).headers['content-security-policy']).toBeUndefined();
  });
});
