// Issue 12, emergency aid (突发困难补助, MECHANISM 1.2): one aid in progress per member at a time — a second
// application while one awaits consent, the GB's opinion, the OD's decision or its payment is answered with the
// one in progress, never stored twice (two identical messages, or a member and their secretary at once).
// A paid, rejected or withdrawn aid does not block a new one. The OD's list by state reads the second index.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unique index emergency_aids_live on emergency_aids (member_id)
            where status in ('awaiting_consent', 'applied', 'gb_reviewed', 'approved')`.execute(db);
  await sql`create index emergency_aids_status on emergency_aids (status, applied_on)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists emergency_aids_status`.execute(db);
  await sql`drop index if exists emergency_aids_live`.execute(db);
}
