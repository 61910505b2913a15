import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/roster/seed-demo.ts';
import { whoAnswersFor } from '../../src/roster/responsibility.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';

const TODAY = '2026-11-26';

describe.each(DB_KINDS)('seed-demo on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => t.drop());

  it('creates a realistic organisation that every later feature can use', async () => {
    const r = await seedDemo(t.db, { members: 250, seed: 5, today: TODAY });
    expect(r.members).toBe(250);
    expect(r.generalBranches).toBeGreaterThanOrEqual(8);
    const kinds = await sql<{ kind: string; n: string }>`select kind, count(*)::text as n from organisations group by kind order by kind`.execute(t.db);
    expect(Object.fromEntries(kinds.rows.map((k) => [k.kind, Number(k.n)]))).toMatchObject({ committee: 1, general_branch: r.generalBranches, branch: r.branches });

    // Political birthdays today, found the way the greeting job will look them up.
    const today = await sql<{ n: string }>`select count(*)::text as n from members
      where extract(month from join_date) = 11 and extract(day from join_date) = 26 and status = 'active'`.execute(t.db);
    expect(Number(today.rows[0]!.n)).toBeGreaterThanOrEqual(3);
    const leap = await sql<{ n: string }>`select count(*)::text as n from members where extract(month from join_date) = 2 and extract(day from join_date) = 29`.execute(t.db);
    expect(Number(leap.rows[0]!.n)).toBeGreaterThanOrEqual(1);
    const zhangwei = await sql<{ n: string }>`select count(distinct b.parent_id)::text as n from members m join organisations b on b.id = m.branch_id where m.name = '张伟'`.execute(t.db);
    expect(Number(zhangwei.rows[0]!.n)).toBeGreaterThanOrEqual(2);
    const probationary = await sql<{ n: string }>`select count(*)::text as n from members where full_member_date is null`.execute(t.db);
    expect(Number(probationary.rows[0]!.n)).toBe(r.probationary);

    // Everyone has someone to answer for them.
    const someone = await sql<{ id: string }>`select id::text as id from members where status = 'active' order by id desc limit 1`.execute(t.db);
    const who = await whoAnswersFor(t.db, someone.rows[0]!.id);
    expect(who!.branchSecretaries.length).toBeGreaterThanOrEqual(1);
    expect(who!.generalBranchSecretaries).toHaveLength(1);
    expect(who!.linkedCommitteeMembers.length).toBeGreaterThanOrEqual(1);
    expect(who!.organisationDepartment.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a database that already has members', async () => {
    await expect(seedDemo(t.db, { members: 150, seed: 1, today: TODAY })).rejects.toThrow(/empty roster/);
  });
});
