// Fails the run early, with a clear message, when the local PostgreSQL or Redis the tests need is down; and
// fails it at the end when a process the tests started (test/helpers/processes.ts records each) outlived them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from './env.ts';
import { PROCESS_RECORD_ENV, survivingProcesses } from './process-records.ts';

export default async function setup(): Promise<() => void> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new Error(`tests need PostgreSQL at ${TEST_PG_ADMIN_URL}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`tests need Redis at ${TEST_REDIS_URL}: ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
  // Test workers inherit the environment: each records what it starts under this run's own directory.
  const dir = mkdtempSync(path.join(tmpdir(), 'partycare-test-run-'));
  process.env[PROCESS_RECORD_ENV] = dir;
  return () => {
    try {
      const survivors = survivingProcesses(dir);
      if (survivors.length > 0) {
        // Vitest only logs an error thrown here ("error during close"); the exit code is what fails the run.
        process.exitCode = 1;
        throw new Error(`${survivors.length} process(es) started by the tests outlived them (now killed):\n${survivors.join('\n')}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
