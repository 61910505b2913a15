// Pairings (结对帮扶, MECHANISM 1.2) and leading cadres' exemptions: who helps whom, since when, the last contact,
// and the OD's monthly lists. A pairing is *live* while it is not ended, its hardship entry is approved, the member
// is active and a member helper is active too; every list here reads live pairings only (an archived entry ends
// its pairings in src/assistance/registry.ts, and a pairing of an entry no longer approved counts for nothing).
//
// Contact is not stored: a talk or visit the helper logs with the member — a care record whose leader is the
// helper, or a secretary of the helping organisation, dated on or after the pairing's start and not undone — is
// pairing contact, and last_contact_on is derived by query (served by the index care_records_member).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { HardshipCause } from '../domain/assistance.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { Database, OrganisationKind } from './schema.ts';
import type { MemberPlaceColumns } from './member-place-row.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Who helps: a member, or an organisation (a branch or a general branch; its secretary acts for it). */
export type HelperRef = { kind: 'member'; memberId: string } | { kind: 'organisation'; organisationId: string };

/** The secretaries who act for a helping organisation: a branch's secretary, a general branch's secretary. */
export const ACTING_ROLES = ['branch_secretary', 'gb_secretary'] as const;

export interface PairingRow extends MemberPlaceColumns {
  id: string;
  entry_id: string;
  causes: HardshipCause[];
  helper_member_id: string | null;
  helper_member_name: string | null;
  helper_userid: string | null;
  helper_organisation_id: string | null;
  helper_organisation_kind: 'branch' | 'general_branch' | null;
  /** A branch with its general branch's name before it (数学学院党总支教工党支部); a general branch's own name. */
  helper_organisation_name: string | null;
  started_on: IsoDate;
  ended_on: IsoDate | null;
  ended_reason: string | null;
  last_contact_on: IsoDate | null;
  /** Live helpers of the same entry: 1 is 一帮一, more 多帮一. */
  live_helpers: number;
  live: boolean;
}

export interface NamedOrganisationRow {
  id: string;
  kind: 'branch' | 'general_branch';
  name: string;
  /** The general branch a branch belongs to; null for a general branch. */
  gb_name: string | null;
}

export interface CadreRow {
  member_id: string;
  name: string;
  userid: string | null;
  cadre_level: string | null;
  branch: string;
  general_branch: string;
  committee_id: string;
  /** A live pairing has them as a member helper. */
  helps: boolean;
  exemption: string | null;
}

export interface UnhelpedRow {
  member_id: string;
  name: string;
  branch: string;
  general_branch: string;
  committee_id: string;
  causes: HardshipCause[];
}

export interface ExemptionRow {
  member_id: string;
  reason: string;
  by_name: string | null;
  at: Date;
}

/** A live helper of an entry (the member's own view: 我的帮扶). */
export interface HelperRow {
  pairing_id: string;
  helper_member_id: string | null;
  name: string;
  started_on: IsoDate;
}

/** A helper member who is still active (a deceased or departed helper helps nobody any more). */
const HELPER_ACTIVE = sql`(p.helper_member_id is null or exists (select 1 from members hx where hx.id = p.helper_member_id and hx.status = 'active'))`;
const LIVE = sql`(p.ended_on is null and h.status = 'approved' and m.status = 'active' and ${HELPER_ACTIVE})`;
/** The person `personId` acts for the pairing's helper: is it, or holds its secretary's office. */
const ACTS_FOR = (personId: string) =>
  sql`(p.helper_member_id = ${personId}::bigint or exists (select 1 from member_roles r where r.member_id = ${personId}::bigint
        and r.organisation_id = p.helper_organisation_id and r.role in ('branch_secretary', 'gb_secretary')))`;
/** The last talk or visit the helper (or a secretary of the helping organisation) logged with the member since the start. */
const LAST_CONTACT = sql`(select max(c.happened_on) from care_records c
   where c.member_id = p.member_id and c.undone_at is null and c.happened_on >= p.started_on
     and (c.leader_member_id = p.helper_member_id
          or exists (select 1 from member_roles r where r.member_id = c.leader_member_id
                      and r.organisation_id = p.helper_organisation_id and r.role in ('branch_secretary', 'gb_secretary'))))`;

const PAIRING = sql`
  select p.id::text as id, p.member_id::text as member_id, m.name as member_name, m.userid as member_userid,
         b.id::text as branch_id, b.name as branch, g.id::text as gb_id, g.name as general_branch, g.parent_id::text as committee_id,
         p.entry_id::text as entry_id, h.causes,
         p.helper_member_id::text as helper_member_id, hm.name as helper_member_name, hm.userid as helper_userid,
         p.helper_organisation_id::text as helper_organisation_id, ho.kind as helper_organisation_kind,
         case when ho.kind = 'branch' then coalesce(hp.name, '') || ho.name else ho.name end as helper_organisation_name,
         p.started_on::text as started_on, p.ended_on::text as ended_on, p.ended_reason,
         ${LAST_CONTACT}::text as last_contact_on,
         (select count(*) from pairings q where q.entry_id = p.entry_id and q.ended_on is null)::int as live_helpers,
         ${LIVE} as live
    from pairings p
    join hardship_registry h on h.id = p.entry_id
    join members m on m.id = p.member_id
    join organisations b on b.id = m.branch_id
    join organisations g on g.id = b.parent_id
    left join members hm on hm.id = p.helper_member_id
    left join organisations ho on ho.id = p.helper_organisation_id
    left join organisations hp on hp.id = ho.parent_id`;

const ORDER = sql`order by g.name, b.name, m.name, p.member_id, p.started_on, p.id`;

export class PairingRepository {
  constructor(private readonly db: Db) {}

  /** One pairing, live or not, locked when `forUpdate` (two 结束结对 at once end it once). */
  async pairing(id: string, forUpdate = false): Promise<PairingRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const r = await sql<PairingRow>`${PAIRING} where p.id = ${id}::bigint ${forUpdate ? sql`for update of p` : sql``}`.execute(this.db);
    return r.rows[0];
  }

  /**
   * Live pairings (or every pairing with `all`), by general branch, branch and member: of a helper (`actingFor`:
   * the person helps, or is a secretary of the helping organisation), of a member, or of a committee.
   */
  async list(filter: { actingFor?: string; memberId?: string; committeeId?: string; all?: boolean } = {}): Promise<PairingRow[]> {
    const where = [
      ...(filter.all ? [] : [LIVE]),
      ...(filter.actingFor !== undefined ? [ACTS_FOR(filter.actingFor)] : []),
      ...(filter.memberId !== undefined ? [sql`p.member_id = ${filter.memberId}::bigint`] : []),
      ...(filter.committeeId !== undefined ? [sql`g.parent_id = ${filter.committeeId}::bigint`] : []),
    ];
    const r = await sql<PairingRow>`${PAIRING} ${where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``} ${ORDER}`.execute(this.db);
    return r.rows;
  }

  /** The members this person helps in a live pairing, in person or as a secretary of a helping organisation. */
  async helpedBy(personId: string): Promise<string[]> {
    if (!/^\d{1,18}$/.test(personId)) return [];
    const r = await sql<{ member_id: string }>`
      select distinct p.member_id::text as member_id
        from pairings p join hardship_registry h on h.id = p.entry_id join members m on m.id = p.member_id
       where ${LIVE} and ${ACTS_FOR(personId)}`.execute(this.db);
    return r.rows.map((x) => x.member_id);
  }

  /** The live helpers of a member (for the member's own view), by start. */
  async helpersOf(memberId: string): Promise<HelperRow[]> {
    const rows = await this.list({ memberId });
    return rows.map((p) => ({ pairing_id: p.id, helper_member_id: p.helper_member_id, name: p.helper_member_name ?? p.helper_organisation_name ?? '', started_on: p.started_on }));
  }

  /** Starts a pairing; undefined when this helper already helps in a live pairing of the entry (the unique index decides). */
  async insert(p: { memberId: string; entryId: string; helper: HelperRef; startedOn: IsoDate; createdByMemberId: string | null; at: Date }): Promise<string | undefined> {
    const r = await this.db
      .insertInto('pairings')
      .values({
        member_id: p.memberId,
        entry_id: p.entryId,
        helper_member_id: p.helper.kind === 'member' ? p.helper.memberId : null,
        helper_organisation_id: p.helper.kind === 'organisation' ? p.helper.organisationId : null,
        started_on: p.startedOn,
        ended_on: null,
        ended_reason: null,
        created_by_member_id: p.createdByMemberId,
        created_at: p.at,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    return r?.id;
  }

  /** The entry's live pairing with this helper (not ended), if any. */
  async liveWith(entryId: string, helper: HelperRef): Promise<string | undefined> {
    let q = this.db.selectFrom('pairings').select('id').where('entry_id', '=', entryId).where('ended_on', 'is', null);
    q = helper.kind === 'member' ? q.where('helper_member_id', '=', helper.memberId) : q.where('helper_organisation_id', '=', helper.organisationId);
    return (await q.executeTakeFirst())?.id;
  }

  /** Ends a pairing that is not ended yet; false when it was. */
  async end(id: string, on: IsoDate, reason: 'ended' | 'member_left' | 'helper_left'): Promise<boolean> {
    const r = await this.db.updateTable('pairings').set({ ended_on: on, ended_reason: reason }).where('id', '=', id).where('ended_on', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The branches and general branches of a committee, for naming a helping organisation. */
  async organisationsOf(committeeId: string): Promise<NamedOrganisationRow[]> {
    const r = await sql<NamedOrganisationRow>`
      select o.id::text as id, o.kind, o.name, case when o.kind = 'branch' then g.name end as gb_name
        from organisations o left join organisations g on g.id = o.parent_id
       where (o.kind = 'general_branch' and o.parent_id = ${committeeId}::bigint)
          or (o.kind = 'branch' and g.parent_id = ${committeeId}::bigint)
       order by o.kind, g.name, o.name, o.id`.execute(this.db);
    return r.rows;
  }

  /** An organisation's kind and its display name (a branch with its general branch's name before it). */
  async organisation(id: string): Promise<{ id: string; kind: OrganisationKind; name: string; committee_id: string } | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const r = await sql<{ id: string; kind: OrganisationKind; name: string; committee_id: string }>`
      select o.id::text as id, o.kind, case when o.kind = 'branch' then g.name || o.name else o.name end as name,
             (case when o.kind = 'branch' then g.parent_id when o.kind = 'general_branch' then o.parent_id else o.id end)::text as committee_id
        from organisations o left join organisations g on g.id = o.parent_id
       where o.id = ${id}::bigint`.execute(this.db);
    return r.rows[0];
  }

  /** The active holders of a helping organisation's secretary office (with or without a chat account), by id. */
  async actingFor(organisationId: string): Promise<Array<{ member_id: string; name: string; userid: string | null }>> {
    const r = await sql<{ member_id: string; name: string; userid: string | null }>`
      select s.id::text as member_id, s.name, s.userid
        from member_roles r join members s on s.id = r.member_id
       where r.organisation_id = ${organisationId}::bigint and r.role in ('branch_secretary', 'gb_secretary') and s.status = 'active'
       order by s.id`.execute(this.db);
    return r.rows;
  }

  /** These members' names and chat accounts (absent ids are left out), by id. */
  async people(memberIds: readonly string[]): Promise<Array<{ member_id: string; name: string; userid: string | null }>> {
    const ids = memberIds.filter((id) => /^\d{1,18}$/.test(id));
    if (ids.length === 0) return [];
    const r = await sql<{ member_id: string; name: string; userid: string | null }>`
      select m.id::text as member_id, m.name, m.userid from members m where m.id = any(${ids}::bigint[]) order by m.id`.execute(this.db);
    return r.rows;
  }

  /** Active members with a cadre level (the caller keeps the leading ones), whether they help, and their exemption. */
  async cadres(committeeId?: string): Promise<CadreRow[]> {
    const r = await sql<CadreRow>`
      select c.id::text as member_id, c.name, c.userid, c.cadre_level, b.name as branch, g.name as general_branch, g.parent_id::text as committee_id,
             exists (select 1 from pairings p join hardship_registry h on h.id = p.entry_id join members m on m.id = p.member_id
                      where p.helper_member_id = c.id and ${LIVE}) as helps,
             (select e.reason from cadre_exemptions e where e.member_id = c.id and e.revoked_at is null) as exemption
        from members c join organisations b on b.id = c.branch_id join organisations g on g.id = b.parent_id
       where c.status = 'active' and c.cadre_level is not null and c.cadre_level <> ''
         ${committeeId !== undefined ? sql`and g.parent_id = ${committeeId}::bigint` : sql``}
       order by g.name, b.name, c.name, c.id`.execute(this.db);
    return r.rows;
  }

  /** Members in hardship (approved entries of active members) whom no live pairing helps. */
  async unhelped(committeeId?: string): Promise<UnhelpedRow[]> {
    const r = await sql<UnhelpedRow>`
      select m.id::text as member_id, m.name, b.name as branch, g.name as general_branch, g.parent_id::text as committee_id, h.causes
        from hardship_registry h join members m on m.id = h.member_id join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
       where h.status = 'approved' and m.status = 'active'
         and not exists (select 1 from pairings p where p.entry_id = h.id and p.ended_on is null and ${HELPER_ACTIVE})
         ${committeeId !== undefined ? sql`and g.parent_id = ${committeeId}::bigint` : sql``}
       order by g.name, b.name, m.name, m.id`.execute(this.db);
    return r.rows;
  }

  /** The member's live exemption, with who gave it. */
  async exemptionOf(memberId: string): Promise<ExemptionRow | undefined> {
    const r = await sql<ExemptionRow>`
      select e.member_id::text as member_id, e.reason, s.name as by_name, e.at
        from cadre_exemptions e left join members s on s.id = e.by_member_id
       where e.member_id = ${memberId}::bigint and e.revoked_at is null`.execute(this.db);
    return r.rows[0];
  }

  /** Exempts a cadre; false when a live exemption is there already (the unique index decides). */
  async exempt(memberId: string, reason: string, byMemberId: string | null, at: Date): Promise<boolean> {
    const r = await this.db
      .insertInto('cadre_exemptions')
      .values({ member_id: memberId, reason, by_member_id: byMemberId, at, revoked_at: null })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Revokes the live exemption; false when there was none. */
  async revokeExemption(memberId: string, at: Date): Promise<boolean> {
    const r = await this.db.updateTable('cadre_exemptions').set({ revoked_at: at }).where('member_id', '=', memberId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
