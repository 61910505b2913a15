// The roster's name index in memory, rebuilt when the roster changes: the version is (max(updated_at),
// max(id)) of members — two index lookups per message — plus a periodic rebuild as a safety net. The `interpret`
// command loads the index the same way (loadRosterIndex).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { buildRosterIndex, type RosterIndex, type RosterIndexInput } from './interpret/roster-index.ts';

const MAX_AGE_MS = 5 * 60_000;

/** Active members with a chat account, with their branch and general branch: what the interpreter matches. */
export async function loadRosterIndex(db: Kysely<Database>): Promise<RosterIndex> {
  const r = await sql<RosterIndexInput>`
    select m.id::text as "memberId", m.userid, m.name, m.branch_id::text as "branchId", b.parent_id::text as "generalBranchId", m.status
    from members m join organisations b on b.id = m.branch_id
    where m.status = 'active' and m.userid is not null`.execute(db);
  return buildRosterIndex(r.rows);
}

export class RosterIndexCache {
  private index: RosterIndex | undefined;
  private version = '';
  private builtAt = 0;
  private building: Promise<RosterIndex> | undefined;

  /** `db`: the caller's transaction when it has one (the embedded database has a single connection). */
  async get(db: Kysely<Database>): Promise<RosterIndex> {
    const r = await sql<{ v: string }>`select coalesce((select max(updated_at) from members)::text, '') || '/' || coalesce((select max(id) from members)::text, '') as v`.execute(db);
    const version = r.rows[0]?.v ?? '';
    if (this.index && version === this.version && Date.now() - this.builtAt < MAX_AGE_MS) return this.index;
    // One rebuild at a time; concurrent messages wait for it.
    this.building ??= loadRosterIndex(db)
      .then((index) => {
        this.index = index;
        this.version = version;
        this.builtAt = Date.now();
        return index;
      })
      .finally(() => {
        this.building = undefined;
      });
    return this.building;
  }
}
