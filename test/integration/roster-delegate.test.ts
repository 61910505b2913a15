// The roster's 党代会代表 column (issue 14 section 3, MECHANISM "Who is who"), on PostgreSQL and PGlite: 是 sets the
// delegate flag, 否 clears it, an empty cell or no column keeps it, the alias `delegate` is read, a bad value is
// refused with its row number, and the chat's identity carries the flag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRosterFile } from '../../src/roster/import.ts';
import { findMemberByUserid } from '../../src/roster/responsibility.ts';
import { CARE_HEADER, CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';

const TODAY = '2026-11-26';

describe.each(DB_KINDS)('roster column 党代会代表 on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await importCareRoster(t.db);
  });
  afterAll(async () => t.drop());

  const flag = async (userid: string) => (await t.db.selectFrom('members').select('party_congress_delegate').where('userid', '=', userid).executeTakeFirstOrThrow()).party_congress_delegate;
  const withColumn = (header: string, cell: (userid: string | undefined) => string) =>
    Buffer.from([`${CARE_HEADER},${header}`, ...CARE_ROWS.map((r) => `${r},${cell(r.split(',')[1])}`)].join('\n'), 'utf8');
  const imp = (bytes: Buffer) => importRosterFile(t.db, bytes, { today: TODAY });

  it('是 sets the flag, an empty cell or no column keeps it, 否 clears it; the alias `delegate` is read', async () => {
    expect(await flag('wushengri')).toBe(false);
    const first = await imp(withColumn('党代会代表', (u) => (u === 'wushengri' ? '是' : u === 'zhenglao' ? 'Y' : '')));
    expect(first.ok).toBe(true);
    expect(await flag('wushengri')).toBe(true);
    expect(await flag('zhenglao')).toBe(true);
    expect(await flag('zhouzhishu')).toBe(false);
    expect((await findMemberByUserid(t.db, 'wushengri'))?.delegate).toBe(true);
    expect((await findMemberByUserid(t.db, 'zhouzhishu'))?.delegate).toBe(false);
    // No column: nothing changes.
    await importCareRoster(t.db);
    expect(await flag('wushengri')).toBe(true);
    // The English alias, 否 clears; the empty cell keeps zhenglao's.
    expect((await imp(withColumn('delegate', (u) => (u === 'wushengri' ? '否' : '')))).ok).toBe(true);
    expect(await flag('wushengri')).toBe(false);
    expect(await flag('zhenglao')).toBe(true);
  });

  it('refuses a value that is not 是/否 with its row number, and writes nothing', async () => {
    const bad = await imp(withColumn('党代会代表', (u) => (u === 'wushengri' ? '代表' : u === 'zhouzhishu' ? '是' : '')));
    expect(bad.ok).toBe(false);
    // wushengri is the 6th data row: spreadsheet row 7 (header = row 1).
    if (!bad.ok) expect(bad.errors).toEqual([expect.objectContaining({ row: 7, column: '党代会代表', reason: expect.stringContaining('应填“是”或“否”') })]);
    expect(await flag('zhouzhishu')).toBe(false);
  });
});
