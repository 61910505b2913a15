// The May/November verification of the hardship registry (核实更新并上报, MECHANISM 1.1), as pure rules: which
// period a day belongs to, how a GB's list is paged on cards, and what a submission reports to the OD — the
// verified count and what changed (added, archived, causes changed). The calendar (nudge on the first working
// day, reminders on the 15th and 25th, the OD's list on the last working day) is domain/schedule.ts.
//
// Decisions where the issue is silent:
// - An entry nobody marked when the GB submits counts as confirmed unchanged (仍困难, 无变化): a GB secretary
//   who checked the list and found nothing to change expects 核实完毕 to be enough. Its item is recorded with
//   `byDefault`, and the answer says how many were carried over that way.
// - The period is the verification month itself ('YYYY-05', 'YYYY-11'); outside those months nothing is
//   verified in chat (the OD may still record a late submission through the admin API or the CLI).
import type { HardshipCause, HardshipState } from './assistance.ts';
import { HARDSHIP_CAUSES } from './assistance.ts';
import type { IsoDate } from './dates.ts';

/** The months of the verification. */
export const VERIFICATION_MONTHS: readonly number[] = [5, 11];

/** Entries per card: two entries (仍困难 / 已好转 each) leave room for 下一页 and 核实完毕 in the six buttons. */
export const ENTRIES_PER_PAGE = 2;

/** The verification period a day falls in ('2026-11'), or undefined outside May and November. */
export function verificationPeriodOn(today: IsoDate): string | undefined {
  const month = Number(today.slice(5, 7));
  return VERIFICATION_MONTHS.includes(month) ? today.slice(0, 7) : undefined;
}

/**
 * The verification round a day belongs to for the dashboard (本轮): the latest May or November on or before its
 * month — in June–October the May round, in December–April the November round (January–April: the previous
 * year's). An entry approved after a round waits for the next one.
 */
export function currentVerificationRound(today: IsoDate): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  if (month >= 11) return `${year}-11`;
  if (month >= 5) return `${year}-05`;
  return `${year - 1}-11`;
}

/** A period the verification has: 'YYYY-05' or 'YYYY-11'. */
export const isVerificationPeriod = (period: string): boolean => /^\d{4}-(05|11)$/.test(period);

/** '2026-11' ↔ '202611': the period as a card key carries it (keys are `<action>-<digits>…`). */
export const periodKey = (period: string): string => period.replace('-', '');
export const periodFromKey = (key: string | undefined): string | undefined => (key && /^\d{4}(05|11)$/.test(key) ? `${key.slice(0, 4)}-${key.slice(4)}` : undefined);

/** How many pages of cards a list of `entries` takes (one at least: an empty list still has its 核实完毕). */
export const pageCount = (entries: number): number => Math.max(1, Math.ceil(entries / ENTRIES_PER_PAGE));

/** The entries of page `page` (1-based), clamped to the last page. */
export function pageOf<T>(list: readonly T[], page: number): { page: number; pages: number; entries: T[] } {
  const pages = pageCount(list.length);
  const p = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  return { page: p, pages, entries: list.slice((p - 1) * ENTRIES_PER_PAGE, p * ENTRIES_PER_PAGE) };
}

/** Causes in canonical order, once each. */
export const canonicalCauses = (causes: Iterable<HardshipCause>): HardshipCause[] => {
  const set = new Set(causes);
  return HARDSHIP_CAUSES.filter((c) => set.has(c));
};

export const sameCauses = (a: readonly HardshipCause[], b: readonly HardshipCause[]): boolean => canonicalCauses(a).join() === canonicalCauses(b).join();

/** What was done to an entry in a period's verification. */
export type VerificationAction = 'confirmed' | 'archived' | 'added';

/** One entry of a GB's verification list: on the list now (approved), or acted on in this period. */
export interface VerificationRow {
  entryId: string;
  memberId: string;
  name: string;
  branch: string;
  status: HardshipState;
  causes: HardshipCause[];
  /** Why it was archived (archived entries only). */
  archiveReason: string;
  /** What this period's verification did to it; null while unmarked. */
  action: VerificationAction | null;
  causesBefore: HardshipCause[];
  causesAfter: HardshipCause[];
  byDefault: boolean;
}

export interface ChangedMember {
  memberId: string;
  name: string;
  branch: string;
}

/** What a submission reports as changed: names and cause codes (stored as hardship_reviews.changes). */
export interface VerificationChanges {
  added: Array<ChangedMember & { causes: HardshipCause[] }>;
  archived: Array<ChangedMember & { causes: HardshipCause[]; reason: string }>;
  causesChanged: Array<ChangedMember & { before: HardshipCause[]; after: HardshipCause[] }>;
}

export interface VerificationSummary {
  /** Entries on the verified list: approved after the verification (confirmed, added, or not yet marked). */
  verifiedCount: number;
  /** Approved entries nobody has marked yet (before a submission: what 核实完毕 will confirm by default). */
  unmarked: number;
  /** Marked 仍困难 (with or without new causes) by someone, not by default. */
  confirmed: number;
  confirmedByDefault: number;
  changes: VerificationChanges;
}

export const noChanges = (c: VerificationChanges): boolean => c.added.length === 0 && c.archived.length === 0 && c.causesChanged.length === 0;

/** The state of a GB's verification from its list: what is on it, what is marked, what changed. */
export function summariseVerification(rows: readonly VerificationRow[]): VerificationSummary {
  const who = (r: VerificationRow): ChangedMember => ({ memberId: r.memberId, name: r.name, branch: r.branch });
  const changes: VerificationChanges = { added: [], archived: [], causesChanged: [] };
  let verifiedCount = 0;
  let unmarked = 0;
  let confirmed = 0;
  let confirmedByDefault = 0;
  for (const r of rows) {
    if (r.status === 'approved') verifiedCount++;
    if (r.action === null) {
      if (r.status === 'approved') unmarked++;
      continue;
    }
    // Archived in the verification, or confirmed and archived later in the month by the GB: off the list.
    if (r.action === 'archived' || r.status !== 'approved') {
      changes.archived.push({ ...who(r), causes: canonicalCauses(r.causesBefore.length > 0 ? r.causesBefore : r.causes), reason: r.archiveReason });
    } else if (r.action === 'added') {
      changes.added.push({ ...who(r), causes: canonicalCauses(r.causes) });
    } else {
      if (r.byDefault) confirmedByDefault++;
      else confirmed++;
      if (!sameCauses(r.causesBefore, r.causesAfter)) changes.causesChanged.push({ ...who(r), before: canonicalCauses(r.causesBefore), after: canonicalCauses(r.causesAfter) });
    }
  }
  return { verifiedCount, unmarked, confirmed, confirmedByDefault, changes };
}

/** A GB's submitted report, as stored. */
export interface SubmittedReport {
  verifiedCount: number;
  changes: VerificationChanges;
}

/** The committee's totals over the GBs that have submitted (the OD's summary). */
export function verificationTotals(reports: readonly SubmittedReport[]): { generalBranches: number; verified: number; added: number; archived: number; causesChanged: number } {
  return reports.reduce(
    (t, r) => ({
      generalBranches: t.generalBranches + 1,
      verified: t.verified + r.verifiedCount,
      added: t.added + r.changes.added.length,
      archived: t.archived + r.changes.archived.length,
      causesChanged: t.causesChanged + r.changes.causesChanged.length,
    }),
    { generalBranches: 0, verified: 0, added: 0, archived: 0, causesChanged: 0 },
  );
}

/** Reads a stored `changes` value back (a report from before this capability stored `{}`). */
export function changesFrom(stored: unknown): VerificationChanges {
  const o = (stored && typeof stored === 'object' ? stored : {}) as Partial<VerificationChanges>;
  return { added: Array.isArray(o.added) ? o.added : [], archived: Array.isArray(o.archived) ? o.archived : [], causesChanged: Array.isArray(o.causesChanged) ? o.causesChanged : [] };
}
