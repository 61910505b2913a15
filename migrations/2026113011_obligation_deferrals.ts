// 延期 at most twice (issue 11 point 8): each obligation counts the times its due date was postponed, and
// records the day a press beyond the limit made it escalate as if overdue.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table care_obligations add column deferrals smallint not null default 0`.execute(db);
  await sql`alter table care_obligations add column escalated_on date`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table care_obligations drop column escalated_on`.execute(db);
  await sql`alter table care_obligations drop column deferrals`.execute(db);
}
