// Opens the database: PostgreSQL when DATABASE_URL is set, otherwise the embedded PostgreSQL (PGlite)
// under DATA_DIR — same SQL, same migrations.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Database } from './schema.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';

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
  /**
   * Told when a pooled connection loses its server (a PostgreSQL restart, a network cut). Informational:
   * the query or transaction that was using it fails and the pool opens a fresh connection next time.
   */
  onConnectionError?: (err: Error) => void;
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
    // A connection losing its server must never crash the process (an 'error' event without a listener
    // throws). The pool listens only while a client is idle; a client checked out by Kysely — inside a
    // transaction, between two queries — emits 'error' with nobody listening (node-postgres #2439, #3202).
    // So every client gets a listener of its own for life. The failure still reaches the caller: the running
    // query rejects, and a later one on that client rejects as "not queryable"; the pool then discards it.
    const onConnectionError = opts.onConnectionError ?? (() => {});
    pool.on('connect', (client) => client.on('error', onConnectionError));
    pool.on('error', () => {}); // the same error, reported by the pool for an idle client: already handled
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
  let lock: DataDirLock | undefined;
  if (dir === 'memory://') {
    client = new PGlite({ parsers: PGLITE_PARSERS });
  } else {
    const full = path.resolve(dir, 'pglite');
    mkdirSync(full, { recursive: true });
    // One process per directory: the lock comes before PGlite touches a file.
    lock = lockDataDir(path.resolve(dir));
    try {
      client = new PGlite(full, { parsers: PGLITE_PARSERS });
      await client.waitReady;
    } catch (err) {
      lock.release();
      throw new EmbeddedDatabaseError(path.resolve(dir), err);
    }
  }
  await client.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return {
    db,
    kind: 'pglite',
    describe: dir === 'memory://' ? 'pglite (memory)' : `pglite ${path.resolve(dir, 'pglite')}`,
    close: async () => {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}

/** The embedded database could not be opened: said as such, never as "start PostgreSQL". */
export class EmbeddedDatabaseError extends Error {
  constructor(
    readonly dataDir: string,
    cause: unknown,
  ) {
    super(`the embedded database in ${dataDir} could not be opened (${(cause as Error)?.message ?? String(cause)}); if it was damaged, restore it from a backup or move it away to start afresh`);
  }
}
