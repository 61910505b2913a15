// One yearly-quota obligation per (owner, member, year): opening the year's quotas again (a roster import
// mid-year) adds only the new pairs. And the conversation's memory of what it last asked each person.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unique index care_obligations_quota_once on care_obligations (kind, owner_member_id, member_id, period) where source = 'quota'`.execute(db);
  await sql`create index care_obligations_quota_owner on care_obligations (period, owner_member_id) where source = 'quota'`.execute(db);
  await db.schema
    .createTable('conversation_memory')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('conversation_memory_pk', ['member_id', 'topic', 'ref'])
    .execute();
  await sql`create index conversation_memory_recent on conversation_memory (member_id, at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('conversation_memory').execute();
  await sql`drop index if exists care_obligations_quota_owner`.execute(db);
  await sql`drop index if exists care_obligations_quota_once`.execute(db);
}
