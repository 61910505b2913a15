// One server under test, in its own process (started by bench/webhook.ts with an IPC channel), so the load
// generator never shares its event loop. Targets, for WeCom (POST /wecom/callback, the default):
//   bare     — a bare fastify route taking the same XML body, answering an empty 200;
//   minimal  — verify, decrypt, parse (the same src modules as the real route), then BullMQ queue.add, no DB;
//   durable  — the real app (buildDeps + buildApp): verify, decrypt, parse, record in PostgreSQL, dedupe,
//              enqueue (batched), exactly as production runs it.
// For DingTalk (BENCH_PLATFORM=dingtalk, POST /dingtalk/robot):
//   bare     — a bare fastify route taking the same JSON body (fastify's own JSON parser), answering {};
//   minimal  — check the timestamp and sign headers before the body is read, parse the JSON, convert with
//              robotMessageToInbound (the same src modules as the real route), BullMQ queue.add, no DB;
//   durable  — the real app configured for DingTalk (DINGTALK_MODE=http): the same checks, record in
//              PostgreSQL, dedupe on dt-msg:<msgId>, enqueue.
// No workers run in any target: the jobs stay queued. Logging is at 'warn' so it cannot dominate.
//
// Protocol (process.send): child → {type:'ready', port} | {type:'stats', stats}; parent → {type:'stats', mark?}
// (mark: restart the event-loop delay histogram) | {type:'stop'}. The child also exits by itself if the
// parent goes away, or after BENCH_MAX_LIFETIME_MS.
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import { Queue } from 'bullmq';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { buildDeps, type Deps } from '../../src/deps.ts';
import { createLogger } from '../../src/logger.ts';
import { createRedis } from '../../src/redis.ts';
import { AppError, BadRequestError } from '../../src/errors.ts';
import { CALLBACK_BODY_LIMIT } from '../../src/platforms/wecom/callback.ts';
import { CALLBACK_BODY_LIMIT as DINGTALK_BODY_LIMIT, onlyJsonBodies } from '../../src/platforms/dingtalk/callback.ts';
import { checkRobotTimestamp, verifyRobotSign } from '../../src/platforms/dingtalk/signature.ts';
import { robotMessageToInbound } from '../../src/platforms/dingtalk/inbound.ts';
import type { DingtalkConfig } from '../../src/platforms/dingtalk/config.ts';
import { WecomCrypto } from '../../src/platforms/wecom/crypto.ts';
import { checkTimestamp, verifySignature } from '../../src/platforms/wecom/signature.ts';
import { parseEnvelope, parseMessage } from '../../src/platforms/wecom/xml.ts';
import { toInboundEvent } from '../../src/platforms/wecom/inbound.ts';
import { inboundJobs, QUEUE } from '../../src/jobs/queues.ts';

export type Target = 'bare' | 'minimal' | 'durable';
export type BenchPlatform = 'wecom' | 'dingtalk';

export interface BatchStats {
  count: number;
  items: number;
  maxItems: number;
  totalMs: number;
  maxMs: number;
}

const emptyBatches = (): BatchStats => ({ count: 0, items: 0, maxItems: 0, totalMs: 0, maxMs: 0 });

/** Wraps an async batch method of one instance to record its batch sizes and durations. */
function timeBatches<T extends object, K extends keyof T>(obj: T, key: K, into: BatchStats): void {
  const original = (obj[key] as (items: unknown[]) => Promise<unknown>).bind(obj);
  (obj as Record<K, unknown>)[key] = async (items: unknown[]) => {
    const t0 = performance.now();
    try {
      return await original(items);
    } finally {
      const ms = performance.now() - t0;
      into.count++;
      into.items += items.length;
      into.maxItems = Math.max(into.maxItems, items.length);
      into.totalMs += ms;
      into.maxMs = Math.max(into.maxMs, ms);
    }
  };
}

export interface ServerStats {
  /** Replies by status code, counted by the server (includes requests whose client gave up at the end). */
  replies: Record<string, number>;
  /** durable only: what InboundIngest.record answered. */
  recordedNew: number;
  duplicates: number;
  notEnqueued: number;
  /** minimal only: successful queue.add calls. */
  added: number;
  /** durable only: the batches InboundIngest made (SQL inserts, BullMQ addBulk calls), sizes and times. */
  batches: { insert: BatchStats; enqueue: BatchStats };
  /** Event-loop delay since the last 'mark' (the start of the measured window), ms. */
  loopDelay: { p50: number; p99: number; max: number };
  /** process.cpuUsage() of the server, µs (the parent diffs two readings around the measured window). */
  cpu: { user: number; system: number };
}

const target = process.argv[2] as Target;
if (!['bare', 'minimal', 'durable'].includes(target)) {
  console.error(`bench server: unknown target ${String(target)}`);
  process.exit(2);
}

const platform = (process.env.BENCH_PLATFORM ?? 'wecom') as BenchPlatform;
if (platform !== 'wecom' && platform !== 'dingtalk') {
  console.error(`bench server: unknown platform ${String(platform)}`);
  process.exit(2);
}

const stats: ServerStats = {
  replies: {},
  recordedNew: 0,
  duplicates: 0,
  notEnqueued: 0,
  added: 0,
  batches: { insert: emptyBatches(), enqueue: emptyBatches() },
  loopDelay: { p50: 0, p99: 0, max: 0 },
  cpu: { user: 0, system: 0 },
};
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
// BENCH_EXPERIMENT=a,b: what-if variants for profiling, never the default (see bench/webhook.ts --help).
const experiments = new Set((process.env.BENCH_EXPERIMENT ?? '').split(',').filter(Boolean));
const log = createLogger('warn');
if (experiments.has('no-child-logger')) {
  // What Fastify's childLoggerFactory returning the parent logger would save: no per-request pino child
  // (whose bindings go through the redaction setup every time).
  (log as unknown as { child: () => unknown }).child = () => log;
}

function fastifyOptions() {
  // The same options as src/app.ts where they matter for speed (no request logging, same body limit).
  return {
    loggerInstance: log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: platform === 'dingtalk' ? DINGTALK_BODY_LIMIT : CALLBACK_BODY_LIMIT,
    requestTimeout: 10_000,
    connectionTimeout: 15_000,
    return503OnClosing: true,
  };
}

function countReplies(app: FastifyInstance): void {
  // onSend runs for every reply (also one whose socket is already gone), so this is the server's own count.
  app.addHook('onSend', async (_req, reply, payload) => {
    const k = String(reply.statusCode);
    stats.replies[k] = (stats.replies[k] ?? 0) + 1;
    return payload;
  });
}

function xmlParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
}

async function startBare(): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const app = Fastify(fastifyOptions()) as unknown as FastifyInstance;
  countReplies(app);
  xmlParser(app);
  app.post('/wecom/callback', async (req, reply) => {
    if (typeof req.body !== 'string' || req.body.length === 0) return reply.code(400).send('bad request');
    return reply.code(200).type('text/plain').send('');
  });
  return { app, close: async () => {} };
}

async function startMinimal(config: Config, queuePrefix: string) {
  const w = config.wecom!;
  const crypto = new WecomCrypto(w.encodingAESKey);
  const redis = createRedis(config.redisUrl, 'producer');
  const queue = new Queue(QUEUE.inbound, { connection: redis, prefix: queuePrefix });
  queue.on('error', () => {});
  const app = Fastify(fastifyOptions()) as unknown as FastifyInstance;
  countReplies(app);
  xmlParser(app);
  app.post('/wecom/callback', async (req, reply) => {
    try {
      const body = req.body;
      if (typeof body !== 'string' || body.length === 0) throw new BadRequestError('empty_body', 'empty body');
      const q = req.query as Record<string, unknown>;
      const { timestamp, nonce } = q;
      if (typeof timestamp !== 'string' || typeof nonce !== 'string') throw new BadRequestError('bad_query', 'bad query');
      const envelope = parseEnvelope(body);
      if (!checkTimestamp(timestamp, Date.now())) throw new AppError('stale_timestamp', 'stale', 401);
      if (!verifySignature(w.token, timestamp, nonce, envelope.encrypt, q.msg_signature)) throw new AppError('bad_signature', 'signature', 401);
      const plaintext = crypto.decryptFor(envelope.encrypt, w.corpId);
      const { dedupeKey } = toInboundEvent(parseMessage(plaintext), plaintext);
      // The same job (name, data shape, options) the durable path adds, with the dedupe key standing in
      // for the event id it has no database to get.
      const job = inboundJobs('bench', [dedupeKey.replaceAll(':', '-')])[0]!;
      await queue.add(job.name, job.data, job.opts);
      stats.added++;
      return reply.code(200).type('text/plain').send('');
    } catch (err) {
      if (err instanceof AppError && err.httpStatus < 500) return reply.code(err.httpStatus).type('text/plain').send('bad request');
      throw err;
    }
  });
  return {
    app,
    close: async () => {
      await queue.close().catch(() => {});
      redis.disconnect();
    },
  };
}

async function startBareDingtalk(): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const app = Fastify(fastifyOptions()) as unknown as FastifyInstance;
  countReplies(app);
  app.post('/dingtalk/robot', async (req, reply) => {
    if (req.body === null || typeof req.body !== 'object') return reply.code(400).send({});
    return reply.code(200).send({});
  });
  return { app, close: async () => {} };
}

async function startMinimalDingtalk(config: Config, queuePrefix: string) {
  const d = config.platformSettings.dingtalk as DingtalkConfig | undefined;
  if (!d) throw new Error('DingTalk is not configured (DINGTALK_* variables)');
  const redis = createRedis(config.redisUrl, 'producer');
  const queue = new Queue(QUEUE.inbound, { connection: redis, prefix: queuePrefix });
  queue.on('error', () => {});
  const app = Fastify(fastifyOptions()) as unknown as FastifyInstance;
  countReplies(app);
  // As the real route: the body as a string, JSON.parse, a malformed body a 400 of ours.
  onlyJsonBodies(app);
  const refuse = (err: unknown, reply: FastifyReply) => {
    if (err instanceof AppError && err.httpStatus < 500) return reply.code(err.httpStatus).send({ error: err.code });
    throw err;
  };
  app.post('/dingtalk/robot', {
    // Before the body is read, as the real route.
    onRequest: async (req, reply) => {
      try {
        const { timestamp, sign } = req.headers;
        if (typeof timestamp !== 'string' || typeof sign !== 'string') throw new BadRequestError('bad_headers', 'bad headers');
        if (!checkRobotTimestamp(timestamp, Date.now())) throw new AppError('stale_timestamp', 'stale', 401);
        if (!verifyRobotSign(d.appSecret, timestamp, sign)) throw new AppError('bad_signature', 'signature', 401);
      } catch (err) {
        return refuse(err, reply);
      }
    },
  }, async (req, reply) => {
    try {
      const { dedupeKey } = robotMessageToInbound(req.body, d.appSecret);
      // The same job the durable path adds, with the dedupe key standing in for the event id (see WeCom's).
      const job = inboundJobs('bench', [dedupeKey.replaceAll(':', '-')])[0]!;
      await queue.add(job.name, job.data, job.opts);
      stats.added++;
      return reply.code(200).send({});
    } catch (err) {
      return refuse(err, reply);
    }
  });
  return {
    app,
    close: async () => {
      await queue.close().catch(() => {});
      redis.disconnect();
    },
  };
}

async function startDurable(config: Config, queuePrefix: string) {
  const deps: Deps = await buildDeps(config, { log, queuePrefix });
  timeBatches(deps.repos.inbound, 'insertMany', stats.batches.insert);
  timeBatches(deps.queues.inbound, 'addBulk', stats.batches.enqueue);
  if (experiments.has('ack-after-insert')) {
    // What answering once PostgreSQL has the event (the enqueue left off the reply's path) would give.
    type Outcome = Awaited<ReturnType<Deps['ingest']['record']>>;
    const ingest = deps.ingest as unknown as {
      recordBatch(items: unknown[]): Promise<Outcome[]>;
      insertBatch(items: unknown[]): Promise<Array<string | undefined>>;
      enqueueBatch(ids: string[]): Promise<boolean>;
    };
    ingest.recordBatch = async (items) => {
      const ids = await ingest.insertBatch(items);
      const fresh = ids.filter((id): id is string => id !== undefined);
      if (fresh.length) void ingest.enqueueBatch(fresh);
      return ids.map((eventId): Outcome => (eventId === undefined ? { status: 'duplicate' } : { status: 'new', eventId, enqueued: true }));
    };
  }
  // Count outcomes without touching the route: wrap this instance's record().
  const record = deps.ingest.record.bind(deps.ingest);
  deps.ingest.record = async (event) => {
    const outcome = await record(event);
    if (outcome.status === 'duplicate') stats.duplicates++;
    else {
      stats.recordedNew++;
      if (!outcome.enqueued) stats.notEnqueued++;
    }
    return outcome;
  };
  const app = await buildApp(deps);
  countReplies(app);
  return { app, close: () => deps.close() };
}

async function main(): Promise<void> {
  const env = { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0' };
  const config: Config = { ...loadConfig(env), host: '127.0.0.1', port: 0 };
  const queuePrefix = process.env.BENCH_QUEUE_PREFIX ?? `pcbench${randomBytes(4).toString('hex')}`;
  const started =
    target === 'durable'
      ? await startDurable(config, queuePrefix)
      : platform === 'dingtalk'
        ? target === 'bare'
          ? await startBareDingtalk()
          : await startMinimalDingtalk(config, queuePrefix)
        : target === 'bare'
          ? await startBare()
          : await startMinimal(config, queuePrefix);
  const { app } = started;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  let stopping = false;
  let beforeStop: (() => Promise<void>) | undefined;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await beforeStop?.().catch((err: unknown) => console.error(`bench server: ${(err as Error).message}`));
    const hard = setTimeout(() => process.exit(code || 1), 10_000);
    hard.unref();
    await app.close().catch(() => {});
    await started.close().catch(() => {});
    process.exit(code);
  };

  process.on('message', (msg: { type?: string; mark?: boolean }) => {
    if (msg?.type === 'stats') {
      const loopDelay = { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
      process.send?.({ type: 'stats', stats: structuredClone({ ...stats, loopDelay, cpu: process.cpuUsage() }) });
      if (msg.mark) loop.reset();
    } else if (msg?.type === 'stop') {
      void stop(0);
    }
  });
  // The parent died or closed the channel: never linger.
  process.on('disconnect', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  const lifetime = Number(process.env.BENCH_MAX_LIFETIME_MS ?? 300_000);
  setTimeout(() => {
    console.error(`bench server (${target}): lifetime of ${lifetime} ms exceeded, exiting`);
    void stop(3);
  }, lifetime).unref();

  // Diagnostics: BENCH_ALLOC_PROFILE=FILE samples every allocation (collected ones too) until exit.
  const allocProfile = process.env.BENCH_ALLOC_PROFILE;
  if (allocProfile) {
    const { Session } = await import('node:inspector/promises');
    const { writeFileSync } = await import('node:fs');
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
    const write = async () => {
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: unknown };
      writeFileSync(allocProfile, JSON.stringify(profile));
    };
    beforeStop = write;
  }

  process.send?.({ type: 'ready', port });
}

main().catch((err: unknown) => {
  console.error(`bench server (${target}) failed to start: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
