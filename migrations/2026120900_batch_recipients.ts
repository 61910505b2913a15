// Issue 17 §5: on the heaviest day the sweep wrote a delivery row for every member (about a million, each with
// five indexes), two thirds of the day's write time. A batch the sweep writes now carries its recipients (their
// idempotency keys and chat ids, in sending order) and waits as 'unwritten'; its first claim writes their
// delivery rows and clears the lists in the same transaction (DeliveryBatchRepository.claim). A worker of an
// older release claims only 'pending' batches, so during a rolling upgrade it never takes one whose rows do not
// exist yet. Null lists: the rows are written (every batch made before this, and announcements).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table delivery_batches add column recipient_keys text[], add column recipients text[]`.execute(db);
  await sql`alter table delivery_batches add constraint delivery_batches_recipients_paired
              check ((recipients is null) = (recipient_keys is null) and coalesce(cardinality(recipients) = cardinality(recipient_keys), true))`.execute(db);
  await sql`alter table delivery_batches drop constraint delivery_batches_status_check`.execute(db);
  await sql`alter table delivery_batches add constraint delivery_batches_status_check check (status in ('unwritten', 'pending', 'sending', 'done'))`.execute(db);
  // The relay's query for batches to (re-)enqueue.
  await sql`drop index delivery_batches_unfinished`.execute(db);
  await sql`create index delivery_batches_unfinished on delivery_batches (id) where status in ('unwritten', 'pending', 'sending')`.execute(db);
  // The backlog (/readyz, /metrics) counts the recipients of batches not yet claimed.
  await sql`create index delivery_batches_unwritten on delivery_batches (platform) where recipients is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Batches not yet claimed get their rows first: an older release sends only what has rows.
  await sql`
    insert into deliveries (idempotency_key, platform, recipient, message, push, not_before, batch_id, correlation_id, created_at)
    select t.k, b.platform, t.r, b.message, b.push, b.not_before, b.id, b.correlation_id, b.created_at
      from delivery_batches b cross join lateral unnest(b.recipient_keys, b.recipients) with ordinality as t(k, r, n)
     where b.recipients is not null
     order by b.id, t.n
    on conflict (idempotency_key) do nothing`.execute(db);
  await sql`update delivery_batches set status = 'pending' where status = 'unwritten'`.execute(db);
  await sql`drop index if exists delivery_batches_unwritten`.execute(db);
  await sql`drop index delivery_batches_unfinished`.execute(db);
  await sql`create index delivery_batches_unfinished on delivery_batches (id) where status in ('pending', 'sending')`.execute(db);
  await sql`alter table delivery_batches drop constraint delivery_batches_status_check`.execute(db);
  await sql`alter table delivery_batches add constraint delivery_batches_status_check check (status in ('pending', 'sending', 'done'))`.execute(db);
  await sql`alter table delivery_batches drop constraint if exists delivery_batches_recipients_paired, drop column recipient_keys, drop column recipients`.execute(db);
}
