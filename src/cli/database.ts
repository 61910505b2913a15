// The database for CLI commands that need nothing else (no Redis): config, connect, migrate, run, close.
import { loadConfig, type Config } from '../config.ts';
import { connectDatabase, type DbHandle } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';

export async function withDatabase<T>(fn: (db: DbHandle, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(db.db);
    process.stderr.write(`database: ${db.describe}\n`);
    return await fn(db, config);
  } finally {
    await db.close();
  }
}
