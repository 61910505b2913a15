// The yearly talk quotas (MECHANISM 2.2): each owner's progress in April, July, October, November and
// December, and the OD's list of owners with talks left in December.
import { NoticePlanRepository } from '../plan-repository.ts';
import { byKey, calendarPlanner, toNotices, type PlannedNotice } from '../planner.ts';
import { NOTICE_TEMPLATES as T, type PersonLine } from '../templates.ts';

export const talkQuotas = calendarPlanner({
  kinds: {
    talk_quota_progress: '年度谈心进度提醒',
    talk_quota_remaining: '年度谈心未完成名单',
  },
  async plan(db, notice, ctx) {
    const repo = new NoticePlanRepository(db);
    const late = ctx.late;
    const year = notice.params.year;
    const byOwner = byKey(await repo.quotaPairs(year), (p) => p.owner_id);
    if (notice.kind === 'talk_quota_progress') {
      const out: PlannedNotice[] = [];
      for (const list of byOwner.values()) {
        const o = list[0]!;
        if (!o.owner_userid) continue;
        const remaining = list.filter((p) => !p.done).map((p) => ({ name: p.member_name }));
        out.push(
          ...toNotices(notice.kind, notice.period, [
            { to: { member_id: o.owner_id, userid: o.owner_userid }, subject: 'talk-quota', message: T.talkQuotaProgress({ year, done: list.length - remaining.length, total: list.length, remaining, late }) },
          ]),
        );
      }
      return out;
    }
    const owners: PersonLine[] = [...byOwner.values()]
      .map((list) => ({ list, left: list.filter((p) => !p.done).length }))
      .filter((x) => x.left > 0)
      .map(({ list, left }) => ({ name: list[0]!.owner_name, detail: `还剩 ${left}/${list.length} 人` }));
    if (owners.length === 0) return [];
    const od = await repo.holders('od_staff');
    return toNotices(notice.kind, notice.period, od.map((o) => ({ to: o, subject: 'committee', message: T.talkQuotaRemaining({ year, owners, late }) })));
  },
});
