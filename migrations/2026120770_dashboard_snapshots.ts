// Issue 16 section 5: at a very large size (the million-member demo) a committee's figures take seconds to count,
// so the worker keeps a snapshot of every branch's figures, and of the year's months and visit days per general
// branch and for the whole committee, refreshed every few minutes (src/dashboard/snapshot-source.ts). Pages over
// a scope with many members read it, saying when it was counted; smaller scopes are always counted live.
import { type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dashboard_snapshots')
    .addColumn('committee_id', 'bigint', (c) => c.primaryKey().references('organisations.id'))
    // The organisation's day the figures were counted for, and when.
    .addColumn('on_date', 'date', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('dashboard_snapshot_branches')
    .addColumn('committee_id', 'bigint', (c) => c.notNull().references('dashboard_snapshots.committee_id').onDelete('cascade'))
    .addColumn('branch_id', 'bigint', (c) => c.notNull())
    .addColumn('figures', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('dashboard_snapshot_branches_pk', ['committee_id', 'branch_id'])
    .execute();
  // The sums and series of the committee and of each general branch, so the committee's page reads a row per GB.
  await db.schema
    .createTable('dashboard_snapshot_scopes')
    .addColumn('committee_id', 'bigint', (c) => c.notNull().references('dashboard_snapshots.committee_id').onDelete('cascade'))
    // 'committee', or a general branch's id.
    .addColumn('scope_key', 'text', (c) => c.notNull())
    .addColumn('figures', 'jsonb', (c) => c.notNull())
    .addColumn('months', 'jsonb', (c) => c.notNull())
    .addColumn('visit_days', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('dashboard_snapshot_scopes_pk', ['committee_id', 'scope_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dashboard_snapshot_scopes').ifExists().execute();
  await db.schema.dropTable('dashboard_snapshot_branches').ifExists().execute();
  await db.schema.dropTable('dashboard_snapshots').ifExists().execute();
}
