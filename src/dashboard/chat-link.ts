// "后台" in chat (issue 16 section 1): any active member asking for the dashboard ("后台", "工作台", "管理后台",
// "登录后台", or the menu's 工作台) gets a one-time link for them alone, valid LINK_MINUTES and used once. A
// stranger gets nothing from here (the router's answer for strangers). The link is issued in the event's
// transaction, so a retried event leaves no stray link; the token is in the reply only, never in a log.
import type { ConversationHandler } from '../conversation/context.ts';
import { compactMessage, normalizeMessage } from '../conversation/interpret/interpret.ts';
import { MENU } from '../conversation/menu-keys.ts';
import { DASHBOARD_PATH, DashboardSignIn, LINK_MINUTES } from './sign-in.ts';

/** The words that ask for the dashboard, as compactMessage reads them (no spaces nor punctuation). */
const ASKS = new Set(['后台', '工作台', '管理后台', '登录后台', '后台登录', '进入后台', '打开后台', '工作台登录', '登录工作台', '打开工作台', '进入工作台']);

/** Whether a message asks for the dashboard. */
export function asksForDashboard(text: string): boolean {
  return ASKS.has(compactMessage(normalizeMessage(text)));
}

/**
 * The reply: the link and what to know of it, in markdown so that every chat shows a link to tap (WeCom and
 * DingTalk render it; the local web chat shows the address beside it).
 */
export function dashboardLinkMarkdown(url: string): string {
  return `**工作台登录链接**（${LINK_MINUTES}分钟内有效，仅可使用一次，请勿转发）：\n[点击打开工作台](${url})\n在手机或电脑上打开，即可查看本人职责范围内的工作情况。`;
}

/** The handler, for links to the dashboard at `baseUrl` (dashboardBaseUrl of the configuration). */
export function dashboardLinkConversation(baseUrl: string): ConversationHandler {
  return async (ctx) => {
    const e = ctx.event;
    const asked = (e.kind === 'text' && asksForDashboard(e.text)) || (e.kind === 'click' && e.eventKey === MENU.dashboard);
    // A stranger is answered by the router like any stranger; a group hears nothing of links.
    if (!asked || !ctx.identity) return undefined;
    const { token } = await new DashboardSignIn(ctx.trx, () => ctx.now).issueLink(ctx.identity.memberId);
    const url = `${baseUrl.replace(/\/+$/, '')}${DASHBOARD_PATH}/login?t=${token}`;
    return [{ message: { type: 'markdown', content: dashboardLinkMarkdown(url) } }];
  };
}
