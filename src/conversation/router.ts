// Decides the bot's answer to one inbound event. Pure: no I/O, the caller looks up who is writing,
// persists and sends the replies.
import type { RoleCode } from '../domain/roster.ts';
import type { InboundEvent, OutboundMessage } from '../platforms/types.ts';
import { MENU } from './menu-keys.ts';
import { helpFor, T } from './templates.ts';

export interface Reply {
  message: OutboundMessage;
  /**
   * Idempotency scope for this reply. Default: one per inbound event. A reply that must go at most once per
   * period (the daily welcome) names its own key, so a second event in the period sends nothing.
   */
  onceKey?: string;
  /** Someone other than the writer (the owners a report notifies); default: the writer. */
  recipient?: string;
}

/** The writer as the roster knows them; undefined when the account is not an active member. */
export interface Sender {
  name: string;
  roleCodes: readonly RoleCode[];
}

export interface RouteContext {
  /** The organisation's local date, YYYYMMDD (dedupe keys use the local date, not UTC). */
  localDate: string;
  sender: Sender | undefined;
}

const HELP_WORDS = new Set(['帮助', 'help', '?', '？', '菜单', '功能', '怎么用', '使用说明']);

export function isHelpRequest(text: string): boolean {
  return HELP_WORDS.has(text.trim().toLowerCase().replace(/[。.!！\s]+$/u, ''));
}

const text = (content: string): OutboundMessage => ({ type: 'text', content });

/** Events that say something to the bot; the rest (subscribe, location reports, view clicks) need no answer. */
function expectsAnswer(event: InboundEvent): boolean {
  if (event.kind !== 'other') return true;
  return ['image', 'voice', 'video', 'file', 'location', 'link'].includes(event.msgType);
}

export function routeInbound(event: InboundEvent, ctx: RouteContext): Reply[] {
  if (!expectsAnswer(event)) return [];
  const sender = ctx.sender;
  if (!sender) {
    // Not in the roster: a polite answer and nothing else; at most once a day for entering the app.
    const onceKey = event.kind === 'enter_agent' ? `unknown-${event.userId}-${ctx.localDate}` : undefined;
    return [{ message: text(T.unknownUser(event.userId)), ...(onceKey ? { onceKey } : {}) }];
  }
  const help = () => text(helpFor(sender.name, sender.roleCodes));
  switch (event.kind) {
    case 'text':
      return [{ message: isHelpRequest(event.text) ? help() : text(T.hint) }];
    case 'click':
      // The care menu buttons are answered by the care conversation; what reaches here is help or unknown.
      return [{ message: event.eventKey === MENU.help ? help() : text(T.unknownMenu) }];
    case 'enter_agent':
      return [{ message: text(T.welcome(sender.name)), onceKey: `welcome-${event.userId}-${ctx.localDate}` }];
    case 'card_click':
      return [{ message: text(T.staleCard) }];
    case 'other':
      return [{ message: text(T.nonText) }];
  }
}
