// Working days in mainland China and the lunar new year. Pure: no clock, no I/O; every function takes its dates.
// Plain date arithmetic is in dates.ts.
//
// Data: the `chinese-days` package (State Council holiday notices 2004 onward, including 调休 adjusted working
// days, kept current by the maintainers; a new year's notice arrives with `npm update chinese-days`).
// We read its documented JSON (`dist/chinese-days.json`) and its lunar tables (`monthDays`, `getYearLeapMonth`),
// and do all date arithmetic ourselves on UTC day numbers. Why not its `isWorkday` / `getSolarDateFromLunar`:
// in 1.5.7 they parse 'YYYY-MM-DD' as UTC midnight and then read local fields (and build their day maps with
// local-time Dates at load), so in a process whose TZ is west of UTC (America/*, Pacific/Pago_Pago) dates are
// read as the day before: Monday 2026-03-02 comes out as a day off and the 2025 Spring Festival as 30 January.
// The JSON is built once by the maintainers and our arithmetic uses UTC day numbers only, so nothing here
// depends on the process time zone (the tests check it under America/New_York).

import chineseDays from 'chinese-days';
import officialJson from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import libraryPackage from 'chinese-days/package.json' with { type: 'json' };
import { addDays, dayOfWeek, daysInMonth, fromDayNumber, isoDate, parseIsoDate, toDayNumber, type IsoDate } from './dates.ts';

// ---------------------------------------------------------------------------------------------------------------
// Lunar calendar (农历), from the library's table of lunar years 1900–2100.

const LUNAR_FIRST_YEAR = 1900;
const LUNAR_LAST_YEAR = 2100;
const LUNAR_EPOCH = '1900-01-31'; // 正月初一 of lunar year 1900, where the table starts

function lunarYearLength(lunarYear: number): number {
  let days = chineseDays.getYearLeapMonth(lunarYear).days; // 0 when the year has no leap month
  for (let m = 1; m <= 12; m++) days += chineseDays.monthDays(lunarYear, m);
  return days;
}

// Day number of 正月初一 for each lunar year, cumulated once (201 entries).
let newYearDays: number[] | undefined;
function lunarNewYearDayNumber(lunarYear: number): number {
  if (!Number.isInteger(lunarYear) || lunarYear < LUNAR_FIRST_YEAR || lunarYear > LUNAR_LAST_YEAR) {
    throw new RangeError(`lunar calendar data covers ${LUNAR_FIRST_YEAR}–${LUNAR_LAST_YEAR}, not ${lunarYear}`);
  }
  if (!newYearDays) {
    const table = [toDayNumber(LUNAR_EPOCH)];
    for (let y = LUNAR_FIRST_YEAR; y < LUNAR_LAST_YEAR; y++) table.push(table[table.length - 1]! + lunarYearLength(y));
    newYearDays = table;
  }
  return newYearDays[lunarYear - LUNAR_FIRST_YEAR]!;
}

/**
 * The Gregorian date of a lunar date (e.g. 八月十五 → lunarToSolar(y, 8, 15)). `leapMonth` asks for the 闰月 of
 * that number; it is a RangeError when the year has no such leap month or the month has no such day (30th of a
 * 29-day month), so a configured holiday never silently lands on another day.
 */
export function lunarToSolar(lunarYear: number, month: number, day: number, leapMonth = false): IsoDate {
  let n = lunarNewYearDayNumber(lunarYear);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`lunar month out of range: ${month}`);
  const leap = chineseDays.getYearLeapMonth(lunarYear);
  if (leapMonth && leap.leapMonth !== month) throw new RangeError(`lunar year ${lunarYear} has no leap month ${month}`);
  for (let m = 1; m < month; m++) {
    n += chineseDays.monthDays(lunarYear, m);
    if (leap.leapMonth === m) n += leap.days;
  }
  if (leapMonth) n += chineseDays.monthDays(lunarYear, month);
  const length = leapMonth ? leap.days : chineseDays.monthDays(lunarYear, month);
  if (!Number.isInteger(day) || day < 1 || day > length) {
    throw new RangeError(`lunar ${lunarYear}-${leapMonth ? '闰' : ''}${month} has ${length} days, not ${day}`);
  }
  return fromDayNumber(n + day - 1);
}

/** Days in a lunar month (29 or 30); `leapMonth` for its 闰月, 0 when the year has none. */
export function lunarMonthLength(lunarYear: number, month: number, leapMonth = false): number {
  lunarNewYearDayNumber(lunarYear); // validates the year
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`lunar month out of range: ${month}`);
  const leap = chineseDays.getYearLeapMonth(lunarYear);
  if (leapMonth) return leap.leapMonth === month ? leap.days : 0;
  return chineseDays.monthDays(lunarYear, month);
}

/** 春节: 正月初一 of the lunar year that begins in `year` (always between 21 January and 20 February). */
export function springFestival(year: number): IsoDate {
  return lunarToSolar(year, 1, 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Working days.

/** The official arrangement: days off that are not plain weekends' and weekend days that are worked (调休). */
export interface HolidayData {
  /** Official days off (法定节假日 and the days moved next to them), 'YYYY-MM-DD'. */
  holidays: Iterable<IsoDate>;
  /** Adjusted working days (调休上班), usually a Saturday or Sunday. */
  workdays: Iterable<IsoDate>;
}

export interface WorkingDayCalendar {
  /** Where the data came from, for logs and the OD's "calendar not covered" notice. */
  readonly source: string;
  /** Years for which the official arrangement is known, ascending. */
  readonly coveredYears: readonly number[];
  /** False means: that year's notice is not in the data yet, so only weekends are days off. */
  isCovered(year: number): boolean;
  /** Weekdays are working days unless officially off; weekends are off unless an adjusted working day. */
  isWorkingDay(date: IsoDate): boolean;
  /** `date` itself when it is a working day, else the first working day after it. */
  nextWorkingDay(date: IsoDate): IsoDate;
  /** `date` itself when it is a working day, else the last working day before it. */
  previousWorkingDay(date: IsoDate): IsoDate;
  firstWorkingDayOfMonth(year: number, month: number): IsoDate;
  lastWorkingDayOfMonth(year: number, month: number): IsoDate;
  /**
   * n > 0: the n-th working day after `date` (date itself not counted); n < 0: the |n|-th before it;
   * n = 0: nextWorkingDay(date).
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate;
  /** 春节 of that Gregorian year (see springFestival). */
  springFestival(year: number): IsoDate;
}

// The longest official run of days off is about ten days (2020's extended Spring Festival); a year of scanning
// without a working day means broken data, and must not become an endless loop.
const MAX_SCAN_DAYS = 366;

/**
 * Builds a calendar from an arrangement. Coverage is derived, because chinese-days has no coverage API (its
 * README states "2004年 至 2026年" for 1.5.7): a year is covered when the data lists at least one official day
 * off in it. The State Council publishes a whole year in one notice, so one entry means the whole year is there;
 * adjusted working days are not counted, since a notice may set one in the previous December (2019's 元旦 made
 * Saturday 2018-12-29 a working day) without that previous year's notice being known.
 * An uncovered year falls back to weekends-only by construction: it has no entries.
 */
export function createWorkingDayCalendar(data: HolidayData, source = 'custom holiday data'): WorkingDayCalendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  const years = new Set<number>();
  for (const d of data.holidays) {
    holidays.add(d);
    years.add(parseIsoDate(d).year);
  }
  for (const d of data.workdays) {
    parseIsoDate(d);
    workdays.add(d);
  }
  const coveredYears = [...years].sort((a, b) => a - b);

  const isWorkingDay = (date: IsoDate): boolean => {
    if (workdays.has(date)) return true;
    const dow = dayOfWeek(date); // also validates the date
    return dow !== 0 && dow !== 6 && !holidays.has(date);
  };

  const scan = (date: IsoDate, step: 1 | -1): IsoDate => {
    let n = toDayNumber(date);
    for (let i = 0; i <= MAX_SCAN_DAYS; i++, n += step) {
      const d = fromDayNumber(n);
      if (isWorkingDay(d)) return d;
    }
    throw new Error(`no working day within ${MAX_SCAN_DAYS} days of ${date}: holiday data is broken`);
  };

  const inMonth = (d: IsoDate, year: number, month: number): IsoDate => {
    const p = parseIsoDate(d);
    if (p.year !== year || p.month !== month) throw new Error(`no working day in ${year}-${month}: holiday data is broken`);
    return d;
  };

  return {
    source,
    coveredYears,
    isCovered: (year) => years.has(year),
    isWorkingDay,
    nextWorkingDay: (date) => scan(date, 1),
    previousWorkingDay: (date) => scan(date, -1),
    firstWorkingDayOfMonth: (year, month) => inMonth(scan(isoDate(year, month, 1), 1), year, month),
    lastWorkingDayOfMonth: (year, month) => inMonth(scan(isoDate(year, month, daysInMonth(year, month)), -1), year, month),
    addWorkingDays(date, n) {
      if (!Number.isInteger(n)) throw new RangeError(`addWorkingDays needs a whole number, not ${n}`);
      if (n === 0) return scan(date, 1);
      const step = n > 0 ? 1 : -1;
      let d = date;
      for (let left = Math.abs(n); left > 0; left--) d = scan(addDays(d, step), step);
      return d;
    },
    springFestival,
  };
}

interface OfficialJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** The arrangement shipped in the installed chinese-days package. */
export function officialHolidayData(): HolidayData {
  const json = officialJson as unknown as OfficialJson;
  return { holidays: Object.keys(json.holidays), workdays: Object.keys(json.workdays) };
}

let official: WorkingDayCalendar | undefined;

/** The calendar from the installed chinese-days data, built once per process. */
export function chineseWorkingDayCalendar(): WorkingDayCalendar {
  official ??= createWorkingDayCalendar(officialHolidayData(), `chinese-days ${libraryPackage.version}`);
  return official;
}
