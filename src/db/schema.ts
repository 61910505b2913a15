// Kysely table types. One interface per table; migrations/ is the source of truth for the DDL.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export type InboundStatus = 'pending' | 'processing' | 'done' | 'failed';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface InboundEventsTable {
  id: Generated<string>;
  platform: string;
  dedupe_key: string;
  user_id: string;
  kind: string;
  payload: Json;
  status: Generated<InboundStatus>;
  attempts: Generated<number>;
  locked_until: Date | null;
  last_error: string | null;
  received_at: Generated<Date>;
  processed_at: Date | null;
}

export interface DeliveriesTable {
  id: Generated<string>;
  idempotency_key: string;
  platform: string;
  recipient: string;
  message: Json;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  locked_until: Date | null;
  platform_msgid: string | null;
  response_code: string | null;
  error_code: string | null;
  error: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
}

export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: Generated<Date>;
}

export interface Database {
  inbound_events: InboundEventsTable;
  deliveries: DeliveriesTable;
  settings: SettingsTable;
  organisations: OrganisationsTable;
  members: MembersTable;
  member_roles: MemberRolesTable;
  committee_links: CommitteeLinksTable;
}

export type InboundEventRow = Selectable<InboundEventsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type NewDelivery = Insertable<DeliveriesTable>;

// Roster (migrations/2026112602_roster.ts). Codes: MECHANISM.md "Canonical codes".
export type OrganisationKind = 'committee' | 'general_branch' | 'branch';
export type MemberStatus = 'active' | 'transferred_out' | 'deceased';
export type Gender = 'male' | 'female';
/** Stored roles; 'member' is implicit for every row of members and never stored. */
export type StoredRoleCode = 'committee_secretary' | 'committee_member' | 'od_staff' | 'gb_secretary' | 'gb_member' | 'branch_secretary';
/**
 * A SQL `date`, read as 'YYYY-MM-DD'. The drivers turn a date into a JS Date at local or UTC midnight unless
 * told otherwise, so roster queries select `to_char(col, 'YYYY-MM-DD')`; write it as 'YYYY-MM-DD'.
 */
type SqlDate = ColumnType<string, string, string>;

export interface OrganisationsTable {
  id: Generated<string>;
  kind: OrganisationKind;
  name: string;
  parent_id: string | null;
  parent_kind: OrganisationKind | null;
  created_at: Generated<Date>;
}

export interface MembersTable {
  id: Generated<string>;
  name: string;
  userid: string | null;
  gender: Gender | null;
  birth_date: SqlDate | null;
  join_date: SqlDate;
  full_member_date: SqlDate | null;
  branch_id: string;
  branch_kind: Generated<'branch'>;
  cadre_level: string | null;
  phone: string | null;
  status: Generated<MemberStatus>;
  status_changed_on: SqlDate | null;
  outstanding_contributor: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MemberRolesTable {
  member_id: string;
  role: StoredRoleCode;
  organisation_id: string;
}

export interface CommitteeLinksTable {
  member_id: string;
  general_branch_id: string;
  general_branch_kind: Generated<'general_branch'>;
}
