// Half-year and year-end evaluations (半年考评, 年底总评, MECHANISM 3.3): that a branch held one (branch_evaluations,
// the first recording marks it held) and each member's grade (member_evaluation_grades, one per member, kind and
// year: a new grade replaces the old one with who set it and when). Read back per member, per branch, per GB and
// per committee, for the export chunk by chunk, and for the January reminder (branches that have not recorded).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { EvaluationGrade, GradedEvaluationKind } from '../domain/incentive.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A branch with its place and whether its office and its GB's are held (an active holder with a chat account). */
export interface BranchOfficeRow {
  id: string;
  name: string;
  gb_id: string;
  gb_name: string;
  committee_id: string;
  branch_secretary_held: boolean;
  gb_secretary_held: boolean;
}

/** An active member of a branch, as names are resolved against. */
export interface BranchMemberRow {
  id: string;
  name: string;
  userid: string | null;
  /** YYYY-MM-DD, to tell namesakes without an account apart. */
  birth_date: string | null;
}

export interface GradeToRecord {
  memberId: string;
  grade: EvaluationGrade;
}

/** An active member of the branch and their grade of the kind and year (null: none recorded). */
export interface MemberGradeRow {
  member_id: string;
  name: string;
  userid: string | null;
  grade: EvaluationGrade | null;
}

/** One branch's evaluation of a kind and year: held (the day) or not, and its members' grades. */
export interface BranchEvaluationStatus {
  held_on: string | null;
  members: MemberGradeRow[];
}

/** Per organisation (a branch or a GB) and kind: branches that held it, active members, grades by code. */
export interface EvaluationCountsRow {
  organisation_id: string;
  name: string;
  kind: GradedEvaluationKind;
  branches: number;
  branches_held: number;
  /** For a single branch: the day it was held (else null). */
  held_on: string | null;
  active_members: number;
  excellent: number;
  competent: number;
  basically_competent: number;
  incompetent: number;
}

/** A member's grade as the member reads it. */
export interface OwnGradeRow {
  kind: GradedEvaluationKind;
  grade: EvaluationGrade;
  recorded_at: Date;
}

/** A grade with everything the export shows (the access rule filters by the place ids). */
export interface GradeExportRecord {
  id: string;
  kind: GradedEvaluationKind;
  year: number;
  grade: EvaluationGrade;
  member_id: string;
  member_userid: string | null;
  member_name: string;
  branch_id: string;
  branch: string;
  gb_id: string;
  general_branch: string;
  committee_id: string;
  recorded_by_userid: string | null;
  recorded_by_name: string | null;
  recorded_at: Date;
}

const HELD = (role: string, org: ReturnType<typeof sql.ref>) => sql<boolean>`exists (select 1 from member_roles r join members s on s.id = r.member_id
    where r.role = ${role} and r.organisation_id = ${org} and s.status = 'active' and s.userid is not null)`;

const COUNTS = sql`count(m.id)::int as active_members,
       count(*) filter (where g.grade = 'excellent')::int as excellent,
       count(*) filter (where g.grade = 'competent')::int as competent,
       count(*) filter (where g.grade = 'basically_competent')::int as basically_competent,
       count(*) filter (where g.grade = 'incompetent')::int as incompetent`;

export class EvaluationGradeRepository {
  constructor(private readonly db: Db) {}

  /** Every branch of the committee with its GB and whether the two secretaries' offices are held, by GB and name. */
  async branchOffices(committeeId: string): Promise<BranchOfficeRow[]> {
    const r = await sql<BranchOfficeRow>`
    select b.id::text as id, b.name, g.id::text as gb_id, g.name as gb_name, g.parent_id::text as committee_id,
           ${HELD('branch_secretary', sql.ref('b.id'))} as branch_secretary_held,
           ${HELD('gb_secretary', sql.ref('g.id'))} as gb_secretary_held
      from organisations b join organisations g on g.id = b.parent_id
     where b.kind = 'branch' and g.parent_id = ${committeeId}::bigint
     order by g.name, g.id, b.name, b.id`.execute(this.db);
    return r.rows;
  }

  /** The branch's active members (those graded), by name. */
  async activeMembers(branchId: string): Promise<BranchMemberRow[]> {
    return this.db
      .selectFrom('members')
      .select(['id', 'name', 'userid', sql<string | null>`birth_date::text`.as('birth_date')])
      .where('branch_id', '=', branchId)
      .where('status', '=', 'active')
      .orderBy('name')
      .orderBy('id')
      .execute();
  }

  /**
   * Records grades of the branch's evaluation: marks it held (the first recording; held_on that day) and sets each
   * grade, replacing an earlier one of the member, kind and year. `held` says whether it was already held.
   */
  async record(input: { branchId: string; kind: GradedEvaluationKind; year: number; heldOn: string; grades: readonly GradeToRecord[]; byMemberId: string | null; at: Date }): Promise<{ alreadyHeld: boolean }> {
    const inserted = await this.db
      .insertInto('branch_evaluations')
      .values({ branch_id: input.branchId, kind: input.kind, year: input.year, held_on: input.heldOn, recorded_by_member_id: input.byMemberId, recorded_at: input.at })
      .onConflict((oc) => oc.columns(['branch_id', 'kind', 'year']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (input.grades.length > 0) {
      await this.db
        .insertInto('member_evaluation_grades')
        .values(input.grades.map((g) => ({ member_id: g.memberId, kind: input.kind, year: input.year, grade: g.grade, recorded_by_member_id: input.byMemberId, recorded_at: input.at })))
        .onConflict((oc) =>
          oc.columns(['member_id', 'kind', 'year']).doUpdateSet({
            grade: (eb) => eb.ref('excluded.grade'),
            recorded_by_member_id: (eb) => eb.ref('excluded.recorded_by_member_id'),
            recorded_at: (eb) => eb.ref('excluded.recorded_at'),
          }),
        )
        .execute();
    }
    return { alreadyHeld: inserted === undefined };
  }

  /** The branch's evaluation of the kind and year: the day it was held (or null) and each active member's grade. */
  async branchStatus(branchId: string, kind: GradedEvaluationKind, year: number): Promise<BranchEvaluationStatus> {
    const held = await this.db
      .selectFrom('branch_evaluations')
      .select(sql<string>`held_on::text`.as('held_on'))
      .where('branch_id', '=', branchId)
      .where('kind', '=', kind)
      .where('year', '=', year)
      .executeTakeFirst();
    const members = await this.db
      .selectFrom('members as m')
      .leftJoin('member_evaluation_grades as g', (j) => j.onRef('g.member_id', '=', 'm.id').on('g.kind', '=', kind).on('g.year', '=', year))
      .select(['m.id as member_id', 'm.name', 'm.userid', 'g.grade'])
      .where('m.branch_id', '=', branchId)
      .where('m.status', '=', 'active')
      .orderBy('m.name')
      .orderBy('m.id')
      .execute();
    return { held_on: held?.held_on ?? null, members };
  }

  /** Per branch of the GB and kind: held (the day) or not, active members and grades by code (of active members). */
  async generalBranchCounts(gbId: string, year: number): Promise<EvaluationCountsRow[]> {
    const r = await sql<EvaluationCountsRow>`
    select b.id::text as organisation_id, b.name, k.kind, 1 as branches, (e.id is not null)::int as branches_held,
           e.held_on::text as held_on, ${COUNTS}
      from organisations b
      cross join (values ('half_year'), ('year_end')) as k(kind)
      left join branch_evaluations e on e.branch_id = b.id and e.kind = k.kind and e.year = ${year}
      left join members m on m.branch_id = b.id and m.status = 'active'
      left join member_evaluation_grades g on g.member_id = m.id and g.kind = k.kind and g.year = ${year}
     where b.kind = 'branch' and b.parent_id = ${gbId}::bigint
     group by b.id, b.name, k.kind, e.id, e.held_on
     order by b.name, b.id, k.kind`.execute(this.db);
    return r.rows;
  }

  /** Per GB of the committee and kind: its branches (with active members), how many held it, grades by code. */
  async committeeCounts(committeeId: string, year: number): Promise<EvaluationCountsRow[]> {
    const r = await sql<EvaluationCountsRow>`
    with per_branch as (
      select g.id as gb_id, g.name as gb_name, b.id as branch_id, k.kind,
             (e.id is not null) as held,
             (select count(*) from members m where m.branch_id = b.id and m.status = 'active') as active_members
        from organisations g join organisations b on b.parent_id = g.id and b.kind = 'branch'
        cross join (values ('half_year'), ('year_end')) as k(kind)
        left join branch_evaluations e on e.branch_id = b.id and e.kind = k.kind and e.year = ${year}
       where g.kind = 'general_branch' and g.parent_id = ${committeeId}::bigint
    ), grades as (
      select b.parent_id as gb_id, g.kind,
             count(*) filter (where g.grade = 'excellent')::int as excellent,
             count(*) filter (where g.grade = 'competent')::int as competent,
             count(*) filter (where g.grade = 'basically_competent')::int as basically_competent,
             count(*) filter (where g.grade = 'incompetent')::int as incompetent
        from member_evaluation_grades g join members m on m.id = g.member_id and m.status = 'active'
        join organisations b on b.id = m.branch_id
       where g.year = ${year}
       group by b.parent_id, g.kind
    )
    select p.gb_id::text as organisation_id, p.gb_name as name, p.kind,
           count(*) filter (where p.active_members > 0)::int as branches,
           count(*) filter (where p.held and p.active_members > 0)::int as branches_held,
           null::text as held_on, sum(p.active_members)::int as active_members,
           coalesce(max(x.excellent), 0)::int as excellent, coalesce(max(x.competent), 0)::int as competent,
           coalesce(max(x.basically_competent), 0)::int as basically_competent, coalesce(max(x.incompetent), 0)::int as incompetent
      from per_branch p left join grades x on x.gb_id = p.gb_id and x.kind = p.kind
     group by p.gb_id, p.gb_name, p.kind
     order by p.gb_name, p.gb_id, p.kind`.execute(this.db);
    return r.rows;
  }

  /** An organisation by id (its kind and name), if there is one. */
  async organisation(id: string): Promise<{ id: string; kind: string; name: string; parent_name: string | null } | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    return this.db
      .selectFrom('organisations as o')
      .leftJoin('organisations as p', 'p.id', 'o.parent_id')
      .select([sql<string>`o.id::text`.as('id'), 'o.kind', 'o.name', 'p.name as parent_name'])
      .where('o.id', '=', id)
      .executeTakeFirst();
  }

  /** The member's grades of the year (half-year first). */
  async gradesOf(memberId: string, year: number): Promise<OwnGradeRow[]> {
    return this.db
      .selectFrom('member_evaluation_grades')
      .select(['kind', 'grade', 'recorded_at'])
      .where('member_id', '=', memberId)
      .where('year', '=', year)
      .orderBy('kind')
      .execute();
  }

  /** The branches that have recorded the evaluation of the kind and year (held). */
  async heldBranchIds(kind: GradedEvaluationKind, year: number): Promise<Set<string>> {
    const rows = await this.db.selectFrom('branch_evaluations').select('branch_id').where('kind', '=', kind).where('year', '=', year).execute();
    return new Set(rows.map((r) => String(r.branch_id)));
  }

  /** Grades after `afterId` in id order, at most `limit`, recorded in [fromInstant, toInstant) when given. */
  async exportChunk(afterId: string, limit: number, fromInstant: Date | undefined, toInstant: Date | undefined, branchIds?: readonly string[]): Promise<GradeExportRecord[]> {
    let q = this.db
      .selectFrom('member_evaluation_grades as e')
      .innerJoin('members as m', 'm.id', 'e.member_id')
      .innerJoin('organisations as b', 'b.id', 'm.branch_id')
      .innerJoin('organisations as g', 'g.id', 'b.parent_id')
      .leftJoin('members as r', 'r.id', 'e.recorded_by_member_id')
      .select([
        sql<string>`e.id::text`.as('id'),
        'e.kind',
        'e.year',
        'e.grade',
        sql<string>`m.id::text`.as('member_id'),
        'm.userid as member_userid',
        'm.name as member_name',
        sql<string>`b.id::text`.as('branch_id'),
        'b.name as branch',
        sql<string>`g.id::text`.as('gb_id'),
        'g.name as general_branch',
        sql<string>`g.parent_id::text`.as('committee_id'),
        'r.userid as recorded_by_userid',
        'r.name as recorded_by_name',
        'e.recorded_at',
      ])
      .where('e.id', '>', afterId)
      .orderBy('e.id')
      .limit(limit);
    if (fromInstant) q = q.where('e.recorded_at', '>=', fromInstant);
    if (toInstant) q = q.where('e.recorded_at', '<', toInstant);
    // The member's current branch, as the row reports it.
    if (branchIds) q = q.where(sql<boolean>`m.branch_id = any(${[...branchIds]}::bigint[])`);
    return q.execute();
  }
}
