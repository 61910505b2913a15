// The rows of the care exports (src/care/export.ts): talks, visits and obligations with the people and
// organisations they name, one keyset page (ids after `after`, in id order) at a time. Each row carries the
// member's place (member, branch, general branch, committee ids) so the export can apply the access rule.
// Ids are text (bigint, exact), dates YYYY-MM-DD.
import { sql, type Kysely } from 'kysely';
import type { CareKind, Database, ObligationStatus } from '../db/schema.ts';

/** Inclusive bounds as YYYY-MM-DD: talks and visits by happened_on, obligations by due_on. */
export interface ExportRange {
  from?: string | undefined;
  to?: string | undefined;
}

/** Where the member a row is about sits, as ids. */
export interface PlaceColumns {
  member_place_id: string;
  branch_id: string;
  general_branch_id: string;
  committee_id: string;
}

export interface CareRecordPageRow extends PlaceColumns {
  id: string;
  happened_on: string;
  leader_userid: string | null;
  leader_name: string;
  /** 派人: who sent the visitor (the leader); null when the leader went themself. */
  sent_by_userid: string | null;
  sent_by_name: string | null;
  member_userid: string | null;
  member_name: string;
  member_branch: string;
  member_general_branch: string;
  reason: string;
  note: string;
  obligation_id: string | null;
  recorded_by_userid: string | null;
  recorded_by_name: string;
  recorded_at: Date;
  undone_at: Date | null;
}

export interface ObligationPageRow extends PlaceColumns {
  id: string;
  kind: CareKind;
  member_userid: string | null;
  member_name: string;
  member_branch: string;
  member_general_branch: string;
  /** The person who owes it, when a person does. */
  owner_userid: string | null;
  owner_name: string | null;
  /** The office that owes it, when an organisation does (the branch, the general branch, the committee for the OD). */
  owner_organisation: string | null;
  /** Party role code of the owner (e.g. branch_secretary, gb_secretary, od_staff), as stored. */
  owner_role: string | null;
  reason: string;
  source: 'trigger' | 'quota' | 'holiday';
  period: string | null;
  due_on: string;
  status: ObligationStatus;
  closed_at: Date | null;
  /** Why a cancelled obligation was cancelled: member_deceased, member_transferred_out, roster_changed (empty otherwise). */
  cancelled_reason: string | null;
  record_id: string | null;
}

export class CareExportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Up to `limit` talks or visits with id > `after` (a decimal bigint), in id order. */
  async recordPage(kind: CareKind, range: ExportRange, after: string, limit: number): Promise<CareRecordPageRow[]> {
    let q = this.db
      .selectFrom('care_records as r')
      .innerJoin('members as l', 'l.id', 'r.leader_member_id')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .innerJoin('organisations as b', 'b.id', 'm.branch_id')
      .innerJoin('organisations as gb', 'gb.id', 'b.parent_id')
      .innerJoin('members as rb', 'rb.id', 'r.recorded_by_member_id')
      .leftJoin('members as sb', 'sb.id', 'r.sent_by_member_id')
      .select([
        sql<string>`r.id::text`.as('id'),
        sql<string>`to_char(r.happened_on, 'YYYY-MM-DD')`.as('happened_on'),
        'l.userid as leader_userid',
        'l.name as leader_name',
        'sb.userid as sent_by_userid',
        'sb.name as sent_by_name',
        'm.userid as member_userid',
        'm.name as member_name',
        'b.name as member_branch',
        'gb.name as member_general_branch',
        'r.reason',
        'r.note',
        sql<string | null>`r.obligation_id::text`.as('obligation_id'),
        'rb.userid as recorded_by_userid',
        'rb.name as recorded_by_name',
        'r.recorded_at',
        'r.undone_at',
        sql<string>`m.id::text`.as('member_place_id'),
        sql<string>`b.id::text`.as('branch_id'),
        sql<string>`gb.id::text`.as('general_branch_id'),
        sql<string>`gb.parent_id::text`.as('committee_id'),
      ])
      .where('r.kind', '=', kind)
      .where(sql<boolean>`r.id > ${after}::bigint`);
    if (range.from) q = q.where(sql<boolean>`r.happened_on >= ${range.from}::date`);
    if (range.to) q = q.where(sql<boolean>`r.happened_on <= ${range.to}::date`);
    return q.orderBy('r.id').limit(limit).execute();
  }

  /** Up to `limit` obligations with id > `after` (a decimal bigint), in id order. */
  async obligationPage(range: ExportRange, after: string, limit: number): Promise<ObligationPageRow[]> {
    let q = this.db
      .selectFrom('care_obligations as o')
      .innerJoin('members as m', 'm.id', 'o.member_id')
      .innerJoin('organisations as b', 'b.id', 'm.branch_id')
      .innerJoin('organisations as gb', 'gb.id', 'b.parent_id')
      .leftJoin('members as ow', 'ow.id', 'o.owner_member_id')
      .leftJoin('organisations as oo', 'oo.id', 'o.owner_organisation_id')
      .select([
        sql<string>`o.id::text`.as('id'),
        'o.kind',
        'm.userid as member_userid',
        'm.name as member_name',
        'b.name as member_branch',
        'gb.name as member_general_branch',
        'ow.userid as owner_userid',
        'ow.name as owner_name',
        'oo.name as owner_organisation',
        'o.owner_role',
        'o.reason',
        'o.source',
        'o.period',
        sql<string>`to_char(o.due_on, 'YYYY-MM-DD')`.as('due_on'),
        'o.status',
        'o.closed_at',
        'o.cancelled_reason',
        sql<string | null>`o.record_id::text`.as('record_id'),
        sql<string>`m.id::text`.as('member_place_id'),
        sql<string>`b.id::text`.as('branch_id'),
        sql<string>`gb.id::text`.as('general_branch_id'),
        sql<string>`gb.parent_id::text`.as('committee_id'),
      ])
      .where(sql<boolean>`o.id > ${after}::bigint`);
    if (range.from) q = q.where(sql<boolean>`o.due_on >= ${range.from}::date`);
    if (range.to) q = q.where(sql<boolean>`o.due_on <= ${range.to}::date`);
    return q.orderBy('o.id').limit(limit).execute();
  }
}
