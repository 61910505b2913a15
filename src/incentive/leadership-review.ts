// The leadership review (党员定期评议基层党组织领导班子, MECHANISM 3.1): opening, rating, commenting and results, for
// the chat (leadership-conversation.ts), the admin API (admin/leadership-routes.ts) and the export. Decisions where
// the mechanism is silent (README "Members evaluate their leadership"):
// - The OD opens the year's review ("开启领导班子评议"), once a year; the year is the current one, in January the
//   one just ended. Default with the year-end evaluation: on December's first working day (the year-end nudge day)
//   the OD is nudged with a button that opens it (notices/planners/leadership-review.ts).
// - At the opening every active member with a chat account is carded — two cards, one per committee (branch and
//   GB), three buttons each. Branch and GB committee members, secretaries included, rate too: they are members.
//   Members without an account are not carded and nobody answers for them (a secretary answering would be the
//   evaluated answering); the OD is told how many, to hold those offline.
// - One answer per member and committee, final: a change would need to find the member's earlier answer, which
//   the database cannot. One comment per member and committee, any time while the review is open.
// - Results only after the review closes, for everyone: while it is open a reader who asks twice could learn one
//   member's answer from the difference, so until then only how many have answered is shown.
// - Who sees which results is the access rule's (domain/access.ts leadershipResultsScope); a GB secretary does
//   not see a branch's totals with fewer than LEADERSHIP_MIN_ANSWERS_SHOWN answers.
import type { Transaction } from 'kysely';
import { leadershipResultsScope, type LeadershipResultsScope, type Viewer } from '../domain/access.ts';
import type { IsoDate } from '../domain/dates.ts';
import {
  LEADERSHIP_MIN_ANSWERS_SHOWN,
  LEADERSHIP_TARGETS,
  leadershipReviewLastDay,
  leadershipReviewOpenOn,
  leadershipReviewYear,
  type LeadershipTarget,
} from '../domain/incentive.ts';
import { LeadershipReviewRepository, type LeadershipComment, type LeadershipParticipant, type LeadershipReview, type LeadershipTotal } from '../db/leadership-review-repository.ts';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import type { PlanDb } from '../notices/planner.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { committeeName, LEADERSHIP_TEXT as T, parseRateKey, ratingCard, ratingTaskId, resultsText, type TotalLine } from './leadership-text.ts';

export interface LeadershipEnv {
  trx: Transaction<Database>;
  now: Date;
  today: IsoDate;
}

/** A message to someone other than the one acting (a card to a member), sent once under its key. */
export interface LeadershipNotice {
  recipient: string;
  onceKey: string;
  message: OutboundMessage;
}

export const COMMENT_MAX_CHARS = 500;
const MAX_DAYS = 60;

export type OpenRefusal = 'bad_year' | 'bad_days' | 'already_open' | 'already_held';
export type OpenOutcome =
  | { ok: true; review: LeadershipReview; carded: number; withoutAccount: number; reply: string; notices: LeadershipNotice[] }
  | { ok: false; code: OpenRefusal; reply: string; review?: LeadershipReview };

const organisationOf = (p: LeadershipParticipant, target: LeadershipTarget) => (target === 'branch' ? p.branch : p.general_branch);
const answeredOf = (p: LeadershipParticipant, target: LeadershipTarget) => (target === 'branch' ? p.branch_answered : p.gb_answered);

/** The cards of the committees a participant has not rated yet, one per committee. */
export function cardsFor(review: LeadershipReview, p: LeadershipParticipant, sending: string, opts: { reminder: boolean; late?: boolean }): Array<{ target: LeadershipTarget; message: OutboundMessage }> {
  return LEADERSHIP_TARGETS.filter((t) => !answeredOf(p, t)).map((target) => ({
    target,
    message: ratingCard({
      taskId: ratingTaskId(review.id, p.member_id, target, sending),
      reviewId: review.id,
      year: review.year,
      target,
      organisation: organisationOf(p, target),
      lastDay: review.last_day,
      reminder: opts.reminder,
      ...(opts.late ? { late: true } : {}),
    }),
  }));
}

/**
 * Opens the year's review (`byMemberId` null: the admin API), snapshots who takes part, and cards them. A second
 * opening in the same year is refused saying when it was (or is) held.
 */
export async function openLeadershipReview(env: LeadershipEnv, p: { byMemberId: string | null; year: number | null; days: number | null }): Promise<OpenOutcome> {
  // The year evaluated: this year, or in January also the year just ended (its default then).
  const current = Number(env.today.slice(0, 4));
  const evaluated = leadershipReviewYear(env.today);
  const year = p.year ?? evaluated;
  if (year !== current && year !== evaluated) return { ok: false, code: 'bad_year', reply: T.badYear(year, current, evaluated) };
  const days = p.days ?? (await new SettingsRepository(env.trx).read(['leadership_evaluation_days'])).leadership_evaluation_days;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) return { ok: false, code: 'bad_days', reply: T.badDays(days) };
  const repo = new LeadershipReviewRepository(env.trx);
  const { review, created } = await repo.open({ year, openedOn: env.today, lastDay: leadershipReviewLastDay(env.today, days), byMemberId: p.byMemberId, at: env.now });
  if (!created) {
    if (!leadershipReviewOpenOn(review.opened_on, review.last_day, env.today)) return { ok: false, code: 'already_held', reply: T.alreadyHeld(review.year, review.opened_on, review.last_day), review };
    const progress = await repo.progress(review.id);
    const sum = (k: 'members' | 'answered') => progress.reduce((n, r) => n + r[k], 0);
    return { ok: false, code: 'already_open', reply: T.alreadyOpen(review.year, review.opened_on, review.last_day, sum('members'), sum('answered')), review };
  }
  const participants = await repo.participants(review.id);
  const notices = participants.flatMap((member) =>
    cardsFor(review, member, 'open', { reminder: false }).map((c) => ({ recipient: member.userid, onceKey: `lreview-${review.id}-${member.member_id}-${c.target}`, message: c.message })),
  );
  const withoutAccount = await repo.membersWithoutAccount();
  return {
    ok: true,
    review,
    carded: participants.length,
    withoutAccount,
    notices,
    reply: T.opened({ year: review.year, openedOn: review.opened_on, lastDay: review.last_day, carded: participants.length, withoutAccount }),
  };
}

/** The answer to a rating button. `recorded` false: nothing was counted (and the reply says why). */
export async function rateLeadership(env: LeadershipEnv, memberId: string, key: string): Promise<{ recorded: boolean; reply: string }> {
  const parsed = parseRateKey(key);
  const repo = new LeadershipReviewRepository(env.trx);
  const review = parsed && (await repo.reviewById(parsed.reviewId));
  // A key that names no review reads like one the member is not part of: the same words.
  if (!parsed || !review) return { recorded: false, reply: T.notParticipant };
  if (env.today > review.last_day) return { recorded: false, reply: T.closed(review.year, review.last_day) };
  const me = await repo.participant(review.id, memberId);
  if (!me || env.today < review.opened_on) return { recorded: false, reply: T.notParticipant };
  const outcome = await repo.recordRating(review.id, memberId, parsed.target, parsed.rating);
  const organisation = organisationOf(me, parsed.target);
  if (outcome !== 'recorded') return { recorded: false, reply: outcome === 'already' ? T.alreadyRated(parsed.target, organisation) : T.notParticipant };
  const other = LEADERSHIP_TARGETS.find((t) => t !== parsed.target)!;
  const next = answeredOf(me, other) ? undefined : committeeName(other, organisationOf(me, other));
  return { recorded: true, reply: T.rated(parsed.target, organisation, next) };
}

/** An anonymous comment on one of the member's committees while the review is open. */
export async function commentOnLeadership(env: LeadershipEnv, memberId: string, target: LeadershipTarget, text: string): Promise<{ recorded: boolean; reply: string }> {
  const repo = new LeadershipReviewRepository(env.trx);
  const review = await repo.reviewOpenOn(env.today);
  if (!review) {
    const latest = await repo.latestReview(env.today);
    return { recorded: false, reply: latest && latest.year === leadershipReviewYear(env.today) ? T.closedComment(latest.year, latest.last_day) : T.noReview };
  }
  const me = await repo.participant(review.id, memberId);
  if (!me) return { recorded: false, reply: T.notParticipant };
  if (!text) return { recorded: false, reply: T.emptyComment(target) };
  if ([...text].length > COMMENT_MAX_CHARS) return { recorded: false, reply: T.commentTooLong(COMMENT_MAX_CHARS) };
  const outcome = await repo.recordComment(review.id, memberId, target, text);
  const organisation = organisationOf(me, target);
  if (outcome !== 'recorded') return { recorded: false, reply: outcome === 'already' ? T.alreadyCommented(target, organisation) : T.notParticipant };
  return { recorded: true, reply: T.commented(target, organisation) };
}

/** "评议领导班子": the member's cards again, for what they have not rated; or why there are none. */
export async function myLeadershipReview(env: LeadershipEnv, memberId: string, sending: string): Promise<{ reply: string; cards: OutboundMessage[] }> {
  const repo = new LeadershipReviewRepository(env.trx);
  const review = await repo.reviewOpenOn(env.today);
  if (!review) return { reply: T.noReview, cards: [] };
  const me = await repo.participant(review.id, memberId);
  if (!me) return { reply: T.notParticipant.replace('，本次评议未被记录', ''), cards: [] };
  const cards = cardsFor(review, me, sending, { reminder: false }).map((c) => c.message);
  return { reply: cards.length === 0 ? T.allDone(review.year, review.last_day) : T.cardsAgain(review.year, review.last_day), cards };
}

// ---- results ----

/** A committee's totals as the viewer may see them: null counts where withheld. */
export type ShownTotal = Omit<LeadershipTotal, 'satisfied' | 'basically_satisfied' | 'dissatisfied'> & {
  satisfied: number | null;
  basically_satisfied: number | null;
  dissatisfied: number | null;
};

/**
 * The totals a scope shows (pure): the OD all; a GB secretary the branch committees of their GBs, their counts
 * withheld (null) when 1 or 2 members answered — a total of 1 is one member's answer.
 */
export function shownTotals(totals: readonly LeadershipTotal[], scope: LeadershipResultsScope): ShownTotal[] {
  if (scope.kind === 'all') return [...totals];
  return totals
    .filter((t) => t.kind === 'branch' && scope.generalBranchIds.includes(t.general_branch_id))
    .map((t) => (t.answered > 0 && t.answered < LEADERSHIP_MIN_ANSWERS_SHOWN ? { ...t, satisfied: null, basically_satisfied: null, dissatisfied: null } : t));
}

/** A shown total as the admin API and the `leadership` export write it: the committee rated and its counts. */
export const totalFields = (t: ShownTotal) => ({
  general_branch: t.general_branch,
  branch: t.branch,
  organisation_rated: t.kind,
  satisfied: t.satisfied,
  basically_satisfied: t.basically_satisfied,
  dissatisfied: t.dissatisfied,
  answered: t.answered,
  members: t.members,
});

export type LeadershipResults =
  | { state: 'no_access' }
  | { state: 'none'; year: number }
  | { state: 'in_progress'; review: LeadershipReview; progress: Array<{ general_branch: string; members: number; answered: number }> }
  | { state: 'closed'; review: LeadershipReview; scope: LeadershipResultsScope; totals: ShownTotal[]; comments: LeadershipComment[] | null };

/** The results a viewer may see of the year's review (default: the latest opened). */
export async function leadershipResults(db: PlanDb, viewer: Viewer, today: IsoDate, year: number | null): Promise<LeadershipResults> {
  const scope = leadershipResultsScope(viewer);
  if (!scope) return { state: 'no_access' };
  const repo = new LeadershipReviewRepository(db);
  const review = year === null ? await repo.latestReview(today) : await repo.reviewOfYear(year);
  if (!review || review.opened_on > today) return { state: 'none', year: year ?? leadershipReviewYear(today) };
  if (today <= review.last_day) {
    const progress = (await repo.progress(review.id)).filter((g) => scope.kind === 'all' || scope.generalBranchIds.includes(g.general_branch_id));
    return { state: 'in_progress', review, progress };
  }
  const totals = shownTotals(await repo.totals(review.id, scope.kind === 'all' ? undefined : scope.generalBranchIds), scope);
  return { state: 'closed', review, scope, totals, comments: scope.comments ? await repo.comments(review.id) : null };
}

/** The results as the chat says them. */
export function leadershipResultsText(r: LeadershipResults): string {
  switch (r.state) {
    case 'no_access':
      return T.noResults;
    case 'none':
      return T.noReviewYet(r.year);
    case 'in_progress':
      return T.inProgress({ year: r.review.year, lastDay: r.review.last_day, lines: r.progress.map((g) => `${g.general_branch}：参评${g.members}人，已完成${g.answered}人`) });
    case 'closed':
      return resultsText({
        year: r.review.year,
        openedOn: r.review.opened_on,
        lastDay: r.review.last_day,
        scopeLabel: r.scope.kind === 'all' ? '全部党组织' : '所属党支部',
        totals: r.totals satisfies TotalLine[],
        comments: r.comments,
      });
  }
}
