// Issue 13 section 3, half-year and year-end grades against a real database (PostgreSQL and PGlite): recording
// marks the evaluation held once (held_on the first day) and sets one grade per member, kind and year — a new
// grade replaces the old one with who and when; the branch, GB and committee reads count active members only; the
// January reminder goes only to the branches that have not recorded the year-end evaluation, and no branch text
// speaks of the GB's 15%; the export rows carry exactly the `evaluations` columns, filtered by the access rule and
// by recorded_at's local day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationGradeRepository } from '../../src/db/evaluation-grade-repository.ts';
import { OD_VIEWER, type Viewer } from '../../src/domain/access.ts';
import { gradeExportChunks, EVALUATION_EXPORT_COLUMNS } from '../../src/incentive/grades-export.ts';
import type { IncentiveExportSettings } from '../../src/incentive/export.ts';
import { decideNotices } from '../../src/notices/sweep.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';

const MORE_ROWS = [
  '王芳,wangfang,女,1970-01-01,1995-01-01,1996-01-01,计算机学院党总支,教工第一党支部,,,',
  '刘二支,liuerzhi,男,1980-01-01,2005-01-01,2006-01-01,计算机学院党总支,教工第二党支部,,,',
];
// 10:00 on 10 December 2026 and 23:30 on 31 December 2026 in Shanghai (the latter still 2026 there, 15:30Z).
const T1 = new Date('2026-12-10T02:00:00Z');
const T2 = new Date('2026-12-31T15:30:00Z');

describe.each(DB_KINDS)('evaluation grades on %s', (kind) => {
  let db: TestDb;
  let repo: EvaluationGradeRepository;
  const memberId = async (userid: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const orgId = async (name: string) => (await db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const collect = async (settings: Partial<IncentiveExportSettings>) => {
    const rows = [];
    for await (const chunk of gradeExportChunks(db.db, { from: undefined, to: undefined, today: '2027-01-10', viewer: OD_VIEWER, timeZone: 'Asia/Shanghai', chunkSize: 2, ...settings })) {
      expect(chunk.length).toBeGreaterThan(0);
      rows.push(...chunk);
    }
    return rows;
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db, [...CARE_ROWS, ...MORE_ROWS]);
    // 郑老党员 died: he is not graded and not counted.
    await db.db.updateTable('members').set({ status: 'deceased' }).where('userid', '=', 'zhenglao').execute();
    repo = new EvaluationGradeRepository(db.db);
  });
  afterAll(() => db.drop());

  it('branch offices: the first branch has its secretary, the second is vacant; active members exclude the dead', async () => {
    const committee = (await db.db.selectFrom('organisations').select('id').where('kind', '=', 'committee').executeTakeFirstOrThrow()).id;
    const offices = await repo.branchOffices(committee);
    expect(offices.find((b) => b.name === '教工第一党支部')).toMatchObject({ gb_name: '计算机学院党总支', branch_secretary_held: true, gb_secretary_held: true });
    expect(offices.find((b) => b.name === '教工第二党支部')).toMatchObject({ branch_secretary_held: false, gb_secretary_held: true });
    const names = (await repo.activeMembers(await orgId('教工第一党支部'))).map((m) => m.name);
    expect(names).toContain('冯无号');
    expect(names).not.toContain('郑老党员');
  });

  it('recording marks the evaluation held once and a new grade replaces the old one, with who and when', async () => {
    const branch = await orgId('教工第一党支部');
    const by = await memberId('zhouzhishu');
    const members = await repo.activeMembers(branch);
    const all = members.map((m) => ({ memberId: m.id, grade: m.name === '王芳' ? ('excellent' as const) : ('competent' as const) }));
    expect(await repo.record({ branchId: branch, kind: 'year_end', year: 2026, heldOn: '2026-12-10', grades: all, byMemberId: by, at: T1 })).toEqual({ alreadyHeld: false });
    const gb = await memberId('sunzongzhi');
    const fen = members.find((m) => m.name === '冯无号')!.id;
    expect(await repo.record({ branchId: branch, kind: 'year_end', year: 2026, heldOn: '2026-12-31', grades: [{ memberId: fen, grade: 'basically_competent' }], byMemberId: gb, at: T2 })).toEqual({ alreadyHeld: true });
    const status = await repo.branchStatus(branch, 'year_end', 2026);
    expect(status.held_on).toBe('2026-12-10');
    expect(status.members.find((m) => m.name === '冯无号')!.grade).toBe('basically_competent');
    expect(status.members.every((m) => m.grade !== null)).toBe(true);
    const rows = await db.db.selectFrom('member_evaluation_grades').select(['recorded_by_member_id', 'recorded_at']).where('member_id', '=', fen).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.recorded_by_member_id).toBe(gb);
    expect(rows[0]!.recorded_at.toISOString()).toBe(T2.toISOString());
    expect(await repo.gradesOf(fen, 2026)).toMatchObject([{ kind: 'year_end', grade: 'basically_competent' }]);
    expect(await repo.gradesOf(fen, 2025)).toEqual([]);
    expect(await repo.branchStatus(branch, 'half_year', 2026)).toMatchObject({ held_on: null });
  });

  it('the GB and committee counts: per branch held or not, active members and grades by code', async () => {
    const gb = await orgId('计算机学院党总支');
    const rows = await repo.generalBranchCounts(gb, 2026);
    const first = rows.find((r) => r.name === '教工第一党支部' && r.kind === 'year_end')!;
    const active = (await repo.activeMembers(await orgId('教工第一党支部'))).length;
    expect(first).toMatchObject({ branches_held: 1, held_on: '2026-12-10', active_members: active, excellent: 1, basically_competent: 1, competent: active - 2, incompetent: 0 });
    expect(rows.find((r) => r.name === '教工第二党支部' && r.kind === 'year_end')).toMatchObject({ branches_held: 0, held_on: null, active_members: 1, competent: 0 });
    const committee = (await db.db.selectFrom('organisations').select('id').where('kind', '=', 'committee').executeTakeFirstOrThrow()).id;
    const all = await repo.committeeCounts(committee, 2026);
    expect(all.find((r) => r.name === '计算机学院党总支' && r.kind === 'year_end')).toMatchObject({ branches: 2, branches_held: 1, excellent: 1, active_members: active + 1 });
    expect(all.find((r) => r.name === '数学学院党总支' && r.kind === 'year_end')).toMatchObject({ branches: 1, branches_held: 0, excellent: 0 });
    expect(await repo.heldBranchIds('year_end', 2026)).toEqual(new Set([await orgId('教工第一党支部')]));
  });

  it('the January reminder goes only to branches without a year-end record; no branch text speaks of 15%', async () => {
    const dayOf = async (dates: string[], k: string) => {
      for (const d of dates) {
        const found = (await decideNotices({ db: db.db }, d, false)).filter((n) => n.kind === k);
        if (found.length > 0) return found;
      }
      throw new Error(`no ${k}`);
    };
    const reminder = await dayOf(['2027-01-01', '2027-01-04', '2027-01-05'], 'year_end_eval_reminder');
    const subjects = reminder.map((n) => n.subject);
    expect(subjects).not.toContain(`branch-${await orgId('教工第一党支部')}`);
    // The vacant second branch passes up to its GB secretary; the maths branch to its own secretary.
    const second = `branch-${await orgId('教工第二党支部')}`;
    expect(reminder.filter((n) => n.subject === second).map((n) => n.recipientUserid)).toEqual(['sunzongzhi']);
    expect(reminder.map((n) => n.recipientUserid)).toContain('chuzhishu');
    expect(reminder.map((n) => n.recipientUserid)).not.toContain('zhouzhishu');
    expect(JSON.stringify(reminder[0]!.message)).toContain('本支部尚未登记');
    const december = (await decideNotices({ db: db.db }, '2026-12-01', false)).filter((n) => n.kind === 'year_end_eval_nudge');
    // The December nudge goes to every branch, whatever was recorded.
    expect(december.map((n) => n.recipientUserid)).toContain('zhouzhishu');
    const july = await dayOf(['2027-07-01', '2027-07-02'], 'half_year_eval_nudge');
    for (const n of [...reminder, ...december, ...july]) {
      const text = JSON.stringify(n.message);
      expect(text).not.toContain('15%');
      expect(text).not.toContain('推荐优秀党员');
      expect(text).toMatch(/(半年考评|年底总评)：全体合格/);
    }
  });

  it('the export: exactly the evaluations columns, viewer-filtered, by recorded_at local day', async () => {
    const rows = await collect({});
    const active = (await repo.activeMembers(await orgId('教工第一党支部'))).length;
    expect(rows).toHaveLength(active);
    for (const r of rows) expect(Object.keys(r)).toEqual([...EVALUATION_EXPORT_COLUMNS]);
    expect(rows.find((r) => r.member_name === '王芳')).toEqual({
      kind: 'year_end',
      year: 2026,
      period: null,
      general_branch: '计算机学院党总支',
      branch: '教工第一党支部',
      organisation: null,
      member_account: 'wangfang',
      member_name: '王芳',
      grade: 'excellent',
      text: null,
      recorded_by_account: 'zhouzhishu',
      recorded_by_name: '周支书',
      recorded_at: '2026-12-10T10:00:00+08:00',
    });
    expect(rows.find((r) => r.member_name === '冯无号')).toMatchObject({ member_account: '', grade: 'basically_competent', recorded_by_account: 'sunzongzhi', recorded_at: '2026-12-31T23:30:00+08:00' });
    // 23:30 on the 31st in Shanghai is the 31st: in --from 2026-12-31, not in --to 2026-12-30.
    expect((await collect({ from: '2026-12-31' })).map((r) => r.member_name)).toEqual(['冯无号']);
    expect(await collect({ to: '2026-12-30' })).toHaveLength(active - 1);
    expect(await collect({ from: '2027-01-01' })).toEqual([]);

    const viewer = async (userid: string): Promise<Viewer> => {
      const id = await memberId(userid);
      const roles = await db.db.selectFrom('member_roles').select(['role', 'organisation_id']).where('member_id', '=', id).execute();
      return { kind: 'member', memberId: id, roles: roles.map((r) => ({ role: r.role, organisationId: String(r.organisation_id) })) };
    };
    // The member: their own row only; the branch secretary and the GB secretary: all; another GB's secretary, another branch's member: none.
    expect((await collect({ viewer: await viewer('wangfang') })).map((r) => r.member_name)).toEqual(['王芳']);
    expect(await collect({ viewer: await viewer('zhouzhishu') })).toHaveLength(active);
    expect(await collect({ viewer: await viewer('sunzongzhi') })).toHaveLength(active);
    expect(await collect({ viewer: await viewer('chuzhishu') })).toEqual([]);
    expect(await collect({ viewer: await viewer('liuerzhi') })).toEqual([]);
  });
});
