// Issue 11, "Who owes, and what closes it": the unit's main Party leader (单位党员主要领导, role `unit_leader`)
// is a roster role held in a general branch, and a visit may be made by someone the owner sent (派人): the
// record keeps who visited (leader_member_id) and who sent them (sent_by_member_id).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table member_roles drop constraint member_roles_role_check`.execute(db);
  await sql`alter table member_roles add constraint member_roles_role_check
    check (role in ('committee_secretary', 'committee_member', 'od_staff', 'gb_secretary', 'gb_member', 'unit_leader', 'branch_secretary'))`.execute(db);
  await sql`alter table care_records add column sent_by_member_id bigint references members (id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table care_records drop column sent_by_member_id`.execute(db);
  await sql`delete from member_roles where role = 'unit_leader'`.execute(db);
  await sql`alter table member_roles drop constraint member_roles_role_check`.execute(db);
  await sql`alter table member_roles add constraint member_roles_role_check
    check (role in ('committee_secretary', 'committee_member', 'od_staff', 'gb_secretary', 'gb_member', 'branch_secretary'))`.execute(db);
}
