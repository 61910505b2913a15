// Kysely table types. One interface per table; migrations/ is the source of truth for the DDL.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { AssistanceTaskKind, EmergencyAidCause, EmergencyAidState, HardshipCause, HardshipState } from '../domain/assistance.ts';

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
  /** Who holds the lease (a random token per claim); null when nobody does. */
  lease_token: Generated<string | null>;
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
  /** Automatic pushes wait for this instant (09:00 spread, quiet hours); null = at once. */
  not_before: Generated<Date | null>;
  /** An automatic push (notice) rather than a reply: subject to quiet hours. */
  push: Generated<boolean>;
  /** Who holds the lease (a random token per claim); null when nobody does. */
  lease_token: Generated<string | null>;
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
  care_records: CareRecordsTable;
  care_obligations: CareObligationsTable;
  care_events: CareEventsTable;
  hardship_registry: HardshipRegistryTable;
  hardship_reviews: HardshipReviewsTable;
  hardship_review_items: HardshipReviewItemsTable;
  assistance_tasks: AssistanceTasksTable;
  subsidies: SubsidiesTable;
  subsidy_payments: SubsidyPaymentsTable;
  emergency_aids: EmergencyAidsTable;
  pairings: PairingsTable;
  cadre_exemptions: CadreExemptionsTable;
  birthday_activities: BirthdayActivitiesTable;
  birthday_member_activities: BirthdayMemberActivitiesTable;
  notices: NoticesTable;
  sweep_days: SweepDaysTable;
  office_vacancies: OfficeVacanciesTable;
  conversation_memory: ConversationMemoryTable;
  goal_statements: GoalStatementsTable;
  leadership_reviews: LeadershipReviewsTable;
  leadership_review_participants: LeadershipReviewParticipantsTable;
  leadership_review_tallies: LeadershipReviewTalliesTable;
  leadership_review_comments: LeadershipReviewCommentsTable;
  branch_evaluations: BranchEvaluationsTable;
  member_evaluation_grades: MemberEvaluationGradesTable;
  party_age_certificates: PartyAgeCertificatesTable;
}

export type InboundEventRow = Selectable<InboundEventsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type NewDelivery = Insertable<DeliveriesTable>;

// Roster (migrations/2026112602_roster.ts). Codes: MECHANISM.md "Canonical codes".
export type OrganisationKind = 'committee' | 'general_branch' | 'branch';
export type MemberStatus = 'active' | 'transferred_out' | 'deceased';
export type Gender = 'male' | 'female';
/** Stored roles; 'member' is implicit for every row of members and never stored. */
export type StoredRoleCode = 'committee_secretary' | 'committee_member' | 'od_staff' | 'gb_secretary' | 'gb_member' | 'unit_leader' | 'branch_secretary';
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
  /** Who confirmed the member's death (null with death_confirmed_at set: the roster import). */
  death_confirmed_by_member_id: Generated<string | null>;
  death_confirmed_at: Generated<Date | null>;
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

// Care (migrations/2026112603_care.ts).
export type CareKind = 'talk' | 'visit';
export type ObligationStatus = 'open' | 'done' | 'cancelled';
/** Why an obligation was cancelled: the member died or left, or the roster no longer makes the yearly talk pair. */
export type ObligationCancelReason = 'member_deceased' | 'member_transferred_out' | 'roster_changed';

export interface CareRecordsTable {
  id: Generated<string>;
  kind: CareKind;
  leader_member_id: string;
  member_id: string;
  happened_on: SqlDate;
  reason: string;
  note: Generated<string>;
  obligation_id: string | null;
  recorded_by_member_id: string;
  /** 派人: the person who sent the visitor (leader_member_id); null when the leader went themself. */
  sent_by_member_id: Generated<string | null>;
  recorded_at: Generated<Date>;
  undone_at: Date | null;
}

export interface CareObligationsTable {
  id: Generated<string>;
  kind: CareKind;
  member_id: string;
  owner_member_id: string | null;
  owner_organisation_id: string | null;
  owner_role: string | null;
  reason: string;
  source: 'trigger' | 'quota' | 'holiday';
  event_id: string | null;
  period: string | null;
  due_on: SqlDate;
  status: Generated<ObligationStatus>;
  record_id: string | null;
  created_at: Generated<Date>;
  /** The local day it was opened (from the clock); reminders count from it. */
  opened_on: ColumnType<string, string | undefined, string>;
  closed_at: Date | null;
  cancelled_reason: Generated<ObligationCancelReason | null>;
  /** How many times 延期 moved the due date (at most the setting defer_max_count). */
  deferrals: Generated<number>;
  /** The day 延期 was pressed past its limit: the obligation escalates as if overdue from then. */
  escalated_on: SqlDate | null;
}

export interface CareEventsTable {
  id: Generated<string>;
  member_id: string;
  reason: string;
  occurred_on: SqlDate;
  note: Generated<string>;
  reported_by_member_id: string;
  reported_at: Generated<Date>;
  /** The chat message the report came in (null: reported otherwise, or before this was kept). */
  inbound_event_id: string | null;
}

// Assistance (migrations/2026120100_assistance.ts). Codes: MECHANISM.md "Canonical codes"; labels in domain/assistance.ts.

export interface HardshipRegistryTable {
  id: Generated<string>;
  member_id: string;
  causes: ColumnType<HardshipCause[], HardshipCause[], HardshipCause[]>;
  status: Generated<HardshipState>;
  source: 'self' | 'branch';
  consent_recorded: Generated<boolean>;
  note: Generated<string>;
  created_at: Generated<Date>;
  decided_at: Date | null;
  /** The member (source self) or the recommending branch secretary (source branch). */
  applied_by_member_id: string | null;
  /** The member who tapped 同意, or the secretary who attested the consent of a member without a chat account. */
  consent_by_member_id: string | null;
  consent_attested: Generated<boolean>;
  consent_at: Date | null;
  decided_by_member_id: string | null;
  /** Why it was not approved: the GB's reason, or the member declining a recommendation. */
  reason: Generated<string>;
  archived_at: Date | null;
  archived_by_member_id: string | null;
  archive_reason: Generated<string>;
  updated_at: Generated<Date>;
}

/** One entry's part in a general branch's May/November verification. */
export interface HardshipReviewItemsTable {
  general_branch_id: string;
  period: string;
  entry_id: string;
  action: 'confirmed' | 'archived' | 'added';
  causes_before: ColumnType<HardshipCause[], HardshipCause[] | undefined, HardshipCause[]>;
  causes_after: ColumnType<HardshipCause[], HardshipCause[] | undefined, HardshipCause[]>;
  by_member_id: string | null;
  at: Generated<Date>;
  /** Not marked before the submission: confirmed unchanged by it (migrations/2026120120_verification_defaults.ts). */
  by_default: Generated<boolean>;
}

export interface AssistanceTasksTable {
  id: Generated<string>;
  kind: AssistanceTaskKind;
  /** The registry entry (hardship_*), the emergency aid (aid_*) or the subsidy (subsidy_*). */
  subject_id: string;
  member_id: string;
  owner_member_id: string | null;
  owner_role: 'branch_secretary' | 'gb_secretary' | 'od_staff' | null;
  owner_organisation_id: string | null;
  opened_on: SqlDate;
  due_on: SqlDate;
  status: Generated<'open' | 'done' | 'cancelled'>;
  closed_at: Date | null;
  closed_by_member_id: string | null;
  escalated_on: SqlDate | null;
  created_at: Generated<Date>;
}

export interface SubsidiesTable {
  id: Generated<string>;
  member_id: string;
  entry_id: string;
  /** Integer fen (分): money is never a float. */
  amount_fen: number;
  /** 'YYYY-MM', both inclusive. */
  start_month: string;
  end_month: string;
  status: Generated<'proposed' | 'active' | 'ended' | 'withdrawn'>;
  created_by_member_id: string | null;
  created_at: Generated<Date>;
  confirmed_by_member_id: string | null;
  confirmed_at: Date | null;
  ended_at: Date | null;
  ended_reason: 'term_ended' | 'not_renewed' | 'entry_archived' | 'member_left' | 'stopped' | null;
  renewed_from_id: string | null;
  /** The OD's 到期终止, decided before the end month (ended_reason not_renewed once the end month is past). */
  end_decided_at: Date | null;
  end_decided_by_member_id: string | null;
}

export interface SubsidyPaymentsTable {
  subsidy_id: string;
  month: string;
  amount_fen: number;
  paid_at: Date;
  recorded_by_member_id: string | null;
}

export interface EmergencyAidsTable {
  id: Generated<string>;
  member_id: string;
  cause: EmergencyAidCause;
  note: Generated<string>;
  requested_fen: number;
  status: EmergencyAidState;
  source: 'self' | 'branch';
  applied_by_member_id: string | null;
  applied_on: SqlDate;
  applied_at: Generated<Date>;
  /** The last day of payment: N working days (setting) after the application. */
  pay_by: SqlDate;
  consent_by_member_id: string | null;
  consent_attested: Generated<boolean>;
  consent_at: Date | null;
  gb_agrees: boolean | null;
  gb_note: Generated<string>;
  gb_by_member_id: string | null;
  gb_at: Date | null;
  approved_fen: number | null;
  od_note: Generated<string>;
  od_by_member_id: string | null;
  od_at: Date | null;
  paid_at: Date | null;
  paid_by_member_id: string | null;
}

export interface PairingsTable {
  id: Generated<string>;
  member_id: string;
  entry_id: string;
  helper_member_id: string | null;
  helper_organisation_id: string | null;
  started_on: SqlDate;
  ended_on: SqlDate | null;
  ended_reason: 'entry_archived' | 'ended' | 'member_left' | 'helper_left' | null;
  created_by_member_id: string | null;
  created_at: Generated<Date>;
}

export interface CadreExemptionsTable {
  id: Generated<string>;
  member_id: string;
  reason: string;
  by_member_id: string | null;
  at: Generated<Date>;
  revoked_at: Date | null;
}

export interface HardshipReviewsTable {
  general_branch_id: string;
  period: string;
  submitted_by_member_id: string | null;
  submitted_at: Generated<Date>;
  note: Generated<string>;
  /** What the report told the OD had changed: { added, archived, causesChanged } (names and causes). */
  changes: ColumnType<unknown, string | undefined, string>;
  verified_count: Generated<number>;
}

/** The form a political-birthday activity took (MECHANISM.md "Canonical codes"). */
export type BirthdayActivityForm = 'collective' | 'oath' | 'letter' | 'sms';

export interface BirthdayActivitiesTable {
  branch_id: string;
  period: string;
  logged_by_member_id: string | null;
  logged_at: Generated<Date>;
  note: Generated<string>;
  /** migrations/2026113020_birthday_activity_forms.ts */
  forms: ColumnType<BirthdayActivityForm[], BirthdayActivityForm[] | undefined, BirthdayActivityForm[]>;
}

/** A letter or text message sent to one member for their political birthday (a member without a chat account). */
export interface BirthdayMemberActivitiesTable {
  member_id: string;
  period: string;
  form: BirthdayActivityForm;
  branch_id: string;
  logged_by_member_id: string | null;
  logged_at: Date;
}

export interface NoticesTable {
  id: Generated<string>;
  kind: string;
  recipient_member_id: string;
  subject: string;
  period: string;
  due_on: SqlDate;
  late: Generated<boolean>;
  created_at: Generated<Date>;
}

/** Since when an office (a branch's or a GB's secretary) has been vacant (migrations/2026113030_office_vacancies.ts). */
export interface OfficeVacanciesTable {
  id: Generated<string>;
  organisation_id: string;
  role: 'branch_secretary' | 'gb_secretary';
  since: SqlDate;
  filled_on: SqlDate | null;
}

export interface SweepDaysTable {
  on_date: SqlDate;
  notices: number;
  late: boolean;
  finished_at: Generated<Date>;
  /** Notice families whose planning or writing failed that day (empty: the day is done). */
  failed_families: Generated<string[]>;
}

/** What the bot last asked a person about (a reminder naming an obligation), so a short reply can refer to it. */
export interface ConversationMemoryTable {
  member_id: string;
  topic: string;
  ref: string;
  at: Generated<Date>;
}

// Goals and commitments (migrations/2026120300_goals_commitments.ts, MECHANISM 3.3).
export type GoalStatementKind = 'goals' | 'commitment';

export interface GoalStatementsTable {
  id: Generated<string>;
  kind: GoalStatementKind;
  year: number;
  organisation_id: string | null;
  member_id: string | null;
  text: string;
  recorded_by_member_id: string | null;
  recorded_at: Date;
  updated_at: Date;
}

// Quarterly self-evaluation (migrations/2026120401_self_evaluations.ts, MECHANISM 3.3). Declared as a block of its
// own (interface merging adds the table to Database) so that parallel work on schema.ts merges cleanly.
export interface Database {
  self_evaluations: SelfEvaluationsTable;
}

export interface SelfEvaluationsTable {
  id: Generated<string>;
  member_id: string;
  year: number;
  quarter: number;
  text: string;
  recorded_by_member_id: string;
  recorded_at: Date;
  updated_at: Date;
}
// Commendations (migrations/2026120403_commendations.ts, MECHANISM 3.2–3.3): the GBs' excellent-member lists, the
// committee's picks and every other commendation, with its certificate number. (Declaration merging adds the
// table to Database here, in a block of its own.)
export interface Database {
  commendations: CommendationsTable;
}

export interface CommendationsTable {
  id: Generated<string>;
  year: number;
  kind: 'advanced_organisation' | 'excellent_member' | 'excellent_worker' | 'special';
  level: 'committee' | 'general_branch';
  cause: string | null;
  member_id: string | null;
  organisation_id: string | null;
  /** The organisation in whose name the certificate is issued: the GB, or the committee. */
  issuer_id: string;
  /** Why a committee pick is on no GB list of the year (原则上从党总支名单中产生). */
  reason: string | null;
  certificate_no: string;
  certificate_seq: number | null;
  recorded_by_member_id: string | null;
  recorded_at: Date;
}

// 光荣在党50年 certificates (migrations/2026120404_party_age_certificates.ts, issue 13 section 6).
export interface PartyAgeCertificatesTable {
  id: Generated<string>;
  member_id: string;
  eligibility_confirmed_by_member_id: string | null;
  eligibility_confirmed_at: Date;
  issued_on: SqlDate | null;
  certificate_no: string | null;
  recorded_by_member_id: string | null;
  recorded_at: Date | null;
}

// Half-year and year-end evaluations (migrations/2026120402_evaluation_grades.ts, MECHANISM 3.3); the codes are
// domain/incentive.ts's.
type GradedEvaluationKind = import('../domain/incentive.ts').GradedEvaluationKind;

export interface BranchEvaluationsTable {
  id: Generated<string>;
  branch_id: string;
  kind: GradedEvaluationKind;
  year: number;
  held_on: SqlDate;
  recorded_by_member_id: string | null;
  recorded_at: Date;
}

export interface MemberEvaluationGradesTable {
  id: Generated<string>;
  member_id: string;
  kind: GradedEvaluationKind;
  year: number;
  grade: import('../domain/incentive.ts').EvaluationGrade;
  recorded_by_member_id: string | null;
  recorded_at: Date;
}

// The leadership review (migrations/2026120405_leadership_review.ts, MECHANISM 3.1): participation apart from the
// ratings and comments, which carry no member, no time and no row per answer (see the migration's comment).
export interface LeadershipReviewsTable {
  id: Generated<string>;
  year: number;
  opened_on: SqlDate;
  /** The last day answers are taken (inclusive). */
  last_day: SqlDate;
  /** Null: opened from the admin API. */
  opened_by_member_id: string | null;
  opened_at: Date;
}

export interface LeadershipReviewParticipantsTable {
  review_id: string;
  member_id: string;
  branch_id: string;
  general_branch_id: string;
  branch_answered: Generated<boolean>;
  gb_answered: Generated<boolean>;
  branch_commented: Generated<boolean>;
  gb_commented: Generated<boolean>;
}

export interface LeadershipReviewTalliesTable {
  review_id: string;
  organisation_id: string;
  rating: 'satisfied' | 'basically_satisfied' | 'dissatisfied';
  answers: Generated<number>;
}

export interface LeadershipReviewCommentsTable {
  review_id: string;
  organisation_id: string;
  text: string;
}

// Batches of identical content (migrations/2026120500_delivery_batches.ts): one platform call for up to
// maxRecipientsPerSend deliveries; each recipient keeps a deliveries row of its own.
// 'unwritten': a sweep's batch whose delivery rows its first claim writes (migrations/2026120900_batch_recipients.ts).
export type DeliveryBatchStatus = 'unwritten' | 'pending' | 'sending' | 'done';

export interface DeliveryBatchesTable {
  id: Generated<string>;
  /** `<broadcast key>#<part>`. */
  key: string;
  platform: string;
  message: Json;
  push: Generated<boolean>;
  not_before: Date | null;
  status: Generated<DeliveryBatchStatus>;
  attempts: Generated<number>;
  locked_until: Generated<Date | null>;
  lease_token: Generated<string | null>;
  /** Set at the first send attempt: from then on the batch's recipients no longer change. */
  frozen_at: Generated<Date | null>;
  /** sha256 of the frozen recipients in order: batches with the same digest and message make identical requests. */
  recipients_digest: Generated<string | null>;
  /** Whether the batch's calls ask for the platform's duplicate check; fixed at the freeze. */
  duplicate_check: Generated<boolean | null>;
  /**
   * A sweep's batch until its job first claims it: its recipients' idempotency keys and chat ids, in sending
   * order, whose deliveries rows are written then (DeliveryBatchRepository.materialize). Null once written.
   */
  recipient_keys: Generated<string[] | null>;
  recipients: Generated<string[] | null>;
  error_code: Generated<string | null>;
  error: Generated<string | null>;
  created_at: Generated<Date>;
  finished_at: Generated<Date | null>;
}

export interface DeliveriesTable {
  /** The batch that sends this row (then only its job does); null for a delivery sent on its own. */
  batch_id: Generated<string | null>;
}

export interface Database {
  delivery_batches: DeliveryBatchesTable;
}

export type DeliveryBatchRow = Selectable<DeliveryBatchesTable>;
// Members' suggestions (migrations/2026120502_suggestions.ts, MECHANISM 3.1, issue 14 section 2).
export interface Database {
  suggestions: SuggestionsTable;
}

export interface SuggestionsTable {
  id: Generated<string>;
  writer_member_id: string;
  branch_id: string;
  general_branch_id: string;
  committee_id: string;
  anonymous: Generated<boolean>;
  addressee_office: 'branch_secretary' | 'gb_secretary' | 'linked_committee_member' | 'committee_secretary' | 'od';
  addressee_organisation_id: string;
  /** Only for a linked committee member (a person); the other addressees are offices. */
  addressee_member_id: string | null;
  text: string;
  filed_at: Date;
  filed_on: SqlDate;
  due_on: SqlDate;
  state: Generated<'awaiting_reply' | 'replied'>;
  reply: string | null;
  replied_at: Date | null;
  replied_on: SqlDate | null;
  replied_by_member_id: string | null;
}

// Delegates' proposals (migrations/2026120503_proposals.ts, MECHANISM 3.1): the members' delegate flag (党代会代表)
// and the proposals; the state codes are domain/voice.ts's.
export interface MembersTable {
  party_congress_delegate: Generated<boolean>;
}

export interface ProposalsTable {
  id: Generated<string>;
  committee_id: string;
  delegate_member_id: string;
  text: string;
  state: Generated<import('../domain/voice.ts').ProposalState>;
  filed_on: SqlDate;
  filed_at: Date;
  registered_on: SqlDate | null;
  registered_at: Date | null;
  due_on: SqlDate | null;
  declined_at: Date | null;
  decline_reason: string | null;
  decided_by_member_id: string | null;
  assignee_member_id: string | null;
  assignee_office: string | null;
  assigned_at: Date | null;
  answer: string | null;
  answered_at: Date | null;
  answered_by_member_id: string | null;
}

export interface Database {
  proposals: ProposalsTable;
}

// Reporting work and open Party affairs (migrations/2026120501_announcements.ts, MECHANISM 3.1, issue 14 section 1).
export interface Database {
  announcements: AnnouncementsTable;
  announcement_recipients: AnnouncementRecipientsTable;
}

export interface AnnouncementsTable {
  id: Generated<string>;
  kind: 'report_work' | 'announcement';
  audience: 'all_secretaries' | 'all_members' | 'gb_members' | 'gb_secretaries' | 'branch_members';
  category: 'exemplary_deeds' | 'commendation' | null;
  /** The sender's office whose audience it addresses: the committee (OD), a GB or a branch. */
  organisation_id: string;
  sender_member_id: string;
  body: string;
  state: Generated<'preview' | 'sent' | 'cancelled' | 'superseded'>;
  created_at: Date;
  /** When the sender tapped 发送. */
  sent_at: Date | null;
  /** When it goes out: sent_at, or the end of quiet hours. */
  deliver_at: Date | null;
  /** The organisation's date of deliver_at (the reminder's days count from it). */
  deliver_on: SqlDate | null;
}

export interface AnnouncementRecipientsTable {
  announcement_id: string;
  member_id: string;
  branch_id: string;
  general_branch_id: string;
  /** Had a chat account when it was sent (else counted apart, to be told another way). */
  has_account: boolean;
  read_at: Date | null;
}
// DingTalk accounts (migrations/2026120600_dingtalk_accounts.ts, issue 15): 钉钉账号, and whether the member's
// userid is only their DingTalk account (then WeCom does not know them).
export interface MembersTable {
  dingtalk_userid: Generated<string | null>;
  userid_from_dingtalk: Generated<boolean>;
}
// The dashboard's sign-in (migrations/2026120700_dashboard.ts, issue 16 section 1): one-time links, sessions and
// the cookie signing key. Tokens are stored as SHA-256 hashes only.
export interface Database {
  dashboard_links: DashboardLinksTable;
  dashboard_sessions: DashboardSessionsTable;
  dashboard_keys: DashboardKeysTable;
}

export interface DashboardLinksTable {
  token_hash: string;
  member_id: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export type DashboardSignInVia = 'link' | 'wecom_oauth' | 'wecom_qr' | 'dingtalk_oauth';

export interface DashboardSessionsTable {
  token_hash: string;
  member_id: string;
  via: DashboardSignInVia;
  csrf_token: string;
  created_at: Date;
  expires_at: Date;
  ended_at: Date | null;
}

export interface DashboardKeysTable {
  name: string;
  secret: string;
  created_at: Date;
}
// The dashboard's snapshot for very large scopes (migrations/2026120770_dashboard_snapshots.ts, issue 16 section 5).
export interface Database {
  dashboard_snapshots: DashboardSnapshotsTable;
  dashboard_snapshot_branches: DashboardSnapshotBranchesTable;
  dashboard_snapshot_scopes: DashboardSnapshotScopesTable;
}

export interface DashboardSnapshotsTable {
  committee_id: string;
  on_date: SqlDate;
  computed_at: Date;
}

export interface DashboardSnapshotBranchesTable {
  committee_id: string;
  branch_id: string;
  figures: Json;
}

export interface DashboardSnapshotScopesTable {
  committee_id: string;
  scope_key: string;
  figures: Json;
  months: Json;
  visit_days: Json;
}

// Correlation ids (migrations/2026120800_correlation_ids.ts, issue 17 §3): what caused a delivery or a batch, for the log.
export interface DeliveriesTable {
  /** The inbound event's dedupe key (the platform's message id), `sweep-<date>`, or null. */
  correlation_id: Generated<string | null>;
}

export interface DeliveryBatchesTable {
  correlation_id: Generated<string | null>;
}
