// Political-birthday activities and their forms (issue 11 point 11, MECHANISM 2.3): a branch logs the month's
// activity with the form it took (collective 集体过政治生日, oath 重温入党誓词, letter 入党纪念贺信, sms 手机短信),
// and a member without a chat account — marked on the month's list — is covered one by one by the letter or text
// message the secretary logs ("已寄贺信：冯无号"). The reminder on the 20th counts both.
import { sql, type Kysely } from 'kysely';

const FORMS = `array['collective', 'oath', 'letter', 'sms']::text[]`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table birthday_activities add column forms text[] not null default '{}'`.execute(db);
  // Until now the only thing a branch could log was its collective activity.
  await sql`update birthday_activities set forms = '{collective}'`.execute(db);
  await sql.raw(`alter table birthday_activities add constraint birthday_activities_forms check (forms <@ ${FORMS})`).execute(db);

  await db.schema
    .createTable('birthday_member_activities')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('form', 'text', (c) => c.notNull().check(sql.raw(`form = any(${FORMS})`)))
    // The member's branch when it was logged: the reminder asks per branch.
    .addColumn('branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('logged_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('logged_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('birthday_member_activities_pk', ['member_id', 'period'])
    .execute();
  await db.schema.createIndex('birthday_member_activities_branch').on('birthday_member_activities').columns(['branch_id', 'period']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('birthday_member_activities').execute();
  await sql`alter table birthday_activities drop constraint birthday_activities_forms`.execute(db);
  await sql`alter table birthday_activities drop column forms`.execute(db);
}
