// Settings: the administrator-changeable values stored in the database (MECHANISM: defaults in the database,
// not in code), and the database's own identity. Every read or write of the settings table goes through here;
// which settings exist and which values each accepts is decided by the registry (domain/settings.ts): a write
// is checked before it is stored, a read is checked again (a row changed by hand fails loudly, naming the key).
import type { Kysely } from 'kysely';
import { checkSetting, effectiveSettings, SETTING_KEYS, type SettingKey, type SettingValue, type SettingValues } from '../domain/settings.ts';
import type { Database } from './schema.ts';

export interface StoredSetting {
  key: string;
  value: unknown;
  updatedAt: Date;
}

export class SettingsRepository {
  /** `db` is the executor the reads run on: the database, or a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** The stored values of `keys` (absent keys are absent from the map). */
  async values(keys: readonly string[]): Promise<Map<string, unknown>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).where('key', 'in', [...keys]).execute();
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  /** The stored value of `key`; undefined when no row holds it. */
  async value(key: string): Promise<unknown> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  /** The effective values of named settings: stored (and checked), else `defaults`, else the registry's default. */
  async read<K extends SettingKey>(keys: readonly K[], defaults: Partial<SettingValues> = {}): Promise<Pick<SettingValues, K>> {
    return effectiveSettings(keys, await this.values(keys), defaults);
  }

  /** The stored rows of every named setting, with when each was last changed. */
  async stored(): Promise<Map<string, StoredSetting>> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value', 'updated_at']).where('key', 'in', SETTING_KEYS).execute();
    return new Map(rows.map((r) => [r.key, { key: r.key, value: r.value, updatedAt: r.updated_at }]));
  }

  /** Checks `value` against the key's schema (SettingError if refused) and stores it, stamped with `at`. */
  async put<K extends SettingKey>(key: K, value: unknown, at: Date): Promise<SettingValue<K>> {
    const checked = checkSetting(key, value);
    const json = JSON.stringify(checked);
    await this.db
      .insertInto('settings')
      .values({ key, value: json, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: at }))
      .execute();
    return checked;
  }

  /**
   * Stores `value` under `key` unless a value is there already, and returns the one stored: two processes
   * starting at once both get the first one written.
   */
  async valueOrInsert(key: string, value: unknown): Promise<unknown> {
    await this.db.insertInto('settings').values({ key, value: JSON.stringify(value) }).onConflict((oc) => oc.column('key').doNothing()).execute();
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
    return row.value;
  }
}
