import { describe, expect, it } from 'vitest';
import {
  type LeapDayRule,
  birthdayMonthKeys,
  completedYearsCutoff,
  fullMemberYearForPartyAge,
  isPoliticalBirthday,
  monthDayKeysFor,
  partyAgeReachedInYear,
  politicalBirthdayOn,
  reachesPartyAgeInYear,
  yearPartyAgeReaches,
  yearsSinceJoining,
} from '../../src/domain/anniversaries.ts';
import { addDays, parseIsoDate } from '../../src/domain/dates.ts';

const RULES: LeapDayRule[] = ['feb28', 'mar1'];

describe('politicalBirthdayOn', () => {
  it('observes 29 February on 28 February or 1 March in common years, per the rule', () => {
    expect(politicalBirthdayOn('2000-02-29', 2025, 'feb28')).toBe('2025-02-28');
    expect(politicalBirthdayOn('2000-02-29', 2025, 'mar1')).toBe('2025-03-01');
    expect(politicalBirthdayOn('2000-02-29', 2028, 'feb28')).toBe('2028-02-29');
    expect(politicalBirthdayOn('2000-02-29', 2028, 'mar1')).toBe('2028-02-29');
    expect(politicalBirthdayOn('2000-02-29', 2100, 'feb28')).toBe('2100-02-28'); // 2100 is not a leap year
  });

  it('keeps every other date', () => {
    expect(politicalBirthdayOn('1990-07-01', 2025, 'mar1')).toBe('2025-07-01');
    expect(politicalBirthdayOn('1999-02-28', 2028, 'mar1')).toBe('2028-02-28');
    expect(politicalBirthdayOn('1999-03-01', 2025, 'feb28')).toBe('2025-03-01');
  });
});

describe('isPoliticalBirthday', () => {
  it('leap-day members across common and leap years', () => {
    expect(isPoliticalBirthday('2000-02-29', '2025-02-28', 'feb28')).toBe(true);
    expect(isPoliticalBirthday('2000-02-29', '2025-03-01', 'feb28')).toBe(false);
    expect(isPoliticalBirthday('2000-02-29', '2025-02-28', 'mar1')).toBe(false);
    expect(isPoliticalBirthday('2000-02-29', '2025-03-01', 'mar1')).toBe(true);
    expect(isPoliticalBirthday('2000-02-29', '2028-02-29', 'feb28')).toBe(true);
    expect(isPoliticalBirthday('2000-02-29', '2028-02-28', 'feb28')).toBe(false);
    expect(isPoliticalBirthday('2000-02-29', '2028-03-01', 'mar1')).toBe(false);
  });

  it('not on the join day itself or before it', () => {
    expect(isPoliticalBirthday('2025-07-01', '2025-07-01', 'feb28')).toBe(false);
    expect(isPoliticalBirthday('2025-07-01', '2024-07-01', 'feb28')).toBe(false);
    expect(isPoliticalBirthday('2024-07-01', '2025-07-01', 'feb28')).toBe(true);
  });
});

describe('yearsSinceJoining', () => {
  it('counts the anniversary as reached on its observed day', () => {
    expect(yearsSinceJoining('2000-02-29', '2025-02-28', 'feb28')).toBe(25);
    expect(yearsSinceJoining('2000-02-29', '2025-02-28', 'mar1')).toBe(24);
    expect(yearsSinceJoining('2000-02-29', '2025-03-01', 'mar1')).toBe(25);
    expect(yearsSinceJoining('2000-02-29', '2028-02-28', 'feb28')).toBe(27);
    expect(yearsSinceJoining('2000-02-29', '2028-02-29', 'feb28')).toBe(28);
  });

  it('ordinary dates', () => {
    expect(yearsSinceJoining('1985-06-30', '2025-06-30')).toBe(40);
    expect(yearsSinceJoining('1985-06-30', '2025-06-29')).toBe(39);
    expect(yearsSinceJoining('1985-06-30', '1985-06-30')).toBe(0);
    expect(() => yearsSinceJoining('1985-06-30', '1985-06-29')).toThrow(RangeError);
  });

  it('names the right N on every anniversary greeted', () => {
    for (const rule of RULES) {
      for (const year of [2025, 2028]) {
        const on = politicalBirthdayOn('2000-02-29', year, rule);
        expect(yearsSinceJoining('2000-02-29', on, rule)).toBe(year - 2000);
      }
    }
  });
});

describe('monthDayKeysFor', () => {
  it.each([
    ['2025-02-28', 'feb28', [{ month: 2, day: 28 }, { month: 2, day: 29 }]],
    ['2025-03-01', 'mar1', [{ month: 3, day: 1 }, { month: 2, day: 29 }]],
    ['2025-02-28', 'mar1', [{ month: 2, day: 28 }]],
    ['2025-03-01', 'feb28', [{ month: 3, day: 1 }]],
    ['2028-02-28', 'feb28', [{ month: 2, day: 28 }]],
    ['2028-02-29', 'mar1', [{ month: 2, day: 29 }]],
    ['2028-03-01', 'mar1', [{ month: 3, day: 1 }]],
    ['2025-07-01', 'feb28', [{ month: 7, day: 1 }]],
  ] as const)('%s with %s', (date, rule, keys) => {
    expect(monthDayKeysFor(date, rule)).toEqual(keys);
  });

  it('selects exactly the members isPoliticalBirthday greets, every day of a common and a leap year', () => {
    // The days around the end of February, month ends and starts, joined in a leap year so 29 February is among them.
    const joins = ['2000-02-25', '2000-02-26', '2000-02-27', '2000-02-28', '2000-02-29', '2000-03-01', '2000-03-02'];
    for (let m = 1; m <= 12; m++) joins.push(`2000-${String(m).padStart(2, '0')}-01`, addDays(`2000-${String(m).padStart(2, '0')}-01`, -1));
    for (const rule of RULES) {
      for (let on = '2025-01-01'; on <= '2028-12-31'; on = on === '2025-12-31' ? '2028-01-01' : addDays(on, 1)) {
        const keys = monthDayKeysFor(on, rule);
        for (const join of joins) {
          const { month, day } = parseIsoDate(join);
          const selected = keys.some((k) => k.month === month && k.day === day);
          if (selected !== isPoliticalBirthday(join, on, rule)) throw new Error(`${rule} ${on} ${join}`);
        }
      }
    }
  });
});

describe('birthdayMonthKeys', () => {
  it('moves 29 February members to March only with mar1 in common years', () => {
    expect(birthdayMonthKeys(2025, 2, 'mar1')).toEqual({ month: 2, exclude: [{ month: 2, day: 29 }], extra: [] });
    expect(birthdayMonthKeys(2025, 3, 'mar1')).toEqual({ month: 3, exclude: [], extra: [{ month: 2, day: 29 }] });
    expect(birthdayMonthKeys(2025, 2, 'feb28')).toEqual({ month: 2, exclude: [], extra: [] });
    expect(birthdayMonthKeys(2028, 3, 'mar1')).toEqual({ month: 3, exclude: [], extra: [] });
  });

  it('puts every member on the list of the month their birthday is observed in', () => {
    for (const rule of RULES) {
      for (const year of [2025, 2028]) {
        for (let join = '2000-01-01'; join <= '2000-12-31'; join = addDays(join, 1)) {
          const { month, day } = parseIsoDate(join);
          const observedMonth = parseIsoDate(politicalBirthdayOn(join, year, rule)).month;
          const listed = [];
          for (let m = 1; m <= 12; m++) {
            const k = birthdayMonthKeys(year, m, rule);
            const inMonth = (k.month === month && !k.exclude.some((e) => e.month === month && e.day === day)) || k.extra.some((e) => e.month === month && e.day === day);
            if (inMonth) listed.push(m);
          }
          expect(listed, `${rule} ${year} ${join}`).toEqual([observedMonth]);
        }
      }
    }
  });
});

describe('Party age', () => {
  it('reaches 50 in the calendar year 50 after the full-membership year', () => {
    expect(reachesPartyAgeInYear('1975-06-30', 2025)).toBe(true);
    expect(reachesPartyAgeInYear('1975-12-31', 2025)).toBe(true);
    expect(reachesPartyAgeInYear('1975-01-01', 2025)).toBe(true);
    expect(reachesPartyAgeInYear('1976-01-01', 2025)).toBe(false);
    expect(reachesPartyAgeInYear('1974-12-31', 2025)).toBe(false);
    expect(reachesPartyAgeInYear('1986-03-01', 2026, 40)).toBe(true);
    expect(yearPartyAgeReaches('1976-02-29')).toBe(2026);
    expect(partyAgeReachedInYear('1976-02-29', 2030)).toBe(54);
    expect(fullMemberYearForPartyAge(2026)).toBe(1976);
  });

  it('completed-years cutoffs for old-member thresholds', () => {
    expect(completedYearsCutoff('2026-02-17', 50)).toBe('1976-02-17');
    expect(completedYearsCutoff('2025-07-01', 80)).toBe('1945-07-01');
    expect(completedYearsCutoff('2024-02-29', 50)).toBe('1974-02-28');
    expect(completedYearsCutoff('2026-02-28', 50)).toBe('1976-02-28'); // 1976-02-29 completes on 1 March
  });
});
