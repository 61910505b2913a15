// The worker's job behind the dashboard's snapshot (src/dashboard/snapshot-source.ts): every committee counted
// again for today, where it is large enough to need it; and the sign-in links and sessions that expired over
// KEEP_SIGN_INS_DAYS ago forgotten (every "后台" leaves a row: without this they would pile up for ever).
import type { Kysely } from 'kysely';
import { DashboardSessionRepository } from '../db/dashboard-session-repository.ts';
import type { Database } from '../db/schema.ts';
import { localDate } from '../domain/dates.ts';
import type { Logger } from '../logger.ts';
import { figureSourceOf } from './figure-source.ts';
import { periodOf } from './figures.ts';
import { SnapshotRepository } from './snapshot-repository.ts';

/** How long an expired link or session is kept for the record (who signed in when, and how). */
export const KEEP_SIGN_INS_DAYS = 30;

export async function refreshDashboardSnapshots(deps: { db: Kysely<Database>; clock: () => Date; timezone: string; log: Logger }): Promise<string> {
  const figures = figureSourceOf(deps.db, deps.timezone);
  const period = periodOf(localDate(deps.clock(), deps.timezone));
  await new DashboardSessionRepository(deps.db).purge(new Date(deps.clock().getTime() - KEEP_SIGN_INS_DAYS * 86_400_000));
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
