// Reading and writing roster files: CSV as Excel and WPS save it (UTF-8 with or without BOM, GB18030 from a
// Chinese Windows "CSV (逗号分隔)", UTF-16 "Unicode 文本"; quotes, CRLF), and XLSX through exceljs, whose
// date cells arrive as JS Dates. CSV output is the shared writer's (src/export/csv.ts).
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { crc32, createDeflateRaw, createInflateRaw, deflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { Cell, SheetRow } from './parse.ts';
import { yieldToEventLoop } from './steps.ts';

export type RosterFormat = 'csv' | 'xlsx';

export function detectFormat(bytes: Uint8Array): RosterFormat {
  // An xlsx file is a zip archive: "PK\x03\x04".
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04 ? 'xlsx' : 'csv';
}

export async function readRosterBytes(bytes: Uint8Array, limits: RosterLimits = ROSTER_LIMITS): Promise<SheetRow[]> {
  if (detectFormat(bytes) === 'xlsx') return readXlsx(bytes, limits);
  const rows: SheetRow[] = [];
  for (const row of csvRecords(decodeText(bytes))) {
    if (rows.length >= limits.maxRows) throw new RosterLimitError(tooManyRows(limits.maxRows));
    if (row.cells.length > limits.maxColumns) row.cells.length = limits.maxColumns;
    rows.push(row);
    if (rows.length % YIELD_EVERY_ROWS === 0) await yieldToEventLoop();
  }
  return rows;
}

// ---- limits ----

export interface RosterLimits {
  /** Rows of the sheet (header and blank rows included). */
  maxRows: number;
  /** Columns considered: cells further right are ignored (the roster's columns are the first dozen or so). */
  maxColumns: number;
  /** Total uncompressed size of an xlsx's parts, measured by inflating, not by trusting the zip's header. */
  maxUncompressedBytes: number;
}

/** A 300,000-row roster is three times the largest university's; 256 MB of XML holds it with room to spare. */
export const ROSTER_LIMITS: RosterLimits = { maxRows: 300_000, maxColumns: 256, maxUncompressedBytes: 256 * 1024 * 1024 };

/** A file beyond the limits: the message is for the secretary, in Chinese. */
export class RosterLimitError extends Error {
  readonly code = 'roster_too_large';
}

const tooManyRows = (max: number) => `名册超过 ${max} 行的上限，请拆分后分批导入`;
const YIELD_EVERY_ROWS = 2_000;

/**
 * The xlsx as exceljs may safely read it, or a RosterLimitError. Every part is really inflated and counted,
 * chunk by chunk (a zip's declared sizes can lie), against `maxUncompressedBytes` for the whole archive; the
 * central directory's declared sizes refuse the honest giants before any inflating. Worksheets come back
 * rewritten without their cells right of `maxColumns` (exceljs would walk every row out to column XFD); the
 * other parts are copied as they are. ZIP64 archives are refused: a roster never needs one.
 */
export async function boundedXlsx(zip: Buffer, limits: RosterLimits): Promise<Buffer> {
  const cap = limits.maxUncompressedBytes;
  const tooBig = () => new RosterLimitError(`XLSX 文件解压后超过 ${Math.round(cap / 1024 / 1024)} MB 的上限（可能是异常文件），请另存为 CSV 或拆分后导入`);
  const eocd = findEndOfCentralDirectory(zip);
  if (eocd < 0) throw new Error('不是有效的 XLSX 文件（找不到 zip 目录）');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  let declared = 0;
  for (let i = 0; i < count; i += 1) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) throw new Error('不是有效的 XLSX 文件（zip 目录损坏）');
    const compressed = zip.readUInt32LE(p + 20);
    const uncompressed = zip.readUInt32LE(p + 24);
    const offset = zip.readUInt32LE(p + 42);
    if (compressed === 0xffffffff || uncompressed === 0xffffffff || offset === 0xffffffff) throw tooBig();
    declared += uncompressed;
    if (declared > cap) throw tooBig();
    const nameLength = zip.readUInt16LE(p + 28);
    entries.push({ name: zip.subarray(p + 46, p + 46 + nameLength), method: zip.readUInt16LE(p + 10), crc: zip.readUInt32LE(p + 16), compressed, uncompressed, data: Buffer.alloc(0) });
    const o = offset;
    if (o + 30 > zip.length || zip.readUInt32LE(o) !== 0x04034b50) throw new Error('不是有效的 XLSX 文件（zip 条目损坏）');
    const start = o + 30 + zip.readUInt16LE(o + 26) + zip.readUInt16LE(o + 28);
    entries[i]!.data = zip.subarray(start, start + compressed);
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  const budget = { left: cap };
  for (const entry of entries) {
    const name = entry.name.toString('utf8');
    const rewrite = /\.(xml|rels)$/i.test(name)
      ? new XmlRewriter(/^xl\/worksheets\/[^/]+\.xml$/.test(name) ? new FarCellFilter(limits.maxColumns) : undefined)
      : undefined;
    if (entry.method === 0) {
      budget.left -= entry.data.length;
      if (budget.left < 0) throw tooBig();
      if (rewrite) Object.assign(entry, await deflateText(rewrite.push(entry.data.toString('utf8')) + rewrite.end()), { method: 8 });
    } else if (entry.method === 8) {
      const out = await inflateCounted(entry.data, budget, tooBig, rewrite);
      if (out) Object.assign(entry, out);
    }
  }
  return writeZip(entries);
}

interface ZipEntry {
  name: Buffer;
  method: number;
  crc: number;
  compressed: number;
  uncompressed: number;
  data: Buffer;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i -= 1) if (zip.readUInt32LE(i) === 0x06054b50) return i;
  return -1;
}

/**
 * Inflates a raw deflate stream, counting against the budget and stopping the moment it is spent. Without a
 * filter the output is thrown away; with one, the filtered text is deflated again and returned as the entry.
 */
async function inflateCounted(
  data: Buffer,
  budget: { left: number },
  tooBig: () => Error,
  filter: XmlRewriter | undefined,
): Promise<Pick<ZipEntry, 'crc' | 'compressed' | 'uncompressed' | 'data'> | undefined> {
  const inflate = createInflateRaw();
  const deflate = filter ? createDeflateRaw({ level: 1 }) : undefined;
  // Without a rewriter the inflated bytes are only counted.
  const decoder = new StringDecoder('utf8');
  const packed: Buffer[] = [];
  deflate?.on('data', (c: Buffer) => packed.push(c));
  const deflated = deflate ? new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject)) : undefined;
  let crc = 0;
  let size = 0;
  const emit = (text: string) => {
    if (!deflate || text === '') return;
    const bytes = Buffer.from(text, 'utf8');
    crc = crc32(bytes, crc);
    size += bytes.length;
    deflate.write(bytes);
  };
  inflate.end(data);
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      budget.left -= chunk.length;
      if (budget.left < 0) throw tooBig();
      if (filter) emit(filter.push(decoder.write(chunk)));
    }
  } catch (err) {
    inflate.destroy();
    deflate?.destroy();
    throw err;
  }
  if (!filter || !deflate) return undefined;
  emit(filter.push(decoder.end()) + filter.end());
  deflate.end();
  await deflated;
  const out = Buffer.concat(packed);
  return { crc: crc >>> 0, compressed: out.length, uncompressed: size, data: out };
}

async function deflateText(text: string): Promise<Pick<ZipEntry, 'crc' | 'compressed' | 'uncompressed' | 'data'>> {
  const bytes = Buffer.from(text, 'utf8');
  const data = await new Promise<Buffer>((resolve, reject) => deflateRaw(bytes, { level: 1 }, (err, out) => (err ? reject(err) : resolve(out))));
  return { crc: crc32(bytes) >>> 0, compressed: data.length, uncompressed: bytes.length, data };
}

/**
 * What an XML part goes through before exceljs sees it: worksheets lose their far-right cells, and every
 * character outside ASCII becomes a numeric character reference. The latter works around exceljs's streaming
 * reader, which decodes each inflated chunk to text on its own and so turns a Chinese character split across
 * two chunks into U+FFFD (lib/utils/parse-sax.js); an all-ASCII part has nothing to split.
 */
class XmlRewriter {
  constructor(private readonly cells: FarCellFilter | undefined) {}

  push(text: string): string {
    return asciiOnly(this.cells ? this.cells.push(text) : text);
  }

  end(): string {
    this.cells?.end();
    return '';
  }
}

const asciiOnly = (text: string) => text.replace(/[^\x00-\x7f]/gu, (ch) => `&#x${ch.codePointAt(0)!.toString(16)};`);

/**
 * Drops the <c> elements of a worksheet's XML whose column (from the r="XFD12" attribute) lies right of
 * `maxColumns`, streaming: only an unfinished tag is carried from one chunk to the next.
 */
class FarCellFilter {
  private skipping = false;
  private pending = '';

  constructor(private readonly maxColumns: number) {}

  push(chunk: string): string {
    const s = this.pending + chunk;
    this.pending = '';
    let out = '';
    let i = 0;
    for (;;) {
      const lt = s.indexOf('<', i);
      if (lt < 0) {
        if (!this.skipping) out += s.slice(i);
        return out;
      }
      if (!this.skipping) out += s.slice(i, lt);
      const gt = s.indexOf('>', lt);
      if (gt < 0) {
        this.pending = s.slice(lt);
        if (this.pending.length > 1024 * 1024) throw new Error('不是有效的 XLSX 文件（标签过长）');
        return out;
      }
      const tag = s.slice(lt, gt + 1);
      if (this.skipping) {
        if (tag === '</c>') this.skipping = false;
      } else if (/^<c[\s>/]/.test(tag) && columnOfCellTag(tag) > this.maxColumns) {
        this.skipping = !tag.endsWith('/>');
      } else {
        out += tag;
      }
      i = gt + 1;
    }
  }

  end(): void {
    if (this.pending !== '') throw new Error('不是有效的 XLSX 文件（工作表不完整）');
  }
}

/** 1 for A, 16384 for XFD; 0 when the cell has no reference (it is kept). */
function columnOfCellTag(tag: string): number {
  const m = /\sr="([A-Z]{1,3})\d+"/.exec(tag);
  if (!m) return 0;
  let n = 0;
  for (const ch of m[1]!) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** A zip of the entries in order, with sizes in the local headers (no data descriptors), as unzipper reads it. */
function writeZip(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.uncompressed, 22);
    local.writeUInt16LE(e.name.length, 26);
    parts.push(local, e.name, e.data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(e.data.length, 20);
    c.writeUInt32LE(e.uncompressed, 24);
    c.writeUInt16LE(e.name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, e.name);
    offset += 30 + e.name.length + e.data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dir, end]);
}

// ---- CSV ----

export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: Excel on Chinese Windows saves CSV in the ANSI code page (GBK), a subset of GB18030.
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** The delimiter of the first line: tab for Excel's "Unicode 文本", semicolon for some locales, else comma. */
function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const [best] = [',', '\t', ';'].map((d) => [d, count(d)] as const).sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ',';
}

/**
 * RFC 4180: fields in double quotes may hold delimiters, "" and line breaks; CRLF, LF or CR end a record.
 * Row numbers count records, which is what Excel shows for a file with line breaks inside cells.
 */
export function parseCsv(input: string, delimiter = detectDelimiter(input)): SheetRow[] {
  return [...csvRecords(input, delimiter)];
}

/** The records one by one, so a caller can stop at a limit or yield the event loop between them. */
export function* csvRecords(input: string, delimiter = detectDelimiter(input)): Generator<SheetRow> {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let rowNumber = 0;
  let cells: Cell[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRecord = (): SheetRow => {
    cells.push(field);
    const row = { rowNumber: (rowNumber += 1), cells };
    cells = [];
    field = '';
    return row;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === delimiter) {
      cells.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      i += 1;
      yield endRecord();
      continue;
    } else {
      field += ch;
    }
    i += 1;
  }
  if (field !== '' || cells.length > 0) yield endRecord();
}

// ---- XLSX ----

function normaliseXlsxValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((t) => t.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as ExcelJS.CellFormulaValue).result;
    if (result === undefined || result === null) return null;
    if (typeof result === 'object' && !(result instanceof Date)) return null; // an error result (#N/A)
    return result;
  }
  if ('hyperlink' in value) return (value).text;
  if ('error' in value) return null;
  return null;
}

/**
 * The first worksheet that has any data; row numbers are the sheet's own. Streamed (exceljs WorkbookReader)
 * and sparse: only the cells a row really has, and only in the first `maxColumns` columns, are kept — a
 * sheet with one cell in column XFD on every row costs what its real cells cost, not 16,384 per row. The
 * zip is measured and the far-right cells dropped first (boundedXlsx), so a zip bomb is refused before anything is parsed.
 */
export async function readXlsx(bytes: Uint8Array, limits: RosterLimits = ROSTER_LIMITS): Promise<SheetRow[]> {
  const buffer = await boundedXlsx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), limits);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buffer]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles tell date cells from numbers (a number with a date format is a date).
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  const rows: SheetRow[] = [];
  let seen = 0;
  for await (const worksheet of reader) {
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
      seen += 1;
      if (seen > limits.maxRows) throw new RosterLimitError(tooManyRows(limits.maxRows));
      const cells: Cell[] = [];
      row.eachCell({ includeEmpty: false }, (cell, column) => {
        if (column <= limits.maxColumns) cells[column - 1] = normaliseXlsxValue(cell.value);
      });
      // Holes (cells the row does not have) read as empty, as everywhere else.
      for (let i = 0; i < cells.length; i += 1) if (cells[i] === undefined) cells[i] = null;
      if (cells.some((c) => c !== null)) rows.push({ rowNumber: row.number, cells });
      // Let the event loop breathe: callbacks and /healthz are answered during a large import.
      if (seen % YIELD_EVERY_ROWS === 0) await yieldToEventLoop();
    }
    // The first sheet with data is the roster; later sheets (notes, lists) are not read.
    if (rows.length > 0) break;
  }
  return rows;
}

export interface XlsxColumn {
  header: string;
  width: number;
  /** Date columns get real date cells; text columns are formatted as text so Excel keeps 账号/手机 intact. */
  kind: 'text' | 'date';
}

/** Cells: strings for text columns, 'YYYY-MM-DD' for date columns, null for empty. */
export async function writeXlsx(sheetName: string, columns: readonly XlsxColumn[], rows: readonly (readonly (string | null)[])[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  // Fixed document dates: exporting the same roster twice should give the same workbook contents.
  wb.created = new Date(0);
  wb.modified = new Date(0);
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width, style: { numFmt: c.kind === 'date' ? 'yyyy-mm-dd' : '@' } }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    ws.addRow(
      r.map((v, i) => {
        if (v === null) return null;
        // exceljs stores a Date as the serial of its UTC instant: midnight UTC is exactly the day.
        return columns[i]?.kind === 'date' ? new Date(`${v}T00:00:00Z`) : v;
      }),
    );
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
