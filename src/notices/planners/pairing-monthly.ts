// The OD's monthly pairing list (结对帮扶, MECHANISM 1.2: in principle every leading cadre contacts at least one
// member in hardship): on each month's first working day, one message to each OD member of a committee with the
// leading cadres (副科级及以上) who help no member in hardship — the exempt ones listed apart with their reasons —
// and the members in hardship whom nobody helps. Nothing is sent when both lists are empty (exemptions alone are
// no news); 结对情况 in chat gives the same lists at any time.
import { pairingOverview } from '../../assistance/pairing.ts';
import { monthlyOverview } from '../../assistance/pairing-text.ts';
import { NoticePlanRepository } from '../plan-repository.ts';
import { byKey, calendarPlanner, toNotices } from '../planner.ts';

export const pairingMonthly = calendarPlanner({
  kinds: { pairing_monthly_list: '领导干部结对帮扶月度名单' },
  async plan(db, notice, ctx) {
    const { month } = notice.params;
    const od = byKey(await new NoticePlanRepository(db).holders('od_staff'), (h) => h.org_id);
    const out = [];
    for (const [committeeId, holders] of od) {
      const lists = await pairingOverview(db, committeeId);
      if (lists.unpaired.length === 0 && lists.unhelped.length === 0) continue;
      const message = monthlyOverview({ ...lists, month, late: ctx.late });
      out.push(...toNotices(notice.kind, notice.period, holders.map((to) => ({ to, subject: 'committee', message }))));
    }
    return out;
  },
});
