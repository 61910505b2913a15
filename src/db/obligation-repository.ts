// Care obligations (what someone owes whom by when): the reads the sweep needs. The rest of the obligation
// queries still live in care/obligations.ts (issue 10, point 1: to be moved here).
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export class ObligationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Whether the year's talk quotas were opened (one indexed probe). */
  async quotaOpenedFor(year: number): Promise<boolean> {
    const any = await this.db.selectFrom('care_obligations').select('id').where('source', '=', 'quota').where('period', '=', String(year)).limit(1).executeTakeFirst();
    return any !== undefined;
  }
}
