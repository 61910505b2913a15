// Care obligations (what someone owes whom by when): opened by reported triggers and by the yearly talk
// quotas, closed by the talk or visit that fulfils them. Instants (closed_at, created_at) come from the
// injected clock; care/obligations.ts holds the service around these queries.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CareReason, Trigger } from '../domain/obligations.ts';
import type { Database } from './schema.ts';

/** One obligation as a card button or a reply acts on it, with the member's place for the access rule. */
export interface ObligationRow {
  id: string;
  kind: 'talk' | 'visit';
  reason: CareReason;
  status: string;
  due_on: string;
  member_id: string;
  member_name: string;
  owner_member_id: string | null;
  owner_organisation_id: string | null;
  owner_role: string | null;
  branch_id: string;
  gb_id: string;
  committee_id: string;
  /** Times 延期 moved the due date. */
  deferrals: number;
  /** The day 延期 was pressed past its limit, if it was. */
  escalated_on: string | null;
}

export interface TodoRow {
  kind: 'talk' | 'visit';
  reason: CareReason;
  due_on: string;
  name: string;
  branch: string;
}

/** A trigger obligation to open (see ObligationRepository.openTriggered). */
export interface NewTriggerObligation {
  kind: 'talk' | 'visit';
  memberId: string;
  ownerOrganisationId: string;
  ownerRole: string;
  reason: Trigger;
  eventId: string;
  dueOn: string;
  openedOn: string;
  createdAt?: Date;
}

/** An open obligation a recorded talk or visit might fulfil, with the member's place (domain/fulfilment.ts decides). */
export interface FulfilmentCandidateRow {
  id: string;
  kind: 'talk' | 'visit';
  source: 'trigger' | 'quota' | 'holiday';
  reason: string;
  owner_member_id: string | null;
  owner_role: string | null;
  owner_organisation_id: string | null;
  opened_on: string;
  period: string | null;
  member_id: string;
  branch_id: string;
  gb_id: string;
  committee_id: string;
}

export class ObligationRepository {
  /** `db` is the executor the queries run on: the database, or a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Opens a trigger obligation; undefined when the same one is already open (the partial UNIQUE index
   * care_obligations_trigger_open_once: two reports processed at once open it once).
   */
  async openTriggered(o: NewTriggerObligation): Promise<string | undefined> {
    const row = await this.db
      .insertInto('care_obligations')
      .values({
        kind: o.kind,
        member_id: o.memberId,
        owner_member_id: null,
        owner_organisation_id: o.ownerOrganisationId,
        owner_role: o.ownerRole,
        reason: o.reason,
        source: 'trigger',
        event_id: o.eventId,
        period: null,
        due_on: o.dueOn,
        opened_on: o.openedOn,
        record_id: null,
        closed_at: null,
        // The injected clock, not the database's: the first reminder step depends on when it was opened.
        ...(o.createdAt ? { created_at: o.createdAt } : {}),
      })
      .onConflict((oc) => oc.columns(['member_id', 'kind', 'reason', 'owner_role']).where('source', '=', 'trigger').where('status', '=', 'open').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }

  /** The open trigger obligation (member, kind, reason, owner role): the one a repeated report finds. */
  async openTrigger(memberId: string, kind: 'talk' | 'visit', reason: Trigger, ownerRole: string): Promise<{ id: string; due_on: string; owner_organisation_id: string | null }> {
    return this.db
      .selectFrom('care_obligations')
      .select(['id', sql<string>`to_char(due_on, 'YYYY-MM-DD')`.as('due_on'), 'owner_organisation_id'])
      .where('source', '=', 'trigger')
      .where('status', '=', 'open')
      .where('member_id', '=', memberId)
      .where('kind', '=', kind)
      .where('reason', '=', reason)
      .where('owner_role', '=', ownerRole)
      .executeTakeFirstOrThrow();
  }

  /**
   * The open obligations a talk or visit between `leaderMemberId` and `memberId` in `year` might fulfil, locked:
   * those of its kind about the member (trigger, holiday), and the year's quota between the two people (whichever
   * of them owns it). Which of them it does fulfil is the rule's (domain/fulfilment.ts).
   */
  async fulfilmentCandidates(kind: 'talk' | 'visit', memberId: string, leaderMemberId: string, year: string, lock = true): Promise<FulfilmentCandidateRow[]> {
    const r = await sql<FulfilmentCandidateRow>`
    select o.id::text as id, o.kind, o.source, o.reason, o.owner_member_id::text as owner_member_id, o.owner_role,
           o.owner_organisation_id::text as owner_organisation_id, to_char(o.opened_on, 'YYYY-MM-DD') as opened_on, o.period,
           o.member_id::text as member_id, b.id::text as branch_id, b.parent_id::text as gb_id, g.parent_id::text as committee_id
      from care_obligations o join members m on m.id = o.member_id join organisations b on b.id = m.branch_id
      join organisations g on g.id = b.parent_id
     where o.status = 'open' and o.kind = ${kind}
       and ((o.source <> 'quota' and o.member_id = ${memberId}::bigint)
         or (o.source = 'quota' and o.period = ${year}
             and ((o.owner_member_id = ${leaderMemberId}::bigint and o.member_id = ${memberId}::bigint)
               or (o.owner_member_id = ${memberId}::bigint and o.member_id = ${leaderMemberId}::bigint))))
     order by o.id
     ${lock ? sql`for update of o` : sql``}`.execute(this.db);
    return r.rows;
  }

  /** Marks these open obligations done by the record, at `at`; returns those closed. */
  async closeByRecord(ids: readonly string[], recordId: string, at: Date): Promise<string[]> {
    if (ids.length === 0) return [];
    const closed = await this.db
      .updateTable('care_obligations')
      .set({ status: 'done', record_id: recordId, closed_at: at })
      .where('status', '=', 'open')
      .where('id', 'in', [...ids])
      .returning('id')
      .execute();
    return closed.map((r) => r.id);
  }

  /** Reopens what an undone record had closed. */
  async reopenFor(recordId: string): Promise<string[]> {
    const r = await this.db.updateTable('care_obligations').set({ status: 'open', record_id: null, closed_at: null }).where('record_id', '=', recordId).where('status', '=', 'done').returning('id').execute();
    return r.map((x) => x.id);
  }

  /** Everyone who owes yearly talks (active committee secretaries and members, branch secretaries), by id. */
  async quotaOwners(): Promise<string[]> {
    const owners = await sql<{ id: string }>`
    select distinct r.member_id::text as id from member_roles r join members s on s.id = r.member_id
     where s.status = 'active' and r.role in ('committee_secretary', 'committee_member', 'branch_secretary')
     order by 1`.execute(this.db);
    return owners.rows.map((o) => o.id);
  }

  /**
   * Opens the year's quota obligations of these owners (pairs already open are left alone), marking done, at
   * `at`, those whose talk is already recorded. Returns how many were opened.
   */
  async openQuotas(year: number, ownerIds: readonly string[], at: Date): Promise<number> {
    const r = await sql<{ n: string }>`
      with ins as (
        insert into care_obligations (kind, member_id, owner_member_id, reason, source, period, due_on, status, closed_at)
        select 'talk', p.member_id, p.owner_id, 'routine', 'quota', ${String(year)}, ${`${year}-12-31`}::date,
               case when p.done then 'done' else 'open' end, case when p.done then ${at}::timestamptz end
          from (${quotaPairsQuery(year, ownerIds)}) p
        on conflict (kind, owner_member_id, member_id, period) where source = 'quota' do nothing
        returning 1
      ) select count(*)::text as n from ins`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  /**
   * Of these members (namesakes), whom the writer owes a `kind` this `year`: as owner of an open obligation
   * about them (themself or through an office `role|organisation id`), or as the member of a quota they own.
   */
  async owedAmong(writerMemberId: string, offices: readonly string[], kind: 'talk' | 'visit', year: string, memberIds: readonly string[]): Promise<Array<{ id: string; source: string }>> {
    const owed = await sql<{ id: string; source: string }>`
      select distinct case when o.member_id = ${writerMemberId}::bigint then o.owner_member_id else o.member_id end::text as id, o.source
        from care_obligations o
       where o.status = 'open' and o.kind = ${kind} and (o.source <> 'quota' or o.period = ${year})
         and ((o.member_id = any(${memberIds}::bigint[])
               and (o.owner_member_id = ${writerMemberId}::bigint or (o.owner_role || '|' || o.owner_organisation_id::text) = any(${offices}::text[])))
           or (o.source = 'quota' and o.member_id = ${writerMemberId}::bigint and o.owner_member_id = any(${memberIds}::bigint[])))`.execute(this.db);
    return owed.rows;
  }

  /** Whether the year's talk quotas were opened (one indexed probe). */
  async quotaOpenedFor(year: number): Promise<boolean> {
    const any = await this.db.selectFrom('care_obligations').select('id').where('source', '=', 'quota').where('period', '=', String(year)).limit(1).executeTakeFirst();
    return any !== undefined;
  }

  /** An obligation to act on, locked for the transaction. */
  async lockForAction(id: string): Promise<ObligationRow | undefined> {
    const r = await sql<ObligationRow>`
    select o.id::text as id, o.kind, o.reason, o.status, to_char(o.due_on, 'YYYY-MM-DD') as due_on,
           o.member_id::text as member_id, m.name as member_name, o.owner_member_id::text as owner_member_id,
           o.owner_organisation_id::text as owner_organisation_id, o.owner_role,
           b.id::text as branch_id, b.parent_id::text as gb_id, g.parent_id::text as committee_id,
           o.deferrals::int as deferrals, to_char(o.escalated_on, 'YYYY-MM-DD') as escalated_on
      from care_obligations o join members m on m.id = o.member_id join organisations b on b.id = m.branch_id
      join organisations g on g.id = b.parent_id
     where o.id = ${id}::bigint
     for update of o`.execute(this.db);
    return r.rows[0];
  }

  /** Moves an obligation's due date (延期), counting the times it was moved. */
  async defer(id: string, dueOn: string): Promise<void> {
    await this.db
      .updateTable('care_obligations')
      .set((eb) => ({ due_on: dueOn, deferrals: eb('deferrals', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }

  /** 延期 pressed past its limit on `day`: the obligation escalates as if overdue from then (the first day counts). */
  async escalate(id: string, day: string): Promise<void> {
    await this.db.updateTable('care_obligations').set({ escalated_on: day }).where('id', '=', id).where('escalated_on', 'is', null).execute();
  }

  /** Open obligations (quotas apart) owned by the member or by an office (`role|organisation id`) they hold. */
  async openFor(memberId: string, offices: readonly string[]): Promise<TodoRow[]> {
    const rows = await sql<TodoRow>`
    select o.kind, o.reason, to_char(o.due_on, 'YYYY-MM-DD') as due_on, m.name, b.name as branch
      from care_obligations o join members m on m.id = o.member_id join organisations b on b.id = m.branch_id
     where o.status = 'open' and o.source <> 'quota'
       and (o.owner_member_id = ${memberId}::bigint
            or (o.owner_role || '|' || o.owner_organisation_id::text) = any(${offices}::text[]))
     order by o.due_on, o.id`.execute(this.db);
    return rows.rows;
  }

  /** The member's talk quota of the year: how many, how many done (cancelled ones apart). */
  async quotaCount(memberId: string, year: string): Promise<{ total: number; done: number }> {
    const quota = await sql<{ total: string; done: string }>`
    select count(*)::text as total, count(*) filter (where status = 'done')::text as done
      from care_obligations where source = 'quota' and period = ${year} and owner_member_id = ${memberId}::bigint and status <> 'cancelled'`.execute(this.db);
    return { total: Number(quota.rows[0]?.total ?? 0), done: Number(quota.rows[0]?.done ?? 0) };
  }

  /** The member's talk quota of the year, person by person, done first. */
  async quotaProgress(memberId: string, year: string): Promise<Array<{ name: string; done: boolean }>> {
    const rows = await sql<{ name: string; done: boolean }>`
    select m.name, (o.status = 'done') as done
      from care_obligations o join members m on m.id = o.member_id
     where o.source = 'quota' and o.period = ${year} and o.owner_member_id = ${memberId}::bigint and o.status <> 'cancelled'
     order by o.status desc, m.id`.execute(this.db);
    return rows.rows;
  }
}

/**
 * The yearly talk quotas (MECHANISM 2.2) as (owner_id, member_id, done) rows: committee secretary ↔ every GB
 * secretary; committee member ↔ the GB committee (secretary and members) of each GB linked to them; branch
 * secretary ↔ every branch member. `done`: a talk between the two is recorded this year (either may have
 * recorded it). The one definition of the quotas; the obligations are opened from it.
 */
export function quotaPairsQuery(year: number, ownerIds?: readonly string[]): RawBuilder<{ owner_id: string; member_id: string; done: boolean }> {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  return sql<{ owner_id: string; member_id: string; done: boolean }>`
    with owners as (
      select r.role, r.organisation_id, s.id
        from member_roles r join members s on s.id = r.member_id
       where s.status = 'active' and r.role in ('committee_secretary', 'committee_member', 'branch_secretary')
         ${ownerIds ? sql`and s.id = any(${ownerIds}::bigint[])` : sql``}
    ), pairs as (
      select o.id as owner_id, g.id as member_id
        from owners o join member_roles rg on rg.role = 'gb_secretary' join members g on g.id = rg.member_id
       where o.role = 'committee_secretary' and g.status = 'active' and g.id <> o.id
      union
      select o.id, g.id
        from owners o join committee_links l on l.member_id = o.id
        join member_roles rg on rg.organisation_id = l.general_branch_id and rg.role in ('gb_secretary', 'gb_member')
        join members g on g.id = rg.member_id
       where o.role = 'committee_member' and g.status = 'active' and g.id <> o.id
      union
      select o.id, m.id
        from owners o join members m on m.branch_id = o.organisation_id
       where o.role = 'branch_secretary' and m.status = 'active' and m.id <> o.id
    ), talked as (
      select distinct least(leader_member_id, member_id) as a, greatest(leader_member_id, member_id) as b
        from care_records
       where kind = 'talk' and undone_at is null and happened_on between ${from}::date and ${to}::date
    )
    select p.owner_id, p.member_id, (t.a is not null) as done
      from pairs p
      left join talked t on t.a = least(p.owner_id, p.member_id) and t.b = greatest(p.owner_id, p.member_id)`;
}
