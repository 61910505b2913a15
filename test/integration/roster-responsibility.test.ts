import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRosterFile } from '../../src/roster/import.ts';
import { findMemberByUserid, whoAnswersFor } from '../../src/roster/responsibility.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { csv, FIXTURE_ROWS, TODAY } from '../helpers/roster-fixture.ts';

const names = (people: { name: string }[]) => people.map((p) => p.name);

describe.each(DB_KINDS)('who answers for whom on %s', (kind) => {
  let t: TestDb;
  const idOf = async (name: string) => (await sql<{ id: string }>`select id::text as id from members where name = ${name}`.execute(t.db)).rows[0]!.id;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    // A second committee member linked elsewhere, so "linked" is shown to be about this member's GB.
    const rows = [...FIXTURE_ROWS, '冯委员,fengweiyuan,男,,1990-07-01,1991-07-01,机关党总支,党政办公室党支部,党委委员,,机关党总支,'];
    const o = await importRosterFile(t.db, csv(rows), { today: TODAY });
    if (!o.ok) throw new Error(JSON.stringify(o.errors));
  });
  afterAll(async () => t.drop());

  it('gives branch secretary, GB secretary and committee, linked committee members and the OD', async () => {
    const r = await whoAnswersFor(t.db, await idOf('吴党员'));
    expect(r?.member).toMatchObject({ name: '吴党员', branch: { name: '教工第一党支部' }, generalBranch: { name: '计算机学院党总支' } });
    expect(names(r!.branchSecretaries)).toEqual(['周委员']);
    expect(names(r!.generalBranchSecretaries)).toEqual(['孙总支']);
    expect(names(r!.generalBranchMembers)).toEqual(['周委员']);
    expect(names(r!.linkedCommitteeMembers)).toEqual(['钱委员']);
    expect(names(r!.organisationDepartment)).toEqual(['赵组织']);
    expect(r!.branchSecretaries[0]!.userid).toBe('zhouweiyuan');
  });

  it('depends on the member: another branch has its own secretary, another GB its own linked member', async () => {
    const zheng = await whoAnswersFor(t.db, await idOf('郑预备'));
    expect(names(zheng!.branchSecretaries)).toEqual([]); // 本科生第一党支部 has none in the fixture
    expect(names(zheng!.generalBranchSecretaries)).toEqual(['孙总支']);
    const office = await whoAnswersFor(t.db, await idOf('赵组织'));
    expect(names(office!.linkedCommitteeMembers)).toEqual(['冯委员']);
    expect(names(office!.generalBranchSecretaries)).toEqual([]);
    const math = await whoAnswersFor(t.db, await idOf('王芳芳'));
    expect(names(math!.branchSecretaries)).toEqual(['王芳']);
    expect(names(math!.linkedCommitteeMembers)).toEqual(['钱委员']);
  });

  it('leaves out holders who are no longer active', async () => {
    await sql`update members set status = 'deceased' where name = '周委员'`.execute(t.db);
    try {
      const r = await whoAnswersFor(t.db, await idOf('吴党员'));
      expect(names(r!.branchSecretaries)).toEqual([]);
      expect(names(r!.generalBranchMembers)).toEqual([]);
    } finally {
      await sql`update members set status = 'active' where name = '周委员'`.execute(t.db);
    }
  });

  it('answers undefined for an unknown or malformed member id', async () => {
    expect(await whoAnswersFor(t.db, '999999')).toBeUndefined();
    expect(await whoAnswersFor(t.db, 'abc')).toBeUndefined();
  });

  it('findMemberByUserid knows who is writing, with roles and links', async () => {
    const wang = await findMemberByUserid(t.db, 'wangfang01');
    expect(wang).toMatchObject({ name: '王芳', status: 'active', branch: { name: '教工党支部' }, generalBranch: { name: '数学学院党总支' } });
    expect(wang!.roleCodes).toEqual(['gb_secretary', 'branch_secretary', 'member']);
    expect(wang!.roles.map((r) => [r.role, r.organisation.name, r.organisation.kind])).toEqual([
      ['gb_secretary', '数学学院党总支', 'general_branch'],
      ['branch_secretary', '教工党支部', 'branch'],
    ]);
    const qian = await findMemberByUserid(t.db, 'qianweiyuan');
    expect(qian!.linkedGeneralBranches.map((g) => g.name).sort()).toEqual(['数学学院党总支', '计算机学院党总支'].sort());
    expect((await findMemberByUserid(t.db, 'wudangyuan'))!.roleCodes).toEqual(['member']);
    expect(await findMemberByUserid(t.db, 'nobody')).toBeUndefined();
    expect(await findMemberByUserid(t.db, 'wangfang')).toBeUndefined();
  });
});
