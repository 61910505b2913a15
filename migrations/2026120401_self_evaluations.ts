// Issue 13 section 2, quarterly self-evaluation (季度自评, MECHANISM 3.3): one text per member per quarter. A new
// submission while the window is open replaces the text, its author and updated_at; recorded_at keeps the first
// submission. recorded_by_member_id is the member, or the branch secretary who recorded for a member without a
// chat account.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('self_evaluations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('quarter', 'integer', (c) => c.notNull().check(sql`quarter between 1 and 4`))
    .addColumn('text', 'text', (c) => c.notNull().check(sql`length(btrim(text)) > 0`))
    .addColumn('recorded_by_member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('self_evaluations_member_quarter', ['member_id', 'year', 'quarter'])
    .execute();
  // The planners' and the export's reads: who submitted for a quarter, and rows by the day they were recorded.
  await sql`create index self_evaluations_quarter on self_evaluations (year, quarter)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('self_evaluations').ifExists().execute();
}
