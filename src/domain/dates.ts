// Dates, in one place: 'YYYY-MM-DD' calendar dates and their arithmetic, fast day numbers, whole years between
// two dates, and the organisation's local date and time of an instant. Pure: no clock, no I/O; every function
// takes the dates, the instant and the zone it needs. Working days and the lunar calendar are in calendar.ts,
// Chinese date words in format.ts.
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';

/** A local calendar date, 'YYYY-MM-DD'. */
export type IsoDate = string;

// ---------------------------------------------------------------------------------------------------------------
// Plain date arithmetic on 'YYYY-MM-DD' strings, through days since 1970-01-01 (UTC, so no DST or zone).

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

/** Splits a strict 'YYYY-MM-DD'; throws RangeError for anything else (2025-02-29, 2025-2-1, ''). */
export function parseIsoDate(date: IsoDate): DateParts {
  const m = ISO_DATE.exec(date);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return { year, month, day };
  }
  throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
}

/** Builds 'YYYY-MM-DD'; throws RangeError when the day does not exist. */
export function isoDate(year: number, month: number, day: number): IsoDate {
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw new RangeError(`year out of range: ${year}`);
  const s = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  parseIsoDate(s);
  return s;
}

/** Days since 1970-01-01. */
export function toDayNumber(date: IsoDate): number {
  const { year, month, day } = parseIsoDate(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

export function fromDayNumber(n: number): IsoDate {
  const d = new Date(n * DAY_MS);
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(toDayNumber(date) * DAY_MS).getUTCDay();
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not), from year 100 on (as it has always been). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  return m !== null && Number(m[1]) >= 100 && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Whether year, month and day name a date that exists (any integers accepted as input). */
export function isValidDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/**
 * Whole years from `from` to `onDate` (an anniversary counts on its day; never negative). Someone counted from
 * 29 February completes a year on 1 March in common years, as 28 February has not yet reached "02-29": the
 * strict reading, for ages and thresholds. The political-birthday greeting counts by its own rule
 * (anniversaries.ts yearsSinceJoining).
 */
export function completedYears(from: IsoDate, onDate: IsoDate): number {
  const [y1, m1, d1] = parts(from);
  const [y2, m2, d2] = parts(onDate);
  let years = y2 - y1;
  if (m2 < m1 || (m2 === m1 && d2 < d1)) years -= 1;
  return Math.max(0, years);
}

function parts(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

// ---------------------------------------------------------------------------------------------------------------
// Fast day numbers on plain integers, no Date objects and no validation: the interpreter and the demo generator
// run these millions of times. Days since 1970-01-01 of the proleptic Gregorian calendar (H. Hinnant's
// days_from_civil / civil_from_days); the same numbers as toDayNumber / fromDayNumber.

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Days since 1970-01-01 of a (valid) year, month, day. */
export function dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** The inverse of dayNumber, unchecked (no Date, no validation). */
export function isoOfDayNumber(z0: number): string {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return `${yoe + era * 400 + (m <= 2 ? 1 : 0)}-${pad2(m)}-${pad2(d)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The organisation's local date and time of an instant (the zone is passed in).

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(customParseFormat);

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar date of an instant, as YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
  return formatter(timeZone).format(instant);
}

/** The local calendar date of an instant as YYYYMMDD, for idempotency keys (dedupe keys use the local date). */
export function localDateKey(instant: Date, timeZone: string): string {
  return localDate(instant, timeZone).replaceAll('-', '');
}

/** The instant of a local wall-clock time on a local date in a zone (e.g. 09:00 on 2026-11-26 in Shanghai). */
export function localInstant(date: string, time: string, timeZone: string): Date {
  return dayjs.tz(`${date} ${time}`, 'YYYY-MM-DD HH:mm', timeZone).toDate();
}

/** The instants bounding local days `from`..`to` (each optional, both included): from's midnight, the midnight after `to`. */
export function localDayRange(from: string | undefined, to: string | undefined, timeZone: string): { fromAt: Date | undefined; toBefore: Date | undefined } {
  return {
    fromAt: from ? localInstant(from, '00:00', timeZone) : undefined,
    toBefore: to ? localInstant(addDays(to, 1), '00:00', timeZone) : undefined,
  };
}

/** The local wall-clock time of an instant as HH:mm. */
export function localTime(instant: Date, timeZone: string): string {
  return dayjs(instant).tz(timeZone).format('HH:mm');
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter giving an instant's local wall clock (year … second, 24 h) in a zone; throws RangeError for an unknown zone. */
export function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = wallClocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    wallClocks.set(timeZone, f);
  }
  return f;
}
