// Issue 12, pairing (结对帮扶): the lookups pairing makes on every helper's message and in every sweep — whom a
// member helps (a helper's talk or visit, 我的结对对象, the leading cadres' monthly list), whom an organisation
// helps, and who helps a member — on live pairings only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index pairings_live_by_helper on pairings (helper_member_id) where ended_on is null and helper_member_id is not null`.execute(db);
  await sql`create index pairings_live_by_organisation on pairings (helper_organisation_id) where ended_on is null and helper_organisation_id is not null`.execute(db);
  await sql`create index pairings_by_member on pairings (member_id, started_on)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists pairings_by_member`.execute(db);
  await sql`drop index if exists pairings_live_by_organisation`.execute(db);
  await sql`drop index if exists pairings_live_by_helper`.execute(db);
}
