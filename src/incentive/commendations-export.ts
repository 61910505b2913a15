// The `commendations` export (issue 13 sections 5 and 8): every commendation — GB lists, committee picks,
// advanced organisations, special commendations — one row each, with codes (kind, level), the recipient by chat
// account and name or the organisation's name, GB and branch, the issuer's certificate number and who recorded it.
// The day of a row (from/to) is the local day it was recorded. A member viewer gets only the rows whose recipient
// their scope covers (maySeeCommendations).
import type { Kysely } from 'kysely';
import { CommendationRepository, type CommendationExportRow } from '../db/commendation-repository.ts';
import type { Database } from '../db/schema.ts';
import { maySeeCommendations } from '../domain/access.ts';
import { isoAt, keysetPages } from '../export/rows.ts';
import type { IncentiveExporter, IncentiveExportRow, IncentiveExportSettings } from './export-types.ts';

/** The rows of the committee the viewer may see, chunk by chunk (keyset on id). */
export async function* visibleCommendationChunks(db: Kysely<Database>, s: IncentiveExportSettings, excellentOnly: boolean): AsyncGenerator<CommendationExportRow[]> {
  const repo = new CommendationRepository(db);
  for await (const rows of keysetPages((afterId) => repo.exportChunk({ afterId, limit: s.chunkSize, excellentOnly, from: s.from, to: s.to, timeZone: s.timeZone, branchIds: s.branchIds }), s.chunkSize)) {
    const visible = rows.filter((r) => maySeeCommendations(s.viewer, { memberId: r.member_id ?? '', branchId: r.branch_id, generalBranchId: r.gb_id, committeeId: r.committee_id }));
    if (visible.length > 0) yield visible;
  }
}

export const COMMENDATION_COLUMNS = [
  'year',
  'kind',
  'level',
  'cause',
  'member_account',
  'member_name',
  'organisation',
  'general_branch',
  'branch',
  'certificate_no',
  'recorded_by_account',
  'recorded_by_name',
  'recorded_at',
] as const;

export const commendationsExporter: IncentiveExporter = {
  columns: COMMENDATION_COLUMNS,
  branchFilter: true,
  async *chunks(db: Kysely<Database>, s: IncentiveExportSettings): AsyncGenerator<IncentiveExportRow[]> {
    for await (const rows of visibleCommendationChunks(db, s, false)) {
      yield rows.map(
        (r): IncentiveExportRow => ({
          year: r.year,
          kind: r.kind,
          level: r.level,
          cause: r.cause,
          member_account: r.member_id === null ? null : (r.member_userid ?? ''),
          member_name: r.member_name,
          organisation: r.organisation_name,
          general_branch: r.gb_name,
          branch: r.branch_name,
          certificate_no: r.certificate_no,
          recorded_by_account: r.recorded_by_userid,
          recorded_by_name: r.recorded_by_name,
          recorded_at: isoAt(r.recorded_at, s.timeZone),
        }),
      );
    }
  },
};
