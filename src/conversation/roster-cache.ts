// The roster's name index in memory, rebuilt when the roster changes: the version is (max(updated_at),
// max(id)) of members — two index lookups per message — plus a periodic rebuild as a safety net. The `interpret`
// command loads the index the same way (loadRosterIndex).
import type { Kysely } from 'kysely';
import { RosterIndexRepository } from '../db/roster-index-repository.ts';
import type { Database } from '../db/schema.ts';
import { buildRosterIndex, type RosterIndex } from './interpret/roster-index.ts';

const MAX_AGE_MS = 5 * 60_000;

/** Active members (with or without a chat account), with their branch and general branch: what the interpreter matches. */
export async function loadRosterIndex(db: Kysely<Database>): Promise<RosterIndex> {
  return buildRosterIndex(await new RosterIndexRepository(db).activeMembers());
}

export class RosterIndexCache {
  private index: RosterIndex | undefined;
  private version = '';
  private builtAt = 0;
  private building: Promise<RosterIndex> | undefined;

  /** `db`: the caller's transaction when it has one (the embedded database has a single connection). */
  async get(db: Kysely<Database>): Promise<RosterIndex> {
    const version = await new RosterIndexRepository(db).version();
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
