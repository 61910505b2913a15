// Redis connections. Producers on the HTTP path fail fast when Redis is down (no offline queue, one try):
// PostgreSQL already holds the event and the relay enqueues it later. Workers wait for Redis forever,
// as BullMQ requires (maxRetriesPerRequest: null).
import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

export type RedisRole = 'producer' | 'worker' | 'shared';

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const base: RedisOptions = {
    connectTimeout: 2_000,
    lazyConnect: false,
    // Reconnect with a capped backoff; never give up (Redis may come back).
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  };
  const byRole: Record<RedisRole, RedisOptions> = {
    producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    worker: { maxRetriesPerRequest: null },
    shared: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  };
  const redis = new Redis(url, { ...base, ...byRole[role], ...extra });
  // Errors surface on the commands that fail; an 'error' listener keeps ioredis from crashing the process.
  redis.on('error', () => {});
  return redis;
}

/** Boot check: Redis must answer; with a clear message naming the URL (without password) if not. */
export async function assertRedisReachable(url: string, timeoutMs = 3_000): Promise<{ evictionPolicy: string | undefined }> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
  probe.on('error', () => {});
  const safe = describeRedisUrl(url);
  try {
    await withTimeout(probe.connect(), timeoutMs, `Redis at ${safe} did not answer within ${timeoutMs} ms`);
    await withTimeout(probe.ping(), timeoutMs, `Redis at ${safe} did not answer PING`);
    let evictionPolicy: string | undefined;
    try {
      const res = (await probe.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
      evictionPolicy = res[1];
    } catch {
      evictionPolicy = undefined; // CONFIG may be disabled on managed Redis
    }
    return { evictionPolicy };
  } catch (err) {
    throw new Error(`Redis at ${safe} is unreachable: ${(err as Error).message}`);
  } finally {
    probe.disconnect();
  }
}

export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || 6379}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Resolves once the connection is ready; rejects after `ms`. */
export function waitUntilReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`redis not ready within ${ms} ms`));
    }, ms);
    redis.once('ready', onReady);
  });
}
