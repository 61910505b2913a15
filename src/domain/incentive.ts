// Incentive (激励, MECHANISM 3.2–3.3): the canonical codes with their Chinese labels, and the excellent-member cap
// of a general branch. Pure.
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
