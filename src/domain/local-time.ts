// Dates in the organisation's time zone. Pure: takes the instant and the zone, never reads a clock.

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
