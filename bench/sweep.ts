// npm run bench:sweep -- --members 1000000 [--date YYYY-MM-DD | --date heaviest] [--keep]
// Seeds a demo organisation of that size in a fresh PostgreSQL database (or DATABASE_URL), then times one
// day's sweep — decide + write notices and deliveries + enqueue to BullMQ — against, in the same run, an
// index-only count of the members table (the baseline of record) and a scan that reads every row. Prints
// them, the ratios, and the process memory. Targets: on an ordinary day (issue 4) the sweep within 5x the
// baseline and under 3 s, memory under 300 MB; on a day that messages every member (issue 17 §5) — `--date
// heaviest`, the next quarterly self-evaluation nudge — every notice and delivery decided and written in chunks
// within 20 s, peak RSS at most 512 MB.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { sql } from 'kysely';
import { connectDatabase } from '../src/db/connect.ts';
import { DeliveryRepository } from '../src/db/delivery-repository.ts';
import { chineseWorkingDayCalendar } from '../src/domain/calendar.ts';
import { localDate } from '../src/domain/dates.ts';
import { batchJobs, outboundJobs, QUEUE, type OutboundJob } from '../src/jobs/queues.ts';
import { createLogger } from '../src/logger.ts';
import { ensureQuotaObligations, runSweep } from '../src/notices/sweep.ts';
import { addDays } from '../src/domain/dates.ts';
import { DEFAULT_SCHEDULE_SETTINGS, noticesDueOn } from '../src/domain/schedule.ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Outbox } from '../src/services/outbox.ts';
import { DeliveryRouter } from '../src/services/delivery-router.ts';
import { cleanRedisPrefix, prepareDatabase } from './lib/infra.ts';

const { values } = parseArgs({ options: { members: { type: 'string', default: '1000000' }, date: { type: 'string' }, keep: { type: 'boolean' } } });
const members = Number(values.members);
const TZ = process.env.APP_TIMEZONE ?? 'Asia/Shanghai';
const today = localDate(new Date(), TZ);
const date = values.date === 'heaviest' ? heaviestDay(today) : (values.date ?? today);
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const ms = (t: number) => `${t.toFixed(0)} ms`;

/** The next day (from `from`) on which the schedule nudges every member to their quarterly self-evaluation. */
function heaviestDay(from: string): string {
  const ctx = { calendar: chineseWorkingDayCalendar(), settings: DEFAULT_SCHEDULE_SETTINGS };
  for (let d = from, i = 0; i < 366; d = addDays(d, 1), i++) {
    if (noticesDueOn(d, ctx).some((n) => n.kind === 'self_eval_nudge')) return d;
  }
  throw new Error(`no self-evaluation nudge within a year of ${from}`);
}

const bench = await prepareDatabase(process.env.DATABASE_URL, ADMIN);
const handle = await connectDatabase({ databaseUrl: bench.url, poolSize: 4 });
const prefix = `pcbs${randomBytes(4).toString('hex')}`;
const redis = new Redis(REDIS, { maxRetriesPerRequest: null });
const queue = new Queue<OutboundJob>(QUEUE.outbound, { connection: redis, prefix });
try {
  const existing = await handle.db.selectFrom('members').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  if (Number(existing.n) === 0) {
    // Seeded by the CLI in its own process, so this process's memory is the sweep's alone.
    process.stderr.write(`seeding ${members} members in ${bench.describe} …\n`);
    const seed = spawnSync(process.execPath, [TSX, 'src/cli.ts', 'seed-demo', '--members', String(members), '--seed', 'bench'], {
      env: { ...process.env, DATABASE_URL: bench.url, APP_TIMEZONE: TZ },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (seed.status !== 0) throw new Error('seed-demo failed');
  }
  // On its own connection: at a million members on a loaded machine it outlasts the pool's 10 s query timeout.
  const vacuum = new pg.Client({ connectionString: bench.url });
  await vacuum.connect();
  await vacuum.query('vacuum analyze').finally(() => vacuum.end());
  const count = Number((await handle.db.selectFrom('members').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

  // Baselines, best of 3: an index-only count of the members table (the baseline of record: the least any
  // pass over every member costs), and beside it an index scan that reads every row (index-only scans off).
  const best = async (query: ReturnType<typeof sql>, indexOnly: boolean) => {
    let t = Infinity;
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      await handle.db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        if (!indexOnly) await sql`set local enable_indexonlyscan = off`.execute(trx);
        await query.execute(trx);
      });
      t = Math.min(t, performance.now() - s);
    }
    return t;
  };
  const scan = await best(sql`select count(*) from (select id, userid, name, join_date from members where id > 0 order by id offset 0) t`, false);
  const countOnly = await best(sql`select count(*) from members where id > 0`, true);

  // What a running worker already has: the holiday calendar loaded, the queue connected with its scripts,
  // and the year's quota obligations (opened once a year, by the year's first sweep — timed separately).
  chineseWorkingDayCalendar();
  const tq = performance.now();
  await ensureQuotaObligations(handle.db, Number(date.slice(0, 4)), new Date());
  const quotaMs = performance.now() - tq;
  await queue.waitUntilReady();
  await queue.getJobCounts();

  // The sweep, as the worker runs it; the notices of this run are removed afterwards so --keep can repeat it.
  const log = createLogger('warn');
  // Routed as in production (one roster lookup per chunk of notices).
  const outbox = new Outbox(new DeliveryRepository(handle.db), queue, log, 'bench', () => new Date(), {}, new DeliveryRouter(handle.db, ['wecom']));
  const rssBefore = process.memoryUsage().rss;
  const t = performance.now();
  const result = await runSweep({ db: handle.db, outbox, log, timezone: TZ, platform: 'wecom', clock: () => new Date() }, date);
  const sweepMs = performance.now() - t;
  const jobs = await queue.count();
  // For the record: the rest is enqueued by the relay as it comes due, 1,000 jobs a round — one per single
  // delivery, one per batch — timed here.
  const rest = await sql<{ id: string; batch: boolean }>`
    select id::text as id, false as batch from deliveries where push and batch_id is null and idempotency_key like 'notice-%'
    union all select id::text, true from delivery_batches where key like 'notices:%' order by 2, 1`.execute(handle.db);
  const batches = rest.rows.filter((r) => r.batch).length;
  const restIds = rest.rows.slice(jobs);
  const tr = performance.now();
  for (let i = 0; i < restIds.length; i += 1_000) {
    const round = restIds.slice(i, i + 1_000);
    await queue.addBulk([...outboundJobs('bench', round.filter((r) => !r.batch).map((r) => r.id)), ...batchJobs('bench', round.filter((r) => r.batch).map((r) => r.id))]);
  }
  const relayMs = performance.now() - tr;
  const heaviest = noticesDueOn(date, { calendar: chineseWorkingDayCalendar(), settings: DEFAULT_SCHEDULE_SETTINGS }).some((n) => n.kind === 'self_eval_nudge' || n.kind === 'goals_nudge');
  const target = heaviest
    ? { ms: 20_000, rssMb: 512, ratio: Infinity, text: '≤ 20000 ms, peak RSS ≤ 512 MB: a day that messages every member' }
    : { ms: 3_000, rssMb: 300, ratio: 5, text: '≤ 5x the baseline and under 3000 ms, RSS < 300 MB' };
  const pass = sweepMs <= target.ms && peakRss <= target.rssMb * 1024 * 1024 && sweepMs / countOnly <= target.ratio;

  console.log(`bench:sweep  ${count} members, date ${date}, PostgreSQL ${bench.describe}`);
  console.log(`  baseline  index-only count of members     ${ms(countOnly)}   (baseline of record)`);
  console.log(`            index scan reading every row    ${ms(scan)}`);
  console.log(`  sweep     decide+write+enqueue            ${ms(sweepMs)}   (${result.decided} notices, ${result.recorded} deliveries, ${batches} batches, ${jobs} jobs due now queued)`);
  console.log(`  relay     the other ${restIds.length} jobs (single deliveries and batches), enqueued as they come due over the next minutes: ${ms(relayMs)} of addBulk in all (not in the sweep figure)`);
  console.log(`            decide ${result.timings?.decideMs} ms, write ${result.timings?.writeMs} ms, enqueue ${result.timings?.enqueueMs} ms`);
  console.log(`  ratio     sweep / index-only count        ${(sweepMs / countOnly).toFixed(2)}x`);
  console.log(`            sweep / row-reading scan        ${(sweepMs / scan).toFixed(2)}x`);
  console.log(`  yearly    opening the year's quota obligations (once a year, not in the daily figure): ${ms(quotaMs)}`);
  console.log(`  memory    peak RSS ${mb(peakRss)} (before sweep ${mb(rssBefore)})`);
  console.log(`  verdict   ${pass ? 'PASS' : 'MISS'}   (target ${target.text})`);

  await sql`delete from deliveries where idempotency_key like 'notice-%'`.execute(handle.db);
  await sql`delete from delivery_batches where key like 'notices:%'`.execute(handle.db);
  await sql`delete from notices`.execute(handle.db);
  await sql`delete from sweep_days`.execute(handle.db);
} finally {
  clearInterval(sampler);
  await queue.close();
  redis.disconnect();
  await cleanRedisPrefix(REDIS, prefix);
  await handle.close();
  if (!values.keep) await bench.drop();
  else process.stderr.write(`kept ${bench.describe} (reuse with DATABASE_URL=${bench.url})\n`);
}
