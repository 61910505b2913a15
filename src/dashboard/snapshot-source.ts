// The dashboard's figures at any size (issue 16 section 5). Counting live is exact and, up to tens of thousands of
// members in a scope, fast; beyond that (the million-member demo: 24 s for the committee) the pages read a
// snapshot the worker refreshes every SNAPSHOT_EVERY_MINUTES: every branch's figures and each general branch's
// and the committee's sums and series, counted for the day. A scope reads the snapshot only when it is of today
// and the scope had more than LIVE_MEMBERS_MAX members in it; the page then says when it was counted (asOf).
// Smaller scopes — every branch, and every scope of a university-sized committee — are always counted live, and a
// committee that small keeps no snapshot at all.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sumFigures, zeroFigures, type BranchFigures, type FigurePeriod, type Figures } from './figures.ts';
import type { FigureRepository } from './figure-repository.ts';
import { COMMITTEE_SCOPE, SnapshotRepository, type SnapshotHead, type SnapshotScope } from './snapshot-repository.ts';
import type { DayCount, FigureScope, FigureSource, GeneralBranchTotals, MonthPoint } from './source.ts';

export const LIVE_MEMBERS_MAX = 50_000;
export const SNAPSHOT_EVERY_MINUTES = 10;

/** Month points summed month by month (the series of several general branches). */
export function sumMonths(series: readonly MonthPoint[][]): MonthPoint[] {
  const by = new Map<string, MonthPoint>();
  for (const s of series)
    for (const p of s) {
      const m = by.get(p.month) ?? { month: p.month, talks: 0, visits: 0, overdueAtEnd: 0 };
      m.talks += p.talks;
      m.visits += p.visits;
      m.overdueAtEnd += p.overdueAtEnd;
      by.set(p.month, m);
    }
  return [...by.values()].sort((a, b) => a.month.localeCompare(b.month));
}

export function sumDays(series: readonly DayCount[][]): DayCount[] {
  const by = new Map<string, number>();
  for (const s of series) for (const d of s) by.set(d.date, (by.get(d.date) ?? 0) + d.count);
  return [...by].map(([date, count]) => ({ date, count })).sort((a, b) => a.date.localeCompare(b.date));
}

export class DashboardFigures implements FigureSource {
  private readonly snapshots: SnapshotRepository;

  constructor(
    db: Kysely<Database>,
    private readonly live: FigureRepository,
    private readonly liveMembersMax = LIVE_MEMBERS_MAX,
  ) {
    this.snapshots = new SnapshotRepository(db);
  }

  /** The snapshot's parts for a scope when the scope is read from it; undefined when it is counted live. */
  private async fromSnapshot(scope: FigureScope, period: FigurePeriod): Promise<{ head: SnapshotHead; scopes: Map<string, SnapshotScope>; branches: Map<string, Figures> } | undefined> {
    const head = await this.snapshots.head(scope.committeeId);
    if (!head || head.onDate !== period.today) return undefined;
    const keys = scope.committee ? [COMMITTEE_SCOPE] : [...(scope.generalBranchIds ?? [])];
    const scopes = await this.snapshots.scopes(scope.committeeId, keys);
    const branches = scope.committee ? new Map<string, Figures>() : await this.snapshots.branches(scope.committeeId, scope.branchIds ?? []);
    const members = [...scopes.values()].reduce((n, s) => n + s.figures.members, 0) + [...branches.values()].reduce((n, f) => n + f.members, 0);
    return members > this.liveMembersMax ? { head, scopes, branches } : undefined;
  }

  /** When the scope's figures were counted, if they come from the snapshot; undefined when counted live now. */
  async asOf(scope: FigureScope, period: FigurePeriod): Promise<Date | undefined> {
    return (await this.fromSnapshot(scope, period))?.head.computedAt;
  }

  async branchFigures(scope: FigureScope, period: FigurePeriod): Promise<BranchFigures[]> {
    const snap = await this.fromSnapshot(scope, period);
    if (!snap) return this.live.branchFigures(scope, period);
    const rows = await this.live.branchesOf(scope);
    const figures = await this.snapshots.branches(scope.committeeId, rows.map((r) => r.branchId));
    return rows.map((r) => ({ ...r, figures: figures.get(r.branchId) ?? zeroFigures() }));
  }

  async generalBranchTotals(scope: FigureScope, period: FigurePeriod): Promise<GeneralBranchTotals[]> {
    const snap = scope.committee ? await this.fromSnapshot(scope, period) : undefined;
    if (!snap) return this.live.generalBranchTotals(scope, period);
    const gbs = await this.snapshots.generalBranches(scope.committeeId);
    const sums = await this.snapshots.scopes(scope.committeeId, gbs.map((g) => g.id));
    return gbs.map((g) => ({ generalBranchId: g.id, generalBranchName: g.name, figures: sums.get(g.id)?.figures ?? zeroFigures() }));
  }

  async totals(scope: FigureScope, period: FigurePeriod): Promise<Figures> {
    const snap = await this.fromSnapshot(scope, period);
    if (!snap) return this.live.totals(scope, period);
    return sumFigures([...[...snap.scopes.values()].map((s) => s.figures), ...snap.branches.values()]);
  }

  async months(scope: FigureScope, period: FigurePeriod): Promise<MonthPoint[]> {
    const snap = await this.fromSnapshot(scope, period);
    if (!snap || snap.branches.size > 0) return this.live.months(scope, period);
    return sumMonths([...snap.scopes.values()].map((s) => s.months));
  }

  async visitDays(scope: FigureScope, period: FigurePeriod): Promise<DayCount[]> {
    const snap = await this.fromSnapshot(scope, period);
    if (!snap || snap.branches.size > 0) return this.live.visitDays(scope, period);
    return sumDays([...snap.scopes.values()].map((s) => s.visitDays));
  }

  /**
   * Counts the committee again, one general branch at a time (each query stays well inside the statement
   * timeout), and replaces its snapshot — only for a committee with more than LIVE_MEMBERS_MAX members; a
   * smaller one keeps none. Answers whether a snapshot was written.
   */
  async refresh(committeeId: string, period: FigurePeriod, now: () => Date): Promise<boolean> {
    if ((await this.snapshots.activeMembers(committeeId)) <= this.liveMembersMax) return false;
    // Stamped with the start: a record made while counting may be missing, never one made after the stamp.
    const startedAt = now();
    const gbs = await this.snapshots.generalBranches(committeeId);
    const branches = new Map<string, Figures>();
    const scopes = new Map<string, SnapshotScope>();
    for (const gb of gbs) {
      const scope: FigureScope = { committeeId, generalBranchIds: [gb.id] };
      const rows = await this.live.branchFigures(scope, period);
      for (const r of rows) branches.set(r.branchId, r.figures);
      scopes.set(gb.id, { figures: sumFigures(rows.map((r) => r.figures)), months: await this.live.months(scope, period), visitDays: await this.live.visitDays(scope, period) });
    }
    const all = [...scopes.values()];
    scopes.set(COMMITTEE_SCOPE, { figures: sumFigures(all.map((s) => s.figures)), months: sumMonths(all.map((s) => s.months)), visitDays: sumDays(all.map((s) => s.visitDays)) });
    await this.snapshots.save(committeeId, { onDate: period.today, computedAt: startedAt }, branches, scopes);
    return true;
  }
}
