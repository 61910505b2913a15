// Settings without SQL (issue 11 point 15): list, read and change the named settings (domain/settings.ts).
// The admin API (settings-routes.ts) and the CLI (`settings list|get|set`) both go through here, so they show
// and refuse the same way.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { SETTING_KEYS, settingKey, settingView, type SettingValues, type SettingView } from '../domain/settings.ts';

export type { SettingView };

/** Every named setting: value in force, default, whether stored, description. */
export async function listSettings(db: Kysely<Database>, defaults: Partial<SettingValues>): Promise<SettingView[]> {
  const stored = await new SettingsRepository(db).stored();
  return SETTING_KEYS.map((key) => settingView(key, stored.get(key), defaults));
}

/** One setting; SettingError (unknown_setting) for a key that does not exist. */
export async function getSetting(db: Kysely<Database>, key: string, defaults: Partial<SettingValues>): Promise<SettingView> {
  const k = settingKey(key);
  return settingView(k, (await new SettingsRepository(db).stored()).get(k), defaults);
}

/** Checks and stores a value; SettingError naming the key and what it accepts when refused. */
export async function setSetting(db: Kysely<Database>, key: string, value: unknown, at: Date, defaults: Partial<SettingValues>): Promise<SettingView> {
  const k = settingKey(key);
  const repo = new SettingsRepository(db);
  await repo.put(k, value, at);
  return settingView(k, (await repo.stored()).get(k), defaults);
}
