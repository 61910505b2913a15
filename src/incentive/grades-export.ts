// The half-year and year-end grades as rows of the `evaluations` export (issue 13 section 8), in its columns
// (shared with goals, commitments and quarterly self-evaluations, chained in by the `evaluations` exporter):
// kind, year, period ('H1' for the half-year evaluation, null for the year-end one), the member's GB and branch,
// organisation (null: a grade is a member's), the member by account and name, the grade code, text (null: a
// grade has no note), who recorded the grade in force by account and name, and when. A grade is sensitive: a
// member viewer gets only the rows canSeeSensitive allows. --from/--to select by recorded_at's local day.
import type { Kysely } from 'kysely';
import { EvaluationGradeRepository, type GradeExportRecord } from '../db/evaluation-grade-repository.ts';
import type { Database } from '../db/schema.ts';
import { canSeeSensitive } from '../domain/access.ts';
import { localDayRange } from '../domain/dates.ts';
import { isoAt, keysetPages } from '../export/rows.ts';
import type { IncentiveExportRow, IncentiveExportSettings } from './export-types.ts';

/** The columns of the `evaluations` export, in order (the same for every kind of evaluation). */
export const EVALUATION_EXPORT_COLUMNS = [
  'kind',
  'year',
  'period',
  'general_branch',
  'branch',
  'organisation',
  'member_account',
  'member_name',
  'grade',
  'text',
  'recorded_by_account',
  'recorded_by_name',
  'recorded_at',
] as const;

function rowOf(r: GradeExportRecord, timeZone: string): IncentiveExportRow {
  return {
    kind: r.kind,
    year: r.year,
    period: r.kind === 'half_year' ? 'H1' : null,
    general_branch: r.general_branch,
    branch: r.branch,
    organisation: null,
    member_account: r.member_userid ?? '',
    member_name: r.member_name,
    grade: r.grade,
    text: null,
    recorded_by_account: r.recorded_by_name === null ? null : (r.recorded_by_userid ?? ''),
    recorded_by_name: r.recorded_by_name,
    recorded_at: isoAt(r.recorded_at, timeZone),
  };
}

/** The grades the viewer may see, in id order, chunk by chunk (a chunk may be short after filtering, never empty). */
export async function* gradeExportChunks(db: Kysely<Database>, settings: IncentiveExportSettings): AsyncGenerator<IncentiveExportRow[]> {
  const repo = new EvaluationGradeRepository(db);
  const { fromAt, toBefore } = localDayRange(settings.from, settings.to, settings.timeZone);
  for await (const records of keysetPages((after) => repo.exportChunk(after, settings.chunkSize, fromAt, toBefore, settings.branchIds), settings.chunkSize)) {
    const visible = records.filter((r) => canSeeSensitive(settings.viewer, { memberId: r.member_id, branchId: r.branch_id, generalBranchId: r.gb_id, committeeId: r.committee_id }));
    if (visible.length > 0) yield visible.map((r) => rowOf(r, settings.timeZone));
  }
}
