// Buttons on reminder cards (card clicks): 已完成 records the talk or visit and closes the obligation;
// 延期 moves its due date by the setting defer_days, at most defer_max_count times; the press after that moves
// nothing and the obligation escalates as if overdue (domain/obligations.ts, postpone and reminderDays).
// The clicked card is updated for the clicker (a single-use response code).
import { mayActOnObligation, mayFulfilObligation } from '../domain/access.ts';
import { chineseDate } from '../domain/format.ts';
import { postpone, REASON_LABELS } from '../domain/obligations.ts';
import { closeFulfilled } from '../care/obligations.ts';
import { CareRecordRepository } from '../db/care-record-repository.ts';
import { ConversationMemoryRepository } from '../db/conversation-memory-repository.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { ObligationRepository, type ObligationRow } from '../db/obligation-repository.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { CARD_ACTION, parseCardKey } from '../notices/cards.ts';
import type { ConversationContext, ConversationHandler } from './context.ts';
import { withCardUpdate } from './replies.ts';
import { guarded } from './reply-guard.ts';
import { InboundRepository } from '../db/inbound-repository.ts';

const KIND = { talk: '谈心', visit: '走访' } as const;

export type { ObligationRow };

export async function loadObligation(ctx: ConversationContext, id: string): Promise<ObligationRow | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  return new ObligationRepository(ctx.trx).lockForAction(id);
}

const factsOf = (ob: ObligationRow) => ({
  ownerMemberId: ob.owner_member_id,
  ownerRole: ob.owner_role,
  ownerOrganisationId: ob.owner_organisation_id,
  member: { memberId: ob.member_id, branchId: ob.branch_id, generalBranchId: ob.gb_id, committeeId: ob.committee_id },
});

/** Whether the writer may act on an obligation: the access rule's answer (mayActOnObligation). */
export function mayActOn(ctx: ConversationContext, ob: ObligationRow): boolean {
  return mayActOnObligation(accessPersonOf(ctx.identity!), factsOf(ob));
}

/** Who may close an obligation by their own talk or visit, as the refusal names them (access.ts mayFulfilObligation). */
const FULFILLED_BY: Record<string, string> = {
  branch_secretary: '支部书记或上级党组织负责同志',
  gb_secretary: '党总支书记、单位党员主要领导或党委负责同志',
  od_staff: '党委组织部',
};

export const cardActions: ConversationHandler = guarded(async (ctx) => {
  if (ctx.event.kind !== 'card_click' || !ctx.identity) return undefined;
  const { action, ids } = parseCardKey(ctx.event.eventKey);
  if (action !== CARD_ACTION.obligationDone && action !== CARD_ACTION.obligationDefer) return undefined;
  const ob = await loadObligation(ctx, ids[0] ?? '');
  if (!ob) return withCardUpdate(ctx, '没有找到这个事项，可能已被撤销。', '已失效');
  if (!mayActOn(ctx, ob)) return withCardUpdate(ctx, '这个事项不由您负责，无法操作。');
  if (ob.status !== 'open') return withCardUpdate(ctx, `${ob.kind === 'visit' ? `${KIND.visit}${ob.member_name}` : `与${ob.member_name}${KIND.talk}`}的事项已${ob.status === 'done' ? '完成' : '取消'}，无需再操作。`, '已处理');

  // A card answers once: where the platform cannot grey it (DingTalk's links stay live) a second tap of 延期 on
  // the same card must not postpone again (and then escalate).
  if (ctx.event.kind === 'card_click' && (await new InboundRepository(ctx.trx).cardAnswered(ctx.event.userId, ctx.event.taskId, ctx.eventId))) {
    return withCardUpdate(ctx, `这张卡片已经处理过了。${action === CARD_ACTION.obligationDefer ? '如需再次延期，请在下次提醒的卡片上操作。' : ''}`, '已处理');
  }
  if (action === CARD_ACTION.obligationDefer) return withCardUpdate(ctx, ...(await postponeObligation(ctx, ob)));

  return withCardUpdate(ctx, await completeObligation(ctx, ob), '已完成');
});

/** 延期 on an obligation: the confirmation, and the card's new label when the due date moved. */
export async function postponeObligation(ctx: ConversationContext, ob: ObligationRow): Promise<[string, string?]> {
  const settings = await new SettingsRepository(ctx.trx).read(['defer_days', 'defer_max_count']);
  const outcome = postpone({ dueOn: ob.due_on, deferrals: ob.deferrals }, ctx.today, { deferDays: settings.defer_days, deferMaxCount: settings.defer_max_count });
  const what = `${ob.kind === 'visit' ? `${KIND.visit}${ob.member_name}` : `与${ob.member_name}${KIND.talk}`}的事项`;
  const obligations = new ObligationRepository(ctx.trx);
  if (outcome.kind === 'postponed') {
    await obligations.defer(ob.id, outcome.dueOn);
    const left = settings.defer_max_count - outcome.count;
    return [`已将${what}延期至${chineseDate(outcome.dueOn, ctx.today)}，届时将再次提醒您。${left > 0 ? '' : `该事项已延期${outcome.count}次，不能再延期。`}`, '已延期'];
  }
  await obligations.escalate(ob.id, ctx.today);
  const times = outcome.count > 0 ? `已延期${outcome.count}次，` : '';
  return [`${what}${times}不能再延期。该事项现按逾期处理，将报上一级党组织督办，请尽快落实并登记。`];
}

/**
 * 已完成 on an obligation (the button, or the words typed as a reply to its reminder): a talk or visit today
 * with the obligation's reason, closing that obligation only. Returns the confirmation.
 */
export async function completeObligation(ctx: ConversationContext, ob: ObligationRow): Promise<string> {
  const me = ctx.identity!;
  // Only a talk or visit the owning office (or one above it) makes closes it: the OD's own visit to an
  // outstanding contributor is not completed by the general branch (MECHANISM 2.1).
  const by = accessPersonOf(me);
  if (!mayFulfilObligation(by, factsOf(ob))) return `这项${KIND[ob.kind]}须由${FULFILLED_BY[ob.owner_role ?? ''] ?? '负责同志'}完成并登记，您的${KIND[ob.kind]}可直接发一句话另行登记。`;
  const recordId = await new CareRecordRepository(ctx.trx).insert({
    kind: ob.kind,
    leaderMemberId: me.memberId,
    memberId: ob.member_id,
    happenedOn: ctx.today,
    reason: ob.reason,
    note: '',
    obligationId: ob.id,
    recordedByMemberId: me.memberId,
    // The injected clock: how long a record may be undone or added to is measured on it.
    recordedAt: ctx.now,
  });
  await closeFulfilled(ctx.trx, { id: recordId, kind: ob.kind, reason: ob.reason, leaderMemberId: me.memberId, memberId: ob.member_id, happenedOn: ctx.today }, by, ctx.now);
  await new ConversationMemoryRepository(ctx.trx).remember(me.memberId, 'record', recordId, ctx.now);
  return `已登记：今天${ob.kind === 'visit' ? `${KIND.visit}了${ob.member_name}` : `与${ob.member_name}${KIND.talk}`}（${REASON_LABELS[ob.reason] ?? ob.reason}），该事项已完成。如需补充情况，可在10分钟内直接回复；如登记有误，请在24小时内发送「撤销」。`;
}

