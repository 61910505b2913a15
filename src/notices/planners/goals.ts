// Goals and commitments (组织目标管理, 个人亮岗履职, MECHANISM 3.3): on January's first working day each branch's
// and general branch's secretary is asked to record the organisation's goals for the year and every reachable
// member their post commitment; two weeks later the reminder goes only to those who have not — the secretaries of
// organisations without goals for the year, the members without a commitment. A vacant secretary's office passes
// its nudge up (OfficeDirectory). Members without a chat account are not messaged.
import { GoalStatementRepository } from '../../db/goal-statement-repository.ts';
import { OfficeDirectory } from '../offices.ts';
import { NoticePlanRepository } from '../plan-repository.ts';
import { calendarPlanner, collect, toNotices, toSameNotices, type NoticeOf, type NoticeStream, type PlanContext, type PlanDb } from '../planner.ts';
import { assertRendered, NOTICE_TEMPLATES as T } from '../templates.ts';

export const goals = calendarPlanner({
  kinds: {
    goals_nudge: '组织目标与亮岗承诺提醒',
    goals_reminder: '组织目标与亮岗承诺催办',
  },
  plan: (db, notice, ctx) => collect(goalsAndCommitments(db, notice, ctx)),
  // Every member is nudged on one day: read in pages, like the self-evaluation nudge.
  stream: (db, notice, ctx) => goalsAndCommitments(db, notice, ctx),
});

function goalsAndCommitments(db: PlanDb, notice: NoticeOf<'goals_nudge' | 'goals_reminder'>, ctx: PlanContext): NoticeStream {
  const { year } = notice.params;
  const reminder = notice.kind === 'goals_reminder';
  const statements = new GoalStatementRepository(db);
  const without = reminder ? year : undefined;
  // One text for every member (no name in it): the sweep sends it in batches.
  const message = assertRendered(T.commitmentNudge({ year, reminder, late: ctx.late }));
  return {
    size: () => statements.countReachable(without),
    async *chunks() {
      const plan = new NoticePlanRepository(db);
      const withGoals = reminder ? await statements.organisationsWithGoals(year) : new Set<string>();
      const offices = await OfficeDirectory.load(db);
      const organisations = [
        ...(await plan.generalBranches()).map((o) => ({ ...o, level: 'general_branch' as const, role: 'gb_secretary' as const, subject: `gb-${o.id}` })),
        ...(await plan.branches()).map((o) => ({ ...o, level: 'branch' as const, role: 'branch_secretary' as const, subject: `branch-${o.id}` })),
      ].filter((o) => !withGoals.has(o.id));
      yield organisations.flatMap((o) =>
        toNotices(
          notice.kind,
          notice.period,
          offices
            // A stand-in for a vacant secretary names the organisation (本支部 would be their own).
            .addressed(o.role, o.id, T.goalsNudge({ organisation: o.name, level: o.level, year, reminder, late: ctx.late, standIn: offices.answering(o.role, o.id).vacant.length > 0 }))
            .map((n) => ({ ...n, subject: o.subject })),
        ),
      );
      for await (const page of statements.reachableMemberPages(without, ctx.pageSize)) yield toSameNotices(notice.kind, notice.period, page, message);
    },
  };
}
