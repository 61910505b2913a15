// Emergency aid (突发困难补助, MECHANISM 1.2): the application and each step's outcome — the member's consent to a
// secretary's application, the GB's opinion, the OD's decision, the payment. Each write moves the aid from the
// state its step waits in, and only from it (a second press of the same button changes nothing); callers lock the
// row first (aid(id, true)) so two people pressing at once decide once. Money is integer fen; instants come from
// the injected clock. The steps' obligations are assistance_tasks (assistance-task-repository.ts).
import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { EmergencyAidCause, EmergencyAidState } from '../domain/assistance.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { Database, EmergencyAidsTable } from './schema.ts';
import type { MemberPlaceColumns } from './member-place-row.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** An aid with the member's place and the names of the people who acted on it. */
export interface EmergencyAid extends MemberPlaceColumns {
  id: string;
  cause: EmergencyAidCause;
  note: string;
  requested_fen: number;
  status: EmergencyAidState;
  source: 'self' | 'branch';
  applied_by_member_id: string | null;
  applied_by_name: string | null;
  applied_by_userid: string | null;
  applied_on: IsoDate;
  applied_at: Date;
  pay_by: IsoDate;
  consent_by_member_id: string | null;
  consent_by_name: string | null;
  consent_by_userid: string | null;
  consent_attested: boolean;
  consent_at: Date | null;
  gb_agrees: boolean | null;
  gb_note: string;
  gb_by_member_id: string | null;
  gb_by_name: string | null;
  gb_by_userid: string | null;
  gb_at: Date | null;
  approved_fen: number | null;
  od_note: string;
  od_by_member_id: string | null;
  od_by_name: string | null;
  od_by_userid: string | null;
  od_at: Date | null;
  paid_at: Date | null;
  paid_by_member_id: string | null;
  paid_by_name: string | null;
  paid_by_userid: string | null;
}

export interface NewEmergencyAid {
  memberId: string;
  cause: EmergencyAidCause;
  note: string;
  requestedFen: number;
  /** applied: the member's own, or a secretary's with consent attested; awaiting_consent: the member is asked. */
  status: 'applied' | 'awaiting_consent';
  source: 'self' | 'branch';
  appliedByMemberId: string;
  appliedOn: IsoDate;
  payBy: IsoDate;
  consent?: { byMemberId: string; attested: boolean };
  at: Date;
}

const AID = sql`
  select a.id::text as id, a.member_id::text as member_id, m.name as member_name, m.userid as member_userid,
         b.id::text as branch_id, b.name as branch, g.id::text as gb_id, g.name as general_branch, g.parent_id::text as committee_id,
         a.cause, a.note, a.requested_fen, a.status, a.source,
         a.applied_by_member_id::text as applied_by_member_id, ap.name as applied_by_name, ap.userid as applied_by_userid,
         to_char(a.applied_on, 'YYYY-MM-DD') as applied_on, a.applied_at, to_char(a.pay_by, 'YYYY-MM-DD') as pay_by,
         a.consent_by_member_id::text as consent_by_member_id, cb.name as consent_by_name, cb.userid as consent_by_userid, a.consent_attested, a.consent_at,
         a.gb_agrees, a.gb_note, a.gb_by_member_id::text as gb_by_member_id, gp.name as gb_by_name, gp.userid as gb_by_userid, a.gb_at,
         a.approved_fen, a.od_note, a.od_by_member_id::text as od_by_member_id, op.name as od_by_name, op.userid as od_by_userid, a.od_at,
         a.paid_at, a.paid_by_member_id::text as paid_by_member_id, pp.name as paid_by_name, pp.userid as paid_by_userid
    from emergency_aids a
    join members m on m.id = a.member_id
    join organisations b on b.id = m.branch_id
    join organisations g on g.id = b.parent_id
    left join members ap on ap.id = a.applied_by_member_id
    left join members cb on cb.id = a.consent_by_member_id
    left join members gp on gp.id = a.gb_by_member_id
    left join members op on op.id = a.od_by_member_id
    left join members pp on pp.id = a.paid_by_member_id`;

const ID = /^\d{1,18}$/;

export class EmergencyAidRepository {
  constructor(private readonly db: Db) {}

  /** The aid, locked for a step when `forUpdate` (two people pressing at once act once). */
  async aid(id: string, forUpdate = false): Promise<EmergencyAid | undefined> {
    if (!ID.test(id)) return undefined;
    const r = await sql<EmergencyAid>`${AID} where a.id = ${id}::bigint ${forUpdate ? sql`for update of a` : sql``}`.execute(this.db);
    return r.rows[0];
  }

  /** The member's aid in progress (awaiting consent, the opinion, the decision or the payment), if any. */
  async liveOf(memberId: string): Promise<EmergencyAid | undefined> {
    const r = await sql<EmergencyAid>`${AID}
      where a.member_id = ${memberId}::bigint and a.status in ('awaiting_consent', 'applied', 'gb_reviewed', 'approved')`.execute(this.db);
    return r.rows[0];
  }

  /** Files an aid; undefined when the member already has one in progress (the unique index decides, once). */
  async insert(a: NewEmergencyAid): Promise<string | undefined> {
    const row = await this.db
      .insertInto('emergency_aids')
      .values({
        member_id: a.memberId,
        cause: a.cause,
        note: a.note,
        requested_fen: a.requestedFen,
        status: a.status,
        source: a.source,
        applied_by_member_id: a.appliedByMemberId,
        applied_on: a.appliedOn,
        applied_at: a.at,
        pay_by: a.payBy,
        consent_by_member_id: a.consent?.byMemberId ?? null,
        consent_attested: a.consent?.attested ?? false,
        consent_at: a.consent ? a.at : null,
        gb_agrees: null,
        gb_by_member_id: null,
        gb_at: null,
        approved_fen: null,
        od_by_member_id: null,
        od_at: null,
        paid_at: null,
        paid_by_member_id: null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }

  /** The member agrees to a secretary's application: it goes to the GB. */
  async consent(id: string, byMemberId: string, at: Date): Promise<boolean> {
    return this.move(id, 'awaiting_consent', { status: 'applied', consent_by_member_id: byMemberId, consent_attested: false, consent_at: at });
  }

  /** The member does not agree: the application is withdrawn. */
  async decline(id: string, byMemberId: string, at: Date): Promise<boolean> {
    return this.move(id, 'awaiting_consent', { status: 'withdrawn', consent_by_member_id: byMemberId, consent_at: at });
  }

  /** The GB's opinion (同意 / 不同意 with a line): the aid goes to the OD, which decides either way. */
  async opinion(id: string, agrees: boolean, note: string, byMemberId: string, at: Date): Promise<boolean> {
    return this.move(id, 'applied', { status: 'gb_reviewed', gb_agrees: agrees, gb_note: note, gb_by_member_id: byMemberId, gb_at: at });
  }

  /** A line of opinion after 同意, while the OD has not decided and no line was given yet. */
  async addGbNote(id: string, note: string): Promise<boolean> {
    const r = await this.db.updateTable('emergency_aids').set({ gb_note: note }).where('id', '=', id).where('status', '=', 'gb_reviewed').where('gb_note', '=', '').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The OD's decision: an amount approved (any amount, the one asked or another), or not approved with a reason. */
  async decide(id: string, approvedFen: number | null, note: string, byMemberId: string, at: Date): Promise<boolean> {
    return this.move(id, 'gb_reviewed', { status: approvedFen === null ? 'rejected' : 'approved', approved_fen: approvedFen, od_note: note, od_by_member_id: byMemberId, od_at: at });
  }

  /** The payment, recorded. */
  async paid(id: string, byMemberId: string, at: Date): Promise<boolean> {
    return this.move(id, 'approved', { status: 'paid', paid_by_member_id: byMemberId, paid_at: at });
  }

  /**
   * A departed member's aids still before a decision (awaiting consent, awaiting the GB's opinion or the OD's
   * decision) are withdrawn; an approved one stays, to be paid (to the family) or closed by the OD. Returns their ids.
   */
  async withdrawPendingOf(memberIds: readonly string[], at: Date): Promise<string[]> {
    if (memberIds.length === 0) return [];
    const r = await this.db
      .updateTable('emergency_aids')
      .set({ status: 'withdrawn', od_note: '本人去世或转出，申请撤回', od_at: at })
      .where('member_id', 'in', memberIds)
      .where('status', 'in', ['awaiting_consent', 'applied', 'gb_reviewed'])
      .returning('id')
      .execute();
    return r.map((x) => x.id);
  }

  private async move(id: string, from: EmergencyAidState, set: Updateable<EmergencyAidsTable>): Promise<boolean> {
    const r = await this.db.updateTable('emergency_aids').set(set).where('id', '=', id).where('status', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Aids in `state` of active members of the committee named (or with the chat account) as written, by name then
   * id: namesakes all come back, for the caller to tell apart. The OD's typed decision and payment.
   */
  async inStateNamed(committeeId: string, state: EmergencyAidState, written: readonly string[]): Promise<EmergencyAid[]> {
    if (written.length === 0) return [];
    const r = await sql<EmergencyAid>`${AID}
      where a.status = ${state} and g.parent_id = ${committeeId}::bigint and m.status = 'active'
        and (m.name = any(${written}::text[]) or lower(m.userid) = any(${written.map((w) => w.toLowerCase())}::text[]))
      order by m.name, a.id`.execute(this.db);
    return r.rows;
  }

  /** The aids of these ids still in `state` (the cards a person was shown that still wait on them). */
  async inState(ids: readonly string[], state: EmergencyAidState): Promise<EmergencyAid[]> {
    const valid = ids.filter((id) => ID.test(id));
    if (valid.length === 0) return [];
    const r = await sql<EmergencyAid>`${AID} where a.id = any(${valid}::bigint[]) and a.status = ${state} order by a.id`.execute(this.db);
    return r.rows;
  }

  /** Every aid (in `state`, when given; of one committee, when given), newest first: the OD's list. */
  async list(p: { state?: EmergencyAidState; committeeId?: string } = {}): Promise<EmergencyAid[]> {
    const r = await sql<EmergencyAid>`${AID}
      where true ${p.state ? sql`and a.status = ${p.state}` : sql``} ${p.committeeId ? sql`and g.parent_id = ${p.committeeId}::bigint` : sql``}
      order by a.applied_at desc, a.id desc`.execute(this.db);
    return r.rows;
  }

  /** When each aid must be paid and was filed (the reminder cards show the working days left). */
  async payByOf(ids: readonly string[]): Promise<Map<string, { pay_by: IsoDate; applied_on: IsoDate }>> {
    const valid = ids.filter((id) => ID.test(id));
    if (valid.length === 0) return new Map();
    const r = await sql<{ id: string; pay_by: IsoDate; applied_on: IsoDate }>`
      select id::text as id, to_char(pay_by, 'YYYY-MM-DD') as pay_by, to_char(applied_on, 'YYYY-MM-DD') as applied_on
        from emergency_aids where id = any(${valid}::bigint[])`.execute(this.db);
    return new Map(r.rows.map((x) => [x.id, { pay_by: x.pay_by, applied_on: x.applied_on }]));
  }
}
