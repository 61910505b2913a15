// What may be exported, and the one check of an export request (kind, format, dates) that the CLI
// (src/cli/export-commands.ts), the admin API (src/admin/care-routes.ts) and the exporters themselves share, so a
// bad request is refused with the same words everywhere. Pure.
import { isIsoDate } from '../domain/dates.ts';

/** Care (issue 5): talks, visits and obligations, and the political-birthday greetings (issue 16) — src/care/export.ts. */
export const CARE_EXPORT_KINDS = ['talks', 'visits', 'obligations', 'greetings'] as const;
/** Assistance (issue 12): the hardship registry, relief, pairings — src/assistance/export.ts. */
export const ASSISTANCE_EXPORT_KINDS = ['hardship', 'relief', 'pairings'] as const;
/** Incentive (issue 13): evaluations, excellent members, commendations, 50-year certificates, the leadership review's totals — src/incentive/export.ts. */
export const INCENTIVE_EXPORT_KINDS = ['evaluations', 'excellent', 'commendations', 'certificates', 'leadership'] as const;
/** Members' voice (issue 14): announcements with their read counts, suggestions, delegates' proposals — src/voice/export.ts. */
export const VOICE_EXPORT_KINDS = ['announcements', 'suggestions', 'proposals'] as const;
export const EXPORT_KINDS = [...CARE_EXPORT_KINDS, ...ASSISTANCE_EXPORT_KINDS, ...INCENTIVE_EXPORT_KINDS, ...VOICE_EXPORT_KINDS] as const;

export type CareExportKind = (typeof CARE_EXPORT_KINDS)[number];
export type AssistanceExportKind = (typeof ASSISTANCE_EXPORT_KINDS)[number];
export type IncentiveExportKind = (typeof INCENTIVE_EXPORT_KINDS)[number];
export type VoiceExportKind = (typeof VOICE_EXPORT_KINDS)[number];
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const isCareExportKind = (what: string): what is CareExportKind => (CARE_EXPORT_KINDS as readonly string[]).includes(what);
export const isAssistanceExportKind = (what: string): what is AssistanceExportKind => (ASSISTANCE_EXPORT_KINDS as readonly string[]).includes(what);
export const isIncentiveExportKind = (what: string): what is IncentiveExportKind => (INCENTIVE_EXPORT_KINDS as readonly string[]).includes(what);
export const isVoiceExportKind = (what: string): what is VoiceExportKind => (VOICE_EXPORT_KINDS as readonly string[]).includes(what);

/**
 * The reason a kind/format/range is refused, or null. `kinds`: the kinds the caller serves (every kind for the
 * CLI and the admin API; its own for an exporter).
 */
export function checkExportRequest(
  r: { what?: unknown; format?: unknown; from?: unknown; to?: unknown; today?: unknown },
  kinds: readonly string[] = EXPORT_KINDS,
): string | null {
  if (r.what !== undefined && !(kinds as readonly unknown[]).includes(r.what)) {
    return `unknown export "${String(r.what)}": choose ${kinds.join(', ')}`;
  }
  if (r.format !== undefined && !(EXPORT_FORMATS as readonly unknown[]).includes(r.format)) {
    return `format must be ${EXPORT_FORMATS.join(' or ')} (got "${String(r.format)}")`;
  }
  for (const name of ['from', 'to', 'today'] as const) {
    const v = r[name];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !isIsoDate(v)) return `${name} must be a real date as YYYY-MM-DD (got "${String(v)}")`;
  }
  if (typeof r.from === 'string' && typeof r.to === 'string' && r.from > r.to) return `from (${r.from}) is after to (${r.to})`;
  return null;
}

export const EXPORT_CONTENT_TYPE: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/x-ndjson; charset=utf-8',
};

const familyOf = (what: ExportKind): string =>
  isCareExportKind(what) ? 'care' : isIncentiveExportKind(what) ? 'incentive' : isVoiceExportKind(what) ? 'voice' : 'assistance';

/** care-talks-2026-11-26.csv, assistance-relief-2026-11-26.jsonl, incentive-excellent-2027-01-05.csv, voice-suggestions-2027-03-01.csv. */
export const exportFileName = (what: ExportKind, format: ExportFormat, today: string) => `${familyOf(what)}-${what}-${today}.${format === 'csv' ? 'csv' : 'jsonl'}`;

/** The reason a branch filter (the dashboard's scope: organisation ids) is refused, or null. Undefined: no filter. */
export function checkBranchIds(branchIds: unknown): string | null {
  if (branchIds === undefined) return null;
  if (!Array.isArray(branchIds)) return 'branchIds must be a list of branch ids';
  const bad: unknown = (branchIds as unknown[]).find((id) => typeof id !== 'string' || !/^\d{1,18}$/.test(id));
  return bad === undefined ? null : `branchIds must be branch ids (digits), got ${JSON.stringify(bad)}`;
}
