// Issue 14 section 1: reporting work down the chain and open Party affairs (通报工作, 党务公开, MECHANISM 3.1).
// - announcements: one row per text a sender wrote. It is a preview until the sender taps 发送 (state 'sent',
//   sent_at, deliver_at: the instant it goes — the next 08:00 when written in quiet hours); 取消 cancels it and a
//   newer preview by the same sender supersedes it. `organisation_id` is the sender's office (the committee for the
//   OD, the GB or the branch) whose audience it addresses.
// - announcement_recipients: who it was addressed to, snapshotted at 发送 (the roster changes; the count read
//   later must be of those it went to), with the branch and GB they sat in then, whether they had a chat account,
//   and the first 已阅 (read_at). Received is the delivery (idempotency key announcement:<id>:<member>) sent.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('announcements')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('report_work', 'announcement')`))
    .addColumn('audience', 'text', (c) => c.notNull().check(sql`audience in ('all_secretaries', 'all_members', 'gb_members', 'gb_secretaries', 'branch_members')`))
    .addColumn('category', 'text', (c) => c.check(sql`category in ('exemplary_deeds', 'commendation')`))
    .addColumn('organisation_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('sender_member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(btrim(body)) > 0`))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('preview').check(sql`state in ('preview', 'sent', 'cancelled', 'superseded')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addColumn('deliver_at', 'timestamptz')
    // The organisation's date of deliver_at: the reminder counts its days from it.
    .addColumn('deliver_on', 'date')
    .addCheckConstraint('announcement_sent_times', sql`(state = 'sent') = (sent_at is not null and deliver_at is not null and deliver_on is not null)`)
    .execute();
  await sql`create index announcements_sender on announcements (sender_member_id, id desc)`.execute(db);
  await sql`create index announcements_sent on announcements (deliver_on) where state = 'sent'`.execute(db);
  await db.schema
    .createTable('announcement_recipients')
    .addColumn('announcement_id', 'bigint', (c) => c.notNull().references('announcements.id'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('general_branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('has_account', 'boolean', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz')
    .addPrimaryKeyConstraint('announcement_recipients_pk', ['announcement_id', 'member_id'])
    .execute();
  await sql`create index announcement_recipients_member on announcement_recipients (member_id, announcement_id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['announcement_recipients', 'announcements']) await db.schema.dropTable(t).ifExists().execute();
}
