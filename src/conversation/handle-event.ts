// The answer to one inbound event: the handlers that act (write records) in order, the first to answer wins;
// the pure router answers everything else. The inbound worker claims the event, calls this inside its
// transaction and records the replies; adding a conversation capability is adding a handler to the chain.
import type { ConversationContext, ConversationHandler } from './context.ts';
import { cardActions } from './card-actions.ts';
import { careConversation } from './care-conversation.ts';
import { deathConfirmation } from './death-confirmation.ts';
import { RosterIndexCache } from './roster-cache.ts';
import { routeInbound, type Reply } from './router.ts';
import { secretaryCommands } from './secretary-commands.ts';
import { odCommands } from './od-commands.ts';
import { subsidyConversation } from '../assistance/subsidy-conversation.ts';
import { localDateKey } from '../domain/dates.ts';

/** The handler chain, with its own roster index cache (one per worker process). */
export function conversationHandlers(): ConversationHandler[] {
  // Assistance before care: "张伟本月补助已发放" must never be read as a care record or report.
  return [cardActions, deathConfirmation, secretaryCommands, odCommands, subsidyConversation, careConversation(new RosterIndexCache())];
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
