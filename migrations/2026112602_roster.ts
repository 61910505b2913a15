// Roster: the organisation tree (committee → general branch → branch), members, their Party roles and the
// committee members' links (挂联) to general branches, plus the old-member thresholds (MECHANISM.md "Who is
// who", "Canonical codes"). Runs unchanged on PostgreSQL 15+ and PGlite.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('committee', 'general_branch', 'branch')`))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`btrim(name) <> ''`))
    .addColumn('parent_id', 'bigint')
    // Copy of the parent's kind, so that a composite foreign key lets the database itself refuse a
    // branch hung under a committee or a general branch under a branch (no trigger needed).
    .addColumn('parent_kind', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('organisations_id_kind', ['id', 'kind'])
    .addForeignKeyConstraint('organisations_parent', ['parent_id', 'parent_kind'], 'organisations', ['id', 'kind'])
    .addCheckConstraint(
      'organisations_tree_shape',
      sql`(kind = 'committee' and parent_id is null and parent_kind is null)
        or (kind = 'general_branch' and parent_id is not null and parent_kind = 'committee')
        or (kind = 'branch' and parent_id is not null and parent_kind = 'general_branch')`,
    )
    .execute();
  // Unique among siblings; roots (parent null) are siblings of each other. An expression index instead of
  // UNIQUE NULLS NOT DISTINCT keeps the statement the same on every supported version.
  await sql`create unique index organisations_sibling_name on organisations (coalesce(parent_id, 0), name)`.execute(db);

  await db.schema
    .createTable('members')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`btrim(name) <> ''`))
    // WeCom userid; several members may have none yet, so NULLs are allowed and not compared.
    .addColumn('userid', 'text', (c) => c.unique())
    .addColumn('gender', 'text', (c) => c.check(sql`gender in ('male', 'female')`))
    .addColumn('birth_date', 'date')
    .addColumn('join_date', 'date', (c) => c.notNull())
    // Empty while the member is probationary; Party age counts from here.
    .addColumn('full_member_date', 'date')
    .addColumn('branch_id', 'bigint', (c) => c.notNull())
    // Constant, so that the composite foreign key below only accepts an organisation of kind 'branch'.
    .addColumn('branch_kind', 'text', (c) => c.notNull().defaultTo('branch').check(sql`branch_kind = 'branch'`))
    // As written in the secretaries' files (正处级, 副科 …); src/domain/roster.ts interprets it.
    .addColumn('cadre_level', 'text')
    .addColumn('phone', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active', 'transferred_out', 'deceased')`),
    )
    .addColumn('status_changed_on', 'date')
    .addColumn('outstanding_contributor', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('members_branch', ['branch_id', 'branch_kind'], 'organisations', ['id', 'kind'])
    .addCheckConstraint('members_full_after_join', sql`full_member_date is null or full_member_date >= join_date`)
    .execute();
  await sql`create index members_branch on members (branch_id)`.execute(db);
  // members(userid) is indexed by its UNIQUE constraint: "who is writing" needs no second index.
  // Political birthday: "whose join date falls on this month/day". extract() on a date is immutable
  // (to_char is not, it depends on lc_time), so it can be indexed.
  await sql`create index members_political_birthday on members ((extract(month from join_date)), (extract(day from join_date)))`.execute(
    db,
  );

  await db.schema
    .createTable('member_roles')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) =>
      c
        .notNull()
        // 'member' is implicit (every row of members) and never stored.
        .check(sql`role in ('committee_secretary', 'committee_member', 'od_staff', 'gb_secretary', 'gb_member', 'branch_secretary')`),
    )
    .addColumn('organisation_id', 'bigint', (c) => c.notNull().references('organisations.id'))
    .addPrimaryKeyConstraint('member_roles_pk', ['member_id', 'role', 'organisation_id'])
    .execute();
  await sql`create index member_roles_scope on member_roles (organisation_id, role)`.execute(db);

  // 挂联: a committee member follows one or more general branches.
  await db.schema
    .createTable('committee_links')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('general_branch_id', 'bigint', (c) => c.notNull())
    .addColumn('general_branch_kind', 'text', (c) => c.notNull().defaultTo('general_branch').check(sql`general_branch_kind = 'general_branch'`))
    .addPrimaryKeyConstraint('committee_links_pk', ['member_id', 'general_branch_id'])
    .addForeignKeyConstraint('committee_links_gb', ['general_branch_id', 'general_branch_kind'], 'organisations', ['id', 'kind'])
    .execute();
  await sql`create index committee_links_gb on committee_links (general_branch_id)`.execute(db);

  // Defaults an administrator can change (MECHANISM.md 2.1: old members are Party age ≥ 50 or age ≥ 80).
  await sql`insert into settings (key, value) values ('old_member_thresholds', '{"partyAge": 50, "age": 80}'::jsonb)
    on conflict (key) do nothing`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from settings where key = 'old_member_thresholds'`.execute(db);
  await db.schema.dropTable('committee_links').execute();
  await db.schema.dropTable('member_roles').execute();
  await db.schema.dropTable('members').execute();
  await db.schema.dropTable('organisations').execute();
}
