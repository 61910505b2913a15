// Issue 14 section 2, members' suggestions (意见建议, MECHANISM 3.1): a member writes to a leader — the branch
// secretary by default, or the GB secretary, a committee member linked (挂联) to the GB, the committee secretary or
// the OD — and the reply is due in suggestion_reply_days. The addressee is an OFFICE (role + organisation, as
// resolved when filed, a vacant one already passed up) — except a linked committee member, who is a person —
// so whoever holds it answers. Overdue and escalation are derived from the dates (src/domain/voice.ts), never
// stored: nothing here changes when a day passes.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('suggestions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('writer_member_id', 'bigint', (c) => c.notNull().references('members.id'))
    // The writer's place when filed: who sees it and whom it escalates to do not move with a later transfer.
    .addColumn('branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('general_branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('committee_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('anonymous', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('addressee_office', 'text', (c) =>
      c.notNull().check(sql`addressee_office in ('branch_secretary', 'gb_secretary', 'linked_committee_member', 'committee_secretary', 'od')`),
    )
    .addColumn('addressee_organisation_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    // Only for a linked committee member (a person, not an office).
    .addColumn('addressee_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('text', 'text', (c) => c.notNull().check(sql`length(btrim(text)) > 0`))
    .addColumn('filed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('filed_on', 'date', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('awaiting_reply').check(sql`state in ('awaiting_reply', 'replied')`))
    .addColumn('reply', 'text')
    .addColumn('replied_at', 'timestamptz')
    .addColumn('replied_on', 'date')
    .addColumn('replied_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addCheckConstraint('suggestion_person_addressee', sql`(addressee_office = 'linked_committee_member') = (addressee_member_id is not null)`)
    .addCheckConstraint('suggestion_reply_complete', sql`(state = 'replied') = (reply is not null and replied_at is not null and replied_on is not null)`)
    .execute();
  await sql`create index suggestions_writer on suggestions (writer_member_id, id)`.execute(db);
  await sql`create index suggestions_awaiting on suggestions (due_on) where state = 'awaiting_reply'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('suggestions').ifExists().execute();
}
