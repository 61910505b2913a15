// Care: the records the care calendar and the talk/visit obligations work on (MECHANISM.md 1.1, 2.1–2.3),
// and the notices the daily sweep decides, each under a UNIQUE (kind, recipient, subject, period).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Talks (谈心) and visits (走访) that happened.
  await db.schema
    .createTable('care_records')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('talk', 'visit')`))
    .addColumn('leader_member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('happened_on', 'date', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('obligation_id', 'bigint')
    .addColumn('recorded_by_member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('undone_at', 'timestamptz')
    .execute();
  await sql`create index care_records_leader on care_records (leader_member_id, kind, happened_on) where undone_at is null`.execute(db);
  await sql`create index care_records_member on care_records (member_id, kind, happened_on) where undone_at is null`.execute(db);

  // Obligations: a visit or talk owed, with a due date, an owner and a state (MECHANISM "Rules for every reminder").
  await db.schema
    .createTable('care_obligations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('talk', 'visit')`))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('owner_member_id', 'bigint', (c) => c.references('members.id'))
    // When the owner is an office rather than a person (the branch, the GB, the OD).
    .addColumn('owner_organisation_id', 'bigint', (c) => c.references('organisations.id'))
    .addColumn('owner_role', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('trigger', 'quota', 'holiday')`))
    .addColumn('event_id', 'bigint')
    .addColumn('period', 'text')
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'done', 'cancelled')`))
    .addColumn('record_id', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await sql`create index care_obligations_open on care_obligations (due_on) where status = 'open'`.execute(db);
  await sql`create index care_obligations_member on care_obligations (member_id, kind) where status = 'open'`.execute(db);
  await sql`create index care_obligations_owner on care_obligations (owner_member_id, kind) where status = 'open'`.execute(db);

  // Reported trigger events (五必访 / 五必谈).
  await db.schema
    .createTable('care_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'date', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reported_by_member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('reported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // The hardship registry (生活困难党员信息库), MECHANISM 1.1.
  await db.schema
    .createTable('hardship_registry')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('causes', sql`text[]`, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('applied').check(sql`status in ('applied', 'approved', 'rejected', 'archived')`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('self', 'branch')`))
    .addColumn('consent_recorded', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    // A branch recommendation needs the member's consent on record (党支部经个人同意后推荐).
    .addCheckConstraint('hardship_branch_consent', sql`source = 'self' or consent_recorded`)
    .execute();
  await sql`create index hardship_registry_member on hardship_registry (member_id) where status = 'approved'`.execute(db);

  // The May/November verification a general branch reports to the OD.
  await db.schema
    .createTable('hardship_reviews')
    .addColumn('general_branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('submitted_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('hardship_reviews_pk', ['general_branch_id', 'period'])
    .execute();

  // A branch's collective political-birthday activity for a month (集体过政治生日).
  await db.schema
    .createTable('birthday_activities')
    .addColumn('branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('logged_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('logged_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('birthday_activities_pk', ['branch_id', 'period'])
    .execute();

  // Notices the daily sweep decided. The UNIQUE key is what makes a re-run sweep deliver nothing new.
  await db.schema
    .createTable('notices')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient_member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('late', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('notices_once', ['kind', 'recipient_member_id', 'subject', 'period'])
    .execute();

  // Which days have been swept: the catch-up after downtime starts from the last one.
  await db.schema
    .createTable('sweep_days')
    .addColumn('on_date', 'date', (c) => c.primaryKey())
    .addColumn('notices', 'integer', (c) => c.notNull())
    .addColumn('late', 'boolean', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Automatic pushes wait for their hour (09:00 spread, never in quiet hours); replies go at once.
  await db.schema.alterTable('deliveries').addColumn('not_before', 'timestamptz').execute();
  await db.schema.alterTable('deliveries').addColumn('push', 'boolean', (c) => c.notNull().defaultTo(false)).execute();

  // Where an organisation counts the political birthday from the full-membership date (a setting).
  await sql`create index members_full_member_anniversary on members ((extract(month from full_member_date)), (extract(day from full_member_date)))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists members_full_member_anniversary`.execute(db);
  await db.schema.alterTable('deliveries').dropColumn('push').execute();
  await db.schema.alterTable('deliveries').dropColumn('not_before').execute();
  for (const t of ['sweep_days', 'notices', 'birthday_activities', 'hardship_reviews', 'hardship_registry', 'care_events', 'care_obligations', 'care_records']) {
    await db.schema.dropTable(t).execute();
  }
}
