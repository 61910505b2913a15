// Identical content to many people (issue 14 §1): one deliveries row per recipient as before — its own
// idempotency key and status — plus a batch on top that sends up to a platform call's worth of them at once
// (WeCom: 1,000 recipients per message/send). A row of a batch is sent only by its batch's job; the batch
// carries the lease. frozen_at: from the first send attempt the batch's recipients no longer change, so a
// re-send after a crash is the identical request that WeCom's duplicate check drops.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('delivery_batches')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    // `<broadcast key>#<part>`: recording the same broadcast again inserts nothing.
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('message', 'jsonb', (c) => c.notNull())
    .addColumn('push', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('not_before', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sending', 'done')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('lease_token', 'text')
    .addColumn('frozen_at', 'timestamptz')
    // Fixed with the recipients: a digest of them in order (an identical request is the same message to the
    // same list), and whether the call asks for WeCom's duplicate check — so every re-send is the same bytes.
    .addColumn('recipients_digest', 'text')
    .addColumn('duplicate_check', 'boolean')
    .addColumn('error_code', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await sql`create index delivery_batches_unfinished on delivery_batches (id) where status in ('pending', 'sending')`.execute(db);
  await sql`alter table deliveries add column batch_id bigint references delivery_batches (id)`.execute(db);
  await sql`create index deliveries_batch on deliveries (batch_id, id) where batch_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries drop column batch_id`.execute(db);
  await db.schema.dropTable('delivery_batches').execute();
}
