import chineseDays from 'chinese-days';
import { afterEach, describe, expect, it } from 'vitest';
import { chineseWorkingDayCalendar, createWorkingDayCalendar, lunarMonthLength, lunarToSolar, springFestival } from '../../src/domain/calendar.ts';
import { addDays, dayOfWeek, isoDate, parseIsoDate } from '../../src/domain/dates.ts';

const cal = chineseWorkingDayCalendar();
// chinese-days builds its own day maps with local-time Dates when it is loaded, so they are a day off if this
// process started west of UTC; comparing against them is only meaningful otherwise.
const libraryLoadedWestOfUtc = new Date(2026, 0, 1).getTimezoneOffset() > 0;

// The library's own functions read local fields, so compare against them only in the zone they were written for.
const originalTz = process.env.TZ;
function setTz(tz: string): void {
  process.env.TZ = tz;
}
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

function* days(from: string, to: string): Generator<string> {
  for (let d = from; d <= to; d = addDays(d, 1)) yield d;
}

describe('date arithmetic', () => {
  it('parses strict YYYY-MM-DD only', () => {
    expect(parseIsoDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    for (const bad of ['2025-02-29', '2025-2-1', '2025-13-01', '', '2025-01-01T00:00']) {
      expect(() => parseIsoDate(bad)).toThrow(RangeError);
    }
    expect(() => isoDate(2025, 4, 31)).toThrow(RangeError);
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(dayOfWeek('2025-01-26')).toBe(0); // a Sunday
  });
});

describe('official holiday data (chinese-days)', () => {
  it('covers 2004 through at least 2026, derived from the listed days off', () => {
    expect(cal.source).toMatch(/^chinese-days \d+\.\d+\.\d+$/);
    const first = cal.coveredYears[0]!;
    const last = cal.coveredYears.at(-1)!;
    expect(first).toBe(2004);
    expect(last).toBeGreaterThanOrEqual(2026);
    expect(cal.coveredYears).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
    expect(cal.isCovered(2025)).toBe(true);
    expect(cal.isCovered(2026)).toBe(true);
    expect(cal.isCovered(2003)).toBe(false);
    expect(cal.isCovered(last + 1)).toBe(false);
  });

  // 国办发明电〔2024〕12号 (2025) and the notice of 2025-11-04 (2026), checked against the published text.
  it.each([
    ['2025-01-01', false], // 元旦
    ['2025-01-26', true], // Sunday, 调休 working day before Spring Festival
    ['2025-01-28', false],
    ['2025-02-04', false],
    ['2025-02-08', true], // Saturday, 调休
    ['2025-04-27', true], // Sunday, 调休 before Labour Day
    ['2025-05-05', false],
    ['2025-09-28', true], // Sunday, 调休 before National Day
    ['2025-10-01', false],
    ['2025-10-06', false], // 中秋 inside National Day
    ['2025-10-08', false],
    ['2025-10-09', true],
    ['2025-10-11', true], // Saturday, 调休
    ['2025-03-01', false], // a plain Saturday
    ['2025-03-03', true], // a plain Monday
    ['2026-01-04', true], // Sunday, 调休 after 元旦
    ['2026-02-14', true], // Saturday, 调休
    ['2026-02-15', false],
    ['2026-02-23', false], // Monday inside the nine-day Spring Festival
    ['2026-02-28', true], // Saturday, 调休
    ['2026-05-09', true], // Saturday, 调休
    ['2026-09-20', true], // Sunday, 调休
    ['2026-10-07', false],
    ['2026-10-08', true],
    ['2026-10-10', true], // Saturday, 调休
  ])('%s working day: %s', (date, working) => {
    expect(cal.isWorkingDay(date)).toBe(working);
  });

  it('marks 2025-10-01..08 all off', () => {
    for (const d of days('2025-10-01', '2025-10-08')) expect(cal.isWorkingDay(d)).toBe(false);
  });

  it.skipIf(libraryLoadedWestOfUtc)('agrees with the library day by day for every covered year', () => {
    setTz('Asia/Shanghai');
    const last = cal.coveredYears.at(-1)!;
    for (const d of days('2004-01-01', `${last}-12-31`)) {
      if (cal.isWorkingDay(d) !== chineseDays.isWorkday(d)) throw new Error(`disagree on ${d}`);
    }
  });

  it('falls back to weekends only in a year the data does not cover', () => {
    const year = cal.coveredYears.at(-1)! + 1;
    for (const d of days(`${year}-01-01`, `${year}-12-31`)) {
      const dow = dayOfWeek(d);
      expect(cal.isWorkingDay(d)).toBe(dow !== 0 && dow !== 6);
    }
  });

  it('does not depend on the process time zone (the library itself does, west of UTC)', () => {
    setTz('America/New_York');
    expect(new Date(2026, 0, 1).getTimezoneOffset()).toBe(300); // the zone change took effect
    expect(cal.isWorkingDay('2026-03-02')).toBe(true);
    expect(cal.isWorkingDay('2025-01-26')).toBe(true);
    expect(cal.isWorkingDay('2025-01-25')).toBe(false);
    expect(springFestival(2025)).toBe('2025-01-29');
    setTz('Pacific/Kiritimati');
    expect(springFestival(2026)).toBe('2026-02-17');
  });
});

describe('custom data and fallback', () => {
  const only2025 = createWorkingDayCalendar({ holidays: ['2025-10-01', '2025-10-02'], workdays: ['2025-09-28'] }, 'test');

  it('covers only years with a listed day off', () => {
    expect(only2025.coveredYears).toEqual([2025]);
    expect(only2025.isCovered(2026)).toBe(false);
  });

  it('applies the listed days and weekends-only elsewhere', () => {
    expect(only2025.isWorkingDay('2025-09-28')).toBe(true);
    expect(only2025.isWorkingDay('2025-10-01')).toBe(false);
    expect(only2025.isWorkingDay('2025-10-03')).toBe(true); // not listed here, so an ordinary Friday
    expect(only2025.isWorkingDay('2026-02-17')).toBe(true); // Spring Festival 2026 unknown: a Tuesday
    expect(only2025.isWorkingDay('2026-02-14')).toBe(false); // its 调休 Saturday unknown too
  });

  it('refuses malformed data', () => {
    expect(() => createWorkingDayCalendar({ holidays: ['2025-02-30'], workdays: [] })).toThrow(RangeError);
  });
});

describe('working-day navigation', () => {
  it('nextWorkingDay and previousWorkingDay', () => {
    expect(cal.nextWorkingDay('2025-10-01')).toBe('2025-10-09');
    expect(cal.nextWorkingDay('2025-10-09')).toBe('2025-10-09');
    expect(cal.nextWorkingDay('2026-01-03')).toBe('2026-01-04'); // a Sunday 调休
    expect(cal.previousWorkingDay('2025-10-05')).toBe('2025-09-30');
    expect(cal.previousWorkingDay('2025-09-30')).toBe('2025-09-30');
  });

  it('first and last working day of a month', () => {
    expect(cal.firstWorkingDayOfMonth(2025, 10)).toBe('2025-10-09');
    expect(cal.firstWorkingDayOfMonth(2025, 2)).toBe('2025-02-05');
    expect(cal.firstWorkingDayOfMonth(2026, 1)).toBe('2026-01-04');
    expect(cal.firstWorkingDayOfMonth(2025, 4)).toBe('2025-04-01');
    expect(cal.lastWorkingDayOfMonth(2025, 1)).toBe('2025-01-27');
    expect(cal.lastWorkingDayOfMonth(2025, 5)).toBe('2025-05-30');
    expect(cal.lastWorkingDayOfMonth(2026, 2)).toBe('2026-02-28'); // a Saturday 调休
    expect(cal.lastWorkingDayOfMonth(2025, 11)).toBe('2025-11-28');
  });

  it('addWorkingDays counts only working days, both ways', () => {
    expect(cal.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(cal.addWorkingDays('2025-10-09', -1)).toBe('2025-09-30');
    expect(cal.addWorkingDays('2025-09-26', 2)).toBe('2025-09-29'); // via Sunday 28th
    expect(cal.addWorkingDays('2025-10-03', 0)).toBe('2025-10-09');
    expect(cal.addWorkingDays('2025-03-03', 5)).toBe('2025-03-10');
    expect(() => cal.addWorkingDays('2025-03-03', 1.5)).toThrow(RangeError);
  });
});

describe('Spring Festival from the lunar calendar', () => {
  it.each([
    [2024, '2024-02-10'],
    [2025, '2025-01-29'],
    [2026, '2026-02-17'],
    [2027, '2027-02-06'],
    [2028, '2028-01-26'],
    [2030, '2030-02-03'],
    [2033, '2033-01-31'],
  ])('%i → %s', (year, date) => {
    expect(springFestival(year)).toBe(date);
    expect(cal.springFestival(year)).toBe(date);
  });

  it('is 正月初一 by the library for every year of its table', () => {
    setTz('Asia/Shanghai');
    for (let y = 1901; y <= 2100; y++) {
      const sf = springFestival(y);
      const lunar = chineseDays.getLunarDate(sf);
      if (lunar.lunarMon !== 1 || lunar.lunarDay !== 1 || lunar.isLeap || lunar.lunarYear !== y) throw new Error(`${y}: ${sf}`);
      if (chineseDays.getSolarDateFromLunar(`${y}-01-01`).date !== sf) throw new Error(`${y}: ${sf}`);
    }
  });

  it('refuses years outside the lunar table', () => {
    expect(() => springFestival(1899)).toThrow(RangeError);
    expect(() => springFestival(2101)).toThrow(RangeError);
  });

  it('converts other lunar dates, leap months included', () => {
    expect(lunarToSolar(2025, 8, 15)).toBe('2025-10-06'); // 中秋
    expect(lunarToSolar(2026, 9, 9)).toBe('2026-10-18'); // 重阳
    expect(lunarToSolar(2024, 12, 8)).toBe('2025-01-07'); // 腊八, next Gregorian year
    expect(lunarToSolar(2025, 6, 1, true)).toBe('2025-07-25'); // 闰六月初一
    expect(lunarMonthLength(2024, 12)).toBe(29); // no 年三十 in 2025
    expect(() => lunarToSolar(2024, 12, 30)).toThrow(RangeError);
    expect(() => lunarToSolar(2026, 6, 1, true)).toThrow(RangeError);
    setTz('Asia/Shanghai');
    const l = chineseDays.getLunarDate('2025-07-25');
    expect([l.lunarMon, l.lunarDay, l.isLeap]).toEqual([6, 1, true]);
  });
});
