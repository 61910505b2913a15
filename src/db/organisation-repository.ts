// Organisations (the committee, its general branches and branches): lookups by name, who holds an office,
// and where a member sits in the tree.
import { sql, type Kysely } from 'kysely';
import type { Database, OrganisationKind } from './schema.ts';

export interface NamedOrganisation {
  id: string;
  name: string;
  /** The parent organisation's name; null for the committee. */
  parent: string | null;
}

/** A member and their place: branch, general branch and committee. */
export interface MemberPlace {
  id: string;
  name: string;
  outstanding_contributor: boolean;
  branch_id: string;
  branch: string;
  gb_id: string;
  gb: string;
  committee_id: string;
}

/** An active holder of an office who can receive messages. */
export interface OfficeHolder {
  memberId: string;
  userid: string;
  name: string;
}

export class OrganisationRepository {
  /** `db` is the executor the queries run on: the database, or a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** These members with their places (members not found are absent), in no particular order. */
  async placesOf(memberIds: readonly string[]): Promise<MemberPlace[]> {
    if (memberIds.length === 0) return [];
    const r = await sql<MemberPlace>`
    select m.id::text as id, m.name, m.outstanding_contributor, b.id::text as branch_id, b.name as branch,
           g.id::text as gb_id, g.name as gb, g.parent_id::text as committee_id
      from members m join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
     where m.id = any(${memberIds}::bigint[])`.execute(this.db);
    return r.rows;
  }

  /**
   * Active members of a committee named (or with the chat account) as written, with their places and accounts,
   * by name then id: namesakes all come back, for the caller to tell apart.
   */
  async activeNamed(committeeId: string, written: readonly string[]): Promise<Array<MemberPlace & { userid: string | null }>> {
    if (written.length === 0) return [];
    const r = await sql<MemberPlace & { userid: string | null }>`
    select m.id::text as id, m.name, m.userid, m.outstanding_contributor, b.id::text as branch_id, b.name as branch,
           g.id::text as gb_id, g.name as gb, g.parent_id::text as committee_id
      from members m join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
     where m.status = 'active' and g.parent_id = ${committeeId}::bigint
       and (m.name = any(${written}::text[]) or lower(m.userid) = any(${written.map((w) => w.toLowerCase())}::text[]))
     order by m.name, m.id`.execute(this.db);
    return r.rows;
  }

  /** One member's place; undefined when there is no such member. */
  async placeOf(memberId: string): Promise<MemberPlace | undefined> {
    return (await this.placesOf([memberId]))[0];
  }

  /** Active holders of a role in an organisation who can receive messages, by id. */
  async holdersOf(role: string, organisationId: string): Promise<OfficeHolder[]> {
    const r = await sql<OfficeHolder>`
    select s.id::text as "memberId", s.userid, s.name
      from member_roles r join members s on s.id = r.member_id
     where r.role = ${role} and r.organisation_id = ${organisationId}::bigint and s.status = 'active' and s.userid is not null
     order by s.id`.execute(this.db);
    return r.rows;
  }

  /** The organisation's parent id; null for the committee (or an unknown id). */
  async parentOf(organisationId: string): Promise<string | null> {
    const row = await this.db.selectFrom('organisations').select(['parent_id']).where('id', '=', organisationId).executeTakeFirst();
    return row?.parent_id ?? null;
  }

  /** Every organisation of `kind` named exactly `name`, with its parent's name, by parent name then id. */
  async byKindAndName(kind: OrganisationKind, name: string): Promise<NamedOrganisation[]> {
    const rows = await sql<NamedOrganisation>`
    select o.id::text as id, o.name, p.name as parent
      from organisations o left join organisations p on p.id = o.parent_id
     where o.kind = ${kind} and o.name = ${name}
     order by p.name, o.id`.execute(this.db);
    return rows.rows;
  }

  /** The branches of these general branches, each with its general branch's name, by name then id. */
  async branchesOf(generalBranchIds: readonly string[]): Promise<{ id: string; name: string; gb: string }[]> {
    if (generalBranchIds.length === 0) return [];
    const rows = await sql<{ id: string; name: string; gb: string }>`
      select b.id::text as id, b.name, g.name as gb from organisations b join organisations g on g.id = b.parent_id
       where b.kind = 'branch' and b.parent_id = any(${generalBranchIds}::bigint[]) order by b.name, b.id`.execute(this.db);
    return rows.rows;
  }
}
