// Issue 16 section 2: who opens which dashboard page. A table of role × page × status over the care roster (the
// OD, the committee secretary, a committee member linked to one GB, GB and branch secretaries, a plain member):
// out-of-scope, unknown and malformed ids answer the same 404 page; sensitive figures and downloads appear only
// where the access rule shows them; every page is under 200 KB. The figures come from a reader that gives each
// branch known numbers (the real readers are tested with their own data); the branches, the scope and
// everything on the page around the figures are real.
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

/** Every branch: 5 members, 2 of 4 talks, 3 in hardship (a sensitive figure: its section shows only where allowed). */
class KnownFigures implements CareFigureReader {
  readonly keys = FIGURE_KEYS;
  read(b: BranchSet, _p: FigurePeriod): Promise<Map<string, Partial<Figures>>> {
    return Promise.resolve(new Map(b.branchIds.map((id) => [id, { members: 5, talkQuotaDone: 2, talkQuotaOwed: 4, hardshipRegistered: 3, triggerOverdue: 1, excellentCount: 1 }])));
  }
  months(_b: BranchSet, p: FigurePeriod): Promise<MonthPoint[]> {
    return Promise.resolve([{ month: `${p.year}-01`, talks: 17, visits: 4, overdueAtEnd: 2 }]);
  }
  visitDays(_b: BranchSet, p: FigurePeriod): Promise<DayCount[]> {
    return Promise.resolve([{ date: `${p.year}-03-05`, count: 3 }]);
  }
}

type Who = 'od' | 'li' | 'qian' | 'sun' | 'zhou' | 'chu' | 'wu';
const USERIDS: Record<Who, string> = { od: 'zhaozuzhi', li: 'lishuji', qian: 'qianweiyuan', sun: 'sunzongzhi', zhou: 'zhouzhishu', chu: 'chuzhishu', wu: 'wushengri' };
type Page = 'committee' | 'gbCs' | 'gbMath' | 'brCs' | 'brMath' | 'brOffice' | 'memberWu' | 'memberChen';
// 200 with the sensitive figures ('S'), 200 without ('-'), 404 ('x').
const TABLE: Record<Who, Record<Page, 'S' | '-' | 'x'>> = {
  od: { committee: 'S', gbCs: 'S', gbMath: 'S', brCs: 'S', brMath: 'S', brOffice: 'S', memberWu: '-', memberChen: '-' },
  li: { committee: '-', gbCs: '-', gbMath: '-', brCs: '-', brMath: '-', brOffice: '-', memberWu: '-', memberChen: '-' },
  qian: { committee: 'x', gbCs: '-', gbMath: 'x', brCs: '-', brMath: 'x', brOffice: 'x', memberWu: '-', memberChen: 'x' },
  sun: { committee: 'x', gbCs: 'S', gbMath: 'x', brCs: 'S', brMath: 'x', brOffice: 'x', memberWu: '-', memberChen: 'x' },
  zhou: { committee: 'x', gbCs: 'S', gbMath: 'x', brCs: 'S', brMath: 'x', brOffice: 'x', memberWu: '-', memberChen: 'x' },
  chu: { committee: 'x', gbCs: 'x', gbMath: 'S', brCs: 'x', brMath: 'S', brOffice: 'x', memberWu: 'x', memberChen: '-' },
  wu: { committee: 'x', gbCs: 'x', gbMath: 'x', brCs: 'x', brMath: 'x', brOffice: 'x', memberWu: '-', memberChen: 'x' },
};

describe.each(DB_KINDS)('dashboard pages on %s', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  const clock = { now: new Date('2026-11-30T02:00:00Z') };
  const cookies = {} as Record<Who, string>;
  const ids = {} as Record<Who | 'chen', string>;
  const urls = {} as Record<Page, string>;

  const idOf = async (q: string) => (await sql<{ id: string }>`${sql.raw(q)}`.execute(t.db)).rows[0]!.id;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await importCareRoster(t.db);
    app = Fastify();
    app.setErrorHandler(answerError);
    const config = { ...loadConfig({ QUIET_HOURS: '' }), host: '127.0.0.1', port: 0 };
    const figures = new FigureRepository(t.db, new KnownFigures(), []);
    await app.register(dashboardRoutes, { deps: { config, db: t, clock: () => clock.now, log: memoryLogger().log }, figures });
    await app.ready();
    const signIn = new DashboardSignIn(t.db, () => clock.now);
    for (const [who, userid] of Object.entries(USERIDS) as Array<[Who, string]>) {
      ids[who] = await idOf(`select id::text as id from members where userid = '${userid}'`);
      const { token } = await signIn.issueLink(ids[who]);
      const res = await app.inject({ method: 'GET', url: `/dashboard/login?t=${token}` });
      cookies[who] = String(res.headers['set-cookie']).split(';')[0]!;
    }
    ids.chen = await idOf(`select id::text as id from members where userid = 'chenbiezhi'`);
    const org = (name: string, parent?: string) =>
      idOf(`select o.id::text as id from organisations o ${parent ? `join organisations p on p.id = o.parent_id and p.name = '${parent}'` : ''} where o.name = '${name}'`);
    urls.committee = `/dashboard/org/${await idOf(`select id::text as id from organisations where kind = 'committee'`)}`;
    urls.gbCs = `/dashboard/org/${await org('计算机学院党总支')}`;
    urls.gbMath = `/dashboard/org/${await org('数学学院党总支')}`;
    urls.brCs = `/dashboard/org/${await org('教工第一党支部', '计算机学院党总支')}`;
    urls.brMath = `/dashboard/org/${await org('教工党支部', '数学学院党总支')}`;
    urls.brOffice = `/dashboard/org/${await org('组织人事党支部')}`;
    urls.memberWu = `/dashboard/member/${ids.wu}`;
    urls.memberChen = `/dashboard/member/${ids.chen}`;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const get = (who: Who, url: string) => app.inject({ method: 'GET', url, headers: { cookie: cookies[who] } });

  it('role × page: 200 with or without the sensitive figures, or the one 404 page; every page under 200 KB', async () => {
    for (const [who, row] of Object.entries(TABLE) as Array<[Who, Record<Page, 'S' | '-' | 'x'>]>) {
      const notFound = (await get(who, '/dashboard/org/999999999')).body;
      expect(notFound).toContain('页面不存在');
      for (const [page, want] of Object.entries(row) as Array<[Page, 'S' | '-' | 'x']>) {
        const res = await get(who, urls[page]);
        const got = res.statusCode === 404 ? 'x' : res.statusCode === 200 ? (res.body.includes('id="assistance"') ? 'S' : '-') : `HTTP ${res.statusCode}`;
        expect(`${who} ${page} ${got}`).toBe(`${who} ${page} ${want}`);
        expect(Buffer.byteLength(res.body)).toBeLessThan(200_000);
        if (want === 'x') expect(res.body).toBe(notFound);
        if (want !== 'x' && page.startsWith('member') === false) {
          // The sensitive download is linked exactly where the sensitive figures are shown.
          expect(res.body.includes('data-download="hardship"')).toBe(want === 'S');
          expect(res.body).toContain('<svg');
        }
      }
    }
  });

  it('unknown and malformed ids answer the same 404 as an id out of scope', async () => {
    const outOfScope = await get('wu', urls.committee);
    for (const url of ['/dashboard/org/abc', '/dashboard/org/1e3', '/dashboard/org/-1', '/dashboard/org/99999999999999999999', '/dashboard/member/0', '/dashboard/member/x', '/dashboard/download/talks?org=abc', '/dashboard/download/nonsense?org=1']) {
      const res = await get('wu', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).toBe(outOfScope.body);
    }
  });

  it('the home page leads to the one view, lists several, and sends a plain member to their own page', async () => {
    const od = await get('od', '/dashboard/');
    expect(od.statusCode).toBe(303);
    expect(od.headers['location']).toBe(urls.committee);
    const sun = await get('sun', '/dashboard/');
    expect(sun.headers['location']).toBe(urls.gbCs);
    const wu = await get('wu', '/dashboard/');
    expect(wu.headers['location']).toBe(urls.memberWu);
    const zhou = await get('zhou', '/dashboard/');
    expect(zhou.statusCode).toBe(200);
    expect(zhou.body).toContain(`href="${urls.gbCs}"`);
    expect(zhou.body).toContain(`href="${urls.brCs}"`);
    expect(zhou.body).toContain(`href="${urls.memberWu.replace(ids.wu, ids.zhou)}"`);
  });

  it('the committee page: a GB row per GB with its sums, drill-down links only where allowed, caps against the setting', async () => {
    const od = (await get('od', urls.committee)).body;
    // 计算机学院党总支 has one branch: 5 members, 2 of 4 talks. The committee has 4 branches in 3 GBs.
    expect(od).toMatch(/<tr data-org="\d+"><td><a href="\/dashboard\/org\/\d+">计算机学院党总支<\/a><\/td><td data-k="talkQuotaDone">2<\/td><td data-k="talkQuotaOwed">4<\/td>/);
    expect(od).toMatch(/<tr class="total" data-org="total"><td><b>合计<\/b><\/td><td data-k="talkQuotaDone"><b>8<\/b><\/td><td data-k="talkQuotaOwed"><b>16<\/b><\/td>/);
    // Cap: ⌊15% × members⌋ per GB (5 → 0, 10 → 1), the committee's the sum.
    const gbMembers = (await sql<{ n: number }>`select count(*)::int as n from organisations where kind = 'branch'`.execute(t.db)).rows[0]!.n;
    expect(gbMembers).toBe(4);
    expect(od).toContain('限额 <b data-k="excellentCap">1</b>');
    // The month table and the visit summary show the source's numbers beside the charts.
    expect(od).toContain('<td>2026-01</td><td>17</td><td>4</td><td>2</td>');
    expect(od).toContain('2026-03-05（3次）');
    // Downloads link every kind for the OD, sensitive ones included.
    for (const k of ['talks', 'visits', 'obligations', 'greetings', 'hardship', 'relief', 'evaluations', 'excellent', 'announcements', 'suggestions']) expect(od).toContain(`data-download="${k}"`);

    const qianGb = (await get('qian', urls.gbCs)).body;
    expect(qianGb).toContain(`<a href="${urls.brCs}">教工第一党支部</a>`);
    expect(qianGb).not.toContain(`href="${urls.committee}"`); // the breadcrumb names the committee without a link
  });

  it('a branch page lists its members, linking those the viewer may open; reasons only where the viewer sees them sensitively', async () => {
    const wu = ids.wu;
    await sql`insert into care_obligations (kind, member_id, owner_organisation_id, owner_role, reason, source, due_on, opened_on)
              select 'visit', ${wu}::bigint, m.branch_id, 'branch_secretary', 'hospitalised', 'trigger', '2026-11-20', '2026-11-10' from members m where m.id = ${wu}::bigint`.execute(t.db);
    const sun = (await get('sun', urls.brCs)).body;
    const row = new RegExp(`<tr data-member="${wu}">.*?</tr>`).exec(sun)![0];
    expect(row).toContain(`href="/dashboard/member/${wu}"`);
    expect(row).toContain('患病住院');
    expect(row).toMatch(/<td>0<\/td><td class="warn">1<\/td>/);
    const qian = (await get('qian', urls.brCs)).body;
    const qianRow = new RegExp(`<tr data-member="${wu}">.*?</tr>`).exec(qian)![0];
    expect(qianRow).not.toContain('患病住院');
    expect(qianRow).toContain('（不可见）');
    // The obligation is the branch secretary's office: 周支书 owes it, and sees it on their own page with its reason.
    const zhouPage = (await get('zhou', `/dashboard/member/${ids.zhou}`)).body;
    expect(zhouPage).toContain('我负责的事项（1项，逾期 <span data-k="owedOverdue">1</span>项）');
    expect(zhouPage).toContain('患病住院');
    // 李书记 opens 周支书's page but not the reason (not sensitive to the committee secretary).
    const liOnZhou = (await get('li', `/dashboard/member/${ids.zhou}`)).body;
    expect(liOnZhou).toContain('吴生日');
    expect(liOnZhou).not.toContain('患病住院');
  });

  it('downloads: sensitive kinds only where the sensitive figures are shown; a CSV named as the exports name it', async () => {
    const committeeId = urls.committee.split('/').pop()!;
    expect((await get('li', `/dashboard/download/hardship?org=${committeeId}&format=csv`)).statusCode).toBe(404);
    expect((await get('wu', `/dashboard/download/talks?org=${committeeId}&format=csv`)).statusCode).toBe(404);
    expect((await get('od', `/dashboard/download/talks?org=${committeeId}&format=json`)).statusCode).toBe(404);
    const res = await get('od', `/dashboard/download/hardship?org=${committeeId}&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="assistance-hardship-2026-11-30.csv"');
  });
});
