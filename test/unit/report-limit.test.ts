// Issue 8, point 6: at most 10 reports per writer in any 10 minutes, and how long to wait when over.
import { describe, expect, it } from 'vitest';
import { reportAllowance } from '../../src/care/report-limit.ts';

const now = new Date('2026-11-26T02:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe('reports per writer', () => {
  it('allows up to ten in ten minutes', () => {
    expect(reportAllowance([], now)).toEqual({ allowed: true });
    expect(reportAllowance(Array.from({ length: 9 }, (_, i) => ago(i * 10)), now)).toEqual({ allowed: true });
  });

  it('the eleventh waits until the oldest of the last ten leaves the window', () => {
    expect(reportAllowance(Array.from({ length: 10 }, (_, i) => ago(i * 30)), now)).toEqual({ allowed: false, waitMs: (600 - 270) * 1000 });
    // Older reports do not count; more than ten: the tenth most recent decides.
    expect(reportAllowance([...Array.from({ length: 10 }, () => ago(601)), ago(5)], now)).toEqual({ allowed: true });
    expect(reportAllowance(Array.from({ length: 12 }, (_, i) => ago(i * 10)), now)).toEqual({ allowed: false, waitMs: 510 * 1000 });
  });

  it('takes the limit as a parameter', () => {
    expect(reportAllowance([ago(10), ago(20)], now, { max: 2, windowMs: 60_000 })).toEqual({ allowed: false, waitMs: 40_000 });
  });
});
