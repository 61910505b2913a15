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
import type { OutboundMessage, PlatformName } from '../platforms/types.ts';
import type { Outbox } from '../services/outbox.ts';
import { arrayStream, collect, type NoticeStream, type PlanContext, type PlanDb, type PlannedNotice } from './planner.ts';
import { dailyPlanners, familyLabel, plannerFor } from './planners/index.ts';
import { openQuotaObligations } from '../care/obligations.ts';
import { loadCalendarSettings } from './settings.ts';
import { nextAllowedInstant, type QuietHours } from '../domain/quiet-hours.ts';
import { catchUpPlan, dayRanges, type CatchUpPlan } from '../domain/catch-up.ts';
import { assertRendered, NOTICE_TEMPLATES } from './templates.ts';
import { ObligationRepository } from '../db/obligation-repository.ts';
import { OfficeRepository } from '../db/office-repository.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { SweepRepository, type NoticeDay, type WrittenChunk } from './sweep-repository.ts';
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
  /** Notices a statement (and members a page of the families planned in chunks); default 10,000. */
  chunkSize?: number | undefined;
  /**
   * Chunks written at once, each in its own transaction on a connection of `db`'s pool, while the next page is
   * read on the sweep's own connection; default 1 (everything on the sweep's connection). Only for a pooled
   * PostgreSQL: the embedded database has a single connection, which the sweep's session already holds.
   */
  writers?: number | undefined;
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
type PlanDeps = Pick<SweepDeps, 'db' | 'calendar' | 'dashboardUrl' | 'chunkSize'> & { timezone?: string };

/** One family of the day's notices (a calendar kind, or a daily planner's): planned and written alone. */
interface NoticeFamily {
  name: string;
  /** Plans a small family whole; a large one (every member) is only counted here and read chunk by chunk. */
  open(): Promise<NoticeStream>;
}

/** The families due on the day, planned on `db` (inside the sweep: its one connection). */
async function familiesDue(deps: PlanDeps, db: PlanDb, date: IsoDate, late: boolean): Promise<NoticeFamily[]> {
  const settings = await loadCalendarSettings(db);
  const calendar = deps.calendar ?? chineseWorkingDayCalendar();
  const ctx: PlanContext = { date, late, birthdayBasis: settings.birthdayBasis, holidayListDaysBefore: settings.schedule.holidayListDaysBefore, calendar, dashboardUrl: deps.dashboardUrl, timeZone: deps.timezone, pageSize: deps.chunkSize };
  return [
    // A kind without a planner throws inside open(): that family fails and is reported, the others go out.
    ...noticesDueOn(date, { calendar, settings: settings.schedule }).map((notice) => ({
      name: notice.kind,
      async open() {
        const planner = plannerFor(notice.kind);
        return planner.stream?.(db, notice, ctx) ?? arrayStream(await planner.plan(db, notice, ctx));
      },
    })),
    ...dailyPlanners().map((planner) => ({ name: planner.family, open: async () => arrayStream(await planner.plan(db, ctx)) })),
  ];
}

/**
 * The notices of a chunk that can be sent, each key once. A member without a chat account has nowhere to receive
 * a push: nothing is addressed to an empty userid. A notice planned twice (the same kind, person, subject and
 * period) is kept once: one statement must never carry a key twice; across chunks the UNIQUE key keeps one.
 */
function receivable(chunk: readonly PlannedNotice[]): PlannedNotice[] {
  const seen = new Set<string>();
  return chunk.filter((n) => {
    if (!n.recipientUserid?.trim()) return false;
    const key = `${n.kind}|${n.recipientMemberId}|${n.subject}|${n.period}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Statement-sized slices: a family's chunk may be larger (a list to every branch secretary of a large committee). */
function* slices<T>(list: readonly T[], size = WRITE_CHUNK): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

/** Decides the day's notices without writing anything; throws if a family cannot be planned. */
export async function decideNotices(deps: PlanDeps, date: IsoDate, late: boolean): Promise<PlannedNotice[]> {
  const out: PlannedNotice[] = [];
  for (const family of await familiesDue(deps, deps.db, date, late)) {
    try {
      out.push(...receivable(await collect(await family.open())));
    } catch (err) {
      throw new Error(`notices of ${family.name} could not be planned: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Where the sending times are: one platform call after another from the start, `step` apart (a part is one call). */
interface Spread {
  next(): Date;
  partSize(platform: PlatformName): number;
}

export async function runSweep(deps: SweepDeps, date: IsoDate, opts: { dryRun?: boolean; late?: boolean } = {}): Promise<SweepResult> {
  const now = deps.clock();
  const late = opts.late ?? date < localDate(now, deps.timezone);
  const t0 = performance.now();
  if (opts.dryRun) {
    const failed: string[] = [];
    const notices: PlannedNotice[] = [];
    for (const family of await familiesDue(deps, deps.db, date, late)) {
      try {
        notices.push(...receivable(await collect(await family.open())));
      } catch {
        failed.push(family.name);
      }
    }
    return { date, late, decided: notices.length, recorded: 0, enqueued: false, failed: [...new Set(failed)], notices };
  }
  // The year's talk quotas are obligations: opened by the first sweep of the year (imports add to them).
  await ensureQuotaObligations(deps.db, Number(date.slice(0, 4)), now);
  // Which offices are vacant on this day, and since when: the OD is told of each vacancy once.
  await new OfficeRepository(deps.db).syncVacancies(date);
  await openHolidayVisitObligations(deps, date);
  // Fixed monthly subsidies: terms past their end month end, renewal questions due are opened (assistance tasks).
  await subsidyUpkeep(deps.db, date, deps.calendar ?? chineseWorkingDayCalendar(), now);
  const upkeepMs = performance.now() - t0;

  // Two sweeps (two workers at boot, a catch-up meeting the scheduler) take turns, whole sweep after whole sweep.
  return new SweepRepository(deps.db).inSweepSession(async (db) => {
    const timings = { decideMs: upkeepMs, writeMs: 0, enqueueMs: 0 };
    const failures: Array<{ name: string; error: Error }> = [];
    const clock = () => performance.now();
    let t = clock();
    // Small families are planned whole, large ones only counted: the spread of sending times needs the day's total.
    const opened: Array<{ name: string; stream: NoticeStream; calls: number }> = [];
    for (const family of await familiesDue(deps, db, date, late)) {
      try {
        const stream = await family.open();
        opened.push({ name: family.name, stream, calls: await callsOf(stream, deps) });
      } catch (err) {
        failures.push({ name: family.name, error: err as Error });
      }
    }
    timings.decideMs += clock() - t;

    // Deliveries start at 09:00 local on the day (now, for a late or a re-run sweep) and spread out from there,
    // one platform call (a single delivery, or a batch's part) after another — never all on the :00 mark.
    const start = Math.max(localInstant(date, SEND_FROM, deps.timezone).getTime(), now.getTime());
    const calls = opened.reduce((sum, f) => sum + f.calls, 0);
    const step = calls > 0 ? Math.min(STEP_MS, MAX_SPREAD_MS / calls) : 0;
    let call = 0;
    const spread: Spread = { next: () => new Date(start + Math.round(call++ * step)), partSize: (platform) => deps.outbox.recipientsPerCall(platform) };
    const day = { date, late, platform: deps.platform };
    let decided = 0;
    let recorded = 0;
    let enqueued = true;
    // What is due now goes to the queue now, chunk by chunk; the rest stays in the table and the relay enqueues
    // it as its time comes — no thousands of delayed jobs parked in Redis, and the sending spreads by itself.
    const dueBy = () => new Date(deps.clock().getTime() + ENQUEUE_AHEAD_MS);
    // Chunks go to another pooled connection when several writers are allowed (the lock stays with `db`, which
    // reads the pages meanwhile); the wall time of writing is counted once however many run at once.
    const writers = new BoundedWriters(Math.max(1, Math.floor(deps.writers ?? 1)), clock);
    const writeDb = writers.limit > 1 ? deps.db : db;
    const write = async (notices: PlannedNotice[]) => {
      const written = await writeChunk(deps, writeDb, day, notices, spread, dueBy());
      const w1 = clock();
      recorded += written.deliveries;
      enqueued = (await deps.outbox.enqueue(written.dueSingles.map((d) => d.id), new Map(written.dueSingles.map((d) => [d.id, d.notBefore])))) && enqueued;
      enqueued = (await deps.outbox.enqueueBatches(written.dueBatches)) && enqueued;
      timings.enqueueMs += clock() - w1;
    };

    // Each chunk in its own transaction: a family that fails (a bug, a bad row) leaves the others written, and
    // its own chunks written so far; the day is swept again and the UNIQUE key lets only the rest in.
    for (const family of opened) {
      const chunks = family.stream.chunks()[Symbol.asyncIterator]();
      try {
        for (;;) {
          // A chunk of this family that failed: stop reading it (the others already in flight finish).
          writers.rethrow();
          t = clock();
          const next = await chunks.next();
          timings.decideMs += clock() - t;
          if (next.done) break;
          for (const slice of slices(receivable(next.value), deps.chunkSize)) {
            writers.rethrow();
            decided += slice.length;
            await writers.add(() => write(slice));
          }
        }
        const failure = await writers.drain();
        if (failure) throw failure;
      } catch (err) {
        await writers.drain();
        failures.push({ name: family.name, error: err as Error });
        await chunks.return?.().catch(() => undefined);
      }
      timings.writeMs = writers.busyMs;
    }
    // The database went away meanwhile: no family is at fault and nothing can be recorded. The sweep fails as a
    // whole, the job waits the outage out (workers/database-outage.ts) and runs again; what was written stays
    // written and the UNIQUE key lets only the rest in. No error line and no word to the OD for an outage.
    const failed = [...new Set(failures.map((f) => f.name))];
    const away = failures.find((f) => isDatabaseUnavailable(f.error));
    if (away) {
      deps.log.warn({ date, families: failed, err: { message: away.error.message } }, 'sweep: database unavailable; the day will be swept again');
      throw away.error;
    }
    for (const f of failures) deps.log.error({ date, family: f.name, err: { message: f.error.message } }, 'sweep: a notice family failed; the day will be swept again');
    if (failed.length > 0) {
      // The OD hears of it once per family and day; the day is retried (the job, and every catch-up).
      const told = await sweepFailureNotices(db, date, failed);
      const toldSpread: Spread = { next: () => now, partSize: (platform) => spread.partSize(platform) };
      await writeChunk(deps, db, day, told, toldSpread, dueBy())
        .then((w) => Promise.all([deps.outbox.enqueue(w.dueSingles.map((d) => d.id)), deps.outbox.enqueueBatches(w.dueBatches)]))
        .catch(() => undefined);
    }
    await new SweepRepository(db).recordDay({ date, notices: decided, late, failedFamilies: failed, at: deps.clock() });
    const ms = { decideMs: Math.round(timings.decideMs), writeMs: Math.round(timings.writeMs), enqueueMs: Math.round(timings.enqueueMs) };
    deps.log.info({ date, late, decided, recorded, failed, ...ms }, 'sweep done');
    return { date, late, decided, recorded, enqueued, failed, timings: ms };
  });
}

/**
 * At most `limit` writes in flight: add() waits for a free slot. The first failure is kept (and returned by
 * drain(), which also clears it for the next family); busyMs is the wall time during which any write ran.
 */
class BoundedWriters {
  private readonly running = new Set<Promise<void>>();
  failure: Error | undefined;
  busyMs = 0;
  private busySince = 0;

  constructor(
    readonly limit: number,
    private readonly now: () => number,
  ) {}

  async add(fn: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.running.size === 0) this.busySince = this.now();
    const p: Promise<void> = fn()
      .catch((err: unknown) => {
        this.failure ??= err as Error;
      })
      .finally(() => {
        this.running.delete(p);
        if (this.running.size === 0) this.busyMs += this.now() - this.busySince;
      });
    this.running.add(p);
    // One writer: nothing overlaps, and a failure surfaces before the next page is read.
    if (this.limit === 1) await p;
  }

  /** Throws the failure of a write so far, if any. */
  rethrow(): void {
    if (this.failure) throw this.failure;
  }

  async drain(): Promise<Error | undefined> {
    while (this.running.size > 0) await Promise.race(this.running);
    const failure = this.failure;
    this.failure = undefined;
    return failure;
  }
}

/**
 * About how many platform calls a family makes: a small family's exactly (its identical texts in parts), a large
 * one's from its count — every member the same text, in parts of the deployment's platform.
 */
async function callsOf(stream: NoticeStream, deps: Pick<SweepDeps, 'outbox' | 'platform'>): Promise<number> {
  const perCall = deps.outbox.recipientsPerCall(deps.platform);
  if (!stream.whole) return Math.ceil((await stream.size()) / perCall);
  const texts = new Map<string, number>();
  for (const n of stream.whole) {
    const text = JSON.stringify(n.message);
    texts.set(text, (texts.get(text) ?? 0) + 1);
  }
  let calls = 0;
  for (const count of texts.values()) calls += count > 1 ? Math.ceil(count / perCall) : 1;
  return calls;
}

/**
 * Writes one chunk in one transaction: its notices (UNIQUE: new ones only) with a delivery each; the notices of
 * one text to one platform, two or more, as batches of at most one platform call's recipients (cards carry
 * per-person task ids, so only texts identical byte for byte batch). Each part is one call in the spread.
 */
async function writeChunk(deps: SweepDeps, db: Kysely<Database>, day: NoticeDay, notices: PlannedNotice[], spread: Spread, dueBy: Date): Promise<WrittenChunk> {
  if (notices.length === 0) return { notices: 0, deliveries: 0, dueSingles: [], dueBatches: [] };
  // Each member's notice goes to the platform they are on (a deployment may serve WeCom and DingTalk).
  const routes = await deps.outbox.route(
    notices.map((n) => ({ platform: deps.platform, recipient: n.recipientUserid, ...(n.addresses ? { addresses: n.addresses } : {}) })),
    db,
  );
  // Texts by identity first: a planner gives every member of a page the one message object.
  const texts = new Map<string, number>();
  const ofMessage = new Map<OutboundMessage, number>();
  const textOf = notices.map((n) => {
    let i = ofMessage.get(n.message);
    if (i === undefined) {
      const json = JSON.stringify(n.message);
      i = texts.get(json);
      if (i === undefined) texts.set(json, (i = texts.size));
      ofMessage.set(n.message, i);
    }
    return i;
  });
  const groupOf = (j: number) => `${routes[j]!.platform}|${textOf[j]}`;
  const groupSize = new Map<string, number>();
  const batchable = (j: number) => routes[j] !== undefined && notices[j]!.alone !== true;
  notices.forEach((_n, j) => batchable(j) && groupSize.set(groupOf(j), (groupSize.get(groupOf(j)) ?? 0) + 1));
  const open = new Map<string, { part: number; filled: number; at: Date }>();
  let parts = 0;
  const part: Array<number | null> = [];
  const notBefore: Date[] = [];
  notices.forEach((_n, j) => {
    const route = routes[j];
    if (!route || !batchable(j) || groupSize.get(groupOf(j))! < 2) {
      part.push(null);
      notBefore.push(spread.next());
      return;
    }
    let p = open.get(groupOf(j));
    if (!p || p.filled >= spread.partSize(route.platform)) open.set(groupOf(j), (p = { part: parts++, filled: 0, at: spread.next() }));
    p.filled++;
    part.push(p.part);
    notBefore.push(p.at);
  });
  return db.transaction().execute(async (trx) => {
    const repo = new SweepRepository(trx);
    const written = await repo.insertNotices({ notices, routes, texts: [...texts.keys()], textOf, part, notBefore }, day, dueBy);
    // What the bot asked each owner about (a reminder), so that a short reply can refer to it. Once per
    // (person, topic, ref): an upsert may not touch one row twice in one statement. Texts that ask nothing
    // (the nudges to every member) remember nothing.
    const remembered = new Map<string, { member_id: string; topic: string; ref: string }>();
    for (const n of notices) for (const r of n.remember ?? []) remembered.set(`${n.recipientMemberId}|${r.topic}|${r.ref}`, { member_id: n.recipientMemberId, topic: r.topic, ref: r.ref });
    if (remembered.size > 0) await repo.remember([...remembered.values()], deps.clock());
    return written;
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
  const spread: Spread = { next: () => notBefore, partSize: (platform) => deps.outbox.recipientsPerCall(platform) };
  const written = await new SweepRepository(deps.db).inSweepSession((db) => writeChunk(deps, db, { date: today, late: false, platform: deps.platform }, notices, spread, new Date(now.getTime() + ENQUEUE_AHEAD_MS)));
  deps.log.warn({ skipped: skipped.length, from: skipped[0], to: skipped.at(-1), told: written.deliveries }, 'sweep: days beyond the catch-up window skipped; the OD is told');
  await deps.outbox.enqueue(written.dueSingles.map((d) => d.id), new Map(written.dueSingles.map((d) => [d.id, d.notBefore])));
  await deps.outbox.enqueueBatches(written.dueBatches);
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
