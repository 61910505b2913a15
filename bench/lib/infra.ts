// The bench's own PostgreSQL database and Redis keys: created for one run, removed at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

export interface BenchDatabase {
  url: string;
  /** True when we created it (and must drop it). */
  temporary: boolean;
  describe: string;
  drop(): Promise<void>;
}

/** Uses DATABASE_URL as given (migrated, never dropped), or creates `pc_bench_<random>` on the admin server. */
export async function prepareDatabase(givenUrl: string | undefined, adminUrl: string): Promise<BenchDatabase> {
  if (givenUrl) {
    await migrate(givenUrl);
    return { url: givenUrl, temporary: false, describe: safeUrl(givenUrl), drop: async () => {} };
  }
  const name = `pc_bench_${randomBytes(5).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  const db: BenchDatabase = {
    url: url.toString(),
    temporary: true,
    describe: safeUrl(url.toString()),
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
  try {
    await migrate(db.url);
  } catch (err) {
    await db.drop().catch(() => {});
    throw err;
  }
  return db;
}

async function migrate(url: string): Promise<void> {
  const h = await connectDatabase({ databaseUrl: url, poolSize: 2 });
  try {
    await migrateToLatest(h.db);
  } finally {
    await h.close();
  }
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** inbound_events rows whose dedupe key starts with this run's prefix (letters, digits, '-' and ':' only). */
export async function countInboundRows(url: string, dedupeKeyPrefix: string): Promise<number> {
  if (!/^[A-Za-z0-9:-]+$/.test(dedupeKeyPrefix)) throw new Error(`refusing a dedupe key prefix with LIKE wildcards: ${dedupeKeyPrefix}`);
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(`select count(*)::text as n from inbound_events where dedupe_key like $1`, [`${dedupeKeyPrefix}%`]);
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
}

/** Jobs waiting in a BullMQ queue (no workers ran, so every job added is still in `wait`). */
export async function countWaitingJobs(redisUrl: string, prefix: string, queue: string): Promise<number> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  r.on('error', () => {});
  try {
    return await r.llen(`${prefix}:${queue}:wait`);
  } finally {
    r.disconnect();
  }
}

/** Deletes every key under the prefix (SCAN + UNLINK: never KEYS, never FLUSHDB). */
export async function cleanRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  if (!/^[A-Za-z0-9_-]{8,}$/.test(prefix)) throw new Error(`refusing to clean suspicious Redis prefix ${prefix}`);
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  r.on('error', () => {});
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length) removed += await r.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return removed;
}

export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || '(default)'}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
