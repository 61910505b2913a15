// Issue 12 (relief, fixed monthly subsidy): the pure rules — month arithmetic, the term a message gives, the
// months due and overdue, when renewal is asked and by when, and the yearly budget's warning (原则上: warned, not
// refused). Money is integer fen throughout.
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  backwardMonth,
  budgetExcess,
  chineseMonths,
  chineseTerm,
  commitmentInYear,
  commitmentsByYear,
  forwardMonth,
  lastDayOf,
  monthsBetween,
  monthsInYear,
  nextTerm,
  overlaps,
  paymentDue,
  renewalDueOn,
  renewalMonth,
  resolveTerm,
  unpaidMonths,
  yearMonth,
} from '../../src/domain/subsidy.ts';
import { paymentListMessages } from '../../src/assistance/subsidy-text.ts';
import { MESSAGE_MAX_BYTES } from '../../src/notices/message-limit.ts';

describe('months', () => {
  it('adds, counts and bounds months across years', () => {
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2027-01', -1)).toBe('2026-12');
    expect(addMonths('2027-01', 11)).toBe('2027-12');
    expect(monthsBetween('2027-01', '2027-12')).toBe(12);
    expect(monthsBetween('2026-11', '2027-02')).toBe(4);
    expect(monthsBetween('2027-02', '2027-01')).toBe(0);
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
    expect(lastDayOf('2027-02')).toBe('2027-02-28');
    expect(() => yearMonth(2027, 13)).toThrow(RangeError);
  });

  it('months in a calendar year and overlaps', () => {
    expect(monthsInYear({ start: '2026-11', end: '2027-10' }, 2026)).toBe(2);
    expect(monthsInYear({ start: '2026-11', end: '2027-10' }, 2027)).toBe(10);
    expect(monthsInYear({ start: '2026-11', end: '2027-10' }, 2028)).toBe(0);
    expect(overlaps({ start: '2027-01', end: '2027-12' }, { start: '2027-12', end: '2028-11' })).toBe(true);
    expect(overlaps({ start: '2027-01', end: '2027-12' }, { start: '2028-01', end: '2028-12' })).toBe(false);
  });

  it('a written month looks forward for a start and back for a payment', () => {
    expect(forwardMonth({ month: 1 }, '2026-11-25')).toBe('2027-01');
    expect(forwardMonth({ month: 11 }, '2026-11-25')).toBe('2026-11');
    expect(forwardMonth({ year: 2026, month: 3 }, '2026-11-25')).toBe('2026-03');
    expect(backwardMonth({ month: 11 }, '2027-01-05')).toBe('2026-11');
    expect(backwardMonth({ month: 1 }, '2027-01-05')).toBe('2027-01');
  });

  it('words: 2027年1月至12月, across a year, overdue months', () => {
    expect(chineseTerm({ start: '2027-01', end: '2027-12' })).toBe('2027年1月至12月');
    expect(chineseTerm({ start: '2026-12', end: '2027-11' })).toBe('2026年12月至2027年11月');
    expect(chineseTerm({ start: '2027-03', end: '2027-03' })).toBe('2027年3月');
    expect(chineseMonths(['2026-12', '2027-01'], 2027)).toBe('2026年12月、1月');
  });
});

describe('the term a message gives', () => {
  const today = '2026-11-25';
  it.each([
    ['start and end', { start: { year: 2027, month: 1 }, end: { month: 12 }, months: null }, { start: '2027-01', end: '2027-12' }],
    ['start and end in the next year', { start: { month: 11 }, end: { month: 4 }, months: null }, { start: '2026-11', end: '2027-04' }],
    ['start and a length', { start: { year: 2027, month: 1 }, end: null, months: 6 }, { start: '2027-01', end: '2027-06' }],
    ['a start only: the setting’s term', { start: { year: 2027, month: 3 }, end: null, months: null }, { start: '2027-03', end: '2028-02' }],
    ['nothing: from next month', { start: null, end: null, months: null }, { start: '2026-12', end: '2027-11' }],
    ['a length only: from next month', { start: null, end: null, months: 3 }, { start: '2026-12', end: '2027-02' }],
  ])('%s', (_what, written, term) => expect(resolveTerm(written, today, 12)).toEqual(term));

  it('refuses a start in the past, an end before the start and a term over 60 months', () => {
    expect(resolveTerm({ start: { year: 2026, month: 10 }, end: null, months: null }, today, 12)).toEqual({ problem: 'start_in_past' });
    expect(resolveTerm({ start: { year: 2027, month: 5 }, end: { year: 2027, month: 4 }, months: null }, today, 12)).toEqual({ problem: 'end_before_start' });
    expect(resolveTerm({ start: null, end: null, months: 61 }, today, 12)).toEqual({ problem: 'too_long' });
  });

  it('the next term follows on, of the standard length', () => {
    expect(nextTerm({ start: '2027-01', end: '2027-12' }, 12)).toEqual({ start: '2028-01', end: '2028-12' });
    expect(nextTerm({ start: '2026-12', end: '2027-02' }, 6)).toEqual({ start: '2027-03', end: '2027-08' });
  });
});

describe('what is due in a month', () => {
  const term = { start: '2026-10', end: '2027-09', amountFen: 30_000 };
  it('the month itself and the earlier unpaid months (逾期)', () => {
    expect(unpaidMonths(term, ['2026-10'], '2026-12')).toEqual(['2026-11', '2026-12']);
    expect(paymentDue(term, ['2026-10'], '2026-12')).toEqual({ current: true, overdue: ['2026-11'], totalFen: 60_000 });
    expect(paymentDue(term, new Set(['2026-10', '2026-11', '2026-12']), '2026-12')).toEqual({ current: false, overdue: [], totalFen: 0 });
  });

  it('nothing before the start; after the end only the unpaid months of the term', () => {
    expect(paymentDue(term, [], '2026-09')).toEqual({ current: false, overdue: [], totalFen: 0 });
    const paidAllBut = ['2026-10', '2026-11', '2026-12', '2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06', '2027-07', '2027-09'];
    expect(paymentDue(term, paidAllBut, '2027-11')).toEqual({ current: false, overdue: ['2027-08'], totalFen: 30_000 });
  });
});

describe('renewal', () => {
  it('is asked renewal_months_before the end month, never before the start', () => {
    expect(renewalMonth({ start: '2027-01', end: '2027-12' }, 1)).toBe('2027-11');
    expect(renewalMonth({ start: '2027-01', end: '2027-12' }, 0)).toBe('2027-12');
    expect(renewalMonth({ start: '2027-12', end: '2027-12' }, 1)).toBe('2027-12');
  });

  it('is due the day before the end month; asked within the end month, its last day', () => {
    expect(renewalDueOn({ start: '2027-01', end: '2027-12' }, '2027-11-01')).toBe('2027-11-30');
    expect(renewalDueOn({ start: '2027-01', end: '2027-12' }, '2027-12-01')).toBe('2027-12-31');
  });
});

describe('the yearly budget (subsidy_budget_yuan)', () => {
  const live = [
    { start: '2026-07', end: '2027-06', amountFen: 30_000 },
    { start: '2027-01', end: '2027-12', amountFen: 50_000 },
  ];
  it('commitments are the amount times the months in each year', () => {
    expect(commitmentInYear(live[0]!, 2026)).toBe(180_000);
    expect(commitmentInYear(live[0]!, 2027)).toBe(180_000);
    expect(Object.fromEntries(commitmentsByYear(live, [2026, 2027, 2028]))).toEqual({ 2026: 180_000, 2027: 780_000, 2028: 0 });
  });

  it('warns for each year the new subsidy takes past the budget, with the excess in fen', () => {
    const candidate = { start: '2027-07', end: '2028-06', amountFen: 20_000 };
    const committedFen = commitmentsByYear(live, [2027, 2028]);
    // 2027: 7,800 + 6 × 200 = 9,000 yuan; 2028: 1,200 yuan.
    expect(budgetExcess({ budgetYuan: 10_000, committedFen, candidate })).toEqual([]);
    expect(budgetExcess({ budgetYuan: 8_500, committedFen, candidate })).toEqual([{ year: 2027, committedFen: 900_000, budgetFen: 850_000, overFen: 50_000 }]);
    expect(budgetExcess({ budgetYuan: 1_000, committedFen, candidate }).map((e) => e.year)).toEqual([2027, 2028]);
  });

  it('a budget of 0 is not tracked', () => {
    expect(budgetExcess({ budgetYuan: 0, committedFen: new Map([[2027, 10 ** 9]]), candidate: live[1]! })).toEqual([]);
  });
});

describe('the month’s payment list', () => {
  it('names, branches, amounts, 逾期N个月 and the totals; split within the platform limit', () => {
    const item = (n: number, overdue: string[] = []) => ({
      memberName: `党员${n}`,
      branch: '教工第一党支部',
      generalBranch: '计算机学院党总支',
      amountFen: 30_000,
      due: { current: true, overdue, totalFen: 30_000 * (1 + overdue.length) },
    });
    const [one] = paymentListMessages('2026-12', [item(1), item(2, ['2026-10', '2026-11'])]);
    const text = (one as { content: string }).content;
    expect(text).toContain('**2026年12月定额补助发放名单**');
    expect(text).toContain('共2人，合计1,200元（本月600元，逾期补发1人600元）');
    expect(text).toContain('2. 党员2（计算机学院党总支 教工第一党支部）每月300元，**逾期2个月**（10月、11月），应发900元');
    const many = paymentListMessages('2026-12', Array.from({ length: 120 }, (_, i) => item(i + 1)));
    expect(many.length).toBeGreaterThan(1);
    for (const m of many) expect(Buffer.byteLength((m as { content: string }).content)).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
    expect(many.map((m) => (m as { content: string }).content).join('\n')).toContain('120. 党员120');
  });
});
