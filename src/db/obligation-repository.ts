// Care obligations (what someone owes whom by when): the reads the sweep needs. The rest of the obligation
// queries still live in care/obligations.ts (issue 10, point 1: to be moved here).
import { sql, type Kysely } from 'kysely';
import type { CareReason } from '../domain/obligations.ts';
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
}

export interface TodoRow {
  kind: 'talk' | 'visit';
  reason: CareReason;
  due_on: string;
  name: string;
  branch: string;
}

export class ObligationRepository {
  constructor(private readonly db: Kysely<Database>) {}

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
           b.id::text as branch_id, b.parent_id::text as gb_id, g.parent_id::text as committee_id
      from care_obligations o join members m on m.id = o.member_id join organisations b on b.id = m.branch_id
      join organisations g on g.id = b.parent_id
     where o.id = ${id}::bigint
     for update of o`.execute(this.db);
    return r.rows[0];
  }

  /** Moves an obligation's due date. */
  async defer(id: string, dueOn: string): Promise<void> {
    await this.db.updateTable('care_obligations').set({ due_on: dueOn }).where('id', '=', id).execute();
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

  /**
   * Closes the holiday visit a recorded visit fulfils (MECHANISM 2.2 "Closing": `holiday` closes the holiday
   * visit): a visit with reason `holiday`, with the member, made on or after the day the list went out (the
   * obligation's opened_on). Of several holidays' open visits it closes the one whose list went out last before
   * the visit — a visit before 七一 does not settle a Spring Festival visit still owed. Returns what it closed.
   */
  async closeHolidayVisit(record: { id: string; memberId: string; happenedOn: string }): Promise<string[]> {
    const r = await sql<{ id: string }>`
    update care_obligations o set status = 'done', record_id = ${record.id}::bigint, closed_at = now()
     where o.id = (select x.id from care_obligations x
                    where x.source = 'holiday' and x.status = 'open' and x.kind = 'visit'
                      and x.member_id = ${record.memberId}::bigint and x.opened_on <= ${record.happenedOn}::date
                    order by x.opened_on desc, x.id desc limit 1)
       and exists (select 1 from care_records c where c.id = ${record.id}::bigint and c.kind = 'visit' and c.reason = 'holiday' and c.undone_at is null)
    returning o.id::text as id`.execute(this.db);
    return r.rows.map((x) => x.id);
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
