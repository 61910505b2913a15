// Decides the bot's answer to one inbound event. Pure: no I/O, the caller looks up who is writing,
// persists and sends the replies.
import type { RoleCode } from '../domain/roster.ts';
import { GROUP_RECIPIENT_PREFIX, parseQualifiedUser, type InboundEvent, type OutboundMessage } from '../platforms/types.ts';
import { MENU } from './menu-keys.ts';
import { compactMessage, normalizeMessage } from './interpret/interpret.ts';
import { smallTalkOf, type SmallTalk } from './interpret/small-talk.ts';
import { withinLimit } from '../notices/message-limit.ts';
import { helpFor, incentiveHelpFor, T, voiceHelpFor } from './templates.ts';

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

/**
 * Whether a message only greets, thanks, acknowledges or asks for help — read as the interpreter reads it
 * (traditional characters simplified, full-width made half-width, spaces inside a short command joined).
 */
export function smallTalk(text: string): SmallTalk | undefined {
  const normalized = normalizeMessage(text);
  return smallTalkOf(compactMessage(normalized), normalized);
}

export function isHelpRequest(text: string): boolean {
  return smallTalk(text) === 'help';
}

const text = (content: string): OutboundMessage => ({ type: 'text', content });

/** Events that say something to the bot; the rest (subscribe, location reports, view clicks) need no answer. */
function expectsAnswer(event: InboundEvent): boolean {
  if (event.kind === 'directory') return false;
  if (event.kind !== 'other') return true;
  return ['image', 'voice', 'video', 'file', 'location', 'link'].includes(event.msgType);
}

export function routeInbound(event: InboundEvent, ctx: RouteContext): Reply[] {
  if (!expectsAnswer(event)) return [];
  // In a group everyone reads the answer: only the way to the private chat, whoever asks and whatever they ask.
  if (event.kind === 'group_mention') return [{ recipient: `${GROUP_RECIPIENT_PREFIX}${event.groupId}`, message: text(T.groupMention) }];
  const sender = ctx.sender;
  if (!sender) {
    // Not in the roster: a polite answer and nothing else; at most once a day for entering the app.
    const onceKey = event.kind === 'enter_agent' ? `unknown-${event.userId}-${ctx.localDate}` : undefined;
    return [{ message: text(T.unknownUser(parseQualifiedUser(event.userId)?.userId ?? event.userId)), ...(onceKey ? { onceKey } : {}) }];
  }
  // Help grows with the roles held (the OD's is over 2,048 bytes): split at line breaks, never cut by the platform.
  const help = (content: string): Reply[] => withinLimit(text(content)).map((message) => ({ message }));
  switch (event.kind) {
    case 'text': {
      // What the care conversation left: help, small talk, or something not understood.
      const talk = smallTalk(event.text);
      if (talk === 'help') return help(helpFor(sender.name, sender.roleCodes));
      if (talk === 'incentive_help') return help(incentiveHelpFor(sender.name, sender.roleCodes));
      if (talk === 'voice_help') return help(voiceHelpFor(sender.name, sender.roleCodes));
      if (talk === 'greeting') return [{ message: text(T.greeting(sender.name)) }];
      if (talk === 'thanks') return [{ message: text(T.thanks) }];
      if (talk === 'acknowledgement') return [{ message: text(T.acknowledgement) }];
      return [{ message: text(T.hint) }];
    }
    case 'click':
      // The care menu buttons are answered by the care conversation; what reaches here is help or unknown.
      return event.eventKey === MENU.help ? help(helpFor(sender.name, sender.roleCodes)) : [{ message: text(T.unknownMenu) }];
    case 'enter_agent':
      return [{ message: text(T.welcome(sender.name)), onceKey: `welcome-${event.userId}-${ctx.localDate}` }];
    case 'card_click':
      return [{ message: text(T.staleCard) }];
    case 'other':
      return [{ message: text(T.nonText) }];
    case 'directory':
      return [];
  }
}
