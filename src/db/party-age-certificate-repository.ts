// 光荣在党50年 certificates (issue 13 section 6): who is due (computed from the full-membership date: active, Party
// age reaching 50 in the year or earlier, no certificate issued), who has been confirmed eligible, and the
// certificates recorded. The rules (who is due, which date may be recorded) are domain/anniversaries.ts's; this
// file reads and writes the rows.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MemberStatus } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A member as the certificate work sees them: place, dates, and their certificate row if any. */
export interface CertificateStandingRow {
  member_id: string;
  name: string;
  userid: string | null;
  status: MemberStatus;
  full_member_on: string | null;
  branch_id: string;
  branch: string;
  gb_id: string;
  general_branch: string;
  committee_id: string;
  eligibility_confirmed_at: Date | null;
  eligibility_confirmed_by_account: string | null;
  eligibility_confirmed_by_name: string | null;
  issued_on: string | null;
  certificate_no: string | null;
  recorded_by_account: string | null;
  recorded_by_name: string | null;
  recorded_at: Date | null;
}

const STANDING_COLUMNS = sql`
    m.id::text as member_id, m.name, m.userid, m.status, to_char(m.full_member_date, 'YYYY-MM-DD') as full_member_on,
    b.id::text as branch_id, b.name as branch, g.id::text as gb_id, g.name as general_branch, g.parent_id::text as committee_id,
    c.eligibility_confirmed_at, cb.userid as eligibility_confirmed_by_account, cb.name as eligibility_confirmed_by_name,
    to_char(c.issued_on, 'YYYY-MM-DD') as issued_on, c.certificate_no, rb.userid as recorded_by_account, rb.name as recorded_by_name, c.recorded_at`;

const STANDING_FROM = sql`
      from members m
      join organisations b on b.id = m.branch_id
      join organisations g on g.id = b.parent_id
      left join party_age_certificates c on c.member_id = m.id
      left join members cb on cb.id = c.eligibility_confirmed_by_member_id
      left join members rb on rb.id = c.recorded_by_member_id`;

export class PartyAgeCertificateRepository {
  constructor(private readonly db: Db) {}

  /**
   * Active members due a certificate in `year` (Party age reaching `partyAge` that year or earlier, none issued),
   * confirmed or not, in a committee (or all): oldest full membership first.
   */
  async due(year: number, partyAge: number, committeeId?: string): Promise<CertificateStandingRow[]> {
    const r = await sql<CertificateStandingRow>`
    select ${STANDING_COLUMNS} ${STANDING_FROM}
     where m.status = 'active' and m.full_member_date is not null
       and extract(year from m.full_member_date)::int + ${partyAge}::int <= ${year}::int
       and c.issued_on is null
       ${committeeId === undefined ? sql`` : sql`and g.parent_id = ${committeeId}::bigint`}
     order by m.full_member_date, m.id`.execute(this.db);
    return r.rows;
  }

  /** Active members without a full-membership date who joined at least `partyAge + 1` years before `year`: Party age unknown, maybe 50. */
  async withoutFullMemberDate(year: number, partyAge: number, committeeId?: string): Promise<Array<{ name: string; branch: string; join_on: string; committee_id: string }>> {
    const r = await sql<{ name: string; branch: string; join_on: string; committee_id: string }>`
    select m.name, b.name as branch, g.parent_id::text as committee_id, to_char(m.join_date, 'YYYY-MM-DD') as join_on
      from members m join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
     where m.status = 'active' and m.full_member_date is null
       and extract(year from m.join_date)::int + ${partyAge + 1}::int <= ${year}::int
       ${committeeId === undefined ? sql`` : sql`and g.parent_id = ${committeeId}::bigint`}
     order by m.join_date, m.id`.execute(this.db);
    return r.rows;
  }

  /** One member's standing (any status), locking the member's row so two recordings of the same member queue. */
  async lockStanding(memberId: string): Promise<CertificateStandingRow | undefined> {
    if (!/^\d{1,18}$/.test(memberId)) return undefined;
    await sql`select id from members where id = ${memberId}::bigint for update`.execute(this.db);
    const r = await sql<CertificateStandingRow>`select ${STANDING_COLUMNS} ${STANDING_FROM} where m.id = ${memberId}::bigint`.execute(this.db);
    return r.rows[0];
  }

  /** Members of a committee (any status) named `written` or with that chat account: for resolving a name. */
  async named(committeeId: string, written: string): Promise<CertificateStandingRow[]> {
    const r = await sql<CertificateStandingRow>`
    select ${STANDING_COLUMNS} ${STANDING_FROM}
     where g.parent_id = ${committeeId}::bigint and (m.name = ${written} or lower(m.userid) = ${written.toLowerCase()})
     order by (m.status = 'active') desc, m.id`.execute(this.db);
    return r.rows;
  }

  /** Records the eligibility confirmed; false when it already was (the first confirmation stays). */
  async confirm(memberId: string, byMemberId: string, at: Date): Promise<boolean> {
    const r = await this.db
      .insertInto('party_age_certificates')
      .values({ member_id: memberId, eligibility_confirmed_by_member_id: byMemberId, eligibility_confirmed_at: at })
      .onConflict((oc) => oc.column('member_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Records the certificate issued, confirming eligibility with it when nobody had; false when one was already issued. */
  async issue(memberId: string, p: { issuedOn: string; certificateNo: string | null; byMemberId: string; at: Date }): Promise<boolean> {
    const r = await sql<{ id: string }>`
    insert into party_age_certificates (member_id, eligibility_confirmed_by_member_id, eligibility_confirmed_at, issued_on, certificate_no, recorded_by_member_id, recorded_at)
    values (${memberId}::bigint, ${p.byMemberId}::bigint, ${p.at}, ${p.issuedOn}::date, ${p.certificateNo}, ${p.byMemberId}::bigint, ${p.at})
    on conflict (member_id) do update
       set issued_on = excluded.issued_on, certificate_no = excluded.certificate_no,
           recorded_by_member_id = excluded.recorded_by_member_id, recorded_at = excluded.recorded_at
     where party_age_certificates.issued_on is null
    returning id::text as id`.execute(this.db);
    return r.rows.length > 0;
  }

  /** Who holds the certificate with this number, if anyone. */
  async holderOfNumber(certificateNo: string): Promise<{ name: string; issued_on: string } | undefined> {
    const r = await sql<{ name: string; issued_on: string }>`
    select m.name, to_char(c.issued_on, 'YYYY-MM-DD') as issued_on
      from party_age_certificates c join members m on m.id = c.member_id
     where c.certificate_no = ${certificateNo}`.execute(this.db);
    return r.rows[0];
  }

  /** Issued certificates, newest first (for the admin list). */
  async issued(committeeId?: string): Promise<CertificateStandingRow[]> {
    const r = await sql<CertificateStandingRow>`
    select ${STANDING_COLUMNS} ${STANDING_FROM}
     where c.issued_on is not null ${committeeId === undefined ? sql`` : sql`and g.parent_id = ${committeeId}::bigint`}
     order by c.issued_on desc, m.id`.execute(this.db);
    return r.rows;
  }

  /**
   * The export's rows after member `afterId`, by member id: every certificate issued (whatever the member's status
   * since) and every active member due in `year`.
   */
  async exportChunk(year: number, partyAge: number, afterId: string, limit: number): Promise<CertificateStandingRow[]> {
    const r = await sql<CertificateStandingRow>`
    select ${STANDING_COLUMNS} ${STANDING_FROM}
     where m.id > ${afterId}::bigint
       and (c.issued_on is not null
            or (m.status = 'active' and m.full_member_date is not null and extract(year from m.full_member_date)::int + ${partyAge}::int <= ${year}::int))
     order by m.id
     limit ${limit}`.execute(this.db);
    return r.rows;
  }
}
