// Political birthdays (政治生日) and Party age (党龄). Pure: every function takes the dates it needs.
//
// Which date is "the political birthday" is a setting (the join date by default, the full-membership date in
// some organisations); these functions take whichever date the caller chose and call it `anniversaryOf`.
// A 29 February anniversary is observed on 28 February in common years by default; the setting 'mar1' moves it to
// 1 March (MECHANISM 2.3).

import { isLeapYear, isoDate, type IsoDate, parseIsoDate } from './dates.ts';

export type LeapDayRule = 'feb28' | 'mar1';

export interface MonthDay {
  month: number;
  day: number;
}

/** The Party age honoured each January with a certificate (光荣在党50年). */
export const HONOURED_PARTY_AGE = 50;

const FEB29: MonthDay = { month: 2, day: 29 };

/** The date on which the anniversary of `anniversaryOf` is observed in `year`. */
export function politicalBirthdayOn(anniversaryOf: IsoDate, year: number, rule: LeapDayRule): IsoDate {
  const { month, day } = parseIsoDate(anniversaryOf);
  if (month === 2 && day === 29 && !isLeapYear(year)) return rule === 'mar1' ? isoDate(year, 3, 1) : isoDate(year, 2, 28);
  return isoDate(year, month, day);
}

/**
 * Whether `onDate` is an anniversary to greet: the observed date in onDate's year, and at least one year after
 * joining (the join day itself is not a birthday to celebrate).
 */
export function isPoliticalBirthday(anniversaryOf: IsoDate, onDate: IsoDate, rule: LeapDayRule): boolean {
  const { year } = parseIsoDate(onDate);
  return year > parseIsoDate(anniversaryOf).year && politicalBirthdayOn(anniversaryOf, year, rule) === onDate;
}

/**
 * Whole years since joining on `onDate`: the N of "入党N周年". The anniversary counts as reached on its observed
 * day, so a 29 February member greeted on 28 February (rule 'feb28') is greeted with the new N, not the old one.
 * RangeError before the join date.
 */
export function yearsSinceJoining(anniversaryOf: IsoDate, onDate: IsoDate, rule: LeapDayRule = 'feb28'): number {
  if (onDate < anniversaryOf) throw new RangeError(`${onDate} is before the join date ${anniversaryOf}`);
  const { year } = parseIsoDate(onDate);
  const years = year - parseIsoDate(anniversaryOf).year;
  // ISO dates of the same year compare correctly as strings.
  return onDate >= politicalBirthdayOn(anniversaryOf, year, rule) ? years : years - 1;
}

/**
 * The (month, day) pairs of anniversary dates greeted on `onDate`: the date itself, plus 29 February on the day
 * 29 February members are observed in a common year. The daily sweep matches these against an expression index
 * on (extract(month), extract(day)) and must still exclude members who joined in onDate's year.
 */
export function monthDayKeysFor(onDate: IsoDate, rule: LeapDayRule): MonthDay[] {
  const { year, month, day } = parseIsoDate(onDate);
  const keys: MonthDay[] = [{ month, day }];
  if (!isLeapYear(year)) {
    const observed = parseIsoDate(politicalBirthdayOn('2000-02-29', year, rule));
    if (observed.month === month && observed.day === day) keys.push(FEB29);
  }
  return keys;
}

/** Anniversary dates on a monthly list: every date of `month`, minus `exclude`, plus `extra`. */
export interface BirthdayMonthKeys {
  month: number;
  exclude: MonthDay[];
  extra: MonthDay[];
}

/**
 * Which anniversary dates belong to the monthly list of `month` in `year`. Only 29 February moves across a month
 * boundary (to 1 March, rule 'mar1', in common years), so February's list loses those members and March's gains them.
 */
export function birthdayMonthKeys(year: number, month: number, rule: LeapDayRule): BirthdayMonthKeys {
  isoDate(year, month, 1); // validates
  const moved = rule === 'mar1' && !isLeapYear(year);
  return {
    month,
    exclude: moved && month === 2 ? [FEB29] : [],
    extra: moved && month === 3 ? [FEB29] : [],
  };
}

/**
 * The Party age a member reaches during calendar year `year`, counting from the full-membership date (党龄从转正
 * 之日算起). Certificates are issued for the calendar year in which the age is reached, so the day in the year does
 * not matter here.
 */
export function partyAgeReachedInYear(fullMemberDate: IsoDate, year: number): number {
  return year - parseIsoDate(fullMemberDate).year;
}

/** The calendar year in which the member's Party age reaches `partyAge`. */
export function yearPartyAgeReaches(fullMemberDate: IsoDate, partyAge: number = HONOURED_PARTY_AGE): number {
  return parseIsoDate(fullMemberDate).year + partyAge;
}

/** Whether the member belongs on `year`'s 光荣在党50年 list (or another milestone's). */
export function reachesPartyAgeInYear(fullMemberDate: IsoDate, year: number, partyAge: number = HONOURED_PARTY_AGE): boolean {
  return yearPartyAgeReaches(fullMemberDate, partyAge) === year;
}

/** For the set-based query: members whose full-membership year is this reach `partyAge` in `year`. */
export function fullMemberYearForPartyAge(year: number, partyAge: number = HONOURED_PARTY_AGE): number {
  return year - partyAge;
}

/**
 * The latest start date with at least `years` completed years on `onDate` (for "Party age ≥ 50" or "age ≥ 80"
 * as a SQL cutoff: start_date <= cutoff). A 29 February start completes its years on 1 March in common years,
 * the strict reading for an eligibility threshold; so on 28 February of a common year the cutoff is 28 February.
 */
export function completedYearsCutoff(onDate: IsoDate, years: number): IsoDate {
  const { year, month, day } = parseIsoDate(onDate);
  const y = year - years;
  if (month === 2 && day === 29 && !isLeapYear(y)) return isoDate(y, 2, 28);
  return isoDate(y, month, day);
}

// ---- 光荣在党50年 certificates (纪念证书, MECHANISM 2.3 last paragraph; issue 13 section 6) ----

/**
 * Where a member stands for the 50-year certificate in `year`: `this_year` when their Party age reaches 50 during
 * that calendar year, `backlog` when it reached 50 in an earlier year and no certificate is on record (the go-live
 * backlog the seed's 党龄50周年以上 covers), null otherwise — not yet 50, already holding one, no full-membership
 * date (Party age cannot be counted), or not an active member (deceased or transferred out: no certificate).
 * Calendar years only, so a 29 February full-membership date needs nothing special.
 */
export function certificateStanding(
  m: { fullMemberDate: IsoDate | null; status: string; holdsCertificate: boolean },
  year: number,
  partyAge: number = HONOURED_PARTY_AGE,
): 'this_year' | 'backlog' | null {
  if (m.status !== 'active' || m.holdsCertificate || m.fullMemberDate === null) return null;
  const reaches = yearPartyAgeReaches(m.fullMemberDate, partyAge);
  if (reaches === year) return 'this_year';
  return reaches < year ? 'backlog' : null;
}

/**
 * Why a certificate may not be recorded as issued on `issuedOn` (seen on `today`), or null: a date after today,
 * or a year in which the member's Party age does not yet reach 50.
 */
export function certificateDateProblem(fullMemberDate: IsoDate, issuedOn: IsoDate, today: IsoDate, partyAge: number = HONOURED_PARTY_AGE): 'future' | 'too_early' | null {
  if (issuedOn > today) return 'future';
  return parseIsoDate(issuedOn).year < yearPartyAgeReaches(fullMemberDate, partyAge) ? 'too_early' : null;
}
