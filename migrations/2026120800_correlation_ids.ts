// Issue 17 §3: a correlation id from each callback through its jobs to the deliveries it produces, so every log
// line about one message can be found together. The inbound event's own id for it is its dedupe key (the
// platform's message id or event key); deliveries and batches keep the id of what caused them, since the relay
// re-enqueues them from these tables. Nullable: rows from before, and sends nothing caused (the admin API).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries add column correlation_id text`.execute(db);
  await sql`alter table delivery_batches add column correlation_id text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table delivery_batches drop column if exists correlation_id`.execute(db);
  await sql`alter table deliveries drop column if exists correlation_id`.execute(db);
}
