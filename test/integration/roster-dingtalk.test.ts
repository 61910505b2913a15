// The roster's 钉钉账号 (issue 15) through the whole import on PostgreSQL and PGlite: what is stored (a member
// with only a DingTalk account is known by it), the export and its round trip, the dry run's change report,
// keeping, removing and gaining accounts, refusals that write nothing, and findMemberByDingtalkUserid.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatReport } from '../../src/cli/roster-commands.ts';
import { exportRoster } from '../../src/roster/export.ts';
import { importRosterFile, type ImportOutcome, type ImportReport } from '../../src/roster/import.ts';
import { findMemberByDingtalkUserid, findMemberByUserid } from '../../src/roster/responsibility.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { csv, TODAY } from '../helpers/roster-fixture.ts';

const H = '姓名,账号,钉钉账号,入党日期,党总支,党支部,职务';
// 甲 has both accounts, 乙 only DingTalk, 丙 only WeCom, 丁 neither.
const ROWS = ['甲,jia01,JiaDing,2012-05-20,G,B,支部书记', '乙,,yiding,2013-05-20,G,B,', '丙,bing01,,2014-05-20,G,B,', '丁,,,2015-05-20,G,B,'];

const report = (o: ImportOutcome): ImportReport => {
  if (!o.ok) throw new Error(`import refused: ${JSON.stringify(o.errors)}`);
  return o.report;
};

describe.each(DB_KINDS)('the roster\'s 钉钉账号 on %s', (kind) => {
  let t: TestDb;
  let empty: TestDb;
  const run = (db: TestDb, bytes: Uint8Array, dryRun = false) => importRosterFile(db.db, bytes, { today: TODAY, dryRun });
  const stored = async () =>
    (
      await sql<{ name: string; userid: string | null; dingtalk: string | null; fromDt: boolean }>`
        select name, userid, dingtalk_userid as dingtalk, userid_from_dingtalk as "fromDt" from members order by name`.execute(t.db)
    ).rows;
  const lastWrite = async () => (await sql<{ u: string }>`select max(updated_at)::text as u from members`.execute(t.db)).rows[0]!.u;

  beforeAll(async () => {
    [t, empty] = await Promise.all([createTestDatabase(kind), createTestDatabase(kind)]);
  });
  afterAll(async () => Promise.all([t.drop(), empty.drop()]));
  beforeEach(async () => {
    await Promise.all([t, empty].map((d) => sql`truncate members, organisations cascade`.execute(d.db)));
    report(await run(t, csv(ROWS, H)));
  });

  it('stores the DingTalk account; a member without 账号 is known by it', async () => {
    expect(await stored()).toEqual([
      { name: '丁', userid: null, dingtalk: null, fromDt: false },
      { name: '丙', userid: 'bing01', dingtalk: null, fromDt: false },
      { name: '乙', userid: 'yiding', dingtalk: 'yiding', fromDt: true },
      { name: '甲', userid: 'jia01', dingtalk: 'JiaDing', fromDt: false },
    ]);
  });

  it('exports 钉钉账号 after 账号, with a blank 账号 for a DingTalk-only member; the export re-imports unchanged, here and into an empty database', async () => {
    const first = await exportRoster(t.db, 'csv');
    const lines = first.bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]!.startsWith('姓名,账号,钉钉账号,性别,')).toBe(true);
    expect(lines).toContain('乙,,yiding,,,2013-05-20,,G,B,,,,,否,否');
    expect(lines).toContain('甲,jia01,JiaDing,,,2012-05-20,,G,B,支部书记,,,,否,否');

    const before = await lastWrite();
    const again = report(await run(t, first.bytes));
    expect(again.members).toEqual({ created: 0, updated: 0, unchanged: 4, retired: 0 });
    expect(again.changes.count).toBe(0);
    expect(await lastWrite()).toBe(before);

    for (const format of ['csv', 'xlsx'] as const) {
      await sql`truncate members, organisations cascade`.execute(empty.db);
      report(await run(empty, (await exportRoster(t.db, format)).bytes));
      expect((await exportRoster(empty.db, 'csv')).bytes.equals(first.bytes), format).toBe(true);
    }
  });

  it('names 钉钉账号 changes in the dry run\'s report, and writes nothing', async () => {
    const changed = ['甲,jia01,jiading2,2012-05-20,G,B,支部书记', '乙,yi01,yiding,2013-05-20,G,B,', '丙,bing01,bingding,2014-05-20,G,B,', ROWS[3]!];
    const dry = report(await run(t, csv(changed, H), true));
    expect(dry.changes.sample).toEqual([
      { row: 2, name: '甲', action: 'update', fields: ['钉钉账号'] },
      { row: 3, name: '乙', action: 'update', fields: ['账号'] },
      { row: 4, name: '丙', action: 'update', fields: ['钉钉账号'] },
    ]);
    expect(formatReport(dry)).toContain('  第 2 行 甲：更新 钉钉账号');
    expect((await stored()).find((m) => m.name === '乙')).toEqual({ name: '乙', userid: 'yiding', dingtalk: 'yiding', fromDt: true });

    // Applied: 乙, who had only DingTalk, is now known by the 账号.
    report(await run(t, csv(changed, H)));
    expect(await stored()).toEqual([
      { name: '丁', userid: null, dingtalk: null, fromDt: false },
      { name: '丙', userid: 'bing01', dingtalk: 'bingding', fromDt: false },
      { name: '乙', userid: 'yi01', dingtalk: 'yiding', fromDt: false },
      { name: '甲', userid: 'jia01', dingtalk: 'jiading2', fromDt: false },
    ]);
  });

  it('keeps DingTalk accounts when the file has no such column, and removes them on an empty cell', async () => {
    const without = report(await run(t, csv(ROWS.map((r) => r.split(',').filter((_, i) => i !== 2).join(',')), H.replace(',钉钉账号', ''))));
    expect(without.members.unchanged).toBe(4);
    expect((await stored()).map((m) => m.dingtalk)).toEqual([null, null, 'yiding', 'JiaDing']);

    const blank = report(await run(t, csv(ROWS.map((r) => r.split(',').map((c, i) => (i === 2 ? '' : c)).join(',')), H)));
    expect(blank.changes.sample.map((c) => [c.name, c.fields])).toEqual([['甲', ['钉钉账号']], ['乙', ['钉钉账号']]]);
    expect(await stored()).toEqual([
      { name: '丁', userid: null, dingtalk: null, fromDt: false },
      { name: '丙', userid: 'bing01', dingtalk: null, fromDt: false },
      { name: '乙', userid: null, dingtalk: null, fromDt: false },
      { name: '甲', userid: 'jia01', dingtalk: null, fromDt: false },
    ]);
  });

  it('moves a 钉钉账号 from one member to another, and swaps two, in one import', async () => {
    // Written to the wrong person at first: 丙's, not 甲's. And 乙's DingTalk account changes to 甲's old one.
    report(await run(t, csv(['甲,jia01,,2012-05-20,G,B,支部书记', '乙,,yiding,2013-05-20,G,B,', '丙,bing01,JiaDing,2014-05-20,G,B,', ROWS[3]!], H)));
    expect((await stored()).map((m) => [m.name, m.dingtalk])).toEqual([['丁', null], ['丙', 'JiaDing'], ['乙', 'yiding'], ['甲', null]]);
    report(await run(t, csv(['甲,jia01,,2012-05-20,G,B,支部书记', '乙,yiding,JiaDing,2013-05-20,G,B,', '丙,bing01,yiding,2014-05-20,G,B,', ROWS[3]!], H)));
    expect(await stored()).toEqual([
      { name: '丁', userid: null, dingtalk: null, fromDt: false },
      { name: '丙', userid: 'bing01', dingtalk: 'yiding', fromDt: false },
      { name: '乙', userid: 'yiding', dingtalk: 'JiaDing', fromDt: false },
      { name: '甲', userid: 'jia01', dingtalk: null, fromDt: false },
    ]);
  });

  it('refuses a DingTalk-only row whose 钉钉账号 is another member\'s 账号, and writes nothing', async () => {
    const before = await lastWrite();
    const o = await run(t, csv(['戊,,BING01,2016-05-20,G,B,'], H));
    expect(o).toEqual({ ok: false, errors: [expect.objectContaining({ row: 2, column: '钉钉账号', reason: expect.stringContaining('与党员“丙”的账号相同') })] });
    expect(await lastWrite()).toBe(before);
    expect(await stored()).toHaveLength(4);
  });

  it('refuses a row taking the 钉钉账号 of a member the file leaves out (who keeps it), in the dry run too, and writes nothing', async () => {
    const before = await lastWrite();
    // 乙 (钉钉账号 yiding) is not in the file and keeps their account; 丙 may not take it.
    const rows = ['甲,jia01,JiaDing,2012-05-20,G,B,支部书记', '丙,bing01,YIDING,2014-05-20,G,B,', '丁,,,2015-05-20,G,B,'];
    for (const dryRun of [true, false]) {
      const o = await run(t, csv(rows, H), dryRun);
      expect(o).toEqual({ ok: false, errors: [expect.objectContaining({ row: 3, column: '钉钉账号', reason: expect.stringContaining('已是党员“乙”的钉钉账号') })] });
    }
    expect(await lastWrite()).toBe(before);
    expect((await stored()).find((m) => m.name === '丙')!.dingtalk).toBeNull();
  });

  it('findMemberByDingtalkUserid finds the member by their DingTalk account, whatever its case, as findMemberByUserid does', async () => {
    const jia = await findMemberByDingtalkUserid(t.db, 'jiading');
    expect(jia).toMatchObject({ name: '甲', userid: 'jia01', status: 'active', roleCodes: ['branch_secretary', 'member'] });
    expect(jia).toEqual(await findMemberByUserid(t.db, 'jia01'));
    expect(await findMemberByDingtalkUserid(t.db, 'YIDING')).toMatchObject({ name: '乙', userid: 'yiding' });
    // A 账号 is not a DingTalk account, and an unknown one is nobody.
    expect(await findMemberByDingtalkUserid(t.db, 'bing01')).toBeUndefined();
    expect(await findMemberByDingtalkUserid(t.db, 'nobody')).toBeUndefined();
  });
});
