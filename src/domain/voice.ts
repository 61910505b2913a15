// Members' voice (MECHANISM 3.1, issue 14): the canonical codes of reporting work, open Party affairs,
// suggestions and delegates' proposals, with their Chinese labels. Pure.
import type { WorkingDayCalendar } from './calendar.ts';
import { addDays, toDayNumber, type IsoDate } from './dates.ts';

/** MECHANISM "Canonical codes": voice kind. */
export const VOICE_KINDS = ['report_work', 'announcement', 'suggestion', 'proposal'] as const;
export type VoiceKind = (typeof VOICE_KINDS)[number];

export const VOICE_KIND_LABEL: Readonly<Record<VoiceKind, string>> = {
  report_work: '通报工作',
  announcement: '党务公开',
  suggestion: '意见建议',
  proposal: '提案',
};

export const isVoiceKind = (v: string): v is VoiceKind => (VOICE_KINDS as readonly string[]).includes(v);

// ---- delegates' proposals (党代会代表提案, issue 14 section 3) ----

/**
 * A proposal's stored state: filed by a delegate (待立案), registered by the OD (已立案, the answer due), declined
 * with a reason (不予立案), answered. Overdue is derived (proposalStatus), never stored.
 */
export const PROPOSAL_STATES = ['filed', 'registered', 'declined', 'answered'] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

export const PROPOSAL_STATE_LABEL: Readonly<Record<ProposalState | 'overdue', string>> = {
  filed: '待立案',
  registered: '办理中',
  declined: '不予立案',
  answered: '已答复',
  overdue: '已逾期',
};

/** A proposal's text is at most this many characters (a proposal is a page, not a report; the table checks 2,000). */
export const PROPOSAL_TEXT_MAX = 1_000;
/** An answer or a reason, at most. */
export const PROPOSAL_ANSWER_MAX = 2_000;

/**
 * A proposal not yet registered reminds the OD this many days after it was filed, and again every as many days
 * while it stays so (the mechanism names no number; a week is what an office answers a letter in).
 */
export const PROPOSAL_REGISTER_REMIND_DAYS = 7;

/** The canonical state with overdue derived: a registered proposal past its due day and not answered. */
export function proposalStatus(p: { state: ProposalState; due_on: string | null }, today: string): ProposalState | 'overdue' {
  return p.state === 'registered' && p.due_on !== null && p.due_on < today ? 'overdue' : p.state;
}

/** The title a proposal is listed by: its first line, clipped (the text says "关于……的建议" first, as delegates write). */
export function proposalTitle(text: string, max = 30): string {
  const first = text.trim().split(/\n/)[0]!.trim();
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/**
 * Which reminder of a proposal still waiting to be registered falls on `today` (1, 2, …): the first working day on
 * or after each PROPOSAL_REGISTER_REMIND_DAYS-day mark since it was filed; undefined on other days.
 */
export function registerReminderOn(filedOn: IsoDate, today: IsoDate, calendar: WorkingDayCalendar): number | undefined {
  const days = toDayNumber(today) - toDayNumber(filedOn);
  for (let k = 1; k * PROPOSAL_REGISTER_REMIND_DAYS <= days; k += 1) {
    if (calendar.nextWorkingDay(addDays(filedOn, k * PROPOSAL_REGISTER_REMIND_DAYS)) === today) return k;
  }
  return undefined;
}
