// What secretaries report about their organisation as a whole: a branch's collective political-birthday
// activity of a month, a general branch's May/November hardship verification. Once per organisation and period.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface BranchReport {
  organisationId: string;
  period: string;
  /** Who reported it; null when recorded by hand (the CLI). */
  byMemberId: string | null;
  note: string;
}

export class BranchReportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records the branch's birthday activity; false when that month's was recorded before. */
  async logBirthdayActivity(r: BranchReport): Promise<boolean> {
    const rows = await this.db
      .insertInto('birthday_activities')
      .values({ branch_id: r.organisationId, period: r.period, logged_by_member_id: r.byMemberId, note: r.note })
      .onConflict((oc) => oc.columns(['branch_id', 'period']).doNothing())
      .returning('period')
      .execute();
    return rows.length > 0;
  }

  /** Records the general branch's hardship verification; false when that period's was recorded before. */
  async recordHardshipReview(r: BranchReport): Promise<boolean> {
    const rows = await this.db
      .insertInto('hardship_reviews')
      .values({ general_branch_id: r.organisationId, period: r.period, submitted_by_member_id: r.byMemberId, note: r.note })
      .onConflict((oc) => oc.columns(['general_branch_id', 'period']).doNothing())
      .returning('period')
      .execute();
    return rows.length > 0;
  }
}
