// Opens the database: PostgreSQL when DATABASE_URL is set, otherwise the embedded PostgreSQL (PGlite)
// under DATA_DIR — same SQL, same migrations.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Database } from './schema.ts';

// The same values from both drivers: int8 (bigint ids, counts) as strings — exact beyond 2^53 — and SQL
// `date` as 'YYYY-MM-DD' text, never a JS Date at some time zone's midnight.
const INT8 = 20;
const DATE = 1082;
pg.types.setTypeParser(INT8, (v) => v);
pg.types.setTypeParser(DATE, (v) => v);
const PGLITE_PARSERS = { [INT8]: (v: string) => v, [DATE]: (v: string) => v };

export interface DbHandle {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  /** Human description without credentials, for logs. */
  describe: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  /** For PGlite: a directory, or 'memory://' for a throwaway in-memory database (tests). */
  dataDir?: string;
  poolSize?: number;
}

export async function connectDatabase(opts: ConnectOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 20,
      connectionTimeoutMillis: 5_000,
      // Fail a stuck query rather than hang a webhook past WeCom's 5 s deadline.
      query_timeout: 10_000,
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(opts.databaseUrl);
    const describe = `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`;
    try {
      await sql`select 1`.execute(db);
    } catch (err) {
      await db.destroy().catch(() => {});
      throw new Error(`PostgreSQL at ${describe} is unreachable: ${(err as Error).message}`);
    }
    return { db, kind: 'postgres', describe, close: () => db.destroy() };
  }
  const dir = opts.dataDir ?? './data';
  let client: PGlite;
  if (dir === 'memory://') {
    client = new PGlite({ parsers: PGLITE_PARSERS });
  } else {
    const full = path.resolve(dir, 'pglite');
    mkdirSync(full, { recursive: true });
    client = new PGlite(full, { parsers: PGLITE_PARSERS });
  }
  await client.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return { db, kind: 'pglite', describe: dir === 'memory://' ? 'pglite (memory)' : `pglite ${path.resolve(dir, 'pglite')}`, close: () => db.destroy() };
}

export async function isDatabaseReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
