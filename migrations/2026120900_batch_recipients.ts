// Issue 17 §5: on the heaviest day the sweep wrote a delivery row for every member (about a million, each with
// five indexes), two thirds of the day's write time. A batch the sweep writes now carries its recipients (their
// idempotency keys and chat ids, in sending order) and their delivery rows are written when the batch's job
// first claims it (DeliveryBatchRepository.materialize), a thousand at a time while sending; the arrays are
// cleared in the same statement. Null: the rows are written (every batch made before this, and announcements).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table delivery_batches add column recipient_keys text[], add column recipients text[]`.execute(db);
  await sql`alter table delivery_batches add constraint delivery_batches_recipients_paired check (cardinality(recipient_keys) = cardinality(recipients))`.execute(db);
  // The backlog (/readyz, /metrics) counts the recipients of batches not yet claimed.
  await sql`create index delivery_batches_unwritten on delivery_batches (platform) where recipients is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists delivery_batches_unwritten`.execute(db);
  await sql`alter table delivery_batches drop constraint if exists delivery_batches_recipients_paired, drop column recipient_keys, drop column recipients`.execute(db);
}
