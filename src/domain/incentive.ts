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
