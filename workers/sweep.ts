// The sweep queue: a BullMQ job scheduler fires the daily sweep at 08:50 in APP_TIMEZONE; every worker start
// also queues a catch-up, so days missed while the service was down are swept when it comes back. The same
// job then purges inbound text past its retention.
import { Worker, type Queue } from 'bullmq';
import type { Deps } from '../src/deps.ts';
import { DAILY_SWEEP_SCHEDULER, DASHBOARD_REFRESH_SCHEDULER, QUEUE } from '../src/jobs/queues.ts';
import { refreshDashboardSnapshots } from '../src/dashboard/refresh.ts';
import { SNAPSHOT_EVERY_MINUTES } from '../src/dashboard/snapshot-source.ts';
import { runDueSweeps, SweepIncompleteError, SWEEP_AT, type SweepDeps } from '../src/notices/sweep.ts';
import { purgeInboundText } from '../src/ingest/retention.ts';
import { waitOutDatabaseOutage } from './database-outage.ts';
import { isDatabaseUnavailable } from '../src/db/unavailable.ts';
import { dashboardHomeUrl } from '../src/dashboard/digests.ts';
import { OpsRepository } from '../src/ops/ops-repository.ts';
import { localDate } from '../src/domain/dates.ts';

export function sweepDeps(deps: Deps): SweepDeps {
  return {
    db: deps.db.db,
    outbox: deps.outbox,
    log: deps.log,
    timezone: deps.config.timezone,
    platform: deps.platform.name,
    clock: deps.clock,
    dashboardUrl: dashboardHomeUrl(deps.config),
    // Two chunks written at once on a pooled PostgreSQL (the heaviest day, issue 17 §5); the embedded one has one connection.
    writers: deps.db.kind === 'postgres' ? 2 : 1,
  };
}

/** Upserted by id: three processes booting together still leave one scheduler (RELIABILITY.md). */
export async function upsertDailySweep(queue: Queue, timezone: string): Promise<void> {
  const [hh, mm] = SWEEP_AT.split(':').map(Number);
  await queue.upsertJobScheduler(
    DAILY_SWEEP_SCHEDULER,
    { pattern: `${mm} ${hh} * * *`, tz: timezone },
    { name: 'daily-sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: { age: 30 * 86_400 }, attempts: 5, backoff: { type: 'exponential', delay: 30_000 } } },
  );
}

/** The daily job: the due sweeps, then the inbound-text purge. Returns a one-line summary for the job's result. */
export async function runDailyJob(deps: Deps): Promise<string> {
  const started = performance.now();
  try {
    return await dailyJob(deps);
  } finally {
    deps.metrics.sweepRan((performance.now() - started) / 1_000);
  }
}

async function dailyJob(deps: Deps): Promise<string> {
  // The sweep's lines carry `sweep-<today>` as their correlation id (issue 17 §3).
  const log = deps.log.child({ cid: `sweep-${localDate(deps.clock(), deps.config.timezone)}` });
  const results = await runDueSweeps({ ...sweepDeps(deps), log });
  const lastDay = results.at(-1)?.date;
  if (lastDay) {
    await new OpsRepository(deps.db.db).noticesByKind(lastDay).then(
      (byKind) => deps.metrics.sweptDay(byKind),
      (err: Error) => log.warn({ err: { message: err.message } }, 'metrics: could not count the day\'s notices'),
    );
  }
  const swept = results.map((r) => `${r.date}${r.late ? ' (late)' : ''}: ${r.recorded}`).join(', ') || 'nothing due';
  let summary: string;
  try {
    const purge = await purgeInboundText({ db: deps.db.db, inbound: deps.repos.inbound, clock: deps.clock });
    log.info({ purged: purge.purged, retentionDays: purge.retentionDays, before: purge.before.toISOString() }, 'inbound text purged past retention');
    summary = `${swept}; inbound text purged: ${purge.purged}`;
  } catch (err) {
    // The notices are out: a purge that failed (a bad setting, the database away) is retried tomorrow,
    // never a reason to run the sweep job again.
    const fields = { err: { message: (err as Error).message } };
    if (isDatabaseUnavailable(err)) log.warn(fields, 'inbound text purge failed: database unavailable');
    else log.error(fields, 'inbound text purge failed');
    summary = `${swept}; inbound text purge failed`;
  }
  // A family that failed: the job fails too, and BullMQ runs it again after its backoff (a re-run sends
  // nothing twice). Failing for good, the day is still retried by every later sweep within the catch-up window.
  if (results.some((r) => r.failed.length > 0)) throw new SweepIncompleteError(results);
  return summary;
}

/** The dashboard's snapshot, every few minutes (upserted by id like the daily sweep: one scheduler). */
export async function upsertDashboardRefresh(queue: Queue): Promise<void> {
  await queue.upsertJobScheduler(
    DASHBOARD_REFRESH_SCHEDULER,
    { every: SNAPSHOT_EVERY_MINUTES * 60_000 },
    { name: DASHBOARD_REFRESH_SCHEDULER, data: {}, opts: { removeOnComplete: true, removeOnFail: { age: 86_400 }, attempts: 1 } },
  );
}

export async function startSweepWorker(deps: Deps): Promise<Worker> {
  await upsertDailySweep(deps.queues.sweep, deps.config.timezone);
  await upsertDashboardRefresh(deps.queues.sweep);
  // The same id while one is waiting: several workers booting at once queue one catch-up.
  await deps.queues.sweep.add('catch-up', {}, { jobId: 'catch-up', removeOnComplete: true, removeOnFail: true });
  const worker = new Worker(
    QUEUE.sweep,
    waitOutDatabaseOutage(deps.log, QUEUE.sweep, async (job) =>
      job.name === DASHBOARD_REFRESH_SCHEDULER ? refreshDashboardSnapshots({ db: deps.db.db, clock: deps.clock, timezone: deps.config.timezone, log: deps.log }) : runDailyJob(deps),
    ),
    { connection: deps.workerConnection(), prefix: deps.queuePrefix, concurrency: 1, lockDuration: 120_000 },
  );
  worker.on('error', (err) => deps.log.warn({ err: { message: err.message } }, 'sweep worker error'));
  worker.on('failed', (_job, err) => deps.log.error({ err: { message: err.message } }, 'sweep failed; it will be retried'));
  return worker;
}
