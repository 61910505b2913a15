// Issue 11, point 14: a catch-up never skips a day silently — days beyond the window come back as `skipped`.
import { describe, expect, it } from 'vitest';
import { catchUpPlan, dayRanges } from '../../src/domain/catch-up.ts';

describe('catchUpPlan', () => {
  it('a database never swept starts today, with nothing skipped', () => {
    expect(catchUpPlan({ lastSwept: null, lastDue: '2026-11-26', today: '2026-11-26', windowDays: 7, incomplete: [] })).toEqual({ sweep: ['2026-11-26'], skipped: [] });
    expect(catchUpPlan({ lastSwept: null, lastDue: '2026-11-25', today: '2026-11-26', windowDays: 7, incomplete: [] })).toEqual({ sweep: [], skipped: [] });
  });

  it('within the window every missed day is swept and none skipped', () => {
    expect(catchUpPlan({ lastSwept: '2026-11-22', lastDue: '2026-11-26', today: '2026-11-26', windowDays: 7, incomplete: [] })).toEqual({
      sweep: ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'],
      skipped: [],
    });
  });

  it('days beyond the window are skipped, and said to be', () => {
    const plan = catchUpPlan({ lastSwept: '2026-11-10', lastDue: '2026-11-26', today: '2026-11-26', windowDays: 7, incomplete: [] });
    expect(plan.sweep).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']);
    expect(plan.skipped).toEqual(['2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19']);
  });

  it('incomplete days inside the window are swept again, in order', () => {
    expect(catchUpPlan({ lastSwept: '2026-11-26', lastDue: '2026-11-26', today: '2026-11-26', windowDays: 7, incomplete: ['2026-11-24'] })).toEqual({ sweep: ['2026-11-24'], skipped: [] });
  });
});

describe('dayRanges', () => {
  it('joins consecutive days, keeps gaps, drops repeats', () => {
    expect(dayRanges([])).toEqual([]);
    expect(dayRanges(['2026-11-03', '2026-11-01', '2026-11-02', '2026-11-05', '2026-11-05', '2026-12-31', '2027-01-01'])).toEqual([
      ['2026-11-01', '2026-11-03'],
      ['2026-11-05', '2026-11-05'],
      ['2026-12-31', '2027-01-01'],
    ]);
  });
});
