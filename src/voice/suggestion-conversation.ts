// Suggestions in chat (意见建议, MECHANISM 3.1, issue 14 section 2): "意见建议：…" and the other forms file one
// (suggestions.ts resolves the addressee and writes the card), the card's 回复 makes the addressee's next message
// the reply (conversation memory, as the aid's 不同意 asks for its reason), "回复建议12：…" replies at any time, and
// "我的建议", "待回复的建议", "建议12" read them. A number the asker may not see or answer gets the same words as one
// that does not exist.
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { courtesyOrReport, intentOfMessage, say, withCardUpdate } from '../conversation/replies.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { RosterIndexCache } from '../conversation/roster-cache.ts';
import type { Reply } from '../conversation/router.ts';
import { ConversationMemoryRepository } from '../db/conversation-memory-repository.ts';
import { chineseWorkingDayCalendar, type WorkingDayCalendar } from '../domain/calendar.ts';
import { suggestionNumber } from '../domain/voice.ts';
import { parseCardKey } from '../notices/cards.ts';
import { PROPOSAL_QUESTION } from './proposal-conversation.ts';
import { matchSuggestionCommand, type SuggestionCommand } from './suggestion-phrases.ts';
import {
  awaitingMyReply,
  fileSuggestion,
  mayAnswer,
  mySuggestions,
  notAwaitingYou,
  replyToSuggestion,
  REPLY_WINDOW_HOURS,
  showSuggestion,
  SUGGESTION_ACTION,
  SUGGESTION_REPLY_TOPIC,
  type SuggestionEnv,
  type SuggestionOutcome,
} from './suggestions.ts';

function replies(ctx: ConversationContext, outcome: SuggestionOutcome, replaceName?: string): Reply[] {
  return withCardUpdate(ctx, outcome.text, replaceName, outcome.messages.map((m) => ({ recipient: m.recipient, onceKey: m.onceKey, message: m.message })));
}

async function command(ctx: ConversationContext, env: SuggestionEnv, cmd: SuggestionCommand): Promise<Reply[]> {
  const me = ctx.identity!;
  switch (cmd.kind) {
    case 'file':
      return replies(ctx, await fileSuggestion(env, me, cmd));
    case 'reply':
      await new ConversationMemoryRepository(ctx.trx).forget(me.memberId, SUGGESTION_REPLY_TOPIC, cmd.number);
      return replies(ctx, await replyToSuggestion(env, me, cmd.number, cmd.text));
    case 'mine':
      return say(await mySuggestions(env, me));
    case 'awaiting':
      return say(await awaitingMyReply(env, me));
    case 'show':
      return say(await showSuggestion(env, me, cmd.number));
  }
}

/** 回复 on the card: the next message is the reply (a second tap asks again; a replied one says so). */
async function click(ctx: ConversationContext, env: SuggestionEnv, key: string): Promise<Reply[] | undefined> {
  const { action, ids } = parseCardKey(key);
  if (action !== SUGGESTION_ACTION.reply) return undefined;
  const id = ids[0] ?? '';
  const me = ctx.identity!;
  const may = await mayAnswer(env, me, id);
  if (may === 'no') return say(notAwaitingYou(id));
  const n = suggestionNumber(id);
  if (may === 'replied') return replies(ctx, { text: `${n}已答复，无需再回复。`, messages: [] }, '已回复');
  await new ConversationMemoryRepository(ctx.trx).remember(me.memberId, SUGGESTION_REPLY_TOPIC, id, ctx.now);
  return say(`请直接发送您对${n}的答复（${REPLY_WINDOW_HOURS}小时内有效），答复将转达建议人。也可随时发送“回复${n}：……”。`);
}

/**
 * Whether a message is plainly not the awaited reply: a greeting or thanks, a report, or what the interpreter reads
 * as a record, a query or another command. A reply is free text, so anything the bot understands otherwise wins.
 */
async function somethingElse(ctx: ConversationContext, cache: RosterIndexCache, text: string): Promise<boolean> {
  return courtesyOrReport(text) || (await intentOfMessage(ctx, cache, text)) !== 'unknown';
}

/** The reply the addressee was asked for by tapping 回复, if this message is one. */
async function awaitedReply(ctx: ConversationContext, env: SuggestionEnv, cache: RosterIndexCache, text: string): Promise<Reply[] | undefined> {
  const me = ctx.identity!;
  const memory = new ConversationMemoryRepository(ctx.trx);
  // The latest question wins: an OD who tapped 回复 on a suggestion and then 不予立案 on a proposal means the next
  // message as the proposal's reason, which must not reach the suggestion's writer as a reply.
  const [last] = await memory.recall(me.memberId, [SUGGESTION_REPLY_TOPIC, PROPOSAL_QUESTION.declineReason], new Date(ctx.now.getTime() - REPLY_WINDOW_HOURS * 3_600_000));
  if (!last || last.topic !== SUGGESTION_REPLY_TOPIC) return undefined;
  if (await somethingElse(ctx, cache, text)) return undefined;
  await memory.forget(me.memberId, last.topic, last.ref);
  return replies(ctx, await replyToSuggestion(env, me, last.ref, text.trim()));
}

export function suggestionConversation(cache: RosterIndexCache, calendar: WorkingDayCalendar = chineseWorkingDayCalendar()): ConversationHandler {
  return guarded(async (ctx) => {
    if (!ctx.identity) return undefined;
    const env: SuggestionEnv = { trx: ctx.trx, now: ctx.now, today: ctx.today, calendar };
    if (ctx.event.kind === 'card_click') return click(ctx, env, ctx.event.eventKey);
    if (ctx.event.kind !== 'text') return undefined;
    const cmd = matchSuggestionCommand(ctx.event.text);
    if (cmd) return command(ctx, env, cmd);
    return awaitedReply(ctx, env, cache, ctx.event.text);
  });
}
