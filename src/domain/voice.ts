// Members' voice (MECHANISM 3.1, issue 14): the canonical codes of reporting work, open Party affairs,
// suggestions and delegates' proposals, with their Chinese labels; a suggestion's derived state and whom it was
// escalated to. Pure.
import type { WorkingDayCalendar } from './calendar.ts';
import { addDays, toDayNumber, type IsoDate } from './dates.ts';
import { clipText } from './format.ts';
import { reminderDays } from './obligations.ts';

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

// ---- suggestions (意见建议, issue 14 section 2) ----

/**
 * Whom a suggestion is addressed to: an office (the branch secretary by default, the GB secretary, the committee
 * secretary, the OD) or the committee member linked (挂联) to the writer's general branch.
 */
export const SUGGESTION_ADDRESSEES = ['branch_secretary', 'gb_secretary', 'linked_committee_member', 'committee_secretary', 'od'] as const;
export type SuggestionAddressee = (typeof SUGGESTION_ADDRESSEES)[number];

export const SUGGESTION_ADDRESSEE_LABEL: Readonly<Record<SuggestionAddressee, string>> = {
  branch_secretary: '支部书记',
  gb_secretary: '党总支书记',
  linked_committee_member: '挂联党委委员',
  committee_secretary: '党委书记',
  od: '党委组织部',
};

/** Stored states; `overdue` is derived (awaiting a reply past the due date), never stored. */
export const SUGGESTION_STATES = ['awaiting_reply', 'replied'] as const;
export type SuggestionStoredState = (typeof SUGGESTION_STATES)[number];
export type SuggestionState = SuggestionStoredState | 'overdue';

export const SUGGESTION_STATE_LABEL: Readonly<Record<SuggestionState, string>> = { awaiting_reply: '待回复', replied: '已回复', overdue: '已逾期' };

/** A suggestion's state today: overdue when it still awaits a reply after its due day. */
export function suggestionState(stored: SuggestionStoredState, dueOn: string, today: string): SuggestionState {
  return stored === 'awaiting_reply' && today > dueOn ? 'overdue' : stored;
}

/** A suggestion's number as the chat writes it: 建议12. */
export const suggestionNumber = (id: string): string => `建议${id}`;

/** An office a suggestion answers to: the addressed one, or one it was escalated to. */
export interface SuggestionOffice {
  role: 'branch_secretary' | 'gb_secretary' | 'committee_secretary' | 'od_staff';
  organisationId: string;
}

/** The stored role of an addressed office (a linked committee member is a person: none). */
export function officeOfAddressee(addressee: SuggestionAddressee, organisationId: string): SuggestionOffice | undefined {
  if (addressee === 'linked_committee_member') return undefined;
  return { role: addressee === 'od' ? 'od_staff' : addressee, organisationId };
}

export interface SuggestionDates {
  addresseeOffice: SuggestionAddressee;
  generalBranchId: string;
  committeeId: string;
  filedOn: string;
  dueOn: string;
  /** Null while it awaits a reply. */
  repliedOn: string | null;
}

/**
 * The office one level up from the addressee (MECHANISM "Rules for every reminder": branch → GB → OD): a branch
 * secretary's is the GB secretary; everyone else's is the OD — not the committee secretary, who is not among those
 * who may see a suggestion (only the writer, the addressee and the OD).
 */
export function suggestionOneUp(s: Pick<SuggestionDates, 'addresseeOffice' | 'generalBranchId' | 'committeeId'>): { role: 'gb_secretary' | 'od_staff'; organisationId: string } {
  return s.addresseeOffice === 'branch_secretary' ? { role: 'gb_secretary', organisationId: s.generalBranchId } : { role: 'od_staff', organisationId: s.committeeId };
}

/**
 * The offices a suggestion has been escalated to by `today`: one level up from the day it is 3 days overdue,
 * the OD from the day it is 7 (each moved to the next working day) — the days of domain/obligations.ts
 * reminderDays, on which the sweep tells them. A reply before that day means it never was; a reply on that day counts as after the 09:00 notice.
 */
export function suggestionEscalations(s: SuggestionDates, today: string, calendar: WorkingDayCalendar): Array<{ step: 'overdue_3' | 'overdue_7'; office: SuggestionOffice }> {
  const days = reminderDays({ dueOn: s.dueOn, createdOn: s.filedOn }, calendar);
  const out: Array<{ step: 'overdue_3' | 'overdue_7'; office: SuggestionOffice }> = [];
  const reached = (day: string | undefined) => day !== undefined && day <= today && (s.repliedOn === null || s.repliedOn >= day);
  if (reached(days.overdue_3)) out.push({ step: 'overdue_3', office: suggestionOneUp(s) });
  if (reached(days.overdue_7)) out.push({ step: 'overdue_7', office: { role: 'od_staff', organisationId: s.committeeId } });
  return out;
}

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
  return clipText(text.trim().split(/\n/)[0]!.trim(), max);
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
// ---- reporting work and open Party affairs (通报工作, 党务公开) ----

/**
 * To whom an announcement goes, by the sender's office: the OD (for the committee) to every GB and branch secretary
 * (向各支部通报) or to all members (党务公开); a GB secretary to the GB's members or its branch secretaries; a branch
 * secretary to the branch's members. Who may choose which is the access rule's (access.ts announcementTargetOf).
 */
export const ANNOUNCEMENT_AUDIENCES = ['all_secretaries', 'all_members', 'gb_members', 'gb_secretaries', 'branch_members'] as const;
export type AnnouncementAudience = (typeof ANNOUNCEMENT_AUDIENCES)[number];

/** The kind an audience's announcement is: open Party affairs to all members, reporting work otherwise. */
export const ANNOUNCEMENT_KIND_OF: Readonly<Record<AnnouncementAudience, Extract<VoiceKind, 'report_work' | 'announcement'>>> = {
  all_secretaries: 'report_work',
  all_members: 'announcement',
  gb_members: 'report_work',
  gb_secretaries: 'report_work',
  branch_members: 'report_work',
};

/** The audience as the sender's preview and the reader's archive name it. */
export const ANNOUNCEMENT_AUDIENCE_LABEL: Readonly<Record<AnnouncementAudience, string>> = {
  all_secretaries: '各党总支、党支部书记',
  all_members: '全体党员',
  gb_members: '本总支党员',
  gb_secretaries: '本总支各支部书记',
  branch_members: '本支部党员',
};

/** What an announcement publishes besides work (MECHANISM 3.1: exemplary deeds and commendations). */
export const ANNOUNCEMENT_CATEGORIES = ['exemplary_deeds', 'commendation'] as const;
export type AnnouncementCategory = (typeof ANNOUNCEMENT_CATEGORIES)[number];

export const ANNOUNCEMENT_CATEGORY_LABEL: Readonly<Record<AnnouncementCategory, string>> = {
  exemplary_deeds: '典型事迹',
  commendation: '表彰公示',
};
