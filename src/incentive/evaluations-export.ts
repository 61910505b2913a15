// The `evaluations` export (issue 13 section 8): one row per recorded evaluation text — an organisation's goals
// (goals), a member's post commitment (commitment), a quarterly self-evaluation (quarterly_self) — with columns
// shared by every evaluation kind, so the half-year and year-end grades join the same file later.
//
// Rows come from SOURCES, read one after the other in the order listed; each source is an async generator of
// chunks in its own keyset order. A new kind of evaluation row (half_year, year_end grades) is one more source
// appended to the list, yielding rows with exactly EVALUATION_COLUMNS.
//
// --from/--to (inclusive) filter by the local day of recorded_at: the instant the current text was recorded (a
// replaced text counts from its replacement; recorded_by is who recorded the current text).
//
// Who sees which row (src/domain/access.ts): evaluation texts are sensitive, so a commitment or a self-evaluation
// only where canSeeSensitive allows (the member, their branch secretary, their GB's leaders, the OD); an
// organisation's goals where maySeeGoalsOf allows (the viewer's own branch and GB, and the organisations their
// roles reach). Rows are left out whole.
import type { Kysely } from 'kysely';
import { EvaluationExportRepository, type GoalStatementPageRow, type RecordedRange, type SelfEvaluationPageRow } from '../db/evaluation-export-repository.ts';
import type { Database } from '../db/schema.ts';
import { canSeeSensitive, maySeeGoalsOf, type Viewer } from '../domain/access.ts';
import { localDayRange } from '../domain/dates.ts';
import { quarterCode, type EvaluationGrade, type EvaluationKind } from '../domain/incentive.ts';
import { isoAt, keysetPages } from '../export/rows.ts';
import type { IncentiveExportSettings } from './export-types.ts';
import { EVALUATION_EXPORT_COLUMNS, gradeExportChunks } from './grades-export.ts';

/** The checked options the incentive export family (./export.ts, which registers this exporter) passes in. */
export type EvaluationExportSettings = IncentiveExportSettings;

/** One evaluation row; null where the kind has no such field. */
export type EvaluationExportRow = {
  kind: EvaluationKind;
  year: number;
  /** 'Q1'..'Q4' for quarterly_self, 'H1' for half_year, null for year-level kinds. */
  period: string | null;
  general_branch: string | null;
  branch: string | null;
  /** For goals: the organisation's name; else null. */
  organisation: string | null;
  member_account: string | null;
  member_name: string | null;
  grade: EvaluationGrade | null;
  text: string | null;
  recorded_by_account: string | null;
  recorded_by_name: string | null;
  recorded_at: string;
};

/** The columns, in order: one list, grades-export.ts's (this file chains those rows in; importing back would be a cycle). */
export const EVALUATION_COLUMNS: readonly (keyof EvaluationExportRow)[] = EVALUATION_EXPORT_COLUMNS;

/** What a source gets: the checked settings, the range of recorded_at as instants and the viewer's own place. */
export interface EvaluationSourceContext {
  settings: EvaluationExportSettings;
  range: RecordedRange;
  viewerPlace: { branchId: string; generalBranchId: string } | undefined;
}

/** A source of evaluation rows: chunks, already filtered for the viewer. */
export type EvaluationSource = (db: Kysely<Database>, ctx: EvaluationSourceContext) => AsyncGenerator<EvaluationExportRow[]>;

const sensitiveVisible = (viewer: Viewer, r: { member_id: string | null; branch_id: string | null; general_branch_id: string | null; committee_id: string | null }) =>
  r.member_id !== null &&
  canSeeSensitive(viewer, { memberId: r.member_id, branchId: r.branch_id!, generalBranchId: r.general_branch_id!, ...(r.committee_id ? { committeeId: r.committee_id } : {}) });

/** The last columns of a text row (goals, commitment, self-evaluation): the member, no grade, the text, who recorded it and when. */
const textFields = (r: GoalStatementPageRow | SelfEvaluationPageRow, timeZone: string) => ({
  member_account: r.member_account,
  member_name: r.member_name,
  grade: null,
  text: r.text,
  recorded_by_account: r.recorded_by_account,
  recorded_by_name: r.recorded_by_name,
  recorded_at: isoAt(r.recorded_at, timeZone)!,
});

/** Goals (organisations) and commitments (members), in the order they were first recorded. */
const goalStatements: EvaluationSource = async function* (db, { settings, range, viewerPlace }) {
  const repo = new EvaluationExportRepository(db);
  for await (const rows of keysetPages((after) => repo.goalStatementPage(range, after, settings.chunkSize), settings.chunkSize)) {
    yield rows
      .filter((r) =>
        r.kind === 'goals'
          ? maySeeGoalsOf(settings.viewer, viewerPlace, { id: r.organisation_id!, kind: r.organisation_kind!, generalBranchId: r.organisation_gb_id, committeeId: r.organisation_committee_id ?? '' })
          : sensitiveVisible(settings.viewer, r),
      )
      .map((r) => ({
        kind: r.kind,
        year: r.year,
        period: null,
        general_branch: r.kind === 'goals' ? r.organisation_gb : r.general_branch,
        branch: r.kind === 'goals' ? (r.organisation_kind === 'branch' ? r.organisation : null) : r.branch,
        organisation: r.kind === 'goals' ? r.organisation : null,
        ...textFields(r, settings.timeZone),
      }));
  }
};

/** Quarterly self-evaluations, in the order they were first submitted. */
const quarterlySelfEvaluations: EvaluationSource = async function* (db, { settings, range }) {
  const repo = new EvaluationExportRepository(db);
  for await (const rows of keysetPages((after) => repo.selfEvaluationPage(range, after, settings.chunkSize), settings.chunkSize)) {
    yield rows
      .filter((r) => sensitiveVisible(settings.viewer, r))
      .map((r) => ({
        kind: 'quarterly_self' as const,
        year: r.year,
        period: quarterCode(r.quarter),
        general_branch: r.general_branch,
        branch: r.branch,
        organisation: null,
        ...textFields(r, settings.timeZone),
      }));
  }
};

/** The sources of the export, read in this order (append a source for another evaluation kind). */
/** Half-year and year-end grades (./grades-export.ts), already in these columns. */
const grades: EvaluationSource = (db, { settings }) => gradeExportChunks(db, settings) as AsyncGenerator<EvaluationExportRow[]>;

export const EVALUATION_SOURCES: EvaluationSource[] = [goalStatements, quarterlySelfEvaluations, grades];

export const evaluationsExporter = {
  columns: EVALUATION_COLUMNS,
  branchFilter: true,
  async *chunks(db: Kysely<Database>, settings: EvaluationExportSettings): AsyncGenerator<EvaluationExportRow[]> {
    const range: RecordedRange = { ...localDayRange(settings.from, settings.to, settings.timeZone), branchIds: settings.branchIds };
    const viewerPlace = settings.viewer.kind === 'member' ? await new EvaluationExportRepository(db).memberPlace(settings.viewer.memberId) : undefined;
    for (const source of EVALUATION_SOURCES) {
      for await (const chunk of source(db, { settings, range, viewerPlace })) if (chunk.length > 0) yield chunk;
    }
  },
};
