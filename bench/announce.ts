// npm run bench:announce -- --members 100000 [--baseline-sample 5000] [--repeat 3] [--latency 50] [--keep]
// Issue 14 §1 "Sending to many people must be cheap". Seeds a demo organisation of that size in a fresh
// PostgreSQL database (or DATABASE_URL), starts the real outbound worker against a fake WeCom API on
// 127.0.0.1 that takes --latency ms per call, records one broadcast to every member with an account through
// Outbox.recordBroadcast (batches of 1,000) and times it until every delivery is recorded as sent. The
// baseline, in the same run, is the path without batches — one message/send per recipient (single
// deliveries) — measured on a sample of --baseline-sample members and extrapolated linearly to all of them
// (at 50 ms a call, a hundred thousand calls take minutes). Each is repeated --repeat times; medians are
// printed with the ratios. The database and the Redis keys are removed at the end.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { buildDeps } from '../src/deps.ts';
import { createLogger } from '../src/logger.ts';
import { startOutboundWorker } from '../workers/outbound.ts';
import { startFakeWecom } from '../test/helpers/fake-wecom.ts';
import { cleanRedisPrefix, prepareDatabase } from './lib/infra.ts';
import { benchWecomApp, benchWecomEnv } from './lib/fake-wecom-app.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    'baseline-sample': { type: 'string', default: '5000' },
    repeat: { type: 'string', default: '3' },
    latency: { type: 'string', default: '50' },
    keep: { type: 'boolean' },
  },
});
const members = Number(values.members);
const sampleWanted = Number(values['baseline-sample']);
const repeat = Math.max(1, Number(values.repeat));
const latencyMs = Number(values.latency);
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TIMEOUT_MS = 30 * 60_000;
const WECOM = benchWecomApp();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (t: number) => `${Math.round(t)} ms`;
const secs = (t: number) => (t >= 10_000 ? `${(t / 1000).toFixed(1)} s` : ms(t));

const bench = await prepareDatabase(process.env.DATABASE_URL, ADMIN);
const prefix = `pcba${randomBytes(4).toString('hex')}`;
const fake = await startFakeWecom({ ...WECOM, latencyMs });
let closeAll: () => Promise<void> = async () => {};
try {
  // Seeded by the CLI in its own process, as bench:sweep does.
  const seedHandle = await connectDatabase({ databaseUrl: bench.url, poolSize: 2 });
  const existing = Number((await seedHandle.db.selectFrom('members').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  await seedHandle.close();
  if (existing === 0) {
    process.stderr.write(`seeding ${members} members in ${bench.describe} …\n`);
    const seed = spawnSync(process.execPath, [TSX, 'src/cli.ts', 'seed-demo', '--members', String(members), '--seed', 'bench'], {
      env: { ...process.env, DATABASE_URL: bench.url },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (seed.status !== 0) throw new Error('seed-demo failed');
  }

  const config = loadConfig({
    DATABASE_URL: bench.url,
    REDIS_URL: REDIS,
    QUIET_HOURS: '',
    LOG_LEVEL: 'warn',
    ...benchWecomEnv(WECOM, fake.baseUrl),
  });
  const deps = await buildDeps(config, { log: createLogger('warn'), queuePrefix: prefix });
  const worker = startOutboundWorker(deps);
  closeAll = async () => {
    await worker.close();
    await deps.close();
  };
  const db = deps.db.db;
  const userids = (await db.selectFrom('members').select('userid').where('userid', 'is not', null).where('status', '=', 'active').orderBy('id').execute()).map((m) => m.userid!);
  const sample = userids.slice(0, Math.min(sampleWanted, userids.length));

  const unfinished = async () => Number((await sql<{ n: string }>`select count(*)::text as n from deliveries where status in ('pending', 'sending')`.execute(db)).rows[0]!.n);
  const sentWith = async (prefixKey: string) =>
    Number((await sql<{ n: string }>`select count(*)::text as n from deliveries where status = 'sent' and idempotency_key >= ${prefixKey} and idempotency_key < ${prefixKey + '\uffff'}`.execute(db)).rows[0]!.n);
  const untilAllSent = async (what: string) => {
    const deadline = Date.now() + TIMEOUT_MS;
    while ((await unfinished()) > 0) {
      if (Date.now() > deadline) throw new Error(`${what}: not every delivery sent within ${TIMEOUT_MS / 60_000} min`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const sendCalls = () => fake.calls['message/send'] ?? 0;

  /** One broadcast to every member with an account, batched as the Outbox records it. */
  const batched = async (run: number) => {
    const key = `bench-announce-${run}`;
    const calls0 = sendCalls();
    const t0 = performance.now();
    const recorded = await db.transaction().execute((trx) =>
      deps.outbox.recordBroadcast(
        {
          platform: 'wecom',
          key,
          recipients: userids.map((u) => ({ idempotencyKey: `${key}:${u}`, recipient: u })),
          // A different text each run: WeCom's duplicate check would otherwise drop a repeat.
          message: () => ({ type: 'text', content: `关于召开全体党员大会的通知（第${run + 1}次测量）：请于周五下午三点到会。` }),
        },
        trx,
      ),
    );
    const recordMs = performance.now() - t0;
    await deps.outbox.enqueueBroadcast(recorded);
    await untilAllSent(key);
    const wallMs = performance.now() - t0;
    const sent = await sentWith(`${key}:`);
    if (sent !== userids.length) throw new Error(`${key}: ${sent} of ${userids.length} deliveries sent`);
    return { wallMs, recordMs, calls: sendCalls() - calls0, batches: recorded.batchIds?.length ?? 0 };
  };

  /** The same content without batches: one delivery, one job and one message/send per recipient. */
  const baseline = async (run: number) => {
    const key = `bench-single-${run}`;
    const calls0 = sendCalls();
    const t0 = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < sample.length; i += 1_000) {
      ids.push(
        ...(await deps.outbox.record(
          sample.slice(i, i + 1_000).map((u) => ({
            idempotencyKey: `${key}:${u}`,
            platform: 'wecom' as const,
            recipient: u,
            message: { type: 'text' as const, content: `关于召开全体党员大会的通知（逐人发送，第${run + 1}次测量）：请于周五下午三点到会。` },
          })),
        )),
      );
    }
    await deps.outbox.enqueue(ids);
    await untilAllSent(key);
    const wallMs = performance.now() - t0;
    const sent = await sentWith(`${key}:`);
    if (sent !== sample.length) throw new Error(`${key}: ${sent} of ${sample.length} deliveries sent`);
    return { wallMs, calls: sendCalls() - calls0 };
  };

  process.stderr.write(`${userids.length} recipients; ${repeat} run(s) each …\n`);
  const b: Awaited<ReturnType<typeof batched>>[] = [];
  const s: Awaited<ReturnType<typeof baseline>>[] = [];
  for (let run = 0; run < repeat; run++) {
    b.push(await batched(run));
    s.push(await baseline(run));
  }

  const bWall = median(b.map((x) => x.wallMs));
  const bCalls = median(b.map((x) => x.calls));
  const sWall = median(s.map((x) => x.wallMs));
  const sCalls = median(s.map((x) => x.calls));
  const scale = userids.length / sample.length;
  const xWall = sWall * scale;
  const xCalls = sCalls * scale;
  const extrapolated = sample.length < userids.length;
  console.log(`bench:announce  ${userids.length} recipients (members with an account), fake WeCom on 127.0.0.1 at ${latencyMs} ms per call, PostgreSQL ${bench.describe}`);
  console.log(`  runs      ${repeat} of each, medians below; outbound worker concurrency 16`);
  console.log(`  batched   one broadcast (Outbox.recordBroadcast, ${b[0]!.batches} batches): ${bCalls} message/send calls, ${secs(bWall)} until every delivery sent (recording ${ms(median(b.map((x) => x.recordMs)))})`);
  console.log(`  baseline  one call per recipient (single deliveries), measured on ${sample.length} recipients: ${sCalls} calls, ${secs(sWall)}`);
  if (extrapolated) {
    console.log(`            extrapolated linearly to ${userids.length} recipients: ${Math.round(xCalls)} calls, ${secs(xWall)} (an estimate, not a measurement)`);
  }
  console.log(`  ratio     calls ${(xCalls / bCalls).toFixed(1)}x fewer, wall time ${(xWall / bWall).toFixed(1)}x shorter${extrapolated ? ' (against the extrapolated baseline)' : ''}`);
  console.log(`  each run  batched ${b.map((x) => secs(x.wallMs)).join(', ')}; baseline sample ${s.map((x) => secs(x.wallMs)).join(', ')}`);
} finally {
  await closeAll().catch(() => {});
  await fake.close().catch(() => {});
  await cleanRedisPrefix(REDIS, prefix).catch(() => {});
  if (!values.keep) await bench.drop();
  else process.stderr.write(`kept ${bench.describe} (reuse with DATABASE_URL=${bench.url})\n`);
}
