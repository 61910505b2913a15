// The leadership review's notices (评议领导班子, MECHANISM 3.1):
// - leadershipReviewNudge (calendar, 'leadership_review_nudge'): on December's first working day, the year-end
//   evaluation's nudge day, the OD gets a card whose button opens the year's review — unless it is already open.
// - leadershipReviewReminders (daily): while a review is open, every third working day after the opening and on
//   its last working day, each member who has not rated both committees gets the card(s) of what is left. The
//   reminder's period is the day, so each reminder day sends once (the sweep's UNIQUE key); none after it closes,
//   none to a member who has answered both. Quiet hours and catch-up come from the notice machinery.
import { leadershipReminderDue, leadershipReviewOpenOn } from '../../domain/incentive.ts';
import { LeadershipReviewRepository } from '../../db/leadership-review-repository.ts';
import { SettingsRepository } from '../../db/settings-repository.ts';
import { cardsFor } from '../../incentive/leadership-review.ts';
import { openNudgeCard } from '../../incentive/leadership-text.ts';
import { NoticePlanRepository } from '../plan-repository.ts';
import { calendarPlanner, type DailyPlanner, type PlanContext, type PlanDb, type PlannedNotice } from '../planner.ts';
import { assertRendered } from '../templates.ts';

export const leadershipReviewNudge = calendarPlanner({
  kinds: { leadership_review_nudge: '领导班子评议开启提醒' },
  async plan(db, notice, ctx) {
    const { year } = notice.params;
    if (await new LeadershipReviewRepository(db).reviewOfYear(year)) return [];
    const { leadership_evaluation_days: days } = await new SettingsRepository(db).read(['leadership_evaluation_days']);
    const od = await new NoticePlanRepository(db).holders('od_staff');
    return od.map((o) => ({
      kind: notice.kind,
      recipientMemberId: o.member_id,
      recipientUserid: o.userid,
      subject: 'committee',
      period: notice.period,
      message: assertRendered(openNudgeCard({ taskId: `lropen${year}-m${o.member_id}`, year, days, late: ctx.late })),
    }));
  },
});

export const leadershipReviewReminders: DailyPlanner = {
  family: 'leadership_review_reminders',
  label: '领导班子评议催办',
  plan: planReminders,
};

async function planReminders(db: PlanDb, { date, calendar, late }: PlanContext): Promise<PlannedNotice[]> {
  if (!calendar.isWorkingDay(date)) return [];
  const repo = new LeadershipReviewRepository(db);
  const review = await repo.reviewOpenOn(date);
  if (!review || !leadershipReviewOpenOn(review.opened_on, review.last_day, date) || !leadershipReminderDue(calendar, review.opened_on, review.last_day, date)) return [];
  const out: PlannedNotice[] = [];
  for (const member of await repo.participants(review.id, { unansweredOnly: true })) {
    for (const card of cardsFor(review, member, `d${date.replaceAll('-', '')}`, { reminder: true, late })) {
      out.push({
        kind: 'leadership_review_reminder',
        recipientMemberId: member.member_id,
        recipientUserid: member.userid,
        subject: `leadership-${review.id}-${card.target}`,
        period: date,
        message: assertRendered(card.message),
      });
    }
  }
  return out;
}
