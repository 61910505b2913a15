import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalendarSettings } from '../../src/notices/settings.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';

describe.each(DB_KINDS)('roster schema on %s', (kind) => {
  let t: TestDb;
  const q = (text: string) => sql.raw(text).execute(t.db);
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await q(`insert into organisations (kind, name) values ('committee', '党委')`);
    await q(`insert into organisations (kind, name, parent_id, parent_kind) values ('general_branch', 'G', 1, 'committee')`);
    await q(`insert into organisations (kind, name, parent_id, parent_kind) values ('branch', 'B', 2, 'general_branch')`);
  });
  afterAll(async () => t.drop());

  it('keeps the tree shape: a branch under a GB under the committee, names unique among siblings', async () => {
    await expect(q(`insert into organisations (kind, name, parent_id, parent_kind) values ('branch', 'X', 1, 'committee')`)).rejects.toThrow();
    // Lying about the parent's kind is caught by the composite foreign key.
    await expect(q(`insert into organisations (kind, name, parent_id, parent_kind) values ('branch', 'X', 1, 'general_branch')`)).rejects.toThrow();
    await expect(q(`insert into organisations (kind, name, parent_id, parent_kind) values ('branch', 'B', 2, 'general_branch')`)).rejects.toThrow();
    await expect(q(`insert into organisations (kind, name) values ('committee', '党委')`)).rejects.toThrow();
    await q(`insert into organisations (kind, name, parent_id, parent_kind) values ('general_branch', 'B', 1, 'committee')`);
  });

  it('keeps members in branches, accounts unique, and full membership after joining', async () => {
    await q(`insert into members (name, userid, join_date, branch_id) values ('甲', 'a1', '2000-01-01', 3)`);
    await q(`insert into members (name, join_date, branch_id) values ('乙', '2000-01-01', 3), ('丙', '2000-01-01', 3)`);
    await expect(q(`insert into members (name, userid, join_date, branch_id) values ('丁', 'a1', '2000-01-01', 3)`)).rejects.toThrow();
    await expect(q(`insert into members (name, join_date, branch_id) values ('戊', '2000-01-01', 2)`)).rejects.toThrow();
    await expect(q(`insert into members (name, join_date, full_member_date, branch_id) values ('己', '2000-01-01', '1999-12-31', 3)`)).rejects.toThrow();
    await expect(q(`insert into member_roles (member_id, role, organisation_id) values (1, 'member', 3)`)).rejects.toThrow();
    await expect(q(`insert into committee_links (member_id, general_branch_id) values (1, 3)`)).rejects.toThrow();
    await q(`insert into committee_links (member_id, general_branch_id) values (1, 2)`);
  });

  it('indexes what later features look up', async () => {
    const r = await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where tablename = 'members'`.execute(t.db);
    const defs = r.rows.map((x) => x.indexdef).join('\n');
    expect(defs).toMatch(/members_branch.*\(branch_id\)/);
    expect(defs).toMatch(/UNIQUE.*\(userid\)/);
    expect(defs).toMatch(/members_political_birthday.*EXTRACT\(month FROM join_date\).*EXTRACT\(day FROM join_date\)/);
  });

  it('keeps the old-member thresholds in one place, the named settings old_member_party_age and old_member_age (issue 10.5, 11.15)', async () => {
    // The row the roster migration seeded was never read; a later migration removes it.
    const rows = await sql<{ key: string }>`select key from settings where key = 'old_member_thresholds'`.execute(t.db);
    expect(rows.rows).toEqual([]);
    const { schedule } = await loadCalendarSettings(t.db);
    expect({ partyAge: schedule.oldMemberPartyAge, age: schedule.oldMemberAge }).toEqual({ partyAge: 50, age: 80 });
  });
});
