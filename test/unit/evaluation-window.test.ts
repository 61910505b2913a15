// The windows of the half-year and year-end evaluations (src/domain/incentive.ts gradedEvaluationYear): the
// half-year one July–December of its year, the year-end one December and January–March of the next (then for
// the previous year); and the year a member's evaluations are read for by default.
import { describe, expect, it } from 'vitest';
import { evaluationReadYear, gradedEvaluationYear, isGradedEvaluationKind } from '../../src/domain/incentive.ts';

describe('evaluation windows', () => {
  it.each([
    ['half_year', '2026-06-30', null],
    ['half_year', '2026-07-01', 2026],
    ['half_year', '2026-12-31', 2026],
    ['half_year', '2027-01-01', null],
    ['year_end', '2026-11-30', null],
    ['year_end', '2026-12-01', 2026],
    ['year_end', '2026-12-31', 2026],
    ['year_end', '2027-01-01', 2026],
    ['year_end', '2027-03-31', 2026],
    ['year_end', '2027-04-01', null],
  ] as const)('%s on %s → %s', (kind, today, year) => {
    const out = gradedEvaluationYear(kind, today);
    if (year === null) expect(out).toMatchObject({ closed: expect.stringMatching(kind === 'half_year' ? /7月至12月/ : /12月至次年3月/) });
    else expect(out).toEqual({ year });
  });

  it('reads the previous year until the year-end window closes', () => {
    expect(evaluationReadYear('2027-03-31')).toBe(2026);
    expect(evaluationReadYear('2027-04-01')).toBe(2027);
    expect(evaluationReadYear('2026-12-10')).toBe(2026);
  });

  it('only the graded kinds', () => {
    expect(isGradedEvaluationKind('half_year')).toBe(true);
    expect(isGradedEvaluationKind('quarterly_self')).toBe(false);
  });
});
