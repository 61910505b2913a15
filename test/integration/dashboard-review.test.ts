// Issue 16 review: attacks on the dashboard that the role × page table does not cover — ids past the database's
// bigint (a 19-digit number the URL pattern lets through), a database error on a page, and what a person who
// signs in again leaves behind. Each answer must look like every other: the one 404 page, or a plain page that
// says nothing of the server.
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { FigureRepository, type BranchSet, type CareFigureReader } from '../../src/dashboard/figure-repository.ts';
import { FIGURE_KEYS, type FigurePeriod, type Figures } from '../../src/dashboard/figures.ts';
import { refreshDashboardSnapshots } from '../../src/dashboard/refresh.ts';
import { dashboardRoutes } from '../../src/dashboard/routes.ts';
import { DashboardSignIn } from '../../src/dashboard/sign-in.ts';
import type { DayCount, MonthPoint } from '../../src/dashboard/source.ts';
import { answerError } from '../../src/error-handler.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { memoryLogger } from '../helpers/stack.ts';

class KnownFigures implements CareFigureReader {
  readonly keys = FIGURE_KEYS;
  failing = false;
  read(b: BranchSet, _p: FigurePeriod): Promise<Map<string, Partial<Figures>>> {
    if (this.failing) return Promise.reject(Object.assign(new Error('canceling statement due to statement timeout on relation members'), { code: '57014' }));
    return Promise.resolve(new Map(b.branchIds.map((id) => [id, { members: 5 }])));
  }
  months(_b: BranchSet, _p: FigurePeriod): Promise<MonthPoint[]> {
    return Promise.resolve([]);
  }
  visitDays(_b: BranchSet, _p: FigurePeriod): Promise<DayCount[]> {
    return Promise.resolve([]);
  }
}

describe.each(DB_KINDS)('dashboard review on %s', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  const reader = new KnownFigures();
  const clock = { now: new Date('2026-11-30T02:00:00Z') };
  let signIn: DashboardSignIn;
  let odId: string;
  let committeeId: string;

  const idOf = async (q: string) => (await sql<{ id: string }>`${sql.raw(q)}`.execute(t.db)).rows[0]!.id;
  const signInAs = async (memberId: string, cookie?: string) => {
    const { token } = await signIn.issueLink(memberId);
    const res = await app.inject({ method: 'GET', url: `/dashboard/login?t=${token}`, headers: cookie ? { cookie } : {} });
    return String(res.headers['set-cookie']).split(';')[0]!;
  };

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await importCareRoster(t.db);
    app = Fastify();
    app.setErrorHandler(answerError);
    const config = { ...loadConfig({ QUIET_HOURS: '' }), host: '127.0.0.1', port: 0 };
    const figures = new FigureRepository(t.db, reader, []);
    await app.register(dashboardRoutes, { deps: { config, db: t, clock: () => clock.now, log: memoryLogger().log }, figures });
    await app.ready();
    signIn = new DashboardSignIn(t.db, () => clock.now);
    odId = await idOf(`select id::text as id from members where userid = 'zhaozuzhi'`);
    committeeId = await idOf(`select id::text as id from organisations where kind = 'committee'`);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('ids past the largest bigint answer the one 404 page, not a server error', async () => {
    const cookie = await signInAs(odId);
    const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
    const notFound = (await get('/dashboard/org/999999999')).body;
    expect(notFound).toContain('页面不存在');
    for (const url of ['/dashboard/org/9223372036854775808', '/dashboard/org/9999999999999999999', '/dashboard/member/9999999999999999999', '/dashboard/download/talks?org=9999999999999999999&format=csv']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).toBe(notFound);
    }
  });

  it('a database error on a page answers a plain Chinese page that says nothing of the server (not the JSON of the API)', async () => {
    const cookie = await signInAs(odId);
    reader.failing = true;
    try {
      const res = await app.inject({ method: 'GET', url: `/dashboard/org/${committeeId}`, headers: { cookie } });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toContain('暂时无法显示');
      expect(res.body).not.toMatch(/statement timeout|members|57014|internal error/);
    } finally {
      reader.failing = false;
    }
  });

  it('the address without its slash leads to the dashboard; an unknown path answers the one 404 page (signed in) or the sign-in page', async () => {
    const cookie = await signInAs(odId);
    const bare = await app.inject({ method: 'GET', url: '/dashboard' });
    expect(bare.statusCode).toBe(308);
    expect(bare.headers.location).toBe('/dashboard/');
    const notFound = (await app.inject({ method: 'GET', url: '/dashboard/org/999999999', headers: { cookie } })).body;
    for (const url of ['/dashboard/nonsense', '/dashboard/logout', '/dashboard/org/1/extra', '/dashboard/%E5%90%8E%E5%8F%B0']) {
      const res = await app.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).toBe(notFound);
      const anonymous = await app.inject({ method: 'GET', url });
      expect(anonymous.statusCode, url).toBe(401);
      expect(anonymous.body, url).toContain('请先登录');
    }
  });

  it('links and sessions are forgotten 30 days after they expired (the refresh job purges them); younger ones are kept', async () => {
    const at = (days: number) => new Date(clock.now.getTime() - days * 86_400_000);
    await new DashboardSignIn(t.db, () => at(40)).issueLink(odId);
    await new DashboardSignIn(t.db, () => at(5)).issueLink(odId);
    await new DashboardSignIn(t.db, () => at(40)).startSession(odId, 'link');
    await new DashboardSignIn(t.db, () => at(5)).startSession(odId, 'link');
    const count = async (table: 'dashboard_links' | 'dashboard_sessions', before: Date) =>
      Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)} where created_at = ${before}`.execute(t.db)).rows[0]!.n);
    expect([await count('dashboard_links', at(40)), await count('dashboard_sessions', at(40))]).toEqual([1, 1]);
    await refreshDashboardSnapshots({ db: t.db, clock: () => clock.now, timezone: 'Asia/Shanghai', log: memoryLogger().log });
    expect([await count('dashboard_links', at(40)), await count('dashboard_sessions', at(40))]).toEqual([0, 0]);
    expect([await count('dashboard_links', at(5)), await count('dashboard_sessions', at(5))]).toEqual([1, 1]);
  });

  it('one link opened twice at once opens one session; the other is refused as used', async () => {
    const { token } = await signIn.issueLink(odId);
    const before = Number((await sql<{ n: string }>`select count(*)::text as n from dashboard_sessions`.execute(t.db)).rows[0]!.n);
    const answers = await Promise.all([1, 2, 3].map(() => app.inject({ method: 'GET', url: `/dashboard/login?t=${token}` })));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([303, 403, 403]);
    const after = Number((await sql<{ n: string }>`select count(*)::text as n from dashboard_sessions`.execute(t.db)).rows[0]!.n);
    expect(after - before).toBe(1);
  });

  it('with an https PUBLIC_URL the session cookie is Secure (and HttpOnly, SameSite=Lax, below /dashboard)', async () => {
    const secureApp = Fastify();
    try {
      const config = { ...loadConfig({ QUIET_HOURS: '', PUBLIC_URL: 'https://dangjian.example.edu.cn' }), host: '127.0.0.1', port: 0 };
      await secureApp.register(dashboardRoutes, { deps: { config, db: t, clock: () => clock.now, log: memoryLogger().log }, figures: new FigureRepository(t.db, reader, []) });
      const { token } = await signIn.issueLink(odId);
      const res = await secureApp.inject({ method: 'GET', url: `/dashboard/login?t=${token}` });
      expect(res.statusCode).toBe(303);
      const set = String(res.headers['set-cookie']);
      for (const flag of ['Secure', 'HttpOnly', 'SameSite=Lax', 'Path=/dashboard']) expect(set).toContain(flag);
    } finally {
      await secureApp.close();
    }
  });
});
