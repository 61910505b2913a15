// Issue 17 §2: `cli backup --out FILE` and `cli restore FILE` for the embedded database. A round trip: the demo
// seeded into one DATA_DIR plus a record of our own, backed up, restored into another DATA_DIR, where every
// table has the same rows (and the sequences go on where they were). And the refusals: PostgreSQL configured,
// the directory in use, a file that exists, a database in the target, a file that is no backup.
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DbHandle } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { lockDataDir } from '../../src/db/data-dir-lock.ts';
import { seedDemo } from '../../src/roster/seed-demo.ts';
import { runEntryToExit } from '../helpers/processes.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'pc-backup-'));
  dirs.push(d);
  return d;
};
const cli = (args: string[], dataDir: string, extra: Record<string, string> = {}) => runEntryToExit(['src/cli.ts', ...args], { DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra });

async function withEmbedded<T>(dataDir: string, fn: (db: DbHandle) => Promise<T>): Promise<T> {
  const db = await connectDatabase({ dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Every table of the schema with its row count. */
async function tableCounts(db: DbHandle): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db.db);
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table_name)}`.execute(db.db);
    counts[table_name] = Number(r.rows[0]!.n);
  }
  return counts;
}

describe('backup and restore of the embedded database', () => {
  const source = tempDir();
  const work = tempDir();
  const backup = path.join(work, 'partycare.tar.gz');
  let before: Record<string, number>;
  let probeId: string;

  it('a round trip brings back every table, row for row', async () => {
    probeId = await withEmbedded(source, async (db) => {
      await migrateToLatest(db.db);
      await seedDemo(db.db, { members: 120, seed: 'backup', today: '2026-11-26' });
      // A record added after the seed, with an id from a sequence.
      const row = await db.db
        .insertInto('inbound_events')
        .values({ platform: 'wecom', dedupe_key: 'backup-probe', user_id: 'probe', kind: 'text', payload: JSON.stringify({ content: '备份前的一条消息' }) })
        .returning('id')
        .executeTakeFirstOrThrow();
      before = await tableCounts(db);
      return row.id;
    });
    expect(before['members']).toBeGreaterThanOrEqual(120);

    const made = await cli(['backup', '--out', backup], source);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain(`backup written: ${backup}`);
    expect(statSync(backup).size).toBeGreaterThan(0);
    // The members' personal data: readable by its owner only.
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    // No stray partial file beside it, and the source directory is free again.
    expect(readdirSync(work)).toEqual(['partycare.tar.gz']);
    expect(existsSync(path.join(source, 'partycare.lock'))).toBe(false);

    const target = tempDir();
    const restored = await cli(['restore', backup], target);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`into ${path.join(target, 'pglite')}`);

    const [a, b] = await Promise.all([
      withEmbedded(source, async (db) => ({ members: await db.db.selectFrom('members').selectAll().orderBy('id').limit(5).execute() })),
      withEmbedded(target, async (db) => {
        const counts = await tableCounts(db);
        const members = await db.db.selectFrom('members').selectAll().orderBy('id').limit(5).execute();
        const probe = await db.db.selectFrom('inbound_events').selectAll().where('id', '=', probeId).executeTakeFirstOrThrow();
        // The sequences came back too: the next row follows the last one, no id is handed out twice.
        const next = await db.db
          .insertInto('inbound_events')
          .values({ platform: 'wecom', dedupe_key: 'after-restore', user_id: 'probe', kind: 'text', payload: JSON.stringify({}) })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { counts, members, probe, next: next.id };
      }),
    ]);
    expect(Object.keys(b.counts).length).toBeGreaterThan(20);
    expect(b.counts).toEqual(before);
    expect(b.members).toEqual(a.members);
    expect(b.probe).toMatchObject({ dedupe_key: 'backup-probe', user_id: 'probe', payload: { content: '备份前的一条消息' } });
    expect(BigInt(b.next)).toBeGreaterThan(BigInt(probeId));
  }, 600_000);

  it('refuses to overwrite a file, to run on PostgreSQL, or while the directory is in use', async () => {
    const original = readFileSync(backup);
    const pgUrl = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' };
    const [exists, pg, pgRestore] = await Promise.all([
      cli(['backup', '--out', backup], source),
      cli(['backup', '--out', path.join(work, 'pg.tar.gz')], source, pgUrl),
      cli(['restore', backup], tempDir(), pgUrl),
    ]);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toMatch(/exists: choose another name, or pass --force/);
    expect(pg.code).toBe(1);
    expect(pg.stderr).toMatch(/DATABASE_URL is set.*pg_dump/);
    expect(pgRestore.code).toBe(1);
    expect(pgRestore.stderr).toMatch(/pg_restore/);

    // This test process holds the directory, as a running bot would.
    const lock = lockDataDir(source, 'main.ts');
    try {
      const busy = await cli(['backup', '--out', backup, '--force'], source);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/in use by another process \(pid \d+: main\.ts\)/);
    } finally {
      lock.release();
    }
    expect(readFileSync(backup).equals(original)).toBe(true);
    expect(readdirSync(work).sort()).toEqual(['partycare.tar.gz']);

    const forced = await cli(['backup', '--out', backup, '--force'], source);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(work)).toEqual(['partycare.tar.gz']);
  }, 600_000);

  it('restores over a database only with --force, keeping the old one renamed; a bad file changes nothing', async () => {
    const target = tempDir();
    await withEmbedded(target, async (db) => {
      await migrateToLatest(db.db);
      await db.db.insertInto('inbound_events').values({ platform: 'wecom', dedupe_key: 'the-old-one', user_id: 'old', kind: 'text', payload: JSON.stringify({}) }).execute();
    });
    const refused = await cli(['restore', backup], target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds a database: pass --force/);

    const garbage = path.join(work, 'not-a-backup.tar.gz');
    writeFileSync(garbage, 'not a tarball');
    const bad = await cli(['restore', garbage, '--force'], target);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/could not be restored/);
    expect(readdirSync(target).filter((n) => n.startsWith('pglite'))).toEqual(['pglite']);
    // Into a DATA_DIR that did not exist: refused, and no directory is left behind.
    const fresh = path.join(tempDir(), 'not-yet');
    const badFresh = await cli(['restore', garbage], fresh);
    expect(badFresh.code).toBe(1);
    expect(badFresh.stderr).toMatch(/nothing was changed/);
    expect(existsSync(fresh)).toBe(false);
    const stillOld = await withEmbedded(target, (db) => db.db.selectFrom('inbound_events').select('dedupe_key').execute());
    expect(stillOld.map((r) => r.dedupe_key)).toEqual(['the-old-one']);

    const forced = await cli(['restore', backup, '--force'], target);
    expect(forced.code, forced.stderr).toBe(0);
    const kept = readdirSync(target).filter((n) => n.startsWith('pglite.replaced-'));
    expect(kept).toHaveLength(1);
    expect(forced.stdout).toContain(`kept in ${path.join(target, kept[0]!)}`);
    const now = await withEmbedded(target, (db) => db.db.selectFrom('inbound_events').select('dedupe_key').where('id', '=', probeId).executeTakeFirst());
    expect(now?.dedupe_key).toBe('backup-probe');
    // The old database is whole where it was kept: moved into a data directory of its own, it opens with its row.
    const elsewhere = tempDir();
    renameSync(path.join(target, kept[0]!), path.join(elsewhere, 'pglite'));
    const oldRows = await withEmbedded(elsewhere, (db) => db.db.selectFrom('inbound_events').select('dedupe_key').execute());
    expect(oldRows.map((r) => r.dedupe_key)).toEqual(['the-old-one']);
  }, 600_000);
});
