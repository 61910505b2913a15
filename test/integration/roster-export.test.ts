import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRoster } from '../../src/roster/export.ts';
import { readXlsx } from '../../src/roster/files.ts';
import { importRosterFile } from '../../src/roster/import.ts';
import { seedDemo } from '../../src/roster/seed-demo.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { csv, HEADER, TODAY } from '../helpers/roster-fixture.ts';

describe.each(DB_KINDS)('export-roster on %s', (kind) => {
  let a: TestDb;
  let b: TestDb;
  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase(kind), createTestDatabase(kind)]);
  });
  afterAll(async () => Promise.all([a.drop(), b.drop()]));

  it('writes the import columns in the import notation', async () => {
    const o = await importRosterFile(a.db, csv(), { today: TODAY });
    expect(o.ok).toBe(true);
    const text = (await exportRoster(a.db, 'csv')).bytes.toString('utf8');
    const lines = text.replace(/^\uFEFF/, '').split('\r\n');
    // 钉钉账号 (issue 15) right after 账号; 突出贡献 (issue 11 point 5) and 党代会代表 (issue 14) as 是/否 after the
    // import's other columns.
    expect(lines[0]).toBe(`${HEADER.replace('账号,', '账号,钉钉账号,')},突出贡献,党代会代表`);
    expect(lines).toContain('王芳,wangfang01,,女,1968-04-01,1992-07-01,1993-07-01,数学学院党总支,教工党支部,党总支书记、支部书记,,,,否,否');
    expect(lines).toContain('钱委员,qianweiyuan,,男,1970-08-08,1995-05-04,1996-05-04,机关党总支,党政办公室党支部,党委委员,副厅级,数学学院党总支、计算机学院党总支,,否,否');
    expect(lines).toContain('郑预备,,,女,2004-09-09,2026-05-01,,计算机学院党总支,本科生第一党支部,,,,,否,否');
    await sql`truncate members, organisations cascade`.execute(a.db);
  });

  it('round trips losslessly: export → import into an empty database → export gives identical bytes (CSV and XLSX)', async () => {
    await seedDemo(a.db, { members: 300, seed: 11, today: TODAY });
    const first = await exportRoster(a.db, 'csv');
    const firstXlsx = await exportRoster(a.db, 'xlsx');
    expect(first.members).toBeGreaterThan(290); // the demo's deceased and transferred-out are not exported

    const imported = await importRosterFile(b.db, first.bytes, { today: TODAY });
    if (!imported.ok) throw new Error(JSON.stringify(imported.errors.slice(0, 3)));
    expect(imported.report.members.created).toBe(first.members);
    const second = await exportRoster(b.db, 'csv');
    expect(second.bytes.equals(first.bytes)).toBe(true);

    // The same through xlsx, whose dates are real date cells.
    const xlsxRows = await readXlsx(firstXlsx.bytes);
    expect(xlsxRows[1]!.cells[5]).toBeInstanceOf(Date);
    await sql`truncate members, organisations cascade`.execute(b.db);
    const viaXlsx = await importRosterFile(b.db, firstXlsx.bytes, { today: TODAY });
    expect(viaXlsx.ok).toBe(true);
    expect((await exportRoster(b.db, 'csv')).bytes.equals(first.bytes)).toBe(true);
  });

  // Issue 8 point 7: names, branches, accounts and phones that Excel would run as formulas or turn into numbers.
  it('neutralises formula starts in CSV (a leading apostrophe), writes them as text cells in XLSX, and re-imports them unchanged', async () => {
    const hostile = [
      '"=HYPERLINK(""http://evil.example/x"",""点此"")",@evil,男,1990-01-01,2012-05-20,,+机关党总支,-党政办公室党支部,,,,+8613800000000',
      '@王芳,-wang,女,1990-01-01,2012-05-20,,+机关党总支,-党政办公室党支部,,,,+8613900000000',
    ];
    await Promise.all([sql`truncate members, organisations cascade`.execute(a.db), sql`truncate members, organisations cascade`.execute(b.db)]);
    const o = await importRosterFile(a.db, csv(hostile), { today: TODAY });
    if (!o.ok) throw new Error(JSON.stringify(o.errors));
    const first = await exportRoster(a.db, 'csv');
    const lines = first.bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines).toContain(`"'=HYPERLINK(""http://evil.example/x"",""点此"")",'@evil,,男,1990-01-01,2012-05-20,,'+机关党总支,'-党政办公室党支部,,,,'+8613800000000,否,否`);
    expect(lines).toContain(`'@王芳,'-wang,,女,1990-01-01,2012-05-20,,'+机关党总支,'-党政办公室党支部,,,,'+8613900000000,否,否`);
    // No line of the export holds a cell that starts a formula.
    for (const line of lines) for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+\-@]/);

    // The importer strips the apostrophe it finds in front of a formula start: the round trip is lossless.
    const again = await importRosterFile(b.db, first.bytes, { today: TODAY });
    if (!again.ok) throw new Error(JSON.stringify(again.errors));
    const names = await sql<{ name: string; userid: string; phone: string }>`select name, userid, phone from members order by userid`.execute(b.db);
    expect(names.rows).toEqual([
      { name: '@王芳', userid: '-wang', phone: '+8613900000000' },
      { name: '=HYPERLINK("http://evil.example/x","点此")', userid: '@evil', phone: '+8613800000000' },
    ]);
    expect((await exportRoster(b.db, 'csv')).bytes.equals(first.bytes)).toBe(true);

    // XLSX: the same values as plain text cells (shared strings, text format), never formulas.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportRoster(a.db, 'xlsx')).bytes as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    for (const address of ['A2', 'B2', 'H2', 'I2', 'M2', 'A3', 'M3']) {
      const cell = ws.getCell(address);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.numFmt).toBe('@');
    }
    expect(ws.getCell('M3').value).toBe('+8613900000000');
  });
});
