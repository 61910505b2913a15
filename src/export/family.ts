// A family of exports made of registered exporters (incentive: src/incentive/export.ts; members' voice:
// src/voice/export.ts): each kind is one exporter — its columns, its CSV cells and its chunked reader, with the
// access rule applied inside — and the family checks the request once, fills in the defaults and writes CSV
// through the one writer or JSON lines.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { OD_VIEWER, type Viewer } from '../domain/access.ts';
import { checkBranchIds, checkExportRequest, EXPORT_FORMATS, type ExportFormat } from './request.ts';
import { csvRowChunks, jsonLineChunks, plainCsvCell, type CsvCellOf } from './rows.ts';

export const DEFAULT_CHUNK_SIZE = 5_000;

/** The options as an exporter reads them: checked, with the defaults filled in. */
export interface FamilyExportSettings {
  from: string | undefined;
  to: string | undefined;
  today: string | undefined;
  viewer: Viewer;
  timeZone: string;
  chunkSize: number;
  /** Only rows counted in these branches (the dashboard's scope, by the dashboard figures' branch rule); undefined: all. */
  branchIds?: readonly string[] | undefined;
}

/** A row of a family's export: a flat record whose keys are the kind's columns. */
export type FamilyExportRow = Readonly<Record<string, unknown>>;

/** One kind: its columns in order, its CSV cells and its rows chunk by chunk. */
export interface FamilyExporter {
  columns: readonly string[];
  /** The kind applies settings.branchIds; a kind without it refuses a branch filter rather than ignore it. */
  branchFilter?: boolean;
  csvCell?: CsvCellOf;
  chunks(db: Kysely<Database>, settings: FamilyExportSettings): AsyncGenerator<FamilyExportRow[]>;
}

export interface FamilyExportOptions {
  /** Inclusive YYYY-MM-DD; what the day of a row is depends on the kind (README). */
  from?: string | undefined;
  to?: string | undefined;
  /** The organisation's date (YYYY-MM-DD), where a kind's rows depend on it. */
  today?: string | undefined;
  /** Who is looking; default the OD (full detail). */
  viewer?: Viewer | undefined;
  timeZone?: string | undefined;
  chunkSize?: number | undefined;
  /**
   * Only the rows counted in these branches (the dashboard's download of a scope; the same branch rule as its
   * figures, README). Undefined: every branch. Kinds that cannot be filtered so refuse it.
   */
  branchIds?: readonly string[] | undefined;
}

/** CSV cells: arrays joined with ';', the rest as text (or the kind's own cell writer). */
const defaultCell: CsvCellOf = (column, v) => (Array.isArray(v) ? v.join(';') : plainCsvCell(column, v));

/** The family's entry points over its registered exporters; `fail` makes the family's own error. */
export function exportFamily<K extends string>(kinds: readonly K[], exporters: Partial<Record<K, FamilyExporter>>, fail: (message: string) => Error) {
  const exporterOf = (what: K): FamilyExporter => {
    const exporter = exporters[what];
    if (!exporter) throw fail(`export "${what}" is not available in this version`);
    return exporter;
  };
  const normalise = (what: K, opts: FamilyExportOptions): FamilyExportSettings => {
    const problem = checkExportRequest({ what, from: opts.from, to: opts.to, today: opts.today }, kinds);
    if (problem) throw fail(problem);
    const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw fail(`chunkSize must be a positive integer (got ${chunkSize})`);
    const branchProblem = checkBranchIds(opts.branchIds);
    if (branchProblem) throw fail(branchProblem);
    if (opts.branchIds !== undefined && exporterOf(what).branchFilter !== true) throw fail(`export "${what}" cannot be filtered by branch`);
    return {
      from: opts.from,
      to: opts.to,
      today: opts.today,
      viewer: opts.viewer ?? OD_VIEWER,
      timeZone: opts.timeZone ?? 'Asia/Shanghai',
      chunkSize,
      branchIds: opts.branchIds,
    };
  };
  const chunks = (db: Kysely<Database>, what: K, opts: FamilyExportOptions = {}): AsyncGenerator<FamilyExportRow[]> => exporterOf(what).chunks(db, normalise(what, opts));
  const csvChunks = (what: K, rows: AsyncIterable<readonly FamilyExportRow[]>): AsyncGenerator<Buffer> => {
    const exporter = exporterOf(what);
    return csvRowChunks(exporter.columns, rows as AsyncIterable<readonly object[]>, exporter.csvCell ?? defaultCell);
  };
  return {
    /** The columns of a kind, in order. */
    columnsOf: (what: K): readonly string[] => exporterOf(what).columns,
    /** The rows of an export chunk by chunk. Validates (the family's error) before reading. */
    chunks,
    /** Every row in memory: for small exports and tests. */
    collect: async (db: Kysely<Database>, what: K, opts: FamilyExportOptions = {}): Promise<FamilyExportRow[]> => {
      const out: FamilyExportRow[] = [];
      for await (const chunk of chunks(db, what, opts)) out.push(...chunk);
      return out;
    },
    /** CSV for Excel through the one writer: a header of the column codes, then one row per record. */
    csvChunks,
    /** The bytes of an export in a format. Validates before reading. */
    bytes: (db: Kysely<Database>, what: K, format: ExportFormat, opts: FamilyExportOptions = {}): AsyncGenerator<Buffer> => {
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw fail(`format must be csv or json (got "${format}")`);
      const rows = chunks(db, what, opts);
      return format === 'csv' ? csvChunks(what, rows) : jsonLineChunks(rows);
    },
  };
}
