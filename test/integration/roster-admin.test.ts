import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { Redis } from 'ioredis';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminRoutes, bearerMatches, XLSX_MIME, type AdminDeps } from '../../src/admin/routes.ts';
import type { Config } from '../../src/config.ts';
import { answerError } from '../../src/error-handler.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { csv, FIXTURE_ROWS, HEADER } from '../helpers/roster-fixture.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { cleanRedisPrefix, memoryLogger } from '../helpers/stack.ts';

// ADMIN_TOKEN must be at least 32 characters (src/config.ts).
const TOKEN = 'test-admin-token-0123456789abcdefghij';
// 2026-11-26 08:00 in Shanghai, 00:00 UTC: the import's "today" must be the organisation's date.
const CLOCK = new Date('2026-11-26T00:00:00Z');

const redis = new Redis(TEST_REDIS_URL);
const queuePrefix = `pctadmin${randomBytes(5).toString('hex')}`;
afterAll(async () => {
  await cleanRedisPrefix(queuePrefix);
  redis.disconnect();
});

async function buildApp(db: TestDb, adminToken: string | undefined): Promise<FastifyInstance> {
  const app = Fastify();
  const { log } = memoryLogger();
  const deps: AdminDeps = { config: { adminToken, timezone: 'Asia/Shanghai' } as Config, db, clock: () => CLOCK, log, redis, queuePrefix };
  app.setErrorHandler(answerError);
  await app.register(adminRoutes, { deps });
  await app.ready();
  return app;
}

describe('bearerMatches', () => {
  it('accepts only the exact token', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(bearerMatches(TOKEN, TOKEN)).toBe(false);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
    expect(bearerMatches('Bearer ', TOKEN)).toBe(false);
  });
});

describe.each(DB_KINDS)('admin roster routes on %s', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const members = async () => Number((await sql<{ n: string }>`select count(*)::text as n from members`.execute(t.db)).rows[0]!.n);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    app = await buildApp(t, TOKEN);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });
  beforeEach(async () => {
    await sql`truncate members, organisations cascade`.execute(t.db);
  });

  it('answers 404 when no ADMIN_TOKEN is configured', async () => {
    const off = await buildApp(t, undefined);
    const res = await off.inject({ method: 'POST', url: '/admin/roster/import', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv() });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'admin endpoints disabled' } });
    await off.close();
    expect(await members()).toBe(0);
  });

  it('refuses a missing or wrong token with 401 and writes nothing', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }]) {
      const res = await app.inject({ method: 'POST', url: '/admin/roster/import', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv() });
      expect(res.statusCode).toBe(401);
    }
    expect((await app.inject({ method: 'GET', url: '/admin/roster/export' })).statusCode).toBe(401);
    expect(await members()).toBe(0);
  });

  it('imports a CSV and returns the report; a dry run writes nothing', async () => {
    const dry = await app.inject({ method: 'POST', url: '/admin/roster/import?dryRun=1', headers: { ...auth, 'content-type': 'text/csv; charset=utf-8' }, payload: csv() });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, members: { created: 9 } });
    expect(await members()).toBe(0);

    const res = await app.inject({ method: 'POST', url: '/admin/roster/import', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: false, members: { created: 9, updated: 0, unchanged: 0 } });
    expect(await members()).toBe(9);
  });

  it('retires missing members as of the organisation\'s date', async () => {
    await app.inject({ method: 'POST', url: '/admin/roster/import', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv() });
    const res = await app.inject({
      method: 'POST',
      url: '/admin/roster/import?retireMissing=1',
      headers: { ...auth, 'content-type': 'text/csv' },
      payload: csv(FIXTURE_ROWS.slice(0, -1)),
    });
    expect(res.json()).toMatchObject({ members: { retired: 1 }, missing: { count: 1 } });
    const r = await sql<{ d: string }>`select to_char(status_changed_on, 'YYYY-MM-DD') as d from members where status = 'transferred_out'`.execute(t.db);
    expect(r.rows).toEqual([{ d: '2026-11-26' }]);
  });

  it('answers 400 with every bad row, and writes nothing', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/admin/roster/import',
      headers: { ...auth, 'content-type': 'text/csv' },
      payload: csv([...FIXTURE_ROWS, '坏,,男,,2020-02-30,,G,B,,,,']),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'roster_rows', message: '名册有误，未写入任何数据', details: { errors: [{ row: 11, column: '入党日期', reason: '入党日期「2020-02-30」不是存在的日期' }] } },
    });
    expect(await members()).toBe(0);
  });

  it('imports xlsx sent as octet-stream or its own type, and refuses an empty or corrupt body', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(HEADER.split(','));
    ws.addRow(['王芳', 'wangfang01', '女', null, new Date(Date.UTC(2000, 1, 29)), null, 'G', 'B']);
    const body = Buffer.from(await wb.xlsx.writeBuffer());
    for (const type of ['application/octet-stream', XLSX_MIME]) {
      const res = await app.inject({ method: 'POST', url: '/admin/roster/import', headers: { ...auth, 'content-type': type }, payload: body });
      expect(res.statusCode).toBe(200);
    }
    expect(await members()).toBe(1);
    const empty = await app.inject({ method: 'POST', url: '/admin/roster/import', headers: { ...auth, 'content-type': 'text/csv' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    const corrupt = await app.inject({ method: 'POST', url: '/admin/roster/import', headers: { ...auth, 'content-type': 'application/octet-stream' }, payload: Buffer.from('PK\u0003\u0004garbage') });
    expect(corrupt.statusCode).toBe(400);
    expect(corrupt.json().error.message).toContain('无法读取名册文件');
  });

  it('exports the roster as CSV or XLSX', async () => {
    await app.inject({ method: 'POST', url: '/admin/roster/import', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv() });
    const res = await app.inject({ method: 'GET', url: '/admin/roster/export', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    // The export adds 钉钉账号 (issue 15), 突出贡献 (issue 11 point 5) and 党代会代表 (issue 14).
    expect(res.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(`${HEADER.replace('账号,', '账号,钉钉账号,')},突出贡献,党代会代表`);
    const x = await app.inject({ method: 'GET', url: '/admin/roster/export?format=xlsx', headers: auth });
    expect(x.headers['content-type']).toBe(XLSX_MIME);
    expect(x.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect((await app.inject({ method: 'GET', url: '/admin/roster/export?format=pdf', headers: auth })).statusCode).toBe(400);
  });

  it('imports and exports 钉钉账号 (issue 15); a member with only a DingTalk account exports with an empty 账号', async () => {
    const rows = ['王芳,wangfang01,wfding,女,,1992-07-01,,数学学院党总支,教工党支部', '钉钉新,,dingxin01,男,,2020-01-01,,数学学院党总支,教工党支部'];
    const file = csv(rows, '姓名,账号,钉钉账号,性别,出生日期,入党日期,转正日期,党总支,党支部');
    const res = await app.inject({ method: 'POST', url: '/admin/roster/import', headers: { ...auth, 'content-type': 'text/csv' }, payload: file });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ members: { created: 2 } });
    const stored = await sql<{ userid: string; fromDt: boolean }>`select userid, userid_from_dingtalk as "fromDt" from members where name = '钉钉新'`.execute(t.db);
    expect(stored.rows).toEqual([{ userid: 'dingxin01', fromDt: true }]);
    const lines = (await app.inject({ method: 'GET', url: '/admin/roster/export', headers: auth })).body.split('\r\n');
    expect(lines).toContain('钉钉新,,dingxin01,男,,2020-01-01,,数学学院党总支,教工党支部,,,,,否,否');
    expect(lines).toContain('王芳,wangfang01,wfding,女,,1992-07-01,,数学学院党总支,教工党支部,,,,,否,否');
  });
});
