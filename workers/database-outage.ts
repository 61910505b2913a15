// A job that failed because the database is away (stopped, restarting, unreachable) is not at fault: it waits
// a few seconds and runs again without spending an attempt. Spending them would fail it for good during an
// outage longer than its backoff (about a minute), and a failed job kept in Redis under its id turns the
// relay's re-add of that id into a no-op — the work would sit until someone looked (issue 8.3).
import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../src/db/unavailable.ts';

export type JobProcessor<Data, Result> = (job: Job<Data>, token?: string) => Promise<Result>;

export function waitOutDatabaseOutage<Data, Result>(
  log: Logger,
  queue: string,
  processor: JobProcessor<Data, Result>,
  retryInMs: () => number = () => 2_000 + Math.floor(Math.random() * 3_000),
): JobProcessor<Data, Result> {
  return async (job, token) => {
    try {
      return await processor(job, token);
    } catch (err) {
      if (err instanceof DelayedError || !isDatabaseUnavailable(err)) throw err;
      log.warn({ queue, jobId: job.id, err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'database unavailable: job waits for it');
      // Moving to delayed and throwing DelayedError does not count as a failed attempt (BullMQ).
      await job.moveToDelayed(Date.now() + retryInMs(), token);
      throw new DelayedError();
    }
  };
}

/**
 * Writes a record of something that already happened (a message WeCom accepted) through a short database
 * outage: retried while the database is away, for at most `forMs` (the row's lease — after that another
 * worker may take the row anyway). Losing this write would send the message again once PostgreSQL returns.
 */
export async function recordThroughOutage<T>(write: () => Promise<T>, log: Logger, what: string, forMs: number): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let waitMs = 200; ; waitMs = Math.min(waitMs * 2, 2_000)) {
    try {
      return await write();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + waitMs > deadline) throw err;
      log.warn({ err: { message: (err as Error).message }, retryInMs: waitMs }, `database unavailable: ${what} not recorded yet, retrying`);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
