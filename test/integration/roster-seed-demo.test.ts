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
    // Issue 15: every member with a 账号 has it as their 钉钉账号 too; none is known by DingTalk alone.
    const accounts = await sql<{ n: string; same: string; dt: string }>`select count(userid)::text as n,
      count(*) filter (where dingtalk_userid = userid)::text as same, count(*) filter (where userid_from_dingtalk)::text as dt from members`.execute(t.db);
    expect(accounts.rows[0]).toEqual({ n: accounts.rows[0]!.same, same: accounts.rows[0]!.n, dt: '0' });
    expect(Number(accounts.rows[0]!.n)).toBeGreaterThan(200);
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

  it('writes the demo\'s hardship registry as the chat leaves it: decided by the GB, the waiting one with its review task', async () => {
    const rows = await sql<{ status: string; source: string; consent_recorded: boolean; decided: boolean; applied_by_self: boolean; task: string | null }>`
      select h.status, h.source, h.consent_recorded, h.decided_by_member_id is not null as decided, h.applied_by_member_id = h.member_id as applied_by_self,
             (select t.status || ':' || t.owner_role || ':' || (t.owner_organisation_id = b.parent_id)::text from assistance_tasks t where t.subject_id = h.id and t.kind = 'hardship_review') as task
        from hardship_registry h join members m on m.id = h.member_id join organisations b on b.id = m.branch_id order by h.id`.execute(t.db);
    const approved = rows.rows.filter((r) => r.status === 'approved');
    expect(approved.length).toBeGreaterThanOrEqual(6);
    for (const r of approved) expect(r).toMatchObject({ decided: true, task: null });
    // A recommendation carries the member's consent (the database insists); an own application its applicant.
    for (const r of rows.rows) expect(r.source === 'self' ? r.applied_by_self : r.consent_recorded && !r.applied_by_self).toBe(true);
    expect(rows.rows.filter((r) => r.status === 'applied')).toEqual([expect.objectContaining({ source: 'self', decided: false, task: 'open:gb_secretary:true' })]);
  });

  it('refuses a database that already has members', async () => {
    await expect(seedDemo(t.db, { members: 150, seed: 1, today: TODAY })).rejects.toThrow(/empty roster/);
  });
});
