// max(updated_at) of members is the roster's version: the bot's in-memory name index is rebuilt when it moves.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index members_updated_at on members (updated_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists members_updated_at`.execute(db);
}
