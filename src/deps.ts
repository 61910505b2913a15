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
import type { MessageSender } from './platforms/types.ts';
import type { Platform, RecipientLimiter } from './platforms/platform.ts';
import { createPlatform } from './platforms/index.ts';

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
  /** The chat platform this process serves (config.platform), from the registry in platforms/index.ts. */
  platform: Platform;
  rateLimiter: RecipientLimiter | undefined;
  /** Caps how long a platform rate-limit answer (45009, HTTP 429) parks a delivery; tests shorten it. */
  maxRateLimitWaitMs: number;
  /** How long a worker holds an event or delivery it is working on; after that another may take it. */
  leaseSeconds: number;
  ingest: InboundIngest;
  outbox: Outbox;
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

  const adapter = createPlatform(config.platform, { config, redis, sharedKeyPrefix: sharedPrefix });
  const platform: Platform = overrides.sender ? { ...adapter, sender: overrides.sender } : adapter;
  const rateLimiter = platform.rateLimiter;

  const clock = overrides.clock ?? (() => new Date());
  const repos = { inbound: new InboundRepository(db.db), deliveries: new DeliveryRepository(db.db) };
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
    rateLimiter,
    maxRateLimitWaitMs: overrides.maxRateLimitWaitMs ?? 60 * 60_000,
    leaseSeconds: overrides.leaseSeconds ?? config.leaseSeconds,
    ingest: new InboundIngest(repos.inbound, queues.inbound, log, instanceId, clock),
    outbox: new Outbox(repos.deliveries, queues.outbound, log, instanceId, clock, recipientsPerSend(platform.sender)),
    async close() {
      await Promise.allSettled([queues.inbound.close(), queues.outbound.close(), queues.sweep.close()]);
      for (const c of workerConnections) c.disconnect();
      redis.disconnect();
      if (!overrides.db) await db.close();
    },
  };
  return deps;
}

/** The serving sender's recipients per call, for recording broadcasts in batches of that size. */
function recipientsPerSend(sender: MessageSender): Partial<Record<MessageSender['platform'], number>> {
  return sender.maxRecipientsPerSend === undefined ? {} : { [sender.platform]: sender.maxRecipientsPerSend };
}

/** A random id created once per database (settings.instance_id); every process on that database agrees on it. */
async function loadInstanceId(db: DbHandle): Promise<string> {
  return (await new SettingsRepository(db.db).valueOrInsert('instance_id', randomBytes(4).toString('hex'))) as string;
}
