// Evaluations (MECHANISM 3.3): every member's quarterly self-evaluation nudge and reminder, and the branch
// secretaries' half-year and year-end evaluation nudges (the January reminder only to branches that have not
// recorded the year-end evaluation: src/incentive/grades.ts).
import { EvaluationGradeRepository } from '../../db/evaluation-grade-repository.ts';
import { SelfEvaluationRepository } from '../../db/self-evaluation-repository.ts';
import { OfficeDirectory } from '../offices.ts';
import { NoticePlanRepository } from '../plan-repository.ts';
import { assertRendered } from '../templates.ts';
import { calendarPlanner, collect, toNotices, toSameNotices, type NoticeOf, type NoticeStream, type PlanContext, type PlanDb, type PlannedNotice } from '../planner.ts';
import { NOTICE_TEMPLATES as T } from '../templates.ts';

export const evaluations = calendarPlanner({
  kinds: {
    self_eval_nudge: '党员自评提醒',
    self_eval_reminder: '党员自评催办',
    half_year_eval_nudge: '半年评议提醒',
    year_end_eval_nudge: '年终评议提醒',
    year_end_eval_reminder: '年终评议催办',
  },
  plan(db, notice, ctx) {
    const repo = new NoticePlanRepository(db);
    switch (notice.kind) {
      case 'self_eval_nudge':
      case 'self_eval_reminder':
        return collect(selfEvaluation(db, notice, ctx));
      case 'half_year_eval_nudge':
      case 'year_end_eval_nudge':
      case 'year_end_eval_reminder':
        return branchEvaluation(repo, notice, ctx);
    }
  },
  // The self-evaluation nudge goes to every member on one day: the heaviest day of the year, read in pages.
  stream(db, notice, ctx) {
    return notice.kind === 'self_eval_nudge' || notice.kind === 'self_eval_reminder' ? selfEvaluation(db, notice, ctx) : undefined;
  },
});

function selfEvaluation(db: PlanDb, notice: NoticeOf<'self_eval_nudge' | 'self_eval_reminder'>, ctx: PlanContext): NoticeStream {
  // The nudge to every reachable active member; the reminder a week later only to those who have not submitted
  // for the quarter, and to each branch's secretary the branch's count (members without an account included:
  // nobody messages them, their secretary submits for them). A branch without a secretary passes it up.
  const p = notice.params;
  const reminder = notice.kind === 'self_eval_reminder';
  const selfEvaluations = new SelfEvaluationRepository(db);
  const unsubmitted = reminder ? { year: p.year, quarter: p.quarter } : undefined;
  // One text for everyone (no name in it): the sweep sends it in batches.
  const message = assertRendered(T.selfEvalNudge({ year: p.year, quarter: p.quarter, windowEnd: p.windowEnd, reminder, late: ctx.late }));
  return {
    size: () => selfEvaluations.countReachable(unsubmitted),
    async *chunks() {
      for await (const page of selfEvaluations.reachableMemberPages(unsubmitted, ctx.pageSize)) yield toSameNotices(notice.kind, notice.period, page, message);
      if (!reminder) return;
      const offices = await OfficeDirectory.load(db);
      const counts = await selfEvaluations.branchCounts(p.year, p.quarter);
      yield counts.flatMap((c) =>
        toNotices(
          notice.kind,
          notice.period,
          offices
            .addressed('branch_secretary', c.branch_id, T.selfEvalBranchCount({ branch: c.branch, year: p.year, quarter: p.quarter, windowEnd: p.windowEnd, active: c.active, submitted: c.submitted, late: ctx.late }))
            .map((n) => ({ ...n, subject: `branch-${c.branch_id}` })),
        ),
      );
    },
  };
}

async function branchEvaluation(repo: NoticePlanRepository, notice: NoticeOf<'half_year_eval_nudge' | 'year_end_eval_nudge' | 'year_end_eval_reminder'>, ctx: PlanContext): Promise<PlannedNotice[]> {
  // The branch holds the evaluation and records its grades; selecting excellent members under the cap is the
  // GB's (issue 13 section 4), so the branch's text says nothing of a proportion.
  const how = (label: string) => `。完成后请发送“${label}：全体合格，其中×××优秀”登记评定结果（个别同志可逐人发送“${label}：×××基本合格”）`;
  const title =
    notice.kind === 'half_year_eval_nudge'
      ? { title: `${notice.params.year}年上半年党员考评`, deadline: `7月底前完成${how('半年考评')}` }
      : {
          title: `${notice.params.evaluatedYear}年度党员总评`,
          deadline: notice.kind === 'year_end_eval_nudge' ? `年底前完成${how('年底总评')}` : `本支部尚未登记，请于1月底前完成${how('年底总评')}`,
        };
  // The January reminder only to the branches that have not recorded the year-end evaluation.
  const done = notice.kind === 'year_end_eval_reminder' ? await new EvaluationGradeRepository(repo.db).heldBranchIds('year_end', notice.params.evaluatedYear) : new Set<string>();
  // Each branch's nudge to its secretary; a branch without one passes it up (issue 11, point 7).
  const offices = await OfficeDirectory.load(repo.db);
  return (await repo.branches())
    .filter((b) => !done.has(b.id))
    .flatMap((b) =>
      toNotices(notice.kind, notice.period, offices.addressed('branch_secretary', b.id, T.evaluationNudge({ branch: b.name, ...title, late: ctx.late })).map((n) => ({ ...n, subject: `branch-${b.id}` }))),
    );
}
