// Issue 11 point 15, settings without SQL: `settings list|get|set` and GET/PUT /admin/settings(/:key) (behind
// ADMIN_TOKEN, audited), one schema per key checked on write; the political-birthday basis set through the CLI
// changes the greeting's words; the old `schedule` and `obligation_due_days` objects move to named rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminRoutes, type AdminDeps } from '../../src/admin/routes.ts';
import { runCli } from '../../src/cli.ts';
import { loadConfig } from '../../src/config.ts';
import { buildDeps } from '../../src/deps.ts';
import { connectDatabase, type DbHandle } from '../../src/db/connect.ts';
import { FolderMigrationProvider, migrateToLatest } from '../../src/db/migrate.ts';
import { answerError } from '../../src/error-handler.ts';
import { loadObligationSettings } from '../../src/care/obligations.ts';
import { loadCalendarSettings } from '../../src/notices/settings.ts';
import { decideNotices } from '../../src/notices/sweep.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type DbKind, type TestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { cleanRedisPrefix, memoryLogger, waitFor } from '../helpers/stack.ts';

const TOKEN = 'settings-test-admin-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

describe.each(DB_KINDS)('settings CLI on %s', (kind: DbKind) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-settings-cli-'));
  let t: TestDb | undefined;
  const saved = { ...process.env };
  const env = (): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...saved, LOG_LEVEL: 'silent', QUIET_HOURS: '' };
    delete e.DATABASE_URL;
    delete e.DATA_DIR;
    if (kind === 'postgres') e.DATABASE_URL = t!.url;
    else e.DATA_DIR = path.join(dir, 'data');
    return e;
  };
  /** The database as the CLI sees it, opened only between CLI runs (a PGlite directory has one user). */
  const withDb = async <T>(fn: (db: DbHandle) => Promise<T>): Promise<T> => {
    const h = kind === 'postgres' ? await connectDatabase({ databaseUrl: t!.url }) : await connectDatabase({ dataDir: path.join(dir, 'data') });
    try {
      return await fn(h);
    } finally {
      await h.close();
    }
  };
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const errs: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => errs.push(String(chunk)) > 0));
    process.env = env();
    try {
      const code = await runCli(args, (l) => out.push(l) > 0);
      return { code, stdout: out.join('\n'), stderr: errs.join('') };
    } finally {
      process.env = saved;
      stderr.mockRestore();
    }
  };

  beforeAll(async () => {
    if (kind === 'postgres') t = await createTestDatabase('postgres');
    await withDb(async (h) => {
      await migrateToLatest(h.db);
      await importCareRoster(h.db);
    });
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every setting with value, default and description; gets one as JSON', async () => {
    const list = await cli('settings', 'list');
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines[0]).toMatch(/^key\s+value\s+default\s+description$/);
    expect(lines.find((l) => l.startsWith('defer_max_count'))).toMatch(/^defer_max_count\s+2\s+2\s+同一事项最多可延期的次数/);
    expect(lines.find((l) => l.startsWith('death_visit_due_days'))).toMatch(/\s3\s+3\s+党员本人亡故的慰问走访期限/);
    expect(lines.find((l) => l.startsWith('excellent_member_cap_percent'))).toMatch(/\s15\s+15\s+党总支评选优秀党员的比例上限/);
    expect(lines.find((l) => l.startsWith('excellent_member_cap_percent'))).not.toContain('[planned]');
    expect(lines.find((l) => l.startsWith('suggestion_reply_days'))).toMatch(/\s7\s+7\s/);
    expect(lines.find((l) => l.startsWith('suggestion_reply_days'))).not.toContain('[planned]');
    // The environment gives quiet hours' default (QUIET_HOURS='' here: none).
    expect(lines.find((l) => l.startsWith('quiet_hours'))).toMatch(/^quiet_hours\s+""\s+""\s/);
    expect(lines.some((l) => l.startsWith('old_member_thresholds'))).toBe(false);

    const json = await cli('settings', 'list', '--json');
    expect(JSON.parse(json.stdout).map((v: { key: string }) => v.key)).toContain('leadership_evaluation_days');
    const one = await cli('settings', 'get', 'old_member_age');
    expect(JSON.parse(one.stdout)).toMatchObject({ key: 'old_member_age', value: 80, default: 80, stored: false });
  });

  it('sets a value checked against its schema; refuses a bad one naming the key and what it accepts', async () => {
    const bad = await cli('settings', 'set', 'defer_max_count', '-1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('设置项“defer_max_count”的值无效：应为0至10之间的整数（次）（收到 -1）');
    expect(bad.stderr).toContain('Setting "defer_max_count" accepts a whole number of times from 0 to 10');
    const unknown = await cli('settings', 'set', 'old_member_thresholds', '{"partyAge":40}');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('没有名为“old_member_thresholds”的设置项');
    expect((await cli('settings', 'set', 'defer_days')).code).toBe(2);

    const good = await cli('settings', 'set', 'old_member_party_age', '40');
    expect(good).toMatchObject({ code: 0, stdout: 'old_member_party_age = 40 (was 50) （即时生效 / in force now）' });
    const restart = await cli('settings', 'set', 'quiet_hours', '22:00-07:00');
    expect(restart.stdout).toContain('quiet_hours = "22:00-07:00" (was "")');
    expect(restart.stdout).toContain('applies when the server and worker restart');
    await withDb(async (h) => {
      expect((await loadCalendarSettings(h.db)).schedule.oldMemberPartyAge).toBe(40);
      const rows = await sql<{ key: string; value: unknown }>`select key, value from settings where key in ('old_member_party_age', 'quiet_hours', 'defer_max_count') order by key`.execute(h.db);
      expect(rows.rows).toEqual([
        { key: 'old_member_party_age', value: 40 },
        { key: 'quiet_hours', value: '22:00-07:00' },
      ]);
    });
    // The stored quiet hours replace QUIET_HOURS in the next process's config.
    const shown = await cli('settings', 'get', 'quiet_hours');
    expect(JSON.parse(shown.stdout)).toMatchObject({ value: '22:00-07:00', default: '', stored: true, appliesOnRestart: true });
  });

  it('the political-birthday basis set through the CLI changes the greeting: 转正, not 入党 (issue 11 point 15)', async () => {
    const greeting = async () =>
      withDb(async (h) => {
        const notices = await decideNotices({ db: h.db }, '2026-11-26', false);
        const g = notices.find((n) => n.kind === 'birthday_greeting' && n.recipientUserid === 'wushengri')!;
        const list = notices.find((n) => n.kind === 'birthday_month_list' && n.recipientUserid === 'zhouzhishu');
        return { greeting: (g.message as { content: string }).content, list: list ? (list.message as { content: string }).content : '' };
      });
    const before = await greeting();
    expect(before.greeting).toContain('今天是您入党14周年的政治生日（2012年11月26日入党）');

    expect((await cli('settings', 'set', 'political_birthday_basis', 'full_member_date')).code).toBe(0);
    const after = await greeting();
    // 吴生日 became a full member on 2013-11-26.
    expect(after.greeting).toContain('今天是您转正13周年的政治生日（2013年11月26日转正）');
    expect(after.greeting).not.toContain('入党14周年');
    expect((await cli('settings', 'set', 'political_birthday_basis', '"join_date"')).code).toBe(0);
    expect((await greeting()).greeting).toContain('入党14周年');
  });
});

describe.each(DB_KINDS)('GET/PUT /admin/settings on %s', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let lines: string[];
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = `pctsettings${randomBytes(5).toString('hex')}`;
  const clock = { now: new Date('2026-11-30T02:00:00.000Z') };

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    const logger = memoryLogger('info');
    lines = logger.lines;
    const config = loadConfig({ ADMIN_TOKEN: TOKEN, QUIET_HOURS: '21:30-07:30', APP_TIMEZONE: 'Asia/Urumqi' });
    const deps: AdminDeps = { config, db: t, clock: () => clock.now, log: logger.log, redis, queuePrefix: prefix };
    app = Fastify();
    app.setErrorHandler(answerError);
    await app.register(adminRoutes, { deps });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
    await cleanRedisPrefix(prefix);
    redis.disconnect();
  });

  it('refuses without the token: 401, nothing changed', async () => {
    expect((await app.inject({ method: 'GET', url: '/admin/settings' })).statusCode).toBe(401);
    const put = await app.inject({ method: 'PUT', url: '/admin/settings/defer_days', payload: { value: 9 }, headers: { authorization: 'Bearer wrong' } });
    expect(put.statusCode).toBe(401);
    expect((await sql`select key from settings where key = 'defer_days'`.execute(t.db)).rows).toEqual([]);
  });

  it('lists, gets and puts a setting, recorded in admin_audit; the environment gives the time zone and quiet hours defaults', async () => {
    const list = await app.inject({ method: 'GET', url: '/admin/settings', headers: auth });
    expect(list.statusCode).toBe(200);
    const byKey = Object.fromEntries(list.json().settings.map((s: { key: string }) => [s.key, s]));
    expect(byKey.defer_days).toMatchObject({ value: 3, default: 3, stored: false, status: 'in_use', descriptionZh: '每次“延期”顺延的天数' });
    expect(byKey.time_zone).toMatchObject({ value: 'Asia/Urumqi', default: 'Asia/Urumqi', appliesOnRestart: true });
    expect(byKey.quiet_hours).toMatchObject({ value: '21:30-07:30' });
    expect(byKey.announcement_reminder_days).toMatchObject({ value: 3, status: 'in_use' });

    const put = await app.inject({ method: 'PUT', url: '/admin/settings/defer_days', payload: { value: 5 }, headers: auth });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ key: 'defer_days', value: 5, default: 3, stored: true, updatedAt: clock.now.toISOString() });
    const got = await app.inject({ method: 'GET', url: '/admin/settings/defer_days', headers: auth });
    expect(got.json()).toMatchObject({ value: 5 });

    const rows = await waitFor(async () => {
      const r = await sql<{ method: string; route: string; path: string; status: number }>`select method, route, path, status from admin_audit where path like '/admin/settings/defer_days' order by id`.execute(t.db);
      return r.rows.length === 3 ? r.rows : undefined;
    }, 30_000, 'audit rows');
    expect(rows).toEqual([
      // The refused PUT of the test before.
      { method: 'PUT', route: '/admin/settings/:key', path: '/admin/settings/defer_days', status: 401 },
      { method: 'PUT', route: '/admin/settings/:key', path: '/admin/settings/defer_days', status: 200 },
      { method: 'GET', route: '/admin/settings/:key', path: '/admin/settings/defer_days', status: 200 },
    ]);
    expect(lines.join('')).toContain('/admin/settings/defer_days');
  });

  it('refuses a bad value (400) and an unknown key (404) naming the key; a body without value (400)', async () => {
    const bad = await app.inject({ method: 'PUT', url: '/admin/settings/political_birthday_basis', payload: { value: '转正' }, headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_setting', details: { key: 'political_birthday_basis' } } });
    expect(bad.json().error.message).toContain('设置项“political_birthday_basis”的值无效：应为"join_date"（入党日期）或"full_member_date"（转正日期）');
    expect(bad.json().error.message).toContain('accepts one of "join_date", "full_member_date"');
    const unknown = await app.inject({ method: 'GET', url: '/admin/settings/schedule', headers: auth });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'unknown_setting', details: { key: 'schedule' } } });
    const noValue = await app.inject({ method: 'PUT', url: '/admin/settings/defer_days', payload: { days: 4 }, headers: auth });
    expect(noValue.statusCode).toBe(400);
    expect(noValue.json().error).toMatchObject({ code: 'invalid_request', details: { field: 'body.value' } });
    expect((await loadObligationSettings(t.db)).visitDueDays).toBe(7);
  });

  it('a stored time zone and quiet hours replace APP_TIMEZONE and QUIET_HOURS when a process starts', async () => {
    for (const [key, value] of [['time_zone', 'Asia/Hong_Kong'], ['quiet_hours', '22:00-07:00']] as const) {
      expect((await app.inject({ method: 'PUT', url: `/admin/settings/${key}`, payload: { value }, headers: auth })).json()).toMatchObject({ value, appliesOnRestart: true });
    }
    const deps = await buildDeps(loadConfig({ REDIS_URL: TEST_REDIS_URL, QUIET_HOURS: '', APP_TIMEZONE: 'Asia/Urumqi' }), { db: t, queuePrefix: prefix, log: memoryLogger('warn').log });
    try {
      expect(deps.config.timezone).toBe('Asia/Hong_Kong');
      expect(deps.config.quietHours?.text).toBe('22:00-07:00');
      expect(deps.config.settingDefaults).toEqual({ time_zone: 'Asia/Urumqi', quiet_hours: '' });
    } finally {
      await deps.close();
    }
  });
});

describe.each(DB_KINDS)('named-settings migration on %s', (kind) => {
  it('moves schedule and obligation_due_days to one row per setting, and back on down', async () => {
    const db = await createTestDatabase(kind, { migrate: false });
    try {
      const migrator = new Migrator({ db: db.db, provider: new FolderMigrationProvider() });
      expect((await migrator.migrateTo('2026113001_drop_old_member_thresholds')).error).toBeUndefined();
      await sql`insert into settings (key, value) values
        ('schedule', '{"leapDayRule": "mar1", "oldMemberAge": 75, "extraHolidays": [{"id": "chongyang", "name": "重阳节", "rule": "lunar:09-09"}]}'::jsonb),
        ('obligation_due_days', '{"talkDueDays": 10}'::jsonb)`.execute(db.db);
      expect((await migrator.migrateTo('2026113010_named_settings')).error).toBeUndefined();
      const cal = await loadCalendarSettings(db.db);
      expect(cal.schedule).toMatchObject({ leapDayRule: 'mar1', oldMemberAge: 75, oldMemberPartyAge: 50, extraHolidays: [{ id: 'chongyang', name: '重阳节', rule: 'lunar:09-09' }] });
      expect(await loadObligationSettings(db.db)).toEqual({ visitDueDays: 7, deathVisitDueDays: 3, talkDueDays: 10 });
      const keys = await sql<{ key: string }>`select key from settings where key <> 'instance_id' order by key`.execute(db.db);
      expect(keys.rows.map((r) => r.key)).toEqual(['extra_holidays', 'leap_day_rule', 'old_member_age', 'talk_due_days']);

      expect((await migrator.migrateTo('2026113001_drop_old_member_thresholds')).error).toBeUndefined();
      const back = await sql<{ key: string; value: unknown }>`select key, value from settings order by key`.execute(db.db);
      expect(back.rows).toEqual([
        { key: 'obligation_due_days', value: { talkDueDays: 10 } },
        { key: 'schedule', value: { leapDayRule: 'mar1', oldMemberAge: 75, extraHolidays: [{ id: 'chongyang', name: '重阳节', rule: 'lunar:09-09' }] } },
      ]);
    } finally {
      await db.drop();
    }
  });
});
