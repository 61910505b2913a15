// Which calendar-driven notices fall due on a local date (MECHANISM 1.1, 1.2, 2.1, 2.2, 2.3, 3.3). Pure: takes the date,
// the working-day calendar and the settings; returns plain descriptors. The sweep turns each descriptor into rows
// with the UNIQUE key (kind, recipient, subject, period), so `period` is stable: the same notice computed again
// (a retry, a catch-up of a missed day, a second process) always carries the same period.
//
// Nudges, reminders, lists and escalations fall only on working days; greetings fall on the day itself.
// Decisions where MECHANISM leaves room (each also stated next to its rule below):
// - A nudge whose day is not a working day moves LATER to the next working day (the rule), except the
//   holiday-visit list and reminder, which are deadlines before a holiday and move EARLIER.
// - Talk quota: October's first working day is both the quarterly and the first Q4 monthly nudge (one nudge, not
//   two); then November and December. The OD's remaining list "on 1 December" goes on December's first working
//   day, with December's nudge: it is work to act on, and MECHANISM sends nudges on working days only.
// - Fixed monthly subsidies: the month's payment list goes to the OD on the month's first working day, every month.
// - Hardship verification: the 15th and 25th reminders move to the next working day, but never past the last
//   working day of the month, which is the escalation day.
// - Quarterly self-evaluation: the window is the last 14 days of the quarter (incentive.ts selfEvaluationWindow); members are nudged on its first
//   working day and reminded on the first working day a week later (never past the quarter's last working day).
// - Goals and commitments: a nudge on January's first working day, a reminder on the first working day from two
//   weeks later, only to those who have not recorded.
// - Half-year evaluation: first working day of July. Year-end evaluation: a nudge on the first working day of
//   December and a reminder on the first working day of January, both for the year being evaluated.
// - Leadership review (3.1, "default with the year-end evaluation"): the OD is nudged to open it on December's
//   first working day, the year-end evaluation's nudge day (the planner skips it if the year's review is open).
// - Political-birthday monthly list: the 1st, or the next working day (it is planning material for the secretary,
//   not a greeting); the activity reminder: the 20th, or the next working day.
// - Party age 50 list: first working day of January.
// - Excellent members (GB secretaries, with the GB's cap): first working day of December; reminder on the first
//   working day of January, for the year just ended, to GBs without a list.
// - Pairing (1.2): the OD's monthly list of leading cadres without a pairing and members in hardship without a
//   helper goes on each month's first working day.
// - A year without official holiday data: the OD is told on every working day of it; the UNIQUE key delivers it once.
// - Dashboard digests (issue 16 section 4): weekly on the first working day of the ISO week (Monday, or the next
//   working day of that week; a week without one has none), monthly and quarterly on the first working day of the
//   month and of the quarter. Each is one period (2026-W50, 2026-12, 2026-Q4): sent once however often it is swept.

import {
  type BirthdayMonthKeys,
  type LeapDayRule,
  type MonthDay,
  HONOURED_PARTY_AGE,
  birthdayMonthKeys,
  completedYearsCutoff,
  fullMemberYearForPartyAge,
  monthDayKeysFor,
} from './anniversaries.ts';
import { lunarMonthLength, lunarToSolar, type WorkingDayCalendar } from './calendar.ts';
import { addDays, dayOfWeek, daysInMonth, isoDate, type IsoDate, parseIsoDate, toDayNumber } from './dates.ts';
import { selfEvaluationWindow } from './incentive.ts';

// ---------------------------------------------------------------------------------------------------------------
// Settings.

/**
 * A holiday the OD adds for visits. `rule` repeats every year: 'MM-DD' (Gregorian, e.g. '10-01') or
 * 'lunar:MM-DD' (e.g. 'lunar:09-09' 重阳节; a lunar 30th in a 29-day month is observed on the 29th, so
 * 'lunar:12-30' is always 除夕). `date` is a one-off 'YYYY-MM-DD'. `id` is a slug used in the notice period.
 */
export interface HolidaySetting {
  id: string;
  name: string;
  rule?: string;
  date?: IsoDate;
}

export interface ScheduleSettings {
  leapDayRule: LeapDayRule;
  extraHolidays: readonly HolidaySetting[];
  holidayListDaysBefore: number;
  holidayReminderDaysBefore: number;
  /** Old members to visit before holidays: Party age at least this on the holiday … */
  oldMemberPartyAge: number;
  /** … or age at least this. */
  oldMemberAge: number;
}

export const DEFAULT_SCHEDULE_SETTINGS: ScheduleSettings = {
  leapDayRule: 'feb28',
  extraHolidays: [],
  holidayListDaysBefore: 14,
  holidayReminderDaysBefore: 3,
  oldMemberPartyAge: 50,
  oldMemberAge: 80,
};

export interface ScheduleContext {
  calendar: WorkingDayCalendar;
  settings: ScheduleSettings;
}

// ---------------------------------------------------------------------------------------------------------------
// Descriptors.

export type Audience = 'member' | 'branch_secretary' | 'gb_secretary' | 'talk_owner' | 'od' | 'secretaries' | 'committee_secretary';

export interface HolidayOccurrence {
  id: string;
  name: string;
  date: IsoDate;
}

export interface HolidayVisitParams extends HolidayOccurrence {
  oldMemberPartyAge: number;
  oldMemberAge: number;
  /** SQL cutoffs on the holiday date: full_member_date <= this is an old member by Party age … */
  fullMemberOnOrBefore: IsoDate;
  /** … and birth_date <= this by age. */
  bornOnOrBefore: IsoDate;
}

interface N<K extends string, A extends Audience, P> {
  kind: K;
  audience: A;
  period: string;
  params: P;
}

export type Notice =
  | N<'birthday_greeting', 'member', { date: IsoDate; year: number; monthDays: MonthDay[]; leapDayRule: LeapDayRule }>
  | N<'birthday_month_list', 'branch_secretary', { year: number; month: number; keys: BirthdayMonthKeys }>
  | N<'birthday_activity_reminder', 'branch_secretary', { year: number; month: number }>
  | N<'party_age_honour_list', 'od', { year: number; partyAge: number; fullMemberYear: number }>
  | N<'talk_quota_progress', 'talk_owner', { year: number; month: number }>
  | N<'talk_quota_remaining', 'od', { year: number }>
  | N<'hardship_review_nudge', 'gb_secretary', { year: number; month: number }>
  | N<'hardship_review_reminder', 'gb_secretary', { year: number; month: number; nominalDate: IsoDate }>
  | N<'hardship_review_escalation', 'od', { year: number; month: number }>
  | N<'subsidy_payment_list', 'od', { year: number; month: number }>
  | N<'self_eval_nudge' | 'self_eval_reminder', 'member', { year: number; quarter: number; windowStart: IsoDate; windowEnd: IsoDate }>
  | N<'goals_nudge' | 'goals_reminder', 'member', { year: number }>
  | N<'half_year_eval_nudge', 'branch_secretary', { year: number }>
  | N<'year_end_eval_nudge' | 'year_end_eval_reminder', 'branch_secretary', { evaluatedYear: number }>
  | N<'holiday_visit_list' | 'holiday_visit_reminder', 'branch_secretary', HolidayVisitParams>
  | N<'holiday_visit_summary', 'od', HolidayVisitParams>
  | N<'holiday_data_missing', 'od', { year: number; source: string }>
  | N<'pairing_monthly_list', 'od', { year: number; month: number }>
  | N<'excellent_members_nudge' | 'excellent_members_reminder', 'gb_secretary', { evaluatedYear: number }>
  | N<'leadership_review_nudge', 'od', { year: number }>
  | N<'dashboard_digest_weekly', 'secretaries', { year: number; week: number; monday: IsoDate }>
  | N<'dashboard_digest_monthly', 'od', { year: number; month: number }>
  | N<'dashboard_digest_quarterly', 'committee_secretary', { year: number; quarter: number }>;

export type NoticeKind = Notice['kind'];

// A record rather than a list, so that the compiler insists on every kind, and on nothing else.
const KINDS: Record<NoticeKind, true> = {
  birthday_greeting: true,
  birthday_month_list: true,
  birthday_activity_reminder: true,
  party_age_honour_list: true,
  talk_quota_progress: true,
  talk_quota_remaining: true,
  hardship_review_nudge: true,
  hardship_review_reminder: true,
  hardship_review_escalation: true,
  subsidy_payment_list: true,
  self_eval_nudge: true,
  self_eval_reminder: true,
  goals_nudge: true,
  goals_reminder: true,
  half_year_eval_nudge: true,
  year_end_eval_nudge: true,
  year_end_eval_reminder: true,
  holiday_visit_list: true,
  holiday_visit_reminder: true,
  holiday_visit_summary: true,
  holiday_data_missing: true,
  pairing_monthly_list: true,
  leadership_review_nudge: true,
  excellent_members_nudge: true,
  excellent_members_reminder: true,
  dashboard_digest_weekly: true,
  dashboard_digest_monthly: true,
  dashboard_digest_quarterly: true,
};

/** Every kind of notice the calendar can describe (each needs a planner: notices/planners/index.ts). */
export const NOTICE_KINDS = Object.keys(KINDS) as NoticeKind[];

const mm = (month: number) => String(month).padStart(2, '0');

// ---------------------------------------------------------------------------------------------------------------
// Holidays.

const SLUG = /^[a-z0-9][a-z0-9-]{0,47}$/;
const SOLAR_RULE = /^(\d{2})-(\d{2})$/;
const LUNAR_RULE = /^lunar:(\d{2})-(\d{2})$/;

/** The built-in visit holidays (MECHANISM 2.1); templates localise by id. */
const BUILT_IN_IDS = new Set(['spring-festival', 'party-founding']);

/** Throws RangeError naming the holiday when a configured holiday cannot be placed on a calendar. */
export function checkHolidaySetting(h: HolidaySetting): void {
  const where = `holiday ${JSON.stringify(h.id)}`;
  if (!SLUG.test(h.id)) throw new RangeError(`${where}: id must be a lowercase slug (a-z, 0-9, -)`);
  if (BUILT_IN_IDS.has(h.id)) throw new RangeError(`${where}: id is built in`);
  if (h.name.trim() === '') throw new RangeError(`${where}: name is empty`);
  if ((h.rule === undefined) === (h.date === undefined)) throw new RangeError(`${where}: give either rule or date`);
  if (h.date !== undefined) {
    parseIsoDate(h.date);
    return;
  }
  const solar = SOLAR_RULE.exec(h.rule!);
  const lunar = LUNAR_RULE.exec(h.rule!);
  const m = Number((solar ?? lunar)?.[1]);
  const d = Number((solar ?? lunar)?.[2]);
  // 29 February is refused as a yearly rule: it would silently vanish three years in four.
  if (solar && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(2001, m)) return;
  if (lunar && m >= 1 && m <= 12 && d >= 1 && d <= 30) return;
  throw new RangeError(`${where}: rule must be 'MM-DD' or 'lunar:MM-DD', not ${JSON.stringify(h.rule)}`);
}

/**
 * Throws RangeError on settings the schedule cannot use: an unknown leap-day rule, day counts that are not whole
 * numbers of days, a malformed holiday, or two holidays with one id (their notices would share a period).
 */
export function checkScheduleSettings(settings: ScheduleSettings): void {
  if (settings.leapDayRule !== 'feb28' && settings.leapDayRule !== 'mar1') {
    throw new RangeError(`leapDayRule must be 'feb28' or 'mar1', not ${JSON.stringify(settings.leapDayRule)}`);
  }
  const counts = ['holidayListDaysBefore', 'holidayReminderDaysBefore', 'oldMemberPartyAge', 'oldMemberAge'] as const;
  for (const key of counts) {
    const v = settings[key];
    if (!Number.isInteger(v) || v < 0 || v > 366) throw new RangeError(`${key} must be a whole number from 0 to 366, not ${v}`);
  }
  const ids = new Set<string>();
  for (const h of settings.extraHolidays) {
    checkHolidaySetting(h);
    if (ids.has(h.id)) throw new RangeError(`holiday ${JSON.stringify(h.id)} is configured twice`);
    ids.add(h.id);
  }
}

function lunarInYear(year: number, month: number, day: number): IsoDate[] {
  const out: IsoDate[] = [];
  // A lunar date late in the lunar year (腊月) can fall in January of the next Gregorian year.
  for (const ly of [year - 1, year]) {
    const date = lunarToSolar(ly, month, Math.min(day, lunarMonthLength(ly, month)));
    if (parseIsoDate(date).year === year) out.push(date);
  }
  return out;
}

/** The visit holidays whose date falls in Gregorian `year`: Spring Festival, 1 July, and the configured ones. */
export function holidaysInYear(year: number, settings: ScheduleSettings): HolidayOccurrence[] {
  const out: HolidayOccurrence[] = [
    { id: 'spring-festival', name: 'Spring Festival', date: lunarToSolar(year, 1, 1) },
    { id: 'party-founding', name: 'Party founding day', date: isoDate(year, 7, 1) },
  ];
  checkScheduleSettings(settings);
  for (const h of settings.extraHolidays) {
    if (h.date !== undefined) {
      if (parseIsoDate(h.date).year === year) out.push({ id: h.id, name: h.name, date: h.date });
      continue;
    }
    const lunar = LUNAR_RULE.exec(h.rule!);
    const [m, d] = (lunar ?? SOLAR_RULE.exec(h.rule!))!.slice(1).map(Number) as [number, number];
    const dates = lunar ? lunarInYear(year, m, d) : [isoDate(year, m, d)];
    for (const date of dates) out.push({ id: h.id, name: h.name, date });
  }
  return out;
}

function holidayNotices(date: IsoDate, ctx: ScheduleContext): Notice[] {
  const { calendar: cal, settings: s } = ctx;
  const { year } = parseIsoDate(date);
  const out: Notice[] = [];
  // A list 14 days ahead can concern next year's holiday; a summary can follow last year's.
  for (const y of [year - 1, year, year + 1]) {
    for (const h of holidaysInYear(y, s)) {
      const params: HolidayVisitParams = {
        ...h,
        oldMemberPartyAge: s.oldMemberPartyAge,
        oldMemberAge: s.oldMemberAge,
        fullMemberOnOrBefore: completedYearsCutoff(h.date, s.oldMemberPartyAge),
        bornOnOrBefore: completedYearsCutoff(h.date, s.oldMemberAge),
      };
      const period = `${parseIsoDate(h.date).year}-${h.id}`;
      // Deadlines before the holiday: a non-working day moves EARLIER, so the list never arrives late.
      if (cal.previousWorkingDay(addDays(h.date, -s.holidayListDaysBefore)) === date) {
        out.push({ kind: 'holiday_visit_list', audience: 'branch_secretary', period, params });
      }
      if (cal.previousWorkingDay(addDays(h.date, -s.holidayReminderDaysBefore)) === date) {
        out.push({ kind: 'holiday_visit_reminder', audience: 'branch_secretary', period, params });
      }
      // "After the holiday": the first working day after the day itself, so after the whole official break.
      if (cal.nextWorkingDay(addDays(h.date, 1)) === date) {
        out.push({ kind: 'holiday_visit_summary', audience: 'od', period, params });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Everything due on a day.

/** Every calendar-driven notice due on `localDate` (the organisation's local date), sorted by kind and period. */
export function noticesDueOn(localDate: IsoDate, ctx: ScheduleContext): Notice[] {
  const { calendar: cal, settings: s } = ctx;
  checkScheduleSettings(s);
  const { year, month } = parseIsoDate(localDate);
  const ym = `${year}-${mm(month)}`;
  const out: Notice[] = [];

  // Greetings: every day, holidays included. Period = the year: one greeting per member per year, even if the
  // 29 February setting changes mid-year or a missed day is caught up later.
  out.push({
    kind: 'birthday_greeting',
    audience: 'member',
    period: String(year),
    params: { date: localDate, year, monthDays: monthDayKeysFor(localDate, s.leapDayRule), leapDayRule: s.leapDayRule },
  });

  if (!cal.isWorkingDay(localDate)) return sortNotices(out);

  const first = cal.firstWorkingDayOfMonth(year, month);
  const last = cal.lastWorkingDayOfMonth(year, month);
  const onOrBeforeLast = (d: IsoDate) => (d > last ? last : d);
  const movedLater = (day: number) => onOrBeforeLast(cal.nextWorkingDay(isoDate(year, month, day)));

  if (!cal.isCovered(year)) {
    out.push({ kind: 'holiday_data_missing', audience: 'od', period: String(year), params: { year, source: cal.source } });
  }

  // 2.3 Political birthday: the month's list on the 1st (next working day), the activity reminder on the 20th.
  if (localDate === first) {
    const keys = birthdayMonthKeys(year, month, s.leapDayRule);
    out.push({ kind: 'birthday_month_list', audience: 'branch_secretary', period: ym, params: { year, month, keys } });
  }
  if (localDate === movedLater(20)) {
    out.push({ kind: 'birthday_activity_reminder', audience: 'branch_secretary', period: ym, params: { year, month } });
  }
  // 2.3 光荣在党50年: the OD's list of the year, on January's first working day.
  if (month === 1 && localDate === first) {
    const params = { year, partyAge: HONOURED_PARTY_AGE, fullMemberYear: fullMemberYearForPartyAge(year) };
    out.push({ kind: 'party_age_honour_list', audience: 'od', period: String(year), params });
  }

  // 2.2 Talk quotas: April, July, October (also Q4's first monthly nudge), November, December; the OD's
  // remaining list with December's.
  if ([4, 7, 10, 11, 12].includes(month) && localDate === first) {
    out.push({ kind: 'talk_quota_progress', audience: 'talk_owner', period: ym, params: { year, month } });
    if (month === 12) out.push({ kind: 'talk_quota_remaining', audience: 'od', period: String(year), params: { year } });
  }

  // 1.1 Hardship registry verification, May and November.
  if (month === 5 || month === 11) {
    if (localDate === first) out.push({ kind: 'hardship_review_nudge', audience: 'gb_secretary', period: ym, params: { year, month } });
    for (const day of [15, 25]) {
      const nominalDate = isoDate(year, month, day);
      // Period = the nominal date, so the two reminders of a month stay distinct even when one is moved.
      if (localDate === movedLater(day)) {
        out.push({ kind: 'hardship_review_reminder', audience: 'gb_secretary', period: nominalDate, params: { year, month, nominalDate } });
      }
    }
    if (localDate === last) out.push({ kind: 'hardship_review_escalation', audience: 'od', period: ym, params: { year, month } });
  }

  // 1.2 Pairing: the OD's list of leading cadres helping nobody and members in hardship without a helper.
  if (localDate === first) out.push({ kind: 'pairing_monthly_list', audience: 'od', period: ym, params: { year, month } });
  // 1.2 Fixed monthly subsidies: the OD's payment list of the month, on its first working day.
  if (localDate === first) out.push({ kind: 'subsidy_payment_list', audience: 'od', period: ym, params: { year, month } });

  // 3.3 Quarterly self-evaluation in the last two weeks of the quarter.
  if (month % 3 === 0) {
    const quarter = month / 3;
    const { start: windowStart, end: windowEnd } = selfEvaluationWindow(year, quarter);
    const params = { year, quarter, windowStart, windowEnd };
    const period = `${year}-Q${quarter}`;
    const nudge = cal.nextWorkingDay(windowStart);
    const reminder = onOrBeforeLast(cal.nextWorkingDay(addDays(windowStart, 7)));
    if (localDate === nudge) out.push({ kind: 'self_eval_nudge', audience: 'member', period, params });
    if (localDate === reminder) out.push({ kind: 'self_eval_reminder', audience: 'member', period, params });
  }

  // 3.3 Goals and commitments: secretaries record their organisation's goals and members their commitment, nudged on
  // January's first working day and reminded two weeks later (the next working day from there).
  if (month === 1 && localDate === first) out.push({ kind: 'goals_nudge', audience: 'member', period: String(year), params: { year } });
  if (localDate === cal.nextWorkingDay(addDays(cal.firstWorkingDayOfMonth(year, 1), 14))) {
    out.push({ kind: 'goals_reminder', audience: 'member', period: String(year), params: { year } });
  }

  // 3.3 Half-year evaluation (July) and year-end evaluation (December, January) by branches.
  if (localDate === first) {
    if (month === 7) out.push({ kind: 'half_year_eval_nudge', audience: 'branch_secretary', period: `${year}-H1`, params: { year } });
    if (month === 12) {
      out.push({ kind: 'year_end_eval_nudge', audience: 'branch_secretary', period: String(year), params: { evaluatedYear: year } });
      // 3.1 The leadership review goes with the year-end evaluation: the OD is nudged to open it, the same day.
      out.push({ kind: 'leadership_review_nudge', audience: 'od', period: String(year), params: { year } });
    }
    if (month === 1) {
      const evaluatedYear = year - 1;
      out.push({ kind: 'year_end_eval_reminder', audience: 'branch_secretary', period: String(evaluatedYear), params: { evaluatedYear } });
    }
  }

  // 3.3 Excellent members: each GB's secretary, with the GB's cap — December's first working day, and January's
  // (only GBs without a list for the year just ended: the planner filters).
  if (localDate === first && month === 12) out.push({ kind: 'excellent_members_nudge', audience: 'gb_secretary', period: String(year), params: { evaluatedYear: year } });
  if (localDate === first && month === 1) out.push({ kind: 'excellent_members_reminder', audience: 'gb_secretary', period: String(year - 1), params: { evaluatedYear: year - 1 } });

  // 2.1 Holiday visits.
  out.push(...holidayNotices(localDate, ctx));

  // Issue 16: the dashboard's digests.
  out.push(...digestNotices(localDate, first, ctx));

  return sortNotices(out);
}

/** The ISO week (Monday to Sunday) `date` falls in: its Monday, and the ISO week-numbering year and week. */
export function isoWeekOf(date: IsoDate): { monday: IsoDate; year: number; week: number } {
  const monday = addDays(date, -((dayOfWeek(date) + 6) % 7));
  // The ISO week belongs to the year its Thursday is in; week 1 holds the year's first Thursday.
  const thursday = addDays(monday, 3);
  const year = parseIsoDate(thursday).year;
  const week = Math.floor((toDayNumber(thursday) - toDayNumber(isoDate(year, 1, 1))) / 7) + 1;
  return { monday, year, week };
}

/** The digests due on a working day: the week's, the month's and the quarter's first working day. */
function digestNotices(localDate: IsoDate, firstOfMonth: IsoDate, ctx: ScheduleContext): Notice[] {
  const { year, month } = parseIsoDate(localDate);
  const out: Notice[] = [];
  const w = isoWeekOf(localDate);
  // The week's first working day: Monday, or the next working day if it is still in the same week.
  if (localDate === ctx.calendar.nextWorkingDay(w.monday)) {
    out.push({ kind: 'dashboard_digest_weekly', audience: 'secretaries', period: `${w.year}-W${mm(w.week)}`, params: { year: w.year, week: w.week, monday: w.monday } });
  }
  if (localDate === firstOfMonth) {
    out.push({ kind: 'dashboard_digest_monthly', audience: 'od', period: `${year}-${mm(month)}`, params: { year, month } });
    if (month % 3 === 1) {
      const quarter = (month - 1) / 3 + 1;
      out.push({ kind: 'dashboard_digest_quarterly', audience: 'committee_secretary', period: `${year}-Q${quarter}`, params: { year, quarter } });
    }
  }
  return out;
}

function sortNotices(notices: Notice[]): Notice[] {
  return notices.sort((a, b) => (a.kind === b.kind ? (a.period < b.period ? -1 : a.period > b.period ? 1 : 0) : a.kind < b.kind ? -1 : 1));
}
