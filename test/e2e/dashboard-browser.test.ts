// Issue 16 "Tests": the dashboard in a real headless Chromium. Signing in with a one-time link as the OD, a GB
// secretary, a branch secretary and a plain member, each lands on their scope and gets 404 beyond it (a table of
// role × page × expected figures over a fixture roster with records); a reused or an expired link is refused; the
// numbers on the page equal the CSV the page's own download link serves, filtered to the same scope; screenshots
// at 1280 px and 390 px are saved under test/artifacts/dashboard/ on every run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { dashboardRoutes } from '../../src/dashboard/routes.ts';
import { DashboardSignIn } from '../../src/dashboard/sign-in.ts';
import { answerError } from '../../src/error-handler.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { recordProcess } from '../helpers/processes.ts';
import { memoryLogger } from '../helpers/stack.ts';

// Browser globals, for the functions run inside the page (this project type-checks against Node only).
declare const document: any;

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts', 'dashboard');
// A branch secretary holding no other office, in a second branch of 数学学院党总支.
const EXTRA_ROWS = ['卫支书,weizhishu,女,1983-03-03,2008-07-01,2009-07-01,数学学院党总支,学生党支部,支部书记,,', '蒋学生,jiangxuesheng,男,2003-03-03,2024-06-01,2025-06-01,数学学院党总支,学生党支部,,,'];

/** A CSV as the exports write it (BOM, CRLF, RFC 4180 quotes) → rows of named cells. */
function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  const [head, ...rest] = rows;
  return rest.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}

describe('the dashboard in a browser (issue 16)', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser | undefined;
  let signIn: DashboardSignIn;
  // 10:00 on Monday 30 November 2026 in Shanghai.
  const clock = { now: new Date('2026-11-30T02:00:00Z') };
  const id: Record<string, string> = {};
  const org: Record<string, string> = {};

  const one = async (q: string) => (await sql<{ id: string }>`${sql.raw(q)}`.execute(t.db)).rows[0]!.id;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run bash scripts/test.sh (it installs it), or apt-get install -y chromium, or set CHROMIUM_PATH`);
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestDatabase('postgres');
    await importCareRoster(t.db, [...CARE_ROWS, ...EXTRA_ROWS]);
    for (const u of ['zhaozuzhi', 'sunzongzhi', 'weizhishu', 'wushengri', 'zhouzhishu', 'chenbiezhi', 'jiangxuesheng', 'zhenglao', 'chuzhishu']) id[u] = await one(`select id::text as id from members where userid = '${u}'`);
    org.committee = await one(`select id::text as id from organisations where kind = 'committee'`);
    org.cs = await one(`select id::text as id from organisations where name = '计算机学院党总支'`);
    org.math = await one(`select id::text as id from organisations where name = '数学学院党总支'`);
    org.csBranch = await one(`select b.id::text as id from organisations b join organisations g on g.id = b.parent_id where b.name = '教工第一党支部' and g.name = '计算机学院党总支'`);
    org.student = await one(`select id::text as id from organisations where name = '学生党支部'`);

    // Records: the year's talk quota (done and open), trigger obligations (overdue, open, done), talks and visits.
    const ob = (member: string, owner: { org: string; role: string }, reason: string, source: string, due: string, status: string, period: string | null = null) =>
      sql`insert into care_obligations (kind, member_id, owner_organisation_id, owner_role, reason, source, period, due_on, opened_on, status, closed_at)
          values (${source === 'quota' || reason === 'setback' ? 'talk' : 'visit'}, ${member}::bigint, ${owner.org}::bigint, ${owner.role}, ${reason}, ${source}, ${period}, ${due}::date, '2026-01-05',
                  ${status}, ${status === 'done' ? sql`${due}::timestamptz - interval '1 day'` : sql`null`})`.execute(t.db);
    const csSec = { org: org.csBranch, role: 'branch_secretary' };
    const stSec = { org: org.student, role: 'branch_secretary' };
    await ob(id.wushengri!, csSec, 'routine', 'quota', '2026-12-31', 'done', '2026');
    await ob(id.zhenglao!, csSec, 'routine', 'quota', '2026-12-31', 'open', '2026');
    await ob(id.jiangxuesheng!, stSec, 'routine', 'quota', '2026-12-31', 'open', '2026');
    await ob(id.wushengri!, csSec, 'hospitalised', 'trigger', '2026-11-20', 'open');
    await ob(id.zhenglao!, csSec, 'setback', 'trigger', '2026-12-10', 'open');
    await ob(id.jiangxuesheng!, stSec, 'hardship', 'trigger', '2026-11-25', 'open');
    await ob(id.chenbiezhi!, { org: org.math, role: 'gb_secretary' }, 'bereavement', 'trigger', '2026-06-01', 'done');
    const care = (kind: 'talk' | 'visit', leader: string, member: string, on: string) =>
      t.db.insertInto('care_records').values({ kind, leader_member_id: leader, member_id: member, happened_on: on, reason: 'routine', recorded_by_member_id: leader, obligation_id: null, undone_at: null }).execute();
    await care('talk', id.zhouzhishu!, id.wushengri!, '2026-03-02');
    await care('talk', id.zhouzhishu!, id.wushengri!, '2026-09-15');
    await care('visit', id.zhouzhishu!, id.zhenglao!, '2026-09-15');
    await care('visit', id.weizhishu!, id.jiangxuesheng!, '2026-10-01');
    await care('talk', id.chuzhishu!, id.chenbiezhi!, '2026-05-20');

    app = Fastify();
    app.setErrorHandler(answerError);
    const config = { ...loadConfig({ QUIET_HOURS: '' }), host: '127.0.0.1', port: 0 };
    await app.register(dashboardRoutes, { deps: { config, db: t, clock: () => clock.now, log: memoryLogger().log } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    signIn = new DashboardSignIn(t.db, () => clock.now);
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
    // Puppeteer starts Chromium in a process group of its own: the global teardown checks it is gone.
    const chromium = browser.process();
    if (chromium?.pid !== undefined) recordProcess(chromium.pid, chromium.spawnargs.join(' '), true);
  }, 180_000);

  afterAll(async () => {
    const pid = browser?.process()?.pid;
    if (browser) {
      const closed = await Promise.race([browser.close().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      // Chromium runs in its own process group (puppeteer spawns it detached): take the whole group down.
      if (!closed && pid) spawnSync('kill', ['-KILL', `-${pid}`]);
    }
    await app?.close();
    await t?.drop();
  }, 60_000);

  /** A fresh browser context signed in by opening a one-time link, as a chat message would. */
  async function signedIn(userid: string): Promise<Page> {
    const context = await browser!.createBrowserContext();
    const page = await context.newPage();
    const { token } = await signIn.issueLink(id[userid]!);
    const res = await page.goto(`${base}/dashboard/login?t=${token}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    return page;
  }

  const status = async (page: Page, path: string) => (await page.goto(`${base}${path}`, { waitUntil: 'load' }))?.status();
  /** The page's figure `k`: the total row of a children table, else the first element carrying it. */
  const figure = (page: Page, k: string) =>
    page.evaluate((key: string) => {
      const el = document.querySelector(`tr.total td[data-k="${key}"]`) ?? document.querySelector(`[data-k="${key}"]`);
      return el ? Number(el.textContent.trim()) : null;
    }, k);
  /** The CSV behind one of the page's download links, fetched by the page with its session. */
  const download = (page: Page, kind: string) =>
    page.evaluate(async (k: string) => {
      const a = document.querySelector(`a[data-download="${k}"]`);
      if (!a) return null;
      const res = await fetch(a.getAttribute('href'));
      return { status: res.status, disposition: res.headers.get('content-disposition'), text: await res.text() };
    }, kind);

  async function shots(page: Page, name: string) {
    for (const width of [1280, 390]) {
      await page.setViewport({ width, height: width === 390 ? 844 : 800 });
      await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
    }
  }

  // role × page: where each lands, what else opens (200) and what answers 404.
  const SCOPE = [
    { userid: 'zhaozuzhi', role: 'OD', lands: () => `/dashboard/org/${org.committee}`, open: () => [`/dashboard/org/${org.cs}`, `/dashboard/org/${org.student}`, `/dashboard/member/${id.jiangxuesheng}`], closed: () => [] as string[], sensitive: true },
    { userid: 'sunzongzhi', role: 'GB secretary', lands: () => `/dashboard/org/${org.cs}`, open: () => [`/dashboard/org/${org.csBranch}`, `/dashboard/member/${id.wushengri}`], closed: () => [`/dashboard/org/${org.committee}`, `/dashboard/org/${org.math}`, `/dashboard/org/${org.student}`, `/dashboard/member/${id.jiangxuesheng}`], sensitive: true },
    { userid: 'weizhishu', role: 'branch secretary', lands: () => `/dashboard/org/${org.student}`, open: () => [`/dashboard/member/${id.jiangxuesheng}`], closed: () => [`/dashboard/org/${org.math}`, `/dashboard/org/${org.csBranch}`, `/dashboard/member/${id.chenbiezhi}`, `/dashboard/member/${id.wushengri}`], sensitive: true },
    { userid: 'wushengri', role: 'member', lands: () => `/dashboard/member/${id.wushengri}`, open: () => [], closed: () => [`/dashboard/org/${org.csBranch}`, `/dashboard/org/${org.committee}`, `/dashboard/member/${id.zhenglao}`], sensitive: false },
  ];

  it.each(SCOPE)('$role lands on their scope, opens what it holds, gets 404 beyond it; screenshots at 1280 and 390 px', async (s) => {
    const page = await signedIn(s.userid);
    expect(new URL(page.url()).pathname).toBe(s.lands());
    expect(await page.$('svg') !== null || s.role === 'member').toBe(true);
    expect(await page.$('#assistance') !== null).toBe(s.role !== 'member' && s.sensitive);
    const size = await page.evaluate(() => document.documentElement.outerHTML.length);
    expect(size).toBeLessThan(200_000);
    // Nothing overflows the phone's width but the tables' own scrolling boxes.
    await page.setViewport({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(390);
    await shots(page, s.userid);
    for (const p of s.open()) expect(`${p} ${await status(page, p)}`).toBe(`${p} 200`);
    for (const p of s.closed()) expect(`${p} ${await status(page, p)}`).toBe(`${p} 404`);
    await page.browserContext().close();
  });

  // role × page × expected figures: what the fixture's records make of each scope.
  const FIGURES = [
    { userid: 'zhaozuzhi', path: () => `/dashboard/org/${org.committee}`, want: { talkQuotaDone: 1, talkQuotaOwed: 3, triggerOverdue: 2, triggerOpen: 1, triggerDoneInTime: 1 } },
    { userid: 'sunzongzhi', path: () => `/dashboard/org/${org.cs}`, want: { talkQuotaDone: 1, talkQuotaOwed: 2, triggerOverdue: 1, triggerOpen: 1, triggerDoneInTime: 0 } },
    { userid: 'weizhishu', path: () => `/dashboard/org/${org.student}`, want: { talkQuotaDone: 0, talkQuotaOwed: 1, triggerOverdue: 1, triggerOpen: 0, triggerDoneInTime: 0 } },
  ];

  it.each(FIGURES)('the figures of $userid’s page are the fixture’s, and equal the CSV its download link serves', async (f) => {
    const page = await signedIn(f.userid);
    await page.goto(`${base}${f.path()}`, { waitUntil: 'load' });
    for (const [k, v] of Object.entries(f.want)) expect(`${k} ${await figure(page, k)}`).toBe(`${k} ${v}`);
    const csv = await download(page, 'obligations');
    expect(csv?.status).toBe(200);
    expect(csv?.disposition).toBe('attachment; filename="care-obligations-2026-11-30.csv"');
    const rows = parseCsv(csv!.text);
    const count = (source: string, pred: (r: Record<string, string>) => boolean) => rows.filter((r) => r['source'] === source && pred(r)).length;
    expect(await figure(page, 'talkQuotaDone')).toBe(count('quota', (r) => r['state'] === 'done'));
    expect(await figure(page, 'talkQuotaOwed')).toBe(count('quota', (r) => r['state'] !== 'cancelled'));
    expect(await figure(page, 'triggerOverdue')).toBe(count('trigger', (r) => r['state'] === 'overdue'));
    expect(await figure(page, 'triggerOpen')).toBe(count('trigger', (r) => r['state'] === 'open'));
    // The talks CSV has the year's talks of the scope and nothing beyond it: the month table's talks add up to it.
    const talks = parseCsv((await download(page, 'talks'))!.text);
    const monthTalks = await page.evaluate(() => [...document.querySelectorAll('table[data-table="months"] tbody tr')].reduce((n: number, tr: any) => n + Number(tr.children[1].textContent), 0));
    expect(monthTalks).toBe(talks.length);
    await page.browserContext().close();
  });

  it('the member sees their own talks received and nothing to download', async () => {
    const page = await signedIn('wushengri');
    expect(await figure(page, 'talksReceived')).toBe(2);
    expect(await page.$('a[data-download]')).toBeNull();
    await page.browserContext().close();
  });

  it('a reused link and an expired link are refused', async () => {
    const context = await browser!.createBrowserContext();
    const page = await context.newPage();
    const { token } = await signIn.issueLink(id.sunzongzhi!);
    expect((await page.goto(`${base}/dashboard/login?t=${token}`))?.status()).toBe(200);
    const again = await (await browser!.createBrowserContext()).newPage();
    const reused = await again.goto(`${base}/dashboard/login?t=${token}`);
    expect(reused?.status()).toBe(403);
    expect(await again.content()).toContain('已经使用过');
    const late = await signIn.issueLink(id.sunzongzhi!);
    clock.now = new Date(clock.now.getTime() + 10 * 60_000 + 1_000);
    try {
      const expired = await again.goto(`${base}/dashboard/login?t=${late.token}`);
      expect(expired?.status()).toBe(403);
      expect(await again.content()).toContain('已过期');
      expect((await again.goto(`${base}/dashboard/`))?.status()).toBe(401);
    } finally {
      clock.now = new Date('2026-11-30T02:00:00Z');
    }
    await again.browserContext().close();
    await context.close();
  });
});
