// Export of incentive data (issue 13 section 8): evaluations (goals, commitments, quarterly self-evaluations,
// half-year and year-end grades), excellent members (the GBs' lists and the committee's picks with reasons),
// commendations, 光荣在党50年 certificates and the leadership review (totals only) — for the CLI and the admin
// API, written like the care and assistance exports: people by chat account AND name, GB and branch, codes from
// MECHANISM "Canonical codes", instants as ISO 8601 at the organisation's offset (rows.ts isoAt), read in keyset
// chunks, written by the one CSV writer or as JSON lines.
//
// Each kind is one exporter (its columns and its chunked reader) in a file of its own, registered below; who sees
// which row is the access rule's (src/domain/access.ts), applied inside each exporter.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { exportFamily, type FamilyExportOptions } from '../export/family.ts';
import { INCENTIVE_EXPORT_KINDS, type ExportFormat, type IncentiveExportKind } from '../export/request.ts';
import { certificatesExporter } from './certificates-export.ts';
import type { IncentiveExporter, IncentiveExportRow, IncentiveExportSettings } from './export-types.ts';
import { commendationsExporter } from './commendations-export.ts';
import { excellentExporter } from './excellent-export.ts';
import { evaluationsExporter } from './evaluations-export.ts';
import { leadershipExporter } from './leadership-export.ts';

export { DEFAULT_CHUNK_SIZE } from '../export/family.ts';
export { INCENTIVE_EXPORT_KINDS, type IncentiveExportKind };
export type { IncentiveExporter, IncentiveExportRow, IncentiveExportSettings };

/** Options of an incentive export; `today` decides which year's due certificates are rows, and the leadership review's results exist only once it has closed. */
export type IncentiveExportOptions = FamilyExportOptions;

export class IncentiveExportError extends Error {}

/** The exporter of each kind (a kind not yet registered is refused, never answered with nothing). */
const EXPORTERS: Partial<Record<IncentiveExportKind, IncentiveExporter>> = {
  excellent: excellentExporter,
  commendations: commendationsExporter,
  evaluations: evaluationsExporter,
  certificates: certificatesExporter,
  leadership: leadershipExporter,
};

const family = exportFamily(INCENTIVE_EXPORT_KINDS, EXPORTERS, (message) => new IncentiveExportError(message));

/** The columns of a kind, in order. */
export const incentiveColumnsOf = family.columnsOf;

/** The rows of an export chunk by chunk. Validates (IncentiveExportError) before reading. */
export const exportIncentiveChunks = family.chunks;

/** Every row in memory: for small exports and tests. */
export const collectIncentive = family.collect;

/** CSV for Excel through the one writer: a header of the column codes, then one row per record. */
export const incentiveCsvChunks = family.csvChunks;

/** The bytes of an export in a format. Validates (IncentiveExportError) before reading. */
export const incentiveExportBytes: (db: Kysely<Database>, what: IncentiveExportKind, format: ExportFormat, opts?: IncentiveExportOptions) => AsyncGenerator<Buffer> = family.bytes;
