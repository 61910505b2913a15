// The daily sweep: decides every notice due on a local date from (date, database state), records each under
// its UNIQUE (kind, recipient, subject, period) together with its delivery in one transaction, then enqueues
// the new deliveries. Running it twice for a day records nothing new; a crash between commit and enqueue loses
// nothing (the relay enqueues pending deliveries).
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import { chineseWorkingDayCalendar, type WorkingDayCalendar } from '../domain/calendar.ts';
import { addDays as addLocalDays, type IsoDate, localDate, localInstant, localTime } from '../domain/dates.ts';
import { chineseMonthDay } from '../domain/format.ts';
import { noticesDueOn } from '../domain/schedule.ts';
import type { PlatformName } from '../platforms/types.ts';
import type { Outbox } from '../services/outbox.ts';
import type { PlanContext, PlannedNotice } from './planner.ts';
import { dailyPlanners, familyLabel, plannerFor } from './planners/index.ts';
import { openQuotaObligations } from '../care/obligations.ts';
import { loadCalendarSettings } from './settings.ts';
import { nextAllowedInstant, type QuietHours } from '../domain/quiet-hours.ts';
import { catchUpPlan, dayRanges, type CatchUpPlan } from '../domain/catch-up.ts';
import { assertRendered, NOTICE_TEMPLATES } from './templates.ts';
import { ObligationRepository } from '../db/obligation-repository.ts';
import { OfficeRepository } from '../db/office-repository.ts';
import { SweepRepository } from './sweep-repository.ts';
import { subsidyUpkeep } from '../assistance/subsidy-upkeep.ts';

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
  /** The dashboard's address the digests link to (dashboardBaseUrl(config)/dashboard/). */
  dashboardUrl?: string | undefined;
}

export interface SweepResult {
  date: IsoDate;
  late: boolean;
  decided: number;
  recorded: number;
  enqueued: boolean;
  /** Notice families that could not be planned or written: the day is swept again until none fails. */
  failed: string[];
  notices?: PlannedNotice[];
  /** Where the time went, for operators and the benchmark. */
  timings?: { decideMs: number; writeMs: number; enqueueMs: number };
}

/** What planning reads besides the date: the organisation's time zone where known (a dry run may not give it). */
type PlanDeps = Pick<SweepDeps, 'db' | 'calendar' | 'dashboardUrl'> & { timezone?: string };

/** One family of the day's notices (a calendar kind, or a daily planner's): planned and written alone. */
interface NoticeFamily {
  name: string;
  plan(): Promise<PlannedNotice[]>;
}

interface PlannedFamilies {
  families: Array<{ name: string; notices: PlannedNotice[] }>;
  failures: Array<{ name: string; error: Error }>;
}

async function familiesDue(deps: PlanDeps, date: IsoDate, late: boolean): Promise<NoticeFamily[]> {
  const settings = await loadCalendarSettings(deps.db);
  const calendar = deps.calendar ?? chineseWorkingDayCalendar();
  const ctx: PlanContext = { date, late, birthdayBasis: settings.birthdayBasis, holidayListDaysBefore: settings.schedule.holidayListDaysBefore, calendar, dashboardUrl: deps.dashboardUrl, timeZone: deps.timezone };
  return [
    // A kind without a planner throws inside plan(): that family fails and is reported, the others go out.
    ...noticesDueOn(date, { calendar, settings: settings.schedule }).map((notice) => ({ name: notice.kind, plan: () => plannerFor(notice.kind).plan(deps.db, notice, ctx) })),
    ...dailyPlanners().map((planner) => ({ name: planner.family, plan: () => planner.plan(deps.db, ctx) })),
  ];
}

/**
 * Plans every family; one that throws is reported, not fatal. A notice planned twice (the same kind, person,
 * subject and period) is kept once: the UNIQUE key would refuse the second anyway, and one statement must
 * never carry both.
 */
async function planFamilies(deps: PlanDeps, date: IsoDate, late: boolean): Promise<PlannedFamilies> {
  const out: PlannedFamilies = { families: [], failures: [] };
  const seen = new Set<string>();
  for (const family of await familiesDue(deps, date, late)) {
    try {
      const notices = (await family.plan()).filter((n) => {
        // A member without a chat account has nowhere to receive a push: nothing is addressed to an empty userid.
        if (!n.recipientUserid?.trim()) return false;
        const key = `${n.kind}|${n.recipientMemberId}|${n.subject}|${n.period}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const same = out.families.find((f) => f.name === family.name);
      if (same) same.notices.push(...notices);
      else out.families.push({ name: family.name, notices });
    } catch (err) {
      out.failures.push({ name: family.name, error: err as Error });
    }
  }
  return out;
}

/** Decides the day's notices without writing anything; throws if a family cannot be planned. */
export async function decideNotices(deps: PlanDeps, date: IsoDate, late: boolean): Promise<PlannedNotice[]> {
  const { families, failures } = await planFamilies(deps, date, late);
  if (failures.length > 0) throw new Error(`notices of ${failures.map((f) => f.name).join(', ')} could not be planned: ${failures[0]!.error.message}`);
  return families.flatMap((f) => f.notices);
}

export async function runSweep(deps: SweepDeps, date: IsoDate, opts: { dryRun?: boolean; late?: boolean } = {}): Promise<SweepResult> {
  const now = deps.clock();
  const late = opts.late ?? date < localDate(now, deps.timezone);
  const t0 = performance.now();
  // The year's talk quotas are obligations: opened by the first sweep of the year (imports add to them).
  if (!opts.dryRun) await ensureQuotaObligations(deps.db, Number(date.slice(0, 4)), now);
  // Which offices are vacant on this day, and since when: the OD is told of each vacancy once.
  if (!opts.dryRun) await new OfficeRepository(deps.db).syncVacancies(date);
  if (!opts.dryRun) await openHolidayVisitObligations(deps, date);
  // Fixed monthly subsidies: terms past their end month end, renewal questions due are opened (assistance tasks).
  if (!opts.dryRun) await subsidyUpkeep(deps.db, date, deps.calendar ?? chineseWorkingDayCalendar(), now);
  const { families, failures } = await planFamilies(deps, date, late);
  const planned = families.flatMap((f) => f.notices);
  const t1 = performance.now();
  if (opts.dryRun) return { date, late, decided: planned.length, recorded: 0, enqueued: false, failed: failures.map((f) => f.name), notices: planned };

  // Deliveries start at 09:00 local on the day (now, for a late or a re-run sweep) and spread out from there.
  const start = Math.max(localInstant(date, SEND_FROM, deps.timezone).getTime(), now.getTime());
  const step = planned.length > 0 ? Math.min(STEP_MS, MAX_SPREAD_MS / planned.length) : 0;

  // Each family in its own transaction: one that fails (a bug, a bad row) leaves the others written.
  const deliveryIds: Array<{ id: string; notBefore: Date }> = [];
  let offset = 0;
  for (const family of families) {
    const first = offset;
    offset += family.notices.length;
    try {
      deliveryIds.push(...(await writeNotices(deps, date, late, family.notices, (j) => new Date(start + Math.round((first + j) * step)))));
    } catch (err) {
      failures.push({ name: family.name, error: err as Error });
    }
  }
  const failed = [...new Set(failures.map((f) => f.name))];
  for (const f of failures) deps.log.error({ date, family: f.name, err: { message: f.error.message } }, 'sweep: a notice family failed; the day will be swept again');
  if (failed.length > 0) {
    // The OD hears of it once per family and day; the day is retried (the job, and every catch-up).
    deliveryIds.push(...(await writeNotices(deps, date, late, await sweepFailureNotices(deps.db, date, failed), () => now).catch(() => [])));
  }
  await new SweepRepository(deps.db).recordDay({ date, notices: planned.length, late, failedFamilies: failed, at: deps.clock() });
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
  deps.log.info({ date, late, decided: planned.length, recorded: deliveryIds.length, failed, ...timings }, 'sweep done');
  return { date, late, decided: planned.length, recorded: deliveryIds.length, enqueued, failed, timings };
}

/**
 * Records notices (UNIQUE: new ones only) with a delivery each, in one transaction; returns the new deliveries.
 * One statement a chunk, its rows passed as arrays (seven parameters whatever the size).
 */
async function writeNotices(deps: SweepDeps, date: IsoDate, late: boolean, notices: PlannedNotice[], notBefore: (j: number) => Date): Promise<Array<{ id: string; notBefore: Date }>> {
  if (notices.length === 0) return [];
  // Each member's notice goes to the platform they are on (a deployment may serve WeCom and DingTalk): looked up
  // before the lock's transaction, which holds the embedded database's only connection.
  const routes: Awaited<ReturnType<Outbox['route']>> = [];
  for (let i = 0; i < notices.length; i += WRITE_CHUNK) {
    routes.push(...(await deps.outbox.route(notices.slice(i, i + WRITE_CHUNK).map((n) => ({ platform: deps.platform, recipient: n.recipientUserid })))));
  }
  // Two sweeps of one day (two workers at boot, a catch-up meeting the scheduler) take turns.
  return new SweepRepository(deps.db).inSweepLock(async (repo) => {
    const ids: Array<{ id: string; notBefore: Date }> = [];
    for (let i = 0; i < notices.length; i += WRITE_CHUNK) {
      const chunk = notices.slice(i, i + WRITE_CHUNK);
      ids.push(...(await repo.insertNotices(chunk, chunk.map((_n, j) => notBefore(i + j)), { date, late, platform: deps.platform }, routes.slice(i, i + WRITE_CHUNK))));
      // What the bot asked each owner about (a reminder), so that a short reply can refer to it. Once per
      // (person, topic, ref): an upsert may not touch one row twice in one statement.
      const remembered = new Map<string, { member_id: string; topic: string; ref: string }>();
      for (const n of chunk) for (const r of n.remember ?? []) remembered.set(`${n.recipientMemberId}|${r.topic}|${r.ref}`, { member_id: n.recipientMemberId, topic: r.topic, ref: r.ref });
      await repo.remember([...remembered.values()], deps.clock());
    }
    return ids;
  });
}

async function sweepFailureNotices(db: Kysely<Database>, date: IsoDate, failed: string[]): Promise<PlannedNotice[]> {
  const od = await new SweepRepository(db).odStaffRecipients();
  const day = chineseMonthDay(date);
  return od.flatMap((o) =>
    failed.map((name) => ({
      kind: 'sweep_incomplete',
      recipientMemberId: o.member_id,
      recipientUserid: o.userid,
      subject: `family-${name}`,
      period: date,
      message: {
        type: 'markdown' as const,
        content: `**系统提示：${day}的“${familyLabel(name)}”未能生成**\n其余提醒已照常发出，系统将自动重试。如持续出现此提示，请联系系统管理员。`,
      },
    })),
  );
}

/**
 * The days that are due and not yet swept — today once it is past 08:50, and the days missed while the service
 * was down (at most `catchUpDays` back) — and the days missed beyond that window, which the OD is told of
 * (domain/catch-up.ts). A database never swept before starts today, without a backlog.
 */
export async function sweepPlan(db: Kysely<Database>, now: Date, timezone: string, catchUpDays: number): Promise<CatchUpPlan> {
  const today = localDate(now, timezone);
  const lastDue = localTime(now, timezone) >= SWEEP_AT ? today : addLocalDays(today, -1);
  const repo = new SweepRepository(db);
  const lastSwept = await repo.lastSweptDay();
  // Days swept with a family that failed are swept again (nothing is sent twice: notices are UNIQUE).
  const incomplete = lastSwept === null ? [] : await repo.incompleteDaysSince(addLocalDays(lastDue, -(catchUpDays - 1)));
  return catchUpPlan({ lastSwept, lastDue, today, windowDays: catchUpDays, incomplete });
}

/** The days to sweep now, in order (see sweepPlan). */
export async function daysToSweep(db: Kysely<Database>, now: Date, timezone: string, catchUpDays: number): Promise<IsoDate[]> {
  return (await sweepPlan(db, now, timezone, catchUpDays)).sweep;
}

/**
 * Sweeps every due day in order; days before today are marked late (greetings say they are belated). Days
 * beyond the catch-up window are listed to the OD first, in one message (never skipped without a word).
 */
export async function runDueSweeps(deps: SweepDeps): Promise<SweepResult[]> {
  const settings = await loadCalendarSettings(deps.db);
  const plan = await sweepPlan(deps.db, deps.clock(), deps.timezone, settings.catchUpDays);
  if (plan.skipped.length > 0) await tellSkippedDays(deps, plan.skipped, settings.catchUpDays);
  const results: SweepResult[] = [];
  for (const day of plan.sweep) results.push(await runSweep(deps, day));
  return results;
}

/** The OD's one message naming the days beyond the window and what the calendar had for them. */
async function tellSkippedDays(deps: SweepDeps, skipped: IsoDate[], windowDays: number): Promise<void> {
  const now = deps.clock();
  const today = localDate(now, deps.timezone);
  const settings = await loadCalendarSettings(deps.db);
  const calendar = deps.calendar ?? chineseWorkingDayCalendar();
  const kinds = new Set<string>();
  for (const day of skipped) for (const n of noticesDueOn(day, { calendar, settings: settings.schedule })) kinds.add(n.kind);
  const families = [...[...kinds].sort().map(familyLabel), ...dailyPlanners().map((p) => p.label)];
  const message = assertRendered(NOTICE_TEMPLATES.sweepDaysSkipped({ ranges: dayRanges(skipped), days: skipped.length, windowDays, families }));
  const od = await new SweepRepository(deps.db).odStaffRecipients();
  const notices: PlannedNotice[] = od.map((o) => ({
    kind: 'sweep_days_skipped',
    recipientMemberId: o.member_id,
    recipientUserid: o.userid,
    subject: 'catch-up',
    // The range is the key: the same downtime is told once, however often the catch-up runs.
    period: `${skipped[0]}~${skipped.at(-1)}`,
    message,
  }));
  const notBefore = new Date(Math.max(localInstant(today, SEND_FROM, deps.timezone).getTime(), now.getTime()));
  const ids = await writeNotices(deps, today, false, notices, () => notBefore);
  deps.log.warn({ skipped: skipped.length, from: skipped[0], to: skipped.at(-1), told: ids.length }, 'sweep: days beyond the catch-up window skipped; the OD is told');
  const dueNow = ids.filter((d) => d.notBefore.getTime() <= now.getTime() + ENQUEUE_AHEAD_MS);
  await deps.outbox.enqueue(dueNow.map((d) => d.id), new Map(dueNow.map((d) => [d.id, d.notBefore])));
}

/** A day left incomplete: the sweep job fails so that BullMQ tries again after its backoff. */
export class SweepIncompleteError extends Error {
  constructor(readonly results: SweepResult[]) {
    super(`sweep incomplete: ${results.filter((r) => r.failed.length > 0).map((r) => `${r.date} (${r.failed.join(', ')})`).join('; ')}`);
  }
}

/**
 * When today's greetings reach people, in words (for the demo's welcome and operators): from 09:00, or now if
 * later — never in quiet hours, which move them to the next morning. The bot must be running by then.
 */
export function whenTodaysPushesGo(now: Date, timezone: string, quietHours: QuietHours | null): string {
  const today = localDate(now, timezone);
  const from = new Date(Math.max(localInstant(today, SEND_FROM, timezone).getTime(), now.getTime()));
  const at = nextAllowedInstant(from, timezone, quietHours);
  const day = localDate(at, timezone) === today ? '今天' : '明天';
  const held = at.getTime() > from.getTime() ? '（夜间免打扰时段不推送）' : '';
  return `${day}${localTime(at, timezone)}起推送${held}`;
}

/**
 * Holiday visits are obligations (MECHANISM 2.1), opened on the day the list goes out — a visit counts from that
 * day. Should that day never have been swept (beyond the catch-up window), the reminder's day opens them.
 */
async function openHolidayVisitObligations(deps: Pick<SweepDeps, 'db' | 'calendar'>, date: IsoDate): Promise<void> {
  const settings = await loadCalendarSettings(deps.db);
  const calendar = deps.calendar ?? chineseWorkingDayCalendar();
  const repo = new SweepRepository(deps.db);
  for (const n of noticesDueOn(date, { calendar, settings: settings.schedule })) {
    if (n.kind === 'holiday_visit_list') await repo.openHolidayVisits(n.params, n.period, date);
    else if (n.kind === 'holiday_visit_reminder') await repo.openHolidayVisits(n.params, n.period, date, { onlyIfNone: true });
  }
}

/** Opens the year's quota obligations once (the check is one indexed probe). */
export async function ensureQuotaObligations(db: Kysely<Database>, year: number, now: Date): Promise<void> {
  if (!(await new ObligationRepository(db).quotaOpenedFor(year))) await openQuotaObligations(db, year, now);
}
