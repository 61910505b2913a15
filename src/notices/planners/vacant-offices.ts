// Vacant offices (MECHANISM "Offices, not only people"; issue 11, point 7): a branch or general branch with no
// secretary who can be reached passes its notices and obligations one level up (notices/offices.ts), and the OD
// is told which offices are vacant — once per vacancy, not every day: the notice's period is the day the latest
// vacancy began, so a day that finds no new one repeats nothing, and a new one brings the whole list again.
import { OFFICE_TITLES } from '../../domain/offices.ts';
import { chineseFullDate } from '../../domain/format.ts';
import { OfficeRepository } from '../../db/office-repository.ts';
import { NoticePlanRepository } from '../plan-repository.ts';
import { toNotices, type DailyPlanner, type PlannedNotice } from '../planner.ts';
import { NOTICE_TEMPLATES as T } from '../templates.ts';

export const vacantOffices: DailyPlanner = {
  family: 'office_vacancies',
  label: '组织负责人空缺提示',
  async plan(db, ctx): Promise<PlannedNotice[]> {
    const vacancies = await new OfficeRepository(db).openVacancies();
    if (vacancies.length === 0) return [];
    const latest = vacancies.reduce((d, v) => (v.since > d ? v.since : d), vacancies[0]!.since);
    const lines = vacancies.map((v) => ({
      name: v.role === 'branch_secretary' && v.parent_name ? `${v.parent_name}${v.name}` : v.name,
      detail: `${v.unreachable_holder ? `${OFFICE_TITLES[v.role]}${v.unreachable_holder}未绑定企业微信/钉钉` : `暂无${OFFICE_TITLES[v.role]}`}，${v.since === latest ? '新发现' : `自${chineseFullDate(v.since)}起`}`,
    }));
    const od = await new NoticePlanRepository(db).holders('od_staff');
    const message = T.vacantOffices({ offices: lines, late: ctx.late });
    return toNotices('office_vacancies', `since-${latest}`, od.map((o) => ({ to: o, subject: 'office-vacancies', message })));
  },
};
