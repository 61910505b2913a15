// The types every incentive exporter shares with the family (./export.ts registers the exporters): kept apart so
// an exporter imports them without importing the registry that imports it (no dependency cycle). Types only.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Viewer } from '../domain/access.ts';
import type { CsvCellOf } from '../export/rows.ts';

/** The options as an exporter reads them: checked, with the defaults filled in. */
export interface IncentiveExportSettings {
  from: string | undefined;
  to: string | undefined;
  today: string | undefined;
  viewer: Viewer;
  timeZone: string;
  chunkSize: number;
}

/** A row of any incentive export: a flat record whose keys are the kind's columns. */
export type IncentiveExportRow = Readonly<Record<string, unknown>>;

/** One kind: its columns in order, its CSV cells and its rows chunk by chunk. */
export interface IncentiveExporter {
  columns: readonly string[];
  csvCell?: CsvCellOf;
  chunks(db: Kysely<Database>, settings: IncentiveExportSettings): AsyncGenerator<IncentiveExportRow[]>;
}
