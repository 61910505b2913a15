// Issue 10, point 1: the sweep takes its time from the injected clock, not from the database's now(). A day is
// recorded as finished at the clock's time — on the first sweep and on a re-sweep — so a test with a fixed
// clock can check it (with now() these rows would carry the real time of the run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { runSweep, type SweepDeps } from '../../src/notices/sweep.ts';
import { SweepRepository } from '../../src/notices/sweep-repository.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';


describe.each(DB_KINDS)('the sweep on the injected clock (%s)', (kind) => {
  let db: TestDb;
  let now: Date;
  const deps = (): SweepDeps => sweepTestDeps(db.db, () => now);
  const finishedAt = async (day: string) =>
    (await db.db.selectFrom('sweep_days').select('finished_at').where('on_date', '=', day).executeTakeFirstOrThrow()).finished_at;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
  });
  afterAll(() => db.drop());

  it('records the day as finished at the clock time, and again at the re-sweep', async () => {
    now = new Date('2026-11-26T00:50:00Z'); // 08:50 in Shanghai
    const first = await runSweep(deps(), '2026-11-26');
    expect(first.failed).toEqual([]);
    expect(new Date(await finishedAt('2026-11-26')).toISOString()).toBe('2026-11-26T00:50:00.000Z');

    now = new Date('2026-11-26T03:15:00Z');
    await runSweep(deps(), '2026-11-26');
    expect(new Date(await finishedAt('2026-11-26')).toISOString()).toBe('2026-11-26T03:15:00.000Z');
    expect(await new SweepRepository(db.db).recentDays(14)).toEqual([{ date: '2026-11-26', notices: first.decided, late: false }]);
  });
});
