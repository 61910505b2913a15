// The calendar's administrator-changeable settings (MECHANISM: defaults stored in the database, not in code),
// read from the named settings (domain/settings.ts) at every sweep, so a change applies from the next one.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { DEFAULT_SCHEDULE_SETTINGS, type ScheduleSettings } from '../domain/schedule.ts';
import { SETTINGS } from '../domain/settings.ts';

export type BirthdayBasis = 'join_date' | 'full_member_date';

export interface CalendarSettings {
  schedule: ScheduleSettings;
  /** Which date is the political birthday: the join date (default) or the full-membership date. */
  birthdayBasis: BirthdayBasis;
  /** How many missed days the catch-up sweeps after downtime. */
  catchUpDays: number;
}

export const DEFAULT_CALENDAR_SETTINGS: CalendarSettings = {
  schedule: DEFAULT_SCHEDULE_SETTINGS,
  birthdayBasis: SETTINGS.political_birthday_basis.default,
  catchUpDays: SETTINGS.catch_up_days.default,
};

/** Reads the settings rows; a bad stored value fails loudly with the key named rather than being ignored. */
export async function loadCalendarSettings(db: Kysely<Database>): Promise<CalendarSettings> {
  const s = await new SettingsRepository(db).read([
    'leap_day_rule',
    'extra_holidays',
    'holiday_list_days_before',
    'holiday_reminder_days_before',
    'old_member_party_age',
    'old_member_age',
    'political_birthday_basis',
    'catch_up_days',
  ]);
  return {
    schedule: {
      leapDayRule: s.leap_day_rule,
      extraHolidays: s.extra_holidays,
      holidayListDaysBefore: s.holiday_list_days_before,
      holidayReminderDaysBefore: s.holiday_reminder_days_before,
      oldMemberPartyAge: s.old_member_party_age,
      oldMemberAge: s.old_member_age,
    },
    birthdayBasis: s.political_birthday_basis,
    catchUpDays: s.catch_up_days,
  };
}
