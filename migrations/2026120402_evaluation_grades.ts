// Issue 13 section 3, half-year and year-end evaluations (半年考评, 年底总评, MECHANISM 3.3): that a branch held
// an evaluation of a kind and year (branch_evaluations: the first recording marks it held; held_on is that local
// day) and each member's grade (member_evaluation_grades: one per member, kind and year — a new grade replaces
// the old one, recorded_by/recorded_at say who set the grade in force and when).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('branch_evaluations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('half_year', 'year_end')`))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('held_on', 'date', (c) => c.notNull())
    .addColumn('recorded_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('branch_evaluations_once', ['branch_id', 'kind', 'year'])
    .execute();
  await db.schema
    .createTable('member_evaluation_grades')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('half_year', 'year_end')`))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull().check(sql`grade in ('excellent', 'competent', 'basically_competent', 'incompetent')`))
    .addColumn('recorded_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('member_evaluation_grades_once', ['member_id', 'kind', 'year'])
    .execute();
  await sql`create index member_evaluation_grades_year on member_evaluation_grades (year, kind)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('member_evaluation_grades').ifExists().execute();
  await db.schema.dropTable('branch_evaluations').ifExists().execute();
}
