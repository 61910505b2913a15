// What assistance a member has, read for 我的帮扶 and for whom to tell when a pairing ends (MECHANISM 1): their
// fixed monthly subsidies with the months paid, their emergency aids, and their live helpers. Read-only: the
// subsidy, aid and pairing flows write these tables. Amounts are integer fen.
import { sql, type Kysely } from 'kysely';
import type { EmergencyAidCause, EmergencyAidState } from '../domain/assistance.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { Database } from './schema.ts';

export interface SubsidyOverview {
  id: string;
  amount_fen: number;
  start_month: string;
  end_month: string;
  status: 'proposed' | 'active' | 'ended' | 'withdrawn';
  /** Months paid ('YYYY-MM'), in order. */
  paid_months: string[];
}

export interface AidOverview {
  id: string;
  cause: EmergencyAidCause;
  status: EmergencyAidState;
  requested_fen: number;
  approved_fen: number | null;
  applied_on: IsoDate;
}

/** A helper in a pairing: a member (their account) or an organisation (its kind, for who acts for it). */
export interface HelperOverview {
  pairing_id: string;
  started_on: IsoDate;
  helper_member_id: string | null;
  helper_member_name: string | null;
  helper_userid: string | null;
  helper_organisation_id: string | null;
  helper_organisation_name: string | null;
  helper_organisation_kind: 'committee' | 'general_branch' | 'branch' | null;
}

const HELPER = sql`
  select p.id::text as pairing_id, to_char(p.started_on, 'YYYY-MM-DD') as started_on,
         p.helper_member_id::text as helper_member_id, hm.name as helper_member_name,
         case when hm.status = 'active' then hm.userid end as helper_userid,
         p.helper_organisation_id::text as helper_organisation_id,
         -- A branch by its GB's name and its own (数学与统计学院党总支教工第一党支部), as pairing-repository.ts names it:
         -- most colleges have a 教工第一党支部, the member's own among them.
         case when o.kind = 'branch' then coalesce(op.name, '') || o.name else o.name end as helper_organisation_name,
         o.kind as helper_organisation_kind
    from pairings p
    left join members hm on hm.id = p.helper_member_id
    left join organisations o on o.id = p.helper_organisation_id
    left join organisations op on op.id = o.parent_id`;

export class AssistanceOverviewRepository {
  /** `db` is the executor the queries run on: the database, or a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** The member's subsidies that are proposed, active or ended, newest first, with the months paid. */
  async subsidiesOf(memberId: string): Promise<SubsidyOverview[]> {
    const r = await sql<SubsidyOverview>`
      select s.id::text as id, s.amount_fen, s.start_month, s.end_month, s.status,
             coalesce(array(select p.month from subsidy_payments p where p.subsidy_id = s.id order by p.month), '{}'::text[]) as paid_months
        from subsidies s
       where s.member_id = ${memberId}::bigint and s.status <> 'withdrawn'
       order by s.start_month desc, s.id desc`.execute(this.db);
    return r.rows.map((x) => ({ ...x, amount_fen: Number(x.amount_fen) }));
  }

  /** The member's emergency aids (not withdrawn), newest first. */
  async aidsOf(memberId: string): Promise<AidOverview[]> {
    const r = await sql<AidOverview>`
      select a.id::text as id, a.cause, a.status, a.requested_fen, a.approved_fen, to_char(a.applied_on, 'YYYY-MM-DD') as applied_on
        from emergency_aids a
       where a.member_id = ${memberId}::bigint and a.status <> 'withdrawn'
       order by a.applied_on desc, a.id desc`.execute(this.db);
    return r.rows.map((x) => ({ ...x, requested_fen: Number(x.requested_fen), approved_fen: x.approved_fen === null ? null : Number(x.approved_fen) }));
  }

  /** The member's live helpers, in the order they were paired. */
  async helpersOf(memberId: string): Promise<HelperOverview[]> {
    const r = await sql<HelperOverview>`${HELPER} where p.member_id = ${memberId}::bigint and p.ended_on is null order by p.started_on, p.id`.execute(this.db);
    return r.rows;
  }

  /** These pairings' helpers (ended or not): whom to tell that a pairing ended. */
  async helpersOfPairings(pairingIds: readonly string[]): Promise<HelperOverview[]> {
    if (pairingIds.length === 0) return [];
    const r = await sql<HelperOverview>`${HELPER} where p.id = any(${[...pairingIds]}::bigint[]) order by p.id`.execute(this.db);
    return r.rows;
  }
}
