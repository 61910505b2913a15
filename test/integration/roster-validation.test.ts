// Issue 9.16: the roster import refuses clearly wrong data with its row number — a cadre level that names no
// rank, a phone that is no number — and a general branch or branch typed one character off an existing one
// (it would quietly split an organisation in two) unless new organisations are allowed; new organisations are
// listed prominently in the report.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { importRosterFile, type ImportOutcome } from '../../src/roster/import.ts';
import { formatReport } from '../../src/cli/roster-commands.ts';
import { nearDuplicateOf } from '../../src/domain/roster.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { csv, FIXTURE_ROWS, TODAY } from '../helpers/roster-fixture.ts';

const errorsOf = (o: ImportOutcome) => (o.ok ? [] : o.errors.map((e) => `${e.row}:${e.column ?? ''}:${e.reason}`));

describe('near-duplicate names', () => {
  it('one character added, dropped or changed is a typo; a numeral for a numeral is a sibling', () => {
    const have = ['计算机学院党总支', '教工第一党支部'];
    expect(nearDuplicateOf('计算机学院党总支部', have)).toBe('计算机学院党总支');
    expect(nearDuplicateOf('计算机学党总支', have)).toBe('计算机学院党总支');
    expect(nearDuplicateOf('计算机学园党总支', have)).toBe('计算机学院党总支');
    expect(nearDuplicateOf('教工第二党支部', have)).toBeUndefined();
    expect(nearDuplicateOf('教工第12党支部', ['教工第11党支部'])).toBeUndefined();
    expect(nearDuplicateOf('数学学院党总支', have)).toBeUndefined();
    expect(nearDuplicateOf('计算机学院党总支', have)).toBeUndefined();
  });
});

describe.each(DB_KINDS)('roster validation on %s', (kind) => {
  let t: TestDb;
  const run = (rows: string[], opts: { allowNewOrganisations?: boolean } = {}) => importRosterFile(t.db, csv(rows), { today: TODAY, ...opts });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    await sql`truncate members, organisations cascade`.execute(t.db);
  });

  it('a cadre level that names no rank and a phone that is no number are row errors; usual forms pass', async () => {
    const rows = [...FIXTURE_ROWS, '钱大官,qiandaguan,男,1980-01-01,2005-01-01,2006-01-01,机关党总支,组织人事党支部,,大官,,abc'];
    const errors = errorsOf(await run(rows));
    expect(errors).toEqual([
      `11:干部级别:干部级别「大官」无法识别，可填：科员、副科级、正科级、副处级、正处级、副厅级、正厅级等，非干部留空`,
      `11:手机:手机「abc」不是电话号码，请填写11位手机号或带区号的固定电话`,
    ]);
    const fine = [...FIXTURE_ROWS, '钱正常,qianzhengchang,男,1980-01-01,2005-01-01,2006-01-01,机关党总支,组织人事党支部,,无,,+86 138-0013-8001', '钱座机,qianzuoji,男,1980-01-01,2005-01-01,2006-01-01,机关党总支,组织人事党支部,,副处级干部,,010-62751234'];
    const ok = await run(fine);
    expect(errorsOf(ok)).toEqual([]);
  });

  it('a join date in the future is refused with its row', async () => {
    const errors = errorsOf(await run([...FIXTURE_ROWS, '未来人,weilai,男,1990-01-01,2030-01-01,,机关党总支,组织人事党支部,,,,']));
    expect(errors.some((e) => e.startsWith('11:') && e.includes('2030-01-01') && e.includes('晚于今天'))).toBe(true);
  });

  it('a general branch or branch one character off an existing one is refused unless allowed; new ones are listed first', async () => {
    expect(errorsOf(await run(FIXTURE_ROWS))).toEqual([]);
    const typo = [...FIXTURE_ROWS, '新同志,xintongzhi,男,1995-01-01,2018-01-01,2019-01-01,计算机学院党总支部,教工第一党支部,,,,'];
    expect(errorsOf(await run(typo))).toEqual([
      '11:党总支:党总支「计算机学院党总支部」与已有的「计算机学院党总支」只差一个字，疑为笔误；如确为新组织，请加 --allow-new-organisations（管理接口加 allowNewOrganisations=1）重新导入',
    ]);
    const branchTypo = [...FIXTURE_ROWS, '新同志,xintongzhi,男,1995-01-01,2018-01-01,2019-01-01,计算机学院党总支,教工第一支部,,,,'];
    expect(errorsOf(await run(branchTypo))[0]).toContain('党支部「教工第一支部」与计算机学院党总支已有的「教工第一党支部」只差一个字');
    // A sibling by number is not a typo.
    const sibling = [...FIXTURE_ROWS, '新同志,xintongzhi,男,1995-01-01,2018-01-01,2019-01-01,计算机学院党总支,教工第二党支部,,,,'];
    const out = await run(sibling, {});
    expect(errorsOf(out)).toEqual([]);
    const allowed = await run([...typo, '新同志二,xintongzhi2,男,1995-01-01,2018-01-01,2019-01-01,计算机学院党总支,教工第二党支部,,,,'], { allowNewOrganisations: true });
    expect(allowed.ok).toBe(true);
    if (!allowed.ok) return;
    const lines = formatReport(allowed.report);
    expect(lines[1]).toBe('【新建组织 2 个，请核对名称】');
    expect(lines.slice(2, 4)).toEqual(['  + 计算机学院党总支部', '  + 计算机学院党总支部 / 教工第一党支部']);
  });
});
