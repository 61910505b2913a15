// Emergency aid (突发困难补助, MECHANISM 1.2): its steps, the state each step waits in, and the payment clock —
// "及时" is from application to payment within N working days (setting emergency_aid_payment_working_days, 10),
// counted on the working-day calendar (Chinese public holidays and 调休 respected) and fixed when the aid is filed.
// Pure: the calendar is passed in.
import type { AssistanceTaskKind, EmergencyAidCause, EmergencyAidState } from './assistance.ts';
import type { WorkingDayCalendar } from './calendar.ts';
import { fromDayNumber, toDayNumber, type IsoDate } from './dates.ts';

/** The steps of an aid, in order; each is an assistance obligation while it waits. */
export type AidStep = 'consent' | 'opinion' | 'decision' | 'payment';

/** The state an aid is in while a step waits. */
export const AID_STEP_STATE: Readonly<Record<AidStep, EmergencyAidState>> = {
  consent: 'awaiting_consent',
  opinion: 'applied',
  decision: 'gb_reviewed',
  payment: 'approved',
};

export const AID_STEP_TASK: Readonly<Record<AidStep, AssistanceTaskKind>> = {
  consent: 'aid_consent',
  opinion: 'aid_opinion',
  decision: 'aid_decision',
  payment: 'aid_payment',
};

/** Conversation topics of the OD's cards: a short reply ("批准1500元", "突发困难补助已发放") acts on the card shown. */
export const AID_CARD_TOPIC = { decision: 'aid_decision', payment: 'aid_payment' } as const;

/** States of an aid still in progress: at most one per member (migrations/2026120150_emergency_aid.ts). */
export const LIVE_AID_STATES: readonly EmergencyAidState[] = ['awaiting_consent', 'applied', 'gb_reviewed', 'approved'];

export const isLiveAid = (state: EmergencyAidState): boolean => LIVE_AID_STATES.includes(state);

/** The step an aid waits on, or null when it is finished (paid, rejected, withdrawn). */
export function waitingStep(state: EmergencyAidState): AidStep | null {
  for (const step of Object.keys(AID_STEP_STATE) as AidStep[]) if (AID_STEP_STATE[step] === state) return step;
  return null;
}

/** The last day of payment: the n-th working day after the application day (which is not counted). */
export function aidPayBy(appliedOn: IsoDate, workingDays: number, calendar: WorkingDayCalendar): IsoDate {
  return calendar.addWorkingDays(appliedOn, workingDays);
}

/**
 * Working days left before the payment is late: the working days after `today` up to and including `payBy`
 * (on the application day that is the whole term, on the last day 0). Past `payBy`: minus the working days
 * after it up to and including today.
 */
export function workingDaysLeft(today: IsoDate, payBy: IsoDate, calendar: WorkingDayCalendar): number {
  const a = toDayNumber(today);
  const b = toDayNumber(payBy);
  const [from, to, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  let n = 0;
  for (let d = from + 1; d <= to; d++) if (calendar.isWorkingDay(fromDayNumber(d))) n++;
  return n === 0 ? 0 : sign * n;
}

/** At most this many working days left counts as "at risk" (the payment is close to late). */
export const AT_RISK_WORKING_DAYS = 2;

export interface PaymentClock {
  payBy: IsoDate;
  /** Working days left (negative: late by that many). */
  left: number;
  /** The whole term in working days (the setting when the aid was filed). */
  total: number;
  /**
   * on_track; at_risk — at most AT_RISK_WORKING_DAYS left, or the step now waiting is due after payBy;
   * overdue — payBy has passed (a warning, never a refusal: the step can still be done).
   */
  state: 'on_track' | 'at_risk' | 'overdue';
}

export function paymentClock(p: { today: IsoDate; payBy: IsoDate; total: number; calendar: WorkingDayCalendar; stepDueOn?: IsoDate | undefined }): PaymentClock {
  const left = workingDaysLeft(p.today, p.payBy, p.calendar);
  const overdue = toDayNumber(p.today) > toDayNumber(p.payBy);
  const late = p.stepDueOn !== undefined && toDayNumber(p.stepDueOn) > toDayNumber(p.payBy);
  return { payBy: p.payBy, left, total: p.total, state: overdue ? 'overdue' : left <= AT_RISK_WORKING_DAYS || late ? 'at_risk' : 'on_track' };
}

/**
 * The cause read from what the writer says, by the earliest word of each kind: serious illness (重病, 大病, 手术,
 * 住院 …), disaster (火灾, 洪水, 地震, …灾), schooling (上学, 学费, 入学 …), else other.
 */
const CAUSE_WORDS: ReadonlyArray<[EmergencyAidCause, RegExp]> = [
  ['serious_illness', /重病|大病|重疾|重大疾病|病重|手术|住院|癌|肿瘤|白血病|尿毒症|透析|化疗|急救|抢救/u],
  ['disaster', /火灾|失火|着火|洪水|洪灾|水灾|地震|台风|泥石流|塌方|冰雹|受灾|灾/u],
  ['schooling', /上学|学费|入学|升学|就学|读书|开学|学杂费|大学|高中/u],
];

export function aidCauseOf(text: string): EmergencyAidCause {
  let best: { cause: EmergencyAidCause; at: number } | undefined;
  for (const [cause, re] of CAUSE_WORDS) {
    const m = re.exec(text);
    if (m && (best === undefined || m.index < best.at)) best = { cause, at: m.index };
  }
  return best?.cause ?? 'other';
}
