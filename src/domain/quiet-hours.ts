// Quiet hours: automatic pushes wait outside them (MECHANISM: "No message between 21:00 and 08:00").
// Pure: every function takes the instant and the zone. Local wall-clock time comes from Intl, so DST zones work:
// a window ending at 08:00 ends at 08:00 local whatever the offset that day.

import { ConfigError } from '../errors.ts';
import { addDays, type IsoDate, parseIsoDate, wallClockFormatter } from './dates.ts';

/** A daily window [start, end) in local seconds of the day; start > end crosses midnight ('21:00-08:00'). */
export interface QuietHours {
  readonly start: number;
  readonly end: number;
  /** As configured, for logs. */
  readonly text: string;
}

const SPEC = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/;

/**
 * Parses QUIET_HOURS: 'HH:MM-HH:MM', start inclusive, end exclusive; '' (or only spaces) switches quiet hours
 * off and returns null. Equal start and end are refused: it could mean "always" or "never".
 */
export function parseQuietHours(spec: string): QuietHours | null {
  const text = spec.trim();
  if (text === '') return null;
  const m = SPEC.exec(text);
  const bad = (why: string) =>
    new ConfigError(`QUIET_HOURS must be "HH:MM-HH:MM" such as "21:00-08:00", or empty to switch it off (got "${spec}": ${why})`);
  if (!m) throw bad('not HH:MM-HH:MM');
  const [h1, m1, h2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) throw bad('hours are 00–23 and minutes 00–59');
  const start = (h1 * 60 + m1) * 60;
  const end = (h2 * 60 + m2) * 60;
  if (start === end) throw bad('start and end are the same');
  return { start, end, text };
}

// ---------------------------------------------------------------------------------------------------------------
// Local wall clock through Intl.


/** The local wall-clock time of an instant, as milliseconds since 1970-01-01T00:00 "local" (whole seconds). */
function wallMs(instantMs: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour! % 24, p.minute, p.second);
}

interface Local {
  date: IsoDate;
  seconds: number; // seconds since local midnight
}

function local(instant: Date, timeZone: string): Local {
  const w = wallMs(Math.floor(instant.getTime() / 1000) * 1000, timeZone);
  const secondsOfDay = ((w / 1000) % 86_400 + 86_400) % 86_400;
  return { date: new Date(w - secondsOfDay * 1000).toISOString().slice(0, 10), seconds: secondsOfDay };
}

function inWindow(seconds: number, q: QuietHours): boolean {
  return q.start < q.end ? seconds >= q.start && seconds < q.end : seconds >= q.start || seconds < q.end;
}

/** Whether pushes must wait at this instant. `quiet` null means quiet hours are off. */
export function isQuiet(instant: Date, timeZone: string, quiet: QuietHours | null): boolean {
  if (!quiet) return false;
  return inWindow(local(instant, timeZone).seconds, quiet);
}

/**
 * The instants at which the local clock in `timeZone` shows `date` at `seconds` past midnight, earliest first:
 * one normally, two when the clock is set back over it (autumn), and when the clock jumps over it (spring) the
 * jump itself, the first instant the local clock reads that time or later.
 */
function instantsAtWallTime(date: IsoDate, seconds: number, timeZone: string): number[] {
  const { year, month, day } = parseIsoDate(date);
  const target = Date.UTC(year, month - 1, day) + seconds * 1000;
  // Offsets a day either side bracket any transition near the target (zones change offset at most once a day).
  const offsets = new Set([target - 86_400_000, target + 86_400_000].map((t) => wallMs(t, timeZone) - t));
  const exact = [...offsets].map((o) => target - o).filter((t) => wallMs(t, timeZone) === target);
  if (exact.length > 0) return exact.sort((a, b) => a - b);
  // Skipped by a forward jump: find the jump, the first whole second whose local time is past the target.
  let lo = target - Math.max(...offsets); // local time before the target
  let hi = target - Math.min(...offsets); // local time after it
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallMs(mid, timeZone) >= target) hi = mid;
    else lo = mid;
  }
  return [hi];
}

/**
 * The first instant at or after `instant` when pushes may go: `instant` itself outside quiet hours, else the
 * window's end in local time (21:30 → 08:00 the next day for '21:00-08:00'; 07:59 → 08:00 the same day).
 */
export function nextAllowedInstant(instant: Date, timeZone: string, quiet: QuietHours | null): Date {
  if (!quiet || !isQuiet(instant, timeZone, quiet)) return new Date(instant.getTime());
  const now = local(instant, timeZone);
  // In a window that crosses midnight, before midnight the window ends tomorrow.
  let date = quiet.start > quiet.end && now.seconds >= quiet.start ? addDays(now.date, 1) : now.date;
  // A couple of days at most: the extra iterations only guard against odd zone transitions.
  for (let i = 0; i < 3; i++, date = addDays(date, 1)) {
    for (const t of instantsAtWallTime(date, quiet.end, timeZone)) {
      const candidate = new Date(t);
      if (t >= instant.getTime() && !isQuiet(candidate, timeZone, quiet)) return candidate;
    }
  }
  throw new Error(`no allowed instant after ${instant.toISOString()} in ${timeZone} for quiet hours ${quiet.text}`);
}

/**
 * Until when an outbound message (a delivery or a batch) waits, if it must: not before its planned time, and a push
 * never in quiet hours (21:00–08:00). Undefined when it may go at `now`.
 */
export function holdUntil(m: { not_before: Date | null; push: boolean }, now: Date, timeZone: string, quiet: QuietHours | null): Date | undefined {
  let waitUntil = m.not_before && m.not_before > now ? m.not_before : undefined;
  if (m.push) {
    const allowed = nextAllowedInstant(waitUntil ?? now, timeZone, quiet);
    if (allowed > (waitUntil ?? now)) waitUntil = allowed;
  }
  return waitUntil;
}

/**
 * How a message the conversation produced goes out (MECHANISM: only the direct answer to what someone just wrote
 * goes at once). To the writer it is that answer: at once, whatever the hour. To anyone else — the task card a
 * report sends its owner, a card asking the GB to confirm — it is an automatic message: a push, held until quiet
 * hours end (`notBefore`, so the relay and the queue wait for it too).
 */
export function replyDelivery(recipient: string, writer: string, now: Date, timeZone: string, quiet: QuietHours | null): { push: boolean; notBefore?: Date } {
  if (recipient === writer) return { push: false };
  const at = nextAllowedInstant(now, timeZone, quiet);
  return at.getTime() > now.getTime() ? { push: true, notBefore: at } : { push: true };
}
