// Behind a reverse proxy (docs/deploy.md) every request connects from the proxy. With TRUST_PROXY naming it,
// the client's address is taken from X-Forwarded-For, so the wrong-token throttle blocks the guesser and not
// everyone behind the proxy; without it the header is ignored, so a guesser cannot dodge the throttle by
// inventing addresses.
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.ts';

const TOKEN = 'trust-proxy-test-token-0123456789abcdef';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const exportAs = (s: Stack, forwardedFor: string, token: string) =>
  fetch(`${s.baseUrl}/admin/roster/export?format=csv`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': forwardedFor } });

describe('client addresses behind a reverse proxy', () => {
  it('TRUST_PROXY set: the throttle blocks the guessing client, not the others behind the same proxy', async () => {
    stack = await startStack({ env: { ADMIN_TOKEN: TOKEN, TRUST_PROXY: '127.0.0.1' } });
    for (let i = 0; i < 10; i++) expect((await exportAs(stack, '203.0.113.7', `wrong-${i}`)).status).toBe(401);
    expect((await exportAs(stack, '203.0.113.7', TOKEN)).status).toBe(429);
    expect((await exportAs(stack, '198.51.100.20', TOKEN)).status).toBe(200);
    const audited = stack.logs.map((l) => JSON.parse(l) as { adminAudit?: { ip: string; status: number } }).flatMap((l) => (l.adminAudit ? [l.adminAudit] : []));
    expect(audited.filter((a) => a.status === 429).map((a) => a.ip)).toEqual(['203.0.113.7']);
    expect(audited.filter((a) => a.status === 200).map((a) => a.ip)).toEqual(['198.51.100.20']);
  }, 120_000);

  it('TRUST_PROXY unset: X-Forwarded-For is ignored, invented addresses do not escape the throttle', async () => {
    stack = await startStack({ env: { ADMIN_TOKEN: TOKEN } });
    for (let i = 0; i < 10; i++) expect((await exportAs(stack, `203.0.113.${i}`, `wrong-${i}`)).status).toBe(401);
    expect((await exportAs(stack, '198.51.100.20', TOKEN)).status).toBe(429);
  }, 120_000);
});
