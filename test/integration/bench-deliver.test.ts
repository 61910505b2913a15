// bench:deliver (issue 17 §5) at a small size: it runs to the end by itself — sweep, two worker processes, one
// SIGKILLed and replaced — says what it measured, checks exactly-once against the fake's log, and leaves no
// database behind.
import { describe, expect, it } from 'vitest';
import { runEntry } from '../helpers/processes.ts';
import { databaseExists } from '../helpers/db.ts';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from '../helpers/env.ts';

describe('npm run bench:deliver', () => {
  it('300 members on the heaviest day: every delivery once, no limit breached, a worker killed and replaced, the baseline extrapolated', async () => {
    const p = runEntry(['bench/deliver.ts', '--members', '300', '--baseline-sample', '50', '--check-sample', '100', '--kill-at', '0.1'], {
      TEST_PG_ADMIN_URL,
      REDIS_URL: TEST_REDIS_URL,
      // The killed worker's leases lapse in seconds, not the default 30.
      JOB_LEASE_SECONDS: '5',
    });
    expect(await p.exited, p.output()).toBe(0);
    const out = p.stdout();
    const members = Number(/^bench:deliver {2}(\d+) members, date (\d{4}-\d\d-\d\d), fake WeCom on 127\.0\.0\.1 at 50 ms per call/m.exec(out)?.[1]);
    expect(members, out).toBe(300);
    expect(out).toMatch(/day {7}self_eval_nudge \d+/);
    const sent = Number(/totals: (\d+) distinct \(message, recipient\) pairs delivered, (\d+) deliveries sent, 0 failed, 0 recipients twice for one message/.exec(out)?.[1]);
    expect(sent).toBeGreaterThan(250);
    expect(out).toContain(`${sent} distinct (message, recipient) pairs delivered, ${sent} deliveries sent`);
    expect(out).toMatch(/limits {4}per-member frequency limits \(30\/min, 1000\/h\) breached 0 times/);
    expect(out).toMatch(/once {6}sample: 100 of 100 random delivery rows found exactly once in the fake's log(;|\n)/);
    expect(out).toMatch(/delivery {2}2 worker processes .*one SIGKILLed at \d/);
    expect(p.stderr()).toMatch(/SIGKILL worker 1 \(pid \d+\)/);
    expect(out).toMatch(/baseline {2}one call per recipient \(single deliveries\), measured on 50 recipients: 50 calls/);
    expect(out).toMatch(/an estimate, not a measurement/);
    expect(out).toMatch(/memory {4}workers' peak RSS #1 \d+ MB, #2 \d+ MB, #3 \d+ MB/);
    expect(out).toMatch(/verdict {3}exactly once and within the limits: yes/);
    // Its own database (named on standard error) is dropped.
    const db = /seeding 300 members in \S+\/(pc_bench_[0-9a-f]+)/.exec(p.stderr())?.[1];
    expect(db, p.stderr()).toBeDefined();
    expect(await databaseExists(db!)).toBe(false);
  }, 180_000);
});
