// The worker's job behind the dashboard's snapshot (src/dashboard/snapshot-source.ts): every committee counted
// again for today, where it is large enough to need it.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { localDate } from '../domain/dates.ts';
import type { Logger } from '../logger.ts';
import { figureSourceOf } from './figure-source.ts';
import { periodOf } from './figures.ts';
import { SnapshotRepository } from './snapshot-repository.ts';

export async function refreshDashboardSnapshots(deps: { db: Kysely<Database>; clock: () => Date; timezone: string; log: Logger }): Promise<string> {
  const figures = figureSourceOf(deps.db, deps.timezone);
  const period = periodOf(localDate(deps.clock(), deps.timezone));
  const done: string[] = [];
  for (const committeeId of await new SnapshotRepository(deps.db).committees()) {
    const started = Date.now();
    if (await figures.refresh(committeeId, period, deps.clock)) {
      done.push(committeeId);
      deps.log.info({ committeeId, on: period.today, ms: Date.now() - started }, 'dashboard snapshot refreshed');
    }
  }
  return done.length > 0 ? `dashboard snapshot refreshed for committee ${done.join(', ')}` : 'no committee large enough for a snapshot';
}
