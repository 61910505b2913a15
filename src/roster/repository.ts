// Roster I/O, set-based: every write takes whole arrays (unnest of one array parameter per column), so
// importing 100,000 members is a few dozen statements, never one per member. Dates travel as 'YYYY-MM-DD'
// text both ways (to_char on read), whatever date parser the driver has.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Gender, MemberStatus, OrganisationKind } from '../db/schema.ts';
import type { StoredRole } from '../domain/roster.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Rows per statement: big enough to amortise round trips, small enough to keep each statement's memory low. */
export const CHUNK = 10_000;

export interface OrganisationRow {
  id: string;
  kind: OrganisationKind;
  name: string;
  parentId: string | null;
}

export interface MemberFields {
  name: string;
  /** The account the product knows the member by: 账号, or their 钉钉账号 when they have only that. */
  userid: string | null;
  /** 钉钉账号 (issue 15). */
  dingtalkUserid: string | null;
  /** userid is only the member's DingTalk account: WeCom never gets it as an address. */
  useridFromDingtalk: boolean;
  gender: Gender | null;
  birthDate: string | null;
  joinDate: string;
  fullMemberDate: string | null;
  branchId: string;
  cadreLevel: string | null;
  phone: string | null;
  status: MemberStatus;
  statusChangedOn: string | null;
}

export interface MemberRow extends MemberFields {
  id: string;
  /** 突出贡献: read with the member, written on its own (setOutstanding). */
  outstanding?: boolean;
  /** 党代会代表: read with the member, written on its own (setDelegate). */
  delegate?: boolean;
}

export interface RoleRow {
  memberId: string;
  role: StoredRole;
  organisationId: string;
}

export interface LinkRow {
  memberId: string;
  generalBranchId: string;
}

export interface RosterState {
  organisations: OrganisationRow[];
  members: MemberRow[];
  roles: RoleRow[];
  links: LinkRow[];
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const MEMBER_COLUMNS = sql`id::text as id, name, userid, gender,
  to_char(birth_date, 'YYYY-MM-DD') as "birthDate", to_char(join_date, 'YYYY-MM-DD') as "joinDate",
  to_char(full_member_date, 'YYYY-MM-DD') as "fullMemberDate", branch_id::text as "branchId",
  cadre_level as "cadreLevel", phone, status, to_char(status_changed_on, 'YYYY-MM-DD') as "statusChangedOn",
  outstanding_contributor as outstanding, party_congress_delegate as delegate,
  dingtalk_userid as "dingtalkUserid", userid_from_dingtalk as "useridFromDingtalk"`;

export class RosterRepository {
  constructor(private readonly db: Db) {}

  /** Serialises roster writers (import, seed, retire): a second import waits for the first to commit. */
  async lock(): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext('partycare.roster'))`.execute(this.db);
  }

  async loadOrganisations(): Promise<OrganisationRow[]> {
    const r = await sql<OrganisationRow>`select id::text as id, kind, name, parent_id::text as "parentId"
      from organisations order by id`.execute(this.db);
    return r.rows;
  }

  async loadState(): Promise<RosterState> {
    const organisations = await this.loadOrganisations();
    const members = (await sql<MemberRow>`select ${MEMBER_COLUMNS} from members order by id`.execute(this.db)).rows;
    const roles = (
      await sql<RoleRow>`select member_id::text as "memberId", role, organisation_id::text as "organisationId"
        from member_roles`.execute(this.db)
    ).rows;
    const links = (
      await sql<LinkRow>`select member_id::text as "memberId", general_branch_id::text as "generalBranchId"
        from committee_links`.execute(this.db)
    ).rows;
    return { organisations, members, roles, links };
  }

  async countMembers(): Promise<number> {
    const r = await sql<{ n: string }>`select count(*)::text as n from members`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  /** Inserts organisations of one kind under their parents; returns them with their ids. */
  async insertOrganisations(kind: OrganisationKind, rows: { name: string; parentId: string | null }[]): Promise<OrganisationRow[]> {
    if (rows.length === 0) return [];
    const parentKind: OrganisationKind | null = kind === 'committee' ? null : kind === 'general_branch' ? 'committee' : 'general_branch';
    const out: OrganisationRow[] = [];
    for (const part of chunks(rows)) {
      const r = await sql<OrganisationRow>`insert into organisations (kind, name, parent_id, parent_kind)
        select ${kind}, t.name, t.parent_id, ${parentKind}
        from unnest(${part.map((o) => o.name)}::text[], ${part.map((o) => o.parentId)}::bigint[]) as t(name, parent_id)
        returning id::text as id, kind, name, parent_id::text as "parentId"`.execute(this.db);
      out.push(...r.rows);
    }
    return out;
  }

  private memberArrays(rows: readonly MemberFields[]) {
    return sql`unnest(
      ${rows.map((m) => m.name)}::text[], ${rows.map((m) => m.userid)}::text[], ${rows.map((m) => m.gender)}::text[],
      ${rows.map((m) => m.birthDate)}::date[], ${rows.map((m) => m.joinDate)}::date[], ${rows.map((m) => m.fullMemberDate)}::date[],
      ${rows.map((m) => m.branchId)}::bigint[], ${rows.map((m) => m.cadreLevel)}::text[], ${rows.map((m) => m.phone)}::text[],
      ${rows.map((m) => m.status)}::text[], ${rows.map((m) => m.statusChangedOn)}::date[],
      ${rows.map((m) => m.dingtalkUserid)}::text[], ${rows.map((m) => m.useridFromDingtalk)}::boolean[])`;
  }

  /** Inserts members; returns their ids in the order given. */
  async insertMembers(rows: readonly MemberFields[]): Promise<string[]> {
    const ids: string[] = [];
    for (const part of chunks(rows)) {
      // Ids are drawn from the identity sequence first, so each input row knows its id without matching
      // RETURNING rows back to inputs (RETURNING order is not guaranteed).
      const drawn = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('members', 'id'))::text as id
        from generate_series(1, ${part.length}::int)`.execute(this.db);
      const partIds = drawn.rows.map((r) => r.id);
      await sql`insert into members (id, name, userid, gender, birth_date, join_date, full_member_date, branch_id, cadre_level, phone, status, status_changed_on, dingtalk_userid, userid_from_dingtalk)
        overriding system value
        select i.id, t.name, t.userid, t.gender, t.birth_date, t.join_date, t.full_member_date, t.branch_id, t.cadre_level, t.phone, t.status, t.status_changed_on, t.dingtalk_userid, t.userid_from_dingtalk
        from ${this.memberArrays(part)} with ordinality
          as t(name, userid, gender, birth_date, join_date, full_member_date, branch_id, cadre_level, phone, status, status_changed_on, dingtalk_userid, userid_from_dingtalk, ord)
        join unnest(${partIds}::bigint[]) with ordinality as i(id, ord) using (ord)`.execute(this.db);
      ids.push(...partIds);
    }
    return ids;
  }

  /** Updates members whose values differ (the IS DISTINCT FROM guard keeps re-imports write-free). */
  async updateMembers(rows: readonly MemberRow[]): Promise<number> {
    let n = 0;
    for (const part of chunks(rows)) {
      const r = await sql`
        update members m set name = v.name, userid = v.userid, gender = v.gender, birth_date = v.birth_date,
          join_date = v.join_date, full_member_date = v.full_member_date, branch_id = v.branch_id,
          cadre_level = v.cadre_level, phone = v.phone, status = v.status, status_changed_on = v.status_changed_on,
          dingtalk_userid = v.dingtalk_userid, userid_from_dingtalk = v.userid_from_dingtalk, updated_at = now()
        from (select * from ${this.memberArrays(part)} with ordinality
                as t(name, userid, gender, birth_date, join_date, full_member_date, branch_id, cadre_level, phone, status, status_changed_on, dingtalk_userid, userid_from_dingtalk, ord)
              join unnest(${part.map((m) => m.id)}::bigint[]) with ordinality as i(id, ord) using (ord)) v
        where m.id = v.id
          and (m.name, m.userid, m.gender, m.birth_date, m.join_date, m.full_member_date, m.branch_id, m.cadre_level, m.phone, m.status, m.status_changed_on, m.dingtalk_userid, m.userid_from_dingtalk)
            is distinct from
              (v.name, v.userid, v.gender, v.birth_date, v.join_date, v.full_member_date, v.branch_id, v.cadre_level, v.phone, v.status, v.status_changed_on, v.dingtalk_userid, v.userid_from_dingtalk)`.execute(
        this.db,
      );
      n += Number(r.numAffectedRows ?? 0);
    }
    return n;
  }

  /**
   * Clears the accounts (账号 and 钉钉账号) of members whose accounts the import is about to change. PostgreSQL
   * checks a unique index row by row, so one UPDATE that moves an account from one member to another, or swaps
   * two, may meet the old holder still holding it; released first, the accounts are then written in one pass.
   */
  async releaseAccounts(memberIds: readonly string[]): Promise<void> {
    for (const part of chunks(memberIds)) {
      await sql`update members set userid = null, dingtalk_userid = null, userid_from_dingtalk = false
        where id = any(${part}::bigint[])`.execute(this.db);
    }
  }

  async insertRoles(rows: readonly RoleRow[]): Promise<void> {
    for (const part of chunks(rows)) {
      await sql`insert into member_roles (member_id, role, organisation_id)
        select * from unnest(${part.map((r) => r.memberId)}::bigint[], ${part.map((r) => r.role)}::text[], ${part.map((r) => r.organisationId)}::bigint[])
        on conflict do nothing`.execute(this.db);
    }
  }

  async deleteRoles(rows: readonly RoleRow[]): Promise<void> {
    for (const part of chunks(rows)) {
      await sql`delete from member_roles where (member_id, role, organisation_id) in (
        select * from unnest(${part.map((r) => r.memberId)}::bigint[], ${part.map((r) => r.role)}::text[], ${part.map((r) => r.organisationId)}::bigint[]))`.execute(
        this.db,
      );
    }
  }

  async insertLinks(rows: readonly LinkRow[]): Promise<void> {
    for (const part of chunks(rows)) {
      await sql`insert into committee_links (member_id, general_branch_id)
        select * from unnest(${part.map((r) => r.memberId)}::bigint[], ${part.map((r) => r.generalBranchId)}::bigint[])
        on conflict do nothing`.execute(this.db);
    }
  }

  async deleteLinks(rows: readonly LinkRow[]): Promise<void> {
    for (const part of chunks(rows)) {
      await sql`delete from committee_links where (member_id, general_branch_id) in (
        select * from unnest(${part.map((r) => r.memberId)}::bigint[], ${part.map((r) => r.generalBranchId)}::bigint[]))`.execute(this.db);
    }
  }

  /** Marks members transferred out as of `on`, and ends their roles and links: they no longer answer for anyone. */
  async retireMembers(ids: readonly string[], on: string): Promise<void> {
    for (const part of chunks(ids)) {
      await sql`update members set status = 'transferred_out', status_changed_on = ${on}::date, updated_at = now()
        where id = any(${part}::bigint[]) and status = 'active'`.execute(this.db);
      await sql`delete from member_roles where member_id = any(${part}::bigint[])`.execute(this.db);
      await sql`delete from committee_links where member_id = any(${part}::bigint[])`.execute(this.db);
    }
  }

  /** Sets or clears the outstanding-contributor flag (突出贡献) of these members, by id. */
  async setOutstanding(memberIds: readonly string[], outstanding: boolean): Promise<void> {
    for (const part of chunks(memberIds)) {
      await sql`update members set outstanding_contributor = ${outstanding}, updated_at = now()
        where id = any(${part}::bigint[]) and outstanding_contributor <> ${outstanding}`.execute(this.db);
    }
  }

  /** Sets or clears the Party congress delegate flag (党代会代表) of these members, by id. */
  async setDelegate(memberIds: readonly string[], delegate: boolean): Promise<void> {
    for (const part of chunks(memberIds)) {
      await sql`update members set party_congress_delegate = ${delegate}, updated_at = now()
        where id = any(${part}::bigint[]) and party_congress_delegate <> ${delegate}`.execute(this.db);
    }
  }

  /** Marks these accounts as Party congress delegates (the demo organisation). */
  async markDelegates(userids: readonly string[]): Promise<void> {
    for (const part of chunks(userids)) {
      await sql`update members set party_congress_delegate = true where userid = any(${part}::text[])`.execute(this.db);
    }
  }

  async markOutstandingContributors(userids: readonly string[]): Promise<void> {
    for (const part of chunks(userids)) {
      await sql`update members set outstanding_contributor = true where userid = any(${part}::text[])`.execute(this.db);
    }
  }

  /** Records a status change (death, transfer) of members by account, each with its own date. */
  async setStatus(changes: readonly { userid: string; on: string }[], status: MemberStatus): Promise<void> {
    for (const part of chunks(changes)) {
      await sql`update members m set status = ${status}, status_changed_on = v.changed_on, updated_at = now()
        from unnest(${part.map((c) => c.userid)}::text[], ${part.map((c) => c.on)}::date[]) as v(userid, changed_on)
        where m.userid = v.userid`.execute(this.db);
    }
  }
}
