// Delegates' proposals in chat (党代会代表提案, MECHANISM 3.1): "提案：…" files one, the OD's card (立案 / 不予立案, the
// reason in the next message) or "提案3立案" / "提案3不予立案：理由" registers it, "提案3交由后勤处办理" assigns it,
// "提案3答复：…" records the answer; "我的提案", "提案3", "提案列表", "待办提案" read them. The steps are
// proposals.ts's (the admin API calls the same); card keys can be forged, so every click goes through the access
// rule there. It stands before the assistance and care conversations: a proposal's text is never a care record.
import { ConversationMemoryRepository } from '../db/conversation-memory-repository.ts';
import { ProposalRepository } from '../db/proposal-repository.ts';
import { handlesProposals, viewerOf } from '../domain/access.ts';
import { parseCardKey } from '../notices/cards.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { courtesyOrReport, intentOfMessage, say, withCardUpdate } from '../conversation/replies.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { RosterIndexCache } from '../conversation/roster-cache.ts';
import type { Reply } from '../conversation/router.ts';
import { matchProposalCommand, type ProposalCommand } from './proposal-phrases.ts';
import {
  answerProposal,
  assignProposal,
  declineProposal,
  fileProposal,
  mayDeclineNow,
  PROPOSAL_ACTION,
  proposalLine,
  registerProposal,
  viewProposal,
  type ProposalActor,
  type ProposalEnv,
  type ProposalOutcome,
} from './proposals.ts';

/** The question whose answer is the OD's next message: the reason for 不予立案 (ref: the proposal). */
export const PROPOSAL_QUESTION = { declineReason: 'proposal_decline_reason' } as const;
/** A reason asked for is awaited this long. */
const ANSWER_HOURS = 24;
/** The longest list a reply shows (newest first); the export has them all. */
const LIST_LIMIT = 30;

/** A refused step greys nothing and tells nobody else. */
function replies(ctx: ConversationContext, outcome: ProposalOutcome, replaceName?: string): Reply[] {
  if (!outcome.ok) return say(outcome.reply);
  return withCardUpdate(ctx, outcome.reply, replaceName, outcome.notices.map((n) => ({ recipient: n.recipient, onceKey: n.onceKey, message: n.message })));
}

const actorOf = (ctx: ConversationContext): Extract<ProposalActor, { kind: 'member' }> => ({
  kind: 'member',
  memberId: ctx.identity!.memberId,
  name: ctx.identity!.name,
  delegate: ctx.identity!.delegate,
  person: accessPersonOf(ctx.identity!),
});

export function proposalConversation(cache: RosterIndexCache): ConversationHandler {
  return guarded(async (ctx) => {
    if (!ctx.identity) return undefined;
    const env: ProposalEnv = { trx: ctx.trx, now: ctx.now, today: ctx.today };
    if (ctx.event.kind === 'card_click') return click(ctx, env, ctx.event.eventKey);
    if (ctx.event.kind !== 'text') return undefined;
    const cmd = matchProposalCommand(ctx.event.text);
    if (cmd) return command(ctx, env, cmd);
    return awaitedReason(ctx, env, cache, ctx.event.text);
  });
}

async function click(ctx: ConversationContext, env: ProposalEnv, key: string): Promise<Reply[] | undefined> {
  const { action, ids } = parseCardKey(key);
  const id = ids[0] ?? '';
  switch (action) {
    case PROPOSAL_ACTION.register:
      return replies(ctx, await registerProposal(env, actorOf(ctx), id), '已立案');
    case PROPOSAL_ACTION.decline: {
      const found = await mayDeclineNow(env, actorOf(ctx), id);
      if (!('proposal' in found)) return say(found.reply);
      await new ConversationMemoryRepository(ctx.trx).remember(ctx.identity!.memberId, PROPOSAL_QUESTION.declineReason, id, ctx.now);
      return say(`请回复提案${id}不予立案的理由（您的下一条消息即作为理由告知提案人${found.proposal.delegate_name}），或发送“提案${id}不予立案：理由”。`);
    }
    default:
      return undefined;
  }
}

async function command(ctx: ConversationContext, env: ProposalEnv, cmd: ProposalCommand): Promise<Reply[]> {
  const me = ctx.identity!;
  const repo = new ProposalRepository(ctx.trx);
  switch (cmd.kind) {
    case 'file':
      return replies(ctx, await fileProposal(env, actorOf(ctx), cmd.text));
    case 'show':
      return say(await viewProposal(env, viewerOf(accessPersonOf(me)), cmd.number));
    case 'register':
      return replies(ctx, await registerProposal(env, actorOf(ctx), cmd.number));
    case 'decline': {
      if (cmd.reason === '') {
        const found = await mayDeclineNow(env, actorOf(ctx), cmd.number);
        if (!('proposal' in found)) return say(found.reply);
        await new ConversationMemoryRepository(ctx.trx).remember(me.memberId, PROPOSAL_QUESTION.declineReason, cmd.number, ctx.now);
        return say(`请回复提案${cmd.number}不予立案的理由，或发送“提案${cmd.number}不予立案：理由”。`);
      }
      return replies(ctx, await declineProposal(env, actorOf(ctx), cmd.number, cmd.reason));
    }
    case 'assign':
      return replies(ctx, await assignProposal(env, actorOf(ctx), cmd.number, cmd.to));
    case 'answer':
      return replies(ctx, await answerProposal(env, actorOf(ctx), cmd.number, cmd.text));
    case 'mine': {
      const rows = await repo.ofDelegate(me.memberId, LIST_LIMIT);
      if (rows.length === 0) return say(me.delegate ? '您还没有提交提案。发送“提案：关于……的建议”即可提交。' : '您没有提交过提案。提案由党代会代表提交；如有意见和建议，请发送“意见建议：……”。');
      return say([`您的提案（共${rows.length}件${rows.length === LIST_LIMIT ? '，仅列最近' + LIST_LIMIT + '件' : ''}）：`, ...rows.map((p) => proposalLine(p, ctx.today, false)), '发送“提案+编号”（如“提案3”）查看详情和答复。'].join('\n'));
    }
    case 'list': {
      if (!handlesProposals(accessPersonOf(me))) return say('提案列表由党委组织部查看。您可发送「我的提案」查看本人提交的提案，「待办提案」查看交由您办理的提案。');
      const rows = await repo.ofCommittee(me.committeeId, false, LIST_LIMIT);
      if (rows.length === 0) return say('还没有党代会代表提交提案。');
      return say([`党代会代表提案（最近${rows.length}件）：`, ...rows.map((p) => proposalLine(p, ctx.today, true)), '全部提案可导出：export proposals。'].join('\n'));
    }
    case 'todo': {
      const mine = await repo.assignedTo(me.memberId, true, LIST_LIMIT);
      const od = handlesProposals(accessPersonOf(me)) ? await repo.ofCommittee(me.committeeId, true, LIST_LIMIT) : [];
      const lines = [
        ...(od.length > 0 ? ['待组织部办理的提案（立案、交办、登记部门答复、督办）：', ...od.map((p) => proposalLine(p, ctx.today, true))] : []),
        ...(mine.length > 0 ? ['交由您办理的提案：', ...mine.map((p) => proposalLine(p, ctx.today, true)), '答复请发送“提案+编号答复：……”。'] : []),
      ];
      return say(lines.length > 0 ? lines.join('\n') : '目前没有待办提案。');
    }
  }
}

/**
 * The reason for 不予立案, when the OD tapped it (or wrote "提案3不予立案") and this is the next message. A message
 * that is plainly something else — a greeting, a report, a record or a query the interpreter reads — is left to the
 * rest of the chain, and the question dropped: it is asked again from the card.
 */
async function awaitedReason(ctx: ConversationContext, env: ProposalEnv, cache: RosterIndexCache, text: string): Promise<Reply[] | undefined> {
  const me = ctx.identity!;
  const memory = new ConversationMemoryRepository(ctx.trx);
  const [last] = await memory.recall(me.memberId, [PROPOSAL_QUESTION.declineReason], new Date(ctx.now.getTime() - ANSWER_HOURS * 3_600_000));
  if (!last) return undefined;
  await memory.forget(me.memberId, last.topic, last.ref);
  if (courtesyOrReport(text)) return undefined;
  // A reason may well tell of an illness or a hardship (report words); a record or a query is not a reason.
  const intent = await intentOfMessage(ctx, cache, text);
  if (intent !== 'unknown' && intent !== 'report_event') return undefined;
  return replies(ctx, await declineProposal(env, actorOf(ctx), last.ref, text.trim()));
}
