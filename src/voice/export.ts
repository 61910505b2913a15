// Export of members'-voice data (issue 14 section 4): announcements (audience and read counts per branch),
// suggestions and delegates' proposals (addressee, dates, state and reply; the names of anonymous writers only in
// the OD's export) — for the CLI and the admin API, written like the other exports: people by chat account AND
// name, GB and branch, codes from MECHANISM "Canonical codes", instants as ISO 8601 at the organisation's offset
// (rows.ts isoAt), read in keyset chunks, written by the one CSV writer or as JSON lines.
//
// Each kind is one exporter in a file of its own, registered below; who sees which row is the access rule's
// (src/domain/access.ts), applied inside each exporter.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { exportFamily, type FamilyExporter, type FamilyExportOptions, type FamilyExportRow } from '../export/family.ts';
import { VOICE_EXPORT_KINDS, type ExportFormat, type VoiceExportKind } from '../export/request.ts';
import { suggestionsExporter } from './suggestions-export.ts';
import { proposalsExporter } from './proposals-export.ts';
import { announcementsExporter } from './announcements-export.ts';

export { VOICE_EXPORT_KINDS, type VoiceExportKind };
export type VoiceExportRow = FamilyExportRow;
export type VoiceExportOptions = FamilyExportOptions;

export class VoiceExportError extends Error {}

/** The exporter of each kind (a kind not yet registered is refused, never answered with nothing). */
const EXPORTERS: Partial<Record<VoiceExportKind, FamilyExporter>> = {
  suggestions: suggestionsExporter,
  proposals: proposalsExporter,
  announcements: announcementsExporter,
};

const family = exportFamily(VOICE_EXPORT_KINDS, EXPORTERS, (message) => new VoiceExportError(message));

export const voiceColumnsOf = family.columnsOf;
export const exportVoiceChunks = family.chunks;
export const collectVoice = family.collect;
export const voiceCsvChunks = family.csvChunks;
export const voiceExportBytes: (db: Kysely<Database>, what: VoiceExportKind, format: ExportFormat, opts?: VoiceExportOptions) => AsyncGenerator<Buffer> = family.bytes;
