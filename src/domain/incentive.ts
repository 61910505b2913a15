// Incentive (激励, MECHANISM 3.2–3.3): the canonical codes with their Chinese labels, and the excellent-member cap
// of a general branch; the leadership review's year, window and reminder days. Pure.
import type { WorkingDayCalendar } from './calendar.ts';
import { addDays, parseIsoDate, type IsoDate } from './dates.ts';

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
