// Commendations (表彰奖励, MECHANISM 3.2–3.3): a GB's excellent-member list for a year (its general_branch-level
// excellent_member rows), the committee's picks (committee-level excellent_member / excellent_worker, with the reason
// for a person on no GB list of the year) and every other commendation, each with its certificate number. Reads for
// "我的表彰", a person's list, the year-end nudges (each GB's active members and whether it has a list) and the
// exports (keyset chunks by id).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CommendationKind, CommendationLevel } from '../domain/incentive.ts';
import type { Database, OrganisationKind } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewCommendation {
  year: number;
  kind: CommendationKind;
  level: CommendationLevel;
  cause: string | null;
  memberId: string | null;
  organisationId: string | null;
  issuerId: string;
  reason: string | null;
  certificateNo: string;
  certificateSeq: number | null;
  recordedBy: string | null;
  at: Date;
}

/** A commendation as shown to people: recipient, issuer and recorder by name. */
export interface CommendationView {
  id: string;
  year: number;
  kind: CommendationKind;
  level: CommendationLevel;
  cause: string | null;
  member_id: string | null;
  member_name: string | null;
  member_userid: string | null;
  organisation_id: string | null;
  organisation_name: string | null;
  issuer_name: string;
  reason: string | null;
  certificate_no: string;
  recorded_at: Date;
}

/** One person on a GB's list for a year. */
export interface GbListEntry {
  id: string;
  member_id: string;
  certificate_no: string;
  certificate_seq: number | null;
}

/** A row of the exports: a commendation with its recipient's and issuer's places and its recorder. */
export interface CommendationExportRow {
  id: string;
  year: number;
  kind: CommendationKind;
  level: CommendationLevel;
  cause: string | null;
  member_id: string | null;
  member_userid: string | null;
  member_name: string | null;
  organisation_name: string | null;
  organisation_kind: OrganisationKind | null;
  /** The recipient's GB (the member's, the organisation's or the organisation itself), or null (the committee). */
  gb_id: string | null;
  gb_name: string | null;
  branch_id: string | null;
  branch_name: string | null;
  committee_id: string;
  issuer_name: string;
  reason: string | null;
  on_gb_list: boolean;
  certificate_no: string;
  recorded_by_userid: string | null;
  recorded_by_name: string | null;
  recorded_at: Date;
}

/** A GB with its active members and whether it has named its excellent members for a year. */
export interface GbCapRow {
  id: string;
  name: string;
  active: number;
  has_list: boolean;
}

export class CommendationRepository {
  constructor(private readonly db: Db) {}

  /** Active members of a GB (members who died or transferred out are not counted: MECHANISM 3.3). */
  async activeMembersOfGb(gbId: string): Promise<number> {
    const r = await sql<{ n: number }>`
      select count(*)::int as n from members m join organisations b on b.id = m.branch_id
       where b.parent_id = ${gbId}::bigint and m.status = 'active'`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }

  /** Every GB of the committee with its active members and whether it has a list for the year, by name. */
  async gbCaps(year: number): Promise<GbCapRow[]> {
    const r = await sql<GbCapRow>`
      select g.id::text as id, g.name,
             (select count(*)::int from members m join organisations b on b.id = m.branch_id where b.parent_id = g.id and m.status = 'active') as active,
             exists (select 1 from commendations c where c.issuer_id = g.id and c.year = ${year} and c.kind = 'excellent_member' and c.level = 'general_branch') as has_list
        from organisations g where g.kind = 'general_branch' order by g.name, g.id`.execute(this.db);
    return r.rows;
  }

  /** The GB's list for the year, by certificate sequence. */
  async gbList(gbId: string, year: number): Promise<GbListEntry[]> {
    return this.db
      .selectFrom('commendations')
      .select(['id', 'member_id', 'certificate_no', 'certificate_seq'])
      .where('issuer_id', '=', gbId)
      .where('year', '=', year)
      .where('kind', '=', 'excellent_member')
      .where('level', '=', 'general_branch')
      .orderBy('certificate_seq')
      .orderBy('id')
      .execute() as Promise<GbListEntry[]>;
  }

  /** Whether the committee has recorded any excellent member or worker for the year (GB lists are then final). */
  async committeePicked(committeeId: string, year: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('commendations')
      .select('id')
      .where('issuer_id', '=', committeeId)
      .where('year', '=', year)
      .where('kind', 'in', ['excellent_member', 'excellent_worker'])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Of these members, those on some GB's list for the year. */
  async onGbLists(memberIds: readonly string[], year: number): Promise<Set<string>> {
    if (memberIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('commendations')
      .select('member_id')
      .where('member_id', 'in', [...memberIds])
      .where('year', '=', year)
      .where('kind', '=', 'excellent_member')
      .where('level', '=', 'general_branch')
      .execute();
    return new Set(rows.map((r) => r.member_id!));
  }

  /** Of these members, those already holding this committee honour for the year. */
  async heldByMembers(issuerId: string, year: number, kind: CommendationKind, memberIds: readonly string[]): Promise<Set<string>> {
    if (memberIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('commendations')
      .select('member_id')
      .where('issuer_id', '=', issuerId)
      .where('year', '=', year)
      .where('kind', '=', kind)
      .where('member_id', 'in', [...memberIds])
      .execute();
    return new Set(rows.map((r) => r.member_id!));
  }

  /** The next generated certificate sequence of an issuer for a year (never reuses a number still on record). */
  async nextCertificateSeq(issuerId: string, year: number): Promise<number> {
    const r = await sql<{ n: number }>`
      select coalesce(max(certificate_seq), 0)::int + 1 as n from commendations where issuer_id = ${issuerId}::bigint and year = ${year}`.execute(this.db);
    return r.rows[0]!.n;
  }

  /** Whether a certificate number is already on record. */
  async certificateTaken(certificateNo: string): Promise<boolean> {
    return (await this.db.selectFrom('commendations').select('id').where('certificate_no', '=', certificateNo).executeTakeFirst()) !== undefined;
  }

  /** Whether the same commendation (year, kind, level, cause, recipient, issuer) is already on record. */
  async sameOnRecord(c: Pick<NewCommendation, 'year' | 'kind' | 'level' | 'cause' | 'memberId' | 'organisationId' | 'issuerId'>): Promise<boolean> {
    let q = this.db
      .selectFrom('commendations')
      .select('id')
      .where('year', '=', c.year)
      .where('kind', '=', c.kind)
      .where('level', '=', c.level)
      .where('issuer_id', '=', c.issuerId);
    q = c.cause === null ? q.where('cause', 'is', null) : q.where('cause', '=', c.cause);
    q = c.memberId === null ? q.where('member_id', 'is', null) : q.where('member_id', '=', c.memberId);
    q = c.organisationId === null ? q.where('organisation_id', 'is', null) : q.where('organisation_id', '=', c.organisationId);
    return (await q.executeTakeFirst()) !== undefined;
  }

  /** Records commendations; returns their ids in order. */
  async insert(rows: readonly NewCommendation[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const out = await this.db
      .insertInto('commendations')
      .values(
        rows.map((c) => ({
          year: c.year,
          kind: c.kind,
          level: c.level,
          cause: c.cause,
          member_id: c.memberId,
          organisation_id: c.organisationId,
          issuer_id: c.issuerId,
          reason: c.reason,
          certificate_no: c.certificateNo,
          certificate_seq: c.certificateSeq,
          recorded_by_member_id: c.recordedBy,
          recorded_at: c.at,
        })),
      )
      .returning('id')
      .execute();
    return out.map((r) => r.id);
  }

  /** Withdraws commendations (a GB list replaced before the committee's picks). */
  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.deleteFrom('commendations').where('id', 'in', [...ids]).execute();
  }

  /** A member's commendations, newest year first. */
  async ofMember(memberId: string): Promise<CommendationView[]> {
    return this.views(sql`c.member_id = ${memberId}::bigint`);
  }

  /** These commendations, as shown. */
  async byIds(ids: readonly string[]): Promise<CommendationView[]> {
    if (ids.length === 0) return [];
    return this.views(sql`c.id = any(${ids}::bigint[])`);
  }

  private async views(where: ReturnType<typeof sql>): Promise<CommendationView[]> {
    const r = await sql<CommendationView>`
      select c.id::text as id, c.year, c.kind, c.level, c.cause, c.member_id::text as member_id, m.name as member_name, m.userid as member_userid,
             c.organisation_id::text as organisation_id, o.name as organisation_name, i.name as issuer_name, c.reason, c.certificate_no, c.recorded_at
        from commendations c
        join organisations i on i.id = c.issuer_id
        left join members m on m.id = c.member_id
        left join organisations o on o.id = c.organisation_id
       where ${where}
       order by c.year desc, c.level, c.kind, c.id`.execute(this.db);
    return r.rows;
  }

  /** An organisation's name. */
  async organisationName(id: string): Promise<string | undefined> {
    return (await this.db.selectFrom('organisations').select('name').where('id', '=', id).executeTakeFirst())?.name;
  }

  /** Organisations with this id or exactly this name, in any committee, with their GB and committee, by id. */
  async organisationsByIdOrName(written: string): Promise<Array<{ id: string; name: string; kind: OrganisationKind; gb_id: string | null; committee_id: string }>> {
    const byId = /^\d{1,18}$/.test(written);
    const r = await sql<{ id: string; name: string; kind: OrganisationKind; gb_id: string | null; committee_id: string }>`
      select o.id::text as id, o.name, o.kind,
             case o.kind when 'general_branch' then o.id::text when 'branch' then o.parent_id::text end as gb_id,
             (case o.kind when 'committee' then o.id when 'general_branch' then o.parent_id else p.parent_id end)::text as committee_id
        from organisations o left join organisations p on p.id = o.parent_id
       where ${byId ? sql`o.id = ${written}::bigint` : sql`o.name = ${written}`}
       order by o.id`.execute(this.db);
    return r.rows;
  }

  /** Organisations of the committee named exactly so (any kind), with their GB, by id. */
  async organisationsNamed(committeeId: string, name: string): Promise<Array<{ id: string; name: string; kind: OrganisationKind; gb_id: string | null }>> {
    const r = await sql<{ id: string; name: string; kind: OrganisationKind; gb_id: string | null }>`
      select o.id::text as id, o.name, o.kind,
             case o.kind when 'general_branch' then o.id::text when 'branch' then o.parent_id::text end as gb_id
        from organisations o left join organisations p on p.id = o.parent_id
       where o.name = ${name}
         and (o.id = ${committeeId}::bigint or o.parent_id = ${committeeId}::bigint or p.parent_id = ${committeeId}::bigint)
       order by o.id`.execute(this.db);
    return r.rows;
  }

  /**
   * Export rows after `afterId` (keyset), at most `limit`, optionally only the excellent-member lists and picks;
   * `from`/`to` bound the local day recorded.
   */
  async exportChunk(opts: {
    afterId: string;
    limit: number;
    excellentOnly: boolean;
    from?: string | undefined;
    to?: string | undefined;
    timeZone: string;
    /** Only a member's commendations by their current branch, or a branch's own; undefined: all. */
    branchIds?: readonly string[] | undefined;
  }): Promise<CommendationExportRow[]> {
    const day = sql`(c.recorded_at at time zone ${opts.timeZone})::date`;
    const r = await sql<CommendationExportRow>`
      select c.id::text as id, c.year, c.kind, c.level, c.cause,
             c.member_id::text as member_id, m.userid as member_userid, m.name as member_name,
             o.name as organisation_name, o.kind as organisation_kind,
             coalesce(mg.id, case o.kind when 'general_branch' then o.id when 'branch' then o.parent_id end)::text as gb_id,
             coalesce(mg.name, case o.kind when 'general_branch' then o.name when 'branch' then op.name end) as gb_name,
             coalesce(mb.id, case o.kind when 'branch' then o.id end)::text as branch_id,
             coalesce(mb.name, case o.kind when 'branch' then o.name end) as branch_name,
             (case i.kind when 'committee' then i.id else i.parent_id end)::text as committee_id,
             i.name as issuer_name, c.reason,
             (c.member_id is not null and exists (select 1 from commendations l where l.member_id = c.member_id and l.year = c.year
                and l.kind = 'excellent_member' and l.level = 'general_branch')) as on_gb_list,
             c.certificate_no, r.userid as recorded_by_userid, r.name as recorded_by_name, c.recorded_at
        from commendations c
        join organisations i on i.id = c.issuer_id
        left join members m on m.id = c.member_id
        left join organisations mb on mb.id = m.branch_id
        left join organisations mg on mg.id = mb.parent_id
        left join organisations o on o.id = c.organisation_id
        left join organisations op on op.id = o.parent_id
        left join members r on r.id = c.recorded_by_member_id
       where c.id > ${opts.afterId}::bigint
         ${opts.excellentOnly ? sql`and c.kind in ('excellent_member', 'excellent_worker') and c.member_id is not null` : sql``}
         ${opts.from ? sql`and ${day} >= ${opts.from}::date` : sql``}
         ${opts.to ? sql`and ${day} <= ${opts.to}::date` : sql``}
         ${opts.branchIds ? sql`and coalesce(mb.id, case o.kind when 'branch' then o.id end) = any(${[...opts.branchIds]}::bigint[])` : sql``}
       order by c.id
       limit ${opts.limit}`.execute(this.db);
    return r.rows;
  }
}
