// Decides the bot's answer to one inbound event. Pure: no I/O, the caller persists and sends the replies.
import type { InboundEvent, OutboundMessage } from '../platforms/types.ts';
import { MENU } from './menu-keys.ts';
import { T } from './templates.ts';

export interface Reply {
  message: OutboundMessage;
  /**
   * Idempotency scope for this reply. Default: one per inbound event. A reply that must go at most once per
   * period (the daily welcome) names its own key, so a second event in the period sends nothing.
   */
  onceKey?: string;
}

export interface RouteContext {
  /** The organisation's local date, YYYYMMDD (dedupe keys use the local date, not UTC). */
  localDate: string;
}

const HELP_WORDS = new Set(['帮助', 'help', '?', '？', '菜单', '功能', '怎么用', '使用说明']);

const COMING_SOON: Record<string, string> = {
  [MENU.todo]: '我的待办',
  [MENU.logCare]: '记录谈心走访',
  [MENU.birthdays]: '本月政治生日',
  [MENU.progress]: '谈心进度',
};

export function isHelpRequest(text: string): boolean {
  return HELP_WORDS.has(text.trim().toLowerCase().replace(/[。.!！\s]+$/u, ''));
}

const text = (content: string): OutboundMessage => ({ type: 'text', content });

export function routeInbound(event: InboundEvent, ctx: RouteContext): Reply[] {
  switch (event.kind) {
    case 'text':
      return [{ message: text(isHelpRequest(event.text) ? T.help : T.hint) }];
    case 'click': {
      if (event.eventKey === MENU.help) return [{ message: text(T.help) }];
      const feature = COMING_SOON[event.eventKey];
      return [{ message: text(feature ? T.comingSoon(feature) : T.unknownMenu) }];
    }
    case 'enter_agent':
      return [{ message: text(T.welcome), onceKey: `welcome-${event.userId}-${ctx.localDate}` }];
    case 'card_click':
      return [{ message: text(T.cardComingSoon) }];
    case 'other':
      // Media messages get a hint; other events (subscribe, location reports, view clicks) need no answer.
      return ['image', 'voice', 'video', 'file', 'location', 'link'].includes(event.msgType) ? [{ message: text(T.nonText) }] : [];
  }
}
