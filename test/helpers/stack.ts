// A whole PartyCare stack for a test: fresh database (PostgreSQL or PGlite), a unique BullMQ prefix on the
// real Redis, the real app on a real socket, workers, and (optionally) a fake WeCom API on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { buildDeps, type Deps, type DepsOverrides } from '../../src/deps.ts';
import { createLogger } from '../../src/logger.ts';
import { startWorkers, type RunningWorkers } from '../../workers/index.ts';
import { createTestDatabase, type DbKind, type TestDb } from './db.ts';
import { importRosterFile } from '../../src/roster/import.ts';
import type { DbHandle } from '../../src/db/connect.ts';
import { TEST_REDIS_URL } from './env.ts';
import { cleanRedisPrefix } from './redis-keys.ts';

export { cleanRedisPrefix };
import { startFakeWecom, type FakeWecom } from './fake-wecom.ts';
import { startFakeDingtalk, type FakeDingtalk } from './fake-dingtalk.ts';
import { DINGTALK } from './dingtalk-signer.ts';
import { TEST_PLATFORM, wecomView } from './dingtalk-as-wecom.ts';
import { sql } from 'kysely';

/** The DINGTALK_* variables of the test app (HTTP mode), pointed at a fake DingTalk API. */
export function dingtalkEnv(apiBase: string, sendVia: 'robot' | 'work_notification' = 'robot', stream?: { gatewayBase: string }): Record<string, string> {
  return {
    ...(stream ? { DINGTALK_MODE: 'stream', DINGTALK_API_BASE: stream.gatewayBase } : { DINGTALK_API_BASE: apiBase }),
    DINGTALK_APP_KEY: DINGTALK.appKey,
    DINGTALK_APP_SECRET: DINGTALK.appSecret,
    DINGTALK_AGENT_ID: DINGTALK_AGENT_ID,
    DINGTALK_AES_KEY: DINGTALK.aesKey,
    DINGTALK_TOKEN: DINGTALK.token,
    DINGTALK_SEND: sendVia,
    DINGTALK_OAPI_BASE: apiBase,
    // The sign-in page of the dashboard's DingTalk login: the fake's too.
    DINGTALK_LOGIN_BASE: apiBase,
  };
}
export const DINGTALK_AGENT_ID = '3000001';

export const WECOM = {
  corpId: 'wwtestcorp000001',
  agentId: '1000002',
  secret: 'test-secret-do-not-log-0123456789',
  token: 'testTokenForSignatures',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

/** The WECOM_* variables of the test app, pointed at a fake WeCom API. */
export function wecomEnv(apiBase: string): Record<string, string> {
  return {
    WECOM_CORP_ID: WECOM.corpId,
    WECOM_AGENT_ID: WECOM.agentId,
    WECOM_SECRET: WECOM.secret,
    WECOM_TOKEN: WECOM.token,
    WECOM_ENCODING_AES_KEY: WECOM.encodingAESKey,
    WECOM_API_BASE: apiBase,
    // The authorisation pages of the dashboard's WeCom sign-in: the fake's too (never the real WeCom in a test).
    WECOM_OAUTH_BASE: apiBase,
    WECOM_SSO_BASE: apiBase,
  };
}

export interface Stack {
  deps: Deps;
  app: FastifyInstance;
  baseUrl: string;
  db: TestDb;
  fake: FakeWecom | undefined;
  /** The fake DingTalk API, when the stack serves DingTalk. */
  dingtalk: FakeDingtalk | undefined;
  workers: RunningWorkers | undefined;
  logs: string[];
  startWorkers(opts?: { sweep?: boolean }): Promise<RunningWorkers>;
  close(): Promise<void>;
}

export interface StackOptions {
  dbKind?: DbKind;
  wecom?: boolean;
  /** Serve DingTalk against a fake DingTalk API (with `wecom` too: both, PLATFORM in the order `platforms` says). */
  dingtalk?: boolean | { sendVia: 'robot' | 'work_notification'; stream?: { gatewayBase: string } };
  /** PLATFORM, when both are served (default wecom,dingtalk). */
  platforms?: string;
  workers?: boolean;
  env?: Record<string, string>;
  /** Told of every route the app adds (buildApp's onRoute). */
  onRoute?: (route: { url: string; method: string | string[]; schema?: unknown; config?: unknown }) => void;
  poolSize?: number;
  overrides?: DepsOverrides;
  /** Chat accounts to put in the roster as plain members, so the bot knows them (the rest are unknown). */
  members?: string[];
}

/** Collects log lines in memory so tests can assert what was (and was not) logged. */
export function memoryLogger(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger(level, stream), lines };
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase(opts.dbKind ?? 'postgres', { poolSize: opts.poolSize });
  // TEST_PLATFORM=dingtalk: a WeCom stack of the conversation suite serves DingTalk instead (dingtalk-as-wecom.ts).
  const asDingtalk = opts.wecom === true && !opts.dingtalk && TEST_PLATFORM === 'dingtalk';
  if (asDingtalk) opts = { ...opts, wecom: false, dingtalk: true };
  const fake = opts.wecom ? await startFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId }) : undefined;
  // No quiet hours by default: CI may run at any hour; tests of quiet hours set QUIET_HOURS themselves.
  // A test makes hundreds of admin requests a minute from 127.0.0.1, more the faster the machine: the admin rate
  // limit would refuse them. admin-api.test.ts sets its own ADMIN_RATE_LIMIT to test the limit itself.
  const env: Record<string, string> = { REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'debug', QUIET_HOURS: '', ADMIN_RATE_LIMIT: '1000000', ...(opts.env ?? {}) };
  if (fake) Object.assign(env, wecomEnv(fake.baseUrl));
  const dingtalk = opts.dingtalk
    ? await startFakeDingtalk({ appKey: DINGTALK.appKey, appSecret: DINGTALK.appSecret, robotCode: DINGTALK.appKey, agentId: DINGTALK_AGENT_ID })
    : undefined;
  if (dingtalk) {
    const o = typeof opts.dingtalk === 'object' ? opts.dingtalk : undefined;
    Object.assign(env, dingtalkEnv(dingtalk.baseUrl, o?.sendVia ?? 'robot', o?.stream));
  }
  if (fake && dingtalk) env['PLATFORM'] = opts.platforms ?? 'wecom,dingtalk';
  const config: Config = { ...loadConfig(env), host: '127.0.0.1', port: 0 };
  const { log, lines } = memoryLogger();
  const queuePrefix = `pct${randomBytes(5).toString('hex')}`;
  const deps = await buildDeps(config, { log, db, queuePrefix, ...(opts.overrides ?? {}) });
  // Everyone's 钉钉账号 is their 账号 unless the roster says otherwise (the staff number on both platforms).
  if (asDingtalk) await sameDingtalkAccounts(db);
  if (opts.members?.length) await addMembers(db, opts.members);
  const app = await buildApp(deps, opts.onRoute ? { onRoute: opts.onRoute } : {});
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const stack: Stack = {
    deps,
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    fake: asDingtalk && dingtalk ? (wecomView(dingtalk) as unknown as FakeWecom) : fake,
    dingtalk,
    workers: undefined,
    logs: lines,
    async startWorkers(o = {}) {
      stack.workers = await startWorkers(deps, { relay: { intervalMs: 200, graceSeconds: 1 }, sweep: false, ...o });
      return stack.workers;
    },
    async close() {
      await app.close().catch(() => {});
      await stack.workers?.close(5_000).catch(() => {});
      await cleanRedisPrefix(queuePrefix);
      await deps.close().catch(() => {});
      await fake?.close().catch(() => {});
      await dingtalk?.close().catch(() => {});
      await db.drop().catch(() => {});
    },
  };
  if (opts.workers) await stack.startWorkers();
  return stack;
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits until nothing more will be sent: every delivery finished and the outbound queue holding no job
 * (none waiting, running, delayed or stalled). Proves "nothing else arrives" without a sleep.
 */
export async function waitForDeliveriesSettled(db: DbHandle, outbound: Queue, timeoutMs = 60_000): Promise<void> {
  await waitFor(() => isSettled(db, [outbound]), timeoutMs, 'every delivery to be finished and the outbound queue empty');
}

/**
 * Waits until the stack has done all it was asked so far: every inbound event handled, every delivery that is
 * due sent (or failed), and no job waiting or running. Pushes planned for later may stay pending. What a
 * handled message caused has all arrived then — the positive marker for "and nothing else".
 */
export async function waitForQuiet(stack: Stack, timeoutMs = 60_000): Promise<void> {
  const { db, queues, clock } = stack.deps;
  await waitFor(() => isSettled(db, [queues.inbound, queues.outbound], clock), timeoutMs, 'the stack to finish what it was asked');
}

/**
 * Waits until every delivery written so far has been sent (or has failed for good), those the sweep spread over
 * the next minutes included: waitForQuiet only waits for what is due by the stack's clock.
 */
export async function waitForAllDelivered(stack: Stack, timeoutMs = 120_000): Promise<void> {
  const { db, queues } = stack.deps;
  await waitFor(() => isSettled(db, [queues.inbound, queues.outbound]), timeoutMs, 'every delivery to be sent');
}

/** Without `now`, every delivery must be finished and no job delayed; with it, only those due by `now`. */
async function isSettled(db: DbHandle, queues: Queue[], now?: () => Date): Promise<boolean> {
  const busyEvent = await db.db.selectFrom('inbound_events').select('id').where('status', 'in', ['pending', 'processing']).executeTakeFirst();
  if (busyEvent) return false;
  // A sweep's batch not yet claimed carries its recipients, with no deliveries rows yet. Looked at before the
  // rows: a claim in between writes them (atomically), and the rows are then seen below.
  let unwritten = db.db.selectFrom('delivery_batches').select('id').where('recipients', 'is not', null);
  if (now) unwritten = unwritten.where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', now())]));
  if (await unwritten.executeTakeFirst()) return false;
  let open = db.db.selectFrom('deliveries').select('id').where('status', 'in', ['pending', 'sending']);
  if (now) {
    const at = now();
    open = open.where((eb) => eb.or([eb('status', '=', 'sending'), eb('not_before', 'is', null), eb('not_before', '<=', at)]));
  }
  if (await open.executeTakeFirst()) return false;
  for (const q of queues) {
    const counts = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children', ...(now ? [] : (['delayed'] as const)));
    if (Object.values(counts).some((n) => n > 0)) return false;
  }
  return true;
}

/** Puts chat accounts in the roster as members of one branch, through the real import. */
export async function addMembers(db: DbHandle, userids: string[]): Promise<void> {
  const header = '姓名,账号,入党日期,转正日期,党总支,党支部,职务';
  const rows = userids.map((u, i) => `测试${i}号,${u},2010-07-01,2011-07-01,测试党总支,测试党支部,`);
  const out = await importRosterFile(db.db, Buffer.from([header, ...rows].join('\n'), 'utf8'), { today: '2026-11-26' });
  if (!out.ok) throw new Error(`test roster refused: ${JSON.stringify(out.errors)}`);
}

/** A clock that runs from a set instant (a fixed clock would never reach later delivery slots); `set` jumps. */
export function runningClock(startIso: string): { clock: () => Date; set(iso: string): void } {
  let base = Date.parse(startIso);
  let t0 = Date.now();
  return {
    clock: () => new Date(base + (Date.now() - t0)),
    set(iso: string) {
      base = Date.parse(iso);
      t0 = Date.now();
    },
  };
}

/** A trigger giving each member written without a 钉钉账号 their 账号 as one (TEST_PLATFORM=dingtalk). */
async function sameDingtalkAccounts(db: DbHandle): Promise<void> {
  await sql`create or replace function test_same_dingtalk_account() returns trigger language plpgsql as $$
    begin
      if new.dingtalk_userid is null and new.userid is not null then new.dingtalk_userid := new.userid; end if;
      return new;
    end $$`.execute(db.db);
  await sql`create trigger test_same_dingtalk_account before insert or update on members for each row execute function test_same_dingtalk_account()`.execute(db.db);
}
