// What the metrics read from PostgreSQL besides the delivery backlog (db/delivery-repository.ts).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export class OpsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The notices of one day (due_on), by kind: what the sweep of that day has recorded in all. */
  async noticesByKind(date: string): Promise<Record<string, number>> {
    const r = await sql<{ kind: string; n: number }>`select kind, count(*)::int as n from notices where due_on = ${date}::date group by kind`.execute(this.db);
    return Object.fromEntries(r.rows.map((x) => [x.kind, x.n]));
  }
}
