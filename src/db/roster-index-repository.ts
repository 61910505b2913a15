// What the chat's name index is built from (conversation/roster-cache.ts): every active member — with or without
// a chat account, since retired members often have none and are still named in chat — with their branch and
// general branch (ids and names: a college or branch written in a message settles which namesake is meant),
// and the roster's version, so that the index is rebuilt only when the roster changed.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** One active member as the interpreter indexes them (see interpret/roster-index.ts RosterIndexInput). */
export interface RosterIndexRow {
  memberId: string;
  userid: string | null;
  name: string;
  branchId: string;
  generalBranchId: string;
  branchName: string;
  generalBranchName: string;
  status: string;
}

export class RosterIndexRepository {
  constructor(private readonly db: Db) {}

  /** Active members, accounts or not, with their branch and general branch. */
  async activeMembers(): Promise<RosterIndexRow[]> {
    const r = await sql<RosterIndexRow>`
    select m.id::text as "memberId", m.userid, m.name, m.branch_id::text as "branchId", b.parent_id::text as "generalBranchId",
           b.name as "branchName", g.name as "generalBranchName", m.status
      from members m join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
     where m.status = 'active'`.execute(this.db);
    return r.rows;
  }

  /** (max(updated_at), max(id)) of members: two index lookups; changes whenever an import changes the roster. */
  async version(): Promise<string> {
    const r = await sql<{ v: string }>`select coalesce((select max(updated_at) from members)::text, '') || '/' || coalesce((select max(id) from members)::text, '') as v`.execute(this.db);
    return r.rows[0]?.v ?? '';
  }
}
