// The leadership review in chat (党员定期评议基层党组织领导班子, MECHANISM 3.1; the rules: leadership-review.ts):
// the OD's "开启领导班子评议" (and the December nudge's button that does the same), a member's click on a rating
// card, "评议意见：…" / "总支评议意见：…", "评议领导班子" for the cards again, and "领导班子评议结果".
//
// Anonymity in the chat's own records: the inbound event of a rating click or a comment keeps who wrote and when,
// but what they answered is forgotten in the same transaction that counts it (LeadershipReviewRepository
// forgetInboundContent); the answer to the member never repeats the rating or the comment; the clicked card is
// greyed with "已评议", not with the rating.
import { accessPersonOf } from '../roster/responsibility.ts';
import { mayOpenLeadershipReview, viewerOf } from '../domain/access.ts';
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { textReply as text, withCardUpdate } from '../conversation/replies.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { Reply } from '../conversation/router.ts';
import { LeadershipReviewRepository } from '../db/leadership-review-repository.ts';
import { parseCardKey } from '../notices/cards.ts';
import { matchLeadershipCommand, type LeadershipCommand } from './leadership-phrases.ts';
import { commentOnLeadership, leadershipResults, leadershipResultsText, myLeadershipReview, openLeadershipReview, rateLeadership } from './leadership-review.ts';
import { isRateKey, LEADERSHIP_OPEN_ACTION, LEADERSHIP_TEXT as T } from './leadership-text.ts';


async function open(ctx: ConversationContext, year: number | null, days: number | null): Promise<Reply[]> {
  const identity = ctx.identity!;
  if (!mayOpenLeadershipReview(accessPersonOf(identity))) return [text(T.notOd)];
  const outcome = await openLeadershipReview(ctx, { byMemberId: identity.memberId, year, days });
  if (!outcome.ok) return [text(outcome.reply)];
  return [text(outcome.reply), ...outcome.notices.map((n) => ({ recipient: n.recipient, onceKey: n.onceKey, message: n.message }))];
}

async function answerCommand(ctx: ConversationContext, cmd: LeadershipCommand): Promise<Reply[]> {
  const identity = ctx.identity!;
  switch (cmd.kind) {
    case 'open':
      return open(ctx, cmd.year, cmd.days);
    case 'results':
      return [text(leadershipResultsText(await leadershipResults(ctx.trx, viewerOf(accessPersonOf(identity)), ctx.today, cmd.year)))];
    case 'comment': {
      // What the member wrote is forgotten from the chat's record whatever the outcome: it is an opinion of them.
      const out = await commentOnLeadership(ctx, identity.memberId, cmd.target, cmd.text);
      await new LeadershipReviewRepository(ctx.trx).forgetInboundContent(ctx.eventId);
      return [text(out.reply)];
    }
    case 'my_review': {
      const mine = await myLeadershipReview(ctx, identity.memberId, `e${ctx.eventId}`);
      return [text(mine.reply), ...mine.cards.map((message) => ({ message }))];
    }
  }
}

async function answerClick(ctx: ConversationContext, key: string): Promise<Reply[]> {
  const identity = ctx.identity!;
  if (parseCardKey(key).action === LEADERSHIP_OPEN_ACTION) {
    // The December nudge's button: the same as "开启领导班子评议" (the year: the nudge's, from the key).
    const year = Number(parseCardKey(key).ids[0]);
    const replies = await open(ctx, Number.isInteger(year) && year > 0 ? year : null, null);
    return [...replies, ...withCardUpdate(ctx, '', '已处理').slice(1)];
  }
  // A rating: counted (or refused) and forgotten from the event in this transaction.
  const out = await rateLeadership(ctx, identity.memberId, key);
  await new LeadershipReviewRepository(ctx.trx).forgetInboundContent(ctx.eventId);
  return withCardUpdate(ctx, out.reply, out.recorded ? '已评议' : undefined);
}

export const leadershipConversation: ConversationHandler = guarded(async (ctx) => {
  if (!ctx.identity) {
    // Someone no longer in the roster clicking a rating: nothing is counted, and the choice is not kept either.
    if (ctx.event.kind !== 'card_click' || !isRateKey(ctx.event.eventKey)) return undefined;
    await new LeadershipReviewRepository(ctx.trx).forgetInboundContent(ctx.eventId);
    return [text(T.notParticipant)];
  }
  if (ctx.event.kind === 'card_click') {
    const key = ctx.event.eventKey;
    return isRateKey(key) || parseCardKey(key).action === LEADERSHIP_OPEN_ACTION ? answerClick(ctx, key) : undefined;
  }
  if (ctx.event.kind !== 'text') return undefined;
  const cmd = matchLeadershipCommand(ctx.event.text);
  return cmd ? answerCommand(ctx, cmd) : undefined;
});
