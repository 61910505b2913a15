// Issue 8, point 10: every admin request is audit-logged (a log line at info and an admin_audit row, never the
// token, never row contents), and wrong tokens are throttled per address in Redis (429 with Retry-After, even
// with the right token), falling back to an in-process counter when Redis is down.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminRoutes, type AdminDeps, type AdminRouteOptions } from '../../src/admin/routes.ts';
import type { Config } from '../../src/config.ts';
import { answerError } from '../../src/error-handler.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { freePort } from '../helpers/redis-server.ts';
import { csv } from '../helpers/roster-fixture.ts';
import { cleanRedisPrefix, memoryLogger, waitFor } from '../helpers/stack.ts';

const TOKEN = 'admin-audit-test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const CLOCK_ISO = '2026-11-26T00:00:00.000Z';

interface Built {
  app: FastifyInstance;
  lines: string[];
  clock: { now: Date };
}

async function build(db: TestDb, redis: Redis, queuePrefix: string, opts: AdminRouteOptions = {}): Promise<Built> {
  const app = Fastify();
  const { log, lines } = memoryLogger('info');
  const clock = { now: new Date(CLOCK_ISO) };
  const deps: AdminDeps = { config: { adminToken: TOKEN, timezone: 'Asia/Shanghai' } as Config, db, clock: () => clock.now, log, redis, queuePrefix };
  app.setErrorHandler(answerError);
  await app.register(adminRoutes, { deps, ...opts });
  await app.ready();
  return { app, lines, clock };
}

const audits = (lines: string[]) => lines.map((l) => JSON.parse(l)).filter((l) => l.adminAudit).map((l) => l.adminAudit);

describe.each(DB_KINDS)('admin audit on %s', (kind) => {
  let t: TestDb;
  let b: Built;
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = `pctaudit${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    b = await build(t, redis, prefix);
  });
  afterAll(async () => {
    await b.app.close();
    await t.drop();
    await cleanRedisPrefix(prefix);
    redis.disconnect();
  });
  beforeEach(async () => {
    await sql`truncate members, organisations, admin_audit cascade`.execute(t.db);
    b.lines.length = 0;
  });

  it('records who imported and exported how many rows, at the injected clock, without the token or any row (issue 8.10)', async () => {
    const imported = await b.app.inject({ method: 'POST', url: '/admin/roster/import?dryRun=0', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv() });
    expect(imported.statusCode).toBe(200);
    const exported = await b.app.inject({ method: 'GET', url: '/admin/roster/export?format=csv', headers: auth });
    expect(exported.statusCode).toBe(200);
    const refused = await b.app.inject({ method: 'GET', url: '/admin/roster/export', headers: { authorization: 'Bearer wrong' }, remoteAddress: '10.1.2.3' });
    expect(refused.statusCode).toBe(401);

    const rows = await waitFor(async () => {
      const r = await sql<Record<string, unknown>>`select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as at, actor, ip, method, route, path, query, status, rows, job_id is not null as job
        from admin_audit order by id`.execute(t.db);
      return r.rows.length === 3 ? r.rows : undefined;
    }, 60_000, 'three audit rows');
    // The row is written after the answer, so two requests' rows may land in either order: compare them sorted.
    const key = (r: Record<string, unknown>) => `${String(r['method'])} ${String(r['status'])}`;
    expect([...rows].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([
      { at: '2026-11-26T00:00:00', actor: 'admin token', ip: '127.0.0.1', method: 'GET', route: '/admin/roster/export', path: '/admin/roster/export', query: { format: 'csv' }, status: 200, rows: 9, job: false },
      { at: '2026-11-26T00:00:00', actor: 'none (refused)', ip: '10.1.2.3', method: 'GET', route: '/admin/roster/export', path: '/admin/roster/export', query: {}, status: 401, rows: null, job: false },
      { at: '2026-11-26T00:00:00', actor: 'admin token', ip: '127.0.0.1', method: 'POST', route: '/admin/roster/import', path: '/admin/roster/import', query: { dryRun: '0' }, status: 200, rows: 9, job: true },
    ]);

    const logged = audits(b.lines);
    expect(logged).toHaveLength(3);
    expect(logged.find((l) => l.method === 'POST')).toMatchObject({ actor: 'admin token', ip: '127.0.0.1', route: '/admin/roster/import', status: 200, rows: 9 });
    expect(logged.find((l) => l.method === 'GET' && l.status === 200)).toMatchObject({ route: '/admin/roster/export', rows: 9 });
    expect(logged.find((l) => l.status === 401)).toMatchObject({ actor: 'none (refused)', route: '/admin/roster/export' });
    const all = b.lines.join('');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('李书记');
    expect(all).not.toContain('13900000001');
  });
});

describe('wrong admin tokens are throttled (issue 8.10)', () => {
  let t: TestDb;
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = `pctthrottle${randomBytes(5).toString('hex')}`;
  const wrong = { authorization: 'Bearer not-the-admin-token-0123456789abcdef' };

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await t.drop();
    await cleanRedisPrefix(prefix);
    redis.disconnect();
  });

  it('after 10 wrong tokens from one address, 429 with Retry-After even with the right token; shared by every process through Redis', async () => {
    const one = await build(t, redis, prefix);
    const other = await build(t, redis, prefix); // a second server process on the same Redis
    const from = (app: FastifyInstance, headers: Record<string, string>, remoteAddress: string) =>
      app.inject({ method: 'GET', url: '/admin/roster/export', headers, remoteAddress });
    for (let i = 0; i < 10; i++) expect((await from(i % 2 ? one.app : other.app, wrong, '10.9.9.9')).statusCode).toBe(401);

    for (const app of [one.app, other.app]) {
      const blocked = await from(app, auth, '10.9.9.9');
      expect(blocked.statusCode).toBe(429);
      const retryAfter = Number(blocked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(300);
    }
    // Another address is not affected; the counter lives in Redis under the deployment's prefix.
    expect((await from(one.app, auth, '10.9.9.10')).statusCode).toBe(200);
    expect(await redis.pttl(`${prefix}:admin-auth:block:10.9.9.9`)).toBeGreaterThan(0);
    // Throttled requests are logged, not stored.
    expect(audits(one.lines).some((a) => a.status === 429 && a.ip === '10.9.9.9')).toBe(true);
    await one.app.close();
    await other.app.close();
  });

  it('nine wrong tokens and then the right one: no throttle', async () => {
    const { app } = await build(t, redis, prefix);
    for (let i = 0; i < 9; i++) expect((await app.inject({ method: 'GET', url: '/admin/roster/export', headers: wrong, remoteAddress: '10.8.8.8' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/admin/roster/export', headers: auth, remoteAddress: '10.8.8.8' })).statusCode).toBe(200);
    await app.close();
  });

  it('counts in the process when Redis is down, and says so; the cooldown ends on the clock', async () => {
    const port = await freePort(); // nothing listens there
    const down = new Redis(`redis://127.0.0.1:${port}`, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    down.on('error', () => {});
    const { app, lines, clock } = await build(t, down, prefix, { throttle: { redisTimeoutMs: 2_000 } });
    const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/admin/roster/export', headers, remoteAddress: '10.7.7.7' });
    for (let i = 0; i < 10; i++) expect((await get(wrong)).statusCode).toBe(401);
    const blocked = await get(auth);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('300');
    expect(lines.join('')).toContain('counting wrong tokens in this process only');
    clock.now = new Date(Date.parse(CLOCK_ISO) + 5 * 60_000 + 1_000);
    expect((await get(auth)).statusCode).toBe(200);
    await app.close();
    down.disconnect();
  });
});
