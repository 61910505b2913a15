// admin_audit: one row per admin request (see admin/audit.ts), at the injected clock's time.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface AdminAuditEntry {
  at: Date;
  actor: string;
  ip: string;
  method: string;
  route: string;
  path: string;
  query: Record<string, string>;
  status: number;
  rows: number | null;
  jobId: string | null;
}

export class AdminAuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(e: AdminAuditEntry): Promise<void> {
    await sql`insert into admin_audit (at, actor, ip, method, route, path, query, status, rows, job_id)
      values (${e.at}, ${e.actor}, ${e.ip}, ${e.method}, ${e.route}, ${e.path}, ${JSON.stringify(e.query)}::jsonb,
              ${e.status}, ${e.rows}, ${e.jobId}::uuid)`.execute(this.db);
  }
}
