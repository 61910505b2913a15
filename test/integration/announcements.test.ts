// Issue 14 section 1, the announcement repository and the reminder planner against a real database (PostgreSQL and
// PGlite): the audience by office (the access rule picks among the candidates, the sender never one), a preview
// superseded by the next, sent once, recipients snapshotted, 已阅 once per recipient, the figures (received: the
// delivery sent), the archive only after it has gone out, the reminder once per unread recipient on the third day,
// and the export's rows per branch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnnouncementRepository, announcementDeliveryKey } from '../../src/db/announcement-repository.ts';
import { announcementTargetOf, inAnnouncementAudience } from '../../src/domain/access.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { announcementReminders } from '../../src/notices/planners/announcement-reminders.ts';
import { collectVoice } from '../../src/voice/export.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';

const AT = new Date('2026-12-01T02:00:00Z');

describe.each(DB_KINDS)('announcement repository on %s', (kind) => {
  let db: TestDb;
  let repo: AnnouncementRepository;
  let id = '';
  const memberId = async (userid: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id;
  const planCtx = (date: string) => ({ date, late: false, birthdayBasis: 'join_date' as const, holidayListDaysBefore: 7, calendar: chineseWorkingDayCalendar() });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
    repo = new AnnouncementRepository(db.db);
  });
  afterAll(() => db.drop());

  it('audiences: the candidates of the office, the rule picking the secretaries, never the sender', async () => {
    const od = (await loadAccessPerson(db.db, await memberId('zhaozuzhi')))!;
    const target = announcementTargetOf(od, 'all_secretaries')!;
    const candidates = await repo.audienceCandidates(target, od.memberId);
    expect(candidates).toHaveLength(10);
    const secretaries = candidates.filter((m) => inAnnouncementAudience(target, { memberId: m.member_id, branchId: m.branch_id, generalBranchId: m.gb_id, committeeId: m.committee_id, roles: m.roles }));
    expect(secretaries.map((m) => m.name).sort()).toEqual(['周支书', '孙总支', '褚支书'].sort());
    const zhou = (await loadAccessPerson(db.db, await memberId('zhouzhishu')))!;
    const branch = await repo.audienceCandidates(announcementTargetOf(zhou, 'branch_members')!, zhou.memberId);
    expect(branch.map((m) => m.name).sort()).toEqual(['冯无号', '吴生日', '孙总支', '王今年', '郑老党员'].sort());
    expect(branch.find((m) => m.name === '冯无号')!.userid).toBeNull();
  });

  it('a preview is superseded by the next; only a preview is sent, once; recipients snapshotted; 已阅 once', async () => {
    const zhou = (await loadAccessPerson(db.db, await memberId('zhouzhishu')))!;
    const target = announcementTargetOf(zhou, 'branch_members')!;
    const first = await repo.insertPreview({ kind: 'report_work', target, category: null, senderMemberId: zhou.memberId, body: '第一稿', at: AT });
    id = await repo.insertPreview({ kind: 'report_work', target, category: 'exemplary_deeds', senderMemberId: zhou.memberId, body: '第二稿', at: AT });
    expect((await repo.byId(first))!.state).toBe('superseded');
    expect(await repo.markSent(first, AT, AT, '2026-12-01')).toBe(false);
    expect(await repo.markSent(id, AT, AT, '2026-12-01')).toBe(true);
    expect(await repo.markSent(id, AT, AT, '2026-12-01')).toBe(false);
    const a = (await repo.byId(id))!;
    expect(a).toMatchObject({ state: 'sent', organisation: '教工第一党支部', category: 'exemplary_deeds', deliver_on: '2026-12-01', sender_userid: 'zhouzhishu' });
    expect(a.committee_id).toBe(zhou.committeeId);
    await repo.insertRecipients(id, await repo.audienceCandidates(target, zhou.memberId));
    const wu = await memberId('wushengri');
    expect(await repo.markRead(id, wu, AT)).toBe('read');
    expect(await repo.markRead(id, wu, AT)).toBe('already');
    expect(await repo.markRead(id, await memberId('chenbiezhi'), AT)).toBe('not_recipient');
    // Received: the recipient's delivery sent (one sent, one pending).
    await db.db
      .insertInto('deliveries')
      .values([
        { idempotency_key: announcementDeliveryKey(id, wu), platform: 'wecom', recipient: 'wushengri', message: JSON.stringify({ type: 'text', content: 'x' }), status: 'sent', locked_until: null, platform_msgid: null, response_code: null, error_code: null, error: null, sent_at: AT },
        { idempotency_key: announcementDeliveryKey(id, await memberId('zhenglao')), platform: 'wecom', recipient: 'zhenglao', message: JSON.stringify({ type: 'text', content: 'x' }), locked_until: null, platform_msgid: null, response_code: null, error_code: null, error: null, sent_at: null },
      ])
      .execute();
    expect(await repo.figures(id)).toEqual({ addressed: 5, with_account: 4, no_account: 1, received: 1, read: 1 });
    const unread = await repo.unread(id);
    expect(unread.unread.map((p) => p.name).sort()).toEqual(['孙总支', '王今年', '郑老党员'].sort());
    expect(unread.noAccount).toEqual([{ account: '', name: '冯无号', branch: '教工第一党支部' }]);
  });

  it('the archive shows it to recipients once it has gone out', async () => {
    const wu = await memberId('wushengri');
    expect(await repo.archive(wu, new Date(AT.getTime() - 1), { offset: 0, limit: 10 })).toEqual({ total: 0, entries: [] });
    const shown = await repo.archive(wu, AT, { offset: 0, limit: 10 });
    expect(shown.total).toBe(1);
    expect(shown.entries[0]).toMatchObject({ id, organisation: '教工第一党支部', body: '第二稿', category: 'exemplary_deeds' });
    expect((await repo.archive(await memberId('chenbiezhi'), AT, { offset: 0, limit: 10 })).total).toBe(0);
  });

  it('the reminder: on the third day, to the unread with an account, under a key that takes each once', async () => {
    expect(await announcementReminders.plan(db.db, planCtx('2026-12-03'))).toEqual([]);
    const due = await announcementReminders.plan(db.db, planCtx('2026-12-04'));
    const to = due.map((n) => n.recipientUserid).sort();
    expect(to).toEqual(['sunzongzhi', 'wangjinnian', 'zhenglao']);
    expect(new Set(due.map((n) => `${n.kind}|${n.subject}|${n.period}`))).toEqual(new Set([`announcement_reminder|announcement-${id}|announcement-${id}`]));
    // A weekend is no working day; a later working day plans the same notices (the sweep's key sends them once).
    expect(await announcementReminders.plan(db.db, planCtx('2026-12-05'))).toEqual([]);
    expect((await announcementReminders.plan(db.db, planCtx('2026-12-07'))).map((n) => n.recipientUserid).sort()).toEqual(to);
    // Long after, nothing.
    expect(await announcementReminders.plan(db.db, planCtx('2027-01-04'))).toEqual([]);
  });

  it('the export: a row per branch, the figures of the branch', async () => {
    const rows = await collectVoice(db.db, 'announcements');
    expect(rows).toEqual([
      expect.objectContaining({ id, kind: 'report_work', category: 'exemplary_deeds', audience: 'branch_members', sender_account: 'zhouzhishu', branch: '教工第一党支部', addressed: 5, received: 1, read: 1, no_account: 1 }),
    ]);
    expect(await collectVoice(db.db, 'announcements', { from: '2026-12-02' })).toEqual([]);
  });
});
