// npm run bench:dashboard [-- --members 100000] [--runs 20] [--baseline-runs 5] [--today YYYY-MM-DD] [--keep]
// Issue 16 section 5. Seeds the demo organisation (seed-demo, in its own process) and a year of records
// (bench/lib/year-of-records.ts) in a fresh PostgreSQL database (or DATABASE_URL, seeded only when empty), then
// times, in the same run:
//   (a) the OD's committee page and (b) the largest GB's page — the figures the page draws (FigureSource:
//       branchFigures, months and visitDays of the scope, read concurrently as the page reads them), server
//       side, p50/p95 over --runs runs after a warm-up of each;
//   (c) the baseline: the same figures by one plain query per GB per figure family (bench/lib/dashboard-baseline.ts),
//       GB after GB for the committee — medians of --baseline-runs runs.
// It checks that both give the same figures for every GB (and the same months and visit days), prints the
// medians, p95 and ratios, and exits 1 when they differ. Target: p95 ≤ 300 ms at 1,000,000 members.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/schema.ts';
import { localDate } from '../src/domain/dates.ts';
import { figureSourceOf } from '../src/dashboard/figure-source.ts';
import { FIGURE_KEYS, periodOf, rollUp, sumFigures, type Figures } from '../src/dashboard/figures.ts';
import type { DayCount, FigureScope, MonthPoint } from '../src/dashboard/source.ts';
import { baselineContext, baselineOfGb, type GbBaseline } from './lib/dashboard-baseline.ts';
import { prepareDatabase } from './lib/infra.ts';
import { generateYearOfRecords, YEAR_RATES } from './lib/year-of-records.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '20' },
    'baseline-runs': { type: 'string', default: '5' },
    today: { type: 'string' },
    keep: { type: 'boolean' },
  },
});
const members = Number(values.members);
const runs = Number(values.runs);
const baselineRuns = Number(values['baseline-runs']);
for (const [name, v] of [['--members', members], ['--runs', runs], ['--baseline-runs', baselineRuns]] as const) {
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
    select 'members' as t, count(*) as n from members union all select 'branches', count(*) from organisations where kind = 'branch'
    union all select 'care_records', count(*) from care_records union all select 'care_obligations', count(*) from care_obligations
    union all select 'notices', count(*) from notices union all select 'deliveries', count(*) from deliveries
    union all select 'hardship_registry', count(*) from hardship_registry union all select 'subsidy_payments', count(*) from subsidy_payments
    union all select 'self_evaluations', count(*) from self_evaluations union all select 'commendations', count(*) from commendations
    union all select 'announcement_recipients', count(*) from announcement_recipients union all select 'suggestions', count(*) from suggestions`.execute(db);
  const size = Object.fromEntries(sizes.rows.map((r) => [r.t, Number(r.n)]));
  const pgVersion = (await sql<{ server_version: string }>`show server_version`.execute(db)).rows[0]!.server_version;

  // (a), (b): what a page reads, as the page reads it.
  const source = figureSourceOf(db, TZ);
  const committeeScope: FigureScope = { committeeId, committee: true };
  const gbScope: FigureScope = { committeeId, generalBranchIds: [largest.id] };
  const page = (scope: FigureScope) => Promise.all([source.branchFigures(scope, period), source.months(scope, period), source.visitDays(scope, period)]);
  const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
    const t = performance.now();
    const value = await fn();
    return { ms: performance.now() - t, value };
  };

  let committeePage: Awaited<ReturnType<typeof page>>;
  try {
    committeePage = await page(committeeScope);
  } catch (err) {
    throw new Error(`the dashboard's figure readers failed: ${(err as Error).message}`);
  }
  await page(gbScope);
  const committeeMs: number[] = [];
  const gbMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    committeeMs.push((await timed(() => page(committeeScope))).ms);
    gbMs.push((await timed(() => page(gbScope))).ms);
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

  // The same figures both ways: per GB, and the committee's months and visit days.
  const differences: string[] = [];
  const readersByGb = new Map(rollUp(committeePage[0]).map((g) => [g.generalBranchId, g.figures]));
  for (const g of gbs.rows) {
    const mine = readersByGb.get(g.id);
    const base = perGb.get(g.id)!.figures;
    for (const k of FIGURE_KEYS) {
      const a = mine?.[k] ?? 0;
      if (a !== base[k]) differences.push(`${g.name} ${k}: readers ${a}, baseline ${base[k]}`);
    }
  }
  const sumMonths = (lists: MonthPoint[][]) => {
    const out = new Map<string, MonthPoint>();
    for (const l of lists)
      for (const m of l) {
        const o = out.get(m.month) ?? { month: m.month, talks: 0, visits: 0, overdueAtEnd: 0 };
        out.set(m.month, { month: m.month, talks: o.talks + m.talks, visits: o.visits + m.visits, overdueAtEnd: o.overdueAtEnd + m.overdueAtEnd });
      }
    return [...out.values()].sort((a, b) => a.month.localeCompare(b.month));
  };
  const sumDays = (lists: DayCount[][]) => {
    const out = new Map<string, number>();
    for (const l of lists) for (const d of l) out.set(d.date, (out.get(d.date) ?? 0) + d.count);
    return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, count]) => ({ date, count }));
  };
  const baseMonths = sumMonths([...perGb.values()].map((b) => b.months));
  if (JSON.stringify(sumMonths([committeePage[1]])) !== JSON.stringify(baseMonths)) {
    differences.push(`months: readers ${JSON.stringify(committeePage[1])}, baseline ${JSON.stringify(baseMonths)}`);
  }
  const baseDays = sumDays([...perGb.values()].map((b) => b.visitDays));
  const readerDays = sumDays([committeePage[2]]);
  if (JSON.stringify(readerDays) !== JSON.stringify(baseDays)) {
    const diff = baseDays.filter((d, i) => JSON.stringify(readerDays[i]) !== JSON.stringify(d)).slice(0, 3);
    differences.push(`visit days: readers ${readerDays.length} days, baseline ${baseDays.length} days; first differing ${JSON.stringify(diff)}`);
  }
  const total: Figures = sumFigures(readersByGb.values());

  const p95 = Math.max(quantile(committeeMs, 0.95), quantile(gbMs, 0.95));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`bench:dashboard  ${size.members} members, ${gbs.rows.length} general branches, ${size.branches} branches; today ${today}; PostgreSQL ${pgVersion} ${bench.describe}`);
  console.log(`  machine   ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}`);
  if (seedSeconds !== undefined || yearSeconds !== undefined) console.log(`  seeded    roster ${seedSeconds?.toFixed(0) ?? '(kept)'} s, a year of records ${yearSeconds?.toFixed(0) ?? '(kept)'} s (bench/lib/year-of-records.ts rates: ${JSON.stringify(YEAR_RATES)})`);
  console.log(
    `  rows      care_records ${size.care_records}, care_obligations ${size.care_obligations}, notices ${size.notices}, deliveries ${size.deliveries}, hardship ${size.hardship_registry}, subsidy payments ${size.subsidy_payments}, self-evaluations ${size.self_evaluations}, commendations ${size.commendations}, announcement recipients ${size.announcement_recipients}, suggestions ${size.suggestions}`,
  );
  console.log(`  committee page (a)  figures of ${committeePage[0].length} branches + ${committeePage[1].length} months + ${committeePage[2].length} visit days: p50 ${ms(median(committeeMs))}, p95 ${ms(quantile(committeeMs, 0.95))} (${runs} runs)`);
  console.log(`  GB page (b)         ${largest.name}, ${largest.n} members: p50 ${ms(median(gbMs))}, p95 ${ms(quantile(gbMs, 0.95))} (${runs} runs)`);
  console.log(`  baseline (c)        one plain query per GB per figure family: committee (${gbs.rows.length} GBs in turn) median ${ms(median(baselineCommitteeMs))}, GB median ${ms(median(baselineGbMs))} (${baselineRuns} runs)`);
  console.log(`  ratio               baseline / readers, medians: committee ${(median(baselineCommitteeMs) / median(committeeMs)).toFixed(1)}x, GB ${(median(baselineGbMs) / median(gbMs)).toFixed(1)}x`);
  console.log(`  committee figures   members ${total.members}, talks ${total.talkQuotaDone}/${total.talkQuotaOwed}, triggers open ${total.triggerOpen} overdue ${total.triggerOverdue}, holiday ${total.holidayVisited}/${total.holidayOwed}, greetings sent ${total.greetingsSent}, reads ${total.announcementReads}/${total.announcementRecipients}`);
  if (differences.length) {
    console.log(`  figures   DIFFER from the baseline (${differences.length}):`);
    for (const d of differences.slice(0, 20)) console.log(`    ${d}`);
    exitCode = 1;
  } else console.log(`  figures   equal to the baseline for every GB, every month and every visit day`);
  const slowest = Math.max(...committeeMs, ...gbMs);
  if (slowest > APP_QUERY_TIMEOUT_MS) console.log(`  note      the slowest page took ${ms(slowest)}: past the app's query_timeout (${APP_QUERY_TIMEOUT_MS} ms), the server would fail it`);
  console.log(`  verdict   ${p95 <= 300 ? 'PASS' : 'MISS'} (p95 ${ms(p95)}; target ≤ 300 ms at 1,000,000 members)`);
} catch (err) {
  console.error(`bench:dashboard failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await handle.close();
  if (!values.keep) await bench.drop();
  else process.stderr.write(`kept ${bench.describe} (reuse with DATABASE_URL=${bench.url})\n`);
}
process.exit(exitCode);
