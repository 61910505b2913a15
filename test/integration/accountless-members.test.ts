// Issue 11 point 11, members without a chat account, in the database (PostgreSQL and PGlite): the chat's name
// index holds them, the month's birthday list marks them, no greeting is planned for them, the letter or text
// message a secretary logs for them is stored with its form, and the reminder on the 20th counts what was logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { decideNotices } from '../../src/notices/sweep.ts';
import { loadRosterIndex } from '../../src/conversation/roster-cache.ts';
import { RosterIndexRepository } from '../../src/db/roster-index-repository.ts';
import { BirthdayActivityRepository } from '../../src/db/birthday-activity-repository.ts';
import { BranchReportRepository } from '../../src/db/branch-report-repository.ts';
import { DeliveryRepository } from '../../src/db/delivery-repository.ts';
import { NO_ACCOUNT_MARK } from '../../src/notices/templates.ts';

describe.each(DB_KINDS)('members without a chat account on %s', (kind) => {
  let db: TestDb;
  const id = async (name: string) => (await db.db.selectFrom('members').select(['id', 'branch_id']).where('name', '=', name).executeTakeFirstOrThrow());
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
  });
  afterAll(() => db.drop());

  it('the name index holds every active member, with or without an account, with their organisations\' names', async () => {
    const rows = await new RosterIndexRepository(db.db).activeMembers();
    expect(rows.find((r) => r.name === '冯无号')).toMatchObject({ userid: null, branchName: '教工第一党支部', generalBranchName: '计算机学院党总支', status: 'active' });
    const index = await loadRosterIndex(db.db);
    expect(index.byName.get('冯无号')!.map((m) => m.userid)).toEqual([null]);
    expect(index.places.get('计算机学院')).toHaveLength(1);
    expect(index.places.get('数学学院')).toHaveLength(1);
    const before = await new RosterIndexRepository(db.db).version();
    await db.db.updateTable('members').set({ updated_at: new Date('2030-01-01T00:00:00Z') }).where('name', '=', '冯无号').execute();
    expect(await new RosterIndexRepository(db.db).version()).not.toBe(before);
  });

  it('the month\'s list marks them; no greeting is planned for them', async () => {
    const day = await decideNotices({ db: db.db }, '2026-11-02', false);
    const list = JSON.stringify(day.find((n) => n.kind === 'birthday_month_list' && n.recipientUserid === 'zhouzhishu')!.message);
    expect(list).toContain(`冯无号（11月26日，入党11周年；${NO_ACCOUNT_MARK}）`);
    expect(list).toContain('已寄贺信：姓名');
    expect(list).not.toContain(`吴生日（11月26日，入党14周年；${NO_ACCOUNT_MARK}`);
    const greetings = (await decideNotices({ db: db.db }, '2026-11-26', false)).filter((n) => n.kind === 'birthday_greeting');
    expect(greetings.map((g) => g.recipientUserid)).toContain('wushengri');
    expect(greetings.every((g) => typeof g.recipientUserid === 'string' && g.recipientUserid !== '')).toBe(true);
    expect(greetings.some((g) => g.recipientMemberId === undefined)).toBe(false);
    expect(greetings.map((g) => g.subject)).not.toContain(`member-${(await id('冯无号')).id}`);
  });

  it('the reminder on the 20th counts the letters and texts logged, and the branch\'s activity with its forms', async () => {
    const reminder = async () =>
      (await decideNotices({ db: db.db }, '2026-11-20', false)).filter((n) => n.kind === 'birthday_activity_reminder' && n.recipientUserid === 'zhouzhishu').map((n) => JSON.stringify(n.message));
    const [first] = await reminder();
    expect(first).toContain('尚有 3 名未登记活动'); // 吴生日, 郑老党员, 冯无号 (王今年 joined this year)
    const feng = await id('冯无号');
    const author = await id('周支书');
    const repo = new BirthdayActivityRepository(db.db);
    await repo.logForMember({ memberId: feng.id, period: '2026-11', form: 'letter', branchId: feng.branch_id, byMemberId: author.id, at: new Date('2026-11-18T02:00:00Z') });
    const [second] = await reminder();
    expect(second).toContain('尚有 2 名未登记活动');
    // Logged again as a text message: one row, the form corrected.
    await repo.logForMember({ memberId: feng.id, period: '2026-11', form: 'sms', branchId: feng.branch_id, byMemberId: author.id, at: new Date('2026-11-18T03:00:00Z') });
    expect(await db.db.selectFrom('birthday_member_activities').select(['form', 'period']).execute()).toEqual([{ form: 'sms', period: '2026-11' }]);
    // The branch's collective activity covers everyone: no reminder.
    const reports = new BranchReportRepository(db.db);
    expect(await reports.logBirthdayActivity({ organisationId: feng.branch_id, period: '2026-11', byMemberId: author.id, note: '', forms: ['collective'] })).toBe(true);
    expect(await reminder()).toEqual([]);
    // Logged again with another form: not new, the forms gain it.
    expect(await reports.logBirthdayActivity({ organisationId: feng.branch_id, period: '2026-11', byMemberId: author.id, note: '', forms: ['oath'] })).toBe(false);
    const row = await db.db.selectFrom('birthday_activities').select('forms').where('branch_id', '=', feng.branch_id).executeTakeFirstOrThrow();
    expect([...row.forms].sort()).toEqual(['collective', 'oath']);
    // 撤销: only within the branches given.
    expect(await repo.removeForMembers([feng.id], '2026-11', ['999999'])).toEqual([]);
    expect(await repo.removeForMembers([feng.id], '2026-11', [feng.branch_id])).toEqual([feng.id]);
    expect(await reports.removeBirthdayActivity([feng.branch_id], '2026-11')).toBe(1);
    expect(await reminder()).toHaveLength(1);
  });

  it('a form outside the canonical codes is refused by the database', async () => {
    const feng = await id('冯无号');
    await expect(
      db.db.insertInto('birthday_member_activities').values({ member_id: feng.id, period: '2026-12', form: 'email' as never, branch_id: feng.branch_id, logged_by_member_id: null, logged_at: new Date() }).execute(),
    ).rejects.toThrow();
  });
});

describe.each(DB_KINDS)('nothing is addressed to an empty chat account on %s', (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(() => db.drop());

  it('a delivery without a recipient is left out; the others are recorded', async () => {
    const ids = await new DeliveryRepository(db.db).insertNew([
      { idempotencyKey: 'to-nobody', platform: 'wecom', recipient: '', message: { type: 'text', content: '政治生日快乐' } },
      { idempotencyKey: 'to-someone', platform: 'wecom', recipient: 'wushengri', message: { type: 'text', content: '政治生日快乐' } },
    ]);
    expect(ids).toHaveLength(1);
    expect((await db.db.selectFrom('deliveries').select('recipient').execute()).map((r) => r.recipient)).toEqual(['wushengri']);
  });
});
