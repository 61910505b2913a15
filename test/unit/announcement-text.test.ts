// What the bot says about announcements (issue 14 section 1), pure: a 通报 of the longest length reaches the writer's
// preview and the reader's full text whole, in messages within WeCom's limit; the cards hold the opening and the
// number to ask for the rest; a reminder says it is one.
import { describe, expect, it } from 'vitest';
import { guardReplies } from '../../src/conversation/reply-guard.ts';
import { MESSAGE_MAX_BYTES } from '../../src/notices/message-limit.ts';
import { ANNOUNCEMENT_TEXT as T, parseAnnouncementKey, previewCard, recipientCard } from '../../src/voice/announcement-text.ts';
import { ANNOUNCEMENT_MAX_CHARS } from '../../src/voice/announcements.ts';

const LONG = '各支部要认真学习贯彻全会精神，'.repeat(Math.floor(ANNOUNCEMENT_MAX_CHARS / 15));

describe('announcement texts', () => {
  it('the longest 通报 on one line reaches the preview and the full text whole, each message within the limit', () => {
    expect([...LONG].length).toBeLessThanOrEqual(ANNOUNCEMENT_MAX_CHARS);
    for (const content of [
      T.preview({ id: '12', title: '教工第一党支部通报', body: LONG, audience: '本支部党员5人', withoutAccount: [{ name: '冯无号' }], goesAt: null }),
      T.full({ id: '12', title: '教工第一党支部通报', on: '12月1日', sender: '教工第一党支部', body: LONG }),
    ]) {
      const parts = guardReplies([{ message: { type: 'text', content } }]).map((r) => (r.message.type === 'text' ? r.message.content : ''));
      expect(parts.length).toBeGreaterThan(1);
      for (const p of parts) expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
      expect(parts.join('').replace(/\n|（续）/g, '')).toContain(LONG);
    }
  });

  it('cards: the preview 发送 / 取消, the recipient 已阅 with the number for the full text, a reminder says so', () => {
    const preview = previewCard({ id: '12', title: '教工第一党支部通报', body: LONG, summary: { audience: 'branch_members', withAccount: 4, withoutAccount: [{ name: '冯无号' }] }, goesAt: '12月2日08:00' });
    expect(preview).toMatchObject({ type: 'card', card: { taskId: 'annprev12', buttons: [{ text: '发送', actionKey: 'annsend-12' }, { text: '取消', actionKey: 'anncancel-12' }] } });
    const card = recipientCard({ taskId: 'ann12p0', id: '12', title: '教工第一党支部通报', body: LONG, sentOn: '2026-12-01', reminder: false });
    expect(card).toMatchObject({ type: 'card', card: { title: '教工第一党支部通报', buttons: [{ text: '已阅', actionKey: 'annread-12' }] } });
    expect(card.type === 'card' && card.card.note).toContain('党务公开12');
    const reminder = recipientCard({ taskId: 'ann12r5', id: '12', title: '教工第一党支部通报', body: '短', sentOn: '2026-12-01', reminder: true });
    expect(reminder.type === 'card' && reminder.card.title).toBe('【提醒】请阅读教工第一党支部通报');
    expect(parseAnnouncementKey('annread-12')).toEqual({ action: 'read', id: '12' });
    expect(parseAnnouncementKey('annsend-12-3')).toBeUndefined();
    expect(parseAnnouncementKey('obdone-12')).toBeUndefined();
  });
});
