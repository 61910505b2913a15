// The reads of the evaluations export (src/incentive/evaluations-export.ts): goal statements (an organisation's
// goals, a member's commitment) and quarterly self-evaluations, each page in id order after a keyset, filtered by
// the instant the current text was recorded (updated_at: a replaced text counts from its replacement), with the
// places the access rule needs.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, GoalStatementKind } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Instants bounding the rows: fromAt inclusive, toBefore exclusive. */
export interface RecordedRange {
  fromAt: Date | undefined;
  toBefore: Date | undefined;
  /** Only rows counted in these branches (a member's current branch; a branch's goals); undefined: all. */
  branchIds?: readonly string[] | undefined;
}

/** `and <branch> = any(branchIds)`, or nothing without a branch filter. */
const inBranches = (range: RecordedRange, branch: ReturnType<typeof sql>) =>
  range.branchIds === undefined ? sql`` : sql`and ${branch} = any(${[...range.branchIds]}::bigint[])`;

/** Who recorded a text, and the member a row is about (null for an organisation's goals). */
interface PersonColumns {
  member_id: string | null;
  member_account: string | null;
  member_name: string | null;
  branch_id: string | null;
  branch: string | null;
  general_branch_id: string | null;
  general_branch: string | null;
  committee_id: string | null;
  recorded_by_account: string | null;
  recorded_by_name: string | null;
}

export interface GoalStatementPageRow extends PersonColumns {
  id: string;
  kind: GoalStatementKind;
  year: number;
  text: string;
  recorded_at: Date;
  /** The organisation of a goals row: itself, its kind, and its general branch and committee. */
  organisation_id: string | null;
  organisation_kind: 'committee' | 'general_branch' | 'branch' | null;
  organisation: string | null;
  organisation_gb_id: string | null;
  organisation_gb: string | null;
  organisation_committee_id: string | null;
}

export interface SelfEvaluationPageRow extends PersonColumns {
  id: string;
  year: number;
  quarter: number;
  text: string;
  recorded_at: Date;
}

const inRange = (range: RecordedRange, column: string) =>
  sql<boolean>`(${range.fromAt ?? null}::timestamptz is null or ${sql.ref(column)} >= ${range.fromAt ?? null}::timestamptz)
           and (${range.toBefore ?? null}::timestamptz is null or ${sql.ref(column)} < ${range.toBefore ?? null}::timestamptz)`;

export class EvaluationExportRepository {
  constructor(private readonly db: Db) {}

  async goalStatementPage(range: RecordedRange, after: string, limit: number): Promise<GoalStatementPageRow[]> {
    const r = await sql<GoalStatementPageRow>`
    select g.id::text as id, g.kind, g.year, g.text, g.updated_at as recorded_at,
           o.id::text as organisation_id, o.kind as organisation_kind, o.name as organisation,
           case when o.kind = 'general_branch' then o.id when o.kind = 'branch' then op.id end::text as organisation_gb_id,
           case when o.kind = 'general_branch' then o.name when o.kind = 'branch' then op.name end as organisation_gb,
           case when o.kind = 'general_branch' then o.parent_id when o.kind = 'branch' then op.parent_id end::text as organisation_committee_id,
           m.id::text as member_id, m.userid as member_account, m.name as member_name,
           mb.id::text as branch_id, mb.name as branch, mg.id::text as general_branch_id, mg.name as general_branch, mg.parent_id::text as committee_id,
           rb.userid as recorded_by_account, rb.name as recorded_by_name
      from goal_statements g
      left join organisations o on o.id = g.organisation_id
      left join organisations op on op.id = o.parent_id
      left join members m on m.id = g.member_id
      left join organisations mb on mb.id = m.branch_id
      left join organisations mg on mg.id = mb.parent_id
      left join members rb on rb.id = g.recorded_by_member_id
     where g.id > ${after}::bigint and ${inRange(range, 'g.updated_at')}
       ${inBranches(range, sql`coalesce(mb.id, case when o.kind = 'branch' then o.id end)`)}
     order by g.id
     limit ${limit}`.execute(this.db);
    return r.rows;
  }

  async selfEvaluationPage(range: RecordedRange, after: string, limit: number): Promise<SelfEvaluationPageRow[]> {
    const r = await sql<SelfEvaluationPageRow>`
    select s.id::text as id, s.year, s.quarter, s.text, s.updated_at as recorded_at,
           m.id::text as member_id, m.userid as member_account, m.name as member_name,
           b.id::text as branch_id, b.name as branch, g.id::text as general_branch_id, g.name as general_branch, g.parent_id::text as committee_id,
           rb.userid as recorded_by_account, rb.name as recorded_by_name
      from self_evaluations s
      join members m on m.id = s.member_id
      join organisations b on b.id = m.branch_id
      join organisations g on g.id = b.parent_id
      join members rb on rb.id = s.recorded_by_member_id
     where s.id > ${after}::bigint and ${inRange(range, 's.updated_at')} ${inBranches(range, sql`m.branch_id`)}
     order by s.id
     limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /** A member's own place (a viewer's), or undefined. */
  async memberPlace(memberId: string): Promise<{ branchId: string; generalBranchId: string } | undefined> {
    if (!/^\d{1,19}$/.test(memberId)) return undefined;
    const r = await sql<{ branchId: string; generalBranchId: string }>`
    select b.id::text as "branchId", b.parent_id::text as "generalBranchId"
      from members m join organisations b on b.id = m.branch_id where m.id = ${memberId}::bigint`.execute(this.db);
    return r.rows[0];
  }
}
