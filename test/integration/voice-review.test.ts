// Members' voice under attack (issue 14, review R2), on PostgreSQL and PGlite, through the steps the chat and the
// admin API share: people who have left the roster (a writer, an addressed linked committee member, an assignee),
// texts longer than a WeCom message (2,048 bytes), and steps taken twice.
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordMessages } from '../../src/admin/incentive-request.ts';
import { guardReplies } from '../../src/conversation/reply-guard.ts';
import type { Database } from '../../src/db/schema.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { MESSAGE_MAX_BYTES } from '../../src/notices/message-limit.ts';
import type { OutboundMessage } from '../../src/platforms/types.ts';
import { accessPersonOf, findMemberByUserid, type RosterIdentity } from '../../src/roster/responsibility.ts';
import { answerProposal, assignProposal, fileProposal, registerProposal, type ProposalEnv } from '../../src/voice/proposals.ts';
import { fileSuggestion, mayAnswer, replyToSuggestion, SUGGESTION_MAX_BYTES, type SuggestionEnv } from '../../src/voice/suggestions.ts';
import { SuggestionRepository } from '../../src/db/suggestion-repository.ts';
import { AnnouncementRepository } from '../../src/db/announcement-repository.ts';
import { announcementTargetOf } from '../../src/domain/access.ts';
import { ANNOUNCEMENT_MAX_CHARS, composeAnnouncement } from '../../src/voice/announcements.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';

const NOW = new Date('2026-12-01T02:00:00Z');
const TODAY = '2026-12-01';
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const textOf = (m: OutboundMessage): string => (m.type === 'text' || m.type === 'markdown' ? m.content : '');

describe.each(DB_KINDS)('members’ voice review on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await importCareRoster(t.db);
  });
  afterAll(async () => t.drop());

  /** Runs `fn` in a transaction that is rolled back: each test starts from the roster as imported. */
  async function inTrx(fn: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
    await t.db
      .transaction()
      .execute(async (trx) => {
        await fn(trx);
        throw new Error('rollback');
      })
      .catch((e: Error) => {
        if (e.message !== 'rollback') throw e;
      });
  }
  const who = async (trx: Transaction<Database>, userid: string): Promise<RosterIdentity> => (await findMemberByUserid(trx, userid))!;
  const leave = (trx: Transaction<Database>, userid: string, status: 'deceased' | 'transferred_out') =>
    sql`update members set status = ${status}, status_changed_on = ${TODAY}::date where userid = ${userid}`.execute(trx);
  const sEnv = (trx: Transaction<Database>): SuggestionEnv => ({ trx, now: NOW, today: TODAY, calendar: chineseWorkingDayCalendar() });
  const pEnv = (trx: Transaction<Database>, at = NOW): ProposalEnv => ({ trx, now: at, today: TODAY });
  const member = (id: RosterIdentity) => ({ kind: 'member' as const, memberId: id.memberId, name: id.name, delegate: id.delegate, person: accessPersonOf(id) });

  it('a linked committee member who has left: the OD answers for them; a writer who has left is sent nothing', async () => {
    await inTrx(async (trx) => {
      const filed = await fileSuggestion(sEnv(trx), await who(trx, 'wushengri'), { addressee: 'linked_committee_member', anonymous: false, text: '希望增加党史学习教育活动' });
      expect(filed.messages.map((m) => m.recipient)).toEqual(['qianweiyuan']);
      const id = filed.id!;
      await leave(trx, 'qianweiyuan', 'transferred_out');
      // Before: nobody could answer until the escalation three working days after the due day.
      expect(await mayAnswer(sEnv(trx), await who(trx, 'zhaozuzhi'), id)).toBe('yes');
      expect(await mayAnswer(sEnv(trx), await who(trx, 'zhouzhishu'), id)).toBe('no');
      await leave(trx, 'wushengri', 'deceased');
      const row = (await new SuggestionRepository(trx).byId(id))!;
      expect(row).toMatchObject({ writer_userid: null, writer_account: 'wushengri', addressee_userid: null, addressee_active: false });
      const replied = await replyToSuggestion(sEnv(trx), await who(trx, 'zhaozuzhi'), id, '已转党委宣传部研究');
      expect(replied.text).toContain('已回复');
      expect(replied.messages).toEqual([]);
    });
  });

  it('a suggestion or a reply over one WeCom message is refused; the longest allowed arrives whole by every path', async () => {
    await inTrx(async (trx) => {
      const writer = await who(trx, 'wushengri');
      const longest = '党'.repeat(SUGGESTION_MAX_BYTES / 3);
      const refused = await fileSuggestion(sEnv(trx), writer, { addressee: 'branch_secretary', anonymous: false, text: `${longest}。` });
      expect(refused).toMatchObject({ messages: [] });
      expect(refused.id).toBeUndefined();
      expect(refused.text).toContain('内容过长');
      expect(await new SuggestionRepository(trx).byWriter(writer.memberId)).toEqual([]);

      const filed = await fileSuggestion(sEnv(trx), writer, { addressee: 'branch_secretary', anonymous: false, text: longest });
      const full = filed.messages.find((m) => m.message.type === 'text')!;
      expect(bytes(textOf(full.message))).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
      expect(textOf(full.message)).toContain(longest);

      const secretary = await who(trx, 'zhouzhishu');
      const tooLong = await replyToSuggestion(sEnv(trx), secretary, filed.id!, `${longest}。`);
      expect(tooLong.text).toContain('答复过长');
      expect(tooLong.messages).toEqual([]);
      const answer = '答'.repeat(SUGGESTION_MAX_BYTES / 3);
      const replied = await replyToSuggestion(sEnv(trx), secretary, filed.id!, answer);
      const toWriter = textOf(replied.messages[0]!.message);
      expect(bytes(toWriter)).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
      expect(toWriter).toContain(answer);
      expect(toWriter).toContain('—— 周支书');
    });
  });

  it('a proposal’s long text and answer reach their readers whole, through the chat and the admin API', async () => {
    await inTrx(async (trx) => {
      await sql`update members set party_congress_delegate = true where userid = 'wushengri'`.execute(trx);
      const od = member(await who(trx, 'zhaozuzhi'));
      // 1,000 characters without a line break: one line of 3,000 bytes the message splitter would cut.
      const text = `关于${'加强青年教师思想政治工作'.repeat(76)}的建议`.slice(0, 1_000);
      const filed = await fileProposal(pEnv(trx), member(await who(trx, 'wushengri')), text);
      if (!filed.ok) throw new Error(filed.reply);
      const id = filed.proposal.id;
      const wholeIn = (messages: ReadonlyArray<{ recipient: string; onceKey: string; message: OutboundMessage }>, to: string, whole: string) => {
        const parts = guardReplies(messages.filter((m) => m.recipient === to).map((m) => ({ recipient: m.recipient, onceKey: m.onceKey, message: m.message })));
        for (const p of parts) expect(bytes(textOf(p.message))).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
        expect(parts.map((p) => textOf(p.message).replace(/^（续）\n/, '')).join('\n').replace(/\n/g, '')).toContain(whole);
      };
      wholeIn(filed.notices, 'zhaozuzhi', text);
      expect((await registerProposal(pEnv(trx), od, id)).ok).toBe(true);
      const assigned = await assignProposal(pEnv(trx), od, id, '郑老党员');
      if (!assigned.ok) throw new Error(assigned.reply);
      wholeIn(assigned.notices, 'zhenglao', text);

      const answer = '已'.repeat(2_000);
      const answered = await answerProposal(pEnv(trx), member(await who(trx, 'zhenglao')), id, answer);
      if (!answered.ok) throw new Error(answered.reply);
      wholeIn(answered.notices, 'wushengri', answer);

      // The admin API records the same messages without the chat's guard: split there too, each part once.
      const deps = { config: { platform: 'wecom', platforms: ['wecom'], timezone: 'Asia/Shanghai', quietHours: null } } as never;
      const ids = await recordMessages(deps, trx, NOW, answered.notices.filter((n) => n.recipient === 'wushengri'));
      expect(ids.length).toBeGreaterThan(1);
      const rows = await trx.selectFrom('deliveries').select(['idempotency_key', 'message']).where('id', 'in', ids).orderBy('id').execute();
      for (const r of rows) expect(bytes(textOf(r.message as OutboundMessage))).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
      expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(rows.length);
      expect(rows.map((r) => textOf(r.message as OutboundMessage).replace(/^（续）\n/, '')).join('').replace(/\n/g, '')).toContain(answer);
    });
  });

  it('a proposal assigned back to an earlier assignee tells them again; the same assignee twice changes nothing', async () => {
    await inTrx(async (trx) => {
      await sql`update members set party_congress_delegate = true where userid = 'wushengri'`.execute(trx);
      const od = member(await who(trx, 'zhaozuzhi'));
      const filed = await fileProposal(pEnv(trx), member(await who(trx, 'wushengri')), '关于改善实验室条件的建议');
      if (!filed.ok) throw new Error(filed.reply);
      const id = filed.proposal.id;
      await registerProposal(pEnv(trx), od, id);
      const keys = new Set<string>();
      const assign = async (to: string, minutes: number) => {
        const out = await assignProposal(pEnv(trx, new Date(NOW.getTime() + minutes * 60_000)), od, id, to);
        if (out.ok) for (const n of out.notices) {
          // Every message is a delivery under its once-key: a key used before would send nothing.
          expect(keys.has(n.onceKey)).toBe(false);
          keys.add(n.onceKey);
        }
        return out;
      };
      const first = await assign('郑老党员', 1);
      expect(first.ok && first.notices.map((n) => n.recipient)).toEqual(['wushengri', 'zhenglao']);
      const again = await assign('郑老党员', 2);
      expect(again).toMatchObject({ ok: false, code: 'wrong_state' });
      expect(again.reply).toContain('无需再交办');
      const second = await assign('王今年', 3);
      expect(second.ok && second.notices.map((n) => n.recipient)).toEqual(['wushengri', 'wangjinnian', 'zhenglao']);
      const back = await assign('郑老党员', 4);
      expect(back.ok && back.notices.map((n) => n.recipient)).toEqual(['wushengri', 'zhenglao', 'wangjinnian']);
      expect(back.ok && textOf(back.notices[1]!.message)).toContain('请于');
    });
  });

  it('the unread list names only those still in the roster: the branch is not sent after a member who has died', async () => {
    await inTrx(async (trx) => {
      const sender = await who(trx, 'zhouzhishu');
      const target = announcementTargetOf(accessPersonOf(sender), 'branch_members')!;
      const repo = new AnnouncementRepository(trx);
      const id = await repo.insertPreview({ kind: 'report_work', target, category: null, senderMemberId: sender.memberId, body: '本周五下午组织生活会', at: NOW });
      expect(await repo.markSent(id, NOW, NOW, TODAY)).toBe(true);
      await repo.insertRecipients(id, await repo.audienceCandidates(target, sender.memberId));
      const before = await repo.unread(id);
      expect(before.unread.map((p) => p.name)).toContain('郑老党员');
      expect(before.noAccount.map((p) => p.name)).toEqual(['冯无号']);
      await leave(trx, 'zhenglao', 'deceased');
      await sql`update members set status = 'transferred_out', status_changed_on = ${TODAY}::date where name = '冯无号'`.execute(trx);
      const after = await repo.unread(id);
      expect(after.unread.map((p) => p.name)).not.toContain('郑老党员');
      expect(after.unread.length).toBe(before.unread.length - 1);
      expect(after.noAccount).toEqual([]);
    });
  });

  it('a sender with no audience, an empty or too long text, someone who sends to nobody: no preview, no row', async () => {
    await inTrx(async (trx) => {
      const env = { trx, now: NOW, today: TODAY, timeZone: 'Asia/Shanghai', quietHours: null };
      const count = async () => Number((await trx.selectFrom('announcements').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const compose = async (userid: string, audience: 'gb_secretaries' | 'branch_members', text: string) => (await composeAnnouncement(env, await who(trx, userid), { audience, category: null, text })).map(textOf).join('\n');
      // 褚支书 is the secretary of 数学学院党总支 and of its only branch: the GB's branch secretaries are himself alone.
      expect(await compose('chuzhishu', 'gb_secretaries', '请各支部报送学习情况')).toContain('没有可以通报的党员');
      expect(await compose('zhouzhishu', 'branch_members', '')).toContain('通报内容为空');
      expect(await compose('zhouzhishu', 'branch_members', '通'.repeat(ANNOUNCEMENT_MAX_CHARS + 1))).toContain(String(ANNOUNCEMENT_MAX_CHARS));
      expect(await compose('wushengri', 'branch_members', '大家好')).toContain('您暂无发送权限');
      expect(await count()).toBe(0);
      // A member who has left is not addressed: the branch's audience is its active members.
      const audience = async () => Number(/本支部党员(\d+)人/u.exec(await compose('zhouzhishu', 'branch_members', '本周五下午召开组织生活会'))?.[1]);
      const before = await audience();
      await leave(trx, 'zhenglao', 'deceased');
      expect(await audience()).toBe(before - 1);
      expect(await count()).toBe(2);
    });
  });
});
