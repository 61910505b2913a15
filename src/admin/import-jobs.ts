// Roster imports over HTTP as jobs (issue 8, point 9). A 200,000-row import takes longer than any request
// may stay open, so the upload is kept in the memory of the server that received it and imported by an
// in-process background task; roster_import_jobs records it (status, the report or the errors, a heartbeat)
// so any server can answer GET /admin/roster/import/:id. The import itself is one transaction: a job whose
// server died (heartbeat lapsed) left nothing half-written, and is reported failed with a clear reason.
// One import at a time: a partial UNIQUE index admits one queued or running job across every server.
import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { ImportJobRepository, type ImportJobRow, type ImportJobStatus } from './import-job-repository.ts';
import { localDate } from '../domain/dates.ts';
import { refreshQuotaObligationsAfterImport } from '../care/obligations.ts';
import { importRosterFile, RosterFileError, type ImportReport } from '../roster/import.ts';
import type { RowError } from '../roster/parse.ts';

export type { ImportJobStatus };

/** What GET /admin/roster/import/:id answers. */
export interface ImportJobView {
  id: string;
  status: ImportJobStatus;
  dryRun: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** done: the report the synchronous route gives. */
  report?: ImportReport;
  /** failed: why; with the row errors when the file had bad rows. */
  error?: string;
  errors?: RowError[];
}

export interface ImportJobOptions {
  dryRun: boolean;
  retireMissing: boolean;
  /** See ImportOptions.allowNewOrganisations. */
  allowNewOrganisations?: boolean;
}

export const ROW_ERRORS_MESSAGE = '名册有误，未写入任何数据';
export const SERVER_DIED_MESSAGE = '服务重启，导入未完成，请重新上传';
export const INTERNAL_FAILURE_MESSAGE = '导入失败（服务器内部错误），未写入任何数据，请稍后重试';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export type ImportJobDeps = Pick<Deps, 'config' | 'db' | 'clock' | 'log'>;

export interface ImportJobTimings {
  /** How often a running job says it is alive. Default 5 s. */
  heartbeatMs?: number;
  /** A queued or running job not heard of for this long belongs to a server that died. Default 60 s. */
  staleAfterMs?: number;
}

export type StartResult =
  | { started: true; id: string; view: ImportJobView; finished: Promise<ImportJobView> }
  | { started: false; activeId: string };

interface LiveJob {
  view: ImportJobView;
  finished: Promise<ImportJobView>;
}

export class RosterImportJobs {
  private readonly repo: ImportJobRepository;
  /** Jobs this process is working on: answered from memory (on PGlite the import holds the only connection). */
  private readonly live = new Map<string, LiveJob>();
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;

  constructor(
    private readonly deps: ImportJobDeps,
    timings: ImportJobTimings = {},
  ) {
    this.repo = new ImportJobRepository(deps.db.db);
    this.heartbeatMs = timings.heartbeatMs ?? 5_000;
    this.staleAfterMs = timings.staleAfterMs ?? 60_000;
  }

  /** Records a job and starts it in the background, or names the import already under way. */
  async start(bytes: Buffer, opts: ImportJobOptions, startedBy: string): Promise<StartResult> {
    const busy = [...this.live.keys()][0];
    if (busy !== undefined) return { started: false, activeId: busy };
    const id = randomUUID();
    const now = this.deps.clock();
    let inserted = await this.repo.insert(id, { ...opts, bytes: bytes.length }, startedBy, now);
    if (!inserted) {
      const active = await this.repo.active();
      // The running job's server died: its import rolled back; it no longer holds the slot.
      if (active && (await this.repo.failIfStale(active.id, this.staleCutoff(), now, SERVER_DIED_MESSAGE))) {
        inserted = await this.repo.insert(id, { ...opts, bytes: bytes.length }, startedBy, now);
      }
      if (!inserted) {
        const holder = active ?? (await this.repo.active());
        if (holder) return { started: false, activeId: holder.id };
        // The other job finished between our insert and our look: try once more.
        inserted = await this.repo.insert(id, { ...opts, bytes: bytes.length }, startedBy, now);
        if (!inserted) return { started: false, activeId: (await this.repo.active())?.id ?? '' };
      }
    }
    const view: ImportJobView = { id, status: 'queued', dryRun: opts.dryRun, createdAt: now.toISOString(), startedAt: null, finishedAt: null };
    const finished = new Promise<ImportJobView>((resolve) => setImmediate(() => void this.run(view, bytes, opts).then(resolve)));
    this.live.set(id, { view, finished });
    return { started: true, id, view: { ...view }, finished };
  }

  /** The job's status: from memory if this process runs it, else from the table. undefined if unknown. */
  async view(id: string): Promise<ImportJobView | undefined> {
    const live = this.live.get(id);
    if (live) return { ...live.view };
    const row = await this.repo.get(id);
    if (!row) return undefined;
    if ((row.status === 'queued' || row.status === 'running') && new Date(row.heartbeat) < this.staleCutoff()) {
      if (await this.repo.failIfStale(id, this.staleCutoff(), this.deps.clock(), SERVER_DIED_MESSAGE)) {
        this.deps.log.warn({ importJob: id }, 'roster import job abandoned: its server stopped before it finished; reported failed');
      }
      return this.view(id);
    }
    return viewOf(row);
  }

  /** Waits for the jobs this process is running (they finish or fail; a transaction is never cut). */
  async close(): Promise<void> {
    await Promise.all([...this.live.values()].map((j) => j.finished));
  }

  private staleCutoff(): Date {
    return new Date(this.deps.clock().getTime() - this.staleAfterMs);
  }

  private async run(view: ImportJobView, bytes: Buffer, opts: ImportJobOptions): Promise<ImportJobView> {
    const { db, log, config, clock } = this.deps;
    let beating = false;
    // One heartbeat at a time: on PGlite they wait behind the import's transaction and must not pile up.
    const timer = setInterval(() => {
      if (beating) return;
      beating = true;
      this.repo
        .heartbeat(view.id, clock())
        .catch((err: Error) => log.warn({ importJob: view.id, err: { message: err.message } }, 'roster import heartbeat failed'))
        .finally(() => (beating = false));
    }, this.heartbeatMs);
    timer.unref();
    let result: { report: ImportReport } | { error: string; errors?: RowError[] };
    try {
      const started = clock();
      view.status = 'running';
      view.startedAt = started.toISOString();
      await this.repo.markRunning(view.id, started);
      const today = localDate(clock(), config.timezone);
      const outcome = await importRosterFile(db.db, bytes, { dryRun: opts.dryRun, retireMissing: opts.retireMissing, allowNewOrganisations: opts.allowNewOrganisations, today, now: clock() });
      if (!outcome.ok) {
        result = { error: ROW_ERRORS_MESSAGE, errors: outcome.errors };
      } else {
        if (!opts.dryRun) await refreshQuotaObligationsAfterImport(db.db, localDate(clock(), config.timezone), clock());
        result = { report: outcome.report };
      }
    } catch (err) {
      if (err instanceof RosterFileError) {
        result = { error: err.message };
      } else {
        log.error({ importJob: view.id, err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'roster import job failed');
        result = { error: INTERNAL_FAILURE_MESSAGE };
      }
    } finally {
      clearInterval(timer);
    }
    const finishedAt = clock();
    Object.assign(view, { status: 'report' in result ? 'done' : 'failed', finishedAt: finishedAt.toISOString() }, result);
    try {
      await this.repo.finish(view.id, finishedAt, result);
    } catch (err) {
      log.error({ importJob: view.id, err: { message: (err as Error).message } }, 'roster import job result not recorded');
    }
    this.live.delete(view.id);
    log.info(
      { importJob: view.id, status: view.status, dryRun: view.dryRun, rows: view.report?.rows, rowErrors: view.errors?.length },
      'roster import job finished',
    );
    return { ...view };
  }
}

function viewOf(row: ImportJobRow): ImportJobView {
  return {
    id: row.id,
    status: row.status,
    dryRun: row.dry_run,
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    ...(row.report ? { report: row.report } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.errors ? { errors: row.errors } : {}),
  };
}
