// Issue 8, points 9 and 10. roster_import_jobs: roster imports over HTTP run as background jobs, and this is
// their record — status, the report or the errors — so a client polls GET /admin/roster/import/:id, and a job
// whose server died is recognised by its lapsed heartbeat. A partial UNIQUE index admits one queued or running
// import at a time across every server. admin_audit: one row per admin request (who, what, how many rows).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table roster_import_jobs (
    id uuid primary key,
    status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
    dry_run boolean not null,
    -- The import's options (retireMissing) and the upload's size, as received.
    options jsonb not null,
    -- Who started it, as the audit names them ("admin token" and the source address).
    started_by text not null,
    -- The import report (done), as the synchronous route answers it.
    report jsonb,
    -- Why it failed, and the row errors when the file had bad rows (failed).
    error text,
    errors jsonb,
    created_at timestamptz not null,
    started_at timestamptz,
    finished_at timestamptz,
    heartbeat timestamptz not null
  )`.execute(db);
  await sql`create unique index roster_import_jobs_one_active on roster_import_jobs ((true)) where status in ('queued', 'running')`.execute(db);
  await sql`create index roster_import_jobs_created_at on roster_import_jobs (created_at)`.execute(db);

  await sql`create table admin_audit (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    actor text not null,
    ip text not null,
    method text not null,
    route text not null,
    path text not null,
    -- The request's options (format, dates, dryRun…): never the token, never row contents.
    query jsonb not null default '{}',
    status integer not null,
    rows integer,
    job_id uuid
  )`.execute(db);
  await sql`create index admin_audit_at on admin_audit (at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists admin_audit`.execute(db);
  await sql`drop table if exists roster_import_jobs`.execute(db);
}
