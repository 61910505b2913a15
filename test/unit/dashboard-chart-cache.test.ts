// The charts are kept by their input (charts.ts): the same numbers give the same drawing, new numbers a new one,
// even after many other charts were drawn in between.
import { describe, expect, it } from 'vitest';
import { monthsSvg, quotaBarsSvg } from '../../src/dashboard/charts.ts';

describe('chart drawings kept by their input', () => {
  it('same numbers, same SVG; a changed number draws again', () => {
    const bars = [{ name: '教工第一党支部', done: 3, owed: 7 }];
    const first = quotaBarsSvg(bars);
    expect(quotaBarsSvg([{ ...bars[0]! }])).toBe(first);
    const changed = quotaBarsSvg([{ ...bars[0]!, done: 4 }]);
    expect(changed).not.toBe(first);
    expect(changed).toContain('>4<');
    // More drawings than are kept: the first is drawn again, and still the same.
    for (let i = 0; i < 80; i++) monthsSvg([{ month: '2026-01', talks: i, visits: 0, overdueAtEnd: 0 }]);
    expect(quotaBarsSvg(bars)).toBe(first);
  });
});
