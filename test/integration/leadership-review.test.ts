// Issue 13 section 7, the leadership review's repository against a real database (PostgreSQL and PGlite): the
// opening snapshots who takes part (active members with a chat account) and zero counters; a second opening of the
// year changes nothing; one rating and one comment per member and committee; the counters and participation agree;
// and the tables holding ratings and comments have no column that could name a member or a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { LeadershipReviewRepository } from '../../src/db/leadership-review-repository.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { plannerFor } from '../../src/notices/planners/index.ts';
import { leadershipReviewReminders } from '../../src/notices/planners/leadership-review.ts';
import { collectIncentive, incentiveExportBytes } from '../../src/incentive/export.ts';
import { commentOnLeadership, myLeadershipReview, openLeadershipReview, rateLeadership, type LeadershipEnv } from '../../src/incentive/leadership-review.ts';
import { rateKey } from '../../src/incentive/leadership-text.ts';
import { SettingsRepository } from '../../src/db/settings-repository.ts';
import { importCareRoster } from '../helpers/care-roster.ts';

const AT = new Date('2026-12-01T02:00:00Z');

describe.each(DB_KINDS)('leadership review repository on %s', (kind) => {
  let db: TestDb;
  let repo: LeadershipReviewRepository;
  let reviewId: string;
  const memberId = async (userid: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
    repo = new LeadershipReviewRepository(db.db);
  });
  afterAll(() => db.drop());

  it('opens once a year: participants are the active members with an account, counters start at zero', async () => {
    const first = await repo.open({ year: 2026, openedOn: '2026-12-01', lastDay: '2026-12-14', byMemberId: await memberId('zhaozuzhi'), at: AT });
    expect(first.created).toBe(true);
    expect(first.review).toMatchObject({ year: 2026, opened_on: '2026-12-01', last_day: '2026-12-14' });
    reviewId = first.review.id;
    const again = await repo.open({ year: 2026, openedOn: '2026-12-02', lastDay: '2026-12-20', byMemberId: null, at: AT });
    expect(again).toMatchObject({ created: false, review: { id: reviewId, opened_on: '2026-12-01' } });
    const people = await repo.participants(reviewId);
    expect(people.map((p) => p.userid)).toContain('wushengri');
    expect(people.map((p) => p.name)).not.toContain('冯无号');
    expect(people).toHaveLength(10);
    expect(await repo.membersWithoutAccount()).toBe(1);
    const totals = await repo.totals(reviewId);
    expect(totals.every((t) => t.satisfied === 0 && t.basically_satisfied === 0 && t.dissatisfied === 0 && t.answered === 0)).toBe(true);
    const branch = totals.find((t) => t.branch === '教工第一党支部')!;
    expect(branch).toMatchObject({ kind: 'branch', general_branch: '计算机学院党总支', members: 5 });
    expect(totals.find((t) => t.kind === 'general_branch' && t.general_branch === '计算机学院党总支')).toMatchObject({ branch: null, members: 5 });
  });

  it('one rating per member and committee; the counters and participation agree', async () => {
    const wu = await memberId('wushengri');
    expect(await repo.recordRating(reviewId, wu, 'branch', 'satisfied')).toBe('recorded');
    expect(await repo.recordRating(reviewId, wu, 'branch', 'dissatisfied')).toBe('already');
    expect(await repo.recordRating(reviewId, wu, 'general_branch', 'basically_satisfied')).toBe('recorded');
    expect(await repo.recordRating(reviewId, await memberId('zhenglao'), 'branch', 'dissatisfied')).toBe('recorded');
    const fengId = (await db.db.selectFrom('members').select('id').where('name', '=', '冯无号').executeTakeFirstOrThrow()).id;
    expect(await repo.recordRating(reviewId, fengId, 'branch', 'satisfied')).toBe('not_participant');
    const branch = (await repo.totals(reviewId)).find((t) => t.branch === '教工第一党支部')!;
    expect(branch).toMatchObject({ satisfied: 1, basically_satisfied: 0, dissatisfied: 1, answered: 2, members: 5 });
    const gbOnly = await repo.totals(reviewId, [branch.general_branch_id]);
    expect(gbOnly.every((t) => t.general_branch === '计算机学院党总支')).toBe(true);
    expect(await repo.totals(reviewId, [])).toEqual([]);
    expect((await repo.participants(reviewId, { unansweredOnly: true })).map((p) => p.userid)).not.toContain('wushengri');
    expect((await repo.participants(reviewId, { unansweredOnly: true })).map((p) => p.userid)).toContain('zhenglao');
    const progress = await repo.progress(reviewId);
    expect(progress.find((g) => g.general_branch === '计算机学院党总支')).toMatchObject({ members: 5, answered: 1 });
  });

  it('one comment per member and committee, stored with the committee and the text only', async () => {
    const wu = await memberId('wushengri');
    expect(await repo.recordComment(reviewId, wu, 'general_branch', '多深入基层')).toBe('recorded');
    expect(await repo.recordComment(reviewId, wu, 'general_branch', '再说一条')).toBe('already');
    expect(await repo.recordComment(reviewId, wu, 'branch', '组织生活更灵活')).toBe('recorded');
    expect(await repo.comments(reviewId)).toEqual([
      { kind: 'general_branch', general_branch_id: expect.any(String), general_branch: '计算机学院党总支', branch: null, text: '多深入基层' },
      { kind: 'branch', general_branch_id: expect.any(String), general_branch: '计算机学院党总支', branch: '教工第一党支部', text: '组织生活更灵活' },
    ]);
    await expect(repo.recordComment(reviewId, await memberId('zhenglao'), 'branch', '   ')).rejects.toThrow();
  });

  it('the tables of ratings and comments have no member, time or row-order column (information_schema)', async () => {
    const columns = async (table: string) =>
      (await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = ${table} order by column_name`.execute(db.db)).rows.map((r) => r.column_name);
    expect(await columns('leadership_review_tallies')).toEqual(['answers', 'organisation_id', 'rating', 'review_id']);
    expect(await columns('leadership_review_comments')).toEqual(['organisation_id', 'review_id', 'text']);
    // Participation says who answered, never what or when.
    expect(await columns('leadership_review_participants')).toEqual(['branch_answered', 'branch_commented', 'branch_id', 'gb_answered', 'gb_commented', 'general_branch_id', 'member_id', 'review_id']);
  });

  it('reminders: on reminder days only, only to who has not rated both, only the cards left; none after it closes', async () => {
    const ctx = (date: string) => ({ date, late: false, birthdayBasis: 'join_date' as const, holidayListDaysBefore: 14, calendar: chineseWorkingDayCalendar() });
    const on = async (date: string) => (await leadershipReviewReminders.plan(db.db, ctx(date))).map((n) => `${n.recipientUserid} ${n.subject.replace(/^leadership-\d+-/, '')} ${n.period}`);
    expect(await on('2026-12-03')).toEqual([]);
    const due = await on('2026-12-04');
    expect(due.filter((l) => l.startsWith('wushengri '))).toEqual([]);
    expect(due.filter((l) => l.startsWith('zhenglao '))).toEqual(['zhenglao general_branch 2026-12-04']);
    expect(due.filter((l) => l.startsWith('lishuji '))).toEqual(['lishuji branch 2026-12-04', 'lishuji general_branch 2026-12-04']);
    expect(due).toHaveLength(2 * 10 - 3);
    expect(await on('2026-12-14')).toHaveLength(17);
    expect(await on('2026-12-15')).toEqual([]);
    expect(await on('2026-12-05')).toEqual([]);
  });

  it('the December nudge goes to the OD only while the year has no review', async () => {
    const plan = (year: number) =>
      plannerFor('leadership_review_nudge').plan(db.db, { kind: 'leadership_review_nudge', audience: 'od', period: String(year), params: { year } }, { date: '2026-12-01', late: false, birthdayBasis: 'join_date', holidayListDaysBefore: 14, calendar: chineseWorkingDayCalendar() });
    expect(await plan(2026)).toEqual([]);
    const nudges = await plan(2027);
    expect(nudges.map((n) => [n.recipientUserid, n.kind, n.period])).toEqual([['zhaozuzhi', 'leadership_review_nudge', '2027']]);
    expect(JSON.stringify(nudges[0]!.message)).toContain('lopen-2027');
  });

  it('the export: totals only after it closes; the OD all with comments, a GB secretary their branches, others nothing', async () => {
    const gbId = (await db.db.selectFrom('organisations').select('id').where('name', '=', '计算机学院党总支').executeTakeFirstOrThrow()).id;
    const gbSecretary = { kind: 'member' as const, memberId: await memberId('sunzongzhi'), roles: [{ role: 'gb_secretary' as const, organisationId: gbId }] };
    const member = { kind: 'member' as const, memberId: await memberId('wushengri'), roles: [] };
    expect(await collectIncentive(db.db, 'leadership', { today: '2026-12-14' })).toEqual([]);
    const all = await collectIncentive(db.db, 'leadership', { today: '2026-12-15' });
    expect(all.filter((r) => r.kind === 'total')).toHaveLength(7);
    expect(all.filter((r) => r.kind === 'comment').map((r) => r.comment)).toEqual(['多深入基层', '组织生活更灵活']);
    expect(all.find((r) => r.branch === '教工第一党支部' && r.kind === 'total')).toEqual({
      year: 2026, kind: 'total', general_branch: '计算机学院党总支', branch: '教工第一党支部', organisation_rated: 'branch',
      satisfied: 1, basically_satisfied: 0, dissatisfied: 1, answered: 2, members: 5, comment: null,
    });
    // The GB secretary: 教工第一党支部 only (not the GB committee), withheld at 2 answers; no comments.
    expect(await collectIncentive(db.db, 'leadership', { today: '2026-12-15', viewer: gbSecretary })).toEqual([
      { year: 2026, kind: 'total', general_branch: '计算机学院党总支', branch: '教工第一党支部', organisation_rated: 'branch', satisfied: null, basically_satisfied: null, dissatisfied: null, answered: 2, members: 5, comment: null },
    ]);
    expect(await collectIncentive(db.db, 'leadership', { today: '2026-12-15', viewer: member })).toEqual([]);
    expect(await collectIncentive(db.db, 'leadership', { today: '2026-12-15', from: '2026-12-02' })).toEqual([]);
    let csv = '';
    for await (const b of incentiveExportBytes(db.db, 'leadership', 'csv', { today: '2026-12-15' })) csv += b.toString('utf8');
    expect(csv).toContain('2026,comment,计算机学院党总支,,general_branch,,,,,,多深入基层');
    for (const name of ['吴生日', 'wushengri', '郑老党员', 'zhenglao']) expect(csv).not.toContain(name);
  });

  it('the service: January holds last year, opens this one from the setting, and answers every refusal without recording', async () => {
    const jan = { now: new Date('2027-01-04T02:00:00Z'), today: '2027-01-04' };
    const run = <T>(fn: (env: LeadershipEnv) => Promise<T>) => db.db.transaction().execute((trx) => fn({ trx, ...jan }));
    expect(await run((env) => openLeadershipReview(env, { byMemberId: null, year: null, days: null }))).toMatchObject({ ok: false, code: 'already_held' });
    expect(await run((env) => openLeadershipReview(env, { byMemberId: null, year: 2027, days: 61 }))).toMatchObject({ ok: false, code: 'bad_days' });
    await new SettingsRepository(db.db).put('leadership_evaluation_days', 5, jan.now);
    const opened = await run((env) => openLeadershipReview(env, { byMemberId: null, year: 2027, days: null }));
    if (!opened.ok) throw new Error(opened.reply);
    expect(opened.review).toMatchObject({ year: 2027, opened_on: '2027-01-04', last_day: '2027-01-08' });
    expect(opened.notices).toHaveLength(20);
    expect(new Set(opened.notices.map((n) => n.onceKey)).size).toBe(20);
    // A member not carded at the opening (as one who joined later), a key naming no review, a rating the day after.
    const zheng = await memberId('zhenglao');
    await db.db.deleteFrom('leadership_review_participants').where('member_id', '=', zheng).where('review_id', '=', opened.review.id).execute();
    expect(await run((env) => commentOnLeadership(env, zheng, 'branch', '意见'))).toMatchObject({ recorded: false, reply: expect.stringContaining('不在本次领导班子评议的范围内') });
    expect(await run((env) => rateLeadership(env, zheng, rateKey('999', 'branch', 'satisfied')))).toMatchObject({ recorded: false });
    const wu = await memberId('wushengri');
    const tooLong = '很'.repeat(501);
    expect(await run((env) => commentOnLeadership(env, wu, 'branch', tooLong))).toMatchObject({ recorded: false, reply: '未记录：意见超过500字，请精简后重新发送。' });
    expect((await run((env) => myLeadershipReview(env, wu, 'e1'))).cards).toHaveLength(2);
    const late = await db.db.transaction().execute((trx) => rateLeadership({ trx, now: jan.now, today: '2027-01-09' }, wu, rateKey(opened.review.id, 'branch', 'satisfied')));
    expect(late).toEqual({ recorded: false, reply: '2027年度领导班子评议已于1月8日截止，本次评议未被记录。' });
    const tallies = await db.db.selectFrom('leadership_review_tallies').select((e) => e.fn.sum<string>('answers').as('n')).where('review_id', '=', opened.review.id).executeTakeFirstOrThrow();
    expect(Number(tallies.n)).toBe(0);
  });

  it('forgets what a rating click or a comment said from the stored inbound event', async () => {
    const [click] = await db.db
      .insertInto('inbound_events')
      .values({ platform: 'wecom', dedupe_key: 'wecom-card-abc', user_id: 'wushengri', kind: 'card_click', payload: JSON.stringify({ kind: 'card_click', eventKey: 'lrate-1-1-3', taskId: 't' }), locked_until: null, last_error: null, processed_at: null })
      .returning('id')
      .execute();
    const [comment] = await db.db
      .insertInto('inbound_events')
      .values({ platform: 'wecom', dedupe_key: 'wecom-msg-9', user_id: 'wushengri', kind: 'text', payload: JSON.stringify({ kind: 'text', text: '评议意见：不好' }), locked_until: null, last_error: null, processed_at: null })
      .returning('id')
      .execute();
    await repo.forgetInboundContent(click!.id);
    await repo.forgetInboundContent(comment!.id);
    const rows = await db.db.selectFrom('inbound_events').select(['id', 'dedupe_key', 'payload']).orderBy('id').execute();
    expect(rows[0]).toMatchObject({ dedupe_key: `leadership-review-answer-${click!.id}`, payload: { eventKey: 'leadership-review', taskId: 't' } });
    expect(rows[1]).toMatchObject({ dedupe_key: 'wecom-msg-9', payload: { text: '' } });
  });
});
