// Issue 12, fixed monthly subsidies (定额补助): the OD's 到期终止 — decided before the end month, carried out once it
// is past (ended_reason not_renewed) — is recorded with who and when; a subsidy is renewed at most once (the
// renewal is the new term's row, renewed_from_id); and the monthly list finds the live subsidies by an index.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('subsidies')
    .addColumn('end_decided_at', 'timestamptz')
    .addColumn('end_decided_by_member_id', 'bigint', (c) => c.references('members.id'))
    .execute();
  // 续期 twice (two OD officers, a retried click) creates one next term: the second insert finds this index.
  await sql`create unique index subsidies_renewed_once on subsidies (renewed_from_id) where renewed_from_id is not null and status <> 'withdrawn'`.execute(db);
  await sql`create index subsidies_member on subsidies (member_id)`.execute(db);
  await sql`create index subsidies_live on subsidies (start_month) where status in ('proposed', 'active')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists subsidies_live`.execute(db);
  await sql`drop index if exists subsidies_member`.execute(db);
  await sql`drop index if exists subsidies_renewed_once`.execute(db);
  await db.schema.alterTable('subsidies').dropColumn('end_decided_by_member_id').dropColumn('end_decided_at').execute();
}
