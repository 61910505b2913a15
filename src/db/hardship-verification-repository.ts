// The May/November verification of the hardship registry (核实更新并上报, MECHANISM 1.1): a GB's list for a period
// (its approved entries, and those acted on in the period), one item per (period, entry) saying what was done,
// and the GB's submitted report (hardship_reviews: verified count and changes). Every write of one GB's
// verification first locks the GB's row, so a click, a typed list and a submission never interleave.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { HardshipCause, HardshipState } from '../domain/assistance.ts';
import type { VerificationAction, VerificationChanges, VerificationRow } from '../domain/hardship-verification.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A row of the list with the member's place (for the access rule) and account (to tell them). */
export interface VerificationListRow extends VerificationRow {
  userid: string | null;
  generalBranch: string;
  branchId: string;
  gbId: string;
  committeeId: string;
}

/** A general branch expected to verify (it has active members), with its report of the period if submitted. */
export interface GeneralBranchReport {
  id: string;
  name: string;
  committeeId: string;
  submittedAt: Date | null;
  submittedById: string | null;
  submittedByName: string | null;
  verifiedCount: number;
  changes: unknown;
  note: string;
}

/** An active member of a general branch, as a name written in a verification finds them. */
export interface VerifiableMember {
  id: string;
  name: string;
  userid: string | null;
  branchId: string;
  branch: string;
  gbId: string;
  committeeId: string;
  /** Their live registry entry, if any (at most one). */
  liveEntryId: string | null;
  liveStatus: HardshipState | null;
}

export interface NewReviewItem {
  generalBranchId: string;
  period: string;
  entryId: string;
  action: VerificationAction;
  causesBefore: HardshipCause[];
  causesAfter: HardshipCause[];
  byMemberId: string | null;
  at: Date;
}

export interface NewReview {
  generalBranchId: string;
  period: string;
  byMemberId: string | null;
  note: string;
  verifiedCount: number;
  changes: VerificationChanges;
  at: Date;
}

const LIST_COLUMNS = sql`
  h.id::text as "entryId", m.id::text as "memberId", m.name, m.userid, b.id::text as "branchId", b.name as branch,
  g.id::text as "gbId", g.name as "generalBranch", g.parent_id::text as "committeeId", h.status, h.causes, h.archive_reason as "archiveReason",
  i.action, coalesce(i.causes_before, '{}'::text[]) as "causesBefore", coalesce(i.causes_after, '{}'::text[]) as "causesAfter",
  coalesce(i.by_default, false) as "byDefault"`;

const LIST_FROM = sql`
  from hardship_registry h
  join members m on m.id = h.member_id
  join organisations b on b.id = m.branch_id
  join organisations g on g.id = b.parent_id`;

export class HardshipVerificationRepository {
  constructor(private readonly db: Db) {}

  /** Locks the general branch's row for this verification's writes; false when it is not a general branch. */
  async lockGeneralBranch(gbId: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(gbId)) return false;
    const r = await sql<{ id: string }>`select id::text as id from organisations where id = ${gbId}::bigint and kind = 'general_branch' for update`.execute(this.db);
    return r.rows.length > 0;
  }

  /**
   * The GB's list for the period: its active members' approved entries, and every entry its verification acted on
   * in the period (archived ones included), by branch, name and entry.
   */
  async list(gbId: string, period: string): Promise<VerificationListRow[]> {
    const r = await sql<VerificationListRow>`
      select ${LIST_COLUMNS}
      ${LIST_FROM}
      left join hardship_review_items i on i.entry_id = h.id and i.period = ${period}
      where (g.id = ${gbId}::bigint and h.status = 'approved' and m.status = 'active') or i.general_branch_id = ${gbId}::bigint
      order by b.name, m.name, h.id`.execute(this.db);
    return r.rows;
  }

  /** One entry as the verification of the period sees it (whatever its state), or undefined. */
  async row(entryId: string, period: string): Promise<VerificationListRow | undefined> {
    if (!/^\d{1,18}$/.test(entryId)) return undefined;
    const r = await sql<VerificationListRow>`
      select ${LIST_COLUMNS}
      ${LIST_FROM}
      left join hardship_review_items i on i.entry_id = h.id and i.period = ${period}
      where h.id = ${entryId}::bigint`.execute(this.db);
    return r.rows[0];
  }

  /**
   * Records what was done to an entry in the period. A second action on it replaces the first, but the causes
   * before stay those the entry had when the period's verification first touched it.
   */
  async recordItem(i: NewReviewItem): Promise<void> {
    await this.db
      .insertInto('hardship_review_items')
      .values({
        general_branch_id: i.generalBranchId,
        period: i.period,
        entry_id: i.entryId,
        action: i.action,
        causes_before: i.causesBefore,
        causes_after: i.causesAfter,
        by_member_id: i.byMemberId,
        at: i.at,
        by_default: false,
      })
      .onConflict((oc) =>
        oc.columns(['period', 'entry_id']).doUpdateSet((eb) => ({
          action: eb.ref('excluded.action'),
          causes_after: eb.ref('excluded.causes_after'),
          by_member_id: eb.ref('excluded.by_member_id'),
          at: eb.ref('excluded.at'),
          by_default: false,
        })),
      )
      .execute();
  }

  /** At submission: every approved entry of the GB not yet marked is confirmed unchanged, by default. Returns how many. */
  async confirmUnmarked(gbId: string, period: string, byMemberId: string | null, at: Date): Promise<number> {
    const r = await sql<{ entry_id: string }>`
      insert into hardship_review_items (general_branch_id, period, entry_id, action, causes_before, causes_after, by_member_id, at, by_default)
      select ${gbId}::bigint, ${period}, h.id, 'confirmed', h.causes, h.causes, ${byMemberId}::bigint, ${at}, true
        ${LIST_FROM}
       where g.id = ${gbId}::bigint and h.status = 'approved' and m.status = 'active'
         and not exists (select 1 from hardship_review_items i where i.entry_id = h.id and i.period = ${period})
      returning entry_id::text`.execute(this.db);
    return r.rows.length;
  }

  /** Records the GB's report of the period; false when it was submitted before (the first one stands). */
  async insertReview(r: NewReview): Promise<boolean> {
    const rows = await this.db
      .insertInto('hardship_reviews')
      .values({
        general_branch_id: r.generalBranchId,
        period: r.period,
        submitted_by_member_id: r.byMemberId,
        submitted_at: r.at,
        note: r.note,
        verified_count: r.verifiedCount,
        changes: JSON.stringify(r.changes),
      })
      .onConflict((oc) => oc.columns(['general_branch_id', 'period']).doNothing())
      .returning('period')
      .execute();
    return rows.length > 0;
  }

  /**
   * The general branches expected to verify — those with active members — of one committee (or all), each with
   * its report of the period when submitted, by name.
   */
  async generalBranches(period: string, committeeId?: string): Promise<GeneralBranchReport[]> {
    const r = await sql<GeneralBranchReport>`
      select g.id::text as id, g.name, g.parent_id::text as "committeeId", r.submitted_at as "submittedAt",
             r.submitted_by_member_id::text as "submittedById", s.name as "submittedByName",
             coalesce(r.verified_count, 0) as "verifiedCount", coalesce(r.changes, '{}'::jsonb) as changes, coalesce(r.note, '') as note
        from organisations g
        left join hardship_reviews r on r.general_branch_id = g.id and r.period = ${period}
        left join members s on s.id = r.submitted_by_member_id
       where g.kind = 'general_branch'
         ${committeeId === undefined ? sql`` : sql`and g.parent_id = ${committeeId}::bigint`}
         and exists (select 1 from organisations b join members m on m.branch_id = b.id where b.parent_id = g.id and m.status = 'active')
       order by g.name, g.id`.execute(this.db);
    return r.rows;
  }

  /** One general branch's report of the period (undefined when the GB is unknown), submitted or not. */
  async generalBranch(gbId: string, period: string): Promise<GeneralBranchReport | undefined> {
    if (!/^\d{1,18}$/.test(gbId)) return undefined;
    const r = await sql<GeneralBranchReport>`
      select g.id::text as id, g.name, g.parent_id::text as "committeeId", r.submitted_at as "submittedAt",
             r.submitted_by_member_id::text as "submittedById", s.name as "submittedByName",
             coalesce(r.verified_count, 0) as "verifiedCount", coalesce(r.changes, '{}'::jsonb) as changes, coalesce(r.note, '') as note
        from organisations g
        left join hardship_reviews r on r.general_branch_id = g.id and r.period = ${period}
        left join members s on s.id = r.submitted_by_member_id
       where g.id = ${gbId}::bigint and g.kind = 'general_branch'`.execute(this.db);
    return r.rows[0];
  }

  /** Active members of these general branches named (or with the account, or the member id) as written, with their live entry. */
  async membersNamed(gbIds: readonly string[], written: readonly string[]): Promise<VerifiableMember[]> {
    if (gbIds.length === 0 || written.length === 0) return [];
    const r = await sql<VerifiableMember>`
      select m.id::text as id, m.name, m.userid, b.id::text as "branchId", b.name as branch, g.id::text as "gbId",
             g.parent_id::text as "committeeId", h.id::text as "liveEntryId", h.status as "liveStatus"
        from members m
        join organisations b on b.id = m.branch_id
        join organisations g on g.id = b.parent_id
        left join hardship_registry h on h.member_id = m.id and h.status in ('awaiting_consent', 'applied', 'approved')
       where m.status = 'active' and g.id = any(${gbIds}::bigint[])
         and (m.name = any(${written}::text[]) or lower(m.userid) = any(${written.map((w) => w.toLowerCase())}::text[]) or m.id::text = any(${written}::text[]))
       order by m.name, b.name, m.id`.execute(this.db);
    return r.rows;
  }

  /** The chat accounts of helpers whose pairing ended: the helping member, or the helping organisation's secretaries. */
  async helperAccounts(helpers: ReadonlyArray<{ helper_member_id: string | null; helper_organisation_id: string | null }>): Promise<Array<{ memberId: string; userid: string }>> {
    const memberIds = helpers.flatMap((h) => (h.helper_member_id ? [h.helper_member_id] : []));
    const orgIds = helpers.flatMap((h) => (h.helper_organisation_id ? [h.helper_organisation_id] : []));
    if (memberIds.length === 0 && orgIds.length === 0) return [];
    const r = await sql<{ memberId: string; userid: string }>`
      select distinct m.id::text as "memberId", m.userid
        from members m
       where m.status = 'active' and m.userid is not null
         and (m.id = any(${memberIds}::bigint[])
              or exists (select 1 from member_roles r where r.member_id = m.id and r.organisation_id = any(${orgIds}::bigint[])
                          and r.role in ('branch_secretary', 'gb_secretary')))
       order by 1`.execute(this.db);
    return r.rows;
  }
}
