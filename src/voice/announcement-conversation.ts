// Reporting work and open Party affairs in chat (通报工作, 党务公开, MECHANISM 3.1; the rules: announcements.ts):
// the writer's sentence and its preview card (发送 / 取消), the recipient's 已阅, "通报阅读情况", "未读名单", "我的通报"
// and the archive ("党务公开", "党务公开12"). The sentences are read by announcement-phrases.ts.
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { textReply as text, withCardUpdate } from '../conversation/replies.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { Reply } from '../conversation/router.ts';
import { matchAnnouncementCommand, type AnnouncementCommand } from './announcement-phrases.ts';
import { parseAnnouncementKey } from './announcement-text.ts';
import {
  announcementArchive,
  announcementReads,
  announcementUnread,
  cancelAnnouncement,
  composeAnnouncement,
  myAnnouncements,
  readAnnouncement,
  sendAnnouncement,
  showAnnouncement,
  type AnnouncementEnv,
} from './announcements.ts';

const envOf = (ctx: ConversationContext): AnnouncementEnv => ({ trx: ctx.trx, now: ctx.now, today: ctx.today, timeZone: ctx.timeZone, quietHours: ctx.quietHours });

async function answerCommand(ctx: ConversationContext, cmd: AnnouncementCommand): Promise<Reply[]> {
  const me = ctx.identity!;
  const env = envOf(ctx);
  switch (cmd.kind) {
    case 'compose':
      return (await composeAnnouncement(env, me, cmd)).map((message) => ({ message }));
    case 'reads':
      return [text(await announcementReads(env, me, cmd.id))];
    case 'unread':
      return [text(await announcementUnread(env, me, cmd.id))];
    case 'mine':
      return [text(await myAnnouncements(env, me))];
    case 'archive':
      return [text(await announcementArchive(env, me, cmd.page))];
    case 'show':
      return [text(await showAnnouncement(env, me, cmd.id))];
  }
}

export const announcementConversation: ConversationHandler = guarded(async (ctx) => {
  if (ctx.event.kind === 'card_click') {
    const key = parseAnnouncementKey(ctx.event.eventKey);
    if (!key) return undefined;
    // Someone no longer in the roster: nothing is sent or counted for them.
    if (!ctx.identity) return [text('您不在党员名册中，无法操作这张卡片。')];
    const env = envOf(ctx);
    switch (key.action) {
      case 'send': {
        const out = await sendAnnouncement(env, ctx.identity, key.id, ctx.broadcast);
        return withCardUpdate(ctx, out.reply, out.sent || out.done ? (out.sent ? '已发送' : '已处理') : undefined);
      }
      case 'cancel': {
        const out = await cancelAnnouncement(env, ctx.identity, key.id);
        return withCardUpdate(ctx, out.reply, out.done ? '已处理' : undefined);
      }
      case 'read': {
        const out = await readAnnouncement(env, ctx.identity, key.id);
        return withCardUpdate(ctx, out.reply, out.card ? '已阅' : undefined);
      }
    }
  }
  if (ctx.event.kind !== 'text' || !ctx.identity) return undefined;
  const cmd = matchAnnouncementCommand(ctx.event.text);
  return cmd ? answerCommand(ctx, cmd) : undefined;
});
