// Dates in the organisation's time zone. Pure: takes the instant and the zone, never reads a clock.
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(customParseFormat);

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar date of an instant, as YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
  return formatter(timeZone).format(instant);
}

/** The local calendar date of an instant as YYYYMMDD, for idempotency keys (dedupe keys use the local date). */
export function localDateKey(instant: Date, timeZone: string): string {
  return localDate(instant, timeZone).replaceAll('-', '');
}

/** The instant of a local wall-clock time on a local date in a zone (e.g. 09:00 on 2026-11-26 in Shanghai). */
export function localInstant(date: string, time: string, timeZone: string): Date {
  return dayjs.tz(`${date} ${time}`, 'YYYY-MM-DD HH:mm', timeZone).toDate();
}

/** The local wall-clock time of an instant as HH:mm. */
export function localTime(instant: Date, timeZone: string): string {
  return dayjs(instant).tz(timeZone).format('HH:mm');
}

/** The local date `days` after a local date (YYYY-MM-DD arithmetic, no zone involved). */
export function addLocalDays(date: string, days: number): string {
  return dayjs.utc(date).add(days, 'day').format('YYYY-MM-DD');
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter giving an instant's local wall clock (year … second, 24 h) in a zone; throws RangeError for an unknown zone. */
export function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = wallClocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    wallClocks.set(timeZone, f);
  }
  return f;
}
