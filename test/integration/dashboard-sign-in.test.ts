// Issue 16 section 1: the one-time link opens a session once, within 10 minutes; the session cookie is signed,
// HttpOnly, SameSite=Lax, 8 hours; a change needs the session's CSRF token; signing out ends the session.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { dashboardRoutes } from '../../src/dashboard/routes.ts';
import { DashboardSignIn } from '../../src/dashboard/sign-in.ts';
import { answerError } from '../../src/error-handler.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { memoryLogger } from '../helpers/stack.ts';
import { sql } from 'kysely';

describe.each(DB_KINDS)('dashboard sign-in on %s', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  const clock = { now: new Date('2026-11-30T01:00:00Z') };
  let signIn: DashboardSignIn;
  let memberId: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await importCareRoster(t.db);
    memberId = (await sql<{ id: string }>`select id::text as id from members where userid = 'sunzongzhi'`.execute(t.db)).rows[0]!.id;
    app = Fastify();
    app.setErrorHandler(answerError);
    const config = { ...loadConfig({ QUIET_HOURS: '' }), host: '127.0.0.1', port: 0 };
    await app.register(dashboardRoutes, { deps: { config, db: t, clock: () => clock.now, log: memoryLogger().log } });
    await app.ready();
    signIn = new DashboardSignIn(t.db, () => clock.now);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie']).split(';')[0]!;

  it('a link opens one session; the cookie is signed, HttpOnly, Lax, 8 hours; reusing the link is refused', async () => {
    const { token } = await signIn.issueLink(memberId);
    const first = await app.inject({ method: 'GET', url: `/dashboard/login?t=${token}` });
    expect(first.statusCode).toBe(303);
    expect(first.headers['location']).toBe('/dashboard/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/^pc_session=[^;]+\.[^;]+;/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Max-Age=28800');
    expect(setCookie).toContain('Path=/dashboard');
    const home = await app.inject({ method: 'GET', url: '/dashboard/', headers: { cookie: cookieOf(first) } });
    // The GB secretary's home leads to their GB's page (src/dashboard/pages.ts); their own page names them.
    expect(home.statusCode).toBe(303);
    const own = await app.inject({ method: 'GET', url: `/dashboard/member/${memberId}`, headers: { cookie: cookieOf(first) } });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('孙总支');

    const again = await app.inject({ method: 'GET', url: `/dashboard/login?t=${token}` });
    expect(again.statusCode).toBe(403);
    expect(again.body).toContain('已经使用过');
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('a HEAD request (a link checker) does not use the link up', async () => {
    const { token } = await signIn.issueLink(memberId);
    const head = await app.inject({ method: 'HEAD', url: `/dashboard/login?t=${token}` });
    expect(head.headers['set-cookie']).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: `/dashboard/login?t=${token}` })).statusCode).toBe(303);
  });

  it('an expired or unknown link, a missing or altered cookie, and an expired session are refused', async () => {
    const { token } = await signIn.issueLink(memberId);
    clock.now = new Date(clock.now.getTime() + 10 * 60_000 + 1);
    const late = await app.inject({ method: 'GET', url: `/dashboard/login?t=${token}` });
    expect(late.statusCode).toBe(403);
    expect(late.body).toContain('已过期');
    expect((await app.inject({ method: 'GET', url: '/dashboard/login?t=nonsense' })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/dashboard/login' })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/dashboard/' })).statusCode).toBe(401);

    const fresh = await signIn.issueLink(memberId);
    const opened = await app.inject({ method: 'GET', url: `/dashboard/login?t=${fresh.token}` });
    const cookie = cookieOf(opened);
    const altered = cookie.replace(/=(.)/, (_m, c: string) => `=${c === 'A' ? 'B' : 'A'}`);
    expect((await app.inject({ method: 'GET', url: '/dashboard/', headers: { cookie: altered } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: `/dashboard/member/${memberId}`, headers: { cookie } })).statusCode).toBe(200);
    clock.now = new Date(clock.now.getTime() + 8 * 3_600_000 + 1);
    expect((await app.inject({ method: 'GET', url: '/dashboard/', headers: { cookie } })).statusCode).toBe(401);
  });

  it('signing out needs the CSRF token and ends the session', async () => {
    const { token } = await signIn.issueLink(memberId);
    const cookie = cookieOf(await app.inject({ method: 'GET', url: `/dashboard/login?t=${token}` }));
    const page = await app.inject({ method: 'GET', url: `/dashboard/member/${memberId}`, headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie };
    expect((await app.inject({ method: 'POST', url: '/dashboard/logout', headers: form, payload: '_csrf=wrong' })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/dashboard/member/${memberId}`, headers: { cookie } })).statusCode).toBe(200);
    const out = await app.inject({ method: 'POST', url: '/dashboard/logout', headers: form, payload: `_csrf=${encodeURIComponent(csrf)}` });
    expect(out.statusCode).toBe(200);
    expect(out.body).toContain('已退出');
    expect((await app.inject({ method: 'GET', url: '/dashboard/', headers: { cookie } })).statusCode).toBe(401);
  });

  it('a member who left cannot use their link', async () => {
    const { token } = await signIn.issueLink(memberId);
    await sql`update members set status = 'transferred_out' where id = ${memberId}`.execute(t.db);
    const res = await app.inject({ method: 'GET', url: `/dashboard/login?t=${token}` });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('不在册');
    await sql`update members set status = 'active' where id = ${memberId}`.execute(t.db);
  });
});
