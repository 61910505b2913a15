// Where the dashboard's figures come from (issue 16): one interface the pages, the digests and the chat's
// on-demand answers all read, so they show the same numbers. Implemented over PostgreSQL by
// src/dashboard/figure-repository.ts (care figures: care-figures-repository.ts; the rest:
// other-figures-repository.ts).
import type { BranchFigures, FigurePeriod, Figures } from './figures.ts';

/**
 * Which branches to count: everything under the committee, under some general branches, or some branches (a
 * union). An empty scope counts nothing.
 */
export interface FigureScope {
  committeeId: string;
  /** The whole committee (the OD's and the committee secretary's view). */
  committee?: boolean;
  generalBranchIds?: readonly string[];
  branchIds?: readonly string[];
}

/** One month of the year's care work, for the line and bar charts. */
export interface MonthPoint {
  /** YYYY-MM. */
  month: string;
  /** Talks recorded that month (care_records kind talk, not undone, happened_on in the month). */
  talks: number;
  /** Visits recorded that month (kind visit, not undone). */
  visits: number;
  /**
   * Trigger obligations overdue at the end of the month (or at today for the current month): due before that
   * day and not closed by then. Months after today are left out.
   */
  overdueAtEnd: number;
}

/** Visits per day, for the calendar heat map (days with none are left out). */
export interface DayCount {
  date: string;
  count: number;
}

/** A general branch's sums (the committee page's rows). */
export interface GeneralBranchTotals {
  generalBranchId: string;
  generalBranchName: string;
  figures: Figures;
}

export interface FigureSource {
  /** Every branch in the scope with its figures (branches with no members included, with zeros). */
  branchFigures(scope: FigureScope, period: FigurePeriod): Promise<BranchFigures[]>;
  /** January to the month of today, in order. */
  months(scope: FigureScope, period: FigurePeriod): Promise<MonthPoint[]>;
  /** Visits per day of the year up to today. */
  visitDays(scope: FigureScope, period: FigurePeriod): Promise<DayCount[]>;
  /** The general branches of the scope with their sums (without reading every branch where a snapshot has them). */
  generalBranchTotals?(scope: FigureScope, period: FigurePeriod): Promise<GeneralBranchTotals[]>;
  /** The scope's sums. */
  totals?(scope: FigureScope, period: FigurePeriod): Promise<Figures>;
  /** When the figures were counted, where they come from a snapshot (src/dashboard/snapshot-source.ts); undefined: live. */
  asOf?(scope: FigureScope, period: FigurePeriod): Promise<Date | undefined>;
}
