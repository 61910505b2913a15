// The database for CLI commands that need nothing else (no Redis): config, connect, migrate, run, close.
import { loadConfig, withStoredSettings, type Config } from '../config.ts';
import { connectDatabase, type DbHandle } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { SettingsRepository } from '../db/settings-repository.ts';

export async function withDatabase<T>(fn: (db: DbHandle, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(db.db);
    process.stderr.write(`database: ${db.describe}\n`);
    // The time zone and quiet hours in force: the stored settings, else the environment's.
    return await fn(db, withStoredSettings(config, await new SettingsRepository(db.db).read(['time_zone', 'quiet_hours'], config.settingDefaults)));
  } finally {
    await db.close();
  }
}
