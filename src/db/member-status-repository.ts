// A member's status (MECHANISM.md "Who is who": active, deceased, transferred out) and what follows from it:
// a confirmed death is recorded with who confirmed it and when, and the open obligations about someone who died
// or left are cancelled with the reason — all but the condolence visit owed for a death.
import { sql, type Kysely } from 'kysely';
import type { Database, MemberStatus, ObligationCancelReason } from './schema.ts';

export interface DeathConfirmation {
  status: MemberStatus;
  /** When the death was recorded (null: not recorded). */
  confirmedAt: Date | null;
  /** Who confirmed it; null when the roster import recorded it. */
  confirmedByName: string | null;
}

export class MemberStatusRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records the death of an active member, confirmed by `byMemberId` at `at` (the local day `on`). Returns
   * false when the member is not active any more (someone else confirmed first: the row lock makes two
   * confirmations at once take turns, and the second finds the member deceased).
   */
  async confirmDeath(memberId: string, byMemberId: string, at: Date, on: string): Promise<boolean> {
    const r = await this.db
      .updateTable('members')
      // updated_at is the roster version the chat's name index is rebuilt on (roster-cache.ts): the database's
      // time, like every roster write, so it moves forward whatever the injected clock says.
      .set({ status: 'deceased', status_changed_on: on, death_confirmed_by_member_id: byMemberId, death_confirmed_at: at, updated_at: sql`now()` })
      .where('id', '=', memberId)
      .where('status', '=', 'active')
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  }

  /**
   * Records an active member as transferred out (转出) on the local day `on`, as the roster's 状态 column does.
   * Returns false when the member is not active any more (already confirmed, or deceased).
   */
  async confirmTransferOut(memberId: string, on: string): Promise<boolean> {
    const r = await this.db
      .updateTable('members')
      .set({ status: 'transferred_out', status_changed_on: on, updated_at: sql`now()` })
      .where('id', '=', memberId)
      .where('status', '=', 'active')
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  }

  /** A report of a member's own death (a care event with reason `death`): whom it is about. */
  async deathReport(eventId: string): Promise<{ memberId: string; memberName: string } | undefined> {
    const r = await this.db
      .selectFrom('care_events as e')
      .innerJoin('members as m', 'm.id', 'e.member_id')
      .select(['m.id', 'm.name'])
      .where('e.id', '=', eventId)
      .where('e.reason', '=', 'death')
      .executeTakeFirst();
    return r ? { memberId: String(r.id), memberName: r.name } : undefined;
  }

  /** The member's status and, for a recorded death, who confirmed it and when. */
  async deathConfirmation(memberId: string): Promise<DeathConfirmation | undefined> {
    const r = await this.db
      .selectFrom('members as m')
      .leftJoin('members as c', 'c.id', 'm.death_confirmed_by_member_id')
      .select(['m.status', 'm.death_confirmed_at', 'c.name'])
      .where('m.id', '=', memberId)
      .executeTakeFirst();
    return r ? { status: r.status, confirmedAt: r.death_confirmed_at, confirmedByName: r.name } : undefined;
  }

  /**
   * The roster import changed these members' status: a death the file records is stamped at `at` with no
   * confirmer (the OD's file is the record); a member brought back to 在册 loses the death stamp.
   */
  async stampRosterStatus(changes: readonly { memberId: string; status: MemberStatus }[], at: Date): Promise<void> {
    const died = changes.filter((c) => c.status === 'deceased').map((c) => c.memberId);
    const back = changes.filter((c) => c.status !== 'deceased').map((c) => c.memberId);
    if (died.length > 0) {
      await this.db.updateTable('members').set({ death_confirmed_at: at, death_confirmed_by_member_id: null }).where('id', 'in', died).execute();
    }
    if (back.length > 0) {
      await this.db.updateTable('members').set({ death_confirmed_at: null, death_confirmed_by_member_id: null }).where('id', 'in', back).execute();
    }
  }

  /**
   * Cancels the open obligations about these members — owed to them, and the yearly talks they owed — giving
   * the reason. For a death the condolence visit (the `death` trigger's visit) stays: it is what is owed now.
   * `quotas: false` leaves the yearly talks to the quota refresh that follows a roster import (it cancels them
   * with the same reasons). Returns how many were cancelled.
   */
  async cancelObligationsOf(
    memberIds: readonly string[],
    reason: Extract<ObligationCancelReason, 'member_deceased' | 'member_transferred_out'>,
    at: Date,
    opts: { quotas: boolean } = { quotas: true },
  ): Promise<number> {
    if (memberIds.length === 0) return 0;
    const r = await sql<{ n: string }>`
      with c as (
        update care_obligations o set status = 'cancelled', closed_at = ${at}, cancelled_reason = ${reason}
         where o.status = 'open' and (${opts.quotas}::boolean or o.source <> 'quota')
           and (o.member_id = any(${memberIds}::bigint[]) or o.owner_member_id = any(${memberIds}::bigint[]))
           and not (${reason === 'member_deceased'}::boolean and o.source = 'trigger' and o.kind = 'visit' and o.reason = 'death'
                    and o.member_id = any(${memberIds}::bigint[]))
        returning 1
      ) select count(*)::text as n from c`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }
}
