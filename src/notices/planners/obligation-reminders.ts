// Reminders and escalations of open obligations (MECHANISM "Rules for every reminder"): to the owner 2 days
// before and on the due day, one level up when 3 days overdue, the OD when 7 — each exactly once per
// (obligation, step), through the sweep's UNIQUE notices. Quota obligations are reminded only by the
// calendar's progress nudges, never one message per member.
import { addDays, type IsoDate } from '../../domain/dates.ts';
import { chineseMonthDay as cn } from '../../domain/format.ts';
import { oneLevelUp, REASON_LABELS, REMINDER_STEP_TITLES, reminderStepsOn, STEP_AUDIENCE, type ReminderStep } from '../../domain/obligations.ts';
import { isOfficeRole, OFFICE_TITLES } from '../../domain/offices.ts';
import { OfficeDirectory, type Recipient } from '../offices.ts';
import { buttonCard, cardKey, CARD_ACTION } from '../cards.ts';
import { escapeMarkdown as esc } from '../markdown.ts';
import { summariseNames } from '../message-limit.ts';
import { NoticePlanRepository, type OpenObligation } from '../plan-repository.ts';
import type { OutboundMessage } from '../../platforms/types.ts';
import type { DailyPlanner, PlanContext, PlanDb, PlannedNotice } from '../planner.ts';
import { assertRendered } from '../templates.ts';

const KIND = { talk: '谈心', visit: '走访' } as const;

const STEP_TITLE = REMINDER_STEP_TITLES;

export const obligationReminders: DailyPlanner = {
  family: 'obligation_reminders',
  label: '谈心走访待办提醒与督办',
  plan: planObligationReminders,
};

async function planObligationReminders(db: PlanDb, { date, calendar, late }: PlanContext): Promise<PlannedNotice[]> {
  // Every open office-owned obligation whose steps can fall today: due within the next days or overdue by up
  // to a week, with room for steps moved past holidays to the next working day; or escalated lately because
  // 延期 ran out.
  const rows = await new NoticePlanRepository(db).openObligationsDueBetween(addDays(date, -20), addDays(date, 12));
  const out: PlannedNotice[] = [];
  // Whoever answers for the owning office: a vacant one passes its reminders up, and its escalations go one
  // level above whoever answered (issue 11, point 7).
  const offices = await OfficeDirectory.load(db);
  const holidayGroups = new Map<string, HolidayGroup>();
  for (const ob of rows) {
    const owner = isOfficeRole(ob.owner_role) ? offices.answering(ob.owner_role, ob.owner_org) : { office: undefined, holders: offices.holdersOf(ob.owner_role, ob.owner_org), vacant: [] };
    for (const step of reminderStepsOn({ dueOn: ob.due_on, createdOn: ob.created_on, escalatedOn: ob.escalated_on }, date, calendar)) {
      const audience = STEP_AUDIENCE[step];
      let recipients: readonly Recipient[] =
        audience === 'owner' ? owner.holders : audience === 'od' ? offices.answering('od_staff', ob.committee_id).holders : oneUp(offices, owner.office?.role ?? ob.owner_role, ob);
      if (audience === 'owner') {
        // A talk the general branch owes is owned with the unit's main Party leader (issue 11 point 2); nobody is
        // reminded of a visit or talk about themself.
        const coOwners = ob.kind === 'talk' && ob.owner_role === 'gb_secretary' ? offices.holdersOf('unit_leader', ob.owner_org) : [];
        const owners = [...recipients, ...coOwners.filter((c) => !recipients.some((r) => r.member_id === c.member_id))];
        recipients = owners.filter((c) => c.member_id !== ob.member_id);
        // The owner became the member concerned after it opened (a new branch secretary in hospital): one level up.
        if (recipients.length === 0 && owners.length > 0) recipients = oneUp(offices, owner.office?.role ?? ob.owner_role, ob).filter((c) => c.member_id !== ob.member_id);
      }
      if (ob.source === 'holiday') {
        // Holiday visits: the calendar's list and 3-day reminder stand for the owner's steps; escalations go one
        // message per branch naming every member still unvisited, not one per member.
        if (audience !== 'owner') holidayEscalation(holidayGroups, ob, step, recipients);
        continue;
      }
      const standIn = audience === 'owner' && owner.vacant.length > 0 ? `${owner.vacant.map((o) => `${offices.nameOf(o.organisationId)}暂无${OFFICE_TITLES[o.role]}`).join('、')}，由您代办。` : '';
      for (const r of recipients) {
        // Sensitive reasons (health, family, disputes) only to the member's branch, GB leaders and the OD.
        const reason = mayKnowReason(audience, owner.office?.role ?? ob.owner_role) ? REASON_LABELS[ob.reason] ?? ob.reason : '关怀事项';
        const title = `${KIND[ob.kind]}${stepTitle(step, ob.due_on, date)}：${ob.member_name}`;
        const message =
          audience === 'owner'
            ? buttonCard({
                taskId: `ob-${ob.id}-${step}-${r.member_id}`,
                title,
                desc: `${reason} · 截止${cn(ob.due_on)}${late ? ' · 延迟送达' : ''}`,
                fields: [
                  ['对象', `${ob.member_name}（${ob.branch}）`],
                  ['事由', reason],
                  ['截止', cn(ob.due_on)],
                ],
                note: `${standIn}完成后点“已完成”，或直接回复“已${KIND[ob.kind] === '谈心' ? '谈' : '走访'}，情况……”登记。`,
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
          recipientMemberId: r.member_id,
          recipientUserid: r.userid,
          subject: `obligation-${ob.id}`,
          // The due date is part of the period: an obligation deferred to a new date is reminded afresh.
          period: `${step}@${ob.due_on}`,
          message: assertRendered(message),
          ...(audience === 'owner' ? { remember: [{ topic: 'obligation', ref: ob.id }] } : {}),
        });
      }
    }
  }
  for (const g of holidayGroups.values()) {
    const names = summariseNames(g.members.map(esc), 1_200);
    const message: OutboundMessage = {
      type: 'markdown',
      content: `**督办：节日走访慰问${STEP_TITLE[g.step]}：${esc(g.branch)}**\n${esc(g.branch)}尚有 ${g.members.length} 名同志的节日走访慰问应于${cn(g.dueOn)}前完成，目前尚未登记：${names}。请督促落实。${late ? '\n> 系统维护期间延迟送达。' : ''}`,
    };
    for (const r of g.recipients) {
      out.push({
        kind: `obligation_${g.step}`,
        recipientMemberId: r.member_id,
        recipientUserid: r.userid,
        subject: `holiday-${g.period}-branch-${g.branchId}`,
        period: `${g.step}@${g.dueOn}`,
        message: assertRendered(message),
      });
    }
  }
  return out;
}

interface HolidayGroup {
  step: ReminderStep;
  period: string;
  branchId: string;
  branch: string;
  dueOn: IsoDate;
  recipients: readonly Recipient[];
  members: string[];
}

/** Adds a holiday visit's escalation step to its branch's one message. */
function holidayEscalation(groups: Map<string, HolidayGroup>, ob: OpenObligation, step: ReminderStep, recipients: readonly Recipient[]): void {
  const key = `${step}|${ob.period}|${ob.branch_id}|${ob.due_on}`;
  const g = groups.get(key) ?? { step, period: ob.period ?? '', branchId: ob.branch_id, branch: ob.branch, dueOn: ob.due_on, recipients, members: [] };
  g.members.push(ob.member_name);
  groups.set(key, g);
}

/** One level up from the office that answered: branch → GB → OD; the OD's own escalation reaches the committee secretary. */
function oneUp(offices: OfficeDirectory, from: string, ob: { gb_id: string; committee_id: string }): readonly Recipient[] {
  const up = oneLevelUp(from as 'branch_secretary' | 'gb_secretary' | 'od_staff');
  if (up.role === 'committee_secretary') return offices.holdersOf('committee_secretary', ob.committee_id);
  return offices.answering(up.role, up.scope === 'general_branch' ? ob.gb_id : ob.committee_id).holders;
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
