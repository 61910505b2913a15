import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importRosterFile, type ImportOutcome, type ImportReport } from '../../src/roster/import.ts';
import { findMemberByUserid } from '../../src/roster/responsibility.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { csv, FIXTURE_ROWS, HEADER, TODAY } from '../helpers/roster-fixture.ts';

const report = (o: ImportOutcome): ImportReport => {
  if (!o.ok) throw new Error(`import refused: ${JSON.stringify(o.errors)}`);
  return o.report;
};

describe.each(DB_KINDS)('import-roster on %s', (kind) => {
  let t: TestDb;
  const run = (bytes: Uint8Array, opts: Partial<Parameters<typeof importRosterFile>[2]> = {}) => importRosterFile(t.db, bytes, { today: TODAY, ...opts });
  const count = async (table: 'members' | 'organisations' | 'member_roles' | 'committee_links') =>
    Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(t.db)).rows[0]!.n);
  const member = async (name: string) =>
    (
      await sql<{ userid: string | null; status: string; changed: string | null; phone: string | null; branch: string; join: string }>`
        select m.userid, m.status, to_char(m.status_changed_on, 'YYYY-MM-DD') as changed, m.phone, b.name as branch,
          to_char(m.join_date, 'YYYY-MM-DD') as join
        from members m join organisations b on b.id = m.branch_id where m.name = ${name}`.execute(t.db)
    ).rows;
  const rolesOf = async (name: string) =>
    (
      await sql<{ role: string; org: string; kind: string }>`select r.role, o.name as org, o.kind from member_roles r
        join members m on m.id = r.member_id join organisations o on o.id = r.organisation_id where m.name = ${name} order by r.role`.execute(t.db)
    ).rows;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    await sql`truncate members, organisations cascade`.execute(t.db);
  });

  it('imports a valid file: the organisation tree, members, roles with their scope, links', async () => {
    const r = report(await run(csv()));
    expect(r.members).toEqual({ created: 9, updated: 0, unchanged: 0, retired: 0 });
    expect(r.organisations.created).toEqual(
      expect.arrayContaining(['党委', '计算机学院党总支', '计算机学院党总支 / 教工第一党支部', '数学学院党总支 / 教工党支部']),
    );
    expect(await count('members')).toBe(9);
    const tree = await sql<{ kind: string; name: string; parent: string | null }>`
      select o.kind, o.name, p.name as parent from organisations o left join organisations p on p.id = o.parent_id order by o.id`.execute(t.db);
    expect(tree.rows.filter((o) => o.kind === 'committee')).toEqual([{ kind: 'committee', name: '党委', parent: null }]);
    expect(tree.rows.filter((o) => o.kind === 'general_branch').map((o) => o.parent)).toEqual(['党委', '党委', '党委']);
    expect(tree.rows.find((o) => o.name === '本科生第一党支部')).toMatchObject({ kind: 'branch', parent: '计算机学院党总支' });

    expect(await rolesOf('王芳')).toEqual([
      { role: 'branch_secretary', org: '教工党支部', kind: 'branch' },
      { role: 'gb_secretary', org: '数学学院党总支', kind: 'general_branch' },
    ]);
    expect(await rolesOf('李书记')).toEqual([{ role: 'committee_secretary', org: '党委', kind: 'committee' }]);
    const links = await sql<{ gb: string }>`select g.name as gb from committee_links l join organisations g on g.id = l.general_branch_id order by g.name`.execute(t.db);
    expect(links.rows.map((l) => l.gb)).toEqual(['数学学院党总支', '计算机学院党总支'].sort());
    expect(await member('孙总支')).toEqual([expect.objectContaining({ join: '2000-02-29', status: 'active' })]);
  });

  it('is idempotent: the same file again changes nothing and writes nothing', async () => {
    report(await run(csv()));
    const before = await sql<{ u: string }>`select max(updated_at)::text as u from members`.execute(t.db);
    const again = report(await run(csv()));
    expect(again.members).toEqual({ created: 0, updated: 0, unchanged: 9, retired: 0 });
    expect(again.organisations.created).toEqual([]);
    expect(again.changes.count).toBe(0);
    const after = await sql<{ u: string }>`select max(updated_at)::text as u from members`.execute(t.db);
    expect(after.rows[0]!.u).toBe(before.rows[0]!.u);
    expect(await count('member_roles')).toBe(8);
  });

  it('updates what changed, matching by account, and by name + branch where there is none', async () => {
    report(await run(csv()));
    const changed = FIXTURE_ROWS.map((r) =>
      r.startsWith('吴党员')
        ? '吴党员,wudangyuan,男,1990-05-05,2012-05-20,2013-05-20,计算机学院党总支,本科生第一党支部,支部书记,,,13900000000'
        : r.startsWith('郑预备')
          ? '郑预备,zhengyubei01,女,2004-09-09,2026-05-01,,计算机学院党总支,本科生第一党支部,,,,'
          : r,
    );
    const r = report(await run(csv(changed)));
    expect(r.members).toEqual({ created: 0, updated: 2, unchanged: 7, retired: 0 });
    expect(r.changes.sample).toEqual([
      { row: 7, name: '吴党员', action: 'update', fields: ['党支部', '手机', '职务'] },
      { row: 8, name: '郑预备', action: 'update', fields: ['账号'] },
    ]);
    expect(await member('吴党员')).toEqual([expect.objectContaining({ branch: '本科生第一党支部', phone: '13900000000' })]);
    expect(await member('郑预备')).toEqual([expect.objectContaining({ userid: 'zhengyubei01' })]);
    expect(await rolesOf('吴党员')).toEqual([{ role: 'branch_secretary', org: '本科生第一党支部', kind: 'branch' }]);
    expect(await count('members')).toBe(9);
  });

  it('leaves what a file has no column for untouched', async () => {
    report(await run(csv()));
    const r = report(
      await run(csv(['吴党员,1990-05-05,2012-05-20,计算机学院党总支,教工第一党支部'], '姓名,出生日期,入党日期,党总支,党支部')),
    );
    expect(r.members.unchanged).toBe(1);
    expect(await member('吴党员')).toEqual([expect.objectContaining({ userid: 'wudangyuan', phone: '13800138000' })]);
  });

  it('is all or nothing: one bad row and nothing is written, every bad row is listed', async () => {
    const rows = [...FIXTURE_ROWS, '坏行,badrow,男,1990-05-05,2012-05-20,2011-01-01,计算机学院党总支,教工第一党支部,,,,', '另一个,lishuji,男,,2012-05-20,,G,B,,,,'];
    const o = await run(csv(rows));
    expect(o.ok).toBe(false);
    if (o.ok) return;
    expect(o.errors).toEqual([
      expect.objectContaining({ row: 11, column: '转正日期' }),
      expect.objectContaining({ row: 12, column: '账号', reason: '账号「lishuji」与第 2 行重复' }),
    ]);
    expect(await count('members')).toBe(0);
    expect(await count('organisations')).toBe(0);
  });

  it('dry run reports the changes and writes nothing', async () => {
    const r = report(await run(csv(), { dryRun: true }));
    expect(r.dryRun).toBe(true);
    expect(r.members.created).toBe(9);
    expect(r.changes.sample[0]).toEqual({ row: 2, name: '李书记', action: 'create', fields: [] });
    expect(await count('members')).toBe(0);
    expect(await count('organisations')).toBe(0);

    report(await run(csv()));
    const dry = report(await run(csv(FIXTURE_ROWS.slice(0, 8)), { dryRun: true, retireMissing: true }));
    expect(dry.missing.count).toBe(1);
    expect((await member('王芳芳'))[0]!.status).toBe('active');
  });

  it('reports members missing from the file, and --retire-missing marks them transferred out', async () => {
    report(await run(csv()));
    const without = FIXTURE_ROWS.filter((r) => !r.startsWith('王芳,') && !r.startsWith('吴党员'));
    const plain = report(await run(csv(without)));
    expect(plain.missing.count).toBe(2);
    expect(plain.missing.sample.map((m) => m.name).sort()).toEqual(['吴党员', '王芳']);
    expect((await member('王芳'))[0]!.status).toBe('active');

    const retired = report(await run(csv(without), { retireMissing: true }));
    expect(retired.members.retired).toBe(2);
    expect(await member('王芳')).toEqual([expect.objectContaining({ status: 'transferred_out', changed: TODAY })]);
    expect(await rolesOf('王芳')).toEqual([]);
    // Gone from the roster: a third import no longer reports them.
    expect(report(await run(csv(without))).missing.count).toBe(0);

    // Back in the file: transferred back in.
    const back = report(await run(csv()));
    expect(back.members.updated).toBeGreaterThanOrEqual(2);
    expect(await member('王芳')).toEqual([expect.objectContaining({ status: 'active' })]);
    expect((await rolesOf('王芳')).length).toBe(2);
  });

  it('imports an xlsx file with real date cells', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('党员');
    ws.addRow(HEADER.split(','));
    ws.addRow(['王芳', 'wangfang01', '女', new Date(Date.UTC(1968, 3, 1)), new Date(Date.UTC(2000, 1, 29)), new Date(Date.UTC(2001, 2, 1)), '数学学院党总支', '教工党支部', '支部书记', null, null, 13800138000]);
    ws.getColumn(5).numFmt = 'yyyy"年"m"月"d"日"';
    const r = report(await run(new Uint8Array(await wb.xlsx.writeBuffer())));
    expect(r.members.created).toBe(1);
    expect(await member('王芳')).toEqual([expect.objectContaining({ join: '2000-02-29', phone: '13800138000' })]);
  });

  it('refuses to guess between two members of one branch with the same name', async () => {
    report(await run(csv(['张伟,zhangwei01,男,,2001-07-01,,G,B,,,,', '张伟,zhangwei02,男,,2002-07-01,,G,B,,,,'])));
    const o = await run(csv(['张伟,,男,,2001-07-01,,G,B,,,,']));
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.errors[0]).toMatchObject({ row: 2, reason: expect.stringContaining('无法确定是哪一位') });
  });

  it('accepts a 挂联 to a general branch the database already has', async () => {
    report(await run(csv()));
    const r = await run(csv(['新委员,xinweiyuan,男,,2001-07-01,,机关党总支,组织人事党支部,党委委员,,数学学院党总支,']));
    expect(report(r).members.created).toBe(1);
  });

  it('serialises concurrent imports instead of creating duplicates', async () => {
    const [a, b] = await Promise.all([run(csv()), run(csv())]);
    expect(report(a).members.created + report(b).members.created).toBe(9);
    expect(await count('members')).toBe(9);
  });

  // Issue 8 point 10: values PostgreSQL cannot store, bytes that are not GB18030, dates in the future.
  it('refuses a NUL, a lone surrogate, invalid GB18030 bytes and future dates as row errors with the row number, and writes nothing', async () => {
    const nul = await run(csv([...FIXTURE_ROWS, '坏\u0000人,,男,,2020-01-01,,G,B,,,,']));
    expect(nul).toEqual({ ok: false, errors: [{ row: 11, column: '姓名', reason: '姓名含有空字符（NUL），无法保存，请删除后重新导入' }] });
    const surrogate = await run(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\r\n王\ud800芳,,男,,2020-01-01,,G,B,,,,\r\n`, 'utf16le')]));
    expect(surrogate).toMatchObject({ ok: false, errors: [{ row: 2, column: '姓名' }] });

    // "王芳,…" in GBK, then a row whose branch holds 0x81 0x20 (a lead byte without a valid trail byte).
    const gbk = (text: string) => Buffer.from(new TextEncoder().encode(text)); // ASCII parts only
    const wangfang = Buffer.from([0xcd, 0xf5, 0xb7, 0xbc]);
    const bytes = Buffer.concat([
      gbk('name,join_date,general_branch,branch\r\n'),
      wangfang, gbk(',2020-01-01,G,B\r\n'),
      gbk('li,2020-01-01,G,B'), Buffer.from([0x81, 0x20]), gbk('x\r\n'),
    ]);
    expect(await run(bytes)).toEqual({
      ok: false,
      errors: [{ row: 3, column: '党支部', reason: '党支部含有无法识别的字符（文件编码有误，应为 UTF-8 或 GB18030），请检查后重新导入' }],
    });

    const future = await run(csv([...FIXTURE_ROWS, '未来,,男,,2026-11-27,,G,B,,,,', '转正未来,,男,,2026-01-01,2027-01-01,G,B,,,,']));
    expect(future).toEqual({
      ok: false,
      errors: [
        { row: 11, column: '入党日期', reason: `入党日期 2026-11-27 晚于今天（${TODAY}），请核对` },
        { row: 12, column: '转正日期', reason: `转正日期 2027-01-01 晚于今天（${TODAY}），请核对` },
      ],
    });
    expect(await count('members')).toBe(0);
    // Today itself is fine.
    expect(report(await run(csv([...FIXTURE_ROWS, '今天,,男,,2026-11-26,,G,B,,,,']))).members.created).toBe(10);
  });

  it('matches accounts case-insensitively in the import and in "who is writing", and refuses two accounts that differ by case', async () => {
    report(await run(csv(FIXTURE_ROWS.map((r) => r.replace('wangfang01', 'WangFang01')))));
    const who = await findMemberByUserid(t.db, 'wangfang01');
    expect(who).toMatchObject({ name: '王芳', userid: 'WangFang01' });
    expect(await findMemberByUserid(t.db, 'WANGFANG01')).toMatchObject({ name: '王芳' });
    // The same account in another case in the next file is the same member: updated, not a second one.
    const r = report(await run(csv(FIXTURE_ROWS)));
    expect(r.members).toMatchObject({ created: 0, updated: 1 });
    await expect(sql`insert into members (name, userid, join_date, branch_id) select 'x', 'WANGFANG01', '2020-01-01', branch_id from members limit 1`.execute(t.db)).rejects.toThrow();
  });
});
