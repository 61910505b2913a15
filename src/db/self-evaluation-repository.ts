// Quarterly self-evaluations (季度自评, MECHANISM 3.3): one text per member per (year, quarter). Submitting again
// replaces the text, its author and updated_at; recorded_at and the row stay (the unique constraint of
// migrations/2026120401_self_evaluations.ts makes two submissions at once one row). Also the reads of the chat
// (a branch's status, a GB's counts, names in a branch), of the planners (who has not submitted, counts per
// branch) and of the admin routes.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface SelfEvaluation {
  member_id: string;
  year: number;
  quarter: number;
  text: string;
  recorded_by_member_id: string;
  recorded_by_name: string;
  recorded_at: Date;
  updated_at: Date;
}

/** An active member of a branch and whether they submitted for the quarter. */
export interface MemberSubmission {
  member_id: string;
  name: string;
  userid: string | null;
  submitted: boolean;
}

/** A branch's counts for a quarter: active members and how many of them submitted. */
export interface BranchSubmissionCount {
  branch_id: string;
  branch: string;
  general_branch_id: string;
  general_branch: string;
  active: number;
  submitted: number;
}

/** An active member of a branch bearing a name, with what tells namesakes apart. */
export interface BranchNamesake {
  member_id: string;
  name: string;
  userid: string | null;
  birth_date: string | null;
}

/** A member who can receive messages and has not submitted for the quarter. */
export interface ReachableMember {
  member_id: string;
  userid: string;
  name: string;
  /** Read with the pages, so the sweep routes each notice without another lookup. */
  dingtalk_userid?: string | null;
  userid_from_dingtalk?: boolean;
}

export class SelfEvaluationRepository {
  constructor(private readonly db: Db) {}

  /** Records the member's text for the quarter, replacing an earlier one; `replaced` says whether one existed. */
  async submit(memberId: string, year: number, quarter: number, text: string, byMemberId: string, at: Date): Promise<{ replaced: boolean }> {
    const row = await this.db
      .insertInto('self_evaluations')
      .values({ member_id: memberId, year, quarter, text, recorded_by_member_id: byMemberId, recorded_at: at, updated_at: at })
      .onConflict((oc) => oc.columns(['member_id', 'year', 'quarter']).doUpdateSet({ text, recorded_by_member_id: byMemberId, updated_at: at }))
      // xmax is 0 on a freshly inserted row and set on an updated one.
      .returning(sql<boolean>`(xmax::text <> '0')`.as('replaced'))
      .executeTakeFirstOrThrow();
    return { replaced: Boolean(row.replaced) };
  }

  /** The member's self-evaluation of the quarter, if submitted. */
  async of(memberId: string, year: number, quarter: number): Promise<SelfEvaluation | undefined> {
    return this.db
      .selectFrom('self_evaluations as s')
      .innerJoin('members as r', 'r.id', 's.recorded_by_member_id')
      .select(['s.member_id', 's.year', 's.quarter', 's.text', 's.recorded_by_member_id', 'r.name as recorded_by_name', 's.recorded_at', 's.updated_at'])
      .where('s.member_id', '=', memberId)
      .where('s.year', '=', year)
      .where('s.quarter', '=', quarter)
      .executeTakeFirst();
  }

  /** Every active member of the branch and whether they submitted for the quarter, by name. */
  async branchSubmissions(branchId: string, year: number, quarter: number): Promise<MemberSubmission[]> {
    const r = await sql<MemberSubmission>`
    select m.id::text as member_id, m.name, m.userid,
           exists (select 1 from self_evaluations s where s.member_id = m.id and s.year = ${year} and s.quarter = ${quarter}) as submitted
      from members m
     where m.branch_id = ${branchId}::bigint and m.status = 'active'
     order by m.name, m.id`.execute(this.db);
    return r.rows;
  }

  /**
   * Counts per branch for the quarter (branches with active members): every branch, or those of one general
   * branch. Members without a chat account count like the others.
   */
  async branchCounts(year: number, quarter: number, generalBranchId?: string): Promise<BranchSubmissionCount[]> {
    const r = await sql<BranchSubmissionCount>`
    select b.id::text as branch_id, b.name as branch, g.id::text as general_branch_id, g.name as general_branch,
           count(*)::int as active,
           count(*) filter (where exists (select 1 from self_evaluations s where s.member_id = m.id and s.year = ${year} and s.quarter = ${quarter}))::int as submitted
      from members m join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
     where m.status = 'active' ${generalBranchId === undefined ? sql`` : sql`and g.id = ${generalBranchId}::bigint`}
     group by b.id, b.name, g.id, g.name
     order by g.id, b.id`.execute(this.db);
    return r.rows;
  }

  /** Active members who can receive messages; with `withoutSubmissionFor`, only those who have not submitted for that quarter. */
  async reachableMembers(withoutSubmissionFor?: { year: number; quarter: number }): Promise<ReachableMember[]> {
    const out: ReachableMember[] = [];
    for await (const page of this.reachableMemberPages(withoutSubmissionFor)) out.push(...page);
    return out;
  }

  /**
   * The same members page by page, by id (keyset: each page one index range scan, however far in): the sweep
   * reads a million of them without holding them all.
   */
  async *reachableMemberPages(withoutSubmissionFor?: { year: number; quarter: number }, pageSize = 10_000): AsyncGenerator<ReachableMember[]> {
    const q = withoutSubmissionFor;
    let after = '0';
    for (;;) {
      const r = await sql<ReachableMember>`
      select m.id::text as member_id, m.userid, m.name, m.dingtalk_userid, m.userid_from_dingtalk from members m
       where m.id > ${after}::bigint and m.status = 'active' and m.userid is not null
         ${q === undefined ? sql`` : sql`and not exists (select 1 from self_evaluations s where s.member_id = m.id and s.year = ${q.year} and s.quarter = ${q.quarter})`}
       order by m.id limit ${pageSize}`.execute(this.db);
      if (r.rows.length > 0) yield r.rows;
      if (r.rows.length < pageSize) return;
      after = r.rows.at(-1)!.member_id;
    }
  }

  /** How many reachableMembers there are (one count, before the pages are read). */
  async countReachable(withoutSubmissionFor?: { year: number; quarter: number }): Promise<number> {
    const q = withoutSubmissionFor;
    const r = await sql<{ n: number }>`
    select count(*)::int as n from members m
     where m.status = 'active' and m.userid is not null
       ${q === undefined ? sql`` : sql`and not exists (select 1 from self_evaluations s where s.member_id = m.id and s.year = ${q.year} and s.quarter = ${q.quarter})`}`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }

  /** Active members of the branch named so (or with that chat account), by id. */
  async namedInBranch(branchId: string, written: string): Promise<BranchNamesake[]> {
    const r = await sql<BranchNamesake>`
    select m.id::text as member_id, m.name, m.userid, to_char(m.birth_date, 'YYYY-MM-DD') as birth_date
      from members m
     where m.branch_id = ${branchId}::bigint and m.status = 'active' and (m.name = ${written} or lower(m.userid) = ${written.toLowerCase()})
     order by m.id`.execute(this.db);
    return r.rows;
  }
}
