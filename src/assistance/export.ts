// Export of assistance data (issue 12 section 6): the hardship registry, relief (fixed monthly subsidies and
// emergency aid, with their payments) and pairings — for the CLI and the admin API (the OD's tools) and, later,
// a secretary asking in chat. Written exactly like the care exports (src/care/export.ts): people by chat account
// AND name (an empty account for a member without one), states, causes and kinds by their canonical codes
// (MECHANISM.md "Canonical codes"), instants as ISO 8601 at the organisation's offset, money as an exact decimal
// string of yuan (yuanString: 30050 fen → "300.50", never a float), read in keyset chunks so a large export
// never holds more than one chunk in memory, written by the one CSV writer (BOM, CRLF, formula neutralisation)
// or as JSON lines.
//
// --from/--to (inclusive) filter by the day a row began: a registry entry by the day it was applied for
// (applied_at, in the organisation's time zone), a subsidy by the 1st of its start month, an emergency aid by
// its application day (applied_on), a pairing by started_on.
//
// Who sees which row is the access rule's (src/domain/access.ts): without a viewer (the OD's own tools) every
// row; with a member as viewer only the rows about members whose data they may see — the registry by
// canSeeSensitive, relief by canSeeReliefAmounts, pairings by canSeeHardshipCauses, where a helper counts as
// paired for the members they help in a live pairing and always sees their own pairings (ended ones too).
// Rows are left out whole, not redacted: every column of these exports is sensitive.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
  actsAsHelper,
  canSeeHardshipCauses,
  canSeeReliefAmounts,
  canSeeSensitive,
  helperOrganisationsOf,
  OD_VIEWER,
  type MemberPlace,
  type Viewer,
} from '../domain/access.ts';
import {
  pairingMode,
  yuanString,
  type EmergencyAidCause,
  type HardshipCause,
  type HardshipState,
  type PairingMode,
  type ReliefKind,
} from '../domain/assistance.ts';
import { localDate, localDayRange } from '../domain/dates.ts';
import { ASSISTANCE_EXPORT_KINDS, checkBranchIds, checkExportRequest, EXPORT_FORMATS, type AssistanceExportKind, type ExportFormat } from '../export/request.ts';
import { csvRowChunks, isoAt, jsonLineChunks, keysetPages, plainCsvCell, type CsvCellOf } from '../export/rows.ts';
import { AssistanceExportRepository, type AidPageRow, type PlaceColumns, type SubsidyPageRow, type SubsidyPaymentRow } from './export-repository.ts';

export { ASSISTANCE_EXPORT_KINDS, type AssistanceExportKind };

export const DEFAULT_CHUNK_SIZE = 5_000;

export interface AssistanceExportOptions {
  /** Inclusive: the day a row began (see the header). */
  from?: string | undefined;
  /** Inclusive. */
  to?: string | undefined;
  /** Who is looking; default the OD (every row). */
  viewer?: Viewer | undefined;
  /** The organisation's time zone: the days of `from`/`to` for applied_at, and the offset of timestamps. Default Asia/Shanghai. */
  timeZone?: string | undefined;
  /** Rows per read (keyset page). */
  chunkSize?: number | undefined;
  /**
   * Only rows about members now in these branches (the dashboard's download of a scope; the same branch rule as
   * its figures). Undefined: every branch.
   */
  branchIds?: readonly string[] | undefined;
}

export class AssistanceExportError extends Error {}

// ---- rows ----

/** A registry entry (生活困难党员信息库) with who applied, consented, decided and archived, by account and name. */
export interface HardshipExportRow {
  id: string;
  member: string | null;
  member_name: string;
  general_branch: string;
  branch: string;
  /** Canonical cause codes; in CSV joined with ';'. */
  causes: HardshipCause[];
  state: HardshipState;
  /** self (个人自愿申报) or branch (党支部推荐). */
  source: 'self' | 'branch';
  /** The application's own words. */
  note: string;
  applied_at: string;
  applied_by: string | null;
  applied_by_name: string | null;
  /** The member who tapped 同意, or the secretary who attested the consent of a member without a chat account. */
  consent_by: string | null;
  consent_by_name: string | null;
  /** true: consent_by attested the member's consent (a member without a chat account). */
  consent_attested: boolean;
  consent_at: string | null;
  decided_at: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  /** Why it was not approved (the GB's reason, or the member declining a recommendation). */
  reason: string;
  archived_at: string | null;
  archived_by: string | null;
  archived_by_name: string | null;
  archive_reason: string;
  /**
   * The latest May/November verification round (YYYY-05 / YYYY-11) in which the entry was confirmed or added by a
   * GB report that was submitted; null if never. The dashboard's 本轮已核实 counts approved rows whose value is the
   * current round.
   */
  verified_in: string | null;
}

/** A payment of relief: a subsidy's month, or an emergency aid's one payment (month = the month it was paid). */
export interface ReliefPayment {
  month: string;
  amount_yuan: string;
  paid_at: string;
  recorded_by: string | null;
  recorded_by_name: string | null;
}

/** One relief: a fixed monthly subsidy (定额补助) or an emergency aid (突发困难补助). Empty where the kind has no such field. */
export interface ReliefExportRow {
  id: string;
  kind: ReliefKind;
  member: string | null;
  member_name: string;
  general_branch: string;
  branch: string;
  /** Subsidy: proposed, active, ended, withdrawn. Aid: awaiting_consent, applied, gb_reviewed, approved, rejected, paid, withdrawn. */
  state: string;
  /** Subsidy: the monthly amount. */
  amount_yuan: string | null;
  start_month: string | null;
  end_month: string | null;
  months: number | null;
  /** Aid: the amount asked, and the amount the OD approved. */
  requested_yuan: string | null;
  approved_yuan: string | null;
  /** What has been paid so far (the sum of `payments`). */
  paid_yuan: string;
  cause: EmergencyAidCause | null;
  note: string | null;
  source: 'self' | 'branch' | null;
  /** Subsidy: when the OD wrote it. Aid: when it was applied for. */
  applied_at: string;
  applied_by: string | null;
  applied_by_name: string | null;
  /** Aid: the GB's opinion (agree / disagree) with its line. */
  gb_opinion: 'agree' | 'disagree' | null;
  gb_note: string | null;
  gb_by: string | null;
  gb_by_name: string | null;
  gb_at: string | null;
  /** Subsidy: the OD's confirmation of the good record (一贯表现良好). Aid: the OD's decision. */
  decided_at: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decision_note: string | null;
  /** Aid: the last day for the payment. */
  pay_by: string | null;
  ended_at: string | null;
  ended_reason: string | null;
  /** Subsidy: the subsidy this one renews. */
  renewed_from: string | null;
  /** In CSV: month@paid_at@recorded_by (the account, or the name without one), joined with ';'. */
  payments: ReliefPayment[];
}

/** A pairing (结对帮扶): a helper — a member or an organisation — and the member helped. */
export interface PairingExportRow {
  id: string;
  /** The helping member's account, or the helping organisation's name. */
  helper: string | null;
  helper_name: string;
  helper_kind: 'member' | 'organisation';
  helper_general_branch: string | null;
  member: string | null;
  member_name: string;
  general_branch: string;
  branch: string;
  /** one_to_one or many_to_one: from the helpers live alongside (now, or on the pairing's last day). */
  mode: PairingMode;
  started_on: string;
  ended_on: string | null;
  ended_reason: string | null;
  /** The last talk or visit the helper (an organisation: any of its secretaries) made with the member during the pairing. */
  last_contact_on: string | null;
  created_by: string | null;
  created_by_name: string | null;
}

export type AssistanceExportRow = HardshipExportRow | ReliefExportRow | PairingExportRow;

export const HARDSHIP_COLUMNS: readonly (keyof HardshipExportRow)[] = [
  'id',
  'member',
  'member_name',
  'general_branch',
  'branch',
  'causes',
  'state',
  'source',
  'note',
  'applied_at',
  'applied_by',
  'applied_by_name',
  'consent_by',
  'consent_by_name',
  'consent_attested',
  'consent_at',
  'decided_at',
  'decided_by',
  'decided_by_name',
  'reason',
  'archived_at',
  'archived_by',
  'archived_by_name',
  'archive_reason',
  'verified_in',
];

export const RELIEF_COLUMNS: readonly (keyof ReliefExportRow)[] = [
  'id',
  'kind',
  'member',
  'member_name',
  'general_branch',
  'branch',
  'state',
  'amount_yuan',
  'start_month',
  'end_month',
  'months',
  'requested_yuan',
  'approved_yuan',
  'paid_yuan',
  'cause',
  'note',
  'source',
  'applied_at',
  'applied_by',
  'applied_by_name',
  'gb_opinion',
  'gb_note',
  'gb_by',
  'gb_by_name',
  'gb_at',
  'decided_at',
  'decided_by',
  'decided_by_name',
  'decision_note',
  'pay_by',
  'ended_at',
  'ended_reason',
  'renewed_from',
  'payments',
];

export const PAIRING_COLUMNS: readonly (keyof PairingExportRow)[] = [
  'id',
  'helper',
  'helper_name',
  'helper_kind',
  'helper_general_branch',
  'member',
  'member_name',
  'general_branch',
  'branch',
  'mode',
  'started_on',
  'ended_on',
  'ended_reason',
  'last_contact_on',
  'created_by',
  'created_by_name',
];

export function assistanceColumnsOf(what: AssistanceExportKind): readonly string[] {
  return what === 'hardship' ? HARDSHIP_COLUMNS : what === 'relief' ? RELIEF_COLUMNS : PAIRING_COLUMNS;
}

/** Months from `start` to `end` ('YYYY-MM'), both included: 2027-01..2027-12 → 12. */
export function monthsInclusive(start: string, end: string): number {
  const [ys, ms] = start.split('-').map(Number) as [number, number];
  const [ye, me] = end.split('-').map(Number) as [number, number];
  return (ye - ys) * 12 + (me - ms) + 1;
}

// ---- reading ----

const placeOf = (r: PlaceColumns): MemberPlace => ({
  memberId: r.member_place_id,
  branchId: r.branch_id,
  generalBranchId: r.general_branch_id,
  committeeId: r.committee_id,
});

function normalise(what: AssistanceExportKind, opts: AssistanceExportOptions) {
  const problem = checkExportRequest({ what, from: opts.from, to: opts.to }, ASSISTANCE_EXPORT_KINDS);
  if (problem) throw new AssistanceExportError(problem);
  const branchProblem = checkBranchIds(opts.branchIds);
  if (branchProblem) throw new AssistanceExportError(branchProblem);
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new AssistanceExportError(`chunkSize must be a positive integer (got ${chunkSize})`);
  return { viewer: opts.viewer ?? OD_VIEWER, timeZone: opts.timeZone ?? 'Asia/Shanghai', chunkSize };
}

async function* hardship(db: Kysely<Database>, opts: AssistanceExportOptions): AsyncGenerator<HardshipExportRow[]> {
  const { viewer, timeZone, chunkSize } = normalise('hardship', opts);
  const repo = new AssistanceExportRepository(db);
  const range = { ...localDayRange(opts.from, opts.to, timeZone), branchIds: opts.branchIds };
  for await (const rows of keysetPages((after) => repo.hardshipPage(range, after, chunkSize), chunkSize)) {
    yield rows
      .filter((r) => canSeeSensitive(viewer, placeOf(r)))
      .map((r) => ({
        id: r.id,
        member: r.member,
        member_name: r.member_name,
        general_branch: r.general_branch,
        branch: r.branch,
        causes: [...r.causes],
        state: r.state,
        source: r.source,
        note: r.note,
        applied_at: isoAt(r.applied_at, timeZone)!,
        applied_by: r.applied_by,
        applied_by_name: r.applied_by_name,
        consent_by: r.consent_by,
        consent_by_name: r.consent_by_name,
        consent_attested: r.consent_attested,
        consent_at: isoAt(r.consent_at, timeZone),
        decided_at: isoAt(r.decided_at, timeZone),
        decided_by: r.decided_by,
        decided_by_name: r.decided_by_name,
        reason: r.reason,
        archived_at: isoAt(r.archived_at, timeZone),
        archived_by: r.archived_by,
        archived_by_name: r.archived_by_name,
        archive_reason: r.archive_reason,
        verified_in: r.verified_in,
      }));
  }
}

const sumYuan = (payments: readonly { amount_fen: number }[]) => yuanString(payments.reduce((s, p) => s + p.amount_fen, 0));

function subsidyRow(r: SubsidyPageRow, paid: SubsidyPaymentRow[], timeZone: string): ReliefExportRow {
  return {
    id: r.id,
    kind: 'monthly_subsidy',
    member: r.member,
    member_name: r.member_name,
    general_branch: r.general_branch,
    branch: r.branch,
    state: r.state,
    amount_yuan: yuanString(r.amount_fen),
    start_month: r.start_month,
    end_month: r.end_month,
    months: monthsInclusive(r.start_month, r.end_month),
    requested_yuan: null,
    approved_yuan: null,
    paid_yuan: sumYuan(paid),
    cause: null,
    note: null,
    source: null,
    applied_at: isoAt(r.created_at, timeZone)!,
    applied_by: r.created_by,
    applied_by_name: r.created_by_name,
    gb_opinion: null,
    gb_note: null,
    gb_by: null,
    gb_by_name: null,
    gb_at: null,
    decided_at: isoAt(r.confirmed_at, timeZone),
    decided_by: r.confirmed_by,
    decided_by_name: r.confirmed_by_name,
    decision_note: null,
    pay_by: null,
    ended_at: isoAt(r.ended_at, timeZone),
    ended_reason: r.ended_reason,
    renewed_from: r.renewed_from,
    payments: paid.map((p) => ({
      month: p.month,
      amount_yuan: yuanString(p.amount_fen),
      paid_at: isoAt(p.paid_at, timeZone)!,
      recorded_by: p.recorded_by,
      recorded_by_name: p.recorded_by_name,
    })),
  };
}

function aidRow(r: AidPageRow, timeZone: string): ReliefExportRow {
  const payment: ReliefPayment[] =
    r.paid_at === null
      ? []
      : [
          {
            month: localDate(r.paid_at, timeZone).slice(0, 7),
            // A paid aid was approved; the request stands in for a record written before the decision was kept.
            amount_yuan: yuanString(r.approved_fen ?? r.requested_fen),
            paid_at: isoAt(r.paid_at, timeZone)!,
            recorded_by: r.paid_by,
            recorded_by_name: r.paid_by_name,
          },
        ];
  return {
    id: r.id,
    kind: 'emergency_aid',
    member: r.member,
    member_name: r.member_name,
    general_branch: r.general_branch,
    branch: r.branch,
    state: r.state,
    amount_yuan: null,
    start_month: null,
    end_month: null,
    months: null,
    requested_yuan: yuanString(r.requested_fen),
    approved_yuan: r.approved_fen === null ? null : yuanString(r.approved_fen),
    paid_yuan: payment[0]?.amount_yuan ?? yuanString(0),
    cause: r.cause,
    note: r.note,
    source: r.source,
    applied_at: isoAt(r.applied_at, timeZone)!,
    applied_by: r.applied_by,
    applied_by_name: r.applied_by_name,
    gb_opinion: r.gb_agrees === null ? null : r.gb_agrees ? 'agree' : 'disagree',
    gb_note: r.gb_note,
    gb_by: r.gb_by,
    gb_by_name: r.gb_by_name,
    gb_at: isoAt(r.gb_at, timeZone),
    decided_at: isoAt(r.od_at, timeZone),
    decided_by: r.od_by,
    decided_by_name: r.od_by_name,
    decision_note: r.od_note,
    pay_by: r.pay_by,
    ended_at: null,
    ended_reason: null,
    renewed_from: null,
    payments: payment,
  };
}

/** Subsidies (in id order), then emergency aids (in id order). */
async function* relief(db: Kysely<Database>, opts: AssistanceExportOptions): AsyncGenerator<ReliefExportRow[]> {
  const { viewer, timeZone, chunkSize } = normalise('relief', opts);
  const repo = new AssistanceExportRepository(db);
  const range = { from: opts.from, to: opts.to, branchIds: opts.branchIds };
  for await (const rows of keysetPages((after) => repo.subsidyPage(range, after, chunkSize), chunkSize)) {
    const visible = rows.filter((r) => canSeeReliefAmounts(viewer, placeOf(r)));
    const payments = new Map<string, SubsidyPaymentRow[]>();
    for (const p of await repo.paymentsOf(visible.map((r) => r.id))) {
      const list = payments.get(p.subsidy_id) ?? [];
      list.push(p);
      payments.set(p.subsidy_id, list);
    }
    yield visible.map((r) => subsidyRow(r, payments.get(r.id) ?? [], timeZone));
  }
  for await (const rows of keysetPages((after) => repo.aidPage(range, after, chunkSize), chunkSize)) {
    yield rows.filter((r) => canSeeReliefAmounts(viewer, placeOf(r))).map((r) => aidRow(r, timeZone));
  }
}

async function* pairings(db: Kysely<Database>, opts: AssistanceExportOptions): AsyncGenerator<PairingExportRow[]> {
  const { viewer, chunkSize } = normalise('pairings', opts);
  const repo = new AssistanceExportRepository(db);
  // The members the viewer helps now: a live helper sees the member's pairings (its fellow helpers' too).
  const helped = new Set(viewer.kind === 'member' ? await repo.liveHelpedMembers(viewer.memberId, helperOrganisationsOf(viewer)) : []);
  const range = { from: opts.from, to: opts.to, branchIds: opts.branchIds };
  for await (const rows of keysetPages((after) => repo.pairingPage(range, after, chunkSize), chunkSize)) {
    yield rows
      .filter((r) => {
        const ownPairing = actsAsHelper(viewer, { memberId: r.helper_member_id, organisationId: r.helper_organisation_id });
        return canSeeHardshipCauses(viewer, placeOf(r), ownPairing || helped.has(r.member_place_id));
      })
      .map((r) => ({
        id: r.id,
        helper: r.helper,
        helper_name: r.helper_name,
        helper_kind: r.helper_kind,
        helper_general_branch: r.helper_general_branch,
        member: r.member,
        member_name: r.member_name,
        general_branch: r.general_branch,
        branch: r.branch,
        mode: pairingMode(r.helpers),
        started_on: r.started_on,
        ended_on: r.ended_on,
        ended_reason: r.ended_reason,
        last_contact_on: r.last_contact_on,
        created_by: r.created_by,
        created_by_name: r.created_by_name,
      }));
  }
}

/**
 * The rows of an export, one chunk (keyset page of `chunkSize` rows read, fewer after the viewer's filter) at a
 * time. Validates the options first and throws AssistanceExportError on a bad kind or date range.
 */
export function exportAssistanceChunks(db: Kysely<Database>, what: 'hardship', opts?: AssistanceExportOptions): AsyncGenerator<HardshipExportRow[]>;
export function exportAssistanceChunks(db: Kysely<Database>, what: 'relief', opts?: AssistanceExportOptions): AsyncGenerator<ReliefExportRow[]>;
export function exportAssistanceChunks(db: Kysely<Database>, what: 'pairings', opts?: AssistanceExportOptions): AsyncGenerator<PairingExportRow[]>;
export function exportAssistanceChunks(db: Kysely<Database>, what: AssistanceExportKind, opts?: AssistanceExportOptions): AsyncGenerator<AssistanceExportRow[]>;
export function exportAssistanceChunks(db: Kysely<Database>, what: AssistanceExportKind, opts: AssistanceExportOptions = {}): AsyncGenerator<AssistanceExportRow[]> {
  // Validate eagerly (a generator body would only run on the first read).
  normalise(what, opts);
  if (what === 'hardship') return hardship(db, opts);
  if (what === 'relief') return relief(db, opts);
  return pairings(db, opts);
}

/** Every row in memory: for small exports and tests. */
export async function collectAssistance(db: Kysely<Database>, what: AssistanceExportKind, opts: AssistanceExportOptions = {}): Promise<AssistanceExportRow[]> {
  const out: AssistanceExportRow[] = [];
  for await (const chunk of exportAssistanceChunks(db, what, opts)) out.push(...chunk);
  return out;
}

// ---- writers ----

/** A payment in one CSV cell: month@paid_at@recorded_by (the account, or the name of a recorder without one). */
const paymentCell = (p: ReliefPayment) => `${p.month}@${p.paid_at}@${p.recorded_by ?? p.recorded_by_name ?? ''}`;

/** CSV cells: causes joined with ';', payments as month@paid_at@recorded_by joined with ';', the rest as text. */
export const assistanceCsvCell: CsvCellOf = (column, v) => {
  if (column === 'payments') return (v as ReliefPayment[]).map(paymentCell).join(';');
  if (Array.isArray(v)) return v.join(';');
  return plainCsvCell(column, v);
};

/** CSV for Excel (BOM, CRLF, formula neutralisation): a header of the column codes, then one row per record. */
export const assistanceCsvChunks = (what: AssistanceExportKind, chunks: AsyncIterable<readonly AssistanceExportRow[]>): AsyncGenerator<Buffer> =>
  csvRowChunks(assistanceColumnsOf(what), chunks, assistanceCsvCell);

/** The bytes of an export in a format, as chunks to write or stream. Validates (AssistanceExportError) before reading. */
export function assistanceExportBytes(db: Kysely<Database>, what: AssistanceExportKind, format: ExportFormat, opts: AssistanceExportOptions = {}): AsyncGenerator<Buffer> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new AssistanceExportError(`format must be csv or json (got "${format}")`);
  const chunks = exportAssistanceChunks(db, what, opts);
  return format === 'csv' ? assistanceCsvChunks(what, chunks) : jsonLineChunks(chunks);
}

