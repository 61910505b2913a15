// The yearly talk quotas follow the roster (MECHANISM 2.2, issue 11 point 10): after an import changes roles,
// 挂联 links or branches, the quota obligations of the year that no longer hold are cancelled (with the reason)
// and those that hold again are reopened. The pairs come from the one definition of the quotas (quotaPairsQuery).
// Set-based, in slices of owners, so no statement runs long on a large roster.
import { sql, type Kysely } from 'kysely';
import { quotaPairsQuery } from './obligation-repository.ts';
import type { Database } from './schema.ts';

const OWNERS_PER_SLICE = 2_000;

function slices<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export class QuotaObligationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ownersPerSlice = OWNERS_PER_SLICE,
  ) {}

  /**
   * Cancels the year's open quota obligations whose pair the roster no longer makes: the owner lost the role,
   * the link or the branch, the member moved, or either is no longer active. The reason says which: the
   * member or owner died (`member_deceased`), left (`member_transferred_out`), or the roster changed
   * (`roster_changed`). Returns how many were cancelled.
   */
  async cancelNoLongerHeld(year: number, at: Date): Promise<number> {
    const owners = await this.db
      .selectFrom('care_obligations')
      .select('owner_member_id')
      .distinct()
      .where('source', '=', 'quota')
      .where('period', '=', String(year))
      .where('status', '=', 'open')
      .orderBy('owner_member_id')
      .execute();
    let cancelled = 0;
    for (const slice of slices(owners.map((o) => String(o.owner_member_id)), this.ownersPerSlice)) {
      const r = await sql<{ n: string }>`
        with held as (${quotaPairsQuery(year, slice)}),
        c as (
          update care_obligations o set status = 'cancelled', closed_at = ${at},
                 cancelled_reason = case
                   when exists (select 1 from members x where x.id in (o.member_id, o.owner_member_id) and x.status = 'deceased') then 'member_deceased'
                   when exists (select 1 from members x where x.id in (o.member_id, o.owner_member_id) and x.status = 'transferred_out') then 'member_transferred_out'
                   else 'roster_changed' end
           where o.source = 'quota' and o.period = ${String(year)} and o.status = 'open'
             and o.owner_member_id = any(${slice}::bigint[])
             and not exists (select 1 from held h where h.owner_id = o.owner_member_id and h.member_id = o.member_id)
          returning 1
        ) select count(*)::text as n from c`.execute(this.db);
      cancelled += Number(r.rows[0]?.n ?? 0);
    }
    return cancelled;
  }

  /**
   * Reopens the year's cancelled quota obligations whose pair holds again (a secretary back in office, a member
   * back in the branch) — as done when the two have talked this year. The pair is one row per year (a UNIQUE
   * index), so opening it anew would find the cancelled row and do nothing. Returns how many were reopened.
   */
  async reopenHeldAgain(year: number, at: Date): Promise<number> {
    // Only owners with a cancelled pair this year can have one to reopen (usually few or none).
    const owners = await this.db
      .selectFrom('care_obligations')
      .select('owner_member_id')
      .distinct()
      .where('source', '=', 'quota')
      .where('period', '=', String(year))
      .where('status', '=', 'cancelled')
      .orderBy('owner_member_id')
      .execute();
    let reopened = 0;
    for (const slice of slices(owners.map((o) => String(o.owner_member_id)), this.ownersPerSlice)) {
      const r = await sql<{ n: string }>`
        with held as (${quotaPairsQuery(year, slice)}),
        u as (
          update care_obligations o set status = case when h.done then 'done' else 'open' end,
                 closed_at = case when h.done then ${at}::timestamptz end, cancelled_reason = null
            from held h
           where o.source = 'quota' and o.period = ${String(year)} and o.status = 'cancelled'
             and o.owner_member_id = h.owner_id and o.member_id = h.member_id
          returning 1
        ) select count(*)::text as n from u`.execute(this.db);
      reopened += Number(r.rows[0]?.n ?? 0);
    }
    return reopened;
  }
}
