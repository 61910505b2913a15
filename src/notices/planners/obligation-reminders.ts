// Reminders and escalations of open obligations (MECHANISM "Rules for every reminder"): to the owner 2 days
// before and on the due day, one level up when 3 days overdue, the OD when 7 — each exactly once per
// (obligation, step), through the sweep's UNIQUE notices. Quota obligations are reminded only by the
// calendar's progress nudges, never one message per member.
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { chineseMonthDay as cn } from '../../domain/format.ts';
import { oneLevelUp, REASON_LABELS, reminderStepsOn, STEP_AUDIENCE, type ReminderStep } from '../../domain/obligations.ts';
import { holdersOf, officeHolders, type Holder } from '../../care/obligations.ts';
import { buttonCard, cardKey, CARD_ACTION } from '../cards.ts';
import { escapeMarkdown as esc } from '../markdown.ts';
import { NoticePlanRepository } from '../plan-repository.ts';
import type { DailyPlanner, PlanContext, PlanDb, PlannedNotice } from '../planner.ts';
import { assertRendered } from '../templates.ts';

const KIND = { talk: '谈心', visit: '走访' } as const;

const STEP_TITLE: Record<ReminderStep, string> = {
  due_soon: '两天后到期',
  due_today: '今天到期',
  overdue_3: '已逾期3天',
  overdue_7: '已逾期7天',
};

export const obligationReminders: DailyPlanner = {
  family: 'obligation_reminders',
  label: '谈心走访待办提醒与督办',
  plan: planObligationReminders,
};

async function planObligationReminders(db: PlanDb, { date, calendar, late }: PlanContext): Promise<PlannedNotice[]> {
  // Every open office-owned obligation whose steps can fall today: due within the next days or overdue by up
  // to a week, with room for steps moved past holidays to the next working day.
  const rows = await new NoticePlanRepository(db).openObligationsDueBetween(addDays(date, -20), addDays(date, 12));
  const out: PlannedNotice[] = [];
  const cache = new Map<string, Holder[]>();
  const holders = async (role: string, org: string) => {
    const k = `${role}|${org}`;
    if (!cache.has(k)) cache.set(k, await officeHolders(db, role, org));
    return cache.get(k)!;
  };
  for (const ob of rows) {
    for (const step of reminderStepsOn({ dueOn: ob.due_on, createdOn: ob.created_on }, date, calendar)) {
      const audience = STEP_AUDIENCE[step];
      let recipients: Holder[];
      if (audience === 'owner') {
        // A talk the general branch owes is owned with the unit's main Party leader (issue 11 point 2); nobody is
        // reminded of a visit or talk about themself.
        const coOwners = ob.kind === 'talk' && ob.owner_role === 'gb_secretary' ? await holdersOf(db, 'unit_leader', ob.owner_org) : [];
        recipients = [...(await holders(ob.owner_role, ob.owner_org)), ...coOwners].filter((c) => c.memberId !== ob.member_id);
        if (recipients.length === 0) {
          // The owner became the member concerned after it opened (a new branch secretary in hospital): one level up.
          const up = oneLevelUp(ob.owner_role as 'branch_secretary' | 'gb_secretary' | 'od_staff');
          recipients = (await holders(up.role, up.scope === 'general_branch' ? ob.gb_id : ob.committee_id)).filter((c) => c.memberId !== ob.member_id);
        }
      }
      else if (audience === 'od') recipients = await holders('od_staff', ob.committee_id);
      else {
        const up = oneLevelUp(ob.owner_role as 'branch_secretary' | 'gb_secretary' | 'od_staff');
        recipients = await holders(up.role, up.scope === 'general_branch' ? ob.gb_id : ob.committee_id);
      }
      for (const r of recipients) {
        // Sensitive reasons (health, family, disputes) only to the member's branch, GB leaders and the OD.
        const reason = mayKnowReason(audience, ob.owner_role) ? REASON_LABELS[ob.reason] ?? ob.reason : '关怀事项';
        const title = `${KIND[ob.kind]}${stepTitle(step, ob.due_on, date)}：${ob.member_name}`;
        const message =
          audience === 'owner'
            ? buttonCard({
                taskId: `ob-${ob.id}-${step}-${r.memberId}`,
                title,
                desc: `${reason} · 截止${cn(ob.due_on)}${late ? ' · 延迟送达' : ''}`,
                fields: [
                  ['对象', `${ob.member_name}（${ob.branch}）`],
                  ['事由', reason],
                  ['截止', cn(ob.due_on)],
                ],
                note: `完成后点“已完成”，或直接回复“已${KIND[ob.kind] === '谈心' ? '谈' : '走访'}，情况……”登记。`,
                buttons: [
                  { text: '已完成', actionKey: cardKey(CARD_ACTION.obligationDone, ob.id), style: 'primary' },
                  { text: '延期', actionKey: cardKey(CARD_ACTION.obligationDefer, ob.id), style: 'secondary' },
                ],
              })
            : {
                type: 'markdown' as const,
                content: `**督办：${KIND[ob.kind]}${STEP_TITLE[step]}：${esc(ob.member_name)}**\n${esc(ob.branch)} ${esc(ob.member_name)}（${reason}）的${KIND[ob.kind]}应于${cn(ob.due_on)}前完成，目前尚未登记，请督促落实。${late ? '\n> 系统维护期间延迟送达。' : ''}`,
              };
        out.push({
          kind: `obligation_${step}`,
          recipientMemberId: r.memberId,
          recipientUserid: r.userid,
          subject: `obligation-${ob.id}`,
          // The due date is part of the period: an obligation deferred to a new date is reminded afresh.
          period: `${step}@${ob.due_on}`,
          message: assertRendered(message),
          ...(audience === 'owner' ? { remember: { topic: 'obligation', ref: ob.id } } : {}),
        });
      }
    }
  }
  return out;
}

/** A reminder moved back before a weekend or holiday names the due date rather than "in two days"/"today". */
function stepTitle(step: ReminderStep, dueOn: IsoDate, today: IsoDate): string {
  if (step === 'due_soon' && addDays(dueOn, -2) !== today) return `将于${cn(dueOn)}到期`;
  if (step === 'due_today' && dueOn !== today) return `将于${cn(dueOn)}到期`;
  return STEP_TITLE[step];
}

/** Escalations of an OD-owned obligation reach the committee secretary, who is not among those who may see details. */
function mayKnowReason(audience: 'owner' | 'one_up' | 'od', ownerRole: string): boolean {
  return !(audience === 'one_up' && ownerRole === 'od_staff');
}
