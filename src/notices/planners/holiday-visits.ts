// Holiday visits (MECHANISM 2.1): the branch secretaries' list of members to visit before a holiday and the
// reminder of those not yet visited, the OD's summary after it; and the OD's warning when a year has no
// official holiday data (working days are then guessed from weekends, holidays and make-up days unknown).
import { NoticePlanRepository } from '../plan-repository.ts';
import { byKey, calendarPlanner, toNotices, type NoticeOf, type PlanContext, type PlannedNotice } from '../planner.ts';
import { NOTICE_TEMPLATES as T } from '../templates.ts';

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
  const rows = await repo.holidayVisitees(p, ctx.holidayListDaysBefore);
  if (rows.length === 0) return [];
  const byGb = byKey(rows, (r) => r.gb);
  const lines = [...byGb.entries()].map(([gb, list]) => ({ name: gb, detail: `应访 ${list.length}，已访 ${list.filter((r) => r.visited).length}` }));
  const od = await repo.holders('od_staff');
  return toNotices(
    notice.kind,
    notice.period,
    od.map((o) => ({ to: o, subject: 'committee', message: T.holidayVisitSummary({ holiday: p.name, date: p.date, rows: lines, visited: rows.filter((r) => r.visited).length, total: rows.length, late: ctx.late }) })),
  );
}

async function branchLists(repo: NoticePlanRepository, notice: NoticeOf<'holiday_visit_list' | 'holiday_visit_reminder'>, ctx: PlanContext): Promise<PlannedNotice[]> {
  const p = notice.params;
  const rows = await repo.holidayVisitees(p, ctx.holidayListDaysBefore);
  const reminder = notice.kind === 'holiday_visit_reminder';
  const byBranch = byKey(reminder ? rows.filter((r) => !r.visited) : rows, (r) => r.branch_id);
  const out: PlannedNotice[] = [];
  for (const s of await repo.holders('branch_secretary')) {
    const list = byBranch.get(s.org_id);
    if (!list?.length) continue;
    const members = list.map((r) => ({ name: r.name, detail: [r.hardship ? '生活困难' : '', r.old ? '老党员' : ''].filter(Boolean).join('、') }));
    out.push(...toNotices(notice.kind, notice.period, [{ to: s, subject: `branch-${s.org_id}`, message: T.holidayVisitList({ branch: list[0]!.branch, holiday: p.name, date: p.date, members, reminder, late: ctx.late }) }]));
  }
  return out;
}
