// A member's own death (issue 11 point 9; MECHANISM.md "Who is who"): a report opens the condolence visit, and
// the member's branch secretary, GB secretary and the OD each get a card to confirm the death (确认去世). The
// first confirmation by one of them records it — the member's status becomes `deceased`, with who confirmed and
// when — and cancels every open obligation about them but the condolence visit; from then on the member gets
// nothing and is on no list, quota or nudge. The others' cards then answer that it is already confirmed.
import { mayApprove } from '../domain/access.ts';
import { localDate } from '../domain/dates.ts';
import { chineseDate } from '../domain/format.ts';
import { MemberStatusRepository } from '../db/member-status-repository.ts';
import { closeAssistanceOfDeparted } from '../assistance/registry.ts';
import { buttonCard, cardKey, parseCardKey } from '../notices/cards.ts';
import { accessPersonOf, loadMemberPlace, whoAnswersFor, type Person } from '../roster/responsibility.ts';
import type { ConversationContext, ConversationHandler } from './context.ts';
import { withCardUpdate } from './replies.ts';
import { guarded } from './reply-guard.ts';
import type { Reply } from './router.ts';

/** The 确认去世 button's action: `deathok-<care event id of the report>`. */
export const CONFIRM_DEATH = 'deathok';

/** A death report that opened the condolence visit: the care event, and whom it is about. */
export interface DeathReport {
  eventId: string;
  memberId: string;
}

/**
 * The confirmation cards for newly reported deaths: one per person in the three offices that may confirm (the
 * member's branch secretary, GB secretary, the OD), each once, never to the member themself. A vacant office
 * simply has nobody: the others still get theirs.
 */
export async function deathConfirmationCards(ctx: ConversationContext, reports: readonly DeathReport[], note: string): Promise<Reply[]> {
  const out: Reply[] = [];
  for (const report of reports) {
    const who = await whoAnswersFor(ctx.trx, report.memberId);
    if (!who) continue;
    const confirmers = new Map<string, Person>();
    for (const p of [...who.branchSecretaries, ...who.generalBranchSecretaries, ...who.organisationDepartment]) {
      if (p.userid && p.memberId !== report.memberId) confirmers.set(p.memberId, p);
    }
    const name = who.member.name;
    for (const p of confirmers.values()) {
      out.push({
        recipient: p.userid!,
        onceKey: `death-confirm-${report.eventId}-${p.memberId}`,
        message: buttonCard({
          taskId: `death-${report.eventId}-${p.memberId}`,
          title: `请确认：${name}同志去世`,
          desc: `${who.member.branch.name} · 报告人${ctx.identity!.name}`,
          fields: [
            ['对象', name],
            ['所在支部', who.member.branch.name],
            ['报告人', ctx.identity!.name],
            ...(note ? ([['情况', note]] as Array<[string, string]>) : []),
          ],
          note: '请核实后确认。确认后该同志状态改为“去世”：不再发送任何通知，不列入各类名单和谈心任务，除吊唁慰问外的待办一并取消。',
          buttons: [{ text: '确认去世', actionKey: cardKey(CONFIRM_DEATH, report.eventId), style: 'primary' }],
        }),
      });
    }
  }
  return out;
}

/** 确认去世: checked against the access rule (a key can be forged), recorded once, answered to everyone after. */
export const deathConfirmation: ConversationHandler = guarded(async (ctx) => {
  if (ctx.event.kind !== 'card_click' || !ctx.identity) return undefined;
  const { action, ids } = parseCardKey(ctx.event.eventKey);
  if (action !== CONFIRM_DEATH) return undefined;
  const eventId = ids[0] ?? '';
  const statuses = new MemberStatusRepository(ctx.trx);
  const report = /^\d{1,18}$/.test(eventId) ? await statuses.deathReport(eventId) : undefined;
  if (!report) return withCardUpdate(ctx, '没有找到这份报告，可能已被撤销。', '已失效');
  const place = await loadMemberPlace(ctx.trx, report.memberId);
  if (!place || !mayApprove(accessPersonOf(ctx.identity), 'death_confirmation', place)) {
    return withCardUpdate(ctx, '确认党员去世须由其所在党支部书记、党总支书记或党委组织部办理，您无法操作。');
  }
  const name = report.memberName;
  if (await statuses.confirmDeath(report.memberId, ctx.identity.memberId, ctx.now, ctx.today)) {
    const cancelled = await statuses.cancelObligationsOf([report.memberId], 'member_deceased', ctx.now);
    // The hardship registry: a live entry closes (去世), its pairings and subsidies end, assistance steps are cancelled.
    await closeAssistanceOfDeparted(ctx.trx, { memberIds: [report.memberId], status: 'deceased', byMemberId: ctx.identity.memberId, now: ctx.now, today: ctx.today });
    return withCardUpdate(
      ctx,
      `已确认${name}同志去世（${chineseDate(ctx.today, ctx.today)}）。此后不再向其发送任何通知，不再列入政治生日、节日走访和谈心名单` +
        `${cancelled > 0 ? `；有关待办 ${cancelled} 项已取消` : ''}。吊唁慰问走访请按时完成。`,
      '已确认',
    );
  }
  const known = await statuses.deathConfirmation(report.memberId);
  if (known?.status === 'deceased') {
    const when = known.confirmedAt ? `于${chineseDate(localDate(known.confirmedAt, ctx.timeZone), ctx.today)}` : '';
    const by = known.confirmedByName ? `已由${known.confirmedByName}${when}确认` : known.confirmedAt ? `已${when}按党员名册登记` : '已登记';
    return withCardUpdate(ctx, `${name}同志去世${by}，无需重复确认。`, '已确认');
  }
  return withCardUpdate(ctx, `${name}同志已不在册（已转出），无需确认。`, '已处理');
});
