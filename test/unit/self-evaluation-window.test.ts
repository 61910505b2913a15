// The quarterly self-evaluation window (src/domain/incentive.ts): the last 14 days of each quarter, the one
// computation the calendar's nudges and the chat's submissions share.
import { describe, expect, it } from 'vitest';
import { localDate } from '../../src/domain/dates.ts';
import { quarterOf, selfEvaluationWindow, selfEvaluationWindowOn } from '../../src/domain/incentive.ts';
import { DEFAULT_SCHEDULE_SETTINGS, noticesDueOn } from '../../src/domain/schedule.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';

describe('self-evaluation window', () => {
  it('is the last 14 days of each quarter, the quarter end included', () => {
    expect(selfEvaluationWindow(2027, 1)).toEqual({ year: 2027, quarter: 1, start: '2027-03-18', end: '2027-03-31' });
    expect(selfEvaluationWindow(2027, 2)).toEqual({ year: 2027, quarter: 2, start: '2027-06-17', end: '2027-06-30' });
    expect(selfEvaluationWindow(2027, 3)).toEqual({ year: 2027, quarter: 3, start: '2027-09-17', end: '2027-09-30' });
    expect(selfEvaluationWindow(2026, 4)).toEqual({ year: 2026, quarter: 4, start: '2026-12-18', end: '2026-12-31' });
    expect(() => selfEvaluationWindow(2027, 5)).toThrow(RangeError);
    expect(() => selfEvaluationWindow(2027, 0)).toThrow(RangeError);
  });

  it('the quarter of a date', () => {
    expect(quarterOf('2027-01-01')).toEqual({ year: 2027, quarter: 1 });
    expect(quarterOf('2027-03-31')).toEqual({ year: 2027, quarter: 1 });
    expect(quarterOf('2027-04-01')).toEqual({ year: 2027, quarter: 2 });
    expect(quarterOf('2026-12-31')).toEqual({ year: 2026, quarter: 4 });
  });

  it('opens on its first day and stays open through the last', () => {
    expect(selfEvaluationWindowOn('2026-12-17')).toMatchObject({ open: false, next: { start: '2026-12-18' }, closed: { year: 2026, quarter: 3, end: '2026-09-30' } });
    expect(selfEvaluationWindowOn('2026-12-18')).toMatchObject({ open: true, window: { year: 2026, quarter: 4 } });
    expect(selfEvaluationWindowOn('2026-12-31')).toMatchObject({ open: true, window: { year: 2026, quarter: 4 } });
  });

  it('23:59 on the last day of the quarter in Shanghai is in; 00:00 on the 1st of the next is out — of both windows', () => {
    const tz = 'Asia/Shanghai';
    const lastMinute = localDate(new Date('2026-12-31T23:59:00+08:00'), tz);
    const firstMinute = localDate(new Date('2027-01-01T00:00:00+08:00'), tz);
    expect(selfEvaluationWindowOn(lastMinute)).toMatchObject({ open: true, window: { year: 2026, quarter: 4 } });
    const after = selfEvaluationWindowOn(firstMinute);
    expect(after).toEqual({
      open: false,
      closed: { year: 2026, quarter: 4, start: '2026-12-18', end: '2026-12-31' },
      next: { year: 2027, quarter: 1, start: '2027-03-18', end: '2027-03-31' },
    });
    // The same instant in UTC is still 31 December: the window is the organisation's, not the server's.
    expect(localDate(new Date('2027-01-01T00:00:00+08:00'), 'UTC')).toBe('2026-12-31');
  });

  it('the calendar nudges with the same window', () => {
    const ctx = { calendar: chineseWorkingDayCalendar(), settings: DEFAULT_SCHEDULE_SETTINGS };
    const nudge = noticesDueOn('2027-03-18', ctx).find((n) => n.kind === 'self_eval_nudge');
    const w = selfEvaluationWindow(2027, 1);
    expect(nudge?.params).toEqual({ year: 2027, quarter: 1, windowStart: w.start, windowEnd: w.end });
  });
});
