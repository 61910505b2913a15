// Every export the OD's tools serve — care (talks, visits, obligations: src/care/export.ts) and assistance
// (hardship, relief, pairings: src/assistance/export.ts) incentive (src/incentive/export.ts) and members' voice (src/voice/export.ts) — behind one entry, so the CLI (`export <what>`) and the
// admin API (GET /admin/export/:what) dispatch the same way after the one request check (request.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Viewer } from '../domain/access.ts';
import { assistanceCsvChunks, exportAssistanceChunks, type AssistanceExportRow } from '../assistance/export.ts';
import { csvChunks, exportCareChunks, type CareExportRow } from '../care/export.ts';
import { exportIncentiveChunks, incentiveCsvChunks, type IncentiveExportRow } from '../incentive/export.ts';
import { exportVoiceChunks, voiceCsvChunks, type VoiceExportRow } from '../voice/export.ts';
import { isCareExportKind, isIncentiveExportKind, isVoiceExportKind, type ExportFormat, type ExportKind } from './request.ts';
import { jsonLineChunks } from './rows.ts';

/** Incentive and voice rows are both the family's flat records (export/family.ts). */
export type ExportRow = CareExportRow | AssistanceExportRow | IncentiveExportRow;

export interface ExportOptions {
  /** Inclusive; what the day of a row is depends on the kind (README "Exporting …"). */
  from?: string | undefined;
  to?: string | undefined;
  /** Care obligations: an open obligation due before it is 'overdue'. */
  today?: string | undefined;
  /** Who is looking; default the OD (full detail). */
  viewer?: Viewer | undefined;
  timeZone?: string | undefined;
  chunkSize?: number | undefined;
}

/** The rows of any export, chunk by chunk. Throws (CareExportError, AssistanceExportError) on bad options before reading. */
export function exportChunks(db: Kysely<Database>, what: ExportKind, opts: ExportOptions = {}): AsyncGenerator<readonly ExportRow[]> {
  if (isCareExportKind(what)) return exportCareChunks(db, what, opts);
  if (isIncentiveExportKind(what)) return exportIncentiveChunks(db, what, opts);
  if (isVoiceExportKind(what)) return exportVoiceChunks(db, what, opts);
  return exportAssistanceChunks(db, what, opts);
}

/** The rows as bytes: CSV with this kind's columns (the one writer: BOM, CRLF, formula neutralisation), or JSON lines. */
export function exportBytes(what: ExportKind, format: ExportFormat, chunks: AsyncIterable<readonly ExportRow[]>): AsyncGenerator<Buffer> {
  if (format === 'json') return jsonLineChunks(chunks);
  if (isIncentiveExportKind(what)) return incentiveCsvChunks(what, chunks as AsyncIterable<readonly IncentiveExportRow[]>);
  if (isVoiceExportKind(what)) return voiceCsvChunks(what, chunks as AsyncIterable<readonly VoiceExportRow[]>);
  return isCareExportKind(what)
    ? csvChunks(what, chunks as AsyncIterable<readonly CareExportRow[]>)
    : assistanceCsvChunks(what, chunks as AsyncIterable<readonly AssistanceExportRow[]>);
}
