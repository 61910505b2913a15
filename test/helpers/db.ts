// A fresh database per test file: a new PostgreSQL database on the local server, or an in-memory PGlite.
// Suites loop over both, as Kysely's own tests loop over dialects.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase, type DbHandle } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { TEST_PG_ADMIN_URL } from './env.ts';

export type DbKind = 'postgres' | 'pglite';
export const DB_KINDS: DbKind[] = ['postgres', 'pglite'];

export interface TestDb extends DbHandle {
  url: string | undefined;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createTestDatabase(kind: DbKind, opts: { migrate?: boolean; poolSize?: number } = {}): Promise<TestDb> {
  if (kind === 'pglite') {
    const h = await connectDatabase({ dataDir: 'memory://' });
    if (opts.migrate !== false) await migrateToLatest(h.db);
    return { ...h, url: undefined, drop: () => h.close() };
  }
  const name = `pc_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const h = await connectDatabase({ databaseUrl: url.toString(), poolSize: opts.poolSize ?? 10 });
  if (opts.migrate !== false) await migrateToLatest(h.db);
  let dropped = false;
  return {
    ...h,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await h.close().catch(() => {});
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** Whether a database of that name exists on the test server (a benchmark must leave none behind). */
export async function databaseExists(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await c.connect();
  try {
    return (await c.query(`select 1 from pg_database where datname = $1`, [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}
