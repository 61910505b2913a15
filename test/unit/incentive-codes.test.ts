// The incentive codes (MECHANISM "Canonical codes") and the GB's excellent-member cap: ⌊15% × active members⌋.
import { describe, expect, it } from 'vitest';
import { COMMENDATION_KIND_LABELS, EVALUATION_GRADE_LABELS, EVALUATION_KIND_LABELS, excellentMemberCap, isEvaluationGrade, LEADERSHIP_RATING_LABELS } from '../../src/domain/incentive.ts';

describe('excellentMemberCap', () => {
  it.each([
    [0, 0],
    [6, 0],
    [7, 1],
    [13, 1],
    [14, 2],
    [18, 2],
    [20, 3],
    [42, 6],
    [100, 15],
  ])('%i active members → at most %i', (active, cap) => {
    expect(excellentMemberCap(active, 15)).toBe(cap);
  });

  it('follows the setting and refuses nonsense', () => {
    expect(excellentMemberCap(42, 10)).toBe(4);
    expect(() => excellentMemberCap(-1, 15)).toThrow(RangeError);
    expect(() => excellentMemberCap(10, 101)).toThrow(RangeError);
    expect(() => excellentMemberCap(1.5, 15)).toThrow(RangeError);
  });
});

describe('labels', () => {
  it('speak the mechanism’s words', () => {
    expect(EVALUATION_KIND_LABELS.quarterly_self).toBe('季度自评');
    expect(EVALUATION_GRADE_LABELS.basically_competent).toBe('基本合格');
    expect(COMMENDATION_KIND_LABELS.excellent_worker).toBe('优秀党务工作者');
    expect(LEADERSHIP_RATING_LABELS.basically_satisfied).toBe('基本满意');
    expect(isEvaluationGrade('excellent')).toBe(true);
    expect(isEvaluationGrade('good')).toBe(false);
  });
});
