// Delegates' proposals (党代会代表提案, MECHANISM 3.1, issue 14 section 3): filed by a delegate, registered or
// declined by the OD, assigned to a member of the roster or to an office outside it, answered. Every read joins the
// delegate's place (branch, GB, committee) and the assignee, so the caller can ask the access rule
// (domain/access.ts maySeeProposal) about each row. Writes are guarded by the expected state, so a step taken twice
// (a card tapped twice, a duplicated callback) changes the row once.
import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { ProposalState } from '../domain/voice.ts';
import type { Database, ProposalsTable } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface ProposalRow {
  id: string;
  committee_id: string;
  delegate_member_id: string;
  delegate_name: string;
  /** The delegate's chat account while they are an active member (nobody messages a member who died or left). */
  delegate_userid: string | null;
  /** The delegate's chat account whatever their status (exports name people by account). */
  delegate_account: string | null;
  branch_id: string;
  branch_name: string;
  gb_id: string;
  gb_name: string;
  text: string;
  state: ProposalState;
  filed_on: string;
  filed_at: Date;
  registered_on: string | null;
  registered_at: Date | null;
  due_on: string | null;
  declined_at: Date | null;
  decline_reason: string | null;
  assignee_member_id: string | null;
  assignee_name: string | null;
  /** The assignee's chat account while active: a member who left passes the reminders to the OD. */
  assignee_userid: string | null;
  assignee_account: string | null;
  assignee_office: string | null;
  assigned_at: Date | null;
  answer: string | null;
  answered_at: Date | null;
  answered_by_name: string | null;
}

/** An active member a proposal may be assigned to, found by name in the committee. */
export interface AssignableMember {
  id: string;
  name: string;
  userid: string | null;
  branch_name: string;
  gb_name: string;
}

/** Someone who answers for the OD of a committee (an active od_staff holder with a chat account). */
export interface OdHolder {
  member_id: string;
  userid: string;
  name: string;
}

const SELECT = sql`
  select p.id::text as id, p.committee_id::text as committee_id, p.delegate_member_id::text as delegate_member_id,
         d.name as delegate_name, case when d.status = 'active' then d.userid end as delegate_userid, d.userid as delegate_account,
         b.id::text as branch_id, b.name as branch_name, gb.id::text as gb_id, gb.name as gb_name,
         p.text, p.state, to_char(p.filed_on, 'YYYY-MM-DD') as filed_on, p.filed_at,
         to_char(p.registered_on, 'YYYY-MM-DD') as registered_on, p.registered_at, to_char(p.due_on, 'YYYY-MM-DD') as due_on,
         p.declined_at, p.decline_reason,
         p.assignee_member_id::text as assignee_member_id, a.name as assignee_name, case when a.status = 'active' then a.userid end as assignee_userid, a.userid as assignee_account,
         p.assignee_office, p.assigned_at, p.answer, p.answered_at, ab.name as answered_by_name
    from proposals p
    join members d on d.id = p.delegate_member_id
    join organisations b on b.id = d.branch_id
    join organisations gb on gb.id = b.parent_id
    left join members a on a.id = p.assignee_member_id
    left join members ab on ab.id = p.answered_by_member_id`;

export class ProposalRepository {
  constructor(private readonly db: Db) {}

  async insert(p: { committeeId: string; delegateMemberId: string; text: string; filedOn: string; at: Date }): Promise<string> {
    const row = await this.db
      .insertInto('proposals')
      .values({ committee_id: p.committeeId, delegate_member_id: p.delegateMemberId, text: p.text, filed_on: p.filedOn, filed_at: p.at })
      .returning(sql<string>`id::text`.as('id'))
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The proposal, locked for a step (the caller is in a transaction); undefined for an id nobody has. */
  async lock(id: string): Promise<ProposalRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    await sql`select 1 from proposals where id = ${id}::bigint for update`.execute(this.db);
    return this.byId(id);
  }

  async byId(id: string): Promise<ProposalRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const r = await sql<ProposalRow>`${SELECT} where p.id = ${id}::bigint`.execute(this.db);
    return r.rows[0];
  }

  /** 立案: filed → registered, due on `dueOn`. False when it was no longer filed. */
  register(id: string, p: { on: string; at: Date; dueOn: string; by: string | null }): Promise<boolean> {
    return this.step(id, 'filed', { state: 'registered', registered_on: p.on, registered_at: p.at, due_on: p.dueOn, decided_by_member_id: p.by });
  }

  /** 不予立案 with the reason: filed → declined. False when it was no longer filed. */
  decline(id: string, p: { reason: string; at: Date; by: string | null }): Promise<boolean> {
    return this.step(id, 'filed', { state: 'declined', decline_reason: p.reason, declined_at: p.at, decided_by_member_id: p.by });
  }

  /** 交由…办理: a registered proposal's assignee (a member, or an office by name), replacing any earlier one. */
  assign(id: string, p: { memberId: string | null; office: string | null; at: Date }): Promise<boolean> {
    return this.step(id, 'registered', { assignee_member_id: p.memberId, assignee_office: p.office, assigned_at: p.at });
  }

  /** The answer: registered → answered. False when it was not registered (answered already, or never registered). */
  answer(id: string, p: { text: string; at: Date; by: string | null }): Promise<boolean> {
    return this.step(id, 'registered', { state: 'answered', answer: p.text, answered_at: p.at, answered_by_member_id: p.by });
  }

  /** One step, guarded by the state it starts from: taken twice (a card tapped twice), it changes the row once. */
  private async step(id: string, from: ProposalState, set: Updateable<ProposalsTable>): Promise<boolean> {
    const r = await this.db.updateTable('proposals').set(set).where('id', '=', id).where('state', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** A delegate's proposals, newest first. */
  async ofDelegate(memberId: string, limit: number): Promise<ProposalRow[]> {
    const r = await sql<ProposalRow>`${SELECT} where p.delegate_member_id = ${memberId}::bigint order by p.id desc limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /** The proposals assigned to a member, open ones (registered) or all; newest first. */
  async assignedTo(memberId: string, openOnly: boolean, limit: number): Promise<ProposalRow[]> {
    const r = await sql<ProposalRow>`${SELECT} where p.assignee_member_id = ${memberId}::bigint
      ${openOnly ? sql`and p.state = 'registered'` : sql``} order by p.id desc limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /** A committee's proposals, open ones (filed or registered, oldest first: the OD's to-do) or all (newest first). */
  async ofCommittee(committeeId: string, openOnly: boolean, limit: number): Promise<ProposalRow[]> {
    const r = await sql<ProposalRow>`${SELECT} where p.committee_id = ${committeeId}::bigint
      ${openOnly ? sql`and p.state in ('filed', 'registered') order by p.id` : sql`order by p.id desc`} limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /** Every open proposal (filed or registered) of every committee, for the daily sweep. */
  async open(): Promise<ProposalRow[]> {
    const r = await sql<ProposalRow>`${SELECT} where p.state in ('filed', 'registered') order by p.id`.execute(this.db);
    return r.rows;
  }

  /** Active members of the committee with exactly this name, for 交由张三办理. */
  async membersNamed(committeeId: string, name: string): Promise<AssignableMember[]> {
    return this.assignable(committeeId, sql`m.name = ${name}`);
  }

  /** The active member of the committee with this chat account, for 交由zhangwei01办理 (namesakes told apart). */
  async membersWithAccount(committeeId: string, userid: string): Promise<AssignableMember[]> {
    return this.assignable(committeeId, sql`m.userid = ${userid}`);
  }

  private async assignable(committeeId: string, which: ReturnType<typeof sql>): Promise<AssignableMember[]> {
    const r = await sql<AssignableMember>`
      select m.id::text as id, m.name, m.userid, b.name as branch_name, gb.name as gb_name
        from members m
        join organisations b on b.id = m.branch_id
        join organisations gb on gb.id = b.parent_id
       where gb.parent_id = ${committeeId}::bigint and m.status = 'active' and ${which}
       order by gb.name, b.name, m.id`.execute(this.db);
    return r.rows;
  }

  /** Who answers for the OD of this committee: its active od_staff holders with a chat account. */
  async odHolders(committeeId: string): Promise<OdHolder[]> {
    const r = await sql<OdHolder>`
      select m.id::text as member_id, m.userid, m.name
        from member_roles r join members m on m.id = r.member_id
       where r.role = 'od_staff' and r.organisation_id = ${committeeId}::bigint and m.status = 'active' and m.userid is not null
       order by m.id`.execute(this.db);
    return r.rows;
  }

  /** A chunk of the export, keyset on id; `from`/`to` select by the local day it was filed. */
  async exportChunk(opts: { afterId: string; limit: number; from?: string | undefined; to?: string | undefined }): Promise<ProposalRow[]> {
    const r = await sql<ProposalRow>`${SELECT}
      where p.id > ${opts.afterId}::bigint
        ${opts.from ? sql`and p.filed_on >= ${opts.from}::date` : sql``}
        ${opts.to ? sql`and p.filed_on <= ${opts.to}::date` : sql``}
      order by p.id limit ${opts.limit}`.execute(this.db);
    return r.rows;
  }
}
