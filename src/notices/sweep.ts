// The daily sweep: decides every notice due on a local date from (date, database state), records each under
// its UNIQUE (kind, recipient, subject, period) together with its delivery in one transaction, then enqueues
// the new deliveries. Running it twice for a day records nothing new; a crash between commit and enqueue loses
// nothing (the relay enqueues pending deliveries).
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import { chineseWorkingDayCalendar, type IsoDate, type WorkingDayCalendar } from '../domain/calendar.ts';
import { addLocalDays, localDate, localInstant, localTime } from '../domain/local-time.ts';
import { noticesDueOn } from '../domain/schedule.ts';
import type { PlatformName } from '../platforms/types.ts';
import type { Outbox } from '../services/outbox.ts';
import { planNotice, type PlannedNotice } from './plan.ts';
import { planObligationReminders } from './obligation-reminders.ts';
import { openQuotaObligations } from '../care/obligations.ts';
import { loadCalendarSettings } from './settings.ts';

/** Notices start at 09:00 and spread over the following minutes, not all on the :00 mark (wecom-protocol §3.2). */
export const SEND_FROM = '09:00';
/** The daily sweep decides at 08:50 so deliveries can start at 09:00. */
export const SWEEP_AT = '08:50';
const MAX_SPREAD_MS = 20 * 60_000;
const WRITE_CHUNK = 4_000;
const STEP_MS = 250;

export interface SweepDeps {
  db: Kysely<Database>;
  outbox: Outbox;
  log: Logger;
  timezone: string;
  platform: PlatformName;
  clock: () => Date;
  calendar?: WorkingDayCalendar;
}

export interface SweepResult {
  date: IsoDate;
  late: boolean;
  decided: number;
  recorded: number;
  enqueued: boolean;
  notices?: PlannedNotice[];
  /** Where the time went, for operators and the benchmark. */
  timings?: { decideMs: number; writeMs: number; enqueueMs: number };
}

/** Decides the day's notices without writing anything. */
export async function decideNotices(deps: Pick<SweepDeps, 'db' | 'calendar'>, date: IsoDate, late: boolean): Promise<PlannedNotice[]> {
  const settings = await loadCalendarSettings(deps.db);
  const calendar = deps.calendar ?? chineseWorkingDayCalendar();
  const due = noticesDueOn(date, { calendar, settings: settings.schedule });
  const planned: PlannedNotice[] = [];
  for (const notice of due) {
    planned.push(...(await planNotice(deps.db, notice, { date, late, birthdayBasis: settings.birthdayBasis, holidayListDaysBefore: settings.schedule.holidayListDaysBefore })));
  }
  planned.push(...(await planObligationReminders(deps.db, date, calendar, late)));
  return planned;
}

export async function runSweep(deps: SweepDeps, date: IsoDate, opts: { dryRun?: boolean; late?: boolean } = {}): Promise<SweepResult> {
  const now = deps.clock();
  const late = opts.late ?? date < localDate(now, deps.timezone);
  const t0 = performance.now();
  // The year's talk quotas are obligations: opened by the first sweep of the year (imports add to them).
  if (!opts.dryRun) await ensureQuotaObligations(deps.db, Number(date.slice(0, 4)));
  const planned = await decideNotices(deps, date, late);
  const t1 = performance.now();
  if (opts.dryRun) return { date, late, decided: planned.length, recorded: 0, enqueued: false, notices: planned };

  // Deliveries start at 09:00 local on the day (now, for a late or a re-run sweep) and spread out from there.
  const start = Math.max(localInstant(date, SEND_FROM, deps.timezone).getTime(), now.getTime());
  const step = planned.length > 0 ? Math.min(STEP_MS, MAX_SPREAD_MS / planned.length) : 0;

  const deliveryIds = await deps.db.transaction().execute(async (trx) => {
    // Two sweeps of one day (two workers at boot, a catch-up meeting the scheduler) take turns.
    await sql`select pg_advisory_xact_lock(hashtext('partycare-sweep'))`.execute(trx);
    const ids: Array<{ id: string; notBefore: Date }> = [];
    // Chunks stay under PostgreSQL's 65,535 bind parameters (deliveries take 12 a row).
    for (let i = 0; i < planned.length; i += WRITE_CHUNK) {
      const chunk = planned.slice(i, i + WRITE_CHUNK);
      const inserted = await trx
        .insertInto('notices')
        .values(chunk.map((n) => ({ kind: n.kind, recipient_member_id: n.recipientMemberId, subject: n.subject, period: n.period, due_on: date, late })))
        .onConflict((oc) => oc.constraint('notices_once').doNothing())
        .returning(['id', 'kind', 'recipient_member_id', 'subject', 'period'])
        .execute();
      if (inserted.length === 0) continue;
      const byKey = new Map(chunk.map((n, j) => [`${n.kind}|${n.recipientMemberId}|${n.subject}|${n.period}`, { n, j: i + j }]));
      const rows = inserted.map((r) => {
        const hit = byKey.get(`${r.kind}|${r.recipient_member_id}|${r.subject}|${r.period}`)!;
        return {
          idempotency_key: `notice-${r.id}`,
          platform: deps.platform,
          recipient: hit.n.recipientUserid,
          message: JSON.stringify(hit.n.message),
          push: true,
          not_before: new Date(start + Math.round(hit.j * step)),
          locked_until: null,
          platform_msgid: null,
          response_code: null,
          error_code: null,
          error: null,
          sent_at: null,
        };
      });
      const remembered = inserted.flatMap((r) => {
        const hit = byKey.get(`${r.kind}|${r.recipient_member_id}|${r.subject}|${r.period}`)!;
        return hit.n.remember ? [{ member_id: r.recipient_member_id, topic: hit.n.remember.topic, ref: hit.n.remember.ref }] : [];
      });
      if (remembered.length > 0) {
        await trx.insertInto('conversation_memory').values(remembered).onConflict((oc) => oc.columns(['member_id', 'topic', 'ref']).doUpdateSet({ at: sql`now()` })).execute();
      }
      const d = await trx.insertInto('deliveries').values(rows).onConflict((oc) => oc.column('idempotency_key').doNothing()).returning(['id', 'not_before']).execute();
      ids.push(...d.map((x) => ({ id: x.id, notBefore: x.not_before ?? new Date(start) })));
    }
    await trx
      .insertInto('sweep_days')
      .values({ on_date: date, notices: planned.length, late })
      .onConflict((oc) => oc.column('on_date').doUpdateSet({ notices: planned.length, finished_at: sql`now()` }))
      .execute();
    return ids;
  });
  const t2 = performance.now();
  const enqueued = await deps.outbox.enqueue(
    deliveryIds.map((d) => d.id),
    new Map(deliveryIds.map((d) => [d.id, d.notBefore])),
  );
  const timings = { decideMs: Math.round(t1 - t0), writeMs: Math.round(t2 - t1), enqueueMs: Math.round(performance.now() - t2) };
  deps.log.info({ date, late, decided: planned.length, recorded: deliveryIds.length, ...timings }, 'sweep done');
  return { date, late, decided: planned.length, recorded: deliveryIds.length, enqueued, timings };
}

/**
 * The days that are due and not yet swept: today once it is past 08:50, and the days missed while the service
 * was down (at most `catchUpDays` back). A database never swept before starts today, without a backlog.
 */
export async function daysToSweep(db: Kysely<Database>, now: Date, timezone: string, catchUpDays: number): Promise<IsoDate[]> {
  const today = localDate(now, timezone);
  const lastDue = localTime(now, timezone) >= SWEEP_AT ? today : addLocalDays(today, -1);
  const row = await db.selectFrom('sweep_days').select(sql<string | null>`to_char(max(on_date), 'YYYY-MM-DD')`.as('last')).executeTakeFirst();
  const last = row?.last ?? null;
  if (last === null) return lastDue === today ? [today] : [];
  const earliest = addLocalDays(lastDue, -(catchUpDays - 1));
  const days: IsoDate[] = [];
  for (let d = addLocalDays(last, 1); d <= lastDue; d = addLocalDays(d, 1)) if (d >= earliest) days.push(d);
  return days;
}

/** Sweeps every due day in order; days before today are marked late (greetings say they are belated). */
export async function runDueSweeps(deps: SweepDeps): Promise<SweepResult[]> {
  const settings = await loadCalendarSettings(deps.db);
  const days = await daysToSweep(deps.db, deps.clock(), deps.timezone, settings.catchUpDays);
  const results: SweepResult[] = [];
  for (const day of days) results.push(await runSweep(deps, day));
  return results;
}

/** Opens the year's quota obligations once (the check is one indexed probe). */
export async function ensureQuotaObligations(db: Kysely<Database>, year: number): Promise<void> {
  const any = await db.selectFrom('care_obligations').select('id').where('source', '=', 'quota').where('period', '=', String(year)).limit(1).executeTakeFirst();
  if (!any) await openQuotaObligations(db, year);
}
