// Reading and writing roster files: CSV as Excel and WPS save it (UTF-8 with or without BOM, GB18030 from a
// Chinese Windows "CSV (逗号分隔)", UTF-16 "Unicode 文本"; quotes, CRLF), and XLSX through exceljs, whose
// date cells arrive as JS Dates. CSV output is the shared writer's (src/export/csv.ts).
import ExcelJS from 'exceljs';
import type { Cell, SheetRow } from './parse.ts';

export type RosterFormat = 'csv' | 'xlsx';

export function detectFormat(bytes: Uint8Array): RosterFormat {
  // An xlsx file is a zip archive: "PK\x03\x04".
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04 ? 'xlsx' : 'csv';
}

export async function readRosterBytes(bytes: Uint8Array): Promise<SheetRow[]> {
  return detectFormat(bytes) === 'xlsx' ? readXlsx(bytes) : parseCsv(decodeText(bytes));
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
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const rows: SheetRow[] = [];
  let cells: Cell[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    cells.push(field);
    rows.push({ rowNumber: rows.length + 1, cells });
    cells = [];
    field = '';
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
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else {
      field += ch;
    }
    i += 1;
  }
  if (field !== '' || cells.length > 0) endRecord();
  return rows;
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
  if ('hyperlink' in value) return (value as ExcelJS.CellHyperlinkValue).text;
  if ('error' in value) return null;
  return null;
}

/** The first worksheet that has any data; row numbers are the sheet's own. */
export async function readXlsx(bytes: Uint8Array): Promise<SheetRow[]> {
  const wb = new ExcelJS.Workbook();
  // exceljs wants a Node Buffer (its typings predate Buffer being generic).
  await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  const sheet = wb.worksheets.find((ws) => ws.actualRowCount > 0) ?? wb.worksheets[0];
  const rows: SheetRow[] = [];
  sheet?.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    // row.values is 1-based and sparse.
    const values = row.values as ExcelJS.CellValue[];
    for (let c = 1; c < values.length; c += 1) cells.push(normaliseXlsxValue(values[c]));
    rows.push({ rowNumber, cells });
  });
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
