// Issue 12, assistance (MECHANISM 1): the hardship registry's whole life (consent, review, archive), the
// May/November verification entry by entry, relief (fixed monthly subsidies and their payments, emergency aid
// step by step), pairing, leading cadres' exemptions, and the assistance obligations (a review, an opinion, a
// decision, a payment…) that are reminded and escalated like visits. Money is integer fen, never a float.
import { sql, type Kysely } from 'kysely';

const CAUSES = sql`['old_age', 'frailty', 'illness', 'disability', 'misfortune', 'disaster', 'other']`;

export async function up(db: Kysely<any>): Promise<void> {
  // ---- the registry ----
  await sql`alter table hardship_registry drop constraint if exists hardship_registry_status_check`.execute(db);
  await sql`alter table hardship_registry drop constraint if exists hardship_branch_consent`.execute(db);
  await db.schema
    .alterTable('hardship_registry')
    // Who filed it: the member (source self) or the recommending branch secretary (source branch).
    .addColumn('applied_by_member_id', 'bigint', (c) => c.references('members.id'))
    // Who gave consent: the member (a tap on the consent card) or, for a member without a chat account, the
    // secretary who attested it in the message (consent_attested).
    .addColumn('consent_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('consent_attested', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('consent_at', 'timestamptz')
    .addColumn('decided_by_member_id', 'bigint', (c) => c.references('members.id'))
    // Why it was not approved (the GB's reason, or the member's refusal of a recommendation).
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('archived_at', 'timestamptz')
    .addColumn('archived_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('archive_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table hardship_registry add constraint hardship_registry_status_check
            check (status in ('awaiting_consent', 'applied', 'approved', 'rejected', 'archived'))`.execute(db);
  // A branch recommendation goes further only with consent on record (党支部经个人同意后推荐).
  await sql`alter table hardship_registry add constraint hardship_branch_consent
            check (source = 'self' or consent_recorded or status in ('awaiting_consent', 'rejected'))`.execute(db);
  await sql`alter table hardship_registry add constraint hardship_causes_known check (causes <@ array${CAUSES}::text[])`.execute(db);
  // One live entry per member: a second application while one is pending or approved is answered, not stored.
  await sql`create unique index hardship_registry_live on hardship_registry (member_id) where status in ('awaiting_consent', 'applied', 'approved')`.execute(db);

  // ---- the May/November verification, entry by entry ----
  await db.schema
    .alterTable('hardship_reviews')
    // What the report said changed (added, archived, causes changed), as sent to the OD.
    .addColumn('changes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('verified_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('hardship_review_items')
    .addColumn('general_branch_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'bigint', (c) => c.notNull().references('hardship_registry.id'))
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('confirmed', 'archived', 'added')`))
    .addColumn('causes_before', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('causes_after', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('hardship_review_items_pk', ['period', 'entry_id'])
    .execute();

  // ---- assistance obligations (MECHANISM "Rules for every reminder") ----
  await db.schema
    .createTable('assistance_tasks')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('hardship_consent', 'hardship_review', 'aid_consent', 'aid_opinion', 'aid_decision', 'aid_payment', 'subsidy_renewal')`),
    )
    // The registry entry, the emergency aid or the subsidy the step belongs to.
    .addColumn('subject_id', 'bigint', (c) => c.notNull())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    // Owed by a person (a consent: the member) or by an office (role held in an organisation).
    .addColumn('owner_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('owner_role', 'text', (c) => c.check(sql`owner_role in ('branch_secretary', 'gb_secretary', 'od_staff')`))
    .addColumn('owner_organisation_id', 'bigint', (c) => c.references('organisations.id'))
    .addColumn('opened_on', 'date', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'done', 'cancelled')`))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('escalated_on', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('assistance_task_owner', sql`owner_member_id is not null or (owner_role is not null and owner_organisation_id is not null)`)
    .execute();
  await sql`create unique index assistance_tasks_open_once on assistance_tasks (kind, subject_id) where status = 'open'`.execute(db);
  await sql`create index assistance_tasks_open_due on assistance_tasks (due_on) where status = 'open'`.execute(db);

  // ---- relief: fixed monthly subsidies ----
  await db.schema
    .createTable('subsidies')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('entry_id', 'bigint', (c) => c.notNull().references('hardship_registry.id'))
    .addColumn('amount_fen', 'integer', (c) => c.notNull().check(sql`amount_fen > 0`))
    // 'YYYY-MM', inclusive both.
    .addColumn('start_month', 'text', (c) => c.notNull().check(sql`start_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`))
    .addColumn('end_month', 'text', (c) => c.notNull().check(sql`end_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`))
    // proposed: written, waiting for the OD's confirmation of the good record (一贯表现良好) on the card.
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('proposed').check(sql`status in ('proposed', 'active', 'ended', 'withdrawn')`))
    .addColumn('created_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('confirmed_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ended_reason', 'text', (c) => c.check(sql`ended_reason in ('term_ended', 'not_renewed', 'entry_archived', 'member_left', 'stopped')`))
    .addColumn('renewed_from_id', 'bigint', (c) => c.references('subsidies.id'))
    .addCheckConstraint('subsidy_months_ordered', sql`start_month <= end_month`)
    .execute();
  await db.schema
    .createTable('subsidy_payments')
    .addColumn('subsidy_id', 'bigint', (c) => c.notNull().references('subsidies.id'))
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'integer', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addPrimaryKeyConstraint('subsidy_payments_pk', ['subsidy_id', 'month'])
    .execute();

  // ---- relief: emergency aid ----
  await db.schema
    .createTable('emergency_aids')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('cause', 'text', (c) => c.notNull().check(sql`cause in ('serious_illness', 'disaster', 'schooling', 'other')`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('requested_fen', 'integer', (c) => c.notNull().check(sql`requested_fen > 0`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('awaiting_consent', 'applied', 'gb_reviewed', 'approved', 'rejected', 'paid', 'withdrawn')`),
    )
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('self', 'branch')`))
    .addColumn('applied_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('applied_on', 'date', (c) => c.notNull())
    .addColumn('applied_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The payment is due within N working days of the application: fixed when it is filed.
    .addColumn('pay_by', 'date', (c) => c.notNull())
    .addColumn('consent_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('consent_attested', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('consent_at', 'timestamptz')
    .addColumn('gb_agrees', 'boolean')
    .addColumn('gb_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('gb_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('gb_at', 'timestamptz')
    .addColumn('approved_fen', 'integer', (c) => c.check(sql`approved_fen > 0`))
    .addColumn('od_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('od_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('od_at', 'timestamptz')
    .addColumn('paid_at', 'timestamptz')
    .addColumn('paid_by_member_id', 'bigint', (c) => c.references('members.id'))
    .execute();

  // ---- pairing (结对帮扶) ----
  await db.schema
    .createTable('pairings')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('entry_id', 'bigint', (c) => c.notNull().references('hardship_registry.id'))
    // A member helps, or an organisation (its secretary acts for it).
    .addColumn('helper_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('helper_organisation_id', 'bigint', (c) => c.references('organisations.id'))
    .addColumn('started_on', 'date', (c) => c.notNull())
    .addColumn('ended_on', 'date')
    .addColumn('ended_reason', 'text', (c) => c.check(sql`ended_reason in ('entry_archived', 'ended', 'member_left', 'helper_left')`))
    .addColumn('created_by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('pairing_one_helper', sql`(helper_member_id is null) <> (helper_organisation_id is null)`)
    .execute();
  await sql`create unique index pairings_live_member on pairings (entry_id, helper_member_id) where ended_on is null and helper_member_id is not null`.execute(db);
  await sql`create unique index pairings_live_org on pairings (entry_id, helper_organisation_id) where ended_on is null and helper_organisation_id is not null`.execute(db);

  // Leading cadres the OD exempts from contacting a member in hardship (原则上: a reason is recorded).
  await db.schema
    .createTable('cadre_exemptions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('by_member_id', 'bigint', (c) => c.references('members.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await sql`create unique index cadre_exemptions_live on cadre_exemptions (member_id) where revoked_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['cadre_exemptions', 'pairings', 'emergency_aids', 'subsidy_payments', 'subsidies', 'assistance_tasks', 'hardship_review_items']) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.alterTable('hardship_reviews').dropColumn('changes').dropColumn('verified_count').execute();
  await sql`drop index if exists hardship_registry_live`.execute(db);
  await sql`alter table hardship_registry drop constraint if exists hardship_causes_known`.execute(db);
  await sql`alter table hardship_registry drop constraint if exists hardship_branch_consent`.execute(db);
  await sql`alter table hardship_registry drop constraint if exists hardship_registry_status_check`.execute(db);
  await sql`delete from hardship_registry where status = 'awaiting_consent'`.execute(db);
  await sql`alter table hardship_registry add constraint hardship_registry_status_check check (status in ('applied', 'approved', 'rejected', 'archived'))`.execute(db);
  await sql`alter table hardship_registry add constraint hardship_branch_consent check (source = 'self' or consent_recorded)`.execute(db);
  await db.schema
    .alterTable('hardship_registry')
    .dropColumn('applied_by_member_id')
    .dropColumn('consent_by_member_id')
    .dropColumn('consent_attested')
    .dropColumn('consent_at')
    .dropColumn('decided_by_member_id')
    .dropColumn('reason')
    .dropColumn('archived_at')
    .dropColumn('archived_by_member_id')
    .dropColumn('archive_reason')
    .dropColumn('updated_at')
    .execute();
}
