import { describe, expect, it } from 'vitest';
import { csvCell, csvLines, neutraliseCell, unneutraliseCell, writeCsv } from '../../src/export/csv.ts';
import { parseCsv } from '../../src/roster/files.ts';

describe('the shared CSV writer (issue 8 point 7)', () => {
  it('prefixes an apostrophe to cells starting with = + - @ TAB or CR, and nothing else', () => {
    for (const v of ['=1+1', '+8613800000000', '-2', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseCell(v)).toBe(`'${v}`);
    for (const v of ['王芳', "'quoted", '1=1', 'a+b', '', ' =x']) expect(neutraliseCell(v)).toBe(v);
    expect(neutraliseCell("'=x")).toBe("''=x");
  });

  it('unneutralise undoes exactly what neutralise did', () => {
    for (const v of ['=1+1', '+86', '-', '@x', '\tx', '王芳', "'=already", "''+x", "'plain", '']) expect(unneutraliseCell(neutraliseCell(v))).toBe(v);
  });

  it('quotes after neutralising, writes a BOM once and CRLF, and reads back', () => {
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell('\tx')).toBe(`'\tx`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(12)).toBe('12');
    const bytes = writeCsv([['a', 'b'], ['+86', 'c,d']]);
    expect(bytes.toString('utf8')).toBe("\uFEFFa,b\r\n'+86,\"c,d\"\r\n");
    expect(csvLines([['x']]).toString('utf8')).toBe('x\r\n');
    expect(parseCsv(bytes.toString('utf8')).map((r) => r.cells)).toEqual([['a', 'b'], ["'+86", 'c,d']]);
  });
});
