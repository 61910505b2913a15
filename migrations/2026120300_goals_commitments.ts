// Issue 13, goals and commitments (组织目标管理, 个人亮岗履职, MECHANISM 3.3): a branch's or general branch's goals
// for a year (kind 'goals', organisation_id) and a member's post commitment (kind 'commitment', member_id). One
// per subject and year: a new message replaces the text (updated_at), recorded_at keeps the first recording.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('goal_statements')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('goals', 'commitment')`))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('organisation_id', 'bigint', (c) => c.references('organisations.id'))
    .addColumn('member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('text', 'text', (c) => c.notNull().check(sql`length(btrim(text)) > 0`))
    .addColumn('recorded_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint(
      'goal_statement_subject',
      sql`(kind = 'goals' and organisation_id is not null and member_id is null) or (kind = 'commitment' and member_id is not null and organisation_id is null)`,
    )
    .execute();
  await sql`create unique index goal_statements_goals on goal_statements (organisation_id, year) where kind = 'goals'`.execute(db);
  await sql`create unique index goal_statements_commitment on goal_statements (member_id, year) where kind = 'commitment'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('goal_statements').ifExists().execute();
}
