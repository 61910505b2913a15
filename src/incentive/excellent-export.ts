// The `excellent` export (issue 13 sections 4 and 8): the GBs' excellent-member lists (list 'gb') and the
// committee's excellent members and excellent Party workers (list 'committee'), one row per person and honour:
// the year, the member's GB, account and name, the kind's code, whether the person is on a GB list of that year,
// the reason recorded for a pick from outside the lists, the certificate number, who recorded it and when. The day
// of a row (from/to) is the local day it was recorded; a member viewer gets only the people in their scope.
import { isoAt } from '../export/rows.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { visibleCommendationChunks } from './commendations-export.ts';
import type { IncentiveExporter, IncentiveExportRow, IncentiveExportSettings } from './export-types.ts';

export const EXCELLENT_COLUMNS = [
  'year',
  'general_branch',
  'member_account',
  'member_name',
  'list',
  'kind',
  'on_gb_list',
  'reason',
  'certificate_no',
  'recorded_by_account',
  'recorded_by_name',
  'recorded_at',
] as const;

export const excellentExporter: IncentiveExporter = {
  columns: EXCELLENT_COLUMNS,
  branchFilter: true,
  async *chunks(db: Kysely<Database>, s: IncentiveExportSettings): AsyncGenerator<IncentiveExportRow[]> {
    for await (const rows of visibleCommendationChunks(db, s, true)) {
      yield rows.map(
        (r): IncentiveExportRow => ({
          year: r.year,
          general_branch: r.gb_name,
          member_account: r.member_userid ?? '',
          member_name: r.member_name,
          list: r.level === 'general_branch' ? 'gb' : 'committee',
          kind: r.kind,
          on_gb_list: r.on_gb_list,
          reason: r.reason,
          certificate_no: r.certificate_no,
          recorded_by_account: r.recorded_by_userid,
          recorded_by_name: r.recorded_by_name,
          recorded_at: isoAt(r.recorded_at, s.timeZone),
        }),
      );
    }
  },
};
