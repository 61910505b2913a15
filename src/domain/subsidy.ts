// Fixed monthly subsidies (定额补助, MECHANISM 1.2): months and terms, which months of a subsidy are due and which
// are overdue, when its renewal is asked and by when, and the yearly budget's commitments. Pure: months are
// 'YYYY-MM' strings (they sort as they run), money integer fen, today passed in.
import { addDays, daysInMonth, isoDate, type IsoDate } from './dates.ts';

/** 'YYYY-MM'. */
export type YearMonth = string;

/** A month as written: the year may be left out ("11月"). */
export interface MonthRef {
  year?: number;
  month: number;
}

const YM = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isYearMonth = (s: string): s is YearMonth => YM.test(s);

export function yearMonth(year: number, month: number): YearMonth {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12 || year < 1000 || year > 9999) throw new RangeError(`no such month ${year}-${month}`);
  return `${year}-${String(month).padStart(2, '0')}`;
}

export function parseYearMonth(ym: YearMonth): { year: number; month: number } {
  const m = YM.exec(ym);
  if (!m) throw new RangeError(`not a month (YYYY-MM): ${ym}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

/** The month a date falls in. */
export const monthOf = (date: IsoDate): YearMonth => date.slice(0, 7);

const index = (ym: YearMonth) => {
  const { year, month } = parseYearMonth(ym);
  return year * 12 + (month - 1);
};
const ofIndex = (i: number): YearMonth => yearMonth(Math.floor(i / 12), (i % 12) + 1);

export const addMonths = (ym: YearMonth, n: number): YearMonth => ofIndex(index(ym) + n);

/** Months from `from` to `to`, both counted: 2027-01..2027-12 → 12; 0 when `to` is before `from`. */
export const monthsBetween = (from: YearMonth, to: YearMonth): number => Math.max(0, index(to) - index(from) + 1);

/** Every month from `from` to `to`, both included. */
export function monthsFrom(from: YearMonth, to: YearMonth): YearMonth[] {
  const out: YearMonth[] = [];
  for (let i = index(from); i <= index(to); i++) out.push(ofIndex(i));
  return out;
}

export const firstDayOf = (ym: YearMonth): IsoDate => `${ym}-01`;

export function lastDayOf(ym: YearMonth): IsoDate {
  const { year, month } = parseYearMonth(ym);
  return isoDate(year, month, daysInMonth(year, month));
}

/** A subsidy's months: start and end, both included. */
export interface Term {
  start: YearMonth;
  end: YearMonth;
}

export const termLength = (t: Term): number => monthsBetween(t.start, t.end);

export const covers = (t: Term, ym: YearMonth): boolean => t.start <= ym && ym <= t.end;

export const overlaps = (a: Term, b: Term): boolean => a.start <= b.end && b.start <= a.end;

/** How many of the term's months fall in a calendar year. */
export function monthsInYear(t: Term, year: number): number {
  const from = t.start > `${year}-01` ? t.start : `${year}-01`;
  const to = t.end < `${year}-12` ? t.end : `${year}-12`;
  return monthsBetween(from, to);
}

/** The calendar years a term touches, ascending. */
export function yearsOf(t: Term): number[] {
  const out: number[] = [];
  for (let y = parseYearMonth(t.start).year; y <= parseYearMonth(t.end).year; y++) out.push(y);
  return out;
}

// ---- what the OD writes, made into a term ----

/**
 * The month a written month means, looking forward (a start): with its year as written; without one, the next
 * time that month comes — this month or later ("1月起" written in November is next January).
 */
export function forwardMonth(ref: MonthRef, today: IsoDate): YearMonth {
  const current = monthOf(today);
  if (ref.year !== undefined) return yearMonth(ref.year, ref.month);
  const { year } = parseYearMonth(current);
  const same = yearMonth(year, ref.month);
  return same >= current ? same : yearMonth(year + 1, ref.month);
}

/**
 * The month a written month means, looking back (a payment): with its year as written; without one, the last
 * time that month came — this month or earlier ("11月" written in January is last November).
 */
export function backwardMonth(ref: MonthRef, today: IsoDate): YearMonth {
  const current = monthOf(today);
  if (ref.year !== undefined) return yearMonth(ref.year, ref.month);
  const { year } = parseYearMonth(current);
  const same = yearMonth(year, ref.month);
  return same <= current ? same : yearMonth(year - 1, ref.month);
}

/** The end month written after a start: with its year; without one, the first such month from the start on. */
function endAfter(ref: MonthRef, start: YearMonth): YearMonth {
  if (ref.year !== undefined) return yearMonth(ref.year, ref.month);
  const { year } = parseYearMonth(start);
  const same = yearMonth(year, ref.month);
  return same >= start ? same : yearMonth(year + 1, ref.month);
}

export interface WrittenTerm {
  start: MonthRef | null;
  end: MonthRef | null;
  months: number | null;
}

export type TermProblem = 'end_before_start' | 'start_in_past' | 'too_long';

/** The longest term one subsidy may run (the setting subsidy_term_months accepts up to 60). */
export const MAX_TERM_MONTHS = 60;

/**
 * The term a message gives: start and end ("2027年1月至12月"), start and a length ("自2027年1月起12个月"), a
 * start only (the default length, the setting subsidy_term_months), a length only or nothing (from next month).
 * A start before this month is refused: the months already gone would be listed as overdue at once.
 */
export function resolveTerm(w: WrittenTerm, today: IsoDate, defaultMonths: number): Term | { problem: TermProblem } {
  const current = monthOf(today);
  const start = w.start ? forwardMonth(w.start, today) : addMonths(current, 1);
  if (start < current) return { problem: 'start_in_past' };
  const end = w.end ? endAfter(w.end, start) : addMonths(start, (w.months ?? defaultMonths) - 1);
  if (end < start) return { problem: 'end_before_start' };
  if (monthsBetween(start, end) > MAX_TERM_MONTHS) return { problem: 'too_long' };
  return { start, end };
}

/** The term after this one, of the standard length (the setting subsidy_term_months). */
export const nextTerm = (t: Term, months: number): Term => ({ start: addMonths(t.end, 1), end: addMonths(t.end, months) });

// ---- payments ----

/**
 * The months of a subsidy not yet paid, up to and including `upTo` (the list's month): those before it are
 * overdue (逾期), `upTo` itself is the month's own payment. Months outside the term are never due.
 */
export function unpaidMonths(t: Term, paid: ReadonlySet<YearMonth> | readonly YearMonth[], upTo: YearMonth): YearMonth[] {
  const done = paid instanceof Set ? paid : new Set(paid as readonly YearMonth[]);
  if (t.start > upTo) return [];
  return monthsFrom(t.start, t.end < upTo ? t.end : upTo).filter((m) => !done.has(m));
}

/** The month's line of a payment list: this month's amount (if the term covers it) and the overdue months. */
export interface PaymentDue {
  current: boolean;
  overdue: YearMonth[];
  /** Fen to pay now: the month's own and every overdue one. */
  totalFen: number;
}

export function paymentDue(t: Term & { amountFen: number }, paid: ReadonlySet<YearMonth> | readonly YearMonth[], month: YearMonth): PaymentDue {
  const unpaid = unpaidMonths(t, paid, month);
  const current = unpaid.includes(month);
  const overdue = unpaid.filter((m) => m < month);
  return { current, overdue, totalFen: unpaid.length * t.amountFen };
}

// ---- renewal ----

/**
 * The month whose first working day asks the OD to renew or end: `before` months before the end month, never
 * before the start (a short term is asked in its first month).
 */
export function renewalMonth(t: Term, before: number): YearMonth {
  const m = addMonths(t.end, -before);
  return m < t.start ? t.start : m;
}

/**
 * When the renewal is due: the day before the end month begins, so that the reminders (2 days before, on the
 * day) and the escalations (+3, +7 working days) still fall inside the term; the end month's last day when the
 * question is asked in the end month itself (renewal asked 0 months before, or a short term opened late).
 */
export function renewalDueOn(t: Term, openedOn: IsoDate): IsoDate {
  const beforeEnd = addDays(firstDayOf(t.end), -1);
  return beforeEnd >= openedOn ? beforeEnd : lastDayOf(t.end);
}

// ---- the yearly budget (根据资金承受能力) ----

export interface Commitment extends Term {
  amountFen: number;
}

/** What one subsidy commits in a year: its amount for each of its months in that year. */
export const commitmentInYear = (c: Commitment, year: number): number => c.amountFen * monthsInYear(c, year);

export interface BudgetExcess {
  year: number;
  /** Everything committed that year with the new subsidy counted. */
  committedFen: number;
  budgetFen: number;
  overFen: number;
}

/**
 * The years in which a new (or renewed) subsidy takes the commitments past the yearly budget: the budget in yuan
 * (0 = not tracked), what is already committed in each year (other live subsidies' months, and payments already
 * made for months of subsidies no longer live), and the new one. Warned about, never refused (原则上).
 */
export function budgetExcess(p: { budgetYuan: number; committedFen: ReadonlyMap<number, number>; candidate: Commitment }): BudgetExcess[] {
  if (p.budgetYuan <= 0) return [];
  const budgetFen = p.budgetYuan * 100;
  const out: BudgetExcess[] = [];
  for (const year of yearsOf(p.candidate)) {
    const committedFen = (p.committedFen.get(year) ?? 0) + commitmentInYear(p.candidate, year);
    if (committedFen > budgetFen) out.push({ year, committedFen, budgetFen, overFen: committedFen - budgetFen });
  }
  return out;
}

/** The committed fen per year of a set of live subsidies (amount × months in each year). */
export function commitmentsByYear(live: readonly Commitment[], years: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const y of years) out.set(y, live.reduce((sum, c) => sum + commitmentInYear(c, y), 0));
  return out;
}

// ---- words ----

/** 2027年1月 */
export const chineseMonth = (ym: YearMonth): string => {
  const { year, month } = parseYearMonth(ym);
  return `${year}年${month}月`;
};

/** 2027年1月至12月, 2027年3月至2028年2月, 2027年1月 (one month). */
export function chineseTerm(t: Term): string {
  if (t.start === t.end) return chineseMonth(t.start);
  const s = parseYearMonth(t.start);
  const e = parseYearMonth(t.end);
  return `${chineseMonth(t.start)}至${s.year === e.year ? `${e.month}月` : chineseMonth(t.end)}`;
}

/** Months in words: within `year` as 10月、11月, others with their year (2026年12月). */
export function chineseMonths(months: readonly YearMonth[], year: number): string {
  return months.map((m) => (parseYearMonth(m).year === year ? `${parseYearMonth(m).month}月` : chineseMonth(m))).join('、');
}
