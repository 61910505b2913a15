// A page of an organisation with many children (a GB of the million-member demo has 3,265 branches) shows its
// tables a page of children at a time (?p=N), while its cards and total rows stay the whole scope's; a malformed
// or out-of-range page answers the same 404 as an unknown id. Here two children a page, over the care roster's
// committee (3 GBs, 4 branches) with known figures per branch.
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { FigureRepository, type BranchSet, type CareFigureReader } from '../../src/dashboard/figure-repository.ts';
import { FIGURE_KEYS, type FigurePeriod, type Figures } from '../../src/dashboard/figures.ts';
import { dashboardRoutes } from '../../src/dashboard/routes.ts';
import { DashboardSignIn } from '../../src/dashboard/sign-in.ts';
import type { DayCount, MonthPoint } from '../../src/dashboard/source.ts';
import { answerError } from '../../src/error-handler.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { memoryLogger } from '../helpers/stack.ts';

/** Every branch: 5 members, 2 of 4 talks. */
class KnownFigures implements CareFigureReader {
  readonly keys = FIGURE_KEYS;
  read(b: BranchSet, _p: FigurePeriod): Promise<Map<string, Partial<Figures>>> {
    return Promise.resolve(new Map(b.branchIds.map((id) => [id, { members: 5, talkQuotaDone: 2, talkQuotaOwed: 4 }])));
  }
  months(_b: BranchSet, _p: FigurePeriod): Promise<MonthPoint[]> {
    return Promise.resolve([]);
  }
  visitDays(_b: BranchSet, _p: FigurePeriod): Promise<DayCount[]> {
    return Promise.resolve([]);
  }
}

describe.each(DB_KINDS)('dashboard pages a page of children at a time on %s', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let cookie: string;
  let committeeUrl: string;
  const clock = { now: new Date('2026-11-30T02:00:00Z') };

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await importCareRoster(t.db);
    app = Fastify();
    app.setErrorHandler(answerError);
    const config = { ...loadConfig({ QUIET_HOURS: '' }), host: '127.0.0.1', port: 0 };
    const figures = new FigureRepository(t.db, new KnownFigures(), []);
    await app.register(dashboardRoutes, { deps: { config, db: t, clock: () => clock.now, log: memoryLogger().log }, figures, childRowsPerPage: 2 });
    await app.ready();
    const od = (await sql<{ id: string }>`select id::text as id from members where userid = 'zhaozuzhi'`.execute(t.db)).rows[0]!.id;
    const { token } = await new DashboardSignIn(t.db, () => clock.now).issueLink(od);
    cookie = String((await app.inject({ method: 'GET', url: `/dashboard/login?t=${token}` })).headers['set-cookie']).split(';')[0]!;
    committeeUrl = `/dashboard/org/${(await sql<{ id: string }>`select id::text as id from organisations where kind = 'committee'`.execute(t.db)).rows[0]!.id}`;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
  const quotaRows = (body: string) => [.../<table data-table="quota">.*?<\/table>/s.exec(body)![0].matchAll(/<tr data-org="(\d+)">/g)].map((m) => m[1]);
  const totalOwed = (body: string) => /<tr class="total" data-org="total"><td><b>合计<\/b><\/td><td data-k="talkQuotaDone"><b>(\d+)<\/b><\/td><td data-k="talkQuotaOwed"><b>(\d+)<\/b>/.exec(body)?.slice(1);

  it('the committee of 3 GBs: 2 rows, then 1, each with the whole committee in its total row and cards', async () => {
    const first = await get(committeeUrl);
    expect(first.statusCode).toBe(200);
    const second = await get(`${committeeUrl}?p=2`);
    expect(second.statusCode).toBe(200);
    const one = quotaRows(first.body);
    const two = quotaRows(second.body);
    expect([one.length, two.length]).toEqual([2, 1]);
    expect(new Set([...one, ...two]).size).toBe(3);
    // 4 branches × 2 of 4 talks, on either page.
    expect(totalOwed(first.body)).toEqual(['8', '16']);
    expect(totalOwed(second.body)).toEqual(['8', '16']);
    expect(first.body).toContain('在册党员<b>20</b>');
    expect(first.body).toContain('data-pager="1/2"');
    expect(first.body).toContain('下列各表为党总支第 1–2 个，共 3 个');
    expect(first.body).toContain(`href="${committeeUrl}?p=2" rel="next"`);
    expect(first.body).not.toContain('rel="prev"');
    expect(second.body).toContain('下列各表为党总支第 3–3 个，共 3 个');
    expect(second.body).toContain(`href="${committeeUrl}?p=1" rel="prev"`);
    expect(second.body).not.toContain('rel="next"');
    // The same table page with ?p=1 given.
    expect(quotaRows((await get(`${committeeUrl}?p=1`)).body)).toEqual(one);
  });

  it('a page within one page of children shows no pager', async () => {
    const gb = (await sql<{ id: string }>`select id::text as id from organisations where name = '计算机学院党总支'`.execute(t.db)).rows[0]!.id;
    const res = await get(`/dashboard/org/${gb}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('data-pager');
  });

  it('a malformed or out-of-range page answers the 404 of an unknown id', async () => {
    const notFound = (await get('/dashboard/org/999999999')).body;
    for (const q of ['p=3', 'p=0', 'p=-1', 'p=abc', 'p=1.5', 'p=', 'p=1&p=2', 'p=9999999']) {
      const res = await get(`${committeeUrl}?${q}`);
      expect(res.statusCode, q).toBe(404);
      expect(res.body, q).toBe(notFound);
    }
  });
});
