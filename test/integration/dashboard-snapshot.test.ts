// Issue 16 section 5: a very large scope reads the worker's snapshot (counted per general branch, saying when),
// equal to the live figures when it was counted; a smaller scope, an old snapshot or a small committee are counted
// live. The threshold is lowered here so the fixture roster counts as "very large".
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figureSourceOf, liveFiguresOf } from '../../src/dashboard/figure-source.ts';
import { periodOf, rollUp } from '../../src/dashboard/figures.ts';
import { refreshDashboardSnapshots } from '../../src/dashboard/refresh.ts';
import { SnapshotRepository } from '../../src/dashboard/snapshot-repository.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { memoryLogger } from '../helpers/stack.ts';

const TZ = 'Asia/Shanghai';
const period = periodOf('2026-11-30');
const at = new Date('2026-11-30T02:00:00Z');

describe.each(DB_KINDS)('dashboard snapshot on %s', (kind) => {
  let t: TestDb;
  let committeeId: string;
  let gbId: string;
  let branchId: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await importCareRoster(t.db);
    const ids = await sql<{ committee: string; gb: string; branch: string }>`
      select gb.parent_id::text as committee, gb.id::text as gb, b.id::text as branch from members m
      join organisations b on b.id = m.branch_id join organisations gb on gb.id = b.parent_id where m.userid = 'wushengri'`.execute(t.db);
    ({ committee: committeeId, gb: gbId, branch: branchId } = ids.rows[0]!);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a small committee keeps no snapshot and is counted live', async () => {
    const figures = figureSourceOf(t.db, TZ);
    expect(await figures.refresh(committeeId, period, () => at)).toBe(false);
    expect(await new SnapshotRepository(t.db).head(committeeId)).toBeUndefined();
    expect(await figures.asOf({ committeeId, committee: true }, period)).toBeUndefined();
    const summary = await refreshDashboardSnapshots({ db: t.db, clock: () => at, timezone: TZ, log: memoryLogger().log });
    expect(summary).toBe('no committee large enough for a snapshot');
  });

  it('a large scope reads the snapshot (equal to the live count when made), then sees a change only after the next refresh', async () => {
    const live = liveFiguresOf(t.db, TZ);
    const figures = figureSourceOf(t.db, TZ, 1);
    const committee = { committeeId, committee: true };
    const gb = { committeeId, generalBranchIds: [gbId] };
    expect(await figures.refresh(committeeId, period, () => at)).toBe(true);
    expect(await figures.asOf(committee, period)).toEqual(at);
    expect(await figures.asOf(gb, period)).toEqual(at);

    const liveBranches = await live.branchFigures(committee, period);
    expect(await figures.branchFigures(committee, period)).toEqual(liveBranches);
    expect(await figures.generalBranchTotals(committee, period)).toEqual(rollUp(liveBranches).map(({ branches: _b, ...g }) => g));
    expect(await figures.totals(gb, period)).toEqual(await live.totals(gb, period));
    expect(await figures.months(committee, period)).toEqual(await live.months(committee, period));
    expect(await figures.visitDays(gb, period)).toEqual(await live.visitDays(gb, period));
    const before = (await live.totals(committee, period)).members;

    await sql`update members set status = 'transferred_out', status_changed_on = '2026-11-30' where userid = 'wushengri'`.execute(t.db);
    expect((await live.totals(committee, period)).members).toBe(before - 1);
    expect((await figures.totals(committee, period)).members).toBe(before);
    const later = new Date(at.getTime() + 600_000);
    expect(await figures.refresh(committeeId, period, () => later)).toBe(true);
    expect((await figures.totals(committee, period)).members).toBe(before - 1);
    expect(await figures.asOf(committee, period)).toEqual(later);
    await sql`update members set status = 'active', status_changed_on = null where userid = 'wushengri'`.execute(t.db);
  });

  it('a branch under the threshold, and any scope on another day than the snapshot, are counted live', async () => {
    const figures = figureSourceOf(t.db, TZ, 1_000);
    const live = liveFiguresOf(t.db, TZ);
    const small = figureSourceOf(t.db, TZ, 1);
    await small.refresh(committeeId, period, () => at);
    const branch = { committeeId, branchIds: [branchId] };
    expect(await figures.asOf(branch, period)).toBeUndefined();
    expect(await figures.branchFigures(branch, period)).toEqual(await live.branchFigures(branch, period));
    const tomorrow = periodOf('2026-12-01');
    expect(await small.asOf({ committeeId, committee: true }, tomorrow)).toBeUndefined();
  });
});
