// 光荣在党50年 to the certificate (issue 13 section 6): on January's first working day each committee's OD gets the
// members whose Party age (from the full-membership date) reaches 50 this year AND those already past 50 with no
// certificate on record (the backlog at go-live), active members only — with those the roster cannot place (no
// full-membership date) named apart — and the first card of the list, to confirm eligibility and record each
// certificate one member at a time (incentive/certificates-conversation.ts). Nothing due: nothing sent.
import { HONOURED_PARTY_AGE } from '../../domain/anniversaries.ts';
import { OD_VIEWER } from '../../domain/access.ts';
import { PartyAgeCertificateRepository } from '../../db/party-age-certificate-repository.ts';
import { certificateCard, dueListMessages } from '../../incentive/certificate-text.ts';
import { dueFor, lineOf } from '../../incentive/certificates.ts';
import { OfficeDirectory } from '../offices.ts';
import { calendarPlanner, toNotices, type PlannedNotice } from '../planner.ts';

export const partyAgeCertificates = calendarPlanner({
  kinds: { party_age_honour_list: '“光荣在党50年”纪念证书名单' },
  async plan(db, notice, ctx) {
    const { year } = notice.params;
    // The list is of the notice's year, whatever day it is caught up on.
    const today = ctx.date.startsWith(`${year}-`) ? ctx.date : `${year}-12-31`;
    const { rows, thisYear, backlog } = await dueFor({ db, today }, OD_VIEWER, undefined);
    const withoutDate = await new PartyAgeCertificateRepository(db).withoutFullMemberDate(year, HONOURED_PARTY_AGE);
    const committees = new Set([...rows.map((r) => r.committee_id), ...withoutDate.map((r) => r.committee_id)]);
    const offices = await OfficeDirectory.load(db);
    const out: PlannedNotice[] = [];
    for (const committeeId of committees) {
      const mine = <T extends { committee_id: string }>(list: readonly T[]) => list.filter((r) => r.committee_id === committeeId);
      const messages = dueListMessages({ year, today, scope: '', thisYear: mine(thisYear).map(lineOf), backlog: mine(backlog).map(lineOf), withoutDate: mine(withoutDate), forOd: true, late: ctx.late });
      for (const od of offices.answering('od_staff', committeeId).holders) {
        // The OD does not work on their own certificate: another OD member does.
        const due = mine(rows).filter((r) => r.member_id !== od.member_id);
        const first = due[0];
        out.push(
          ...toNotices(notice.kind, notice.period, [
            ...messages.map((message, i) => ({ to: od, subject: i === 0 ? `committee-${committeeId}` : `committee-${committeeId}-${i + 1}`, message })),
            ...(first ? [{ to: od, subject: `committee-${committeeId}-card`, message: certificateCard({ taskId: `glory-${year}-${od.member_id}`, member: lineOf(first), today, position: 1, total: due.length }) }] : []),
          ]),
        );
      }
    }
    return out;
  },
});
