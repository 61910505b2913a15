// The shapes a conversation handler answers in, written once so every area answers alike: a text, the answer
// with the clicked card greyed (and what the step sends others in between), and the two questions a handler
// awaiting a free-text answer (a reason, a reply) asks of the next message before taking it.
import type { ConversationContext } from './context.ts';
import { interpretDetailed } from './interpret/interpret.ts';
import type { Intent } from './interpret/types.ts';
import type { RosterIndexCache } from './roster-cache.ts';
import { smallTalk, type Reply } from './router.ts';

export const textReply = (content: string): Reply => ({ message: { type: 'text', content } });

export const say = (content: string): Reply[] => [textReply(content)];

/**
 * The answer to whoever acted, then what the step sends others, then — when the event is a card click and
 * `replaceName` is given — the clicked card greyed with it (only the clicker's copy: the response code is theirs).
 */
export function withCardUpdate(ctx: ConversationContext, content: string, replaceName?: string, others: readonly Reply[] = []): Reply[] {
  return [textReply(content), ...others, ...cardUpdate(ctx, replaceName)];
}

/** The clicked card relabelled `replaceName` for the clicker (a single-use response code); none for a text. */
export function cardUpdate(ctx: ConversationContext, replaceName: string | undefined): Reply[] {
  if (!replaceName || ctx.event.kind !== 'card_click' || !ctx.event.responseCode) return [];
  return [{ message: { type: 'card_update', responseCode: ctx.event.responseCode, replaceName } }];
}

/** A greeting or thanks, or a report (报告：…): never the free-text answer a question awaits. */
export function courtesyOrReport(text: string): boolean {
  return smallTalk(text) !== undefined || /^\s*报告/u.test(text);
}

/**
 * What the interpreter reads the identified writer's message as: an awaited free-text answer leaves a record or a
 * query to the rest of the chain (each handler decides whether report words may stand in its answer).
 */
export async function intentOfMessage(ctx: ConversationContext, cache: RosterIndexCache, text: string): Promise<Intent> {
  const me = ctx.identity!;
  const { result } = interpretDetailed(text, {
    writer: { memberId: me.memberId, userid: me.userid, branchId: me.branch.id, generalBranchId: me.generalBranch.id, roleCodes: me.roleCodes },
    now: ctx.now,
    timeZone: ctx.timeZone,
    index: await cache.get(ctx.trx),
  });
  return result.intent;
}
