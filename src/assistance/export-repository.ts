// The rows of the assistance exports (src/assistance/export.ts): registry entries, subsidies with their
// payments, emergency aid, pairings with their mode and last contact — with the people and organisations they
// name, one keyset page (ids after `after`, in id order) at a time. Each row carries the member's place (member,
// branch, general branch, committee ids) so the export can apply the access rule. Ids are text (bigint, exact),
// dates YYYY-MM-DD, money integer fen.
import { sql, type Kysely } from 'kysely';
import type { PlaceColumns } from '../care/export-repository.ts';
import type { Database } from '../db/schema.ts';
import type { EmergencyAidCause, EmergencyAidState, HardshipCause, HardshipState } from '../domain/assistance.ts';
import { HELPER_ROLES } from '../domain/access.ts';

export type { PlaceColumns };

/** Inclusive bounds: instants for the registry (applied_at), dates YYYY-MM-DD for the rest. */
export interface InstantRange {
  /** The first instant included (the organisation's midnight of `from`). */
  fromAt?: Date | undefined;
  /** The first instant excluded (the organisation's midnight after `to`). */
  toBefore?: Date | undefined;
  /** Only rows about members now in these branches (the dashboard's scope); undefined: every branch. */
  branchIds?: readonly string[] | undefined;
}
export interface DateRange {
  from?: string | undefined;
  to?: string | undefined;
  /** As InstantRange.branchIds. */
  branchIds?: readonly string[] | undefined;
}

/** The member's current branch among `branchIds` (an empty list matches nothing). */
const memberInBranches = (branchIds: readonly string[]) => sql<boolean>`m.branch_id = any(${[...branchIds]}::bigint[])`;

export interface HardshipPageRow extends PlaceColumns {
  id: string;
  member: string | null;
  member_name: string;
  general_branch: string;
  branch: string;
  causes: HardshipCause[];
  state: HardshipState;
  source: 'self' | 'branch';
  note: string;
  applied_at: Date;
  applied_by: string | null;
  applied_by_name: string | null;
  consent_by: string | null;
  consent_by_name: string | null;
  consent_attested: boolean;
  consent_at: Date | null;
  decided_at: Date | null;
  decided_by: string | null;
  decided_by_name: string | null;
  reason: string;
  archived_at: Date | null;
  archived_by: string | null;
  archived_by_name: string | null;
  archive_reason: string;
  verified_in: string | null;
}

export interface SubsidyPageRow extends PlaceColumns {
  id: string;
  member: string | null;
  member_name: string;
  general_branch: string;
  branch: string;
  state: 'proposed' | 'active' | 'ended' | 'withdrawn';
  amount_fen: number;
  start_month: string;
  end_month: string;
  created_at: Date;
  created_by: string | null;
  created_by_name: string | null;
  confirmed_at: Date | null;
  confirmed_by: string | null;
  confirmed_by_name: string | null;
  ended_at: Date | null;
  ended_reason: string | null;
  renewed_from: string | null;
}

export interface SubsidyPaymentRow {
  subsidy_id: string;
  month: string;
  amount_fen: number;
  paid_at: Date;
  recorded_by: string | null;
  recorded_by_name: string | null;
}

export interface AidPageRow extends PlaceColumns {
  id: string;
  member: string | null;
  member_name: string;
  general_branch: string;
  branch: string;
  state: EmergencyAidState;
  cause: EmergencyAidCause;
  note: string;
  source: 'self' | 'branch';
  requested_fen: number;
  approved_fen: number | null;
  applied_on: string;
  applied_at: Date;
  applied_by: string | null;
  applied_by_name: string | null;
  pay_by: string;
  gb_agrees: boolean | null;
  gb_note: string;
  gb_by: string | null;
  gb_by_name: string | null;
  gb_at: Date | null;
  od_note: string;
  od_by: string | null;
  od_by_name: string | null;
  od_at: Date | null;
  paid_at: Date | null;
  paid_by: string | null;
  paid_by_name: string | null;
}

export interface PairingPageRow extends PlaceColumns {
  id: string;
  helper_member_id: string | null;
  helper_organisation_id: string | null;
  /** The helping member's account, or the helping organisation's name. */
  helper: string | null;
  helper_name: string;
  helper_kind: 'member' | 'organisation';
  /** The helper's general branch: the member's, the organisation's own or its parent (null for the committee). */
  helper_general_branch: string | null;
  member: string | null;
  member_name: string;
  general_branch: string;
  branch: string;
  /** Helpers of the same entry live together with this one: now for a live pairing, on its last day for an ended one. */
  helpers: number;
  started_on: string;
  ended_on: string | null;
  ended_reason: string | null;
  last_contact_on: string | null;
  created_by: string | null;
  created_by_name: string | null;
}

const place = (m: string, b: string, gb: string) => [
  sql<string>`${sql.ref(`${m}.id`)}::text`.as('member_place_id'),
  sql<string>`${sql.ref(`${b}.id`)}::text`.as('branch_id'),
  sql<string>`${sql.ref(`${gb}.id`)}::text`.as('general_branch_id'),
  sql<string>`${sql.ref(`${gb}.parent_id`)}::text`.as('committee_id'),
];

export class AssistanceExportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Up to `limit` registry entries with id > `after`, in id order, applied within the range. */
  async hardshipPage(range: InstantRange, after: string, limit: number): Promise<HardshipPageRow[]> {
    let q = this.db
      .selectFrom('hardship_registry as h')
      .innerJoin('members as m', 'm.id', 'h.member_id')
      .innerJoin('organisations as b', 'b.id', 'm.branch_id')
      .innerJoin('organisations as gb', 'gb.id', 'b.parent_id')
      .leftJoin('members as ab', 'ab.id', 'h.applied_by_member_id')
      .leftJoin('members as cb', 'cb.id', 'h.consent_by_member_id')
      .leftJoin('members as db', 'db.id', 'h.decided_by_member_id')
      .leftJoin('members as rb', 'rb.id', 'h.archived_by_member_id')
      .select([
        sql<string>`h.id::text`.as('id'),
        'm.userid as member',
        'm.name as member_name',
        'gb.name as general_branch',
        'b.name as branch',
        'h.causes',
        'h.status as state',
        'h.source',
        'h.note',
        'h.created_at as applied_at',
        'ab.userid as applied_by',
        'ab.name as applied_by_name',
        'cb.userid as consent_by',
        'cb.name as consent_by_name',
        'h.consent_attested',
        'h.consent_at',
        'h.decided_at',
        'db.userid as decided_by',
        'db.name as decided_by_name',
        'h.reason',
        'h.archived_at',
        'rb.userid as archived_by',
        'rb.name as archived_by_name',
        'h.archive_reason',
        // The latest May/November round whose submitted GB report confirmed or added the entry.
        sql<string | null>`(select max(i.period) from hardship_review_items i
                            join hardship_reviews rv on rv.general_branch_id = i.general_branch_id and rv.period = i.period
                           where i.entry_id = h.id and i.action in ('confirmed', 'added'))`.as('verified_in'),
        ...place('m', 'b', 'gb'),
      ])
      .where(sql<boolean>`h.id > ${after}::bigint`);
    if (range.fromAt) q = q.where('h.created_at', '>=', range.fromAt);
    if (range.toBefore) q = q.where('h.created_at', '<', range.toBefore);
    if (range.branchIds) q = q.where(memberInBranches(range.branchIds));
    return q.orderBy('h.id').limit(limit).execute();
  }

  /** Up to `limit` subsidies with id > `after`, in id order, whose start month's first day is within the range. */
  async subsidyPage(range: DateRange, after: string, limit: number): Promise<SubsidyPageRow[]> {
    let q = this.db
      .selectFrom('subsidies as s')
      .innerJoin('members as m', 'm.id', 's.member_id')
      .innerJoin('organisations as b', 'b.id', 'm.branch_id')
      .innerJoin('organisations as gb', 'gb.id', 'b.parent_id')
      .leftJoin('members as cr', 'cr.id', 's.created_by_member_id')
      .leftJoin('members as co', 'co.id', 's.confirmed_by_member_id')
      .select([
        sql<string>`s.id::text`.as('id'),
        'm.userid as member',
        'm.name as member_name',
        'gb.name as general_branch',
        'b.name as branch',
        's.status as state',
        's.amount_fen',
        's.start_month',
        's.end_month',
        's.created_at',
        'cr.userid as created_by',
        'cr.name as created_by_name',
        's.confirmed_at',
        'co.userid as confirmed_by',
        'co.name as confirmed_by_name',
        's.ended_at',
        's.ended_reason',
        sql<string | null>`s.renewed_from_id::text`.as('renewed_from'),
        ...place('m', 'b', 'gb'),
      ])
      .where(sql<boolean>`s.id > ${after}::bigint`);
    // 'YYYY-MM' compares as text; the subsidy begins on the 1st of its start month.
    if (range.from) q = q.where(sql<boolean>`(s.start_month || '-01') >= ${range.from}`);
    if (range.to) q = q.where(sql<boolean>`(s.start_month || '-01') <= ${range.to}`);
    if (range.branchIds) q = q.where(memberInBranches(range.branchIds));
    return q.orderBy('s.id').limit(limit).execute();
  }

  /** The payments of these subsidies, by subsidy and month. */
  async paymentsOf(subsidyIds: readonly string[]): Promise<SubsidyPaymentRow[]> {
    if (subsidyIds.length === 0) return [];
    return this.db
      .selectFrom('subsidy_payments as p')
      .leftJoin('members as r', 'r.id', 'p.recorded_by_member_id')
      .select([sql<string>`p.subsidy_id::text`.as('subsidy_id'), 'p.month', 'p.amount_fen', 'p.paid_at', 'r.userid as recorded_by', 'r.name as recorded_by_name'])
      .where('p.subsidy_id', 'in', [...subsidyIds])
      .orderBy('p.subsidy_id')
      .orderBy('p.month')
      .execute();
  }

  /** Up to `limit` emergency aids with id > `after`, in id order, applied for within the range. */
  async aidPage(range: DateRange, after: string, limit: number): Promise<AidPageRow[]> {
    let q = this.db
      .selectFrom('emergency_aids as a')
      .innerJoin('members as m', 'm.id', 'a.member_id')
      .innerJoin('organisations as b', 'b.id', 'm.branch_id')
      .innerJoin('organisations as gb', 'gb.id', 'b.parent_id')
      .leftJoin('members as ab', 'ab.id', 'a.applied_by_member_id')
      .leftJoin('members as gbm', 'gbm.id', 'a.gb_by_member_id')
      .leftJoin('members as od', 'od.id', 'a.od_by_member_id')
      .leftJoin('members as pb', 'pb.id', 'a.paid_by_member_id')
      .select([
        sql<string>`a.id::text`.as('id'),
        'm.userid as member',
        'm.name as member_name',
        'gb.name as general_branch',
        'b.name as branch',
        'a.status as state',
        'a.cause',
        'a.note',
        'a.source',
        'a.requested_fen',
        'a.approved_fen',
        sql<string>`to_char(a.applied_on, 'YYYY-MM-DD')`.as('applied_on'),
        'a.applied_at',
        'ab.userid as applied_by',
        'ab.name as applied_by_name',
        sql<string>`to_char(a.pay_by, 'YYYY-MM-DD')`.as('pay_by'),
        'a.gb_agrees',
        'a.gb_note',
        'gbm.userid as gb_by',
        'gbm.name as gb_by_name',
        'a.gb_at',
        'a.od_note',
        'od.userid as od_by',
        'od.name as od_by_name',
        'a.od_at',
        'a.paid_at',
        'pb.userid as paid_by',
        'pb.name as paid_by_name',
        ...place('m', 'b', 'gb'),
      ])
      .where(sql<boolean>`a.id > ${after}::bigint`);
    if (range.from) q = q.where(sql<boolean>`a.applied_on >= ${range.from}::date`);
    if (range.to) q = q.where(sql<boolean>`a.applied_on <= ${range.to}::date`);
    if (range.branchIds) q = q.where(memberInBranches(range.branchIds));
    return q.orderBy('a.id').limit(limit).execute();
  }

  /**
   * Up to `limit` pairings with id > `after`, in id order, started within the range; with how many helpers the
   * member had alongside (for the mode) and the last contact: the latest talk or visit, not undone, with the
   * member during the pairing (on/after started_on, and not after ended_on) made by the helper — for an
   * organisation, by any of its secretaries (HELPER_ROLES).
   */
  async pairingPage(range: DateRange, after: string, limit: number): Promise<PairingPageRow[]> {
    const roles = sql.join(HELPER_ROLES.map((r) => sql`${r}`));
    let q = this.db
      .selectFrom('pairings as p')
      .innerJoin('members as m', 'm.id', 'p.member_id')
      .innerJoin('organisations as b', 'b.id', 'm.branch_id')
      .innerJoin('organisations as gb', 'gb.id', 'b.parent_id')
      .leftJoin('members as hm', 'hm.id', 'p.helper_member_id')
      .leftJoin('organisations as hmb', 'hmb.id', 'hm.branch_id')
      .leftJoin('organisations as hmg', 'hmg.id', 'hmb.parent_id')
      .leftJoin('organisations as ho', 'ho.id', 'p.helper_organisation_id')
      .leftJoin('organisations as hop', 'hop.id', 'ho.parent_id')
      .leftJoin('members as cr', 'cr.id', 'p.created_by_member_id')
      .select([
        sql<string>`p.id::text`.as('id'),
        sql<string | null>`p.helper_member_id::text`.as('helper_member_id'),
        sql<string | null>`p.helper_organisation_id::text`.as('helper_organisation_id'),
        sql<string | null>`case when p.helper_member_id is not null then hm.userid else ho.name end`.as('helper'),
        sql<string>`coalesce(hm.name, ho.name)`.as('helper_name'),
        sql<'member' | 'organisation'>`case when p.helper_member_id is not null then 'member' else 'organisation' end`.as('helper_kind'),
        sql<string | null>`case when p.helper_member_id is not null then hmg.name when ho.kind = 'general_branch' then ho.name when ho.kind = 'branch' then hop.name end`.as(
          'helper_general_branch',
        ),
        'm.userid as member',
        'm.name as member_name',
        'gb.name as general_branch',
        'b.name as branch',
        sql<number>`(select count(*)::int from pairings p2 where p2.entry_id = p.entry_id and case
                       when p.ended_on is null then p2.ended_on is null
                       else p2.started_on <= p.ended_on and (p2.ended_on is null or p2.ended_on >= p.ended_on) end)`.as('helpers'),
        sql<string>`to_char(p.started_on, 'YYYY-MM-DD')`.as('started_on'),
        sql<string | null>`to_char(p.ended_on, 'YYYY-MM-DD')`.as('ended_on'),
        'p.ended_reason',
        sql<string | null>`(select to_char(max(r.happened_on), 'YYYY-MM-DD') from care_records r
                            where r.member_id = p.member_id and r.undone_at is null
                              and r.happened_on >= p.started_on and (p.ended_on is null or r.happened_on <= p.ended_on)
                              and (r.leader_member_id = p.helper_member_id
                                   or r.leader_member_id in (select mr.member_id from member_roles mr
                                                              where mr.organisation_id = p.helper_organisation_id and mr.role in (${roles}))))`.as(
          'last_contact_on',
        ),
        'cr.userid as created_by',
        'cr.name as created_by_name',
        ...place('m', 'b', 'gb'),
      ])
      .where(sql<boolean>`p.id > ${after}::bigint`);
    if (range.from) q = q.where(sql<boolean>`p.started_on >= ${range.from}::date`);
    if (range.to) q = q.where(sql<boolean>`p.started_on <= ${range.to}::date`);
    if (range.branchIds) q = q.where(memberInBranches(range.branchIds));
    return q.orderBy('p.id').limit(limit).execute();
  }

  /** The members this person helps in a live pairing: in person, or through an organisation they act for. */
  async liveHelpedMembers(memberId: string, organisationIds: readonly string[]): Promise<string[]> {
    let q = this.db
      .selectFrom('pairings')
      .select(sql<string>`member_id::text`.as('member_id'))
      .distinct()
      .where('ended_on', 'is', null);
    q = q.where((eb) =>
      organisationIds.length === 0
        ? eb('helper_member_id', '=', memberId)
        : eb.or([eb('helper_member_id', '=', memberId), eb('helper_organisation_id', 'in', [...organisationIds])]),
    );
    return (await q.execute()).map((r) => r.member_id);
  }
}
