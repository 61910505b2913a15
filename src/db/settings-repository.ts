// Settings: the administrator-changeable values stored in the database (MECHANISM: defaults in the database,
// not in code), and the database's own identity. Every read or write of the settings table goes through here;
// what a value means and which values are valid is decided by its reader.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export class SettingsRepository {
  /** `db` is the executor the reads run on: the database, or a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** The stored values of `keys` (absent keys are absent from the map). */
  async values(keys: readonly string[]): Promise<Map<string, unknown>> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).where('key', 'in', [...keys]).execute();
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  /** The stored value of `key`; undefined when no row holds it. */
  async value(key: string): Promise<unknown> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
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
