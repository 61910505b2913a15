// A day's sweep is written family by family (greetings, lists, reminders…): one family that fails no longer
// takes the others down. The day records which failed, so it is swept again until none does.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table sweep_days add column failed_families text[] not null default '{}'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table sweep_days drop column failed_families`.execute(db);
}
