// The ends of fixed monthly subsidies' terms (定额补助, MECHANISM 1.2). On the first working day of the month that is
// subsidy_renewal_months_before the end month, the sweep opens the OD's renewal task (assistance/subsidy-upkeep.ts);
// this planner sends the OD the card that decides it — 续期 / 到期终止, with the next term and the budget — once
// per subsidy, on the first working day the task is open. The task's reminders and escalations are the
// assistance-tasks planner's. And when a term has run out without renewal, the member is told once (a member
// without a chat account through their branch secretary).
import { budgetCheck, factsOf, subsidySettings, termOf } from '../../assistance/subsidies.ts';
import { forSecretary, MEMBER_TEXT, renewalCard } from '../../assistance/subsidy-text.ts';
import { addDays } from '../../domain/dates.ts';
import { nextTerm } from '../../domain/subsidy.ts';
import { SubsidyRepository } from '../../db/subsidy-repository.ts';
import { OfficeDirectory } from '../offices.ts';
import type { DailyPlanner, PlannedNotice } from '../planner.ts';
import { assertRendered } from '../templates.ts';

/** How long after a term ran out its member may still be told (a sweep missed for days catches up). */
const TELL_ENDED_WITHIN_DAYS = 14;

export const subsidyTerms: DailyPlanner = {
  family: 'subsidy_terms',
  label: '定额补助续期询问与期满告知',
  async plan(db, { date, calendar, late }) {
    if (!calendar.isWorkingDay(date)) return [];
    const repo = new SubsidyRepository(db);
    const open = (await repo.openRenewals()).filter((s) => s.opened_on <= date);
    const ended = await repo.endedWithoutRenewalSince(new Date(`${addDays(date, -TELL_ENDED_WITHIN_DAYS)}T00:00:00Z`));
    if (open.length === 0 && ended.length === 0) return [];
    const offices = await OfficeDirectory.load(db);
    const out: PlannedNotice[] = [];
    const { termMonths, budgetYuan } = await subsidySettings(db);
    for (const s of open) {
      const next = nextTerm(termOf(s), termMonths);
      const excess = await budgetCheck(db, { ...next, amountFen: s.amount_fen }, budgetYuan);
      for (const to of offices.answering('od_staff', s.committee_id).holders) {
        if (to.member_id === s.member_id) continue;
        out.push({
          kind: 'subsidy_renewal_asked',
          recipientMemberId: to.member_id,
          recipientUserid: to.userid,
          subject: `subsidy-${s.id}`,
          period: `renewal@${s.end_month}`,
          message: assertRendered(renewalCard(factsOf(s), { next, dueOn: s.due_on, excess, recipientMemberId: to.member_id, late })),
        });
      }
    }
    for (const s of ended) {
      const words = MEMBER_TEXT.ended(termOf(s));
      const recipients = s.member_userid
        ? [{ member_id: s.member_id, userid: s.member_userid, content: words }]
        : offices
            .answering('branch_secretary', s.branch_id)
            .holders.filter((h) => h.member_id !== s.member_id)
            .map((h) => ({ member_id: h.member_id, userid: h.userid, content: forSecretary(s.member_name, words) }));
      for (const r of recipients) {
        out.push({
          kind: 'subsidy_ended',
          recipientMemberId: r.member_id,
          recipientUserid: r.userid,
          subject: `subsidy-${s.id}`,
          period: `ended@${s.end_month}`,
          message: assertRendered({ type: 'text', content: r.content }),
        });
      }
    }
    return out;
  },
};
