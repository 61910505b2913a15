// The answer to one inbound event: the handlers that act (write records) in order, the first to answer wins;
// the pure router answers everything else. The inbound worker claims the event, calls this inside its
// transaction and records the replies; adding a conversation capability is adding a handler to the chain.
import type { ConversationContext, ConversationHandler } from './context.ts';
import { cardActions } from './card-actions.ts';
import { careConversation } from './care-conversation.ts';
import { deathConfirmation } from './death-confirmation.ts';
import { directoryChanges } from './directory-changes.ts';
import { RosterIndexCache } from './roster-cache.ts';
import { routeInbound, type Reply } from './router.ts';
import { secretaryCommands } from './secretary-commands.ts';
import { odCommands } from './od-commands.ts';
import { figureConversation } from './figure-conversation.ts';
import { registryConversation } from '../assistance/registry-conversation.ts';
import { pairingConversation } from '../assistance/pairing-conversation.ts';
import { verificationConversation } from '../assistance/verification-conversation.ts';
import { subsidyConversation } from '../assistance/subsidy-conversation.ts';
import { localDateKey } from '../domain/dates.ts';
import { aidConversation } from '../assistance/aid-conversation.ts';
import { goalsConversation } from '../incentive/goals-conversation.ts';
import { leadershipConversation } from '../incentive/leadership-conversation.ts';
import { gradesConversation } from '../incentive/grades-conversation.ts';
import { certificatesConversation } from '../incentive/certificates-conversation.ts';
import { honoursConversation } from '../incentive/honours-conversation.ts';
import { selfEvaluationConversation } from '../incentive/self-evaluation-conversation.ts';
import { suggestionConversation } from '../voice/suggestion-conversation.ts';
import { proposalConversation } from '../voice/proposal-conversation.ts';
import { announcementConversation } from '../voice/announcement-conversation.ts';
import { dashboardLinkConversation } from '../dashboard/chat-link.ts';

/** The handler chain, with its own roster index cache (one per worker process). */
export function conversationHandlers(opts: { dashboardBaseUrl?: string } = {}): ConversationHandler[] {
  const rosterIndex = new RosterIndexCache();
  // Assistance before care: "申请困难帮扶：母亲重病", "申请突发困难补助：母亲住院…", "结对：…" and "张伟本月补助已发放"
  // are applications, arrangements and payments, "王芳 已好转" in May a verification line — never care records or reports. The verification comes
  // last of them (its lines are only a name and a word, as src/assistance/phrases.ts reads them): "王芳已好转，归档困难
  // 党员" is the registry's archiving, which asks for the reason.
  return [
    cardActions,
    // "后台" / the menu's 工作台: the dashboard's one-time link (issue 16), before anything reads the word as a record.
    ...(opts.dashboardBaseUrl ? [dashboardLinkConversation(opts.dashboardBaseUrl)] : []),
    deathConfirmation,
    // The address book's departures (DingTalk user_leave_org) and the OD's 确认转出.
    directoryChanges,
    secretaryCommands,
    odCommands,
    // "本总支谈心进度", "本支部逾期事项", "计算机学院走访情况", "统计帮助": the dashboard's figures, never care records.
    figureConversation(),
    // "本支部2027年目标：…", "亮岗承诺：…" record goals and commitments (a colon is required), never care records.
    goalsConversation,
    // "开启领导班子评议", rating-card clicks, "评议意见：…": the leadership review (anonymous; nothing else reads them).
    leadershipConversation,
    // "年底总评：全体合格，其中王芳优秀", "张伟年底总评不合格" record grades (a colon or a grade at the end), never care records.
    gradesConversation,
    // "已颁发纪念证书：郑老党员，2027-07-01", "纪念证书未颁发名单" and the cards of the 光荣在党50年 list.
    certificatesConversation,
    honoursConversation(rosterIndex),
    selfEvaluationConversation,
    // "意见建议：…", "回复建议12：…", the card's 回复 and the reply that follows it: suggestions, never care records.
    suggestionConversation(rosterIndex),
    // "提案：…", the 立案 / 不予立案 card, "提案3交由…办理", "提案3答复：…": delegates' proposals, never care records.
    proposalConversation(rosterIndex),
    // "向本支部党员通报：…", "党务公开：…", 发送 / 已阅 clicks, "通报阅读情况", "党务公开12": announcements, never talk logs.
    announcementConversation,
    registryConversation,
    aidConversation(rosterIndex),
    pairingConversation,
    subsidyConversation,
    verificationConversation,
    careConversation(rosterIndex),
  ];
}

/** The replies to the event in ctx: the first handler that answers, else the router. */
export async function answer(handlers: readonly ConversationHandler[], ctx: ConversationContext): Promise<Reply[]> {
  for (const handle of handlers) {
    const replies = await handle(ctx);
    if (replies) return replies;
  }
  const sender = ctx.identity ? { name: ctx.identity.name, roleCodes: ctx.identity.roleCodes } : undefined;
  return routeInbound(ctx.event, { localDate: localDateKey(ctx.now, ctx.timeZone), sender });
}
