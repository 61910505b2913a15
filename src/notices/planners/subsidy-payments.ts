// The OD's payment list of fixed monthly subsidies (定额补助, MECHANISM 1.2) on each month's first working day: every
// active subsidy covering the month and every earlier month still unpaid (marked 逾期N个月), with name, branch,
// amount and the totals — one markdown message per committee, split where it would pass the platform's limit.
import { paymentList } from '../../assistance/subsidies.ts';
import { paymentListMessages } from '../../assistance/subsidy-text.ts';
import { yearMonth } from '../../domain/subsidy.ts';
import { OfficeDirectory } from '../offices.ts';
import { byKey, calendarPlanner, type PlannedNotice } from '../planner.ts';
import { assertRendered } from '../templates.ts';

export const subsidyPayments = calendarPlanner({
  kinds: { subsidy_payment_list: '定额补助发放名单' },
  async plan(db, notice, ctx) {
    const month = yearMonth(notice.params.year, notice.params.month);
    const entries = await paymentList(db, month);
    if (entries.length === 0) return [];
    const offices = await OfficeDirectory.load(db);
    const out: PlannedNotice[] = [];
    for (const [committeeId, items] of byKey(entries, (e) => e.subsidy.committee_id)) {
      const parts = paymentListMessages(month, items, { late: ctx.late });
      for (const to of offices.answering('od_staff', committeeId).holders) {
        parts.forEach((message, i) =>
          out.push({
            kind: notice.kind,
            recipientMemberId: to.member_id,
            recipientUserid: to.userid,
            subject: `committee-${committeeId}`,
            // A list split in parts: each part its own period, so each is delivered once.
            period: i === 0 ? notice.period : `${notice.period}#${i + 1}`,
            message: assertRendered(message),
          }),
        );
      }
    }
    return out;
  },
});
