// bench:announce (issue 14 §1) at a small size: it runs to the end by itself, says what it measured and how
// the baseline was obtained, and leaves no database behind.
import { describe, expect, it } from 'vitest';
import { runEntry } from '../helpers/processes.ts';
import { databaseExists } from '../helpers/db.ts';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from '../helpers/env.ts';

describe('npm run bench:announce', () => {
  it('300 members: batched calls against an extrapolated one-call-per-recipient baseline, medians and ratios', async () => {
    const p = runEntry(['bench/announce.ts', '--members', '300', '--baseline-sample', '100', '--repeat', '1'], {
      TEST_PG_ADMIN_URL,
      REDIS_URL: TEST_REDIS_URL,
    });
    expect(await p.exited, p.output()).toBe(0);
    const out = p.stdout();
    const recipients = Number(/^bench:announce {2}(\d+) recipients/m.exec(out)?.[1]);
    expect(recipients).toBeGreaterThan(250);
    expect(out).toMatch(/at 50 ms per call/);
    // 300 recipients fit in one call.
    expect(out).toMatch(/batched {3}one broadcast \(Outbox.recordBroadcast, 1 batches\): 1 message\/send calls, \d+ ms until every delivery sent/);
    expect(out).toMatch(/baseline {2}one call per recipient \(single deliveries\), measured on 100 recipients: 100 calls, \d+ ms/);
    expect(out).toContain(`extrapolated linearly to ${recipients} recipients: ${recipients} calls`);
    expect(out).toMatch(/an estimate, not a measurement/);
    expect(out).toMatch(new RegExp(`ratio {5}calls ${recipients}\\.0x fewer, wall time \\d+\\.\\dx shorter`));
    // Its own database (named on standard error) is dropped.
    const db = /seeding 300 members in \S+\/(pc_bench_[0-9a-f]+)/.exec(p.stderr())?.[1];
    expect(db, p.stderr()).toBeDefined();
    expect(await databaseExists(db!)).toBe(false);
  }, 60_000);
});
