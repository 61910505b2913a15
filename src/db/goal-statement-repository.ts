// Goals and commitments (组织目标管理, 个人亮岗履职, MECHANISM 3.3): one text per subject and year — an
// organisation's goals (a branch or a general branch) or a member's post commitment. Recording again replaces the
// text and moves updated_at; recorded_at and the row stay (the partial unique indexes of
// migrations/2026120300_goals_commitments.ts make two recordings at once one row).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, GoalStatementKind } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type GoalSubject = { kind: 'goals'; organisationId: string } | { kind: 'commitment'; memberId: string };

export interface GoalStatement {
  kind: GoalStatementKind;
  year: number;
  text: string;
  recorded_by_member_id: string | null;
  recorded_at: Date;
  updated_at: Date;
}

/** A branch or general branch and its goals for the year (null: none recorded), as the admin API lists them. */
export interface OrganisationGoals {
  organisation_id: string;
  kind: 'branch' | 'general_branch';
  name: string;
  /** The branch's general branch; null for a general branch. */
  general_branch: string | null;
  text: string | null;
  recorded_by_userid: string | null;
  recorded_by_name: string | null;
  updated_at: Date | null;
}

/** A member of a branch and their commitment for the year (null: none recorded). */
export interface BranchCommitment {
  member_id: string;
  name: string;
  userid: string | null;
  text: string | null;
}

export class GoalStatementRepository {
  constructor(private readonly db: Db) {}

  /** Records the subject's text for the year, replacing an earlier one; `replaced` says whether one existed. */
  async record(subject: GoalSubject, year: number, text: string, byMemberId: string | null, at: Date): Promise<{ replaced: boolean }> {
    const values = {
      kind: subject.kind,
      year,
      organisation_id: subject.kind === 'goals' ? subject.organisationId : null,
      member_id: subject.kind === 'commitment' ? subject.memberId : null,
      text,
      recorded_by_member_id: byMemberId,
      recorded_at: at,
      updated_at: at,
    };
    const row = await this.db
      .insertInto('goal_statements')
      .values(values)
      .onConflict((oc) =>
        (subject.kind === 'goals' ? oc.columns(['organisation_id', 'year']) : oc.columns(['member_id', 'year']))
          .where('kind', '=', subject.kind)
          .doUpdateSet({ text, recorded_by_member_id: byMemberId, updated_at: at }),
      )
      // xmax is 0 on a freshly inserted row and set on an updated one.
      .returning(sql<boolean>`(xmax::text <> '0')`.as('replaced'))
      .executeTakeFirstOrThrow();
    return { replaced: Boolean(row.replaced) };
  }

  /** The subject's text for the year, if recorded. */
  async statementOf(subject: GoalSubject, year: number): Promise<GoalStatement | undefined> {
    let q = this.db
      .selectFrom('goal_statements')
      .select(['kind', 'year', 'text', 'recorded_by_member_id', 'recorded_at', 'updated_at'])
      .where('kind', '=', subject.kind)
      .where('year', '=', year);
    q = subject.kind === 'goals' ? q.where('organisation_id', '=', subject.organisationId) : q.where('member_id', '=', subject.memberId);
    return q.executeTakeFirst();
  }

  /** Every active member of the branch with their commitment for the year (or null), by name. */
  async commitmentsInBranch(branchId: string, year: number): Promise<BranchCommitment[]> {
    return this.db
      .selectFrom('members as m')
      .leftJoin('goal_statements as g', (j) => j.onRef('g.member_id', '=', 'm.id').on('g.kind', '=', 'commitment').on('g.year', '=', year))
      .select(['m.id as member_id', 'm.name', 'm.userid', 'g.text'])
      .where('m.branch_id', '=', branchId)
      .where('m.status', '=', 'active')
      .orderBy('m.name')
      .orderBy('m.id')
      .execute();
  }

  /** Every branch and general branch (or only `organisationId`) with its goals for the year, by general branch. */
  async organisationGoals(year: number, organisationId?: string): Promise<OrganisationGoals[]> {
    let q = this.db
      .selectFrom('organisations as o')
      .leftJoin('organisations as p', 'p.id', 'o.parent_id')
      .leftJoin('goal_statements as g', (j) => j.onRef('g.organisation_id', '=', 'o.id').on('g.kind', '=', 'goals').on('g.year', '=', year))
      .leftJoin('members as r', 'r.id', 'g.recorded_by_member_id')
      .select([
        sql<string>`o.id::text`.as('organisation_id'),
        sql<'branch' | 'general_branch'>`o.kind`.as('kind'),
        'o.name',
        sql<string | null>`case when o.kind = 'branch' then p.name end`.as('general_branch'),
        'g.text',
        'r.userid as recorded_by_userid',
        'r.name as recorded_by_name',
        'g.updated_at',
      ])
      .where('o.kind', 'in', ['branch', 'general_branch']);
    if (organisationId !== undefined) q = q.where('o.id', '=', organisationId);
    return q
      .orderBy(sql`coalesce(case when o.kind = 'branch' then p.name end, o.name)`)
      .orderBy(sql`o.kind = 'branch'`)
      .orderBy('o.name')
      .orderBy('o.id')
      .execute();
  }

  /** The organisations (branches and general branches) that recorded goals for the year. */
  async organisationsWithGoals(year: number): Promise<Set<string>> {
    const rows = await this.db.selectFrom('goal_statements').select('organisation_id').where('kind', '=', 'goals').where('year', '=', year).execute();
    return new Set(rows.map((r) => String(r.organisation_id)));
  }

  /** Active members who can receive messages; with `withoutCommitmentFor`, only those with no commitment for that year. */
  async reachableMembers(withoutCommitmentFor?: number): Promise<Array<{ member_id: string; userid: string; name: string }>> {
    const out: Array<{ member_id: string; userid: string; name: string }> = [];
    for await (const page of this.reachableMemberPages(withoutCommitmentFor)) out.push(...page);
    return out;
  }

  /** The same members page by page, by id (keyset): the January nudge reads every member without holding them all. */
  async *reachableMemberPages(
    withoutCommitmentFor?: number,
    pageSize = 10_000,
  ): AsyncGenerator<Array<{ member_id: string; userid: string; name: string; dingtalk_userid: string | null; userid_from_dingtalk: boolean }>> {
    let after = '0';
    for (;;) {
      const r = await sql<{ member_id: string; userid: string; name: string; dingtalk_userid: string | null; userid_from_dingtalk: boolean }>`
      select m.id::text as member_id, m.userid, m.name, m.dingtalk_userid, m.userid_from_dingtalk from members m
       where m.id > ${after}::bigint and m.status = 'active' and m.userid is not null ${this.withoutCommitment(withoutCommitmentFor)}
       order by m.id limit ${pageSize}`.execute(this.db);
      if (r.rows.length > 0) yield r.rows;
      if (r.rows.length < pageSize) return;
      after = r.rows.at(-1)!.member_id;
    }
  }

  /** How many reachableMembers there are (one count, before the pages are read). */
  async countReachable(withoutCommitmentFor?: number): Promise<number> {
    const r = await sql<{ n: number }>`
      select count(*)::int as n from members m
       where m.status = 'active' and m.userid is not null ${this.withoutCommitment(withoutCommitmentFor)}`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }

  private withoutCommitment(year: number | undefined) {
    return year === undefined ? sql`` : sql`and not exists (select 1 from goal_statements g where g.member_id = m.id and g.kind = 'commitment' and g.year = ${year})`;
  }
}
