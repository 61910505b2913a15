// What the daily sweep does to fixed monthly subsidies before it plans the day's notices (MECHANISM 1.2): a term
// whose end month is past ends (not_renewed where the OD chose 到期终止, else term_ended; its open renewal task is
// cancelled), and from the first working day of the month that is subsidy_renewal_months_before the end month the
// OD owes the renewal decision: an assistance task subsidy_renewal, owned by the OD of the member's committee, due
// the day before the end month begins (domain/subsidy.ts renewalDueOn). Idempotent: a task is opened once per
// subsidy ever, a term ended once; a day swept again changes nothing.
import type { Kysely } from 'kysely';
import type { WorkingDayCalendar } from '../domain/calendar.ts';
import type { IsoDate } from '../domain/dates.ts';
import { monthOf, parseYearMonth, renewalDueOn, renewalMonth } from '../domain/subsidy.ts';
import { AssistanceTaskRepository } from '../db/assistance-task-repository.ts';
import type { Database } from '../db/schema.ts';
import { SubsidyRepository } from '../db/subsidy-repository.ts';
import { subsidySettings, termOf } from './subsidies.ts';

export interface SubsidyUpkeep {
  /** Subsidies whose term ran out today. */
  ended: string[];
  /** Subsidies whose renewal question was opened today. */
  asked: string[];
}

export async function subsidyUpkeep(db: Kysely<Database>, date: IsoDate, calendar: WorkingDayCalendar, now: Date): Promise<SubsidyUpkeep> {
  return db.transaction().execute(async (trx) => {
    const repo = new SubsidyRepository(trx);
    const tasks = new AssistanceTaskRepository(trx);
    const month = monthOf(date);
    const ended = await repo.endPastTerm(month, now);
    await tasks.cancelAll(['subsidy_renewal'], ended, now);
    const { renewalMonthsBefore } = await subsidySettings(trx);
    const { year, month: m } = parseYearMonth(month);
    const firstWorkingDay = calendar.firstWorkingDayOfMonth(year, m);
    const asked: string[] = [];
    for (const s of await repo.awaitingRenewalQuestion()) {
      const ask = renewalMonth(termOf(s), renewalMonthsBefore);
      // Asked on the month's first working day; a month already gone (a late start, a missed sweep) at once.
      if (ask > month || (ask === month && date < firstWorkingDay)) continue;
      await tasks.open({
        kind: 'subsidy_renewal',
        subjectId: s.id,
        memberId: s.member_id,
        ownerRole: 'od_staff',
        ownerOrganisationId: s.committee_id,
        openedOn: date,
        dueOn: renewalDueOn(termOf(s), date),
        createdAt: now,
      });
      asked.push(s.id);
    }
    return { ended, asked };
  });
}
