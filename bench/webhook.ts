// npm run bench:webhook [-- --platform wecom|dingtalk --duration 10 --warmup 3 --connections 100 --rounds 1
//                         --targets bare,minimal,durable]
//
// Load-tests POST /wecom/callback with distinct, valid, encrypted messages (or, with --platform dingtalk,
// POST /dingtalk/robot with distinct, validly signed robot messages), against three servers measured
// in the same run on the same machine, each in its own child process (the load generator, autocannon, runs
// here and never shares a server's event loop):
//   bare     — a bare fastify route taking the same body (the ceiling);
//   minimal  — verify, decrypt, parse, BullMQ add, no database (the receive path without durability);
//              DingTalk: check timestamp and sign, parse the JSON, robotMessageToInbound, BullMQ add;
//   durable  — the real app: verify, decrypt, parse, record in PostgreSQL, dedupe, enqueue.
// Prints req/s, p50, p99, errors for each, the ratios, and PASS/FAIL against the targets
// (WeCom: durable ≥ 0.6 × minimal, durable p99 < 25 ms, zero errors; DingTalk: durable p99 < 150 ms, a
// tenth of DingTalk's 1,500 ms deadline, zero errors, the ratio to minimal reported, not judged). Exits 0
// either way: it reports, it is not a test; exit 1 means the bench itself broke. With --rounds N the three
// targets are measured N times, interleaved, and the verdict uses the medians (a shared two-core machine
// varies by ±20% run to run).
//
// Uses a fresh PostgreSQL database pc_bench_<random> (dropped at the end) unless DATABASE_URL is set, and a
// unique BullMQ prefix on REDIS_URL (its keys deleted at the end). No workers run: jobs stay queued.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { collectGarbage } from './lib/gc.ts';
import { cpuShare, processesCpu, SERVICES, systemCpu, waitForQuiet, type CpuShare } from './lib/cpu.ts';
import { cleanRedisPrefix, countInboundRows, countWaitingJobs, prepareDatabase, safeUrl, type BenchDatabase } from './lib/infra.ts';
import { summarise } from './lib/profile-summary.ts';
import { packPool, poolSource, requestBytes, runLoad, type AutocannonResult, type PackedPool } from './lib/load.ts';
import { CallbackGenerator, wecomEnv, type Callback } from './lib/messages.ts';
import { dingtalkEnv, RobotMessageGenerator } from './lib/dingtalk-messages.ts';
import type { BatchStats, BenchPlatform, ServerStats, Target } from './lib/server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = fileURLToPath(new URL('./lib/server.ts', import.meta.url));
const TARGETS: Target[] = ['bare', 'minimal', 'durable'];
const PLATFORMS: BenchPlatform[] = ['wecom', 'dingtalk'];
/**
 * WeCom: durable keeps ≥ 0.6 of minimal's rate with p99 under 25 ms. DingTalk: its robot callback must be
 * answered within 1,500 ms (wecom-protocol.md §5.1); p99 on this machine gets a tenth of that, the rest
 * being for the network between DingTalk and us, a TLS proxy and the tail beyond p99. The ratio to minimal
 * is reported for DingTalk, not judged.
 */
const GOALS: Record<BenchPlatform, { ratio: number | undefined; p99Ms: number; deadlineMs?: number }> = {
  wecom: { ratio: 0.6, p99Ms: 25 },
  dingtalk: { ratio: undefined, p99Ms: 150, deadlineMs: 1500 },
};

const { values: args } = parseArgs({
  options: {
    platform: { type: 'string', default: 'wecom' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '100' },
    pool: { type: 'string', default: '20000' },
    targets: { type: 'string', default: TARGETS.join(',') },
    rounds: { type: 'string', default: '1' },
    profile: { type: 'boolean', default: false },
    'quiet-wait': { type: 'string', default: '60' },
    'node-flags': { type: 'string', default: '' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: false,
});

if (args.help) {
  console.log(`usage: npm run bench:webhook -- [--platform wecom|dingtalk] [--duration SEC] [--warmup SEC] [--connections N]
                                [--pool N] [--targets bare,minimal,durable] [--rounds N] [--profile] [--quiet-wait SEC]
  --platform    wecom (default): POST /wecom/callback; dingtalk: POST /dingtalk/robot (robot messages, signed
                per second of generation: the sign covers only the timestamp)
  --duration    measured seconds per target and round (default 10), after --warmup seconds (default 3)
  --rounds N    measure every target N times, interleaved; report each run and judge on the medians
  --pool N      at least N pre-generated messages per target (default 20000; more when the rate needs it)
  --json FILE   also write the figures as JSON
  --node-flags=FLAGS  extra node flags for the servers under test (experiments: --node-flags=--max-semi-space-size=64)
  --quiet-wait  before each target, wait up to SEC seconds (default 60) for the machine to be idle
                (other processes under 0.25 of a core), so a shared machine's other work spoils fewer runs
  --profile     record a V8 CPU profile of each server (in the OS temp dir) and print a summary
  env: DATABASE_URL (use this database, not a temporary one), REDIS_URL, BENCH_PG_ADMIN_URL
  diagnostics (env): BENCH_SHOW_LOG_LINES=N (server log lines shown, default 15), BENCH_ALLOC_PROFILE=FILE
    (allocation sampling of a server), BENCH_EXPERIMENT=no-child-logger,ack-after-insert (what-if variants of
    the durable server, never the default: no per-request pino child logger; reply once PostgreSQL has the event)`);
  process.exit(0);
}

const platform = args.platform as BenchPlatform;
if (!PLATFORMS.includes(platform)) fail(`unknown platform "${args.platform}" (known: ${PLATFORMS.join(', ')})`);
const GOAL = GOALS[platform];
const ROUTE = platform === 'dingtalk' ? '/dingtalk/robot' : '/wecom/callback';
const durationSec = positive('duration');
const warmupSec = Number(args.warmup);
const connections = positive('connections');
const poolSize = positive('pool');
const rounds = positive('rounds');
const quietWaitSec = Number(args['quiet-wait']);
if (!Number.isFinite(quietWaitSec) || quietWaitSec < 0) fail('--quiet-wait must be a number ≥ 0');
const targets = args.targets.split(',').map((t) => t.trim()) as Target[];
for (const t of targets) if (!TARGETS.includes(t)) fail(`unknown target "${t}" (known: ${TARGETS.join(', ')})`);
if (!Number.isFinite(warmupSec) || warmupSec < 0) fail('--warmup must be a number ≥ 0');

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const adminUrl = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const runId = randomBytes(4).toString('hex');
const prefixes: Record<Target, string> = { bare: `pcbench${runId}b`, minimal: `pcbench${runId}m`, durable: `pcbench${runId}d` };
// MsgIds like real ones (WeCom: digits, 16 long: a run prefix of 7 digits + a 9-digit counter; DingTalk:
// msg + the run prefix + a counter + ==).
const msgIdPrefix = String(1_000_000 + randomInt(8_999_999));
const generator: { next(nowMs?: number): Callback } = platform === 'dingtalk' ? new RobotMessageGenerator(msgIdPrefix) : new CallbackGenerator(msgIdPrefix);
/** What this run's messages' rows in inbound_events start with. */
const dedupeKeyPrefix = platform === 'dingtalk' ? `dt-msg:msg${msgIdPrefix}` : `wecom-msg-${msgIdPrefix}`;

interface TargetRun {
  target: Target;
  round: number;
  result: AutocannonResult;
  warmup: AutocannonResult | undefined;
  server: ServerStats;
  fromPool: number;
  madeOnTheFly: number;
  cpu: CpuShare;
  /** The server's event-loop delay over the measured window, ms. */
  loopDelay: ServerStats['loopDelay'];
  /** autocannon's (this process's) event-loop delay p99 over the measured window, ms. */
  loadGenLoopP99: number;
  /** Measured window only (durable). */
  batches: { insert: BatchStats; enqueue: BatchStats };
  rows?: number;
  waitingJobs?: number;
}

const children = new Set<ChildProcess>();
let database: BenchDatabase | undefined;
let cleaning: Promise<void> | undefined;

function positive(name: 'duration' | 'connections' | 'pool' | 'rounds'): number {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer`);
  return n;
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const t of targets) {
      if (t === 'bare') continue;
      await cleanRedisPrefix(redisUrl, prefixes[t]).catch((err: unknown) => console.error(`bench: could not clean Redis prefix ${prefixes[t]}: ${(err as Error).message}`));
    }
    if (database?.temporary) {
      await database.drop().catch((err: unknown) => console.error(`bench: could not drop ${database?.describe}: ${(err as Error).message}`));
    }
  })();
  return cleaning;
}

// A reader that goes away (`| head`) must not kill the bench before it has cleaned up.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    console.error(`\nbench: ${sig}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// Every run stops by itself: a watchdog far above the expected time (warm-up + measurement + pool
// generation + start-up per target).
const budgetMs = rounds * targets.length * (warmupSec + durationSec + quietWaitSec + 90) * 1000 + 60_000;
setTimeout(() => {
  console.error(`bench: still running after ${Math.round(budgetMs / 1000)} s, giving up`);
  void cleanup().finally(() => process.exit(1));
}, budgetMs).unref();

interface Server {
  port: number;
  child: ChildProcess;
  /** With mark: also restarts the server's event-loop delay histogram. */
  stats(mark?: boolean): Promise<ServerStats>;
  stop(): Promise<void>;
}

async function startServer(target: Target, env: Record<string, string>): Promise<Server> {
  const nodeArgs = ['--import', 'tsx', ...args['node-flags'].split(' ').filter(Boolean)];
  if (args.profile) {
    // One file per thread (the tsx loader runs on a worker thread of its own); the main thread's is .0.
    const dir = profileDir(target);
    mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  // Either platform's variables from the caller's shell would make the server refuse its configuration
  // (two platforms configured): the server gets only those of the platform measured.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(WECOM_|DINGTALK_|PLATFORM$)/.test(k)));
  const child = spawn(process.execPath, [...nodeArgs, SERVER, target], {
    cwd: ROOT,
    env: { ...inherited, ...env, BENCH_PLATFORM: platform, BENCH_MAX_LIFETIME_MS: String((warmupSec + durationSec + quietWaitSec + 120) * 1000) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(child);
  // The servers log at 'warn': show the first lines (they mean something went wrong), count the rest.
  let shown = 0;
  let hidden = 0;
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      if (shown++ < SHOW_LOG_LINES) console.error(`  [${target}] ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`);
      else hidden++;
    }
  };
  child.stdout!.on('data', forward);
  child.stderr!.on('data', forward);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    children.delete(child);
    if (hidden > 0) console.error(`  [${target}] … ${hidden} more log lines not shown`);
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${target} server did not start within 30 s`)), 30_000);
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m?.type === 'ready' && typeof m.port === 'number') {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${target} server exited with code ${code} before it was ready`));
    });
  });

  return {
    port,
    child,
    stats: (mark = false) =>
      new Promise<ServerStats>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${target} server did not report its stats`)), 10_000);
        const onMessage = (m: { type?: string; stats?: ServerStats }) => {
          if (m?.type === 'stats' && m.stats) {
            clearTimeout(timer);
            child.off('message', onMessage);
            resolve(m.stats);
          }
        };
        child.on('message', onMessage);
        child.send({ type: 'stats', mark });
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

const nowSec = () => performance.now() / 1000;
// How many of a server's log lines to show (BENCH_SHOW_LOG_LINES, e.g. with --node-flags=--trace-gc).
const SHOW_LOG_LINES = Number(process.env.BENCH_SHOW_LOG_LINES ?? 15);

function profileDir(target: Target): string {
  return path.join(tmpdir(), `partycare-bench-${runId}`, target);
}

/** The main thread's profile (thread id 0 in node's file name) of a target. */
function mainProfile(target: Target): string | undefined {
  const dir = profileDir(target);
  const files = readdirSync(dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f)).sort();
  return files.length ? path.join(dir, files[files.length - 1]!) : undefined;
}

/** A pool sized for `seconds` at `rate` req/s plus headroom; timestamps are fresh as of now. */
function makePool(target: Target, port: number, seconds: number, rate: number): { pool: PackedPool; ms: number } {
  const t0 = nowSec();
  // bare wraps around its pool (it stores nothing, so a repeat costs it nothing and proves nothing).
  const size = target === 'bare' ? poolSize : Math.max(poolSize, Math.ceil(Math.max(rate * 2, 12_000) * seconds) + connections * 2);
  const now = Date.now();
  const pool = packPool(port, size, () => generator.next(now));
  return { pool, ms: Math.round((nowSec() - t0) * 1000) };
}

const counted = { rows: 0, jobs: { bare: 0, minimal: 0, durable: 0 } as Record<Target, number> };

async function runTarget(target: Target, round: number): Promise<TargetRun> {
  const label = rounds > 1 ? `${target} #${round}` : target;
  const env: Record<string, string> = {
    ...(platform === 'dingtalk' ? dingtalkEnv() : wecomEnv()),
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    BENCH_QUEUE_PREFIX: prefixes[target],
  };
  if (target === 'durable') env.DATABASE_URL = database!.url;
  const server = await startServer(target, env);
  try {
    if (quietWaitSec > 0) {
      const q = await waitForQuiet(quietWaitSec * 1000);
      if (q.waitedMs > 0 || (q.busyCores ?? 0) >= 0.25) {
        process.stderr.write(`  ${label}: waited ${(q.waitedMs / 1000).toFixed(0)} s for a quiet machine (last second: ${q.busyCores?.toFixed(2)} cores busy)\n`);
      }
    }
    const onEmpty = target === 'bare' ? 'wrap' : 'generate';
    const make = () => requestBytes(server.port, generator.next());
    let fromPool = 0;
    let madeOnTheFly = 0;
    let warmup: AutocannonResult | undefined;
    // Pools are sized generously (a message made during the run costs the load generator ~20 µs): at least
    // 12k req/s, or twice the rate seen in the warm-up, whichever is more.
    let rate = 12_000;
    if (warmupSec > 0) {
      const { pool, ms } = makePool(target, server.port, warmupSec, rate);
      process.stderr.write(`  ${label}: warm-up ${warmupSec} s (${pool.count} messages generated in ${ms} ms)… `);
      const source = poolSource(pool, onEmpty, make);
      warmup = await runLoad({ port: server.port, connections, durationSec: warmupSec, source });
      fromPool += source.fromPool;
      madeOnTheFly += source.madeOnTheFly;
      rate = Math.max(1_000, warmup.requests.total / Math.max(warmup.duration, 0.1));
      process.stderr.write(`${Math.round(rate)} req/s\n`);
    }
    const { pool, ms } = makePool(target, server.port, durationSec, rate);
    process.stderr.write(`  ${label}: measuring ${durationSec} s at ${connections} connections (${pool.count} messages generated in ${ms} ms)… `);
    const source = poolSource(pool, onEmpty, make);
    // The pool's generation left garbage in this process: collect it now, not as a pause mid-measurement
    // that would show up as server latency.
    collectGarbage();
    const before = { server: await server.stats(true), self: process.cpuUsage(), sys: systemCpu(), services: processesCpu(SERVICES), t: nowSec() };
    const genLoop = monitorEventLoopDelay({ resolution: 1 });
    genLoop.enable();
    const result = await runLoad({ port: server.port, connections, durationSec, source });
    genLoop.disable();
    const loadGenLoopP99 = genLoop.percentile(99) / 1e6;
    const after = { server: await server.stats(), self: process.cpuUsage(before.self), sys: systemCpu(), services: processesCpu(SERVICES), t: nowSec() };
    const cpu = cpuShare(
      after.t - before.t,
      { user: after.server.cpu.user - before.server.cpu.user, system: after.server.cpu.system - before.server.cpu.system },
      after.self,
      before.sys,
      after.sys,
      before.services,
      after.services,
    );
    const batches = {
      insert: batchDiff(before.server.batches.insert, after.server.batches.insert),
      enqueue: batchDiff(before.server.batches.enqueue, after.server.batches.enqueue),
    };
    fromPool += source.fromPool;
    madeOnTheFly += source.madeOnTheFly;
    process.stderr.write(`${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms\n`);
    // Let replies to requests the load generator abandoned at the end finish, then read the server's counts.
    await new Promise((r) => setTimeout(r, 500));
    const stats = await server.stats();
    const run: TargetRun = { target, round, result, warmup, server: stats, fromPool, madeOnTheFly, cpu, batches, loopDelay: after.server.loopDelay, loadGenLoopP99 };
    await server.stop();
    // Counted per run: the database and the queue keep what earlier rounds stored.
    if (target === 'durable') {
      const rows = await countInboundRows(database!.url, dedupeKeyPrefix);
      run.rows = rows - counted.rows;
      counted.rows = rows;
    }
    if (target !== 'bare') {
      const jobs = await countWaitingJobs(redisUrl, prefixes[target], 'inbound');
      run.waitingJobs = jobs - counted.jobs[target];
      counted.jobs[target] = jobs;
    }
    return run;
  } finally {
    await server.stop().catch(() => {});
  }
}

/** Counts and sums diff; the maxima are over the whole run (warm-up included). */
function batchDiff(a: BatchStats, b: BatchStats): BatchStats {
  return { count: b.count - a.count, items: b.items - a.items, maxItems: b.maxItems, totalMs: b.totalMs - a.totalMs, maxMs: b.maxMs };
}

function describeBatches(name: string, b: BatchStats): string {
  if (b.count === 0) return `  ${name}: none`;
  return `  ${name}: ${b.count} batches, ${(b.items / b.count).toFixed(1)} items on average (max ${b.maxItems}), ${(b.totalMs / b.count).toFixed(1)} ms on average (max ${b.maxMs.toFixed(0)} ms)`;
}

function errorsOf(r: AutocannonResult): number {
  return r.errors + r.non2xx; // errors includes timeouts
}

function pad(s: string | number, n: number, left = false): string {
  const t = String(s);
  return left ? t.padEnd(n) : t.padStart(n);
}

interface Median {
  reqPerSec: number;
  p50: number;
  p99: number;
  runs: number;
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** A run during which unrelated processes used more than this many cores is left out of the medians. */
const NOISY_OTHER = 0.25;
const reliable = (r: TargetRun) => r.cpu.other === undefined || r.cpu.other < NOISY_OTHER;

/** Medians over the reliable runs of each target (over all of them when none was reliable). */
function medians(runs: TargetRun[]): Partial<Record<Target, Median & { excluded: number }>> {
  const out: Partial<Record<Target, Median & { excluded: number }>> = {};
  for (const t of TARGETS) {
    const all = runs.filter((r) => r.target === t);
    if (all.length === 0) continue;
    const quiet = all.filter(reliable);
    const rs = quiet.length > 0 ? quiet : all;
    out[t] = {
      reqPerSec: median(rs.map((r) => r.result.requests.average)),
      p50: median(rs.map((r) => r.result.latency.p50)),
      p99: median(rs.map((r) => r.result.latency.p99)),
      runs: rs.length,
      excluded: all.length - rs.length,
    };
  }
  return out;
}

function served2xx(r: TargetRun): number {
  return Object.entries(r.server.replies).filter(([c]) => c.startsWith('2')).reduce((n, [, v]) => n + v, 0);
}

function report(runs: TargetRun[]): void {
  console.log('');
  console.log(
    `POST ${ROUTE} — ${connections} connections, ${warmupSec} s warm-up + ${durationSec} s measured per target${rounds > 1 ? `, ${rounds} rounds` : ''}, 127.0.0.1, ${nodeCores()} cores`,
  );
  console.log('Each server runs in its own process; autocannon runs in this one. No workers run: jobs stay queued.');
  const variant = [args['node-flags'] && `node flags ${args['node-flags']}`, process.env.BENCH_EXPERIMENT && `BENCH_EXPERIMENT=${process.env.BENCH_EXPERIMENT}`].filter(Boolean);
  if (variant.length) console.log(`NOT the production configuration — ${variant.join(', ')}`);
  console.log('');
  const header = `${pad('target', 11, true)} ${pad('req/s', 7)} ${pad('p50 ms', 7)} ${pad('p99 ms', 7)} ${pad('max ms', 7)} ${pad('requests', 9)} ${pad('errors', 7)} ${pad('non-2xx', 8)}  µs CPU/req  loop p99 server/gen  CPU in cores: server  gen    pg   redis  other`;
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const r of runs) {
    const x = r.result;
    const cpuPerReq = Math.round((r.cpu.server * x.duration * 1e6) / Math.max(1, x.requests.total));
    const cores = [r.cpu.server, r.cpu.loadGenerator, r.cpu.postgres, r.cpu.redis, r.cpu.other].map((v) => pad(v === undefined ? '?' : v.toFixed(2), 5)).join(' ');
    console.log(
      `${pad(rounds > 1 ? `${r.target} #${r.round}` : r.target, 11, true)} ${pad(Math.round(x.requests.average), 7)} ${pad(x.latency.p50, 7)} ${pad(x.latency.p99, 7)} ${pad(x.latency.max, 7)} ${pad(x.requests.total, 9)} ${pad(x.errors, 7)} ${pad(x.non2xx, 8)}  ${pad(cpuPerReq, 10)}  ${pad(`${r.loopDelay.p99.toFixed(1)} / ${r.loadGenLoopP99.toFixed(1)} ms`, 19)}               ${cores}`,
    );
  }
  const med = medians(runs);
  if (rounds > 1) {
    console.log('');
    for (const t of TARGETS) {
      const m = med[t];
      if (m) {
        const left = m.excluded ? `; ${m.excluded} left out: other processes used ≥ ${NOISY_OTHER} core` : '';
        console.log(`${pad(`${t} median`, 15, true)} ${pad(Math.round(m.reqPerSec), 7)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  (${m.runs} runs${left})`);
      }
    }
  }
  console.log('');
  console.log("µs CPU/req: the server process's own CPU time per request. loop p99: event-loop delay of the server and of");
  console.log('the load generator (the latter adds to every latency measured). CPU in cores over the measured window: pg and');
  console.log(`redis are every process of those names on the machine; "other" is everything else — from ${NOISY_OTHER} up,`);
  console.log('something unrelated competed for the CPU and the run is not reliable (with --rounds, left out of the medians).');
  console.log('');

  const ratio = (a: Target, z: Target) => (med[a] && med[z] ? med[a].reqPerSec / med[z].reqPerSec : undefined);
  const dm = ratio('durable', 'minimal');
  const db = ratio('durable', 'bare');
  const mb = ratio('minimal', 'bare');
  const of = rounds > 1 ? ' (medians)' : '';
  if (dm !== undefined) console.log(`durable / minimal = ${dm.toFixed(3)}${of}`);
  if (db !== undefined) console.log(`durable / bare    = ${db.toFixed(3)}${of}`);
  if (mb !== undefined) console.log(`minimal / bare    = ${mb.toFixed(3)}${of}`);

  for (const r of runs) {
    const name = rounds > 1 ? `${r.target} #${r.round}` : r.target;
    if (!reliable(r)) console.log(`note: ${name}: not reliable — unrelated processes used ${r.cpu.other!.toFixed(2)} core during the measurement`);
    if (r.madeOnTheFly > 0) console.log(`note: ${name}: the pool ran out; ${r.madeOnTheFly} messages were made during the run (load generator busier than planned)`);
    const bad = Object.entries(r.server.replies).filter(([code]) => !code.startsWith('2'));
    if (bad.length) console.log(`note: ${name}: server replied ${bad.map(([c, n]) => `${n}× ${c}`).join(', ')}`);
  }

  const durable = runs.filter((r) => r.target === 'durable');
  const sum = (f: (r: TargetRun) => number) => durable.reduce((n, r) => n + f(r), 0);
  const rows = sum((r) => r.rows ?? 0);
  const jobs = sum((r) => r.waitingJobs ?? 0);
  const served = sum(served2xx);
  const received = sum((r) => (r.warmup?.['2xx'] ?? 0) + r.result['2xx']);
  const recordedNew = sum((r) => r.server.recordedNew);
  const duplicates = sum((r) => r.server.duplicates);
  const notEnqueued = sum((r) => r.server.notEnqueued);
  if (durable.length) {
    console.log('');
    console.log(`durable integrity (warm-ups + measurements${rounds > 1 ? ', all rounds' : ''}): ${sum((r) => r.fromPool + r.madeOnTheFly)} distinct messages handed to autocannon`);
    console.log(`  2xx replies: ${served} sent by the server, ${received} received by autocannon (the rest were in flight when it stopped)`);
    console.log(`  inbound_events rows: ${rows}; recorded new: ${recordedNew}; duplicates: ${duplicates}; left for the relay (Redis slow): ${notEnqueued}`);
    console.log(`  inbound jobs waiting in BullMQ: ${jobs}`);
    const last = durable[durable.length - 1]!;
    console.log(`durable batching (measured window${rounds > 1 ? ' of the last round' : ''}; max over the whole run):`);
    console.log(describeBatches('INSERT inbound_events', last.batches.insert));
    console.log(describeBatches('BullMQ addBulk       ', last.batches.enqueue));
  }

  console.log('');
  const checks: Array<[string, boolean | undefined]> = [];
  const d = med.durable;
  if (d) {
    const goalRatio = GOAL.ratio;
    if (goalRatio !== undefined) {
      checks.push([`durable ≥ ${goalRatio} × minimal req/s${dm !== undefined ? ` (${dm.toFixed(3)})` : ''}`, dm === undefined ? undefined : dm >= goalRatio]);
    }
    const deadline = GOAL.deadlineMs !== undefined ? `, DingTalk's deadline ${GOAL.deadlineMs.toLocaleString('en')} ms` : '';
    checks.push([`durable p99 < ${GOAL.p99Ms} ms (${rounds > 1 ? 'median ' : ''}${d.p99} ms${deadline})`, d.p99 < GOAL.p99Ms]);
    const errs = sum((r) => errorsOf(r.result) + (r.warmup ? errorsOf(r.warmup) : 0));
    checks.push([`durable: zero errors, timeouts and non-2xx (${errs})`, errs === 0]);
    checks.push([
      `durable: rows in inbound_events = 2xx replies, no duplicates (${rows} rows, ${served} 2xx, ${duplicates} duplicates)`,
      rows === served && duplicates === 0 && rows === recordedNew,
    ]);
    checks.push([`durable: every stored event is queued (${jobs} jobs)`, jobs === rows - notEnqueued]);
  }
  for (const t of TARGETS) {
    if (t === 'durable') continue;
    const rs = runs.filter((r) => r.target === t);
    if (!rs.length) continue;
    const errs = rs.reduce((n, r) => n + errorsOf(r.result), 0);
    checks.push([`${t}: zero errors (${errs})`, errs === 0]);
  }
  for (const [label, ok] of checks) console.log(`${ok === undefined ? 'SKIP' : ok ? 'PASS' : 'FAIL'}  ${label}`);
  if (d && GOAL.ratio === undefined) {
    // Reported, not judged: what durability costs against the same path without a database.
    const slowest = Math.max(...durable.map((r) => r.result.latency.max), ...durable.flatMap((r) => (r.warmup ? [r.warmup.latency.max] : [])));
    console.log(`INFO  durable / minimal req/s = ${dm !== undefined ? dm.toFixed(3) : 'not measured'}${of}; slowest durable reply ${slowest} ms (warm-ups included)`);
  }
  const failed = checks.filter(([, ok]) => ok === false).length;
  console.log('');
  console.log(failed === 0 ? 'All targets met.' : `${failed} target(s) missed.`);
}

function nodeCores(): number {
  return availableParallelism(); // honours CPU affinity
}

async function main(): Promise<void> {
  const [l1] = loadavg();
  console.error(`bench: load average ${l1!.toFixed(2)} on ${availableParallelism()} cores before start${l1! > 0.5 ? ' — something else is running; figures will be noisy' : ''}`);
  console.error(`bench: targets ${targets.join(', ')}; Redis ${safeUrl(redisUrl)} (prefix pcbench${runId}*)`);
  if (targets.includes('durable')) {
    database = await prepareDatabase(process.env.DATABASE_URL, adminUrl);
    console.error(`bench: database ${database.describe}${database.temporary ? ' (temporary, dropped at the end)' : ' (DATABASE_URL, kept)'}`);
  }
  const runs: TargetRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const t of TARGETS) if (targets.includes(t)) runs.push(await runTarget(t, round));
  }
  report(runs);
  if (args.json) {
    const figures = runs.map((r) => ({
      target: r.target,
      round: r.round,
      reqPerSec: r.result.requests.average,
      p50: r.result.latency.p50,
      p99: r.result.latency.p99,
      max: r.result.latency.max,
      requests: r.result.requests.total,
      errors: r.result.errors,
      non2xx: r.result.non2xx,
      cpuUsPerReq: (r.cpu.server * r.result.duration * 1e6) / Math.max(1, r.result.requests.total),
      cpu: r.cpu,
      loopDelay: r.loopDelay,
      loadGenLoopP99: r.loadGenLoopP99,
      batches: r.target === 'durable' ? r.batches : undefined,
      rows: r.rows,
      waitingJobs: r.waitingJobs,
    }));
    writeFileSync(args.json, `${JSON.stringify({ ...(platform === 'wecom' ? {} : { platform }), connections, durationSec, warmupSec, rounds, medians: medians(runs), nodeFlags: args['node-flags'], experiments: process.env.BENCH_EXPERIMENT ?? '', figures }, null, 2)}\n`);
  }
  if (args.profile) {
    for (const t of targets) {
      const file = mainProfile(t);
      if (!file) continue;
      console.log('');
      console.log(`── CPU profile of ${t}${rounds > 1 ? ' (last round)' : ''}, warm-up + measurement: ${file}`);
      console.log(summarise(file, 20));
    }
  }
}

main()
  .then(async () => {
    await cleanup();
    process.exit(0);
  })
  .catch(async (err: unknown) => {
    console.error(`bench broke: ${(err as Error).stack ?? String(err)}`);
    await cleanup();
    process.exit(1);
  });
