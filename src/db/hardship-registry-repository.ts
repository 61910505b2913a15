// The hardship registry (生活困难党员信息库, MECHANISM 1.1): entries and their states. Writes come from the chat,
// the admin API and the May/November verification through src/assistance/registry.ts; instants come from the
// injected clock. Only approved entries are "members in hardship" (holiday lists, relief, pairing, figures).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { HardshipCause, HardshipState } from '../domain/assistance.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { Database } from './schema.ts';
import type { MemberPlaceColumns } from './member-place-row.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** An entry with the member's place (for the access rule and the words of a card). */
export interface HardshipEntry extends MemberPlaceColumns {
  id: string;
  causes: HardshipCause[];
  status: HardshipState;
  source: 'self' | 'branch';
  note: string;
  applied_by_member_id: string | null;
  consent_by_member_id: string | null;
  consent_attested: boolean;
  decided_by_member_id: string | null;
  reason: string;
  created_at: Date;
  decided_at: Date | null;
  archived_at: Date | null;
  archive_reason: string;
}

export interface NewHardshipEntry {
  memberId: string;
  causes: HardshipCause[];
  source: 'self' | 'branch';
  /** applied (the member's own, or consent already attested) or awaiting_consent (a recommendation). */
  status: 'applied' | 'awaiting_consent' | 'approved';
  appliedByMemberId: string;
  note: string;
  consent?: { byMemberId: string; attested: boolean };
  at: Date;
}

/** Who helps in a live pairing: a member, or an organisation (its secretary acts for it). */
export interface PairingHelper {
  pairing_id: string;
  helper_member_id: string | null;
  helper_organisation_id: string | null;
}

const ENTRY = sql`
  select h.id::text as id, h.member_id::text as member_id, m.name as member_name, m.userid as member_userid,
         b.id::text as branch_id, b.name as branch, g.id::text as gb_id, g.name as general_branch, g.parent_id::text as committee_id,
         h.causes, h.status, h.source, h.note, h.applied_by_member_id::text as applied_by_member_id,
         h.consent_by_member_id::text as consent_by_member_id, h.consent_attested,
         h.decided_by_member_id::text as decided_by_member_id, h.reason, h.created_at, h.decided_at, h.archived_at, h.archive_reason
    from hardship_registry h
    join members m on m.id = h.member_id
    join organisations b on b.id = m.branch_id
    join organisations g on g.id = b.parent_id`;

export class HardshipRegistryRepository {
  constructor(private readonly db: Db) {}

  /** The entry, locked for a decision when `forUpdate` (two secretaries pressing at once decide once). */
  async entry(id: string, forUpdate = false): Promise<HardshipEntry | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const r = await sql<HardshipEntry>`${ENTRY} where h.id = ${id} ${forUpdate ? sql`for update of h` : sql``}`.execute(this.db);
    return r.rows[0];
  }

  /** The member's live entry (awaiting consent, applied or approved), if any: there is at most one. */
  async liveEntryOf(memberId: string): Promise<HardshipEntry | undefined> {
    const r = await sql<HardshipEntry>`${ENTRY} where h.member_id = ${memberId} and h.status in ('awaiting_consent', 'applied', 'approved')`.execute(this.db);
    return r.rows[0];
  }

  /** The live entries of these members (a death or departure closes them), locked: one statement for a whole roster import. */
  async liveEntriesOf(memberIds: readonly string[]): Promise<HardshipEntry[]> {
    if (memberIds.length === 0) return [];
    const r = await sql<HardshipEntry>`${ENTRY}
      where h.member_id = any(${[...memberIds]}::bigint[]) and h.status in ('awaiting_consent', 'applied', 'approved')
      order by h.id for update of h`.execute(this.db);
    return r.rows;
  }

  /** The member's entries, newest first (我的帮扶 shows the live one and the last outcome). */
  async entriesOf(memberId: string): Promise<HardshipEntry[]> {
    const r = await sql<HardshipEntry>`${ENTRY} where h.member_id = ${memberId} order by h.created_at desc, h.id desc`.execute(this.db);
    return r.rows;
  }

  /** Inserts an entry; undefined when the member already has a live one (the unique index decides, not a race). */
  async insert(e: NewHardshipEntry): Promise<string | undefined> {
    const r = await this.db
      .insertInto('hardship_registry')
      .values({
        member_id: e.memberId,
        causes: e.causes,
        status: e.status,
        source: e.source,
        consent_recorded: e.consent !== undefined,
        consent_by_member_id: e.consent?.byMemberId ?? null,
        consent_attested: e.consent?.attested ?? false,
        consent_at: e.consent ? e.at : null,
        applied_by_member_id: e.appliedByMemberId,
        note: e.note,
        created_at: e.at,
        updated_at: e.at,
        decided_at: e.status === 'approved' ? e.at : null,
        decided_by_member_id: e.status === 'approved' ? e.appliedByMemberId : null,
        archived_at: null,
        archived_by_member_id: null,
      })
      .onConflict((oc) => oc.column('member_id').where('status', 'in', ['awaiting_consent', 'applied', 'approved']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return r?.id;
  }

  /** The member's 同意 (or an attested consent): awaiting_consent → applied. */
  async consent(id: string, byMemberId: string, attested: boolean, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('hardship_registry')
      .set({ status: 'applied', consent_recorded: true, consent_by_member_id: byMemberId, consent_attested: attested, consent_at: at, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'awaiting_consent')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** A decision: approved, or rejected with a reason (also the member's 不同意 on a recommendation). */
  async decide(id: string, outcome: 'approved' | 'rejected', byMemberId: string | null, reason: string, at: Date, from: readonly HardshipState[] = ['applied']): Promise<boolean> {
    const r = await this.db
      .updateTable('hardship_registry')
      .set({ status: outcome, decided_by_member_id: byMemberId, decided_at: at, reason, updated_at: at })
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Sets the reason of a rejection given in the message after 不通过. */
  async setReason(id: string, reason: string, at: Date): Promise<void> {
    await this.db.updateTable('hardship_registry').set({ reason, updated_at: at }).where('id', '=', id).execute();
  }

  async setCauses(id: string, causes: HardshipCause[], at: Date): Promise<void> {
    await this.db.updateTable('hardship_registry').set({ causes, updated_at: at }).where('id', '=', id).execute();
  }

  /** approved → archived, with the reason kept; false when it was not approved. */
  async archive(id: string, byMemberId: string | null, reason: string, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('hardship_registry')
      .set({ status: 'archived', archived_at: at, archived_by_member_id: byMemberId, archive_reason: reason, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Ends the entry's live pairings (archived: helpers are told) and returns who helped. */
  async endPairings(entryId: string, on: IsoDate, reason: 'entry_archived' | 'member_left'): Promise<PairingHelper[]> {
    const r = await this.db
      .updateTable('pairings')
      .set({ ended_on: on, ended_reason: reason })
      .where('entry_id', '=', entryId)
      .where('ended_on', 'is', null)
      .returning(['id as pairing_id', 'helper_member_id', 'helper_organisation_id'])
      .execute();
    return r;
  }

  /** Ends the live pairings in which these members help (they died or left): returns whom each helped. */
  async endPairingsOfHelpers(memberIds: readonly string[], on: IsoDate): Promise<Array<{ pairing_id: string; member_id: string; helper_member_id: string }>> {
    if (memberIds.length === 0) return [];
    const r = await this.db
      .updateTable('pairings')
      .set({ ended_on: on, ended_reason: 'helper_left' })
      .where('helper_member_id', 'in', memberIds)
      .where('ended_on', 'is', null)
      .returning(['id as pairing_id', 'member_id', 'helper_member_id'])
      .execute();
    return r.map((x) => ({ pairing_id: x.pairing_id, member_id: x.member_id, helper_member_id: x.helper_member_id! }));
  }

  /** Ends the entry's proposed or active subsidies (the entry was archived, the member died or left): no further month is listed to pay. Returns their ids. */
  async endSubsidies(entryId: string, at: Date, reason: 'entry_archived' | 'member_left' = 'entry_archived'): Promise<string[]> {
    const r = await this.db
      .updateTable('subsidies')
      .set({ status: 'ended', ended_at: at, ended_reason: reason })
      .where('entry_id', '=', entryId)
      .where('status', 'in', ['proposed', 'active'])
      .returning('id')
      .execute();
    return r.map((x) => x.id);
  }

  /**
   * Entries in these states of active members, in an organisation (a branch, a general branch, or the whole
   * committee), ordered by general branch, branch and name.
   */
  async listIn(org: { kind: 'committee' | 'general_branch' | 'branch'; id: string }, states: readonly HardshipState[] = ['approved']): Promise<HardshipEntry[]> {
    const where = org.kind === 'branch' ? sql`b.id = ${org.id}` : org.kind === 'general_branch' ? sql`g.id = ${org.id}` : sql`g.parent_id = ${org.id}`;
    const r = await sql<HardshipEntry>`${ENTRY}
      where ${where} and m.status = 'active' and h.status in (${sql.join(states.map((s) => sql`${s}`))})
      order by g.name, b.name, m.name, h.id`.execute(this.db);
    return r.rows;
  }
}
