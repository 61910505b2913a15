// Issue 11, points 9 and 10. A member's death is recorded when someone entitled confirms a report of it (or the
// roster's 状态 column says so): who confirmed and when are kept with the member. Obligations that are cancelled
// because the member died or left, or because the roster no longer makes a yearly talk pair, say why.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('members')
    // null with death_confirmed_at set: recorded by the roster import (the OD's file), not a chat confirmation.
    .addColumn('death_confirmed_by_member_id', 'bigint', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('death_confirmed_at', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('care_obligations')
    .addColumn('cancelled_reason', 'text', (c) => c.check(sql`cancelled_reason in ('member_deceased', 'member_transferred_out', 'roster_changed')`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('care_obligations').dropColumn('cancelled_reason').execute();
  await db.schema.alterTable('members').dropColumn('death_confirmed_at').dropColumn('death_confirmed_by_member_id').execute();
}
