// The one CSV writer of every export (roster, care records): what Excel and WPS open correctly and safely.
// - UTF-8 with a BOM (without it Excel reads Chinese as GBK) and CRLF line ends;
// - RFC 4180 quoting where a cell holds a quote, comma or line break, or starts or ends with a space;
// - formula neutralisation (OWASP "CSV Injection"): a cell starting with = + - @ TAB or CR gets a leading
//   apostrophe, so Excel shows it as text instead of running it, and a phone such as +8613800000000 stays
//   text instead of turning into a number. The roster importer strips that apostrophe again
//   (unneutraliseCell), so export → import is lossless.

export const CSV_BOM = '\uFEFF';

// A value that already looks neutralised ('=x) gets one more apostrophe, so the importer's stripping of one
// is exact for every value.
const NEEDS_APOSTROPHE = /^'*[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** The cell as text Excel will not evaluate. */
export function neutraliseCell(value: string): string {
  return NEEDS_APOSTROPHE.test(value) ? `'${value}` : value;
}

/** The inverse, for the importer: an apostrophe in front of a formula start is the writer's, not the data's. */
export function unneutraliseCell(value: string): string {
  return value.startsWith("'") && NEEDS_APOSTROPHE.test(value.slice(1)) ? value.slice(1) : value;
}

export type CsvValue = string | number | boolean | null | undefined;

/** One cell, neutralised and quoted: null and undefined are empty. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = neutraliseCell(String(value));
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV lines, each ending in CRLF, without the BOM: for the chunks after the first of a stream. */
export function csvLines(rows: readonly (readonly CsvValue[])[]): Buffer {
  let text = '';
  for (const r of rows) text += `${r.map(csvCell).join(',')}\r\n`;
  return Buffer.from(text, 'utf8');
}

/** A whole CSV file: the BOM, then every row. */
export function writeCsv(rows: readonly (readonly CsvValue[])[]): Buffer {
  return Buffer.concat([Buffer.from(CSV_BOM, 'utf8'), csvLines(rows)]);
}
