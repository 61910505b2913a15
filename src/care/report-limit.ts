// How many reports one writer may make in a window (issue 8, point 6): 35 reports in a second once sent 30
// task cards to one secretary, and her own 帮助 waited 52 s behind WeCom's per-member limit. Pure: the caller
// reads the writer's recent reports from the database and passes the clock's instant.

export interface ReportLimit {
  /** At most this many reports … */
  max: number;
  /** … in any window of this length. */
  windowMs: number;
}

export const DEFAULT_REPORT_LIMIT: ReportLimit = { max: 10, windowMs: 10 * 60_000 };

/**
 * Whether one more report may be taken now, given when the writer's reports of the window were made; when
 * not, how long until the oldest of them leaves the window.
 */
export function reportAllowance(recent: readonly Date[], now: Date, limit: ReportLimit = DEFAULT_REPORT_LIMIT): { allowed: true } | { allowed: false; waitMs: number } {
  const inWindow = recent.filter((t) => t.getTime() > now.getTime() - limit.windowMs).sort((a, b) => a.getTime() - b.getTime());
  if (inWindow.length < limit.max) return { allowed: true };
  const freeAt = inWindow[inWindow.length - limit.max]!.getTime() + limit.windowMs;
  return { allowed: false, waitMs: Math.max(1_000, freeAt - now.getTime()) };
}
