// Issue 13, goals and commitments (MECHANISM 3.3), against a real database (PostgreSQL and PGlite): one text per
// subject and year — recording again replaces the text (updated_at moves, recorded_at stays, still one row);
// goals and commitments are apart; another year is another row; an empty text is refused by the table; the
// branch list shows every active member with their commitment or none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoalStatementRepository } from '../../src/db/goal-statement-repository.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';

const T1 = new Date('2027-01-04T02:00:00Z');
const T2 = new Date('2027-01-05T02:00:00Z');

describe.each(DB_KINDS)('goal statements on %s', (kind) => {
  let db: TestDb;
  let repo: GoalStatementRepository;
  const memberId = async (userid: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const orgId = async (name: string) => (await db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
    repo = new GoalStatementRepository(db.db);
  });
  afterAll(() => db.drop());

  it('a branch goal recorded, then replaced: one row, new text, recorded_at kept, updated_at moved', async () => {
    const branch = { kind: 'goals' as const, organisationId: await orgId('教工第一党支部') };
    const by = await memberId('zhouzhishu');
    expect(await repo.record(branch, 2027, '每月开展一次主题党日', by, T1)).toEqual({ replaced: false });
    expect(await repo.record(branch, 2027, '全年谈心谈话全覆盖', by, T2)).toEqual({ replaced: true });
    const row = await repo.statementOf(branch, 2027);
    expect(row).toMatchObject({ kind: 'goals', year: 2027, text: '全年谈心谈话全覆盖', recorded_by_member_id: by });
    expect(row!.recorded_at.toISOString()).toBe(T1.toISOString());
    expect(row!.updated_at.toISOString()).toBe(T2.toISOString());
    const n = await db.db.selectFrom('goal_statements').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
    expect(await repo.statementOf(branch, 2026)).toBeUndefined();
  });

  it('a replacement at the same instant is still a replacement', async () => {
    const gb = { kind: 'goals' as const, organisationId: await orgId('计算机学院党总支') };
    const by = await memberId('sunzongzhi');
    expect(await repo.record(gb, 2027, '一', by, T1)).toEqual({ replaced: false });
    expect(await repo.record(gb, 2027, '二', by, T1)).toEqual({ replaced: true });
    expect((await repo.statementOf(gb, 2027))!.text).toBe('二');
  });

  it('commitments: per member and year; another year is another row; the branch list shows who has none', async () => {
    const wu = await memberId('wushengri');
    const me = { kind: 'commitment' as const, memberId: wu };
    await repo.record(me, 2027, '带好每一堂课', wu, T1);
    await repo.record(me, 2027, '带好每一堂课\n帮扶一名学生', wu, T2);
    await repo.record(me, 2026, '旧的承诺', wu, T1);
    expect((await repo.statementOf(me, 2027))!.text).toBe('带好每一堂课\n帮扶一名学生');
    expect((await repo.statementOf(me, 2026))!.text).toBe('旧的承诺');
    // The member's commitment is not the organisation's goals (the same id space is never confused).
    expect(await repo.statementOf({ kind: 'goals', organisationId: wu }, 2027)).toBeUndefined();
    const list = await repo.commitmentsInBranch(await orgId('教工第一党支部'), 2027);
    expect(list.find((r) => r.userid === 'wushengri')!.text).toBe('带好每一堂课\n帮扶一名学生');
    expect(list.filter((r) => r.text === null).map((r) => r.name)).toContain('冯无号');
    expect(list.map((r) => r.userid)).not.toContain('chenbiezhi');
  });

  it('the table refuses an empty text and a subject of the wrong kind', async () => {
    const wu = await memberId('wushengri');
    await expect(repo.record({ kind: 'commitment', memberId: wu }, 2028, '  ', wu, T1)).rejects.toThrow();
    await expect(
      db.db.insertInto('goal_statements').values({ kind: 'goals', year: 2028, member_id: wu, organisation_id: null, text: 'x', recorded_by_member_id: wu, recorded_at: T1, updated_at: T1 }).execute(),
    ).rejects.toThrow();
  });
});
