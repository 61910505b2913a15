// Issue 13, sections 4 and 5 (MECHANISM 3.2–3.3): commendations (表彰奖励) — a GB's excellent members (its list
// under the cap: kind 'excellent_member', level 'general_branch', issued by the GB), the committee's excellent
// members and excellent Party workers (level 'committee', with the reason when the person is on no GB list of the
// year), advanced grassroots organisations and special commendations (专项表彰, with a free-text cause).
// The recipient is a member or an organisation, never both. Every commendation carries its honour certificate's
// number: generated ones (〔year〕第N号) keep their sequence per issuer and year in certificate_seq.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('commendations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 1921 and 2200`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('advanced_organisation', 'excellent_member', 'excellent_worker', 'special')`))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('committee', 'general_branch')`))
    .addColumn('cause', 'text')
    .addColumn('member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('organisation_id', 'bigint', (c) => c.references('organisations.id'))
    .addColumn('issuer_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('reason', 'text')
    .addColumn('certificate_no', 'text', (c) => c.notNull().check(sql`length(btrim(certificate_no)) > 0`))
    .addColumn('certificate_seq', 'integer')
    .addColumn('recorded_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('commendation_recipient', sql`(member_id is null) <> (organisation_id is null)`)
    .addCheckConstraint(
      'commendation_kind_recipient',
      sql`(kind = 'advanced_organisation' and organisation_id is not null) or (kind in ('excellent_member', 'excellent_worker') and member_id is not null) or kind = 'special'`,
    )
    .addCheckConstraint('commendation_cause', sql`(kind = 'special') = (cause is not null and length(btrim(cause)) > 0)`)
    .execute();
  await sql`create unique index commendations_certificate_no on commendations (certificate_no)`.execute(db);
  await sql`create unique index commendations_certificate_seq on commendations (issuer_id, year, certificate_seq) where certificate_seq is not null`.execute(db);
  // One excellent-member or excellent-worker honour per issuer, year and person.
  await sql`create unique index commendations_excellent on commendations (issuer_id, year, kind, member_id) where kind in ('excellent_member', 'excellent_worker')`.execute(db);
  await sql`create index commendations_member on commendations (member_id, year) where member_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('commendations').ifExists().execute();
}
