// The local day an obligation was opened, written by the code from the injected clock. The reminder rule ("two
// days before, unless it was opened later") read created_at — the database's wall clock, in UTC — so a
// reminder depended on the hour and the real date of the run rather than on the day of the report.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table care_obligations add column opened_on date`.execute(db);
  await sql`update care_obligations set opened_on = (created_at at time zone 'Asia/Shanghai')::date`.execute(db);
  await sql`alter table care_obligations alter column opened_on set not null`.execute(db);
  await sql`alter table care_obligations alter column opened_on set default current_date`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table care_obligations drop column opened_on`.execute(db);
}
