// Issue 16, the dashboard's assistance, incentive and voice figures (src/dashboard/other-figures-repository.ts):
// indexes for their grouped counts of a general branch's or a branch's rows (checked with EXPLAIN on a seeded
// 300,000-member database: a branch's figures from ~60 ms to ~18 ms). The committee-wide counts still read every
// row of the year (see the helper's notes).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Active members per branch (本季度应自评), counted from the index alone.
  await sql`create index members_active_branch on members (branch_id) where status = 'active'`.execute(db);
  // A quarter's self-evaluations joined to their members.
  await sql`create index self_evaluations_quarter_member on self_evaluations (year, quarter, member_id)`.execute(db);
  // Recipients per branch, with whether they read it.
  await sql`create index announcement_recipients_branch on announcement_recipients (branch_id, announcement_id) include (read_at)`.execute(db);
  // Suggestions awaiting a reply per branch, overdue by due day.
  await sql`create index suggestions_awaiting_branch on suggestions (branch_id, due_on) where state = 'awaiting_reply'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists suggestions_awaiting_branch`.execute(db);
  await sql`drop index if exists announcement_recipients_branch`.execute(db);
  await sql`drop index if exists self_evaluations_quarter_member`.execute(db);
  await sql`drop index if exists members_active_branch`.execute(db);
}
