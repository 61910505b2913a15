// What secretaries report about their organisation as a whole: a branch's collective political-birthday
// activity of a month, once per branch and period. (A general branch's May/November hardship verification is
// hardship-verification-repository.ts.)
import { sql, type Kysely } from 'kysely';
import type { BirthdayActivityForm, Database } from './schema.ts';

export interface BranchReport {
  organisationId: string;
  period: string;
  /** Who reported it; null when recorded by hand (the CLI). */
  byMemberId: string | null;
  note: string;
}

export class BranchReportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records the branch's birthday activity and the forms it took (default: collective); false when that month's
   * was recorded before — its forms then gain the ones named now.
   */
  async logBirthdayActivity(r: BranchReport & { forms?: readonly BirthdayActivityForm[] }): Promise<boolean> {
    const forms = [...(r.forms ?? ['collective'])];
    const rows = await this.db
      .insertInto('birthday_activities')
      .values({ branch_id: r.organisationId, period: r.period, logged_by_member_id: r.byMemberId, note: r.note, forms })
      .onConflict((oc) => oc.columns(['branch_id', 'period']).doNothing())
      .returning('period')
      .execute();
    if (rows.length > 0) return true;
    await sql`update birthday_activities set forms = array(select distinct f from unnest(forms || ${forms}::text[]) f order by f)
               where branch_id = ${r.organisationId}::bigint and period = ${r.period} and not (forms @> ${forms}::text[])`.execute(this.db);
    return false;
  }

  /** Removes the branches' activity of `period` (撤销 on its confirmation card); returns how many were removed. */
  async removeBirthdayActivity(branchIds: readonly string[], period: string): Promise<number> {
    if (branchIds.length === 0) return 0;
    const rows = await this.db.deleteFrom('birthday_activities').where('branch_id', 'in', [...branchIds]).where('period', '=', period).returning('branch_id').execute();
    return rows.length;
  }
}
