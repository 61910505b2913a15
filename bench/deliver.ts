// npm run bench:deliver -- --members 1000000 [--date YYYY-MM-DD] [--latency 50] [--baseline-sample 1000]
//                          [--workers 2] [--kill-at 0.4] [--as-scheduled] [--keep]
// Issue 17 §5 "Delivery": the heaviest day's pushes handed to a fake WeCom API. Seeds a demo organisation of
// that size in a fresh PostgreSQL database (or uses DATABASE_URL as it is), runs the day's sweep as the 08:50
// job would (clock at 08:50 on --date, by default the next quarterly self-evaluation nudge), then starts
// --workers worker processes (bench/lib/deliver-worker.ts: the real outbound worker, batch sender and relay)
// against a fake WeCom on 127.0.0.1 that takes --latency ms per call and counts every breach of the
// per-member frequency limits (wecom-protocol.md §3.7: 30/min, 1000/h). The workers' clock starts where the
// sweep's spread of not-before times ends (everything due: the machinery's own pace is measured, not the
// 20 minutes the sweep spreads the day over on purpose); --as-scheduled starts it at the spread's beginning.
// When --kill-at of the day's recipients have it, one worker is SIGKILLed and a replacement started. Prints
// calls, recipients per call, wall time until every delivery is recorded sent, limit breaches, memory, and
// exactly-once: a sample of delivery rows checked against the fake's log, and totals over the whole log.
// Baseline in the same run: one call per recipient (single deliveries) on --baseline-sample members,
// extrapolated linearly. The database (unless given) and the Redis keys are removed at the end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { buildDeps, type Deps } from '../src/deps.ts';
import { chineseWorkingDayCalendar } from '../src/domain/calendar.ts';
import { addDays, localDate, localInstant } from '../src/domain/dates.ts';
import { DEFAULT_SCHEDULE_SETTINGS, noticesDueOn } from '../src/domain/schedule.ts';
import { createLogger } from '../src/logger.ts';
import type { OutboundMessage } from '../src/platforms/types.ts';
import { messageBody } from '../src/platforms/wecom/client.ts';
import { runSweep, SWEEP_AT } from '../src/notices/sweep.ts';
import { startFakeWecom, type SentMessage } from '../test/helpers/fake-wecom.ts';
import { cleanRedisPrefix, prepareDatabase } from './lib/infra.ts';
import { benchWecomApp, benchWecomEnv } from './lib/fake-wecom-app.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '1000000' },
    date: { type: 'string' },
    latency: { type: 'string', default: '50' },
    'baseline-sample': { type: 'string', default: '1000' },
    workers: { type: 'string', default: '2' },
    'kill-at': { type: 'string', default: '0.4' },
    'as-scheduled': { type: 'boolean' },
    'check-sample': { type: 'string', default: '1000' },
    keep: { type: 'boolean' },
  },
});
const members = Number(values.members);
const latencyMs = Number(values.latency);
const baselineWanted = Number(values['baseline-sample']);
const workerCount = Math.max(1, Number(values.workers));
const killAt = Number(values['kill-at']);
const checkWanted = Math.max(1, Number(values['check-sample']));
const TZ = process.env.APP_TIMEZONE ?? 'Asia/Shanghai';
const date = values.date ?? heaviestDay(localDate(new Date(), TZ));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TIMEOUT_MS = Number(process.env.BENCH_DELIVER_TIMEOUT_MS ?? 60 * 60_000);
const WECOM = benchWecomApp();
/** wecom-protocol.md §3.7: per app per member. */
const MEMBER_LIMITS = { perMinute: 30, perHour: 1_000 };

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const ms = (t: number) => `${Math.round(t)} ms`;
const secs = (t: number) => (t >= 10_000 ? `${(t / 1000).toFixed(1)} s` : ms(t));
const say = (line: string) => process.stderr.write(`${line}\n`);

/** The next day (from `from`) on which the schedule nudges every member to their quarterly self-evaluation. */
function heaviestDay(from: string): string {
  const ctx = { calendar: chineseWorkingDayCalendar(), settings: DEFAULT_SCHEDULE_SETTINGS };
  for (let d = from, i = 0; i < 366; d = addDays(d, 1), i++) {
    if (noticesDueOn(d, ctx).some((n) => n.kind === 'self_eval_nudge')) return d;
  }
  throw new Error(`no self-evaluation nudge within a year of ${from}`);
}

/** A process's resident set now (Linux /proc), 0 once it is gone. */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** What a message said to its recipients, whatever the call: its msgtype and that part of the body. */
const payloadKey = (m: SentMessage) => `${m.msgtype}\u0000${JSON.stringify((m.body as Record<string, unknown>)[m.msgtype])}`;
/** The same for a delivery row's message, as the WeCom client puts it in the request. */
const rowPayloadKey = (message: OutboundMessage) => {
  const body = messageBody(message as Exclude<OutboundMessage, { type: 'card_update' }>);
  return `${String(body.msgtype)}\u0000${JSON.stringify(body[String(body.msgtype)])}`;
};

interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  peakRss: number;
  exited: Promise<void>;
}

const bench = await prepareDatabase(process.env.DATABASE_URL, ADMIN);
const prefix = `pcbd${randomBytes(4).toString('hex')}`;
const fake = await startFakeWecom({ ...WECOM, latencyMs, memberLimits: MEMBER_LIMITS });
const workers: WorkerProcess[] = [];
let deps: Deps | undefined;
let parentPeak = 0;
let closeMonitor: () => Promise<void> = async () => {};
const sampler = setInterval(() => {
  parentPeak = Math.max(parentPeak, process.memoryUsage().rss);
  for (const w of workers) w.peakRss = Math.max(w.peakRss, rssOf(w.pid));
}, 200);
try {
  // Seeded by the CLI in its own process, as bench:sweep does.
  const seedHandle = await connectDatabase({ databaseUrl: bench.url, poolSize: 2 });
  const existing = Number((await seedHandle.db.selectFrom('members').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  await seedHandle.close();
  if (existing === 0) {
    say(`seeding ${members} members in ${bench.describe} …`);
    const seed = spawnSync(process.execPath, [TSX, 'src/cli.ts', 'seed-demo', '--members', String(members), '--seed', 'bench'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: bench.url, APP_TIMEZONE: TZ },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (seed.status !== 0) throw new Error('seed-demo failed');
  }

  const env: Record<string, string> = {
    DATABASE_URL: bench.url,
    REDIS_URL: REDIS,
    APP_TIMEZONE: TZ,
    // Off: the day's pushes go whatever the hour the bench runs at (the workers' clock says 09:xx anyway).
    QUIET_HOURS: '',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...benchWecomEnv(WECOM, fake.baseUrl),
  };
  // The sweep, as the 08:50 job runs it on the day (nothing is due yet: every delivery is left to the relay).
  const sweepClock = localInstant(date, SWEEP_AT, TZ);
  deps = await buildDeps(loadConfig(env), { log: createLogger('warn'), queuePrefix: prefix, clock: () => sweepClock });
  const db = deps.db.db;
  const memberCount = Number((await db.selectFrom('members').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const redisInfo = new Redis(REDIS, { maxRetriesPerRequest: 1 });
  const redisUsed = async () => Number(/used_memory:(\d+)/.exec(await redisInfo.info('memory'))?.[1] ?? 0);
  const redisBefore = await redisUsed();

  say(`sweeping ${date} (${memberCount} members) …`);
  const rssBeforeSweep = process.memoryUsage().rss;
  parentPeak = rssBeforeSweep;
  const ts = performance.now();
  const swept = await runSweep({ db, outbox: deps.outbox, log: deps.log, timezone: TZ, platform: 'wecom', clock: () => sweepClock }, date);
  const sweepMs = performance.now() - ts;
  const sweepPeak = parentPeak;
  if (swept.failed.length > 0) throw new Error(`the sweep failed for ${swept.failed.join(', ')}`);

  const day = (
    await sql<{ deliveries: string; batched: string; batches: string; first: Date | null; last: Date | null; kinds: string }>`
      select sum(n)::text as deliveries, sum(batched)::text as batched, sum(batches)::text as batches,
             min(first) as first, max(last) as last,
             (select string_agg(kind || ' ' || n, ', ' order by n desc) from (select kind, count(*) as n from notices group by kind) k) as kinds
        from (
          select count(*) as n, count(d.batch_id) as batched, count(distinct d.batch_id) as batches, min(d.not_before) as first, max(d.not_before) as last
            from deliveries d where d.idempotency_key like 'notice-%'
          union all
          -- A batch the sweep wrote carries its recipients until its job first claims it.
          select coalesce(sum(cardinality(b.recipients)), 0), coalesce(sum(cardinality(b.recipients)), 0), count(*), min(b.not_before), max(b.not_before)
            from delivery_batches b where b.recipients is not null
        ) x`.execute(db)
  ).rows[0]!;
  const total = Number(day.deliveries);
  if (total === 0) throw new Error(`the sweep of ${date} recorded no deliveries`);
  const first = day.first ?? sweepClock;
  const last = day.last ?? sweepClock;
  const clockStart = values['as-scheduled'] ? first : new Date(last.getTime() + 1_000);

  let firstReady: number | undefined;
  // Counted on a connection of its own without the app's 10 s query timeout: with a million rows pending the
  // count takes seconds on a loaded machine. Looked at once the fake has seen every recipient, else every 5 s.
  const monitor = new pg.Client({ connectionString: bench.url });
  await monitor.connect();
  closeMonitor = () => monitor.end();
  const unfinished = async () =>
    Number(
      (
        await monitor.query<{ n: string }>(
          `select ((select count(*) from deliveries where status in ('pending', 'sending')) + (select coalesce(sum(cardinality(recipients)), 0) from delivery_batches where recipients is not null))::text as n`,
        )
      ).rows[0]!.n,
    );
  const start = (n: number): WorkerProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/deliver-worker.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env, BENCH_CLOCK_START: clockStart.toISOString(), BENCH_QUEUE_PREFIX: prefix },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    const w: WorkerProcess = { child, pid: child.pid!, peakRss: 0, exited: new Promise((r) => child.once('exit', () => r())) };
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('"ready"')) return;
      firstReady ??= performance.now();
      say(`worker ${n} (pid ${w.pid}) running`);
    });
    workers.push(w);
    return w;
  };

  say(`${total} deliveries (${day.batched} in ${day.batches} batches); starting ${workerCount} workers, clock at ${clockStart.toISOString()} …`);
  const calls0 = fake.calls['message/send'] ?? 0;
  const t0 = performance.now();
  for (let i = 0; i < workerCount; i++) start(i + 1);
  let killedAt: { ms: number; delivered: number } | undefined;
  const deadline = Date.now() + TIMEOUT_MS;
  // Recipients reached so far, counted on from where the last look stopped.
  let counted = 0;
  let reached = 0;
  const personSends = () => {
    for (; counted < fake.sent.length; counted++) reached += fake.sent[counted]!.touser.split('|').length;
    return reached;
  };
  let lastCheck = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    if (!killedAt) {
      const delivered = personSends();
      if (delivered >= killAt * total) {
        // A worker dies mid-run, as under the OOM killer: no cleanup, its jobs and leases left as they were.
        const victim = workers[0]!;
        process.kill(-victim.pid, 'SIGKILL');
        killedAt = { ms: performance.now() - (firstReady ?? t0), delivered };
        say(`SIGKILL worker 1 (pid ${victim.pid}) at ${secs(killedAt.ms)}, ${delivered} recipients reached; starting a replacement`);
        start(workerCount + 1);
      }
    }
    if (performance.now() - lastCheck >= (personSends() >= total ? 1_000 : 5_000)) {
      lastCheck = performance.now();
      if ((await unfinished()) === 0) break;
    }
    if (Date.now() > deadline) throw new Error(`not every delivery sent within ${TIMEOUT_MS / 60_000} min`);
  }
  // From the first worker taking work (booting a process, ~2-10 s on this machine, is not the day's delivery).
  const bootMs = (firstReady ?? t0) - t0;
  const wallMs = performance.now() - (firstReady ?? t0);
  const dayCalls = (fake.calls['message/send'] ?? 0) - calls0;
  const daySent = fake.sent.slice();
  const redisAfterDay = await redisUsed();

  // Exactly once, row by row: a random sample of the day's deliveries, each found once in the fake's log.
  const sample = (
    await sql<{ id: string; recipient: string; status: string; platform_msgid: string | null; message: OutboundMessage }>`
      select id::text as id, recipient, status, platform_msgid, message from deliveries
       where idempotency_key like 'notice-%' order by random() limit ${checkWanted}`.execute(db)
  ).rows;
  const byMsgid = new Map(daySent.map((m) => [m.msgid, m]));
  const wanted = new Set(sample.map((r) => r.recipient));
  const receivedBy = new Map<string, Map<string, number>>(); // recipient → payload → times
  for (const m of daySent) {
    const key = payloadKey(m);
    for (const u of m.touser.split('|')) {
      if (!wanted.has(u)) continue;
      const mine = receivedBy.get(u) ?? new Map<string, number>();
      mine.set(key, (mine.get(key) ?? 0) + 1);
      receivedBy.set(u, mine);
    }
  }
  let sampleOk = 0;
  const withoutId = sample.filter((r) => r.status === 'sent' && r.platform_msgid === null).length;
  const sampleBad: string[] = [];
  for (const r of sample) {
    // Sent, its text reached its recipient exactly once, and the message id recorded (if any: a re-send that
    // the duplicate check dropped is answered without one) names a request to that recipient with that text.
    const key = rowPayloadKey(r.message);
    const m = r.platform_msgid ? byMsgid.get(r.platform_msgid) : undefined;
    const idOk = r.platform_msgid === null || (m !== undefined && m.touser.split('|').includes(r.recipient) && payloadKey(m) === key);
    const ok = r.status === 'sent' && idOk && receivedBy.get(r.recipient)?.get(key) === 1;
    if (ok) sampleOk++;
    else if (sampleBad.length < 5) sampleBad.push(`delivery ${r.id} (${r.status}, ${r.recipient})`);
  }

  // Exactly once, in total: every (message, recipient) pair of the fake's log once, and as many as rows sent.
  const pairs = new Map<string, Set<string>>();
  let doubled = 0;
  let maxPerCall = 0;
  for (const m of daySent) {
    const users = m.touser.split('|');
    maxPerCall = Math.max(maxPerCall, users.length);
    const key = payloadKey(m);
    const seen = pairs.get(key) ?? new Set<string>();
    for (const u of users) {
      if (seen.has(u)) doubled++;
      else seen.add(u);
    }
    pairs.set(key, seen);
  }
  const distinct = [...pairs.values()].reduce((n, s) => n + s.size, 0);
  // The target is about the nudge: the calls that carried its text (the day's other notices go as they are).
  const nudgeTexts = new Set(
    (
      await sql<{ message: OutboundMessage }>`
        select distinct on (d.message) d.message from notices n join deliveries d on d.idempotency_key = 'notice-' || n.id
         where n.kind = 'self_eval_nudge'`.execute(db)
    ).rows.map((r) => rowPayloadKey(r.message)),
  );
  const nudgeCalls = daySent.filter((m) => nudgeTexts.has(payloadKey(m))).length;
  const nudgeRecipients = [...nudgeTexts].reduce((n, k) => n + (pairs.get(k)?.size ?? 0), 0);
  const statuses = Object.fromEntries(
    (await sql<{ status: string; n: string }>`select status, count(*)::text as n from deliveries where idempotency_key like 'notice-%' group by status`.execute(db)).rows.map((r) => [r.status, Number(r.n)]),
  );
  const sentRows = statuses['sent'] ?? 0;
  const violations = fake.limitViolations;

  // Baseline: the same workers, one delivery, one job and one message/send per recipient, on a sample.
  const sampleUsers = (
    await db.selectFrom('members').select('userid').where('userid', 'is not', null).where('status', '=', 'active').orderBy('id').limit(baselineWanted).execute()
  ).map((m) => m.userid!);
  const b0 = fake.calls['message/send'] ?? 0;
  const tb = performance.now();
  const ids = await deps.outbox.record(
    sampleUsers.map((u) => ({
      idempotencyKey: `bench-deliver-single:${u}`,
      platform: 'wecom' as const,
      recipient: u,
      message: { type: 'text' as const, content: '请各位党员同志按时完成本季度自评（逐人发送的对照测量）。' },
    })),
  );
  await deps.outbox.enqueue(ids);
  while ((await unfinished()) > 0) {
    if (Date.now() > deadline) throw new Error('baseline: not every delivery sent in time');
    await new Promise((r) => setTimeout(r, 100));
  }
  const baseMs = performance.now() - tb;
  const baseCalls = (fake.calls['message/send'] ?? 0) - b0;
  const scale = sentRows / Math.max(1, sampleUsers.length);

  const ok = violations === 0 && doubled === 0 && distinct === sentRows && sampleOk === sample.length && sentRows + (statuses['failed'] ?? 0) === total;
  const met = nudgeCalls <= 2_000 && wallMs <= 10 * 60_000;
  console.log(`bench:deliver  ${memberCount} members, date ${date}, fake WeCom on 127.0.0.1 at ${latencyMs} ms per call, PostgreSQL ${bench.describe}`);
  console.log(`  day       ${day.kinds ?? 'no notices'}`);
  console.log(`  sweep     ${ms(sweepMs)} (clock at ${SWEEP_AT} on the day): ${swept.decided} notices, ${total} deliveries, ${day.batched} of them in ${day.batches} batches`);
  console.log(
    `            not before ${first.toISOString()} … ${last.toISOString()}; workers' clock from ${clockStart.toISOString()} (${values['as-scheduled'] ? 'as scheduled: the spread is in the wall time' : 'everything due: the spread is not in the wall time'})`,
  );
  console.log(`  delivery  ${workerCount} worker processes (outbound concurrency 16 each, relay every 5 s), one SIGKILLed at ${killedAt ? `${secs(killedAt.ms)} (${killedAt.delivered} recipients reached)` : 'no point (finished first)'} and replaced`);
  console.log(`  calls     ${dayCalls} message/send calls, recipients per call max ${maxPerCall}, mean ${(distinct / Math.max(1, dayCalls)).toFixed(1)}; gettoken ${fake.tokenCalls}`);
  console.log(`            the self-evaluation nudge: ${nudgeCalls} calls delivered it to ${nudgeRecipients} members (${dayCalls - nudgeCalls} other calls: the day's other notices, and re-sends WeCom dropped as duplicates)`);
  console.log(`  wall      ${secs(wallMs)} from the first worker running until every delivery was recorded sent (starting the processes took ${secs(bootMs)} more)`);
  console.log(`  limits    per-member frequency limits (${MEMBER_LIMITS.perMinute}/min, ${MEMBER_LIMITS.perHour}/h) breached ${violations} times`);
  console.log(`  once      sample: ${sampleOk} of ${sample.length} random delivery rows found exactly once in the fake's log${sampleBad.length ? ` (not: ${sampleBad.join(', ')})` : ''}${withoutId ? `; ${withoutId} recorded without a message id (the answer to a re-send the duplicate check dropped)` : ''}`);
  console.log(`            totals: ${distinct} distinct (message, recipient) pairs delivered, ${sentRows} deliveries sent, ${statuses['failed'] ?? 0} failed, ${doubled} recipients twice for one message`);
  console.log(`  baseline  one call per recipient (single deliveries), measured on ${sampleUsers.length} recipients: ${baseCalls} calls, ${secs(baseMs)}`);
  console.log(`            extrapolated linearly to ${sentRows} deliveries: ${Math.round(baseCalls * scale)} calls, ${secs(baseMs * scale)} (an estimate, not a measurement)`);
  console.log(`  ratio     calls ${((baseCalls * scale) / Math.max(1, dayCalls)).toFixed(1)}x fewer, wall time ${((baseMs * scale) / wallMs).toFixed(1)}x shorter (against the extrapolated baseline)`);
  console.log(
    `  memory    workers' peak RSS ${workers.map((w, i) => `#${i + 1} ${mb(w.peakRss)}`).join(', ')}; bench process (sweep) ${mb(sweepPeak)} (before the sweep ${mb(rssBeforeSweep)}); Redis used ${mb(redisBefore)} → ${mb(redisAfterDay)} after the day`,
  );
  console.log(`  verdict   exactly once and within the limits: ${ok ? 'yes' : 'NO'}; ≤ 2,000 calls and ≤ 10 minutes: ${met ? 'PASS' : 'MISS'}`);
  redisInfo.disconnect();
  if (!ok) process.exitCode = 1;

} finally {
  clearInterval(sampler);
  for (const w of workers) {
    try {
      process.kill(-w.pid, 'SIGTERM');
    } catch {
      // gone already (the one killed)
    }
  }
  await Promise.race([Promise.all(workers.map((w) => w.exited)), new Promise((r) => setTimeout(r, 20_000))]);
  for (const w of workers) {
    try {
      process.kill(-w.pid, 'SIGKILL');
    } catch {
      // exited
    }
  }
  if (!bench.temporary) {
    // A database given (DATABASE_URL): this run's notices and deliveries go, whatever happened, so the day can be
    // delivered again (a connection without the app's query timeout: a million rows take a while).
    const c = new pg.Client({ connectionString: bench.url });
    try {
      await c.connect();
      await c.query(`delete from deliveries where idempotency_key like 'notice-%' or idempotency_key like 'bench-deliver-single:%'`);
      await c.query(`delete from delivery_batches where not exists (select 1 from deliveries d where d.batch_id = delivery_batches.id)`);
      await c.query(`delete from notices`);
      await c.query(`delete from sweep_days`);
    } catch (err) {
      say(`could not remove this run's notices and deliveries: ${(err as Error).message}`);
    } finally {
      await c.end().catch(() => {});
    }
  }
  await closeMonitor().catch(() => {});
  await deps?.close().catch(() => {});
  await fake.close().catch(() => {});
  await cleanRedisPrefix(REDIS, prefix).catch(() => {});
  if (!values.keep) await bench.drop();
  else say(`kept ${bench.describe} (reuse with DATABASE_URL=${bench.url})`);
}
