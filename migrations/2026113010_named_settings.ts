// One named setting per default (issue 11 point 15): the `schedule` and `obligation_due_days` objects become a
// row per field under the names the settings CLI and admin API use (src/domain/settings.ts), so each is read,
// listed and checked on its own. Values move as they are; a field never stored stays absent (its default).
import { sql, type Kysely } from 'kysely';

const MOVES: ReadonlyArray<readonly [from: string, field: string, to: string]> = [
  ['schedule', 'leapDayRule', 'leap_day_rule'],
  ['schedule', 'extraHolidays', 'extra_holidays'],
  ['schedule', 'holidayListDaysBefore', 'holiday_list_days_before'],
  ['schedule', 'holidayReminderDaysBefore', 'holiday_reminder_days_before'],
  ['schedule', 'oldMemberPartyAge', 'old_member_party_age'],
  ['schedule', 'oldMemberAge', 'old_member_age'],
  ['obligation_due_days', 'visitDueDays', 'visit_due_days'],
  ['obligation_due_days', 'deathVisitDueDays', 'death_visit_due_days'],
  ['obligation_due_days', 'talkDueDays', 'talk_due_days'],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [from, field, to] of MOVES) {
    await sql`insert into settings (key, value)
      select ${to}, value -> ${field} from settings where key = ${from} and value -> ${field} is not null
      on conflict (key) do nothing`.execute(db);
  }
  await sql`delete from settings where key in ('schedule', 'obligation_due_days')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const from of ['schedule', 'obligation_due_days']) {
    const moves = MOVES.filter((m) => m[0] === from);
    await sql`insert into settings (key, value)
      select ${from}, jsonb_object_agg(f.field, s.value)
        from settings s join (values ${sql.join(moves.map(([, field, to]) => sql`(${field}::text, ${to}::text)`))}) as f(field, key) on f.key = s.key
      having count(*) > 0
      on conflict (key) do nothing`.execute(db);
    await sql`delete from settings where key in (${sql.join(moves.map((m) => m[2]))})`.execute(db);
  }
}
