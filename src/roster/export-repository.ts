// The roster as export-roster writes it: active members with their places, roles and links, in one stable
// order (src/roster/export.ts turns the rows into the import's columns and notation).
import { sql, type Kysely } from 'kysely';
import type { Database, Gender } from '../db/schema.ts';

export interface RosterExportRow {
  name: string;
  userid: string | null;
  /** 钉钉账号 (issue 15). */
  dingtalkUserid: string | null;
  /** userid is only the DingTalk account: the export's 账号 is blank. */
  useridFromDingtalk: boolean;
  gender: Gender | null;
  birthDate: string | null;
  joinDate: string;
  fullMemberDate: string | null;
  generalBranch: string;
  branch: string;
  /** Stored role codes joined by ',' (unordered); null when none. */
  roles: string | null;
  cadreLevel: string | null;
  /** Linked (挂联) general branches' names joined by `listSeparator`, by name; null when none. */
  links: string | null;
  phone: string | null;
  outstanding: boolean;
  delegate: boolean;
}

export class RosterExportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every active member, by general branch, branch, name and account; dates as YYYY-MM-DD. */
  async activeMembers(listSeparator: string): Promise<RosterExportRow[]> {
    // collate "C": the same order on every server whatever its locale, so exports compare byte for byte.
    const r = await sql<RosterExportRow>`
    select m.name, m.userid, m.dingtalk_userid as "dingtalkUserid", m.userid_from_dingtalk as "useridFromDingtalk", m.gender,
      to_char(m.birth_date, 'YYYY-MM-DD') as "birthDate", to_char(m.join_date, 'YYYY-MM-DD') as "joinDate",
      to_char(m.full_member_date, 'YYYY-MM-DD') as "fullMemberDate",
      gb.name as "generalBranch", b.name as branch, m.cadre_level as "cadreLevel", m.phone,
      m.outstanding_contributor as outstanding, m.party_congress_delegate as delegate,
      (select string_agg(r.role, ',') from member_roles r where r.member_id = m.id) as roles,
      (select string_agg(g.name, ${listSeparator} order by g.name collate "C")
         from committee_links l join organisations g on g.id = l.general_branch_id where l.member_id = m.id) as links
    from members m
    join organisations b on b.id = m.branch_id
    join organisations gb on gb.id = b.parent_id
    where m.status = 'active'
    order by gb.name collate "C", b.name collate "C", m.name collate "C", m.userid collate "C" nulls last, m.id`.execute(this.db);
    return r.rows;
  }
}
