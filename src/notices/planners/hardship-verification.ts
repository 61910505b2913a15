// The hardship registry's verification in May and November (MECHANISM 1.1, 核实更新并上报). On the first working
// day whoever answers for each GB's secretary office (vacant: the OD) gets the GB's current list — its entries
// with their causes — and the first page of cards to verify it entry by entry (assistance/verification-text.ts);
// on the 15th and 25th the GBs that have not submitted are reminded, with how far they are; on the last
// working day the OD gets the GBs that have not submitted and the totals of those that have. A GB that has
// submitted gets nothing more. The verification itself: assistance/verification.ts.
import { entryLines, verificationPageCard } from '../../assistance/verification-text.ts';
import { HardshipVerificationRepository } from '../../db/hardship-verification-repository.ts';
import { changesFrom, periodKey, summariseVerification, verificationTotals } from '../../domain/hardship-verification.ts';
import { OfficeDirectory } from '../offices.ts';
import { byKey, calendarPlanner, toNotices, type PlannedNotice } from '../planner.ts';
import { NOTICE_TEMPLATES as T } from '../templates.ts';

export const hardshipVerification = calendarPlanner({
  kinds: {
    hardship_review_nudge: '困难党员核实提醒',
    hardship_review_reminder: '困难党员核实催报',
    hardship_review_escalation: '困难党员核实督办',
  },
  async plan(db, notice, ctx) {
    const repo = new HardshipVerificationRepository(db);
    const late = ctx.late;
    const { year, month } = notice.params;
    const period = `${year}-${String(month).padStart(2, '0')}`;
    const all = await repo.generalBranches(period);
    const pending = all.filter((g) => g.submittedAt === null);
    if (pending.length === 0) return [];
    const offices = await OfficeDirectory.load(db);

    if (notice.kind === 'hardship_review_escalation') {
      // Each committee's OD: its GBs that have not submitted, and the totals of those that have.
      const out: PlannedNotice[] = [];
      for (const [committeeId, gbs] of byKey(all, (g) => g.committeeId)) {
        const missing = gbs.filter((g) => g.submittedAt === null);
        if (missing.length === 0) continue;
        const submitted = verificationTotals(gbs.filter((g) => g.submittedAt !== null).map((g) => ({ verifiedCount: g.verifiedCount, changes: changesFrom(g.changes) })));
        const message = T.hardshipReviewEscalation({ year, month, generalBranches: missing.map((g) => ({ name: g.name })), submitted, late });
        out.push(...toNotices(notice.kind, notice.period, offices.answering('od_staff', committeeId).holders.map((o) => ({ to: o, subject: 'committee', message }))));
      }
      return out;
    }

    // Each GB's list to whoever answers for its secretary office; a GB without one passes it up (issue 11, point 7).
    const out: PlannedNotice[] = [];
    for (const g of pending) {
      const rows = await repo.list(g.id, period);
      if (notice.kind === 'hardship_review_reminder') {
        const { verifiedCount: total, unmarked } = summariseVerification(rows);
        const message = T.hardshipReviewReminder({ generalBranch: g.name, month, total, unmarked, late });
        out.push(...toNotices(notice.kind, notice.period, offices.addressed('gb_secretary', g.id, message).map((n) => ({ ...n, subject: `gb-${g.id}` }))));
        continue;
      }
      const list = T.hardshipReviewNudge({ generalBranch: g.name, year, month, entries: entryLines(rows), late });
      for (const n of offices.addressed('gb_secretary', g.id, list)) {
        const card = verificationPageCard({ taskId: `hvn-${g.id}-${periodKey(period)}-${n.to.member_id}`, gbId: g.id, generalBranch: g.name, period, rows, page: 1 });
        out.push(...toNotices(notice.kind, notice.period, [
          { ...n, subject: `gb-${g.id}` },
          { to: n.to, message: card, subject: `gb-${g.id}-cards` },
        ]));
      }
    }
    return out;
  },
});
