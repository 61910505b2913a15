// Whether the database answers: the readiness probe's one query.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export class HealthRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Resolves when the database answers a trivial query; rejects otherwise. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }
}
