// Export `leadership` (issue 13 sections 7–8): the leadership review's TOTALS only — never an answer per person,
// which the database does not hold (migrations/2026120405_leadership_review.ts). Column-compatible rows of two
// kinds, one table:
// - kind 'total': one committee's counts — year, general_branch, branch (null for a GB committee's row),
//   organisation_rated ('branch' | 'general_branch', the committee rated), satisfied, basically_satisfied,
//   dissatisfied, answered, members (carded at the opening); comment null;
// - kind 'comment': one comment with the committee it is about and its text; the counts null. No person, no time.
// Only reviews that have closed (last_day before `today`) are exported: results are not shown while a review is
// open (incentive/leadership-review.ts). The day of a row (from/to) is the review's opening day.
// Who sees what is the access rule's (domain/access.ts leadershipResultsScope): the OD all totals and comments; a
// GB secretary the totals of their GBs' branch committees, counts withheld (null) under 3 answers; others nothing.
import type { Kysely } from 'kysely';
import { leadershipResultsScope } from '../domain/access.ts';
import { LeadershipReviewRepository } from '../db/leadership-review-repository.ts';
import type { Database } from '../db/schema.ts';
import type { IncentiveExporter, IncentiveExportRow, IncentiveExportSettings } from './export-types.ts';
import { shownTotals, totalFields } from './leadership-review.ts';

export const LEADERSHIP_EXPORT_COLUMNS = [
  'year',
  'kind',
  'general_branch',
  'branch',
  'organisation_rated',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'answered',
  'members',
  'comment',
] as const;

async function* leadershipChunks(db: Kysely<Database>, s: IncentiveExportSettings): AsyncGenerator<IncentiveExportRow[]> {
  const scope = leadershipResultsScope(s.viewer);
  if (!scope) return;
  if (!s.today) throw new RangeError('the leadership export needs today (results exist only for reviews that have closed)');
  const repo = new LeadershipReviewRepository(db);
  for (const review of await repo.reviews(s.from, s.to)) {
    if (review.last_day >= s.today) continue;
    const rows: IncentiveExportRow[] = [];
    const totals = shownTotals(await repo.totals(review.id, scope.kind === 'all' ? undefined : scope.generalBranchIds), scope);
    for (const t of totals) {
      rows.push({ year: review.year, kind: 'total', ...totalFields(t), comment: null });
    }
    if (scope.comments) {
      for (const c of await repo.comments(review.id)) {
        rows.push({
          year: review.year,
          kind: 'comment',
          general_branch: c.general_branch,
          branch: c.branch,
          organisation_rated: c.kind,
          satisfied: null,
          basically_satisfied: null,
          dissatisfied: null,
          answered: null,
          members: null,
          comment: c.text,
        });
      }
    }
    // A review's rows are few (two per branch at most, plus comments): one chunk per review.
    if (rows.length > 0) yield rows;
  }
}

export const leadershipExporter: IncentiveExporter = { columns: LEADERSHIP_EXPORT_COLUMNS, chunks: leadershipChunks };
