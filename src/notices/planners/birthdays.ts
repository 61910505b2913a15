// Political birthdays (MECHANISM 2.3): the member's greeting, the branch secretary's month list and activity
// reminder. The OD's yearly “光荣在党50年” list is its own family: party-age-certificates.ts.
import { yearsSinceJoining } from '../../domain/anniversaries.ts';
import { isRetired } from '../../domain/retirement.ts';
import { chineseMonthDay } from '../../domain/format.ts';
import { OfficeDirectory } from '../offices.ts';
import { NoticePlanRepository } from '../plan-repository.ts';
import { byKey, calendarPlanner, toNotices, type NoticeOf, type PlanContext, type PlannedNotice } from '../planner.ts';
import { NO_ACCOUNT_MARK, NOTICE_TEMPLATES as T, POLITICAL_BIRTHDAY_WORD } from '../templates.ts';

export const birthdays = calendarPlanner({
  kinds: {
    birthday_greeting: '政治生日祝福',
    birthday_month_list: '本月政治生日名单',
    birthday_activity_reminder: '集体过政治生日提醒',
  },
  plan(db, notice, ctx) {
    const repo = new NoticePlanRepository(db);
    switch (notice.kind) {
      case 'birthday_greeting':
        return greetings(repo, notice, ctx);
      case 'birthday_month_list':
      case 'birthday_activity_reminder':
        return monthLists(repo, notice, ctx);
    }
  },
});

async function greetings(repo: NoticePlanRepository, notice: NoticeOf<'birthday_greeting'>, ctx: PlanContext): Promise<PlannedNotice[]> {
  const rows = await repo.birthdayGreetees(ctx.birthdayBasis, notice.params.monthDays, notice.params.year);
  const planned = toNotices(
    notice.kind,
    notice.period,
    rows.map((r) => ({
      to: r,
      subject: `member-${r.member_id}`,
      message: T.birthdayGreeting({
        name: r.name,
        years: yearsSinceJoining(r.anniv, notice.params.date, notice.params.leapDayRule),
        joinDate: r.anniv,
        basis: ctx.birthdayBasis,
        branch: r.branch,
        retired: isRetired({ organisationNames: [r.branch, r.general_branch ?? ''], birthDate: r.birth_date, joinDate: r.join_date, onDate: notice.params.date }),
        late: ctx.late,
      }),
    })),
  );
  return planned.map((n) => ({ ...n, alone: true }));
}

async function monthLists(repo: NoticePlanRepository, notice: NoticeOf<'birthday_month_list' | 'birthday_activity_reminder'>, ctx: PlanContext): Promise<PlannedNotice[]> {
  const { year, month } = notice.params;
  const late = ctx.late;
  const list = notice.kind === 'birthday_month_list';
  const keys = list ? notice.params.keys : { month, exclude: [], extra: [] };
  const rows = await repo.birthdayMonthMembers(ctx.birthdayBasis, year, keys, list ? undefined : notice.period);
  const byBranch = byKey(rows, (r) => r.branch_id);
  // Each branch's list to its secretary; a branch without one passes it up (issue 11, point 7).
  const offices = await OfficeDirectory.load(repo.db);
  const out: PlannedNotice[] = [];
  for (const [branchId, members] of byBranch) {
    const branch = members[0]!.branch;
    const message = list
      ? T.birthdayMonthList({
          branch,
          year,
          month,
          members: members.map((m) => ({ name: m.name, detail: `${chineseMonthDay(m.anniv)}，${POLITICAL_BIRTHDAY_WORD[ctx.birthdayBasis]}${year - Number(m.anniv.slice(0, 4))}周年${m.no_account ? `；${NO_ACCOUNT_MARK}` : ''}` })),
          withoutAccount: members.filter((m) => m.no_account).length,
          late,
        })
      : T.birthdayActivityReminder({ branch, month, count: members.length, late });
    out.push(...toNotices(notice.kind, notice.period, offices.addressed('branch_secretary', branchId, message).map((n) => ({ ...n, subject: `branch-${branchId}` }))));
  }
  return out;
}
