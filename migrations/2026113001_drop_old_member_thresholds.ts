// One source for the old-member thresholds (issue 10 point 5): the holiday visit lists have always read
// `schedule.oldMemberPartyAge` / `schedule.oldMemberAge`; the `old_member_thresholds` row seeded with the roster
// was never read, so a change to it changed nothing. It goes; what the lists do stays exactly as it was.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`delete from settings where key = 'old_member_thresholds'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`insert into settings (key, value) values ('old_member_thresholds', '{"partyAge": 50, "age": 80}'::jsonb)
    on conflict (key) do nothing`.execute(db);
}
