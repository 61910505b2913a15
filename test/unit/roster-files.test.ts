import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { writeCsv } from '../../src/export/csv.ts';
import { decodeText, detectFormat, parseCsv, readRosterBytes, readXlsx, ROSTER_LIMITS, RosterLimitError, writeXlsx } from '../../src/roster/files.ts';
import { farRightCellXlsx, zipBombXlsx } from '../helpers/hostile-xlsx.ts';
import { parseRoster } from '../../src/roster/parse.ts';

const texts = (rows: { cells: unknown[] }[]) => rows.map((r) => r.cells);

describe('CSV', () => {
  it('reads quotes, doubled quotes, delimiters and line breaks inside cells, CRLF and a BOM', () => {
    const rows = parseCsv('\uFEFF姓名,备注\r\n"王芳","说""你好"", 再见"\r\n"李\r\n雷",x\r\n');
    expect(texts(rows)).toEqual([['姓名', '备注'], ['王芳', '说"你好", 再见'], ['李\r\n雷', 'x']]);
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 3]);
  });

  it('reads LF and CR line ends, a missing final newline and empty trailing cells', () => {
    expect(texts(parseCsv('a,b\nc,\rd,e'))).toEqual([['a', 'b'], ['c', ''], ['d', 'e']]);
  });

  it('detects tab-separated text (Excel "Unicode 文本")', () => {
    expect(texts(parseCsv('姓名\t入党日期\n王芳\t2001/7/1\n'))).toEqual([['姓名', '入党日期'], ['王芳', '2001/7/1']]);
  });

  it('decodes UTF-8 with or without BOM, UTF-16LE, and GB18030 from Chinese Windows Excel', () => {
    expect(decodeText(Buffer.from('\uFEFF王芳', 'utf8'))).toBe('王芳');
    expect(decodeText(Buffer.from('王芳', 'utf8'))).toBe('王芳');
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('王芳', 'utf16le')]))).toBe('王芳');
    // "王芳,入党" in GBK
    expect(decodeText(Buffer.from([0xcd, 0xf5, 0xb7, 0xbc, 0x2c, 0xc8, 0xeb, 0xb5, 0xb3]))).toBe('王芳,入党');
  });

  it('writes what it reads back: BOM, CRLF, quoting only where needed', () => {
    const rows = [['姓名', '备注'], ['王芳', 'a,b'], ['x"y', ' lead'], ['多\n行', '']];
    const bytes = writeCsv(rows);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('\r\n王芳,"a,b"\r\n"x""y"," lead"\r\n');
    expect(texts(parseCsv(decodeText(bytes)))).toEqual(rows);
  });
});

describe('XLSX', () => {
  it('is recognised by its zip signature', async () => {
    const bytes = await writeXlsx('s', [{ header: 'a', width: 5, kind: 'text' }], [['x']]);
    expect(detectFormat(bytes)).toBe('xlsx');
    expect(detectFormat(Buffer.from('姓名,账号'))).toBe('csv');
  });

  it('writes date columns as real date cells and text columns as text', async () => {
    const bytes = await writeXlsx(
      '名册',
      [
        { header: '姓名', width: 8, kind: 'text' },
        { header: '入党日期', width: 12, kind: 'date' },
        { header: '手机', width: 12, kind: 'text' },
      ],
      [['王芳', '2000-02-29', '013800138000'], ['李雷', null, null]],
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const cell = wb.worksheets[0]!.getCell('B2');
    expect(cell.type).toBe(ExcelJS.ValueType.Date);
    expect((cell.value as Date).toISOString()).toBe('2000-02-29T00:00:00.000Z');
    const rows = await readXlsx(bytes);
    expect(texts(rows)).toEqual([['姓名', '入党日期', '手机'], ['王芳', new Date('2000-02-29T00:00:00Z'), '013800138000'], ['李雷']]);
  });

  it('reads a secretary-made workbook: date cells, numbers, rich text, formulas, a title row', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['计算机学院党员名册']);
    ws.addRow(['姓名', '入党日期', '转正日期', '党总支', '党支部', '手机']);
    ws.addRow([{ richText: [{ text: '王' }, { text: '芳' }] }, new Date(Date.UTC(2004, 1, 29)), 38777, '计算机学院党总支', { formula: '"教工"&"党支部"', result: '教工党支部' }, 13800138000]);
    ws.getCell('B3').numFmt = 'yyyy/m/d';
    const rows = await readRosterBytes(new Uint8Array(await wb.xlsx.writeBuffer()));
    const r = parseRoster(rows);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.entries).toEqual([
      expect.objectContaining({ row: 3, name: '王芳', joinDate: '2004-02-29', fullMemberDate: '2006-03-01', branch: '教工党支部', phone: '13800138000' }),
    ]);
  });

  it('rejects a corrupt workbook with an error rather than an empty roster', async () => {
    await expect(readRosterBytes(Buffer.from('PK\u0003\u0004garbage'))).rejects.toThrow();
  });
});

// Issue 8 point 8: a 525 KB sheet with a cell in column XFD on 30,000 rows grew the server to 4.3 GB; an
// 871 KB zip bomb took 1.2 GB. Memory is sampled while each file is read.
describe('hostile XLSX', () => {
  async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; growthMb: number }> {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const [result] = await Promise.allSettled([work()]);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result: result, growthMb: (peak - before) / 1024 / 1024 };
  }

  it('reads a sheet with a cell in column XFD on every row sparsely, in bounded memory', async () => {
    const bytes = await farRightCellXlsx(30_000);
    const { result, growthMb } = await peakRssGrowth(() => readRosterBytes(bytes));
    if (result.status === 'rejected') throw result.reason;
    expect(result.value).toHaveLength(30_001);
    expect(result.value.every((r) => r.cells.length <= 8)).toBe(true);
    expect(parseRoster(result.value).ok).toBe(true);
    expect(growthMb).toBeLessThan(300);
  }, 120_000);

  it.each([['honest', false], ['lying about its sizes', true]])('refuses a zip bomb (%s) with a clear error, in bounded memory', async (_label, lying) => {
    const bytes = await zipBombXlsx(300, lying);
    expect(bytes.length).toBeLessThan(1024 * 1024);
    const { result, growthMb } = await peakRssGrowth(() => readRosterBytes(bytes));
    expect(result.status).toBe('rejected');
    const err = (result as PromiseRejectedResult).reason as Error;
    expect(err).toBeInstanceOf(RosterLimitError);
    expect(err.message).toBe('XLSX 文件解压后超过 256 MB 的上限（可能是异常文件），请另存为 CSV 或拆分后导入');
    expect(growthMb).toBeLessThan(300);
  }, 120_000);

  it('caps the rows of CSV and XLSX alike', async () => {
    const limits = { ...ROSTER_LIMITS, maxRows: 100 };
    const csvBytes = Buffer.from(['姓名,入党日期,党总支,党支部', ...Array.from({ length: 100 }, (_, i) => `p${i},2010-07-01,G,B`)].join('\r\n'));
    await expect(readRosterBytes(csvBytes, limits)).rejects.toThrow('名册超过 100 行的上限，请拆分后分批导入');
    await expect(readRosterBytes(await farRightCellXlsx(100), limits)).rejects.toThrow('名册超过 100 行的上限，请拆分后分批导入');
    expect(await readRosterBytes(await farRightCellXlsx(99), limits)).toHaveLength(100);
  });
});
