import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { createTestDatabase, DB_KINDS } from '../helpers/db.ts';

describe.each(DB_KINDS)('migrations on %s', (kind) => {
  it('apply from scratch and are a no-op the second time', async () => {
    const db = await createTestDatabase(kind, { migrate: false });
    try {
      const first = await migrateToLatest(db.db);
      expect(first.results!.length).toBeGreaterThan(0);
      const second = await migrateToLatest(db.db);
      expect(second.results).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  it('a failing migration rolls the whole batch back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pc-mig-'));
    writeFileSync(path.join(dir, '001_ok.ts'), `import { sql } from 'kysely';\nexport async function up(db) { await sql\`create table mig_ok (id int)\`.execute(db); }\n`);
    writeFileSync(path.join(dir, '002_bad.ts'), `import { sql } from 'kysely';\nexport async function up(db) { await sql\`create table mig_bad (id nosuchtype)\`.execute(db); }\n`);
    const db = await createTestDatabase(kind, { migrate: false });
    try {
      await expect(migrateToLatest(db.db, dir)).rejects.toThrow('002_bad');
      const t = await sql<{ n: string }>`select count(*) as n from information_schema.tables where table_name in ('mig_ok', 'mig_bad')`.execute(db.db);
      expect(Number(t.rows[0]!.n)).toBe(0);
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('racing migrators on PostgreSQL', () => {
  it('three processes migrating at once: one applies, all succeed, schema once', async () => {
    const db = await createTestDatabase('postgres', { migrate: false });
    const handles = await Promise.all([1, 2, 3].map(() => connectDatabase({ databaseUrl: db.url, poolSize: 2 })));
    try {
      const results = await Promise.all(handles.map((h) => migrateToLatest(h.db)));
      const applied = results.flatMap((r) => r.results ?? []).filter((r) => r.status === 'Success');
      const names = new Set(applied.map((r) => r.migrationName));
      expect(applied.length).toBe(names.size);
      const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(db.db);
      expect(rows.rows.length).toBe(names.size);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await db.drop();
    }
  });
});
