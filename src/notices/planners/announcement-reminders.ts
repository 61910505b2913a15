// The announcement reminder (通报工作, 党务公开, MECHANISM 3.1 and Defaults "announcement unread reminder: once,
// after 3 days"): on a working day, the recipients with an account who have not read an announcement that went out
// `announcement_reminder_days` (setting) or more days before get one card saying it is a reminder, with 已阅 as on
// the original. Once per recipient: the notice's period is the announcement itself, so the sweep's UNIQUE key takes
// each (recipient, announcement) once whatever day it runs. A reminder missed for more than REMIND_WITHIN_DAYS
// (the sweep down for weeks) is not sent that late. The sender is never a recipient, so never reminded.
import { addDays } from '../../domain/dates.ts';
import { AnnouncementRepository } from '../../db/announcement-repository.ts';
import { SettingsRepository } from '../../db/settings-repository.ts';
import { announcementTitle, recipientCard } from '../../voice/announcement-text.ts';
import type { DailyPlanner, PlanContext, PlanDb, PlannedNotice } from '../planner.ts';

const REMIND_WITHIN_DAYS = 14;

export const announcementReminders: DailyPlanner = {
  family: 'announcement_reminders',
  label: '通报未阅提醒',
  plan: planReminders,
};

async function planReminders(db: PlanDb, { date, calendar }: PlanContext): Promise<PlannedNotice[]> {
  if (!calendar.isWorkingDay(date)) return [];
  const { announcement_reminder_days: days } = await new SettingsRepository(db).read(['announcement_reminder_days']);
  const deliveredBy = addDays(date, -days);
  const due = await new AnnouncementRepository(db).unreadToRemind(deliveredBy, addDays(deliveredBy, -REMIND_WITHIN_DAYS));
  return due.map(({ announcement: a, member_id, userid }) => ({
    kind: 'announcement_reminder',
    recipientMemberId: member_id,
    recipientUserid: userid,
    subject: `announcement-${a.id}`,
    period: `announcement-${a.id}`,
    // Not assertRendered: the card carries the sender's own words, which may well say "null" or "NaN".
    message: recipientCard({ taskId: `ann${a.id}r${member_id}`, id: a.id, title: announcementTitle(a), body: a.body, sentOn: a.deliver_on!, reminder: true }),
  }));
}
