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
const WRITE_CHUNK = 10_000;
/** Deliveries due within this long are enqueued by the sweep itself (as delayed jobs); later ones by the relay. */
const ENQUEUE_AHEAD_MS = 60_000;
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
    for (let i = 0; i < planned.length; i += WRITE_CHUNK) {
      const chunk = planned.slice(i, i + WRITE_CHUNK);
      // One statement a chunk, its rows passed as arrays (seven parameters whatever the size): the notices
      // that are new, and a delivery for each of them.
      const col = <T>(f: (n: PlannedNotice, j: number) => T) => chunk.map((n, j) => f(n, i + j));
      const r = await sql<{ id: string; not_before: Date }>`
        with v as (
          select * from unnest(${col((n) => n.kind)}::text[], ${col((n) => n.recipientMemberId)}::bigint[], ${col((n) => n.subject)}::text[],
                               ${col((n) => n.period)}::text[], ${col((n) => n.recipientUserid)}::text[], ${col((n) => JSON.stringify(n.message))}::jsonb[],
                               ${col((_n, j) => new Date(start + Math.round(j * step)).toISOString())}::timestamptz[])
            as v(kind, member_id, subject, period, recipient, message, not_before)
        ), n as (
          insert into notices (kind, recipient_member_id, subject, period, due_on, late)
          select kind, member_id, subject, period, ${date}::date, ${late} from v
          on conflict on constraint notices_once do nothing
          returning id, kind, recipient_member_id, subject, period
        )
        insert into deliveries (idempotency_key, platform, recipient, message, push, not_before)
        select 'notice-' || n.id, ${deps.platform}, v.recipient, v.message, true, v.not_before
          from n join v on v.kind = n.kind and v.member_id = n.recipient_member_id and v.subject = n.subject and v.period = n.period
        on conflict (idempotency_key) do nothing
        returning id::text as id, not_before`.execute(trx);
      ids.push(...r.rows.map((x) => ({ id: x.id, notBefore: new Date(x.not_before) })));
      // What the bot asked each owner about (a reminder), so that a short reply can refer to it.
      const remembered = chunk.flatMap((n) => (n.remember ? [{ member_id: n.recipientMemberId, topic: n.remember.topic, ref: n.remember.ref }] : []));
      if (remembered.length > 0) {
        await trx.insertInto('conversation_memory').values(remembered).onConflict((oc) => oc.columns(['member_id', 'topic', 'ref']).doUpdateSet({ at: sql`now()` })).execute();
      }
    }
    await trx
      .insertInto('sweep_days')
      .values({ on_date: date, notices: planned.length, late })
      .onConflict((oc) => oc.column('on_date').doUpdateSet({ notices: planned.length, finished_at: sql`now()` }))
      .execute();
    return ids;
  });
  const t2 = performance.now();
  // What is due now goes to the queue now; the rest stays in the table and the relay enqueues it as its
  // time comes — no thousands of delayed jobs parked in Redis, and the sending spreads by itself.
  const dueBy = deps.clock().getTime() + ENQUEUE_AHEAD_MS;
  const dueNow = deliveryIds.filter((d) => d.notBefore.getTime() <= dueBy);
  const enqueued = await deps.outbox.enqueue(
    dueNow.map((d) => d.id),
    new Map(dueNow.map((d) => [d.id, d.notBefore])),
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
