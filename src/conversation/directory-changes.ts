// The platform's address book says a member left the organisation (DingTalk user_leave_org, issue 15): the
// roster is not changed by itself — leaving the university's DingTalk is not leaving the Party organisation
// (a retiree, a transfer whose 组织关系 is still here). The OD gets a card to confirm the member as transferred
// out (确认转出); the first confirmation records it as the roster's 状态 column would (status 转出, open
// obligations cancelled, the hardship registry closed), the other OD staff's cards then say it is done.
import { mayApprove } from '../domain/access.ts';
import { chineseDate } from '../domain/format.ts';
import { localDate } from '../domain/dates.ts';
import { MemberStatusRepository } from '../db/member-status-repository.ts';
import { closeAssistanceOfDeparted } from '../assistance/registry.ts';
import { buttonCard, cardKey, parseCardKey } from '../notices/cards.ts';
import { accessPersonOf, loadMemberPlace, whoAnswersFor } from '../roster/responsibility.ts';
import type { ConversationHandler } from './context.ts';
import { withCardUpdate } from './replies.ts';
import { guarded } from './reply-guard.ts';
import type { Reply } from './router.ts';

/** The 确认转出 button's action: `leftok-<member id>`. */
export const CONFIRM_DEPARTURE = 'leftok';

export const directoryChanges: ConversationHandler = guarded(async (ctx) => {
  const ev = ctx.event;
  if (ev.kind === 'directory') {
    // Someone the roster does not know, or no longer counts as active: nothing to confirm.
    if (!ctx.identity || ev.change !== 'left_org') return [];
    const who = await whoAnswersFor(ctx.trx, ctx.identity.memberId);
    if (!who) return [];
    const day = localDate(new Date(ev.createTime * 1_000), ctx.timeZone);
    const name = who.member.name;
    const out: Reply[] = [];
    for (const p of who.organisationDepartment) {
      if (!p.userid || p.memberId === ctx.identity.memberId) continue;
      out.push({
        recipient: p.userid,
        onceKey: `left-org-${ctx.identity.memberId}-${day}-${p.memberId}`,
        message: buttonCard({
          taskId: `leftorg-${ctx.identity.memberId}-${day.replaceAll('-', '')}-${p.memberId}`,
          title: `钉钉通讯录：${name}已离开本单位`,
          desc: `${who.member.branch.name}`,
          fields: [
            ['对象', name],
            ['所在支部', who.member.branch.name],
            ['离开日期', chineseDate(day, ctx.today)],
          ],
          note: '名册未作改动。如其组织关系已转出，请点“确认转出”，此后不再向其发送通知、不列入各类名单；如组织关系仍在本单位（如退休、借调），无需处理。',
          buttons: [{ text: '确认转出', actionKey: cardKey(CONFIRM_DEPARTURE, ctx.identity.memberId), style: 'primary' }],
        }),
      });
    }
    return out;
  }
  if (ev.kind !== 'card_click' || !ctx.identity) return undefined;
  const { action, ids } = parseCardKey(ev.eventKey);
  if (action !== CONFIRM_DEPARTURE) return undefined;
  const memberId = ids[0] ?? '';
  // A key can be forged: the access rule decides, as for any other click.
  const place = /^\d{1,18}$/.test(memberId) ? await loadMemberPlace(ctx.trx, memberId) : undefined;
  if (!place || !mayApprove(accessPersonOf(ctx.identity), 'departure_confirmation', place)) {
    return withCardUpdate(ctx, '确认党员转出须由党委组织部办理，您无法操作。');
  }
  const who = await whoAnswersFor(ctx.trx, memberId);
  const name = who?.member.name ?? '该党员';
  const statuses = new MemberStatusRepository(ctx.trx);
  if (await statuses.confirmTransferOut(memberId, ctx.today)) {
    const cancelled = await statuses.cancelObligationsOf([memberId], 'member_transferred_out', ctx.now);
    await closeAssistanceOfDeparted(ctx.trx, { memberIds: [memberId], status: 'transferred_out', byMemberId: ctx.identity.memberId, now: ctx.now, today: ctx.today });
    return withCardUpdate(
      ctx,
      `已将${name}登记为转出（${chineseDate(ctx.today, ctx.today)}）。此后不再向其发送通知，不再列入各类名单${cancelled > 0 ? `；有关待办 ${cancelled} 项已取消` : ''}。如有误，请在名册“状态”栏改回“在册”后重新导入。`,
      '已转出',
    );
  }
  return withCardUpdate(ctx, `${name}已不在册（已转出或已去世），无需再确认。`, '已处理');
});
