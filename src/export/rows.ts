// Rows of an export (care records, obligations, the hardship registry, relief, pairings) into bytes: CSV through
// the one writer (csv.ts: BOM, CRLF, formula neutralisation) or JSON lines, chunk by chunk, so an export of any
// size streams. Also the one way an instant is written in an export (ISO 8601 at the organisation's offset), and the
// keyset paging exporters read their rows with.
import { wallClockFormatter } from '../domain/dates.ts';
import { csvLines, writeCsv, type CsvValue } from './csv.ts';

/** The text of one cell for a column's value: null and undefined are empty, booleans true/false. */
export type CsvCellOf = (column: string, value: unknown) => CsvValue;

export const plainCsvCell: CsvCellOf = (_column, v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));

/**
 * CSV as Excel opens it: UTF-8 with a BOM (otherwise Excel reads Chinese as GBK), CRLF, RFC 4180 quoting; a
 * header row of the column codes, then one row per record. Free text written in chat is neutralised by the shared
 * writer (=, +, -, @, TAB, CR) so none runs as a formula in the OD's spreadsheet.
 */
export async function* csvRowChunks(
  columns: readonly string[],
  chunks: AsyncIterable<readonly object[]>,
  cellOf: CsvCellOf = plainCsvCell,
): AsyncGenerator<Buffer> {
  // The first read happens before the header goes out, so a database that is down fails the whole export
  // (an HTTP error status, a CLI exit code) instead of leaving a file with a header and nothing else.
  const it = chunks[Symbol.asyncIterator]();
  try {
    let next = await it.next();
    yield writeCsv([columns]);
    for (; !next.done; next = await it.next()) {
      const chunk = next.value;
      if (chunk.length === 0) continue;
      // Only the first buffer (the header's) carries the BOM.
      yield csvLines(chunk.map((r) => columns.map((c) => cellOf(c, (r as Record<string, unknown>)[c]))));
    }
  } finally {
    // A consumer that stops early (a client gone) closes the reader too.
    await it.return?.();
  }
}

/** JSON lines: one JSON object per line (keys = the column codes, null for empty), LF-terminated, no BOM; text exactly as written. */
export async function* jsonLineChunks(chunks: AsyncIterable<readonly object[]>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    yield Buffer.from(chunk.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * ISO 8601 at the organisation's offset, to the second: 2026-11-20T10:15:00+08:00. One cached Intl formatter
 * per zone (dayjs's tz plugin costs ~200 µs a call, which is 40 s on a 200,000-row export).
 */
export function isoAt(v: Date | string | null, timeZone: string): string | null {
  if (v === null) return null;
  const instant = v instanceof Date ? v : new Date(v);
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${String(v)}`);
  const p: Record<string, number> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(instant)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const seconds = Math.floor(ms / 1000) * 1000;
  const local = Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second);
  const offsetMinutes = Math.round((local - seconds) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${pad(p.year!, 4)}-${pad(p.month!)}-${pad(p.day!)}T${pad(p.hour!)}:${pad(p.minute!)}:${pad(p.second!)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Reads keyset pages until a short one; `page(after)` returns rows with string ids in id order (the first after '0'). */
export async function* keysetPages<R extends { id: string }>(page: (after: string) => Promise<R[]>, chunkSize: number): AsyncGenerator<R[]> {
  let after = '0';
  for (;;) {
    const rows = await page(after);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < chunkSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
