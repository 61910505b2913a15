// Catching up after downtime (MECHANISM "Rules for every reminder": a day missed while the service was down is
// caught up when it comes back, never silently skipped: days beyond the catch-up window are listed to the OD).
// Pure: which days to sweep, and which fell beyond the window.
import { addDays, type IsoDate } from './dates.ts';

export interface CatchUpInput {
  /** The last day ever swept; null on a database never swept. */
  lastSwept: IsoDate | null;
  /** The latest day that is due: today once it is past the sweep's hour, else yesterday. */
  lastDue: IsoDate;
  today: IsoDate;
  /** How many days back a catch-up reaches (setting `catch_up_days`). */
  windowDays: number;
  /** Days within the window whose sweep left a family unplanned or unwritten: swept again. */
  incomplete: readonly IsoDate[];
}

export interface CatchUpPlan {
  /** The days to sweep now, in order. */
  sweep: IsoDate[];
  /** The days missed beyond the window, in order: not swept, told to the OD. */
  skipped: IsoDate[];
}

/** A database never swept starts today, with no backlog and nothing skipped. */
export function catchUpPlan(input: CatchUpInput): CatchUpPlan {
  const { lastSwept, lastDue, today } = input;
  if (lastSwept === null) return { sweep: lastDue === today ? [today] : [], skipped: [] };
  const earliest = addDays(lastDue, -(input.windowDays - 1));
  const sweep = new Set<IsoDate>(input.incomplete.filter((d) => d >= earliest && d <= lastDue));
  const skipped: IsoDate[] = [];
  for (let d = addDays(lastSwept, 1); d <= lastDue; d = addDays(d, 1)) {
    if (d >= earliest) sweep.add(d);
    else skipped.push(d);
  }
  return { sweep: [...sweep].sort(), skipped };
}

/** Consecutive days as ranges (first, last), in order: how a list of missed days is read out. */
export function dayRanges(days: readonly IsoDate[]): Array<[IsoDate, IsoDate]> {
  const out: Array<[IsoDate, IsoDate]> = [];
  for (const d of [...days].sort()) {
    const last = out.at(-1);
    if (last && addDays(last[1], 1) === d) last[1] = d;
    else if (!last || last[1] !== d) out.push([d, d]);
  }
  return out;
}
