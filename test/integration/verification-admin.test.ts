// Issue 12, section 2: the verification through the admin API (PostgreSQL and PGlite) and the CLI
// `hardship-reviewed` — the same submission as 核实完毕 in chat, checked by the same access rule, all or nothing,
// with clear refusals (an English message with a code), and the OD told through a stored delivery.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminRoutes, type AdminDeps } from '../../src/admin/routes.ts';
import { runCli } from '../../src/cli.ts';
import { loadConfig } from '../../src/config.ts';
import { answerError } from '../../src/error-handler.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { cleanRedisPrefix, memoryLogger } from '../helpers/stack.ts';

const TOKEN = 'verification-admin-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const MORE_ROWS = [
  '王芳,wangfang1,女,1970-01-01,1995-01-01,1996-01-01,计算机学院党总支,教工第一党支部,,,',
  '王芳,wangfang2,女,1972-01-01,1996-01-01,1997-01-01,计算机学院党总支,学生党支部,,,',
];

async function approve(t: TestDb, userid: string, causes: Array<'illness' | 'old_age'>) {
  const m = await t.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow();
  await t.db.insertInto('hardship_registry').values({ member_id: m.id, causes, status: 'approved', source: 'self', decided_at: new Date('2026-01-01T00:00:00Z') }).execute();
}

describe.each(DB_KINDS)('/admin/assistance/verification on %s', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = `pctverify${randomBytes(5).toString('hex')}`;
  const clock = { now: new Date('2026-11-10T02:00:00.000Z') };
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object, headers: auth });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await importCareRoster(t.db, [...CARE_ROWS, ...MORE_ROWS]);
    await approve(t, 'wangfang1', ['illness']);
    await approve(t, 'wangfang2', ['illness']);
    await approve(t, 'zhenglao', ['old_age']);
    const config = loadConfig({ ADMIN_TOKEN: TOKEN, QUIET_HOURS: '' });
    // No outbox: what the routes tell people is stored, and the relay would send it.
    const deps: AdminDeps = { config, db: t, clock: () => clock.now, log: memoryLogger('silent').log, redis, queuePrefix: prefix };
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

  it('refuses what it cannot do, with a code, and writes nothing', async () => {
    const base = { generalBranch: '计算机学院党总支', period: '2026-11', actor: 'sunzongzhi' };
    const cases: Array<[unknown, number, string]> = [
      [{ ...base, period: '2026-10' }, 400, 'bad_period'],
      [{ ...base, period: '2027-05' }, 400, 'future_period'],
      [{ ...base, generalBranch: '文学院党总支' }, 404, 'unknown_general_branch'],
      [{ ...base, actor: 'nobody' }, 400, 'unknown_actor'],
      [{ ...base, actor: undefined }, 400, 'invalid_request'], // the schema's: body.actor required
      [{ ...base, actor: 'chuzhishu' }, 403, 'not_allowed'],
      [{ ...base, actor: 'zhouzhishu' }, 403, 'not_allowed'], // a GB committee member and branch secretary
      [{ ...base, changes: [{ action: 'add', member: '郑老党员' }] }, 400, 'unclear_changes'], // an added entry needs its causes
      [{ ...base, changes: 42 }, 400, 'bad_changes'], // taken as the text "42", which says nothing
      // What the schema refuses before the handler: an unknown cause code, a period not YYYY-MM, changes neither text nor a list.
      [{ ...base, changes: [{ action: 'confirm', member: '郑老党员', causes: ['poverty'] }] }, 400, 'invalid_request'],
      [{ ...base, period: '2026-5' }, 400, 'invalid_request'],
      [{ ...base, changes: { 王芳: '已好转' } }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const r = await post('/admin/assistance/verification/submit', body);
      expect([r.statusCode, r.json().error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect((await post('/admin/assistance/verification/changes', base)).json().error).toMatchObject({ code: 'invalid_request', details: { field: 'body.changes' } });
    expect((await post('/admin/assistance/verification/changes', { ...base, changes: [] })).json().error.code).toBe('no_changes');
    expect(await t.db.selectFrom('hardship_reviews').selectAll().execute()).toEqual([]);
    expect((await app.inject({ method: 'POST', url: '/admin/assistance/verification/submit', payload: base })).statusCode).toBe(401);
  });

  it('an unclear change answers each problem and applies none of the others', async () => {
    const r = await post('/admin/assistance/verification/changes', {
      generalBranch: '计算机学院党总支',
      period: '2026-11',
      actor: 'sunzongzhi',
      changes: '郑老党员 已好转；王芳 已好转；新增 李白 病',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details.problems.map((p: { line: number }) => p.line)).toEqual([2, 3]);
    const zheng = await t.db.selectFrom('hardship_registry').innerJoin('members', 'members.id', 'hardship_registry.member_id').select('hardship_registry.status').where('members.userid', '=', 'zhenglao').executeTakeFirstOrThrow();
    expect(zheng.status).toBe('approved');
  });

  it('changes as structured codes, then the submission; the OD is told through a stored delivery; a second submission is a 409', async () => {
    const changed = await post('/admin/assistance/verification/changes', {
      generalBranch: '计算机学院党总支',
      period: '2026-11',
      actor: 'sunzongzhi',
      changes: [
        { action: 'confirm', member: 'wangfang1', causes: ['illness', 'other'] },
        { action: 'archive', member: '王芳', branch: '学生党支部', reason: '已再就业' },
        { action: 'add', member: '冯无号', causes: ['disability'] },
      ],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ submitted: false, verifiedCount: 3, unmarked: 1, told: 1 }); // wangfang2 is told of the archive
    const submitted = await post('/admin/assistance/verification/submit', { generalBranch: '计算机学院党总支', period: '2026-11', actor: 'sunzongzhi', note: '党总支会议审定' });
    expect(submitted.json()).toMatchObject({ submitted: true, verifiedCount: 3, confirmedByDefault: 1, told: 1 });
    expect(submitted.json().changes.added.map((a: { name: string }) => a.name)).toEqual(['冯无号']);
    const od = await t.db.selectFrom('deliveries').select(['idempotency_key', 'message', 'push']).where('recipient', '=', 'zhaozuzhi').execute();
    expect(od).toHaveLength(1);
    expect(od[0]!.idempotency_key).toMatch(/^local-hv-report-\d+-2026-11-\d+$/);
    expect(od[0]!.push).toBe(true);
    expect(JSON.stringify(od[0]!.message)).toContain('核实后生活困难党员 3 名（其中 1 名未逐一标记，按无变化上报）');
    const again = await post('/admin/assistance/verification/submit', { generalBranch: '计算机学院党总支', period: '2026-11', actor: 'zhaozuzhi' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'already_submitted']);
  });

  it('GET shows every GB expected to verify, the report as sent and each entry with its mark', async () => {
    const r = await app.inject({ method: 'GET', url: '/admin/assistance/verification?period=2026-11', headers: auth });
    expect(r.statusCode).toBe(200);
    const gbs = r.json().generalBranches as Array<{ generalBranch: { name: string }; submitted: boolean; submittedBy: { name: string } | null; verifiedCount: number; note: string; entries: Array<Record<string, unknown>> }>;
    expect(gbs.map((g) => [g.generalBranch.name, g.submitted]).sort()).toEqual([
      ['数学学院党总支', false],
      ['机关党总支', false],
      ['计算机学院党总支', true],
    ].sort());
    const cs = gbs.find((g) => g.generalBranch.name === '计算机学院党总支')!;
    expect(cs).toMatchObject({ submittedBy: { name: '孙总支' }, verifiedCount: 3, note: '党总支会议审定' });
    const byAccount = Object.fromEntries(cs.entries.map((e) => [(e.member as { account: string }).account || (e.member as { name: string }).name, e]));
    expect(byAccount['wangfang1']).toMatchObject({ action: 'confirmed', causes: ['illness', 'other'], causesBefore: ['illness'], causesAfter: ['illness', 'other'], byDefault: false });
    expect(byAccount['wangfang2']).toMatchObject({ action: 'archived', state: 'archived', archiveReason: '已再就业' });
    expect(byAccount['冯无号']).toMatchObject({ action: 'added', causes: ['disability'] });
    expect(byAccount['zhenglao']).toMatchObject({ action: 'confirmed', byDefault: true });
    expect((await app.inject({ method: 'GET', url: '/admin/assistance/verification?period=2026-12', headers: auth })).json().error.code).toBe('bad_period');
  });
});

describe('the CLI hardship-reviewed: the same submission, default-confirm included', () => {
  let t: TestDb;
  const saved = { ...process.env };
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((() => true));
    process.env = { ...saved, DATABASE_URL: t.url!, LOG_LEVEL: 'silent', QUIET_HOURS: '' };
    delete process.env.DATA_DIR;
    try {
      const code = await runCli(args, (l) => out.push(l) > 0);
      return { code, stdout: out.join('\n') };
    } finally {
      process.env = saved;
      stderr.mockRestore();
    }
  };

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await importCareRoster(t.db);
    await approve(t, 'zhenglao', ['old_age']);
  });
  afterAll(() => t.drop());

  it('submits with the unmarked entries confirmed unchanged, tells the OD once, and answers a second run', async () => {
    const first = await cli('hardship-reviewed', '--general-branch', '计算机学院党总支', '--period', '2026-05', '--actor', 'sunzongzhi');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('计算机学院党总支 2026-05 困难党员核实已上报');
    expect(first.stdout).toContain('核实后 1 名，其中 1 名按无变化上报');
    const review = await t.db.selectFrom('hardship_reviews').selectAll().executeTakeFirstOrThrow();
    expect(review).toMatchObject({ period: '2026-05', verified_count: 1 });
    expect(await t.db.selectFrom('hardship_review_items').select(['action', 'by_default']).execute()).toEqual([{ action: 'confirmed', by_default: true }]);
    expect(await t.db.selectFrom('deliveries').select('recipient').execute()).toEqual([{ recipient: 'zhaozuzhi' }]);
    const second = await cli('hardship-reviewed', '--general-branch', '计算机学院党总支', '--period', '2026-05');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('此前已上报（孙总支）');
    expect(await t.db.selectFrom('deliveries').select('recipient').execute()).toHaveLength(1);
    // Without --actor: the OD's own tool, recorded without a person.
    const math = await cli('hardship-reviewed', '--general-branch', '数学学院党总支', '--period', '2026-05');
    expect(math.stdout).toContain('数学学院党总支 2026-05 困难党员核实已上报');
    const refused = await cli('hardship-reviewed', '--general-branch', '机关党总支', '--period', '2026-05', '--actor', 'sunzongzhi');
    expect(refused.code).not.toBe(0);
  });
});
