// The dashboard's snapshot (migrations/2026120770_dashboard_snapshots.ts): every branch's figures, and the sums
// and year's series of each general branch and of the committee, as counted at one time for one day. Replaced
// whole, in one transaction, so a reader sees one snapshot or the next, never half of each.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Figures } from './figures.ts';
import type { DayCount, MonthPoint } from './source.ts';

/** A scope's part of the snapshot: its sums and its series. */
export interface SnapshotScope {
  figures: Figures;
  months: MonthPoint[];
  visitDays: DayCount[];
}

export interface SnapshotHead {
  onDate: string;
  computedAt: Date;
}

/** The committee's scope key; a general branch's is its id. */
export const COMMITTEE_SCOPE = 'committee';

export class SnapshotRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async committees(): Promise<string[]> {
    const rows = await this.db.selectFrom('organisations').select(sql<string>`id::text`.as('id')).where('kind', '=', 'committee').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  /** Active members under the committee (an index-only count): whether a snapshot is worth keeping. */
  async activeMembers(committeeId: string): Promise<number> {
    const r = await sql<{ n: string }>`
      select count(*)::text as n from members m join organisations b on b.id = m.branch_id join organisations gb on gb.id = b.parent_id
      where m.status = 'active' and gb.parent_id = ${committeeId}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async save(committeeId: string, head: SnapshotHead, branches: ReadonlyMap<string, Figures>, scopes: ReadonlyMap<string, SnapshotScope>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('dashboard_snapshots').where('committee_id', '=', committeeId).execute();
      await trx.insertInto('dashboard_snapshots').values({ committee_id: committeeId, on_date: head.onDate, computed_at: head.computedAt }).execute();
      const rows = [...branches].map(([branchId, figures]) => ({ committee_id: committeeId, branch_id: branchId, figures: JSON.stringify(figures) }));
      for (let i = 0; i < rows.length; i += 1_000) await trx.insertInto('dashboard_snapshot_branches').values(rows.slice(i, i + 1_000)).execute();
      const scopeRows = [...scopes].map(([scopeKey, s]) => ({
        committee_id: committeeId,
        scope_key: scopeKey,
        figures: JSON.stringify(s.figures),
        months: JSON.stringify(s.months),
        visit_days: JSON.stringify(s.visitDays),
      }));
      for (let i = 0; i < scopeRows.length; i += 500) await trx.insertInto('dashboard_snapshot_scopes').values(scopeRows.slice(i, i + 500)).execute();
    });
  }

  async head(committeeId: string): Promise<SnapshotHead | undefined> {
    const row = await this.db
      .selectFrom('dashboard_snapshots')
      .select([sql<string>`to_char(on_date, 'YYYY-MM-DD')`.as('on_date'), 'computed_at'])
      .where('committee_id', '=', committeeId)
      .executeTakeFirst();
    return row ? { onDate: row.on_date, computedAt: new Date(row.computed_at) } : undefined;
  }

  /** The snapshot's figures of these branches (a branch counted after the snapshot is absent). */
  async branches(committeeId: string, branchIds: readonly string[]): Promise<Map<string, Figures>> {
    if (branchIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('dashboard_snapshot_branches')
      .select([sql<string>`branch_id::text`.as('branch_id'), 'figures'])
      .where('committee_id', '=', committeeId)
      // Compared as bigint, so the primary key finds them (a text cast would read every branch of the committee).
      .where(sql<boolean>`branch_id = any(${[...branchIds]}::bigint[])`)
      .execute();
    return new Map(rows.map((r) => [r.branch_id, r.figures as Figures]));
  }

  async scopes(committeeId: string, scopeKeys: readonly string[]): Promise<Map<string, SnapshotScope>> {
    if (scopeKeys.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('dashboard_snapshot_scopes')
      .select(['scope_key', 'figures', 'months', 'visit_days'])
      .where('committee_id', '=', committeeId)
      .where('scope_key', 'in', [...scopeKeys])
      .execute();
    return new Map(rows.map((r) => [r.scope_key, { figures: r.figures as Figures, months: r.months as MonthPoint[], visitDays: r.visit_days as DayCount[] }]));
  }

  /** The committee's general branches with names (a handful of rows: the committee page's table). */
  async generalBranches(committeeId: string): Promise<Array<{ id: string; name: string }>> {
    const rows = await sql<{ id: string; name: string }>`
      select id::text as id, name from organisations where kind = 'general_branch' and parent_id = ${committeeId} order by name, id`.execute(this.db);
    return rows.rows;
  }
}
