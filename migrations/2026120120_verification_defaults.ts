// Issue 12, the May/November verification (核实更新并上报): an entry nobody marked before the GB submitted is
// confirmed unchanged at the submission. Its item says so (by_default), so the record — and the OD — can tell
// "checked and still in hardship" from "not marked, carried over".
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('hardship_review_items').addColumn('by_default', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('hardship_review_items').dropColumn('by_default').execute();
}
