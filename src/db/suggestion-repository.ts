// Members' suggestions (意见建议, migrations/2026120502_suggestions.ts): filing, the one reply (the state moves
// from awaiting_reply to replied once — a second reply, a clicked-twice card or a duplicated callback changes
// nothing), the lists of chat and admin API, the planner's open ones and the export's chunks. Who may see or
// answer which row is the access rule's (domain/access.ts), applied by the callers.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, SuggestionsTable } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewSuggestion {
  writerMemberId: string;
  branchId: string;
  generalBranchId: string;
  committeeId: string;
  anonymous: boolean;
  addresseeOffice: SuggestionsTable['addressee_office'];
  addresseeOrganisationId: string;
  addresseeMemberId: string | null;
  text: string;
  filedAt: Date;
  filedOn: string;
  dueOn: string;
}

/** A suggestion with the names around it (writer, organisations, the addressed person, who replied). */
export interface SuggestionRow {
  id: string;
  writer_member_id: string;
  writer_name: string;
  /** The writer's chat account while they are an active member (null once they have left): whom messages reach. */
  writer_userid: string | null;
  /** The writer's chat account whatever their status (exports and the admin API name people by account). */
  writer_account: string | null;
  branch_id: string;
  branch_name: string;
  general_branch_id: string;
  gb_name: string;
  committee_id: string;
  anonymous: boolean;
  addressee_office: SuggestionsTable['addressee_office'];
  addressee_organisation_id: string;
  addressee_organisation_name: string;
  addressee_member_id: string | null;
  addressee_name: string | null;
  /** The addressed person's chat account while they are an active member (null once they have left). */
  addressee_userid: string | null;
  /** Whether the addressed person is still an active member; null when an office is addressed. */
  addressee_active: boolean | null;
  text: string;
  filed_at: Date;
  filed_on: string;
  due_on: string;
  state: 'awaiting_reply' | 'replied';
  reply: string | null;
  replied_at: Date | null;
  replied_on: string | null;
  replied_by_member_id: string | null;
  replied_by_name: string | null;
}

/** An export row: a suggestion and the current holders of the office it is addressed to. */
export interface SuggestionExportRow extends SuggestionRow {
  /** The accounts and names of whoever holds the addressed office today (';'-joined), or the addressed person's. */
  addressee_accounts: string;
  addressee_names: string;
}

/** A committee member linked (挂联) to a general branch who can receive messages. */
export interface LinkedCommitteeMember {
  member_id: string;
  name: string;
  userid: string;
}

const SELECT = sql`
  select s.id::text as id, s.writer_member_id::text as writer_member_id, w.name as writer_name,
         case when w.status = 'active' then w.userid end as writer_userid, w.userid as writer_account,
         s.branch_id::text as branch_id, b.name as branch_name, s.general_branch_id::text as general_branch_id, g.name as gb_name,
         s.committee_id::text as committee_id, s.anonymous, s.addressee_office,
         s.addressee_organisation_id::text as addressee_organisation_id, ao.name as addressee_organisation_name,
         s.addressee_member_id::text as addressee_member_id, a.name as addressee_name,
         case when a.status = 'active' then a.userid end as addressee_userid, case when a.id is not null then a.status = 'active' end as addressee_active,
         s.text, s.filed_at, to_char(s.filed_on, 'YYYY-MM-DD') as filed_on, to_char(s.due_on, 'YYYY-MM-DD') as due_on,
         s.state, s.reply, s.replied_at, to_char(s.replied_on, 'YYYY-MM-DD') as replied_on,
         s.replied_by_member_id::text as replied_by_member_id, r.name as replied_by_name`;

const FROM = sql`
    from suggestions s
    join members w on w.id = s.writer_member_id
    join organisations b on b.id = s.branch_id
    join organisations g on g.id = s.general_branch_id
    join organisations ao on ao.id = s.addressee_organisation_id
    left join members a on a.id = s.addressee_member_id
    left join members r on r.id = s.replied_by_member_id`;

const ROLE_OF_OFFICE = sql`case s.addressee_office when 'od' then 'od_staff' else s.addressee_office end`;

export class SuggestionRepository {
  constructor(private readonly db: Db) {}

  /** Files a suggestion; returns its id. */
  async insert(s: NewSuggestion): Promise<string> {
    const row = await this.db
      .insertInto('suggestions')
      .values({
        writer_member_id: s.writerMemberId,
        branch_id: s.branchId,
        general_branch_id: s.generalBranchId,
        committee_id: s.committeeId,
        anonymous: s.anonymous,
        addressee_office: s.addresseeOffice,
        addressee_organisation_id: s.addresseeOrganisationId,
        addressee_member_id: s.addresseeMemberId,
        text: s.text,
        filed_at: s.filedAt,
        filed_on: s.filedOn,
        due_on: s.dueOn,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return String(row.id);
  }

  /** One suggestion by id (a well-formed number only), locked for a reply when `lock`. */
  async byId(id: string, lock = false): Promise<SuggestionRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const r = await sql<SuggestionRow>`${SELECT} ${FROM} where s.id = ${id}::bigint ${lock ? sql`for update of s` : sql``}`.execute(this.db);
    return r.rows[0];
  }

  /** Records the reply, once: false when it had already been replied to (a second tap, a duplicated callback). */
  async reply(id: string, reply: string, byMemberId: string, at: Date, on: string): Promise<boolean> {
    const r = await this.db
      .updateTable('suggestions')
      .set({ state: 'replied', reply, replied_at: at, replied_on: on, replied_by_member_id: byMemberId })
      .where('id', '=', id)
      .where('state', '=', 'awaiting_reply')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** A member's own suggestions, newest first. */
  async byWriter(memberId: string, limit = 50): Promise<SuggestionRow[]> {
    const r = await sql<SuggestionRow>`${SELECT} ${FROM} where s.writer_member_id = ${memberId}::bigint order by s.id desc limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /** Every suggestion of a committee still awaiting a reply, oldest due first (the caller keeps those the asker may answer). */
  async awaiting(committeeId: string): Promise<SuggestionRow[]> {
    const r = await sql<SuggestionRow>`${SELECT} ${FROM} where s.committee_id = ${committeeId}::bigint and s.state = 'awaiting_reply' order by s.due_on, s.id`.execute(this.db);
    return r.rows;
  }

  /** Suggestions awaiting a reply due between two days (the planner's window). */
  async awaitingDueBetween(from: string, to: string): Promise<SuggestionRow[]> {
    const r = await sql<SuggestionRow>`${SELECT} ${FROM}
     where s.state = 'awaiting_reply' and s.due_on between ${from}::date and ${to}::date order by s.id`.execute(this.db);
    return r.rows;
  }

  /** The committee members linked (挂联) to a general branch, active and with a chat account. */
  async linkedCommitteeMembers(generalBranchId: string): Promise<LinkedCommitteeMember[]> {
    const r = await sql<LinkedCommitteeMember>`
    select m.id::text as member_id, m.name, m.userid
      from committee_links l join members m on m.id = l.member_id
     where l.general_branch_id = ${generalBranchId}::bigint and m.status = 'active' and m.userid is not null
       and exists (select 1 from member_roles r where r.member_id = m.id and r.role = 'committee_member')
     order by m.id`.execute(this.db);
    return r.rows;
  }

  /** A chunk of the export (keyset on id; `onlyId`: that one row) — the day of a row is the local day it was filed. */
  async exportChunk(opts: { afterId: string; limit: number; from?: string | undefined; to?: string | undefined; onlyId?: string; branchIds?: readonly string[] | undefined }): Promise<SuggestionExportRow[]> {
    const r = await sql<SuggestionExportRow>`${SELECT},
           coalesce(a.userid, (select string_agg(coalesce(h.userid, ''), ';' order by h.id) from member_roles hr join members h on h.id = hr.member_id
             where hr.role = ${ROLE_OF_OFFICE} and hr.organisation_id = s.addressee_organisation_id and h.status = 'active'), '') as addressee_accounts,
           coalesce(a.name, (select string_agg(h.name, ';' order by h.id) from member_roles hr join members h on h.id = hr.member_id
             where hr.role = ${ROLE_OF_OFFICE} and hr.organisation_id = s.addressee_organisation_id and h.status = 'active'), '') as addressee_names
      ${FROM}
     where s.id > ${opts.afterId}::bigint
       ${opts.onlyId ? sql`and s.id = ${opts.onlyId}::bigint` : sql``}
       ${opts.from ? sql`and s.filed_on >= ${opts.from}::date` : sql``}
       ${opts.to ? sql`and s.filed_on <= ${opts.to}::date` : sql``}
       ${opts.branchIds ? sql`and s.branch_id = any(${[...opts.branchIds]}::bigint[])` : sql``}
     order by s.id
     limit ${opts.limit}`.execute(this.db);
    return r.rows;
  }
}
