// Issue 8, point 9: large roster imports over HTTP run as jobs (202 + id, GET for the status and report), the
// server answers /healthz while one runs, one import at a time, a job whose server died is reported failed.
// The real app on a real socket, on PostgreSQL and PGlite.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_DIED_MESSAGE } from '../../src/admin/import-jobs.ts';
import { ASYNC_IMPORT_BYTES } from '../../src/admin/routes.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { startStack, waitFor, type Stack } from '../helpers/stack.ts';

const TOKEN = 'roster-import-jobs-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const HEADER = '姓名,账号,性别,出生日期,入党日期,转正日期,党总支,党支部,职务';

function bigRoster(rows: number, bad?: { at: number; line: string }): Buffer {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    lines.push(bad && bad.at === i ? bad.line : `党员${i},u${i},${i % 2 ? '男' : '女'},1990-01-01,2015-07-01,2016-07-01,第${i % 20}党总支,第${i % 400}党支部,`);
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}

describe.each(DB_KINDS)('roster import jobs on %s', (kind) => {
  let stack: Stack;
  const post = (url: string, body: Buffer) =>
    fetch(`${stack.baseUrl}${url}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body });
  // JSON bodies, checked with toMatchObject.
  type Body = any;
  const job = async (id: string): Promise<Body> => (await fetch(`${stack.baseUrl}/admin/roster/import/${id}`, { headers: auth })).json();
  const finished = (id: string) =>
    waitFor<Body>(async () => {
      const j = await job(id);
      return j.status === 'done' || j.status === 'failed' ? j : undefined;
    }, 180_000, `import job ${id}`);
  const members = async () => Number((await sql<{ n: string }>`select count(*)::text as n from members`.execute(stack.db.db)).rows[0]!.n);

  beforeAll(async () => {
    stack = await startStack({ dbKind: kind, env: { ADMIN_TOKEN: TOKEN } });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('imports 50,000 rows as a job: 202 and an id at once, /healthz answered while it runs, then the report (issue 8.9)', async () => {
    const file = bigRoster(50_000);
    expect(file.length).toBeGreaterThan(ASYNC_IMPORT_BYTES);
    const res = await post('/admin/roster/import', file);
    expect(res.status).toBe(202);
    const accepted: Body = await res.json();
    expect(accepted.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('location')).toBe(`/admin/roster/import/${accepted.id}`);

    // Ordering, not duration: /healthz answers, and only then do we look — the job is still under way.
    const health = await fetch(`${stack.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const during = await job(accepted.id);
    expect(['queued', 'running']).toContain(during.status);

    // A second upload while it runs: 409 naming the running job.
    const second = await post('/admin/roster/import?async=1', bigRoster(10));
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'conflict', details: { jobId: accepted.id } } });

    const done = await finished(accepted.id);
    expect(done).toMatchObject({ status: 'done', dryRun: false, report: { dryRun: false, rows: 50_000, members: { created: 50_000, updated: 0 } } });
    expect(done.finishedAt).not.toBeNull();
    expect(await members()).toBe(50_000);
    const row = await sql<{ started_by: string }>`select started_by from roster_import_jobs where id = ${accepted.id}::uuid`.execute(stack.db.db);
    expect(row.rows[0]!.started_by).toBe('admin token from 127.0.0.1');
  }, 240_000);

  it('a dry run as a job reports and writes nothing; a file with a bad row fails with the row errors and writes nothing', async () => {
    const before = await members();
    const dry = await post('/admin/roster/import?dryRun=1&async=1', bigRoster(3_000));
    expect(dry.status).toBe(202);
    const dryDone = await finished(((await dry.json()) as Body).id);
    expect(dryDone).toMatchObject({ status: 'done', dryRun: true, report: { dryRun: true, rows: 3_000 } });

    const bad = await post('/admin/roster/import', bigRoster(20_000, { at: 12_345, line: '坏,bad1,男,1990-01-01,2020-02-30,,G,B,' }));
    expect(bad.status).toBe(202);
    const failed = await finished(((await bad.json()) as Body).id);
    expect(failed).toMatchObject({
      status: 'failed',
      error: '名册有误，未写入任何数据',
      errors: [{ row: 12_347, column: '入党日期', reason: '入党日期「2020-02-30」不是存在的日期' }],
    });
    expect(failed.report).toBeUndefined();
    expect(await members()).toBe(before);
  }, 240_000);

  it('answers 404 for an unknown or malformed id', async () => {
    for (const id of [randomUUID(), 'nope', '1']) {
      const res = await fetch(`${stack.baseUrl}/admin/roster/import/${id}`, { headers: auth });
      expect(res.status).toBe(404);
    }
  });

  it('reports a job whose server stopped (heartbeat lapsed) as failed, and lets the next import start', async () => {
    const id = randomUUID();
    const old = new Date(Date.now() - 10 * 60_000);
    await sql`insert into roster_import_jobs (id, status, dry_run, options, started_by, created_at, started_at, heartbeat)
      values (${id}::uuid, 'running', false, '{}'::jsonb, 'admin token from 10.0.0.1', ${old}, ${old}, ${old})`.execute(stack.db.db);
    const res = await post('/admin/roster/import?dryRun=1&async=1', bigRoster(10));
    expect(res.status).toBe(202);
    await finished(((await res.json()) as Body).id);
    expect(await job(id)).toMatchObject({ status: 'failed', error: SERVER_DIED_MESSAGE });
  });
});
