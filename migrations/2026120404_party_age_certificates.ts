// Issue 13 section 6, 光荣在党50年 to the certificate (MECHANISM 2.3 last paragraph): one row per member once the OD
// has confirmed their eligibility (一贯表现良好、为党勤恳奉献) or recorded the certificate issued — who confirmed and
// when; the issue date, the certificate number (optional) and who recorded it. A member due a certificate without
// a row is simply due (computed from the full-membership date, never stored). Recording the issue confirms
// eligibility in the same row (eligibility is never absent from an issued certificate); a number is unique.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('party_age_certificates')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull().unique().references('members.id'))
    .addColumn('eligibility_confirmed_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('eligibility_confirmed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('issued_on', 'date')
    .addColumn('certificate_no', 'text', (c) => c.check(sql`certificate_no is null or length(btrim(certificate_no)) > 0`))
    .addColumn('recorded_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('recorded_at', 'timestamptz')
    .addCheckConstraint('party_age_certificate_issue', sql`(issued_on is null) = (recorded_at is null) and (certificate_no is null or issued_on is not null)`)
    .execute();
  await sql`create unique index party_age_certificates_number on party_age_certificates (certificate_no) where certificate_no is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('party_age_certificates').ifExists().execute();
}
