// Going back below migration 2026120900 (a sweep's batches carry their recipients) loses nobody: the batches not
// yet claimed get their delivery rows and wait as 'pending' again, which is all an older release can send.
import { describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { FolderMigrationProvider } from '../../src/db/migrate.ts';
import { createTestDatabase, DB_KINDS } from '../helpers/db.ts';

const MIGRATION = '2026120900_batch_recipients';

describe.each(DB_KINDS)('the batch recipients migration on %s', (kind) => {
  it('down writes the rows of the batches not yet claimed, in their order, and sets them pending', async () => {
    const db = await createTestDatabase(kind, { migrate: false });
    try {
      const migrator = new Migrator({ db: db.db, provider: new FolderMigrationProvider() });
      const names = (await migrator.getMigrations()).map((m) => m.name);
      const before = names[names.indexOf(MIGRATION) - 1]!;
      expect((await migrator.migrateTo(MIGRATION)).error).toBeUndefined();
      await sql`
        insert into delivery_batches (key, platform, message, push, status, recipient_keys, recipients, correlation_id)
        values ('notices:1', 'wecom', '{"type":"text","content":"各位党员同志：请完成自评"}', true, 'unwritten', array['notice-1', 'notice-2', 'notice-3'], array['u1', 'u2', 'u3'], 'sweep-2026-12-18'),
               ('notices:9', 'wecom', '{"type":"text","content":"已发出"}', true, 'done', null, null, 'sweep-2026-12-17')`.execute(db.db);
      // Half a pair is refused: a claim would write rows without keys.
      await expect(sql`insert into delivery_batches (key, platform, message, status, recipients) values ('x', 'wecom', '{}', 'unwritten', array['u9'])`.execute(db.db)).rejects.toThrow();

      expect((await migrator.migrateTo(before)).error).toBeUndefined();
      const rows = await sql<{ idempotency_key: string; recipient: string; status: string; correlation_id: string }>`
        select d.idempotency_key, d.recipient, d.status, d.correlation_id from deliveries d order by d.id`.execute(db.db);
      expect(rows.rows).toEqual(['1', '2', '3'].map((i) => ({ idempotency_key: `notice-${i}`, recipient: `u${i}`, status: 'pending', correlation_id: 'sweep-2026-12-18' })));
      const batches = await sql<{ key: string; status: string }>`select key, status from delivery_batches order by id`.execute(db.db);
      expect(batches.rows).toEqual([
        { key: 'notices:1', status: 'pending' },
        { key: 'notices:9', status: 'done' },
      ]);
      // And up again.
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
    } finally {
      await db.drop();
    }
  }, 120_000);
});
