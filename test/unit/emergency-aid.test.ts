// Emergency aid (issue 12, section 3): the payment clock — due within N working days of the application, on the
// working-day calendar (public holidays and 调休 respected) — and the steps' states. Pure.
import { describe, expect, it } from 'vitest';
import { clockField, clockWarning } from '../../src/assistance/aid-text.ts';
import { createWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { aidCauseOf, aidPayBy, paymentClock, waitingStep, workingDaysLeft } from '../../src/domain/emergency-aid.ts';

// 2026's National Day: 1–7 October off, Sunday 20 September and Saturday 10 October worked (调休), the
// Mid-Autumn Festival on Friday 25 September off — as the State Council's notice for 2026 has it.
const cal = createWorkingDayCalendar({
  holidays: ['2026-09-25', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-20', '2026-10-10'],
});

describe('the payment date: N working days after the application', () => {
  it('over the National Day holiday: applied Monday 28 September, due Friday 16 October (10 working days)', () => {
    // 29, 30 September; 8, 9, 10 (a Saturday worked), 12, 13, 14, 15, 16 October.
    expect(aidPayBy('2026-09-28', 10, cal)).toBe('2026-10-16');
  });

  it('without a holiday: ten working days are two weeks', () => {
    expect(aidPayBy('2026-11-25', 10, cal)).toBe('2026-12-09');
  });

  it('applied on a day off: counting starts with the next working day', () => {
    expect(aidPayBy('2026-10-03', 1, cal)).toBe('2026-10-08');
    expect(aidPayBy('2026-10-03', 3, cal)).toBe('2026-10-10');
  });
});

describe('working days left', () => {
  it('the whole term on the application day, none on the last day, negative after it', () => {
    expect(workingDaysLeft('2026-09-28', '2026-10-16', cal)).toBe(10);
    expect(workingDaysLeft('2026-10-01', '2026-10-16', cal)).toBe(8); // holidays do not count down
    expect(workingDaysLeft('2026-10-07', '2026-10-16', cal)).toBe(8);
    expect(workingDaysLeft('2026-10-16', '2026-10-16', cal)).toBe(0);
    expect(workingDaysLeft('2026-10-17', '2026-10-16', cal)).toBe(0); // a Saturday off: not yet a working day late
    expect(workingDaysLeft('2026-10-20', '2026-10-16', cal)).toBe(-2);
  });
});

describe('the payment clock on the cards', () => {
  const clock = (today: string, stepDueOn?: string) => paymentClock({ today, payBy: '2026-10-16', total: 10, calendar: cal, stepDueOn });

  it('on track: the field shows the date and the working days left of the term; no warning', () => {
    const c = clock('2026-09-28', '2026-10-01');
    expect(c).toMatchObject({ state: 'on_track', left: 10 });
    expect(clockField(c, '2026-09-28')).toBe('10月16日前（共10个工作日，尚余10个）');
    expect(clockWarning(c, '2026-09-28')).toBe('');
  });

  it('at risk with two working days left, or when the step now waiting is due after the payment date', () => {
    expect(clock('2026-10-14').state).toBe('at_risk');
    expect(clockWarning(clock('2026-10-14'), '2026-10-14')).toBe('距发放期限（10月16日）仅剩2个工作日，请抓紧办理。');
    expect(clock('2026-10-09', '2026-10-17').state).toBe('at_risk');
    expect(clockWarning(clock('2026-10-16'), '2026-10-16')).toBe('今天为发放期限（10月16日），请抓紧办理。');
  });

  it('overdue after the payment date: a warning, with how late', () => {
    const c = clock('2026-10-20');
    expect(c.state).toBe('overdue');
    expect(clockField(c, '2026-10-20')).toBe('10月16日，已超期2个工作日');
    expect(clockWarning(c, '2026-10-20')).toContain('已超过发放期限（10月16日）2个工作日');
  });
});

describe('steps and causes', () => {
  it('each live state waits on one step; finished ones on none', () => {
    expect(waitingStep('awaiting_consent')).toBe('consent');
    expect(waitingStep('applied')).toBe('opinion');
    expect(waitingStep('gb_reviewed')).toBe('decision');
    expect(waitingStep('approved')).toBe('payment');
    for (const s of ['paid', 'rejected', 'withdrawn'] as const) expect(waitingStep(s)).toBeNull();
  });

  it('causes by their words', () => {
    expect(aidCauseOf('母亲大病手术')).toBe('serious_illness');
    expect(aidCauseOf('地震房屋倒塌')).toBe('disaster');
    expect(aidCauseOf('孩子入学')).toBe('schooling');
    expect(aidCauseOf('被骗')).toBe('other');
  });
});

describe('late on a day off', () => {
  it('the day after the payment date, a Saturday: past the date, no working day late yet', () => {
    const c = paymentClock({ today: '2026-10-17', payBy: '2026-10-16', total: 10, calendar: cal });
    expect(c).toMatchObject({ state: 'overdue', left: 0 });
    expect(clockField(c, '2026-10-17')).toBe('10月16日，已超期');
  });
});
