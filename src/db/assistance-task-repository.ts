// Assistance obligations (MECHANISM "Rules for every reminder"): a consent, a review, an opinion, a decision, a
// payment or a renewal someone owes by a date. Each step of a registry entry, an emergency aid or a subsidy opens
// one when it starts and closes it when it is done; at most one open task per (kind, subject). The daily sweep
// reminds and escalates the open ones (notices/planners/assistance-tasks.ts).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { IsoDate } from '../domain/dates.ts';
import type { AssistanceTaskKind } from '../domain/assistance.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewAssistanceTask {
  kind: AssistanceTaskKind;
  subjectId: string;
  memberId: string;
  /** Owed by a person (the member's consent) … */
  ownerMemberId?: string;
  /** … or by an office: its role in an organisation (the member's branch, general branch or committee). */
  ownerRole?: 'branch_secretary' | 'gb_secretary' | 'od_staff';
  ownerOrganisationId?: string;
  openedOn: IsoDate;
  dueOn: IsoDate;
  createdAt: Date;
}

/** An open task with what its reminder needs: the member's place and the owner. */
export interface OpenAssistanceTask {
  id: string;
  kind: AssistanceTaskKind;
  subject_id: string;
  member_id: string;
  member_name: string;
  branch: string;
  branch_id: string;
  gb_id: string;
  committee_id: string;
  owner_member_id: string | null;
  owner_userid: string | null;
  owner_name: string | null;
  owner_role: 'branch_secretary' | 'gb_secretary' | 'od_staff' | null;
  owner_org: string | null;
  opened_on: IsoDate;
  due_on: IsoDate;
  escalated_on: IsoDate | null;
}

/** An open task as a 待办 lists it: what, about whom (and their branch), owed by a person or an office, by when. */
export interface TodoAssistanceTask {
  id: string;
  kind: AssistanceTaskKind;
  subject_id: string;
  member_id: string;
  member_name: string;
  branch: string;
  owner_member_id: string | null;
  due_on: IsoDate;
}

export class AssistanceTaskRepository {
  constructor(private readonly db: Db) {}

  /** Opens a task; an open one of the same kind and subject is kept as it is (returns its id). */
  async open(t: NewAssistanceTask): Promise<string> {
    const inserted = await this.db
      .insertInto('assistance_tasks')
      .values({
        kind: t.kind,
        subject_id: t.subjectId,
        member_id: t.memberId,
        owner_member_id: t.ownerMemberId ?? null,
        owner_role: t.ownerRole ?? null,
        owner_organisation_id: t.ownerOrganisationId ?? null,
        opened_on: t.openedOn,
        due_on: t.dueOn,
        created_at: t.createdAt,
        closed_at: null,
        closed_by_member_id: null,
        escalated_on: null,
      })
      .onConflict((oc) => oc.columns(['kind', 'subject_id']).where('status', '=', 'open').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return inserted.id;
    const open = await this.db.selectFrom('assistance_tasks').select('id').where('kind', '=', t.kind).where('subject_id', '=', t.subjectId).where('status', '=', 'open').executeTakeFirstOrThrow();
    return open.id;
  }

  /** Closes the open task of that kind and subject (done or cancelled); false when none was open. */
  async close(kind: AssistanceTaskKind, subjectId: string, outcome: 'done' | 'cancelled', at: Date, byMemberId: string | null): Promise<boolean> {
    const r = await this.db
      .updateTable('assistance_tasks')
      .set({ status: outcome, closed_at: at, closed_by_member_id: byMemberId })
      .where('kind', '=', kind)
      .where('subject_id', '=', subjectId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Cancels every open task of these kinds about these subjects (an entry archived, an aid withdrawn). */
  async cancelAll(kinds: readonly AssistanceTaskKind[], subjectIds: readonly string[], at: Date): Promise<number> {
    if (kinds.length === 0 || subjectIds.length === 0) return 0;
    const r = await this.db
      .updateTable('assistance_tasks')
      .set({ status: 'cancelled', closed_at: at })
      .where('kind', 'in', kinds)
      .where('subject_id', 'in', subjectIds)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Cancels every open task about members who died or left. */
  async cancelForMembers(memberIds: readonly string[], at: Date): Promise<number> {
    if (memberIds.length === 0) return 0;
    const r = await this.db.updateTable('assistance_tasks').set({ status: 'cancelled', closed_at: at }).where('member_id', 'in', memberIds).where('status', '=', 'open').executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** The open task of that kind and subject, if any. */
  async findOpen(kind: AssistanceTaskKind, subjectId: string): Promise<{ id: string; due_on: IsoDate } | undefined> {
    const r = await sql<{ id: string; due_on: IsoDate }>`
      select id::text as id, to_char(due_on, 'YYYY-MM-DD') as due_on from assistance_tasks
       where kind = ${kind} and subject_id = ${subjectId} and status = 'open'`.execute(this.db);
    return r.rows[0];
  }

  /**
   * Open tasks whose reminder steps can fall between the dates (due within them, or escalated within them), about
   * active members, with the member's place and the owning person.
   */
  async openDueBetween(from: IsoDate, to: IsoDate): Promise<OpenAssistanceTask[]> {
    const r = await sql<OpenAssistanceTask>`
      select t.id::text as id, t.kind, t.subject_id::text as subject_id, t.member_id::text as member_id, m.name as member_name,
             b.name as branch, b.id::text as branch_id, g.id::text as gb_id, g.parent_id::text as committee_id,
             t.owner_member_id::text as owner_member_id, o.userid as owner_userid, o.name as owner_name,
             t.owner_role, t.owner_organisation_id::text as owner_org,
             to_char(t.opened_on, 'YYYY-MM-DD') as opened_on, to_char(t.due_on, 'YYYY-MM-DD') as due_on,
             to_char(t.escalated_on, 'YYYY-MM-DD') as escalated_on
        from assistance_tasks t
        join members m on m.id = t.member_id and m.status = 'active'
        join organisations b on b.id = m.branch_id
        join organisations g on g.id = b.parent_id
        left join members o on o.id = t.owner_member_id and o.status = 'active'
       where t.status = 'open'
         and (t.due_on between ${from}::date and ${to}::date or t.escalated_on between ${from}::date and ${to}::date)
       order by t.id`.execute(this.db);
    return r.rows;
  }

  /** A person's open tasks (待办): owed by them, or by an office they hold. */
  async openFor(memberId: string, offices: ReadonlyArray<{ role: string; organisationId: string }>): Promise<TodoAssistanceTask[]> {
    const officeMatch = offices.length === 0 ? sql`false` : sql.join(offices.map((o) => sql`(t.owner_role = ${o.role} and t.owner_organisation_id = ${o.organisationId})`), sql` or `);
    const r = await sql<TodoAssistanceTask>`
      select t.id::text as id, t.kind, t.subject_id::text as subject_id, t.member_id::text as member_id, m.name as member_name,
             b.name as branch, t.owner_member_id::text as owner_member_id, to_char(t.due_on, 'YYYY-MM-DD') as due_on
        from assistance_tasks t
        join members m on m.id = t.member_id and m.status = 'active'
        join organisations b on b.id = m.branch_id
       where t.status = 'open' and (t.owner_member_id = ${memberId} or ${officeMatch})
       order by t.due_on, t.id`.execute(this.db);
    return r.rows;
  }
}
