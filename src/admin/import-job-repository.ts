// roster_import_jobs: the record of roster imports run as jobs (see admin/import-jobs.ts). Raw SQL: the table
// is this module's alone.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ImportReport } from '../roster/import.ts';
import type { RowError } from '../roster/parse.ts';

export type ImportJobStatus = 'queued' | 'running' | 'done' | 'failed';

/** What a job was asked to do, as stored with it. */
export interface StoredImportOptions {
  dryRun: boolean;
  retireMissing: boolean;
  allowNewOrganisations?: boolean;
  /** The uploaded file's size. */
  bytes: number;
}

type Db = Kysely<Database>;

export interface ImportJobRow {
  id: string;
  status: ImportJobStatus;
  dry_run: boolean;
  report: ImportReport | null;
  error: string | null;
  errors: RowError[] | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat: Date;
}

export class ImportJobRepository {
  constructor(private readonly db: Db) {}

  /** Inserts a queued job; false when another job is queued or running (the partial unique index). */
  async insert(id: string, opts: StoredImportOptions, startedBy: string, now: Date): Promise<boolean> {
    const r = await sql<{ id: string }>`insert into roster_import_jobs (id, status, dry_run, options, started_by, created_at, heartbeat)
      values (${id}::uuid, 'queued', ${opts.dryRun}, ${JSON.stringify({ retireMissing: opts.retireMissing, allowNewOrganisations: opts.allowNewOrganisations === true, bytes: opts.bytes })}::jsonb,
              ${startedBy}, ${now}, ${now})
      on conflict do nothing returning id::text as id`.execute(this.db);
    return r.rows.length === 1;
  }

  async active(): Promise<ImportJobRow | undefined> {
    const r = await sql<ImportJobRow>`select * from roster_import_jobs where status in ('queued', 'running') limit 1`.execute(this.db);
    return r.rows[0];
  }

  async get(id: string): Promise<ImportJobRow | undefined> {
    const r = await sql<ImportJobRow>`select * from roster_import_jobs where id = ${id}::uuid`.execute(this.db);
    return r.rows[0];
  }

  async markRunning(id: string, now: Date): Promise<void> {
    await sql`update roster_import_jobs set status = 'running', started_at = ${now}, heartbeat = ${now} where id = ${id}::uuid`.execute(this.db);
  }

  async heartbeat(id: string, now: Date): Promise<void> {
    await sql`update roster_import_jobs set heartbeat = ${now} where id = ${id}::uuid and status in ('queued', 'running')`.execute(this.db);
  }

  async finish(id: string, now: Date, result: { report: ImportReport } | { error: string; errors?: RowError[] }): Promise<void> {
    const done = 'report' in result;
    await sql`update roster_import_jobs
      set status = ${done ? 'done' : 'failed'}, finished_at = ${now}, heartbeat = ${now},
          report = ${done ? JSON.stringify(result.report) : null}::jsonb,
          error = ${done ? null : result.error},
          errors = ${!done && result.errors ? JSON.stringify(result.errors) : null}::jsonb
      where id = ${id}::uuid`.execute(this.db);
  }

  /** Marks a queued or running job whose heartbeat is older than `cutoff` failed, saying `error`; true if it did. */
  async failIfStale(id: string, cutoff: Date, now: Date, error: string): Promise<boolean> {
    const r = await sql<{ id: string }>`update roster_import_jobs
      set status = 'failed', error = ${error}, finished_at = ${now}
      where id = ${id}::uuid and status in ('queued', 'running') and heartbeat < ${cutoff}
      returning id::text as id`.execute(this.db);
    return r.rows.length === 1;
  }
}
