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
import { OD_VIEWER, type Viewer } from '../domain/access.ts';
import { checkExportRequest, EXPORT_FORMATS, INCENTIVE_EXPORT_KINDS, type ExportFormat, type IncentiveExportKind } from '../export/request.ts';
import { certificatesExporter } from './certificates-export.ts';
import { csvRowChunks, jsonLineChunks, plainCsvCell, type CsvCellOf } from '../export/rows.ts';
import type { IncentiveExporter, IncentiveExportRow, IncentiveExportSettings } from './export-types.ts';
import { commendationsExporter } from './commendations-export.ts';
import { excellentExporter } from './excellent-export.ts';
import { evaluationsExporter } from './evaluations-export.ts';
import { leadershipExporter } from './leadership-export.ts';

export { INCENTIVE_EXPORT_KINDS, type IncentiveExportKind };
export type { IncentiveExporter, IncentiveExportRow, IncentiveExportSettings };

export const DEFAULT_CHUNK_SIZE = 5_000;

export interface IncentiveExportOptions {
  /** Inclusive YYYY-MM-DD; what the day of a row is depends on the kind (README "Exporting incentive data"). */
  from?: string | undefined;
  to?: string | undefined;
  /** The organisation's date (YYYY-MM-DD): which year's due certificates are rows; the leadership review's results exist only once it has closed. */
  today?: string | undefined;
  /** Who is looking; default the OD (full detail). */
  viewer?: Viewer | undefined;
  timeZone?: string | undefined;
  chunkSize?: number | undefined;
}

export class IncentiveExportError extends Error {}



/** The exporter of each kind (a kind not yet registered is refused, never answered with nothing). */
const EXPORTERS: Partial<Record<IncentiveExportKind, IncentiveExporter>> = {
  excellent: excellentExporter,
  commendations: commendationsExporter,
  evaluations: evaluationsExporter,
  certificates: certificatesExporter,
  leadership: leadershipExporter,
};

function exporterOf(what: IncentiveExportKind): IncentiveExporter {
  const exporter = EXPORTERS[what];
  if (!exporter) throw new IncentiveExportError(`export "${what}" is not available in this version`);
  return exporter;
}

function normalise(what: IncentiveExportKind, opts: IncentiveExportOptions): IncentiveExportSettings {
  const problem = checkExportRequest({ what, from: opts.from, to: opts.to, today: opts.today }, INCENTIVE_EXPORT_KINDS);
  if (problem) throw new IncentiveExportError(problem);
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new IncentiveExportError(`chunkSize must be a positive integer (got ${chunkSize})`);
  return { from: opts.from, to: opts.to, today: opts.today, viewer: opts.viewer ?? OD_VIEWER, timeZone: opts.timeZone ?? 'Asia/Shanghai', chunkSize };
}

/** The columns of a kind, in order. */
export const incentiveColumnsOf = (what: IncentiveExportKind): readonly string[] => exporterOf(what).columns;

/** The rows of an export chunk by chunk. Validates (IncentiveExportError) before reading. */
export function exportIncentiveChunks(db: Kysely<Database>, what: IncentiveExportKind, opts: IncentiveExportOptions = {}): AsyncGenerator<IncentiveExportRow[]> {
  const settings = normalise(what, opts);
  return exporterOf(what).chunks(db, settings);
}

/** Every row in memory: for small exports and tests. */
export async function collectIncentive(db: Kysely<Database>, what: IncentiveExportKind, opts: IncentiveExportOptions = {}): Promise<IncentiveExportRow[]> {
  const out: IncentiveExportRow[] = [];
  for await (const chunk of exportIncentiveChunks(db, what, opts)) out.push(...chunk);
  return out;
}

/** CSV cells: arrays joined with ';', the rest as text (or the kind's own cell writer). */
const defaultCell: CsvCellOf = (column, v) => (Array.isArray(v) ? v.join(';') : plainCsvCell(column, v));

/** CSV for Excel through the one writer: a header of the column codes, then one row per record. */
export const incentiveCsvChunks = (what: IncentiveExportKind, chunks: AsyncIterable<readonly IncentiveExportRow[]>): AsyncGenerator<Buffer> => {
  const exporter = exporterOf(what);
  return csvRowChunks(exporter.columns, chunks as AsyncIterable<readonly object[]>, exporter.csvCell ?? defaultCell);
};

/** The bytes of an export in a format. Validates (IncentiveExportError) before reading. */
export function incentiveExportBytes(db: Kysely<Database>, what: IncentiveExportKind, format: ExportFormat, opts: IncentiveExportOptions = {}): AsyncGenerator<Buffer> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new IncentiveExportError(`format must be csv or json (got "${format}")`);
  const chunks = exportIncentiveChunks(db, what, opts);
  return format === 'csv' ? incentiveCsvChunks(what, chunks) : jsonLineChunks(chunks);
}
