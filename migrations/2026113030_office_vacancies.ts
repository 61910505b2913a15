// Vacant offices (issue 11, point 7): a branch without a secretary, a general branch without one. Their notices
// and obligations pass one level up at once (no table needed for that); this table remembers since when each
// office has been vacant, so that the OD is told of a vacancy once — not every day — and again only if the
// office falls vacant anew after being filled.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('office_vacancies')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('organisation_id', 'bigint', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('branch_secretary', 'gb_secretary')`))
    // The local day the daily sweep first found it vacant, and the day it found it filled again.
    .addColumn('since', 'date', (c) => c.notNull())
    .addColumn('filled_on', 'date')
    .execute();
  await sql`create unique index office_vacancies_open on office_vacancies (organisation_id, role) where filled_on is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('office_vacancies').execute();
}
