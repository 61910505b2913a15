// The daily purge of raw inbound text (issue 8): a partial index holding only the events whose text is still
// kept, by arrival — each purge chunk finds its oldest rows at once, and purged rows leave the index.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index inbound_events_text_kept on inbound_events (received_at, id) where payload->>'text' <> ''`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists inbound_events_text_kept`.execute(db);
}
