// Dates as secretaries write them in their spreadsheets: 2024-05-01, 2024/5/1, 2024.5.1, 2024年5月1日,
// an Excel date cell (a JS Date from the xlsx reader) or a bare Excel serial number. Pure.

import { isValidDate } from './dates.ts';

export type DateParse = { ok: true; date: string } | { ok: false; reason: string };

// Plausible years for anything in a roster (births, joins); outside this it is a typing error.
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function fromParts(y: number, m: number, d: number, shown: string): DateParse {
  if (y < MIN_YEAR || y > MAX_YEAR) return { ok: false, reason: `「${shown}」的年份不合理` };
  if (!isValidDate(y, m, d)) return { ok: false, reason: `「${shown}」不是存在的日期` };
  return { ok: true, date: `${pad(y, 4)}-${pad(m)}-${pad(d)}` };
}

// Separators -, /, . ; optionally a time that Excel appends when it saves a date cell to CSV ("2024/5/1 0:00").
const NUMERIC = /^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
const CHINESE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/;

/**
 * Excel's serial day number (1900 date system): day 1 is 1900-01-01 and Excel counts a 29 February 1900 that
 * never was (serial 60), so serials from 61 on are days since 1899-12-30.
 */
export function excelSerialToDate(serial: number): DateParse {
  if (!Number.isFinite(serial)) return { ok: false, reason: `「${serial}」无法识别为日期` };
  const day = Math.floor(serial + 1e-9); // a time of day (fraction) does not change the date
  if (day === 60) return { ok: false, reason: `「${serial}」是 Excel 虚构的 1900年2月29日，不是存在的日期` };
  if (day < 1) return { ok: false, reason: `「${serial}」无法识别为日期` };
  const ms = Date.UTC(1899, 11, day < 60 ? 31 : 30) + day * 86_400_000;
  const d = new Date(ms);
  return fromParts(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), String(serial));
}

/** The inverse, for writing date cells: 'YYYY-MM-DD' → Excel serial (from 1900-03-01 on). */
export function dateToExcelSerial(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000);
}

/**
 * Parses one cell. Empty cells are not dates: callers decide whether a date is required.
 * A JS Date is read in UTC, which is how xlsx readers (exceljs) build date cells: midnight UTC of the day shown.
 */
export function parseRosterDate(value: unknown): DateParse {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { ok: false, reason: '单元格不是有效日期' };
    // Readers may land a few ms off midnight after float arithmetic; round to the nearest minute first.
    const t = new Date(Math.round(value.getTime() / 60_000) * 60_000);
    return fromParts(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.toISOString().slice(0, 10));
  }
  if (typeof value === 'number') return excelSerialToDate(value);
  if (typeof value !== 'string') return { ok: false, reason: `「${String(value)}」无法识别为日期` };
  const text = value.trim().replace(/\u3000/g, ' ');
  const m = NUMERIC.exec(text) ?? CHINESE.exec(text);
  if (!m) return { ok: false, reason: `「${text}」无法识别为日期，请写成 2024-05-01、2024/5/1、2024.5.1 或 2024年5月1日` };
  return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), text);
}

export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim().replace(/\u3000/g, '') === '');
}
