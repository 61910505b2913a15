// What every process does before it serves: validate config, reach Redis and PostgreSQL (clear error and a
// non-zero exit if not), migrate under the migrator's lock, then build the dependencies.
import { loadConfig, platformRefusal, type Config } from './config.ts';
import { connectDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { buildDeps, type Deps } from './deps.ts';
import { createLogger } from './logger.ts';
import { assertRedisReachable, describeRedisUrl } from './redis.ts';

export class BootError extends Error {}

export async function boot(opts: { needRedis?: boolean; migrate?: boolean; config?: Config } = {}): Promise<Deps> {
  let config: Config;
  try {
    config = opts.config ?? loadConfig();
  } catch (err) {
    throw new BootError((err as Error).message);
  }
  const refusal = platformRefusal(config);
  if (refusal) throw new BootError(refusal);
  const log = createLogger(config.logLevel);
  if (opts.needRedis !== false) {
    try {
      const { evictionPolicy } = await assertRedisReachable(config.redisUrl);
      if (evictionPolicy && evictionPolicy !== 'noeviction') {
        log.warn({ evictionPolicy }, 'Redis maxmemory-policy is not noeviction: queued jobs may be evicted silently; set maxmemory-policy noeviction');
      }
    } catch (err) {
      throw new BootError(`${(err as Error).message}. Start Redis or set REDIS_URL (now ${describeRedisUrl(config.redisUrl)}).`);
    }
  }
  let db;
  try {
    db = await connectDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      // A restart of PostgreSQL under load: the process lives, the affected work is retried (issue 8.3).
      onConnectionError: (err) => log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'database connection lost'),
    });
  } catch (err) {
    // PGlite's own failures (a busy or damaged directory) say so themselves; only PostgreSQL is to be started.
    if (!config.databaseUrl) throw new BootError((err as Error).message);
    throw new BootError(`${(err as Error).message}. Start PostgreSQL or fix DATABASE_URL.`);
  }
  if (opts.migrate !== false) {
    try {
      const result = await migrateToLatest(db.db);
      const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
      if (applied.length > 0) log.info({ applied }, 'migrations applied');
    } catch (err) {
      await db.close();
      throw new BootError((err as Error).message);
    }
  }
  log.info({ database: db.describe, redis: describeRedisUrl(config.redisUrl), platform: config.platform }, 'dependencies ready');
  return buildDeps(config, { log, db });
}
