// bench:dashboard (issue 16 section 5) at a small size: it seeds a roster and a year of records, times the
// committee page and a GB page against the one-query-per-GB baseline, finds the same figures both ways, and
// leaves no database behind.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { runEntry } from '../helpers/processes.ts';
import { TEST_PG_ADMIN_URL } from '../helpers/env.ts';

async function databaseExists(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await c.connect();
  try {
    return (await c.query(`select 1 from pg_database where datname = $1`, [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

describe('npm run bench:dashboard', () => {
  it('400 members and their year: page timings, the baseline in the same run, equal figures', async () => {
    const p = runEntry(['bench/dashboard.ts', '--members', '400', '--runs', '3', '--baseline-runs', '1', '--today', '2026-11-30'], { TEST_PG_ADMIN_URL });
    expect(await p.exited, p.output()).toBe(0);
    const out = p.stdout();
    expect(Number(/^bench:dashboard {2}(\d+) members, (\d+) general branches/m.exec(out)?.[1])).toBe(400);
    // The year was generated: every family has rows.
    for (const table of ['care_records', 'care_obligations', 'notices', 'deliveries', 'self-evaluations', 'announcement recipients', 'suggestions']) {
      expect(Number(new RegExp(`${table} (\\d+)`).exec(out)?.[1]), table).toBeGreaterThan(0);
    }
    expect(out).toMatch(/committee page \(a\) {2}figures of \d+ branches \+ 11 months \+ \d+ visit days: p50 [\d.]+ ms, p95 [\d.]+ ms \(3 runs\)/);
    expect(out).toMatch(/GB page \(b\) {9}\S+, \d+ members: p50 [\d.]+ ms, p95 [\d.]+ ms/);
    expect(out).toMatch(/baseline \(c\) {8}one plain query per GB per figure family: committee \(\d+ GBs in turn\) median [\d.]+ ms, GB median [\d.]+ ms \(1 runs\)/);
    expect(out).toMatch(/ratio {15}baseline \/ readers, medians: committee [\d.]+x, GB [\d.]+x/);
    expect(out).toContain('figures   equal to the baseline for every GB, every month and every visit day');
    expect(out).toMatch(/verdict {3}(PASS|MISS) \(p95/);
    // Talks were recorded, and the quota counts them.
    const talks = /talks (\d+)\/(\d+)/.exec(out);
    expect(Number(talks?.[1])).toBeGreaterThan(0);
    expect(Number(talks?.[1])).toBeLessThanOrEqual(Number(talks?.[2]));
    // Its own database (named on standard error) is dropped.
    const db = /seeding 400 members in \S+\/(pc_bench_[0-9a-f]+)/.exec(p.stderr())?.[1];
    expect(db, p.stderr()).toBeDefined();
    expect(await databaseExists(db!)).toBe(false);
  }, 120_000);
});
