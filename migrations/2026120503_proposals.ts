// Issue 14 sections 3 and 4 (MECHANISM 3.1 "Proposals", "Who is who"): Party congress delegates (党代会代表, a member
// flag read from the roster column 党代会代表) file proposals (提案) to the OD, which registers (立案) or declines
// them with a reason, assigns each registered one to a person in the roster or to an office outside it, and the
// answer is due proposal_answer_days after registration. The proposal's id is its number in chat (提案3).
// State is stored (filed → registered | declined; registered → answered); overdue is derived from due_on.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table members add column party_congress_delegate boolean not null default false`.execute(db);
  await db.schema
    .createTable('proposals')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('committee_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('delegate_member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('text', 'text', (c) => c.notNull().check(sql`length(btrim(text)) between 1 and 2000`))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('filed').check(sql`state in ('filed', 'registered', 'declined', 'answered')`))
    .addColumn('filed_on', 'date', (c) => c.notNull())
    .addColumn('filed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('registered_on', 'date')
    .addColumn('registered_at', 'timestamptz')
    .addColumn('due_on', 'date')
    .addColumn('declined_at', 'timestamptz')
    .addColumn('decline_reason', 'text')
    // Who took the step for the OD (null: the admin API).
    .addColumn('decided_by_member_id', 'bigint', (c) => c.references('members.id'))
    // The assignee: a member of the roster, or an office outside it (its name as the OD wrote it) — never both.
    .addColumn('assignee_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('assignee_office', 'text')
    .addColumn('assigned_at', 'timestamptz')
    .addColumn('answer', 'text')
    .addColumn('answered_at', 'timestamptz')
    .addColumn('answered_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addCheckConstraint('proposal_assignee', sql`assignee_member_id is null or assignee_office is null`)
    .addCheckConstraint('proposal_registered', sql`(state in ('registered', 'answered')) = (registered_on is not null and due_on is not null)`)
    .addCheckConstraint('proposal_declined', sql`(state = 'declined') = (decline_reason is not null and length(btrim(decline_reason)) > 0)`)
    .addCheckConstraint('proposal_answered', sql`(state = 'answered') = (answer is not null and length(btrim(answer)) > 0)`)
    .execute();
  await sql`create index proposals_delegate on proposals (delegate_member_id, id)`.execute(db);
  await sql`create index proposals_assignee on proposals (assignee_member_id, id) where assignee_member_id is not null`.execute(db);
  // The sweep reads the open ones only.
  await sql`create index proposals_open on proposals (committee_id, id) where state in ('filed', 'registered')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('proposals').ifExists().execute();
  await sql`alter table members drop column if exists party_congress_delegate`.execute(db);
}
