// npm run bench:dashboard [-- --members 100000] [--runs 20] [--live-runs R] [--baseline-runs 5] [--today YYYY-MM-DD]
//                          [--live-members-max 50000] [--keep]
// Issue 16 section 5. Seeds the demo organisation (seed-demo, in its own process) and a year of records
// (bench/lib/year-of-records.ts) in a fresh PostgreSQL database (or DATABASE_URL, seeded only when empty), then, in
// the same run:
//   1. refreshes the dashboard's snapshot twice, timed (DashboardFigures.refresh: the worker's job every
//      SNAPSHOT_EVERY_MINUTES; only a committee over --live-members-max members keeps one);
//   2. renders (a) the OD's committee page and (b) the largest GB's page as the server does: the dashboard's routes
//      on a Fastify instance, signed in by a one-time link as an OD member and as the GB's secretary, timed
//      through app.inject — p50/p95 over --runs after a warm-up; each must answer 200 and say 统计于 exactly where
//      its scope reads the snapshot;
//   3. counts the same pages' figures live (liveFiguresOf: the cost without the snapshot; --live-runs, default
//      --runs), and (c) the baseline: one plain query per GB per figure family (bench/lib/dashboard-baseline.ts),
//      GB after GB for the committee — medians of --baseline-runs runs.
// It checks that the live readers, the pages' source (the snapshot) and the baseline give the same figures for
// every GB, month and visit day, prints p50/p95, page sizes and the ratios baseline/page and live/page, and exits 1
// when they differ. Target: page p95 ≤ 300 ms at 1,000,000 members.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/schema.ts';
import { localDate } from '../src/domain/dates.ts';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.ts';
import type { DbHandle } from '../src/db/connect.ts';
import { figureSourceOf, liveFiguresOf } from '../src/dashboard/figure-source.ts';
import { FIGURE_KEYS, periodOf, sumFigures, type Figures } from '../src/dashboard/figures.ts';
import { dashboardRoutes } from '../src/dashboard/routes.ts';
import { DashboardSignIn } from '../src/dashboard/sign-in.ts';
import { LIVE_MEMBERS_MAX, SNAPSHOT_EVERY_MINUTES, sumDays, sumMonths } from '../src/dashboard/snapshot-source.ts';
import type { FigureScope } from '../src/dashboard/source.ts';
import { CHILD_ROWS_PER_PAGE } from '../src/dashboard/views.ts';
import { answerError } from '../src/error-handler.ts';
import { createLogger } from '../src/logger.ts';
import { baselineContext, baselineOfGb, type GbBaseline } from './lib/dashboard-baseline.ts';
import { prepareDatabase } from './lib/infra.ts';
import { generateYearOfRecords, YEAR_RATES } from './lib/year-of-records.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '20' },
    'baseline-runs': { type: 'string', default: '5' },
    'live-runs': { type: 'string' },
    'live-members-max': { type: 'string', default: String(LIVE_MEMBERS_MAX) },
    today: { type: 'string' },
    keep: { type: 'boolean' },
  },
});
const members = Number(values.members);
const runs = Number(values.runs);
const baselineRuns = Number(values['baseline-runs']);
const liveRuns = Number(values['live-runs'] ?? runs);
const liveMax = Number(values['live-members-max']);
for (const [name, v] of [['--members', members], ['--runs', runs], ['--baseline-runs', baselineRuns], ['--live-runs', liveRuns], ['--live-members-max', liveMax]] as const) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`${name} must be a positive whole number`);
    process.exit(2);
  }
}
const TZ = process.env.APP_TIMEZONE ?? 'Asia/Shanghai';
const today = values.today ?? localDate(new Date(), TZ);
if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) {
  console.error('--today must be YYYY-MM-DD');
  process.exit(2);
}
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ms = (t: number) => `${t.toFixed(1)} ms`;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const median = (xs: number[]) => quantile(xs, 0.5);

const bench = await prepareDatabase(process.env.DATABASE_URL, ADMIN);
// The app's pool (connectDatabase) fails a query after 10 s (query_timeout); the bench measures past that, and
// says so, rather than stop: at a million members a reader may need longer.
const APP_QUERY_TIMEOUT_MS = 10_000;
const pool = new pg.Pool({ connectionString: bench.url, max: 8 });
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
const handle = { close: () => db.destroy() };
let exitCode = 0;
try {
  const existing = Number((await db.selectFrom('members').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  let seedSeconds: number | undefined;
  let yearSeconds: number | undefined;
  if (existing === 0) {
    process.stderr.write(`seeding ${members} members in ${bench.describe} …\n`);
    const t = performance.now();
    const seed = spawnSync(process.execPath, [TSX, 'src/cli.ts', 'seed-demo', '--members', String(members), '--seed', 'bench'], {
      env: { ...process.env, DATABASE_URL: bench.url, APP_TIMEZONE: TZ },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (seed.status !== 0) throw new Error('seed-demo failed');
    seedSeconds = (performance.now() - t) / 1000;
  }
  // A database with a roster but no records yet (one kept by --keep before its year was written) gets its year too.
  if (Number((await sql<{ n: string }>`select count(*)::text as n from (select 1 from care_records limit 1) x`.execute(db)).rows[0]!.n) === 0) {
    process.stderr.write(`a year of records up to ${today} …\n`);
    // Its own connection, without the app's 10 s query timeout: one statement writes millions of rows.
    const pool = new pg.Pool({ connectionString: bench.url, max: 1 });
    const writer = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      const year = await generateYearOfRecords(writer, { today, now: new Date(), timezone: TZ, log: (l) => process.stderr.write(`${l}\n`) });
      yearSeconds = year.ms / 1000;
      await sql`vacuum analyze`.execute(writer);
    } finally {
      await writer.destroy();
    }
  }

  const period = periodOf(today);
  const committee = await sql<{ id: string; name: string }>`select id::text as id, name from organisations where kind = 'committee' order by id limit 1`.execute(db);
  const committeeId = committee.rows[0]!.id;
  const gbs = await sql<{ id: string; name: string; n: string }>`
    select g.id::text as id, g.name, count(m.id) as n
      from organisations g left join organisations b on b.parent_id = g.id left join members m on m.branch_id = b.id and m.status = 'active'
     where g.kind = 'general_branch' and g.parent_id = ${committeeId}::bigint
     group by g.id, g.name order by count(m.id) desc, g.id`.execute(db);
  const largest = gbs.rows[0]!;
  const sizes = await sql<{ t: string; n: string }>`
    select 'members' as t, count(*) as n from members union all select 'members_active', count(*) from members where status = 'active' union all select 'branches', count(*) from organisations where kind = 'branch'
    union all select 'care_records', count(*) from care_records union all select 'care_obligations', count(*) from care_obligations
    union all select 'notices', count(*) from notices union all select 'deliveries', count(*) from deliveries
    union all select 'hardship_registry', count(*) from hardship_registry union all select 'subsidy_payments', count(*) from subsidy_payments
    union all select 'self_evaluations', count(*) from self_evaluations union all select 'commendations', count(*) from commendations
    union all select 'announcement_recipients', count(*) from announcement_recipients union all select 'suggestions', count(*) from suggestions`.execute(db);
  const size = Object.fromEntries(sizes.rows.map((r) => [r.t, Number(r.n)]));
  const pgVersion = (await sql<{ server_version: string }>`show server_version`.execute(db)).rows[0]!.server_version;
  const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
    const t = performance.now();
    const value = await fn();
    return { ms: performance.now() - t, value };
  };

  // The app's clock: noon UTC of --today (the same local day in any zone within ±11 h), or now. Fixed, so the
  // pages' day is the snapshot's day for the whole run.
  const startedAt = new Date();
  const fixedNow = values.today ? new Date(`${today}T12:00:00Z`) : startedAt;
  if (localDate(fixedNow, TZ) !== today) throw new Error(`--today ${today} is not a day the bench can pin in ${TZ}`);
  const clock = () => fixedNow;

  // 1. The snapshot's refresh: the worker's job every SNAPSHOT_EVERY_MINUTES (DashboardFigures.refresh, the
  //    committee's part of refreshDashboardSnapshots), timed twice; the second leaves the snapshot the pages read.
  const figures = figureSourceOf(db, TZ, liveMax);
  const refreshMs: number[] = [];
  let refreshed = false;
  for (let i = 0; i < 2; i++) {
    const t = await timed(() => figures.refresh(committeeId, period, clock));
    refreshMs.push(t.ms);
    refreshed = t.value;
  }

  // 2. The two pages as the server renders them: the dashboard's routes on a Fastify instance, a session for an
  //    OD member and for the largest GB's secretary (signed in by a one-time link, as in the chat).
  const logger = createLogger('warn');
  const app = Fastify({ logger: false });
  app.setErrorHandler(answerError);
  const config = { ...loadConfig({ ...process.env, QUIET_HOURS: '' }), host: '127.0.0.1', port: 0, timezone: TZ };
  const dbHandle: DbHandle = { db, kind: 'postgres', describe: bench.describe, close: async () => {} };
  await app.register(dashboardRoutes, { deps: { config, db: dbHandle, clock, log: logger }, figures });
  await app.ready();
  try {
    const roleHolder = async (role: 'od_staff' | 'gb_secretary', organisationId: string) => {
      const r = await sql<{ id: string }>`
        select m.id::text as id from member_roles r join members m on m.id = r.member_id
         where r.role = ${role} and r.organisation_id = ${organisationId}::bigint and m.status = 'active' order by m.id limit 1`.execute(db);
      if (!r.rows[0]) throw new Error(`no active ${role} of organisation ${organisationId} in the roster`);
      return r.rows[0].id;
    };
    const signIn = new DashboardSignIn(db, clock, config.sessionSecret);
    const sessionOf = async (memberId: string) => {
      const { token } = await signIn.issueLink(memberId);
      const res = await app.inject({ method: 'GET', url: `/dashboard/login?t=${token}` });
      if (res.statusCode !== 303) throw new Error(`signing in member ${memberId} answered ${res.statusCode}`);
      return String(res.headers['set-cookie']).split(';')[0]!;
    };
    const odCookie = await sessionOf(await roleHolder('od_staff', committeeId));
    const gbCookie = await sessionOf(await roleHolder('gb_secretary', largest.id));
    const pageOf = async (orgId: string, cookie: string) => {
      const res = await app.inject({ method: 'GET', url: `/dashboard/org/${orgId}`, headers: { cookie } });
      if (res.statusCode !== 200) throw new Error(`GET /dashboard/org/${orgId} answered ${res.statusCode}`);
      return res.body;
    };
    // Which scope reads the snapshot: one over liveMax members, once a snapshot of today exists.
    const expectSnapshot = { committee: refreshed && size.members_active! > liveMax, gb: refreshed && Number(largest.n) > liveMax };
    const checkPage = (what: string, body: string, fromSnapshot: boolean) => {
      if (fromSnapshot !== body.includes('统计于')) throw new Error(`the ${what} page ${fromSnapshot ? 'does not say it reads the snapshot (统计于)' : 'says 统计于 though it is counted live'}`);
    };
    // The warm-up: the first render after a refresh also draws the charts (kept for the next viewers, charts.ts).
    const { ms: committeeFirstMs, value: committeeBody } = await timed(() => pageOf(committeeId, odCookie));
    const { ms: gbFirstMs, value: gbBody } = await timed(() => pageOf(largest.id, gbCookie));
    checkPage('committee', committeeBody, expectSnapshot.committee);
    checkPage('GB', gbBody, expectSnapshot.gb);
    const committeeMs: number[] = [];
    const gbMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      committeeMs.push((await timed(() => pageOf(committeeId, odCookie))).ms);
      gbMs.push((await timed(() => pageOf(largest.id, gbCookie))).ms);
    }

    // 3. The same pages' figures counted live (what a page would cost without the snapshot): what the committee
    //    page reads (a row per GB, months, visit days) and what the GB page reads (its branches, months, visit days).
    const live = liveFiguresOf(db, TZ);
    const committeeScope: FigureScope = { committeeId, committee: true };
    const gbScope: FigureScope = { committeeId, generalBranchIds: [largest.id] };
    const liveCommittee = () => Promise.all([live.generalBranchTotals(committeeScope, period), live.months(committeeScope, period), live.visitDays(committeeScope, period)]);
    const liveGb = () => Promise.all([live.branchFigures(gbScope, period), live.months(gbScope, period), live.visitDays(gbScope, period)]);
    let liveCommitteeFigures: Awaited<ReturnType<typeof liveCommittee>>;
    try {
      liveCommitteeFigures = await liveCommittee();
    } catch (err) {
      throw new Error(`the dashboard's figure readers failed: ${(err as Error).message}`);
    }
    await liveGb();
    const liveCommitteeMs: number[] = [];
    const liveGbMs: number[] = [];
    for (let i = 0; i < liveRuns; i++) {
      liveCommitteeMs.push((await timed(liveCommittee)).ms);
      liveGbMs.push((await timed(liveGb)).ms);
    }

    // (c): the baseline, GB after GB.
    const ctx = await baselineContext(db, period);
    const baselineCommitteeMs: number[] = [];
    const baselineGbMs: number[] = [];
    let perGb = new Map<string, GbBaseline>();
    for (let i = 0; i < baselineRuns; i++) {
      const t = performance.now();
      const got = new Map<string, GbBaseline>();
      for (const g of gbs.rows) got.set(g.id, await baselineOfGb(db, g.id, period, ctx, TZ));
      baselineCommitteeMs.push(performance.now() - t);
      perGb = got;
      baselineGbMs.push((await timed(() => baselineOfGb(db, largest.id, period, ctx, TZ))).ms);
    }

    // The same figures every way, per GB and in the committee's months and visit days: the live readers, the
    // pages' source (the snapshot where it is read) and the baseline — counted for the same day, no writes between.
    const differences: string[] = [];
    const pageCommittee = await Promise.all([figures.generalBranchTotals(committeeScope, period), figures.months(committeeScope, period), figures.visitDays(committeeScope, period)]);
    const baseMonths = sumMonths([...perGb.values()].map((b) => b.months));
    const baseDays = sumDays([...perGb.values()].map((b) => b.visitDays));
    for (const [who, [totals, monthList, days]] of [['live readers', liveCommitteeFigures], [expectSnapshot.committee ? 'snapshot' : 'page source', pageCommittee]] as const) {
      const byGb = new Map(totals.map((g) => [g.generalBranchId, g.figures]));
      for (const g of gbs.rows) {
        const mine = byGb.get(g.id);
        const base = perGb.get(g.id)!.figures;
        for (const k of FIGURE_KEYS) {
          const a = mine?.[k] ?? 0;
          if (a !== base[k]) differences.push(`${who}: ${g.name} ${k}: ${a}, baseline ${base[k]}`);
        }
      }
      if (JSON.stringify(sumMonths([monthList])) !== JSON.stringify(baseMonths)) differences.push(`${who}: months ${JSON.stringify(monthList)}, baseline ${JSON.stringify(baseMonths)}`);
      const mineDays = sumDays([days]);
      if (JSON.stringify(mineDays) !== JSON.stringify(baseDays)) {
        const diff = baseDays.filter((d, i) => JSON.stringify(mineDays[i]) !== JSON.stringify(d)).slice(0, 3);
        differences.push(`${who}: visit days ${mineDays.length} days, baseline ${baseDays.length} days; first differing ${JSON.stringify(diff)}`);
      }
    }
    const total: Figures = sumFigures(liveCommitteeFigures[0].map((g) => g.figures));

    const p95 = Math.max(quantile(committeeMs, 0.95), quantile(gbMs, 0.95));
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const kb = (body: string) => `${(Buffer.byteLength(body) / 1024).toFixed(0)} KB`;
    const source = (fromSnapshot: boolean) => (fromSnapshot ? 'from the snapshot (统计于)' : 'counted live');
    const gbBranches = liveCommitteeFigures[0].length > 0 ? (await live.branchesOf(gbScope)).length : 0;
    console.log(`bench:dashboard  ${size.members} members, ${gbs.rows.length} general branches, ${size.branches} branches; today ${today}; PostgreSQL ${pgVersion} ${bench.describe}`);
    console.log(`  machine   ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}`);
    if (seedSeconds !== undefined || yearSeconds !== undefined) console.log(`  seeded    roster ${seedSeconds?.toFixed(0) ?? '(kept)'} s, a year of records ${yearSeconds?.toFixed(0) ?? '(kept)'} s (bench/lib/year-of-records.ts rates: ${JSON.stringify(YEAR_RATES)})`);
    console.log(
      `  rows      care_records ${size.care_records}, care_obligations ${size.care_obligations}, notices ${size.notices}, deliveries ${size.deliveries}, hardship ${size.hardship_registry}, subsidy payments ${size.subsidy_payments}, self-evaluations ${size.self_evaluations}, commendations ${size.commendations}, announcement recipients ${size.announcement_recipients}, suggestions ${size.suggestions}`,
    );
    console.log(
      `  refresh             the snapshot (the worker's job every ${SNAPSHOT_EVERY_MINUTES} minutes): ${refreshed ? `${refreshMs.map(ms).join(', ')} (2 runs)` : `none kept: the committee has no more than ${liveMax} members, its pages count live`}`,
    );
    console.log(`  committee page (a)  GET /dashboard/org/${committeeId} as an OD member, ${source(expectSnapshot.committee)}, ${kb(committeeBody)}: p50 ${ms(median(committeeMs))}, p95 ${ms(quantile(committeeMs, 0.95))} (${runs} runs; first ${ms(committeeFirstMs)})`);
    console.log(`  GB page (b)         GET /dashboard/org/${largest.id} as its secretary, ${largest.name}, ${largest.n} members, ${gbBranches} branches (${Math.min(gbBranches, CHILD_ROWS_PER_PAGE)} on the page), ${source(expectSnapshot.gb)}, ${kb(gbBody)}: p50 ${ms(median(gbMs))}, p95 ${ms(quantile(gbMs, 0.95))} (${runs} runs; first ${ms(gbFirstMs)})`);
    console.log(`  live (a)/(b)        the same pages' figures counted live: committee p50 ${ms(median(liveCommitteeMs))}, p95 ${ms(quantile(liveCommitteeMs, 0.95))}; GB p50 ${ms(median(liveGbMs))}, p95 ${ms(quantile(liveGbMs, 0.95))} (${liveRuns} runs)`);
    console.log(`  baseline (c)        one plain query per GB per figure family: committee (${gbs.rows.length} GBs in turn) median ${ms(median(baselineCommitteeMs))}, GB median ${ms(median(baselineGbMs))} (${baselineRuns} runs)`);
    console.log(`  ratio               baseline / page, medians: committee ${(median(baselineCommitteeMs) / median(committeeMs)).toFixed(1)}x, GB ${(median(baselineGbMs) / median(gbMs)).toFixed(1)}x`);
    console.log(`  ratio               live / page, medians: committee ${(median(liveCommitteeMs) / median(committeeMs)).toFixed(1)}x, GB ${(median(liveGbMs) / median(gbMs)).toFixed(1)}x`);
    console.log(`  committee figures   members ${total.members}, talks ${total.talkQuotaDone}/${total.talkQuotaOwed}, triggers open ${total.triggerOpen} overdue ${total.triggerOverdue}, holiday ${total.holidayVisited}/${total.holidayOwed}, greetings sent ${total.greetingsSent}, reads ${total.announcementReads}/${total.announcementRecipients}`);
    if (differences.length) {
      console.log(`  figures   DIFFER from the baseline (${differences.length}):`);
      for (const d of differences.slice(0, 20)) console.log(`    ${d}`);
      exitCode = 1;
    } else console.log(`  figures   equal to the baseline for every GB, every month and every visit day (live readers and ${expectSnapshot.committee ? 'the snapshot' : "the pages' source"})`);
    const slowest = Math.max(...liveCommitteeMs, ...liveGbMs);
    if (slowest > APP_QUERY_TIMEOUT_MS) console.log(`  note      counted live, the slowest page took ${ms(slowest)}: past the app's query_timeout (${APP_QUERY_TIMEOUT_MS} ms), the server would fail it`);
    console.log(`  verdict   ${p95 <= 300 ? 'PASS' : 'MISS'} (pages' p95 ${ms(p95)}; target ≤ 300 ms at 1,000,000 members)`);
  } finally {
    await app.close();
  }
} catch (err) {
  console.error(`bench:dashboard failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await handle.close();
  if (!values.keep) await bench.drop();
  else process.stderr.write(`kept ${bench.describe} (reuse with DATABASE_URL=${bench.url})\n`);
}
process.exit(exitCode);
