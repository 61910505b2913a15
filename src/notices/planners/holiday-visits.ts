// Holiday visits (MECHANISM 2.1; issue 11, point 12): each member a branch owes a holiday visit is an obligation
// of the branch, due on the holiday, opened by the sweep on the day the list goes out (sweep.ts). The branch
// secretaries' list 14 days before, the reminder 3 days before naming only the obligations still open, the OD's
// summary after the holiday counting those done; a branch without a secretary passes its list up. And the OD's
// warning when a year has no official holiday data (working days are then guessed from weekends).
import { OfficeDirectory } from '../offices.ts';
import { NoticePlanRepository, type Visitee } from '../plan-repository.ts';
import { byKey, calendarPlanner, toNotices, type NoticeOf, type PlanContext, type PlannedNotice } from '../planner.ts';
import { holidayName, NOTICE_TEMPLATES as T } from '../templates.ts';

export const holidayVisits = calendarPlanner({
  kinds: {
    holiday_visit_list: '节日走访名单',
    holiday_visit_reminder: '节日走访提醒',
    holiday_visit_summary: '节日走访汇总',
    holiday_data_missing: '节假日数据缺失提示',
  },
  async plan(db, notice, ctx) {
    const repo = new NoticePlanRepository(db);
    if (notice.kind === 'holiday_data_missing') {
      const od = await repo.holders('od_staff');
      return toNotices(notice.kind, notice.period, od.map((o) => ({ to: o, subject: 'committee', message: T.holidayDataMissing({ year: notice.params.year }) })));
    }
    return notice.kind === 'holiday_visit_summary' ? summary(repo, notice, ctx) : branchLists(repo, notice, ctx);
  },
});

async function summary(repo: NoticePlanRepository, notice: NoticeOf<'holiday_visit_summary'>, ctx: PlanContext): Promise<PlannedNotice[]> {
  const p = notice.params;
  const rows = await repo.holidayVisitObligations(p, notice.period);
  if (rows.length === 0) return [];
  const byGb = byKey(rows, (r) => r.gb);
  const lines = [...byGb.entries()].map(([gb, list]) => ({ name: gb, detail: `应访 ${list.length}，已访 ${list.filter((r) => r.done).length}` }));
  const od = await repo.holders('od_staff');
  const message = T.holidayVisitSummary({ holiday: holidayName(p), date: p.date, rows: lines, visited: rows.filter((r) => r.done).length, total: rows.length, late: ctx.late });
  return toNotices(notice.kind, notice.period, od.map((o) => ({ to: o, subject: 'committee', message })));
}

async function branchLists(repo: NoticePlanRepository, notice: NoticeOf<'holiday_visit_list' | 'holiday_visit_reminder'>, ctx: PlanContext): Promise<PlannedNotice[]> {
  const p = notice.params;
  const reminder = notice.kind === 'holiday_visit_reminder';
  // The list names whom the branch owes; the reminder only the holiday's obligations still open.
  const rows: Visitee[] = reminder ? (await repo.holidayVisitObligations(p, notice.period)).filter((r) => !r.done) : await repo.holidayVisitees(p, notice.period);
  const offices = await OfficeDirectory.load(repo.db);
  const out: PlannedNotice[] = [];
  // One list per branch and owning office: a branch's only secretary, himself listed, is not asked to visit
  // himself — his visit is owed, and listed, one level up (nobody owes themselves).
  for (const list of byKey(rows, (r) => `${r.branch_id}|${r.owner_role}|${r.owner_org}`).values()) {
    const { branch_id: branchId, owner_role: ownerRole, owner_org: ownerOrg } = list[0]!;
    const members = list.map((r) => ({ name: r.name, detail: [r.hardship ? '生活困难' : '', r.old ? '老党员' : ''].filter(Boolean).join('、') }));
    const ownSecretary = ownerRole !== 'branch_secretary';
    const message = T.holidayVisitList({ branch: list[0]!.branch, holiday: holidayName(p), date: p.date, members, reminder, late: ctx.late, ownSecretary });
    // Each visit owed is remembered for whoever gets the list, so “已完成” or “已走访，……” can refer to it.
    const remember = list.flatMap((r) => (r.obligation_id ? [{ topic: 'obligation', ref: r.obligation_id }] : []));
    const subject = ownSecretary ? `branch-${branchId}-${ownerRole}` : `branch-${branchId}`;
    const addressed = offices.addressed(ownerRole, ownerOrg, message).map((n) => ({ ...n, subject }));
    out.push(...toNotices(notice.kind, notice.period, addressed).map((n) => (remember.length > 0 ? { ...n, remember } : n)));
  }
  return out;
}
