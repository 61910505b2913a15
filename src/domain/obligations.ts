// Who owes what by when (MECHANISM 2.1, 2.2, "Rules for every reminder"). Pure: dates are 'YYYY-MM-DD' and
// today is always passed in.
import type { WorkingDayCalendar } from './calendar.ts';
import { addDays, type IsoDate } from './dates.ts';

export const VISIT_TRIGGERS = ['hospitalised', 'disaster', 'hardship', 'bereavement', 'death'] as const;
export const TALK_TRIGGERS = ['setback', 'job_change', 'mistake', 'dispute', 'complaint'] as const;
export type VisitTrigger = (typeof VISIT_TRIGGERS)[number];
export type TalkTrigger = (typeof TALK_TRIGGERS)[number];
export type Trigger = VisitTrigger | TalkTrigger;
/** Reasons without a trigger: holiday visits, routine (yearly quota, everyday) talks. */
export type CareReason = Trigger | 'holiday' | 'routine';

export const isVisitTrigger = (r: string): r is VisitTrigger => (VISIT_TRIGGERS as readonly string[]).includes(r);
export const isTalkTrigger = (r: string): r is TalkTrigger => (TALK_TRIGGERS as readonly string[]).includes(r);

/** Settings, not code: "timely" (及时) turned into days an administrator can change. */
export interface ObligationSettings {
  visitDueDays: number;
  deathVisitDueDays: number;
  talkDueDays: number;
}
export const DEFAULT_OBLIGATION_SETTINGS: ObligationSettings = { visitDueDays: 7, deathVisitDueDays: 3, talkDueDays: 7 };

/** An office that owes: the holders of `role` in the member's branch, general branch, or the committee. */
export type OwnerOffice = { role: 'branch_secretary'; scope: 'branch' } | { role: 'gb_secretary'; scope: 'general_branch' } | { role: 'od_staff'; scope: 'committee' };

export interface ObligationPlan {
  kind: 'talk' | 'visit';
  reason: Trigger;
  owner: OwnerOffice;
  dueOn: IsoDate;
}

/**
 * The obligations a reported trigger creates. A visit is owed by the branch (its escalation reaches the GB);
 * for an outstanding contributor the OD owes a visit as well. A talk is owed by the GB leader.
 */
export function obligationsForTrigger(reason: Trigger, reportedOn: IsoDate, opts: { outstandingContributor: boolean; settings?: ObligationSettings }): ObligationPlan[] {
  const s = opts.settings ?? DEFAULT_OBLIGATION_SETTINGS;
  if (isVisitTrigger(reason)) {
    const dueOn = addDays(reportedOn, reason === 'death' ? s.deathVisitDueDays : s.visitDueDays);
    const plans: ObligationPlan[] = [{ kind: 'visit', reason, owner: { role: 'branch_secretary', scope: 'branch' }, dueOn }];
    if (opts.outstandingContributor) plans.push({ kind: 'visit', reason, owner: { role: 'od_staff', scope: 'committee' }, dueOn });
    return plans;
  }
  return [{ kind: 'talk', reason, owner: { role: 'gb_secretary', scope: 'general_branch' }, dueOn: addDays(reportedOn, s.talkDueDays) }];
}

/** The reminder steps of an open obligation; each is delivered once. */
export type ReminderStep = 'due_soon' | 'due_today' | 'overdue_3' | 'overdue_7';

/** When each step nominally falls, relative to the due date. */
const STEP_OFFSET: Record<ReminderStep, number> = { due_soon: -2, due_today: 0, overdue_3: 3, overdue_7: 7 };

/** How a reminder's title names each step (the care and the assistance reminders alike). */
export const REMINDER_STEP_TITLES: Record<ReminderStep, string> = {
  due_soon: '两天后到期',
  due_today: '今天到期',
  overdue_3: '已逾期3天',
  overdue_7: '已逾期7天',
};

/** Who a step goes to: the owner, one level up, or the OD. */
export const STEP_AUDIENCE: Record<ReminderStep, 'owner' | 'one_up' | 'od'> = { due_soon: 'owner', due_today: 'owner', overdue_3: 'one_up', overdue_7: 'od' };

/**
 * The day each reminder step of an obligation falls on. Reminders before the due date move *back* to the
 * last working day (a nudge that comes after the deadline is no nudge), escalations forward to the next one.
 * Every step has its own day: a "2 days before" that a weekend would push onto the due day's own reminder
 * is dropped, and so is one that fell before the obligation existed (reported with 1 day to go).
 *
 * `escalatedOn`: the day 延期 was pressed once more than allowed (see postpone). From then the obligation
 * escalates as if overdue: one level up on the first working day after that press, the OD 4 days later (the
 * gap between the two escalations of an overdue obligation) — or on their usual days, if those come first.
 */
export function reminderDays(ob: { dueOn: IsoDate; createdOn: IsoDate; escalatedOn?: IsoDate | null }, calendar: WorkingDayCalendar): Partial<Record<ReminderStep, IsoDate>> {
  const dueToday = calendar.previousWorkingDay(ob.dueOn);
  const days: Partial<Record<ReminderStep, IsoDate>> = {};
  const dueSoon = calendar.previousWorkingDay(addDays(ob.dueOn, STEP_OFFSET.due_soon));
  if (addDays(ob.dueOn, STEP_OFFSET.due_soon) > ob.createdOn && dueSoon < dueToday && dueSoon >= ob.createdOn) days.due_soon = dueSoon;
  days.due_today = dueToday < ob.createdOn ? ob.createdOn : dueToday;
  days.overdue_3 = calendar.nextWorkingDay(addDays(ob.dueOn, STEP_OFFSET.overdue_3));
  days.overdue_7 = calendar.nextWorkingDay(addDays(ob.dueOn, STEP_OFFSET.overdue_7));
  if (ob.escalatedOn) {
    const oneUp = calendar.nextWorkingDay(addDays(ob.escalatedOn, 1));
    const od = calendar.nextWorkingDay(addDays(oneUp, STEP_OFFSET.overdue_7 - STEP_OFFSET.overdue_3));
    if (oneUp < days.overdue_3) days.overdue_3 = oneUp;
    if (od < days.overdue_7) days.overdue_7 = od;
  }
  return days;
}

/**
 * The steps of an obligation that fall on `today`: never two of one obligation on one day, except an
 * escalation after 延期 ran out falling on an owner's reminder day (they go to different people).
 */
export function reminderStepsOn(ob: { dueOn: IsoDate; createdOn: IsoDate; escalatedOn?: IsoDate | null }, today: IsoDate, calendar: WorkingDayCalendar): ReminderStep[] {
  const days = reminderDays(ob, calendar);
  return (Object.keys(STEP_OFFSET) as ReminderStep[]).filter((step) => days[step] === today);
}

/** 延期 as settings (defer_days, defer_max_count): how far one press moves the due date, and how many presses. */
export interface PostponeSettings {
  deferDays: number;
  deferMaxCount: number;
}

export type PostponeOutcome = { kind: 'postponed'; dueOn: IsoDate; count: number } | { kind: 'limit_reached'; count: number };

/**
 * One press of 延期 (MECHANISM 2.2): the due date moves by `deferDays` — from today if it has already passed
 * — at most `deferMaxCount` times; the press after that moves nothing and the obligation escalates as if
 * overdue (reminderDays' `escalatedOn`).
 */
export function postpone(ob: { dueOn: IsoDate; deferrals: number }, today: IsoDate, s: PostponeSettings): PostponeOutcome {
  if (ob.deferrals >= s.deferMaxCount) return { kind: 'limit_reached', count: ob.deferrals };
  return { kind: 'postponed', dueOn: addDays(ob.dueOn < today ? today : ob.dueOn, s.deferDays), count: ob.deferrals + 1 };
}

/** One level up from an owning office (branch → GB → OD; the OD's own is the committee secretary). */
export function oneLevelUp(owner: OwnerOffice['role']): { role: 'gb_secretary' | 'od_staff' | 'committee_secretary'; scope: 'general_branch' | 'committee' } {
  if (owner === 'branch_secretary') return { role: 'gb_secretary', scope: 'general_branch' };
  if (owner === 'gb_secretary') return { role: 'od_staff', scope: 'committee' };
  return { role: 'committee_secretary', scope: 'committee' };
}

export type ObligationState = 'open' | 'done' | 'cancelled' | 'overdue';

/** The canonical state: 'overdue' is an open obligation past its due date (never stored, always derived). */
export function obligationState(status: 'open' | 'done' | 'cancelled', dueOn: IsoDate, today: IsoDate): ObligationState {
  return status === 'open' && dueOn < today ? 'overdue' : status;
}

/** Chinese labels of the canonical reason codes (MECHANISM.md "Canonical codes"), for display only. */
export const REASON_LABELS: Record<CareReason, string> = {
  hospitalised: '患病住院',
  disaster: '遭受灾害',
  hardship: '生活遇到特殊困难',
  bereavement: '家庭成员去世',
  death: '党员本人亡故',
  holiday: '节日慰问',
  setback: '遇到困难挫折',
  job_change: '岗位变动',
  mistake: '工作失误',
  dispute: '矛盾纠纷',
  complaint: '群众有不良反映',
  routine: '年度谈心',
};
