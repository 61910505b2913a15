// The last step of every conversation answer: names and notes in text cannot become links (escapeTextTags),
// and no text or markdown message is longer than the platform keeps (withinLimit splits it).
import { escapeTextTags } from '../notices/markdown.ts';
import { withinLimit } from '../notices/message-limit.ts';
import type { ConversationHandler } from './context.ts';
import type { Reply } from './router.ts';

export function guardReplies(replies: Reply[]): Reply[] {
  return replies.flatMap((r) => {
    const message = r.message.type === 'text' ? { ...r.message, content: escapeTextTags(r.message.content) } : r.message;
    const parts = withinLimit(message);
    // A split reply keeps its recipient; each part gets its own once-key so none is taken for another.
    return parts.map((m, i) => ({ ...r, message: m, ...(r.onceKey && i > 0 ? { onceKey: `${r.onceKey}-${i}` } : {}) }));
  });
}

/** A handler whose answers go through guardReplies. */
export function guarded(handler: ConversationHandler): ConversationHandler {
  return async (ctx) => {
    const replies = await handler(ctx);
    return replies && guardReplies(replies);
  };
}
