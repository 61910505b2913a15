// Issue 13 section 7, the yearly evaluation of the leadership by the members (党员定期评议基层党组织领导班子,
// MECHANISM 3.1). ANONYMITY is the design: who has answered and what was answered live in tables that cannot be
// joined.
// - leadership_review_participants: one row per member carded at the opening (who may answer, whom they rate — the
//   branch and GB they sat in then — and whether they have answered or commented on each committee). It says
//   THAT a member answered, never WHAT, and holds no time of answering.
// - leadership_review_tallies: counters per review, organisation rated and rating, created at zero when the review
//   opens and only ever incremented — no row per answer, so neither a member id, a time nor an insertion order
//   exists to join back.
// - leadership_review_comments: the organisation rated and the text, with no id, no member and no time; read in
//   text order.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('leadership_reviews')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('year', 'integer', (c) => c.notNull().unique())
    .addColumn('opened_on', 'date', (c) => c.notNull())
    .addColumn('last_day', 'date', (c) => c.notNull())
    .addColumn('opened_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('leadership_review_window', sql`last_day >= opened_on`)
    .execute();
  await db.schema
    .createTable('leadership_review_participants')
    .addColumn('review_id', 'bigint', (c) => c.notNull().references('leadership_reviews.id'))
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('general_branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('branch_answered', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('gb_answered', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('branch_commented', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('gb_commented', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('leadership_review_participants_pk', ['review_id', 'member_id'])
    .execute();
  await db.schema
    .createTable('leadership_review_tallies')
    .addColumn('review_id', 'bigint', (c) => c.notNull().references('leadership_reviews.id'))
    .addColumn('organisation_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('rating', 'text', (c) => c.notNull().check(sql`rating in ('satisfied', 'basically_satisfied', 'dissatisfied')`))
    .addColumn('answers', 'integer', (c) => c.notNull().defaultTo(0).check(sql`answers >= 0`))
    .addPrimaryKeyConstraint('leadership_review_tallies_pk', ['review_id', 'organisation_id', 'rating'])
    .execute();
  await db.schema
    .createTable('leadership_review_comments')
    .addColumn('review_id', 'bigint', (c) => c.notNull().references('leadership_reviews.id'))
    .addColumn('organisation_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('text', 'text', (c) => c.notNull().check(sql`length(btrim(text)) > 0`))
    .execute();
  await sql`create index leadership_review_comments_review on leadership_review_comments (review_id, organisation_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['leadership_review_comments', 'leadership_review_tallies', 'leadership_review_participants', 'leadership_reviews']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
