// Export of talks, visits and obligations (issue 5 "Records and export"), for the CLI, the admin API and —
// later — a secretary asking in chat. People appear by chat account (userid) AND name, reasons and states by
// their canonical codes (MECHANISM.md "Canonical codes"), never by Chinese labels. Rows are read in chunks by
// keyset pagination on id, so a large export never holds more than one chunk in memory.
//
// Sensitive detail follows the access rule (src/domain/access.ts canSeeSensitive, applied by
// src/care/visibility.ts redactFor): without a viewer (the OD's own tools) rows are complete;
// with a viewer, rows about members they may not see sensitively get a sensitive reason replaced by
// 'restricted' and the note emptied.
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { CareKind, Database } from '../db/schema.ts';
import { localDate } from '../domain/dates.ts';
import { CARE_EXPORT_KINDS, checkExportRequest, EXPORT_CONTENT_TYPE, EXPORT_FORMATS, exportFileName, type CareExportKind, type ExportFormat } from '../export/request.ts';
import { csvRowChunks, isoAt, jsonLineChunks as jsonLines } from '../export/rows.ts';
import { viewerOf } from '../domain/access.ts';
import { loadAccessPerson } from '../roster/responsibility.ts';
import { OD_VIEWER, redactFor, type MemberPlace, type Viewer } from './visibility.ts';
import {
  CareExportRepository,
  GreetingExportRepository,
  loadGreetingRule,
  type CareRecordPageRow,
  type GreetingPageRow,
  type GreetingState,
  type ObligationPageRow,
  type PlaceColumns,
} from './export-repository.ts';

// The kinds, formats and the request check are shared with the assistance exports (src/export/request.ts).
export { CARE_EXPORT_KINDS, checkExportRequest, isoAt, type CareExportKind };
export type CareExportFormat = ExportFormat;
export const CARE_EXPORT_FORMATS: readonly CareExportFormat[] = EXPORT_FORMATS;

/** The canonical obligation states; 'overdue' is computed at export time (open and due before today). */
export type ObligationState = 'open' | 'done' | 'cancelled' | 'overdue';

export const DEFAULT_CHUNK_SIZE = 5_000;

export interface CareExportOptions {
  /** Inclusive; talks and visits by happened_on, obligations by due_on, greetings by birthday_on (default: 1 January of today's year). */
  from?: string | undefined;
  /** Inclusive (greetings: default today). */
  to?: string | undefined;
  /**
   * Only rows about members whose current branch (members.branch_id, the branch member_branch names) is one of
   * these: the dashboard's downloads of a scope. Undefined: every branch.
   */
  branchIds?: readonly string[] | undefined;
  /** Who is looking; default the OD (full detail). */
  viewer?: Viewer | undefined;
  /** The viewer's today in the organisation's time zone: an open obligation due before it is 'overdue'. */
  today?: string | undefined;
  /** The organisation's time zone, for `today`'s default and the offset of timestamps. Default Asia/Shanghai. */
  timeZone?: string | undefined;
  /** Rows per read (keyset page). */
  chunkSize?: number | undefined;
}

/**
 * A talk or a visit as exported: the repository's row without the place ids, times as ISO 8601 with the
 * organisation's offset (e.g. 2026-11-20T10:15:00+08:00). Empty values are null; ids are strings (bigint, exact).
 */
export type CareRecordExportRow = Omit<CareRecordPageRow, keyof PlaceColumns | 'recorded_at' | 'undone_at'> & {
  recorded_at: string;
  undone: boolean;
  undone_at: string | null;
};

/** An obligation as exported: the repository's row without the place ids, its state derived (overdue). */
export type ObligationExportRow = Omit<ObligationPageRow, keyof PlaceColumns | 'status' | 'closed_at'> & {
  state: ObligationState;
  closed_at: string | null;
};

/** A political-birthday greeting as exported (one per member and birthday in the range). */
export type GreetingExportRow = Omit<GreetingPageRow, keyof PlaceColumns | 'member_id' | 'year' | 'sent_at'> & {
  sent_at: string | null;
};

export type { GreetingState };

export type CareExportRow = CareRecordExportRow | ObligationExportRow | GreetingExportRow;

export const RECORD_COLUMNS: readonly (keyof CareRecordExportRow)[] = [
  'id',
  'happened_on',
  'leader_userid',
  'leader_name',
  'sent_by_userid',
  'sent_by_name',
  'member_userid',
  'member_name',
  'member_branch',
  'member_general_branch',
  'reason',
  'note',
  'obligation_id',
  'recorded_by_userid',
  'recorded_by_name',
  'recorded_at',
  'undone',
  'undone_at',
];

export const OBLIGATION_COLUMNS: readonly (keyof ObligationExportRow)[] = [
  'id',
  'kind',
  'member_userid',
  'member_name',
  'member_branch',
  'member_general_branch',
  'owner_userid',
  'owner_name',
  'owner_organisation',
  'owner_role',
  'reason',
  'source',
  'period',
  'due_on',
  'state',
  'closed_at',
  'record_id',
  'cancelled_reason',
];

export const GREETING_COLUMNS: readonly (keyof GreetingExportRow)[] = [
  'member_userid',
  'member_name',
  'member_branch',
  'member_general_branch',
  'birthday_on',
  'party_years',
  'state',
  'sent_at',
];

export function columnsOf(what: CareExportKind): readonly string[] {
  return what === 'obligations' ? OBLIGATION_COLUMNS : what === 'greetings' ? GREETING_COLUMNS : RECORD_COLUMNS;
}

export class CareExportError extends Error {}

const placeOf = (r: PlaceColumns): MemberPlace => ({
  memberId: r.member_place_id,
  branchId: r.branch_id,
  generalBranchId: r.general_branch_id,
  committeeId: r.committee_id,
});

function normalise(what: CareExportKind, opts: CareExportOptions) {
  const problem = checkExportRequest({ what, from: opts.from, to: opts.to, today: opts.today }, CARE_EXPORT_KINDS);
  if (problem) throw new CareExportError(problem);
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new CareExportError(`chunkSize must be a positive integer (got ${chunkSize})`);
  const timeZone = opts.timeZone ?? 'Asia/Shanghai';
  return { viewer: opts.viewer ?? OD_VIEWER, timeZone, today: opts.today ?? localDate(new Date(), timeZone), chunkSize };
}

async function* records(db: Kysely<Database>, kind: CareKind, opts: CareExportOptions): AsyncGenerator<CareRecordExportRow[]> {
  const { viewer, timeZone, chunkSize } = normalise(kind === 'talk' ? 'talks' : 'visits', opts);
  const repo = new CareExportRepository(db);
  let after = '0';
  for (;;) {
    const rows = await repo.recordPage(kind, opts, after, chunkSize);
    if (rows.length === 0) return;
    yield rows.map((r) => {
      const { reason, note } = redactFor(viewer, placeOf(r), r.reason, r.note);
      return {
        id: r.id,
        happened_on: r.happened_on,
        leader_userid: r.leader_userid,
        leader_name: r.leader_name,
        sent_by_userid: r.sent_by_userid,
        sent_by_name: r.sent_by_name,
        member_userid: r.member_userid,
        member_name: r.member_name,
        member_branch: r.member_branch,
        member_general_branch: r.member_general_branch,
        reason,
        note,
        obligation_id: r.obligation_id,
        recorded_by_userid: r.recorded_by_userid,
        recorded_by_name: r.recorded_by_name,
        recorded_at: isoAt(r.recorded_at, timeZone)!,
        undone: r.undone_at !== null,
        undone_at: isoAt(r.undone_at, timeZone),
      };
    });
    if (rows.length < chunkSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

async function* obligations(db: Kysely<Database>, opts: CareExportOptions): AsyncGenerator<ObligationExportRow[]> {
  const { viewer, timeZone, today, chunkSize } = normalise('obligations', opts);
  const repo = new CareExportRepository(db);
  let after = '0';
  for (;;) {
    const rows = await repo.obligationPage(opts, after, chunkSize);
    if (rows.length === 0) return;
    yield rows.map((r) => {
      const { reason } = redactFor(viewer, placeOf(r), r.reason, '');
      return {
        id: r.id,
        kind: r.kind,
        member_userid: r.member_userid,
        member_name: r.member_name,
        member_branch: r.member_branch,
        member_general_branch: r.member_general_branch,
        owner_userid: r.owner_userid,
        owner_name: r.owner_name,
        owner_organisation: r.owner_organisation,
        owner_role: r.owner_role,
        reason,
        source: r.source,
        period: r.period,
        due_on: r.due_on,
        state: obligationState(r.status, r.due_on, today),
        closed_at: isoAt(r.closed_at, timeZone),
        record_id: r.record_id,
        cancelled_reason: r.cancelled_reason,
      };
    });
    if (rows.length < chunkSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

async function* greetings(db: Kysely<Database>, opts: CareExportOptions): AsyncGenerator<GreetingExportRow[]> {
  const { timeZone, today, chunkSize } = normalise('greetings', opts);
  const { from, to } = greetingRange(opts.from, opts.to, today);
  // The settings the sweep greets by: which date is the political birthday, and where 29 February falls.
  const rule = await loadGreetingRule(db);
  const repo = new GreetingExportRepository(db);
  let after: { memberId: string; year: number } | undefined;
  for (;;) {
    const rows = await repo.greetingPage(rule, { from, to, branchIds: opts.branchIds, after }, chunkSize);
    if (rows.length === 0) return;
    // Nothing in a greeting row is sensitive (a name, a branch, a date, a delivery's state): no redaction.
    yield rows.map((r) => ({
      member_userid: r.member_userid,
      member_name: r.member_name,
      member_branch: r.member_branch,
      member_general_branch: r.member_general_branch,
      birthday_on: r.birthday_on,
      party_years: r.party_years,
      state: r.state,
      sent_at: isoAt(r.sent_at, timeZone),
    }));
    if (rows.length < chunkSize) return;
    const last = rows[rows.length - 1]!;
    after = { memberId: last.member_id, year: last.year };
  }
}

/**
 * The greetings export's range: from/to as given, by default the year to date (1 January of today's year to
 * today). A `from` alone runs to today — or to itself's year end when it is after today.
 */
export function greetingRange(from: string | undefined, to: string | undefined, today: string): { from: string; to: string } {
  const start = from ?? (to !== undefined && to < `${today.slice(0, 4)}-01-01` ? `${to.slice(0, 4)}-01-01` : `${today.slice(0, 4)}-01-01`);
  const end = to ?? (start > today ? `${start.slice(0, 4)}-12-31` : today);
  return { from: start, to: end };
}

/** Stored status → canonical state: an open obligation due before `today` is overdue (due today is not). */
export function obligationState(status: 'open' | 'done' | 'cancelled', dueOn: string, today: string): ObligationState {
  return status === 'open' && dueOn < today ? 'overdue' : status;
}

/**
 * The rows of an export, one chunk (keyset page of `chunkSize` rows, in id order) at a time. Validates the
 * options first and throws CareExportError on a bad kind or date range.
 */
export function exportCareChunks(db: Kysely<Database>, what: 'talks' | 'visits', opts?: CareExportOptions): AsyncGenerator<CareRecordExportRow[]>;
export function exportCareChunks(db: Kysely<Database>, what: 'obligations', opts?: CareExportOptions): AsyncGenerator<ObligationExportRow[]>;
export function exportCareChunks(db: Kysely<Database>, what: 'greetings', opts?: CareExportOptions): AsyncGenerator<GreetingExportRow[]>;
export function exportCareChunks(db: Kysely<Database>, what: CareExportKind, opts?: CareExportOptions): AsyncGenerator<CareExportRow[]>;
export function exportCareChunks(db: Kysely<Database>, what: CareExportKind, opts: CareExportOptions = {}): AsyncGenerator<CareExportRow[]> {
  // Validate eagerly (a generator body would only run on the first read).
  normalise(what, opts);
  if (what === 'obligations') return obligations(db, opts);
  if (what === 'greetings') return greetings(db, opts);
  return records(db, what === 'talks' ? 'talk' : 'visit', opts);
}

/** The rows of an export, streamed one by one (read in chunks underneath). */
export function exportCare(db: Kysely<Database>, what: 'talks' | 'visits', opts?: CareExportOptions): AsyncGenerator<CareRecordExportRow>;
export function exportCare(db: Kysely<Database>, what: 'obligations', opts?: CareExportOptions): AsyncGenerator<ObligationExportRow>;
export function exportCare(db: Kysely<Database>, what: 'greetings', opts?: CareExportOptions): AsyncGenerator<GreetingExportRow>;
export function exportCare(db: Kysely<Database>, what: CareExportKind, opts?: CareExportOptions): AsyncGenerator<CareExportRow>;
export function exportCare(db: Kysely<Database>, what: CareExportKind, opts: CareExportOptions = {}): AsyncGenerator<CareExportRow> {
  const chunks = exportCareChunks(db, what, opts);
  return (async function* () {
    for await (const chunk of chunks) yield* chunk;
  })();
}

/** Every row in memory: for small exports and tests. */
export async function collectCare(db: Kysely<Database>, what: CareExportKind, opts: CareExportOptions = {}): Promise<CareExportRow[]> {
  const out: CareExportRow[] = [];
  for await (const chunk of exportCareChunks(db, what, opts)) out.push(...chunk);
  return out;
}

// ---- writers (the shared ones of src/export/rows.ts, with this kind's columns) ----

/** CSV as Excel opens it (BOM, CRLF, formula neutralisation): a header of the column codes, then one row per record; undone is true/false. */
export const csvChunks = (what: CareExportKind, chunks: AsyncIterable<readonly CareExportRow[]>): AsyncGenerator<Buffer> => csvRowChunks(columnsOf(what), chunks);

/** JSON lines: one JSON object per line (keys = the column codes, null for empty), LF-terminated, no BOM. */
export const jsonLineChunks = (chunks: AsyncIterable<readonly CareExportRow[]>): AsyncGenerator<Buffer> => jsonLines(chunks);

/** The bytes of an export in a format, as chunks to write or stream. Validates (CareExportError) before reading. */
export function careExportBytes(db: Kysely<Database>, what: CareExportKind, format: CareExportFormat, opts: CareExportOptions = {}): AsyncGenerator<Buffer> {
  if (!(CARE_EXPORT_FORMATS as readonly string[]).includes(format)) throw new CareExportError(`format must be csv or json (got "${format}")`);
  const chunks = exportCareChunks(db, what, opts);
  return format === 'csv' ? csvChunks(what, chunks) : jsonLineChunks(chunks);
}

/** The same as a Node stream (the admin API sends it as the response body). */
export function careExportStream(db: Kysely<Database>, what: CareExportKind, format: CareExportFormat, opts: CareExportOptions = {}): Readable {
  return Readable.from(careExportBytes(db, what, format, opts), { objectMode: false });
}

export const CARE_EXPORT_CONTENT_TYPE = EXPORT_CONTENT_TYPE;

export const careExportFileName = (what: CareExportKind, format: CareExportFormat, today: string) => exportFileName(what, format, today);

// ---- viewers from the database ----

/** The viewer for a member (by id): the roles they hold, for the access rule. undefined if no such member. */
export async function viewerForMember(db: Kysely<Database>, memberId: string): Promise<Viewer | undefined> {
  const person = await loadAccessPerson(db, memberId);
  return person ? viewerOf(person) : undefined;
}
