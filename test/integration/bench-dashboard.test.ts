// bench:dashboard (issue 16 section 5) at a small size: it seeds a roster and a year of records, refreshes the
// snapshot, times the committee page and a GB page as the server renders them (from the snapshot: the threshold is
// lowered to 10 members so 400 members exercise it), the same figures counted live and the one-query-per-GB
// baseline, finds the same figures every way, and leaves no database behind.
import { describe, expect, it } from 'vitest';
import { runEntry } from '../helpers/processes.ts';
import { databaseExists } from '../helpers/db.ts';
import { TEST_PG_ADMIN_URL } from '../helpers/env.ts';

describe('npm run bench:dashboard', () => {
  it('400 members and their year: page timings, the baseline in the same run, equal figures', async () => {
    const p = runEntry(['bench/dashboard.ts', '--members', '400', '--runs', '3', '--baseline-runs', '1', '--live-runs', '2', '--live-members-max', '10', '--today', '2026-11-30'], { TEST_PG_ADMIN_URL });
    expect(await p.exited, p.output()).toBe(0);
    const out = p.stdout();
    expect(Number(/^bench:dashboard {2}(\d+) members, (\d+) general branches/m.exec(out)?.[1])).toBe(400);
    // The year was generated: every family has rows.
    for (const table of ['care_records', 'care_obligations', 'notices', 'deliveries', 'self-evaluations', 'announcement recipients', 'suggestions']) {
      expect(Number(new RegExp(`${table} (\\d+)`).exec(out)?.[1]), table).toBeGreaterThan(0);
    }
    expect(out).toMatch(/refresh {13}the snapshot \(the worker's job every 10 minutes\): [\d.]+ ms, [\d.]+ ms \(2 runs\)/);
    // Both pages rendered by the server (200), from the snapshot, and say so (统计于).
    expect(out).toMatch(/committee page \(a\) {2}GET \/dashboard\/org\/\d+ as an OD member, from the snapshot \(统计于\), \d+ KB: p50 [\d.]+ ms, p95 [\d.]+ ms \(3 runs; first [\d.]+ ms\)/);
    expect(out).toMatch(/GB page \(b\) {9}GET \/dashboard\/org\/\d+ as its secretary, \S+, \d+ members, \d+ branches \(\d+ on the page\), from the snapshot \(统计于\), \d+ KB: p50 [\d.]+ ms, p95 [\d.]+ ms \(3 runs; first [\d.]+ ms\)/);
    expect(out).toMatch(/live \(a\)\/\(b\) {8}the same pages' figures counted live: committee p50 [\d.]+ ms, p95 [\d.]+ ms; GB p50 [\d.]+ ms, p95 [\d.]+ ms \(2 runs\)/);
    expect(out).toMatch(/baseline \(c\) {8}one plain query per GB per figure family: committee \(\d+ GBs in turn\) median [\d.]+ ms, GB median [\d.]+ ms \(1 runs\)/);
    expect(out).toMatch(/ratio {15}baseline \/ page, medians: committee [\d.]+x, GB [\d.]+x/);
    expect(out).toMatch(/ratio {15}live \/ page, medians: committee [\d.]+x, GB [\d.]+x/);
    expect(out).toContain('figures   equal to the baseline for every GB, every month and every visit day (live readers and the snapshot)');
    expect(out).toMatch(/verdict {3}(PASS|MISS) \(pages' p95/);
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
