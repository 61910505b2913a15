// Reminders and escalations of open assistance obligations (MECHANISM 1 and "Rules for every reminder"): a
// consent, the GB's review of an application, the GB's opinion and the OD's decision on emergency aid, its
// payment, a subsidy's renewal. The owner is reminded 2 days before and on the due day with a card that does it;
// one level up is told when 3 days overdue, the OD when 7 — each exactly once per (task, step) through the
// sweep's UNIQUE notices. A member's own consent escalates to their branch secretary.
import { addDays } from '../../domain/dates.ts';
import { ASSISTANCE_TASK_LABELS } from '../../domain/assistance.ts';
import { chineseMonthDay as cn } from '../../domain/format.ts';
import { oneLevelUp, REMINDER_STEP_TITLES, reminderStepsOn, STEP_AUDIENCE } from '../../domain/obligations.ts';
import { OFFICE_TITLES, officeAbove, officeWords } from '../../domain/offices.ts';
import { clockField, clockWarning } from '../../assistance/aid-text.ts';
import { taskReminderCard } from '../../assistance/task-cards.ts';
import { AssistanceTaskRepository, type OpenAssistanceTask } from '../../db/assistance-task-repository.ts';
import { EmergencyAidRepository } from '../../db/emergency-aid-repository.ts';
import { AID_CARD_TOPIC, paymentClock, workingDaysLeft } from '../../domain/emergency-aid.ts';
import { OfficeDirectory, type Recipient } from '../offices.ts';
import { escapeMarkdown as esc } from '../markdown.ts';
import type { DailyPlanner, PlanContext, PlanDb, PlannedNotice } from '../planner.ts';
import { assertRendered } from '../templates.ts';

const STEP_TITLE = REMINDER_STEP_TITLES;

export const assistanceTasks: DailyPlanner = {
  family: 'assistance_tasks',
  label: '帮扶事项提醒与督办',
  plan: planAssistanceTasks,
};

async function planAssistanceTasks(db: PlanDb, { date, calendar, late }: PlanContext): Promise<PlannedNotice[]> {
  const tasks = await new AssistanceTaskRepository(db).openDueBetween(addDays(date, -20), addDays(date, 12));
  if (tasks.length === 0) return [];
  const offices = await OfficeDirectory.load(db);
  // An emergency aid's card also shows its payment clock: the last day of payment and the working days left.
  const aids = await new EmergencyAidRepository(db).payByOf(tasks.filter((t) => t.kind.startsWith('aid_')).map((t) => t.subject_id));
  const out: PlannedNotice[] = [];
  for (const t of tasks) {
    const aid = t.kind.startsWith('aid_') ? aids.get(t.subject_id) : undefined;
    const clock = aid && paymentClock({ today: date, payBy: aid.pay_by, total: workingDaysLeft(aid.applied_on, aid.pay_by, calendar), calendar, stepDueOn: t.due_on });
    const aidCard = clock ? { extraFields: [['发放期限', clockField(clock, date)]] as Array<[string, string]>, warning: clockWarning(clock, date) } : {};
    for (const step of reminderStepsOn({ dueOn: t.due_on, createdOn: t.opened_on, escalatedOn: t.escalated_on }, date, calendar)) {
      const audience = STEP_AUDIENCE[step];
      const { owners, standIn, ownerOffice } = ownersOf(offices, t);
      const recipients = audience === 'owner' ? owners : audience === 'od' ? offices.answering('od_staff', t.committee_id).holders : oneUp(offices, ownerOffice, t);
      for (const r of recipients) {
        // Nobody is reminded of their own case as its reviewer, nor escalated to about it (ownersOf passed it up);
        // a member's own consent is theirs to give.
        if (r.member_id === t.member_id && (audience !== 'owner' || t.owner_member_id === null)) continue;
        const title = `帮扶事项${STEP_TITLE[step]}：${t.member_name}`;
        const message =
          audience === 'owner'
            ? taskReminderCard({ taskId: `as-${t.id}-${step}-${r.member_id}`, kind: t.kind, subjectId: t.subject_id, memberName: t.member_name, branch: t.branch, dueOn: t.due_on, title, standIn, late, ...aidCard })
            : {
                type: 'markdown' as const,
                content:
                  `**督办：帮扶事项${STEP_TITLE[step]}**\n${esc(t.member_name)}同志（${esc(t.branch)}）的“${ASSISTANCE_TASK_LABELS[t.kind]}”` +
                  `应于${cn(t.due_on)}前由${esc(ownerLabel(offices, t))}办理，目前尚未办理，请督促落实。${late ? '\n> 系统维护期间延迟送达，敬请谅解。' : ''}`,
              };
        out.push({
          kind: `assistance_${step}`,
          recipientMemberId: r.member_id,
          recipientUserid: r.userid,
          subject: `assistance-${t.id}`,
          period: `${step}@${t.due_on}`,
          message: assertRendered(message),
          // The OD may answer an aid's reminder with "批准1500元" or "…已发放", as it may the first card.
          ...(audience === 'owner' && (t.kind === 'aid_decision' || t.kind === 'aid_payment')
            ? { remember: [{ topic: t.kind === 'aid_decision' ? AID_CARD_TOPIC.decision : AID_CARD_TOPIC.payment, ref: t.subject_id }] }
            : {}),
        });
      }
    }
  }
  return out;
}

/** Who owes the task today: the person, or whoever answers for the office (a vacant one passes it up). */
function ownersOf(offices: OfficeDirectory, t: OpenAssistanceTask): { owners: readonly Recipient[]; standIn: string; ownerOffice: 'branch_secretary' | 'gb_secretary' | 'od_staff' } {
  if (t.owner_member_id !== null) {
    // A member's own consent: their branch secretary is the level above.
    const owners = t.owner_userid ? [{ member_id: t.owner_member_id, userid: t.owner_userid, name: t.owner_name ?? '' }] : [];
    return { owners, standIn: '', ownerOffice: 'branch_secretary' as const };
  }
  let a = offices.answering(t.owner_role!, t.owner_org!);
  const passed = a.vacant.map((o) => `${offices.nameOf(o.organisationId)}暂无${OFFICE_TITLES[o.role]}`);
  // Nobody decides about themself (access.ts mayApprove): when the office's only holder is the member the task is
  // about (a GB secretary's own application), the office above owns it today.
  while (a.holders.length > 0 && a.holders.every((h) => h.member_id === t.member_id)) {
    const above = officeAbove(a.office, (id) => offices.parentOf(id));
    passed.push(`${t.member_name}同志本人为${officeWords(offices.nameOf(a.office.organisationId), a.office.role)}`);
    if (!above) return { owners: [], standIn: '', ownerOffice: a.office.role };
    const next = offices.answering(above.role, above.organisationId);
    passed.push(...next.vacant.map((o) => `${offices.nameOf(o.organisationId)}暂无${OFFICE_TITLES[o.role]}`));
    a = next;
  }
  const standIn = passed.length > 0 ? `${passed.join('、')}，由您代办。` : '';
  return { owners: a.holders, standIn, ownerOffice: a.office.role };
}

/**
 * One level up from the owning office; a member's own consent goes to their branch secretary. Above the OD there
 * is nobody here: the committee secretary is not among those who may see a member's hardship, aid or subsidy
 * (MECHANISM "Rules for every reminder"), so an OD-owned step is escalated to the OD itself at +7 only.
 */
function oneUp(offices: OfficeDirectory, from: 'branch_secretary' | 'gb_secretary' | 'od_staff', t: OpenAssistanceTask): readonly Recipient[] {
  if (t.owner_member_id !== null) return offices.answering('branch_secretary', t.branch_id).holders.filter((r) => r.member_id !== t.member_id);
  const up = oneLevelUp(from);
  if (up.role === 'committee_secretary') return [];
  return offices.answering(up.role, up.scope === 'general_branch' ? t.gb_id : t.committee_id).holders;
}

function ownerLabel(offices: OfficeDirectory, t: OpenAssistanceTask): string {
  if (t.owner_member_id !== null) return `${t.owner_name ?? t.member_name}本人`;
  return officeWords(offices.nameOf(t.owner_org!), t.owner_role!);
}
