// The days the care charts are counted at (issue 16 section 3). Pure.
import { isoDate, parseIsoDate } from '../domain/dates.ts';

/**
 * January to today's month, each with the day its overdue obligations are counted at: the month's last day, or
 * today for the current month (a month not yet over is counted as it stands).
 */
export function monthEndsOf(today: string): Array<{ month: string; day: string }> {
  const { year, month } = parseIsoDate(today);
  const out: Array<{ month: string; day: string }> = [];
  for (let m = 1; m <= month; m++) {
    // Day 0 of the next month is this month's last day.
    const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
    out.push({ month: `${year}-${String(m).padStart(2, '0')}`, day: m === month ? today : isoDate(year, m, last) });
  }
  return out;
}
