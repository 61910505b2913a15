// The days the care charts count at, and the greetings export's default range (pure).
import { describe, expect, it } from 'vitest';
import { greetingRange } from '../../src/care/export.ts';
import { monthEndsOf } from '../../src/dashboard/care-periods.ts';

describe('monthEndsOf', () => {
  it('January to today’s month, each month’s last day, today for the current one', () => {
    expect(monthEndsOf('2028-03-15')).toEqual([
      { month: '2028-01', day: '2028-01-31' },
      { month: '2028-02', day: '2028-02-29' },
      { month: '2028-03', day: '2028-03-15' },
    ]);
    expect(monthEndsOf('2027-02-28').map((m) => m.day)).toEqual(['2027-01-31', '2027-02-28']);
    expect(monthEndsOf('2026-01-01')).toEqual([{ month: '2026-01', day: '2026-01-01' }]);
    expect(monthEndsOf('2026-12-31')).toHaveLength(12);
  });
});

describe('greetingRange', () => {
  it('defaults to the year to date', () => {
    expect(greetingRange(undefined, undefined, '2026-11-26')).toEqual({ from: '2026-01-01', to: '2026-11-26' });
  });
  it('a from alone runs to today, or to its year end when after today', () => {
    expect(greetingRange('2026-03-01', undefined, '2026-11-26')).toEqual({ from: '2026-03-01', to: '2026-11-26' });
    expect(greetingRange('2027-03-01', undefined, '2026-11-26')).toEqual({ from: '2027-03-01', to: '2027-12-31' });
  });
  it('a to alone starts on 1 January of today’s year, or of its own year when earlier', () => {
    expect(greetingRange(undefined, '2026-06-30', '2026-11-26')).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(greetingRange(undefined, '2025-06-30', '2026-11-26')).toEqual({ from: '2025-01-01', to: '2025-06-30' });
  });
});
