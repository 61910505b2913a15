// Incentive (激励, MECHANISM 3.2–3.3): the canonical codes with their Chinese labels, and the excellent-member cap
// of a general branch, the quarterly self-evaluation window, and the leadership review's year, window and reminder
// days. Pure.
import type { WorkingDayCalendar } from './calendar.ts';
import { addDays, daysInMonth, isoDate, parseIsoDate, type IsoDate } from './dates.ts';

export type EvaluationKind = 'goals' | 'commitment' | 'quarterly_self' | 'half_year' | 'year_end' | 'leadership_review';
export type EvaluationGrade = 'excellent' | 'competent' | 'basically_competent' | 'incompetent';
export type CommendationKind = 'advanced_organisation' | 'excellent_member' | 'excellent_worker' | 'special';
export type CommendationLevel = 'committee' | 'general_branch';
export type LeadershipRating = 'satisfied' | 'basically_satisfied' | 'dissatisfied';

export const EVALUATION_KINDS = ['goals', 'commitment', 'quarterly_self', 'half_year', 'year_end', 'leadership_review'] as const satisfies readonly EvaluationKind[];
export const EVALUATION_KIND_LABELS: Record<EvaluationKind, string> = {
  goals: '组织目标',
  commitment: '亮岗承诺',
  quarterly_self: '季度自评',
  half_year: '半年考评',
  year_end: '年底总评',
  leadership_review: '评议领导班子',
};

export const EVALUATION_GRADES = ['excellent', 'competent', 'basically_competent', 'incompetent'] as const satisfies readonly EvaluationGrade[];
export const EVALUATION_GRADE_LABELS: Record<EvaluationGrade, string> = {
  excellent: '优秀',
  competent: '合格',
  basically_competent: '基本合格',
  incompetent: '不合格',
};

export const COMMENDATION_KINDS = ['advanced_organisation', 'excellent_member', 'excellent_worker', 'special'] as const satisfies readonly CommendationKind[];
export const COMMENDATION_KIND_LABELS: Record<CommendationKind, string> = {
  advanced_organisation: '先进基层党组织',
  excellent_member: '优秀共产党员',
  excellent_worker: '优秀党务工作者',
  special: '专项表彰',
};

export const COMMENDATION_LEVELS = ['committee', 'general_branch'] as const satisfies readonly CommendationLevel[];
export const COMMENDATION_LEVEL_LABELS: Record<CommendationLevel, string> = {
  committee: '校党委',
  general_branch: '党总支',
};

export const LEADERSHIP_RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const satisfies readonly LeadershipRating[];
export const LEADERSHIP_RATING_LABELS: Record<LeadershipRating, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};

const isOneOf =
  <T extends string>(codes: readonly T[]) =>
  (code: string): code is T =>
    (codes as readonly string[]).includes(code);
export const isEvaluationGrade = isOneOf<EvaluationGrade>(EVALUATION_GRADES);
export const isCommendationKind = isOneOf<CommendationKind>(COMMENDATION_KINDS);
export const isCommendationLevel = isOneOf<CommendationLevel>(COMMENDATION_LEVELS);
export const isLeadershipRating = isOneOf<LeadershipRating>(LEADERSHIP_RATINGS);

/**
 * The most excellent members (优秀党员) a general branch may name: ⌊percent × active members / 100⌋, in integers so
 * 15% of 20 is exactly 3 (floating point would give 2.9999…). Members who died or left are not counted by the caller.
 */
export function excellentMemberCap(activeMembers: number, percent: number): number {
  if (!Number.isInteger(activeMembers) || activeMembers < 0) throw new RangeError(`active members must be a whole number ≥ 0, got ${activeMembers}`);
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`percent must be a whole number 0–100, got ${percent}`);
  return Math.floor((activeMembers * percent) / 100);
}

// ---- the quarterly self-evaluation window (季度自评, MECHANISM 3.3) ----

/** How many days the window lasts: the last two weeks of the quarter, its last day included. */
export const SELF_EVALUATION_WINDOW_DAYS = 14;

/** A quarter's self-evaluation window, local dates in APP_TIMEZONE, both included. */
export interface SelfEvaluationWindow {
  year: number;
  quarter: number;
  start: IsoDate;
  end: IsoDate;
}

/** The quarter a local date falls in. */
export function quarterOf(date: IsoDate): { year: number; quarter: number } {
  const { year, month } = parseIsoDate(date);
  return { year, quarter: Math.ceil(month / 3) };
}

/**
 * The window of a quarter: its last 14 days (Q1 of a leap year: 17–31 March; Q4: 18–31 December). The one
 * computation for the calendar's nudges (domain/schedule.ts) and for accepting a submission
 * (incentive/self-evaluation-conversation.ts).
 */
export function selfEvaluationWindow(year: number, quarter: number): SelfEvaluationWindow {
  if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4) throw new RangeError(`quarter must be 1–4, got ${quarter}`);
  const month = quarter * 3;
  const end = isoDate(year, month, daysInMonth(year, month));
  return { year, quarter, start: addDays(end, -(SELF_EVALUATION_WINDOW_DAYS - 1)), end };
}

/** Period code of a quarter in exports and notices: 'Q1'..'Q4'. */
export const quarterCode = (quarter: number): string => `Q${quarter}`;

/**
 * Whether a self-evaluation may be submitted on a local date: `open` with the quarter's window; else the window
 * that closed last (the previous quarter's — a late submission is refused with its closing day) and the one that
 * opens next (this quarter's).
 */
export function selfEvaluationWindowOn(date: IsoDate): { open: true; window: SelfEvaluationWindow } | { open: false; closed: SelfEvaluationWindow; next: SelfEvaluationWindow } {
  const { year, quarter } = quarterOf(date);
  const window = selfEvaluationWindow(year, quarter);
  if (date >= window.start) return { open: true, window };
  const closed = quarter === 1 ? selfEvaluationWindow(year - 1, 4) : selfEvaluationWindow(year, quarter - 1);
  return { open: false, closed, next: window };
}

/**
 * The quarter "我的季度自评" and "本季度未自评名单" are about on a local date: the open window's, else the one that
 * closed last (in January, the fourth quarter just ended is what a secretary follows up).
 */
export function reportingQuarter(date: IsoDate): SelfEvaluationWindow {
  const on = selfEvaluationWindowOn(date);
  return on.open ? on.window : on.closed;
}
/** Goals and commitments (MECHANISM 3.3) are recorded for last, this or next year; any other year is a slip. */
export function isGoalYear(year: number, today: IsoDate): boolean {
  const current = Number(today.slice(0, 4));
  return year >= current - 1 && year <= current + 1;
}

/**
 * The year whose excellent members a GB names on `today` (a local date): in December the current year, in January
 * the year just ended (年底总评 runs December–January); undefined in any other month — the window is closed.
 */
export function excellentSelectionYear(today: string): number | undefined {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  if (month === 12) return year;
  if (month === 1) return year - 1;
  return undefined;
}

/**
 * The year the committee's picks and commendations default to on `today`: December the current year, otherwise
 * the year just ended (the committee commends after the GBs' lists, often around 1 July of the next year).
 */
export function defaultHonourYear(today: string): number {
  const year = Number(today.slice(0, 4));
  return Number(today.slice(5, 7)) === 12 ? year : year - 1;
}

/** A generated honour-certificate number in the issuer's name: "计算机学院党总支〔2026〕第1号". */
export function certificateNumber(issuerName: string, year: number, seq: number): string {
  return `${issuerName}〔${year}〕第${seq}号`;
}

// ---- half-year and year-end evaluations (半年考评, 年底总评) ----

/** The evaluations a branch holds and grades each member in. */
export type GradedEvaluationKind = Extract<EvaluationKind, 'half_year' | 'year_end'>;
export const GRADED_EVALUATION_KINDS = ['half_year', 'year_end'] as const satisfies readonly GradedEvaluationKind[];
export const isGradedEvaluationKind = isOneOf<GradedEvaluationKind>(GRADED_EVALUATION_KINDS);

/**
 * The year an evaluation recorded on `today` (a local YYYY-MM-DD) is for, or why it cannot be recorded now. The
 * half-year evaluation (held in July) is recordable July–December of its year; the year-end evaluation (held in
 * December or January) December of its year and January–March of the next — written in January it is for the
 * previous year. Outside its window a grade is refused with the reason (a slip of month would otherwise grade
 * the wrong year).
 */
export function gradedEvaluationYear(kind: GradedEvaluationKind, today: string): { year: number } | { closed: string } {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  if (kind === 'half_year') {
    if (month >= 7) return { year };
    return { closed: `半年考评于每年7月至12月登记，${year}年上半年的考评请于7月1日起登记。` };
  }
  if (month === 12) return { year };
  if (month <= 3) return { year: year - 1 };
  return { closed: `年底总评于每年12月至次年3月登记（1月至3月登记的是上一年度的总评），${year}年度的总评请于12月1日起登记。` };
}

/** The year a member's or an organisation's evaluations are read for by default: January–March the previous one (its year-end evaluation is still being recorded), else the current one. */
export function evaluationReadYear(today: string): number {
  const year = Number(today.slice(0, 4));
  return Number(today.slice(5, 7)) <= 3 ? year - 1 : year;
}

// ---- the leadership review (党员定期评议基层党组织领导班子, MECHANISM 3.1) ----

/** The committees a member rates: their branch's and their general branch's. */
export type LeadershipTarget = 'branch' | 'general_branch';
export const LEADERSHIP_TARGETS = ['branch', 'general_branch'] as const satisfies readonly LeadershipTarget[];
export const LEADERSHIP_TARGET_LABELS: Record<LeadershipTarget, string> = { branch: '支部委员会', general_branch: '党总支委员会' };

/**
 * Totals of one committee with fewer answers than this (but some) are withheld from a GB secretary: a total of 1
 * is one member's answer, and 2 lets either of them read the other's. The OD, who is not evaluated, sees all.
 */
export const LEADERSHIP_MIN_ANSWERS_SHOWN = 3;

/**
 * The year a review opened on `today` evaluates: the current year, except in January — the year-end evaluation
 * of the past year still runs then (its reminder goes on January's first working day), so January evaluates the
 * year just ended.
 */
export function leadershipReviewYear(today: IsoDate): number {
  const { year, month } = parseIsoDate(today);
  return month === 1 ? year - 1 : year;
}

/** The last day a review opened on `openedOn` for `days` days takes answers (the opening day is the first). */
export function leadershipReviewLastDay(openedOn: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a whole number ≥ 1, got ${days}`);
  return addDays(openedOn, days - 1);
}

/** Whether a review open from `openedOn` to `lastDay` (inclusive) takes answers on `today`. */
export const leadershipReviewOpenOn = (openedOn: IsoDate, lastDay: IsoDate, today: IsoDate): boolean => openedOn <= today && today <= lastDay;

/** Working days between reminders of members who have not answered. */
export const LEADERSHIP_REMINDER_EVERY_WORKING_DAYS = 3;

/**
 * Whether `date` is a reminder day of a review open from `openedOn` to `lastDay`: every third working day after
 * the opening, and the last working day the review is open (the last call). Never after it closes, never on the
 * opening day itself (the cards just went out).
 */
export function leadershipReminderDue(calendar: WorkingDayCalendar, openedOn: IsoDate, lastDay: IsoDate, date: IsoDate): boolean {
  if (date <= openedOn || date > lastDay || !calendar.isWorkingDay(date)) return false;
  if (calendar.previousWorkingDay(lastDay) === date) return true;
  for (let n = LEADERSHIP_REMINDER_EVERY_WORKING_DAYS; ; n += LEADERSHIP_REMINDER_EVERY_WORKING_DAYS) {
    const day = calendar.addWorkingDays(openedOn, n);
    if (day === date) return true;
    if (day > date) return false;
  }
}
