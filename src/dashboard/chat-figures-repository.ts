// What the chat's answers about figures read besides FigureSource (issue 16 section 4): the committee's
// organisations, to find the one a message names (计算机学院走访情况), and a branch's overdue trigger obligations by
// member — the rows behind the figure triggerOverdue (source trigger, open and due before today, whatever year).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CareKind, Database } from '../db/schema.ts';

/** A general branch or a branch of a committee, with its general branch (a branch's parent; a GB's own). */
export interface CommitteeOrganisation {
  id: string;
  kind: 'general_branch' | 'branch';
  name: string;
  generalBranchId: string;
  generalBranchName: string;
}

export interface OverdueObligationRow {
  id: string;
  kind: CareKind;
  reason: string;
  dueOn: string;
  memberId: string;
  memberName: string;
  branchId: string;
  generalBranchId: string;
  committeeId: string;
}

export class ChatFiguresRepository {
  constructor(private readonly db: Kysely<Database> | Transaction<Database>) {}

  /** Every general branch of the committee and every branch under them, general branches first. */
  async organisationsOf(committeeId: string): Promise<CommitteeOrganisation[]> {
    const r = await sql<CommitteeOrganisation>`
      select g.id::text as id, 'general_branch' as kind, g.name, g.id::text as "generalBranchId", g.name as "generalBranchName"
        from organisations g where g.kind = 'general_branch' and g.parent_id = ${committeeId}::bigint
      union all
      select b.id::text, 'branch', b.name, g.id::text, g.name
        from organisations b join organisations g on g.id = b.parent_id
       where b.kind = 'branch' and g.kind = 'general_branch' and g.parent_id = ${committeeId}::bigint
      order by 2 desc, 5, 3, 1`.execute(this.db);
    return r.rows;
  }

  /**
   * The trigger obligations about members of these branches that are overdue today, whatever year they were due
   * in (as the figure counts them), earliest due first.
   */
  async overdueTriggers(branchIds: readonly string[], today: string): Promise<OverdueObligationRow[]> {
    if (branchIds.length === 0) return [];
    const r = await sql<OverdueObligationRow>`
      select o.id::text as id, o.kind, o.reason, to_char(o.due_on, 'YYYY-MM-DD') as "dueOn",
             m.id::text as "memberId", m.name as "memberName", b.id::text as "branchId", g.id::text as "generalBranchId", g.parent_id::text as "committeeId"
        from care_obligations o
        join members m on m.id = o.member_id
        join organisations b on b.id = m.branch_id
        join organisations g on g.id = b.parent_id
       where m.branch_id::text = any(${[...branchIds]}::text[])
         and o.source = 'trigger' and o.status = 'open'
         and o.due_on < ${today}::date
       order by o.due_on, o.id`.execute(this.db);
    return r.rows;
  }
}
