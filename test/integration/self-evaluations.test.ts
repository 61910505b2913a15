// Issue 13 sections 1–2 against a real database (PostgreSQL and PGlite): quarterly self-evaluations (one per member
// per quarter, replaced in place), the counts and lists the chat and the planners read, the planners themselves —
// the self-evaluation reminder goes only to those who have not submitted (with each branch secretary's count),
// the January goals reminder only to the secretaries whose organisation has no goals and the members without a
// commitment — and the evaluations export filtered by the viewer and by the day a text was recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoalStatementRepository } from '../../src/db/goal-statement-repository.ts';
import { SelfEvaluationRepository } from '../../src/db/self-evaluation-repository.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { addDays } from '../../src/domain/dates.ts';
import { OD_VIEWER, type Viewer } from '../../src/domain/access.ts';
import { DEFAULT_SCHEDULE_SETTINGS, noticesDueOn, type Notice } from '../../src/domain/schedule.ts';
import { collectIncentive, incentiveColumnsOf, incentiveExportBytes } from '../../src/incentive/export.ts';
import type { PlanContext } from '../../src/notices/planner.ts';
import { plannerFor } from '../../src/notices/planners/index.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import { viewerOf } from '../../src/domain/access.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';

const T1 = new Date('2026-12-20T02:00:00Z'); // 20 December, 10:00 in Shanghai
const T2 = new Date('2026-12-21T02:00:00Z');
const calendar = chineseWorkingDayCalendar();
const ctxOn = (date: string): PlanContext => ({ date, late: false, birthdayBasis: 'join_date', holidayListDaysBefore: 14, calendar });
const due = (date: string, kind: string): Notice => {
  const n = noticesDueOn(date, { calendar, settings: DEFAULT_SCHEDULE_SETTINGS }).find((x) => x.kind === kind);
  if (!n) throw new Error(`${kind} is not due on ${date}`);
  return n;
};

describe.each(DB_KINDS)('quarterly self-evaluations on %s', (kind) => {
  let db: TestDb;
  let repo: SelfEvaluationRepository;
  const ids: Record<string, string> = {};
  const orgId = async (name: string) => String((await db.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
    for (const m of await db.db.selectFrom('members').select(['id', 'name']).execute()) ids[m.name] = String(m.id);
    repo = new SelfEvaluationRepository(db.db);
  });
  afterAll(() => db.drop());

  it('a submission, then a replacement: one row, new text and author, recorded_at kept, updated_at moved', async () => {
    expect(await repo.submit(ids['吴生日']!, 2026, 4, '本季度完成了教学任务', ids['吴生日']!, T1)).toEqual({ replaced: false });
    expect(await repo.submit(ids['吴生日']!, 2026, 4, '本季度完成了教学和科研任务', ids['吴生日']!, T2)).toEqual({ replaced: true });
    const row = await repo.of(ids['吴生日']!, 2026, 4);
    expect(row).toMatchObject({ text: '本季度完成了教学和科研任务', recorded_by_name: '吴生日', year: 2026, quarter: 4 });
    expect(row!.recorded_at.toISOString()).toBe(T1.toISOString());
    expect(row!.updated_at.toISOString()).toBe(T2.toISOString());
    expect(await repo.of(ids['吴生日']!, 2026, 3)).toBeUndefined();
    // The secretary's submission for the member without an account.
    expect(await repo.submit(ids['冯无号']!, 2026, 4, '按时参加组织生活', ids['周支书']!, T1)).toEqual({ replaced: false });
    expect((await repo.of(ids['冯无号']!, 2026, 4))!.recorded_by_name).toBe('周支书');
    await expect(repo.submit(ids['郑老党员']!, 2026, 4, '   ', ids['郑老党员']!, T1)).rejects.toThrow();
    await expect(repo.submit(ids['郑老党员']!, 2026, 5, '第五季度', ids['郑老党员']!, T1)).rejects.toThrow();
  });

  it('the branch list, the counts per branch (members without an account counted) and who is still to be reminded', async () => {
    const branch = await repo.branchSubmissions(await orgId('教工第一党支部'), 2026, 4);
    expect(branch.filter((r) => r.submitted).map((r) => r.name).sort()).toEqual(['冯无号', '吴生日']);
    expect(branch.length).toBe(6);
    const counts = await repo.branchCounts(2026, 4, await orgId('计算机学院党总支'));
    expect(counts.map((c) => [c.branch, c.active, c.submitted])).toEqual([['教工第一党支部', 6, 2]]);
    const reachable = (await repo.reachableMembers({ year: 2026, quarter: 4 })).map((r) => r.name);
    expect(reachable).not.toContain('吴生日');
    expect(reachable).not.toContain('冯无号');
    expect(reachable).toContain('郑老党员');
    expect((await repo.reachableMembers()).map((r) => r.name)).toContain('吴生日');
    expect((await repo.namedInBranch(await orgId('教工第一党支部'), '冯无号')).map((r) => r.birth_date)).toEqual(['1991-01-01']);
    expect(await repo.namedInBranch(await orgId('教工党支部'), '冯无号')).toEqual([]);
  });

  it('the nudge goes to every reachable member; the reminder only to those who have not submitted, with each branch secretary\'s count', async () => {
    // Q4 2026: the window opens on Friday 18 December; the reminder is a week later, Friday 25 December.
    const nudge = due('2026-12-18', 'self_eval_nudge');
    const reminder = due('2026-12-25', 'self_eval_reminder');
    const nudged = await plannerFor('self_eval_nudge').plan(db.db, nudge, ctxOn('2026-12-18'));
    expect(nudged.map((n) => n.recipientUserid)).toContain('wushengri');
    expect(nudged.every((n) => n.subject.startsWith('member-'))).toBe(true);
    expect(nudged.length).toBe(10); // every active member with an account (冯无号 has none)
    const reminded = await plannerFor('self_eval_reminder').plan(db.db, reminder, ctxOn('2026-12-25'));
    const toMembers = reminded.filter((n) => n.subject.startsWith('member-')).map((n) => n.recipientUserid);
    expect(toMembers).not.toContain('wushengri');
    expect(toMembers).toContain('zhenglao');
    expect(toMembers.length).toBe(9);
    const counts = reminded.filter((n) => n.subject.startsWith('branch-'));
    const zhou = counts.find((n) => n.recipientUserid === 'zhouzhishu')!;
    expect(JSON.stringify(zhou.message)).toContain('教工第一党支部在册6人，已提交2人，尚有4人未提交，发送“本季度未自评名单”查看');
    // Every branch with active members has its count, with a stand-in where the branch has no secretary.
    expect(counts.length).toBeGreaterThanOrEqual(4);
  });

  it('January: the goals nudge to every secretary and member; the reminder only to those who have not recorded', async () => {
    const goals = new GoalStatementRepository(db.db);
    // January's first working day (2027's holiday data is not published yet: 1 January by the weekend fallback);
    // the reminder the first working day from two weeks later.
    const first = calendar.firstWorkingDayOfMonth(2027, 1);
    const second = calendar.nextWorkingDay(addDays(first, 14));
    const nudge = due(first, 'goals_nudge');
    const reminder = due(second, 'goals_reminder');
    expect(noticesDueOn(addDays(first, 1), { calendar, settings: DEFAULT_SCHEDULE_SETTINGS }).some((n) => n.kind.startsWith('goals_'))).toBe(false);
    const nudged = await plannerFor('goals_nudge').plan(db.db, nudge, ctxOn(first));
    const text = (userid: string, subject: string) => JSON.stringify(nudged.find((n) => n.recipientUserid === userid && n.subject.startsWith(subject))?.message ?? null);
    expect(text('zhouzhishu', 'branch-')).toContain('本支部2027年目标：');
    expect(text('sunzongzhi', 'gb-')).toContain('本总支2027年目标：');
    expect(text('wushengri', 'member-')).toContain('亮岗承诺：');
    expect(nudged.some((n) => n.recipientUserid === 'wushengri' && !n.subject.startsWith('member-'))).toBe(false);

    await goals.record({ kind: 'goals', organisationId: await orgId('教工第一党支部') }, 2027, '三会一课按时召开', ids['周支书']!, T2);
    await goals.record({ kind: 'commitment', memberId: ids['吴生日']! }, 2027, '带好每一堂课', ids['吴生日']!, T2);
    await goals.record({ kind: 'commitment', memberId: ids['郑老党员']! }, 2026, '去年的承诺', ids['郑老党员']!, T2);
    const reminded = await plannerFor('goals_reminder').plan(db.db, reminder, ctxOn(second));
    expect(reminded.some((n) => n.recipientUserid === 'zhouzhishu' && n.subject.startsWith('branch-'))).toBe(false);
    expect(reminded.some((n) => n.recipientUserid === 'sunzongzhi' && n.subject.startsWith('gb-'))).toBe(true);
    expect(reminded.some((n) => n.recipientUserid === 'wushengri')).toBe(false);
    // A commitment of another year is not this year's.
    expect(reminded.some((n) => n.recipientUserid === 'zhenglao' && n.subject.startsWith('member-'))).toBe(true);
    expect(JSON.stringify(reminded.find((n) => n.recipientUserid === 'zhenglao')!.message)).toContain('尚未登记今年的亮岗承诺');
  });

  describe('the evaluations export', () => {
    const viewer = async (userid: string): Promise<Viewer> => {
      const id = String((await db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id);
      return viewerOf((await loadAccessPerson(db.db, id))!);
    };

    it('has exactly the shared columns', () => {
      expect(incentiveColumnsOf('evaluations')).toEqual([
        'kind', 'year', 'period', 'general_branch', 'branch', 'organisation', 'member_account', 'member_name', 'grade', 'text', 'recorded_by_account', 'recorded_by_name', 'recorded_at',
      ]);
    });

    it('the OD sees every row: goals, commitments and self-evaluations, with codes, places and who recorded', async () => {
      const rows = await collectIncentive(db.db, 'evaluations', { viewer: OD_VIEWER });
      expect(rows.map((r) => `${String(r.kind)} ${String(r.year)} ${String(r.period)} ${String(r.member_name ?? r.organisation)}`)).toEqual([
        'goals 2027 null 教工第一党支部',
        'commitment 2027 null 吴生日',
        'commitment 2026 null 郑老党员',
        'quarterly_self 2026 Q4 吴生日',
        'quarterly_self 2026 Q4 冯无号',
      ]);
      expect(rows[0]).toMatchObject({ general_branch: '计算机学院党总支', branch: '教工第一党支部', organisation: '教工第一党支部', member_account: null, grade: null, recorded_by_account: 'zhouzhishu' });
      expect(rows[4]).toEqual({
        kind: 'quarterly_self',
        year: 2026,
        period: 'Q4',
        general_branch: '计算机学院党总支',
        branch: '教工第一党支部',
        organisation: null,
        member_account: null,
        member_name: '冯无号',
        grade: null,
        text: '按时参加组织生活',
        recorded_by_account: 'zhouzhishu',
        recorded_by_name: '周支书',
        recorded_at: '2026-12-20T10:00:00+08:00',
      });
      // recorded_at is the current text's: 吴生日's replacement of 21 December.
      expect(rows[3]!.recorded_at).toBe('2026-12-21T10:00:00+08:00');
    });

    it('--from/--to by the local day of recorded_at', async () => {
      const rows = await collectIncentive(db.db, 'evaluations', { from: '2026-12-20', to: '2026-12-20' });
      expect(rows.map((r) => r.member_name)).toEqual(['冯无号']);
    });

    it('a member sees their own texts and their branch\'s goals; a secretary of another GB sees none of this branch', async () => {
      const own = await collectIncentive(db.db, 'evaluations', { viewer: await viewer('wushengri') });
      expect(own.map((r) => `${String(r.kind)} ${String(r.member_name ?? r.organisation)}`)).toEqual(['goals 教工第一党支部', 'commitment 吴生日', 'quarterly_self 吴生日']);
      const other = await collectIncentive(db.db, 'evaluations', { viewer: await viewer('chuzhishu') });
      expect(other).toEqual([]);
      const secretary = await collectIncentive(db.db, 'evaluations', { viewer: await viewer('zhouzhishu') });
      expect(secretary.length).toBe(5);
    });

    it('CSV and JSON carry the same filtering: another member\'s texts never appear', async () => {
      const bytes = async (format: 'csv' | 'json', who: string) => {
        const parts: Buffer[] = [];
        for await (const b of incentiveExportBytes(db.db, 'evaluations', format, { viewer: await viewer(who) })) parts.push(b);
        return Buffer.concat(parts).toString('utf8');
      };
      const csv = await bytes('csv', 'zhenglao');
      expect(csv).toContain('commitment,2026,,计算机学院党总支,教工第一党支部,,zhenglao,郑老党员,,去年的承诺');
      expect(csv).toContain('goals,2027,,计算机学院党总支,教工第一党支部,教工第一党支部');
      expect(csv).not.toContain('吴生日');
      expect(csv).not.toContain('冯无号');
      const json = (await bytes('json', 'chenbiezhi')).trim();
      expect(json).toBe('');
      const own = (await bytes('json', 'wushengri')).trim().split('\n').map((l) => JSON.parse(l) as { member_name: string | null });
      expect(own.map((r) => r.member_name)).toEqual([null, '吴生日', '吴生日']);
    });
  });
});
