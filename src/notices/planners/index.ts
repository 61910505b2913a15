// Every notice the daily sweep sends, one planner per family. A new notice is a file in this folder and one
// line in PLANNERS; each calendar kind (domain/schedule.ts) must have exactly one planner
// (test/unit/notice-planners.test.ts).
import type { NoticeKind } from '../../domain/schedule.ts';
import type { CalendarPlanner, DailyPlanner, NoticePlanner } from '../planner.ts';
import { announcementReminders } from './announcement-reminders.ts';
import { assistanceTasks } from './assistance-tasks.ts';
import { birthdays } from './birthdays.ts';
import { evaluations } from './evaluations.ts';
import { excellentMembers } from './excellent-members.ts';
import { goals } from './goals.ts';
import { hardshipVerification } from './hardship-verification.ts';
import { leadershipReviewNudge, leadershipReviewReminders } from './leadership-review.ts';
import { holidayVisits } from './holiday-visits.ts';
import { obligationReminders } from './obligation-reminders.ts';
import { pairingMonthly } from './pairing-monthly.ts';
import { pairingNudges } from './pairing-nudges.ts';
import { partyAgeCertificates } from './party-age-certificates.ts';
import { proposalReminders } from './proposals.ts';
import { subsidyPayments } from './subsidy-payments.ts';
import { suggestions } from './suggestions.ts';
import { subsidyTerms } from './subsidy-terms.ts';
import { talkQuotas } from './talk-quotas.ts';
import { dashboardDigests } from './dashboard-digests.ts';
import { vacantOffices } from './vacant-offices.ts';

export const PLANNERS: readonly NoticePlanner[] = [
  birthdays,
  holidayVisits,
  hardshipVerification,
  subsidyPayments,
  evaluations,
  excellentMembers,
  goals,
  talkQuotas,
  obligationReminders,
  assistanceTasks,
  subsidyTerms,
  vacantOffices,
  pairingMonthly,
  pairingNudges,
  partyAgeCertificates,
  leadershipReviewNudge,
  leadershipReviewReminders,
  suggestions,
  proposalReminders,
  announcementReminders,
  dashboardDigests,
];

const isCalendar = (p: NoticePlanner): p is CalendarPlanner => 'kinds' in p;

/** The planner of a calendar notice kind; throws if none is registered (the sweep reports that family failed). */
export function plannerFor(kind: NoticeKind): CalendarPlanner {
  const planner = PLANNERS.filter(isCalendar).find((p) => Object.hasOwn(p.kinds, kind));
  if (!planner) throw new Error(`no planner for notice kind ${kind}`);
  return planner;
}

/** The planners that run every day whatever the calendar says, in the order they are listed. */
export function dailyPlanners(): DailyPlanner[] {
  return PLANNERS.filter((p): p is DailyPlanner => !isCalendar(p));
}

/** A family's Chinese name, for the OD's message when it fails; the family's own name if it has none. */
export function familyLabel(family: string): string {
  for (const p of PLANNERS) {
    if (isCalendar(p) && Object.hasOwn(p.kinds, family)) return p.kinds[family as NoticeKind];
    if (!isCalendar(p) && p.family === family) return p.label;
  }
  return family;
}
