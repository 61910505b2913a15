// The calendar's administrator-changeable settings (MECHANISM: defaults stored in the database, not in code).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { checkScheduleSettings, DEFAULT_SCHEDULE_SETTINGS, type ScheduleSettings } from '../domain/schedule.ts';

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
  birthdayBasis: 'join_date',
  catchUpDays: 7,
};

/** Reads the settings rows; a bad stored value fails loudly with the key named rather than being ignored. */
export async function loadCalendarSettings(db: Kysely<Database>): Promise<CalendarSettings> {
  const stored = await new SettingsRepository(db).values(['schedule', 'political_birthday_basis', 'catch_up_days']);
  const get = (k: string) => stored.get(k);
  const schedule = { ...DEFAULT_SCHEDULE_SETTINGS, ...((get('schedule') as Partial<ScheduleSettings> | undefined) ?? {}) };
  try {
    checkScheduleSettings(schedule);
  } catch (err) {
    throw new Error(`settings "schedule": ${(err as Error).message}`);
  }
  const basis = (get('political_birthday_basis') as BirthdayBasis | undefined) ?? 'join_date';
  if (basis !== 'join_date' && basis !== 'full_member_date') throw new Error(`settings "political_birthday_basis" must be join_date or full_member_date`);
  const catchUpDays = Number(get('catch_up_days') ?? 7);
  if (!Number.isInteger(catchUpDays) || catchUpDays < 0 || catchUpDays > 60) throw new Error('settings "catch_up_days" must be 0–60');
  return { schedule, birthdayBasis: basis, catchUpDays };
}
