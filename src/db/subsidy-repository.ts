// Fixed monthly subsidies (定额补助, MECHANISM 1.2) and their payments. A subsidy is proposed by the OD, active once
// the OD confirms the member's good record, and ends when its term is past (term_ended, or not_renewed after
// 到期终止), when the hardship entry is archived, or is withdrawn before it starts. Each month's payment is one row
// (UNIQUE subsidy and month): recorded once, whoever records it again. Instants come from the injected clock.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { YearMonth } from '../domain/subsidy.ts';
import type { HardshipCause, HardshipState } from '../domain/assistance.ts';
import type { Database, SubsidiesTable } from './schema.ts';
import type { MemberPlaceColumns } from './member-place-row.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type SubsidyStatus = 'proposed' | 'active' | 'ended' | 'withdrawn';
export type SubsidyEndReason = NonNullable<SubsidiesTable['ended_reason']>;

/** A subsidy with the member's place (the access rule, the words of a card) and its entry. */
export interface SubsidyRow extends MemberPlaceColumns {
  id: string;
  member_status: string;
  entry_id: string;
  entry_status: HardshipState;
  causes: HardshipCause[];
  amount_fen: number;
  start_month: YearMonth;
  end_month: YearMonth;
  status: SubsidyStatus;
  created_by_member_id: string | null;
  confirmed_by_member_id: string | null;
  confirmed_at: Date | null;
  ended_at: Date | null;
  ended_reason: SubsidyEndReason | null;
  renewed_from_id: string | null;
  end_decided_at: Date | null;
  end_decided_by_member_id: string | null;
  /** The next term's subsidy, when this one was renewed. */
  renewal_id: string | null;
}

/** A subsidy on a month's payment list, with the months already paid. */
export interface PayableSubsidy extends SubsidyRow {
  paid_months: YearMonth[];
  /** The last month that may be paid: the end month, or the month the subsidy was stopped in. */
  payable_through: YearMonth;
}

export interface NewSubsidy {
  memberId: string;
  entryId: string;
  amountFen: number;
  start: YearMonth;
  end: YearMonth;
  status: 'proposed' | 'active';
  createdByMemberId: string | null;
  /** A renewal is active at once: the OD's 续期 confirms the record for the next term. */
  confirmedByMemberId?: string | null;
  renewedFromId?: string;
  at: Date;
}

export interface RecordedPayment {
  subsidy_id: string;
  month: YearMonth;
  amount_fen: number;
  paid_at: Date;
  recorded_by_member_id: string | null;
  recorded_by_name: string | null;
}

const SUBSIDY = sql`
  select s.id::text as id, s.member_id::text as member_id, m.name as member_name, m.userid as member_userid, m.status as member_status,
         b.id::text as branch_id, b.name as branch, g.id::text as gb_id, g.name as general_branch, g.parent_id::text as committee_id,
         s.entry_id::text as entry_id, h.status as entry_status, h.causes,
         s.amount_fen, s.start_month, s.end_month, s.status,
         s.created_by_member_id::text as created_by_member_id, s.confirmed_by_member_id::text as confirmed_by_member_id, s.confirmed_at,
         s.ended_at, s.ended_reason, s.renewed_from_id::text as renewed_from_id,
         s.end_decided_at, s.end_decided_by_member_id::text as end_decided_by_member_id,
         (select r.id::text from subsidies r where r.renewed_from_id = s.id and r.status <> 'withdrawn' limit 1) as renewal_id
    from subsidies s
    join members m on m.id = s.member_id
    join organisations b on b.id = m.branch_id
    join organisations g on g.id = b.parent_id
    join hardship_registry h on h.id = s.entry_id`;

/** Months from a to b (YYYY-MM), both counted, in SQL. */
const monthIndex = (col: RawBuilder<unknown>) => sql`(substr(${col}, 1, 4)::int * 12 + substr(${col}, 6, 2)::int)`;

export class SubsidyRepository {
  constructor(private readonly db: Db) {}

  /** Inserts a subsidy; undefined when it renews one already renewed (the unique index decides, not a race). */
  async insert(s: NewSubsidy): Promise<string | undefined> {
    const r = await this.db
      .insertInto('subsidies')
      .values({
        member_id: s.memberId,
        entry_id: s.entryId,
        amount_fen: s.amountFen,
        start_month: s.start,
        end_month: s.end,
        status: s.status,
        created_by_member_id: s.createdByMemberId,
        created_at: s.at,
        confirmed_by_member_id: s.status === 'active' ? (s.confirmedByMemberId ?? s.createdByMemberId) : null,
        confirmed_at: s.status === 'active' ? s.at : null,
        ended_at: null,
        ended_reason: null,
        renewed_from_id: s.renewedFromId ?? null,
        end_decided_at: null,
        end_decided_by_member_id: null,
      })
      .onConflict((oc) => oc.column('renewed_from_id').where('renewed_from_id', 'is not', null).where('status', '<>', 'withdrawn').doNothing())
      .returning('id')
      .executeTakeFirst();
    return r?.id;
  }

  /** The subsidy, locked for a decision when `forUpdate` (two clicks at once decide once). */
  async subsidy(id: string, forUpdate = false): Promise<SubsidyRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const r = await sql<SubsidyRow>`${SUBSIDY} where s.id = ${id} ${forUpdate ? sql`for update of s` : sql``}`.execute(this.db);
    return r.rows[0];
  }

  /** A member's subsidies, newest first. */
  async subsidiesOf(memberId: string): Promise<SubsidyRow[]> {
    const r = await sql<SubsidyRow>`${SUBSIDY} where s.member_id = ${memberId} order by s.start_month desc, s.id desc`.execute(this.db);
    return r.rows;
  }

  /** A member's proposed and active subsidies (a new term must not overlap them). */
  async liveOf(memberId: string): Promise<SubsidyRow[]> {
    const r = await sql<SubsidyRow>`${SUBSIDY} where s.member_id = ${memberId} and s.status in ('proposed', 'active') order by s.start_month, s.id`.execute(this.db);
    return r.rows;
  }

  /** proposed → active: the OD confirmed the good record (一贯表现良好). */
  async confirm(id: string, byMemberId: string, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('subsidies')
      .set({ status: 'active', confirmed_by_member_id: byMemberId, confirmed_at: at })
      .where('id', '=', id)
      .where('status', '=', 'proposed')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** proposed → withdrawn (撤回 before it was confirmed). */
  async withdraw(id: string, at: Date): Promise<boolean> {
    const r = await this.db.updateTable('subsidies').set({ status: 'withdrawn', ended_at: at }).where('id', '=', id).where('status', '=', 'proposed').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** 到期终止: the active subsidy stops after its end month; false when it was decided already or is not active. */
  async decideEnd(id: string, byMemberId: string, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('subsidies')
      .set({ end_decided_at: at, end_decided_by_member_id: byMemberId })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where('end_decided_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** 续期 after 到期终止 (the OD changed its mind): the end decision is dropped. */
  async clearEndDecision(id: string): Promise<void> {
    await this.db.updateTable('subsidies').set({ end_decided_at: null, end_decided_by_member_id: null }).where('id', '=', id).execute();
  }

  /** Every proposed and active subsidy (the yearly budget is the deployment's): amount and term. */
  async liveCommitments(): Promise<Array<{ id: string; amount_fen: number; start_month: YearMonth; end_month: YearMonth }>> {
    const r = await sql<{ id: string; amount_fen: number; start_month: YearMonth; end_month: YearMonth }>`
      select id::text as id, amount_fen, start_month, end_month from subsidies where status in ('proposed', 'active')`.execute(this.db);
    return r.rows;
  }

  /** Fen already paid per year on subsidies no longer live (ended): spent from that year's budget. */
  async paidOnEndedByYear(years: readonly number[]): Promise<Map<number, number>> {
    if (years.length === 0) return new Map();
    const r = await sql<{ year: number; fen: string }>`
      select substr(p.month, 1, 4)::int as year, sum(p.amount_fen)::text as fen
        from subsidy_payments p join subsidies s on s.id = p.subsidy_id
       where s.status not in ('proposed', 'active') and substr(p.month, 1, 4)::int in (${sql.join(years.map((y) => sql`${y}`))})
       group by 1`.execute(this.db);
    return new Map(r.rows.map((x) => [Number(x.year), Number(x.fen)]));
  }

  /**
   * The subsidies with something to pay by the end of `month`, of active members, in a committee (or all): the
   * active ones that have begun, and the ended ones with months still unpaid — up to their end month when the
   * term ran out (term_ended, not_renewed), up to the month they were stopped in otherwise (the entry archived:
   * `timeZone` says which month an instant is in). Each with the months already paid; ordered by general
   * branch, branch and name.
   */
  async payable(month: YearMonth, where: { committeeId?: string; memberIds?: readonly string[]; subsidyIds?: readonly string[] }, timeZone: string): Promise<PayableSubsidy[]> {
    const ids = (list: readonly string[]) => sql.join(list.map((id) => sql`${id}`));
    const memberIds = where.memberIds ?? [];
    const subsidyIds = (where.subsidyIds ?? []).filter((id) => /^\d{1,18}$/.test(id));
    const filters = [
      where.committeeId !== undefined ? sql`g.parent_id = ${where.committeeId}` : sql`true`,
      where.memberIds === undefined ? sql`true` : memberIds.length === 0 ? sql`false` : sql`s.member_id in (${ids(memberIds)})`,
      where.subsidyIds === undefined ? sql`true` : subsidyIds.length === 0 ? sql`false` : sql`s.id in (${ids(subsidyIds)})`,
    ];
    const through = sql`(case when s.ended_reason in ('term_ended', 'not_renewed') then s.end_month
                              else least(s.end_month, to_char(s.ended_at at time zone ${timeZone}, 'YYYY-MM')) end)`;
    const last = sql`least(${through}, ${month})`;
    const r = await sql<Omit<PayableSubsidy, 'paid_months'>>`
      select x.*, (case when x.ended_at is null or x.ended_reason in ('term_ended', 'not_renewed') then x.end_month
                        else least(x.end_month, to_char(x.ended_at at time zone ${timeZone}, 'YYYY-MM')) end) as payable_through
        from (${SUBSIDY}) x where x.id in (
      select s.id::text from subsidies s
        join members m on m.id = s.member_id
        join organisations b on b.id = m.branch_id
        join organisations g on g.id = b.parent_id
      where m.status = 'active' and s.start_month <= ${month} and ${sql.join(filters, sql` and `)}
        and (s.status = 'active'
             or (s.status = 'ended' and s.ended_at is not null
                 and (select count(*) from subsidy_payments p where p.subsidy_id = s.id and p.month between s.start_month and ${last})
                     < ${monthIndex(last)} - ${monthIndex(sql`s.start_month`)} + 1)))
      order by x.general_branch, x.branch, x.member_name, x.start_month, x.id`.execute(this.db);
    if (r.rows.length === 0) return [];
    const paid = await sql<{ subsidy_id: string; months: YearMonth[] }>`
      select subsidy_id::text as subsidy_id, array_agg(month order by month) as months from subsidy_payments
       where subsidy_id in (${sql.join(r.rows.map((x) => sql`${x.id}`))}) group by subsidy_id`.execute(this.db);
    const byId = new Map(paid.rows.map((p) => [p.subsidy_id, p.months]));
    return r.rows.map((x) => ({ ...x, paid_months: byId.get(x.id) ?? [] }));
  }

  /** Records one month's payment; false when that month was recorded already (exactly once). */
  async recordPayment(p: { subsidyId: string; month: YearMonth; amountFen: number; paidAt: Date; byMemberId: string | null }): Promise<boolean> {
    const r = await this.db
      .insertInto('subsidy_payments')
      .values({ subsidy_id: p.subsidyId, month: p.month, amount_fen: p.amountFen, paid_at: p.paidAt, recorded_by_member_id: p.byMemberId })
      .onConflict((oc) => oc.columns(['subsidy_id', 'month']).doNothing())
      .returning('month')
      .executeTakeFirst();
    return r !== undefined;
  }

  /** The payments recorded for a subsidy, with who recorded each. */
  async paymentsOf(subsidyId: string): Promise<RecordedPayment[]> {
    const r = await sql<RecordedPayment>`
      select p.subsidy_id::text as subsidy_id, p.month, p.amount_fen, p.paid_at, p.recorded_by_member_id::text as recorded_by_member_id, m.name as recorded_by_name
        from subsidy_payments p left join members m on m.id = p.recorded_by_member_id
       where p.subsidy_id = ${subsidyId} order by p.month`.execute(this.db);
    return r.rows;
  }

  /**
   * Active subsidies of active members whose renewal has not been asked: no end decided, not renewed, and no
   * renewal task ever opened for them. The caller picks those whose renewal month has come.
   */
  async awaitingRenewalQuestion(): Promise<SubsidyRow[]> {
    const r = await sql<SubsidyRow>`${SUBSIDY}
      where s.status = 'active' and s.end_decided_at is null and m.status = 'active'
        and not exists (select 1 from subsidies r where r.renewed_from_id = s.id and r.status <> 'withdrawn')
        and not exists (select 1 from assistance_tasks t where t.kind = 'subsidy_renewal' and t.subject_id = s.id)
      order by s.id`.execute(this.db);
    return r.rows;
  }

  /** Subsidies whose renewal question is open, with the task (the OD's card says what is asked, by when). */
  async openRenewals(): Promise<Array<SubsidyRow & { renewal_task: string; due_on: string; opened_on: string }>> {
    const r = await sql<SubsidyRow & { renewal_task: string; due_on: string; opened_on: string }>`
      select x.*, t.id::text as renewal_task, to_char(t.due_on, 'YYYY-MM-DD') as due_on, to_char(t.opened_on, 'YYYY-MM-DD') as opened_on
        from (${SUBSIDY} where s.status = 'active' and m.status = 'active') x
        join assistance_tasks t on t.kind = 'subsidy_renewal' and t.subject_id = x.id::bigint and t.status = 'open'
       order by t.id`.execute(this.db);
    return r.rows;
  }

  /**
   * Ends the active subsidies whose end month is before `month`: not_renewed where the OD chose 到期终止, else
   * term_ended (renewed ones included: the next term is its own row). Proposed ones never confirmed before their
   * term ran out are withdrawn. Returns the ended ones' ids.
   */
  async endPastTerm(month: YearMonth, at: Date): Promise<string[]> {
    await this.db.updateTable('subsidies').set({ status: 'withdrawn', ended_at: at }).where('status', '=', 'proposed').where('end_month', '<', month).execute();
    const r = await sql<{ id: string }>`
      update subsidies set status = 'ended', ended_at = ${at},
             ended_reason = case when end_decided_at is not null then 'not_renewed' else 'term_ended' end
       where status = 'active' and end_month < ${month}
      returning id::text as id`.execute(this.db);
    return r.rows.map((x) => x.id);
  }

  /** Subsidies that ran out (term_ended, not_renewed) since `since` and were not renewed: the member is told. */
  async endedWithoutRenewalSince(since: Date): Promise<SubsidyRow[]> {
    const r = await sql<SubsidyRow>`${SUBSIDY}
      where s.status = 'ended' and s.ended_reason in ('term_ended', 'not_renewed') and s.ended_at >= ${since} and m.status = 'active'
        and not exists (select 1 from subsidies r where r.renewed_from_id = s.id and r.status in ('proposed', 'active', 'ended'))
      order by s.id`.execute(this.db);
    return r.rows;
  }
}
