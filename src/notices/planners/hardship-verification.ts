// The hardship registry's verification in May and November (MECHANISM 1.1): the general branch secretaries'
// nudge on the first working day, reminders on the 15th and 25th to those who have not submitted, and the OD's
// list of the general branches still missing on the last working day.
import { OfficeDirectory } from '../offices.ts';
import { NoticePlanRepository } from '../plan-repository.ts';
import { calendarPlanner, toNotices } from '../planner.ts';
import { NOTICE_TEMPLATES as T } from '../templates.ts';

export const hardshipVerification = calendarPlanner({
  kinds: {
    hardship_review_nudge: '困难党员核实提醒',
    hardship_review_reminder: '困难党员核实催报',
    hardship_review_escalation: '困难党员核实督办',
  },
  async plan(db, notice, ctx) {
    const repo = new NoticePlanRepository(db);
    const late = ctx.late;
    const { year, month } = notice.params;
    const period = `${year}-${String(month).padStart(2, '0')}`;
    const pending = await repo.generalBranches(notice.kind === 'hardship_review_nudge' ? undefined : period);
    if (notice.kind === 'hardship_review_escalation') {
      if (pending.length === 0) return [];
      const od = await repo.holders('od_staff');
      const gbs = pending.map((g) => ({ name: g.name }));
      return toNotices(notice.kind, notice.period, od.map((o) => ({ to: o, subject: 'committee', message: T.hardshipReviewEscalation({ year, month, generalBranches: gbs, late }) })));
    }
    // Each GB's nudge to its secretary; a GB without one passes it to the OD (issue 11, point 7).
    const offices = await OfficeDirectory.load(repo.db);
    return pending.flatMap((g) =>
      toNotices(
        notice.kind,
        notice.period,
        offices
          .addressed('gb_secretary', g.id, notice.kind === 'hardship_review_nudge' ? T.hardshipReviewNudge({ generalBranch: g.name, year, month, late }) : T.hardshipReviewReminder({ generalBranch: g.name, month, late }))
          .map((n) => ({ ...n, subject: `gb-${g.id}` })),
      ),
    );
  },
});
