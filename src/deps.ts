// Composition root: builds every dependency once, from the config. Entry points (server, worker, CLI) and
// tests call buildDeps and say what to override; nothing else creates connections.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { withStoredSettings, type Config } from './config.ts';
import { connectDatabase, type DbHandle } from './db/connect.ts';
import { DeliveryRepository } from './db/delivery-repository.ts';
import { InboundRepository } from './db/inbound-repository.ts';
import { SettingsRepository } from './db/settings-repository.ts';
import { InboundIngest } from './ingest/inbound-ingest.ts';
import { QUEUE, type InboundJob, type OutboundJob } from './jobs/queues.ts';
import { createLogger, type Logger } from './logger.ts';
import { createRedis, waitUntilReady, type Redis } from './redis.ts';
import { Outbox } from './services/outbox.ts';
import type { MessageSender, PlatformName } from './platforms/types.ts';
import { DeliveryRouter } from './services/delivery-router.ts';
import type { Platform, RecipientLimiter } from './platforms/platform.ts';
import { createPlatform } from './platforms/index.ts';
import { Metrics } from './ops/metrics.ts';
import { readDeliveryBacklog } from './ops/backlog.ts';

export interface Deps {
  config: Config;
  log: Logger;
  clock: () => Date;
  db: DbHandle;
  repos: { inbound: InboundRepository; deliveries: DeliveryRepository };
  redis: Redis;
  queuePrefix: string;
  /** This database's identity, part of every job id (see jobId). */
  instanceId: string;
  queues: { inbound: Queue<InboundJob>; outbound: Queue<OutboundJob>; sweep: Queue };
  /** A fresh connection for a BullMQ Worker (workers block on Redis and need their own). */
  workerConnection(): Redis;
  /** The deployment's first chat platform (config.platform), from the registry in platforms/index.ts. */
  platform: Platform;
  /** Every platform served (config.platforms), in preference order; `platform` is the first. */
  platforms: ReadonlyMap<PlatformName, Platform>;
  /** The first platform's per-recipient limit (tests replace it); the others' are their own. */
  rateLimiter: RecipientLimiter | undefined;
  /** Caps how long a platform rate-limit answer (45009, HTTP 429) parks a delivery; tests shorten it. */
  maxRateLimitWaitMs: number;
  /** How long a worker holds an event or delivery it is working on; after that another may take it. */
  leaseSeconds: number;
  ingest: InboundIngest;
  outbox: Outbox;
  /** This process's metrics (ops/metrics.ts): its own registry, moved by whoever holds deps. */
  metrics: Metrics;
  close(): Promise<void>;
}

export interface DepsOverrides {
  log?: Logger;
  clock?: () => Date;
  db?: DbHandle;
  queuePrefix?: string;
  sender?: MessageSender;
  maxRateLimitWaitMs?: number;
  leaseSeconds?: number;
}

export async function buildDeps(environmentConfig: Config, overrides: DepsOverrides = {}): Promise<Deps> {
  const log = overrides.log ?? createLogger(environmentConfig.logLevel);
  const db = overrides.db ?? (await connectDatabase({ databaseUrl: environmentConfig.databaseUrl, dataDir: environmentConfig.dataDir }));
  // The time zone and quiet hours in force: the stored settings (domain/settings.ts), else the environment's.
  const config = withStoredSettings(environmentConfig, await new SettingsRepository(db.db).read(['time_zone', 'quiet_hours'], environmentConfig.settingDefaults));
  const redis = createRedis(config.redisUrl, 'producer');
  // The producer connection fails fast instead of queueing commands: let it connect before first use (a
  // CLI command uses it at once). If Redis is down, callers see the failure and fall back as designed.
  await waitUntilReady(redis, 3_000).catch((err: Error) => log.warn({ err: { message: err.message } }, 'redis not ready yet'));
  const workerConnections: Redis[] = [];
  const metrics = new Metrics(log);
  const instanceId = await loadInstanceId(db);
  // Queues belong to one database: two deployments (or a reset dev database) sharing a Redis must never
  // take each other's jobs. The WeCom token and rate limits are per app, so they stay shared.
  const sharedPrefix = overrides.queuePrefix ?? config.queuePrefix;
  const queuePrefix = overrides.queuePrefix ?? `${config.queuePrefix}-${instanceId}`;
  const queues = {
    inbound: new Queue<InboundJob>(QUEUE.inbound, { connection: redis, prefix: queuePrefix }),
    outbound: new Queue<OutboundJob>(QUEUE.outbound, { connection: redis, prefix: queuePrefix }),
    sweep: new Queue(QUEUE.sweep, { connection: redis, prefix: queuePrefix }),
  };
  // A Queue on a fail-fast connection emits errors while Redis is down; the callers handle the failures.
  queues.inbound.on('error', () => {});
  queues.outbound.on('error', () => {});
  queues.sweep.on('error', () => {});

  // A test's sender replaces the sender of its platform (the first one when it names none served).
  const replaced = overrides.sender && config.platforms.includes(overrides.sender.platform) ? overrides.sender.platform : config.platform;
  const platforms = new Map<PlatformName, Platform>(
    config.platforms.map((name) => {
      const adapter = createPlatform(name, { config, redis, sharedKeyPrefix: sharedPrefix, log, metrics });
      return [name, overrides.sender && name === replaced ? { ...adapter, sender: overrides.sender } : adapter];
    }),
  );
  const platform = platforms.get(config.platform)!;
  const rateLimiter = platform.rateLimiter;

  const clock = overrides.clock ?? (() => new Date());
  const repos = { inbound: new InboundRepository(db.db), deliveries: new DeliveryRepository(db.db) };
  metrics.watchQueues({ inbound: queues.inbound, outbound: queues.outbound });
  metrics.watchBacklog(() => readDeliveryBacklog(repos.deliveries, clock()));
  const deps: Deps = {
    config,
    log,
    clock,
    db,
    repos,
    redis,
    queuePrefix,
    instanceId,
    queues,
    workerConnection() {
      const c = createRedis(config.redisUrl, 'worker');
      workerConnections.push(c);
      return c;
    },
    platform,
    platforms,
    rateLimiter,
    maxRateLimitWaitMs: overrides.maxRateLimitWaitMs ?? 60 * 60_000,
    leaseSeconds: overrides.leaseSeconds ?? config.leaseSeconds,
    ingest: new InboundIngest(repos.inbound, queues.inbound, log, instanceId, clock),
    metrics,
    outbox: new Outbox(repos.deliveries, queues.outbound, log, instanceId, clock, recipientsPerSend([...platforms.values()].map((p) => p.sender)), new DeliveryRouter(db.db, config.platforms, log)),
    async close() {
      await Promise.allSettled([queues.inbound.close(), queues.outbound.close(), queues.sweep.close()]);
      for (const c of workerConnections) c.disconnect();
      redis.disconnect();
      if (!overrides.db) await db.close();
    },
  };
  return deps;
}

/** Each serving sender's recipients per call, for recording broadcasts in batches of that size. */
function recipientsPerSend(senders: readonly MessageSender[]): Partial<Record<PlatformName, number>> {
  return Object.fromEntries(senders.filter((s) => s.maxRecipientsPerSend !== undefined).map((s) => [s.platform, s.maxRecipientsPerSend!]));
}

/** The platform that sends what is addressed to `name`, and its per-recipient limit; undefined when not served. */
export function servingPlatform(deps: Pick<Deps, 'platform' | 'platforms' | 'rateLimiter'>, name: string): { platform: Platform; limiter: RecipientLimiter | undefined } | undefined {
  const platform = deps.platforms.get(name as PlatformName);
  if (!platform) return undefined;
  return { platform, limiter: platform === deps.platform ? deps.rateLimiter : platform.rateLimiter };
}

/** A random id created once per database (settings.instance_id); every process on that database agrees on it. */
async function loadInstanceId(db: DbHandle): Promise<string> {
  return (await new SettingsRepository(db.db).valueOrInsert('instance_id', randomBytes(4).toString('hex'))) as string;
}
