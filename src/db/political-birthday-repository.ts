// Political birthdays: the day a member joined the Party (or became a full member, as the settings choose),
// read from the roster for 本月政治生日.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** The roster column a political birthday is counted from. */
export type BirthdayColumn = 'join_date' | 'full_member_date';

export class PoliticalBirthdayRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The member's own date (YYYY-MM-DD), or null when the roster lacks it. */
  async ofMember(memberId: string, basis: BirthdayColumn): Promise<string | null> {
    const col = sql.ref(`m.${basis}`);
    const mine = await sql<{ d: string | null }>`select to_char(${col}, 'YYYY-MM-DD') as d from members m where m.id = ${memberId}::bigint`.execute(this.db);
    return mine.rows[0]?.d ?? null;
  }

  /**
   * Active members of these branches, or of the branches of these general branches, whose political birthday
   * falls in `month` of a year before `year`, and whether they lack a chat account: by day, then id.
   */
  async inMonth(basis: BirthdayColumn, month: number, year: number, branchIds: readonly string[], generalBranchIds: readonly string[]): Promise<Array<{ name: string; d: string; branch: string; noAccount: boolean }>> {
    const col = sql.ref(`m.${basis}`);
    const rows = await sql<{ name: string; d: string; branch: string; noAccount: boolean }>`
    select m.name, to_char(${col}, 'YYYY-MM-DD') as d, b.name as branch, (m.userid is null) as "noAccount"
      from members m join organisations b on b.id = m.branch_id
     where m.status = 'active' and extract(month from ${col}) = ${month} and extract(year from ${col}) < ${year}
       and (m.branch_id = any(${branchIds}::bigint[]) or b.parent_id = any(${generalBranchIds}::bigint[]))
     order by extract(day from ${col}), m.id`.execute(this.db);
    return rows.rows;
  }
}
