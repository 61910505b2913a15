// A lease names its holder: a worker renews its own lease while it works (a dead worker's rows are taken over
// in seconds), and an inbound event is marked done only by the worker that still holds it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table inbound_events add column lease_token text`.execute(db);
  await sql`alter table deliveries add column lease_token text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table inbound_events drop column lease_token`.execute(db);
  await sql`alter table deliveries drop column lease_token`.execute(db);
}
