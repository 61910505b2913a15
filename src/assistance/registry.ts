// The registry's transitions that other parts of assistance share (MECHANISM 1.1): archiving an entry — by the
// GB, in the May/November verification, or when the member dies or leaves — ends its pairings (the helpers are
// told), its subsidies and its open obligations, so an archived entry leaves every list at once.
import type { Kysely } from 'kysely';
import { AssistanceTaskRepository } from '../db/assistance-task-repository.ts';
import { EmergencyAidRepository } from '../db/emergency-aid-repository.ts';
import { HardshipRegistryRepository, type HardshipEntry, type PairingHelper } from '../db/hardship-registry-repository.ts';
import type { Database } from '../db/schema.ts';
import type { IsoDate } from '../domain/dates.ts';

export interface ArchiveOutcome {
  archived: boolean;
  entry: HardshipEntry | undefined;
  /** The helpers of the pairings that ended (to be told: their pairing with the member ended). */
  endedPairings: PairingHelper[];
  /** The subsidies that ended with it (no further month is listed to pay). */
  endedSubsidies: string[];
}

/**
 * Archives an approved entry (reason kept); a no-op answer when it is not approved any more. `ending`: why its
 * pairings and subsidies end — the entry archived (default), or the member died or left (member_left).
 * Runs in the caller's transaction (a Transaction is a Kysely).
 */
export async function archiveEntry(
  trx: Kysely<Database>,
  p: { entryId: string; byMemberId: string | null; reason: string; now: Date; today: IsoDate; ending?: 'entry_archived' | 'member_left' },
): Promise<ArchiveOutcome> {
  const registry = new HardshipRegistryRepository(trx);
  const entry = await registry.entry(p.entryId, true);
  if (!entry || !(await registry.archive(p.entryId, p.byMemberId, p.reason, p.now))) return { archived: false, entry, endedPairings: [], endedSubsidies: [] };
  const ending = p.ending ?? 'entry_archived';
  const endedPairings = await registry.endPairings(p.entryId, p.today, ending);
  const endedSubsidies = await registry.endSubsidies(p.entryId, p.now, ending);
  await new AssistanceTaskRepository(trx).cancelAll(['subsidy_renewal'], endedSubsidies, p.now);
  return { archived: true, entry: { ...entry, status: 'archived', archive_reason: p.reason }, endedPairings, endedSubsidies };
}

/** Why a departed member's entry closes, as the record keeps it. */
export const DEPARTURE_REASONS = { deceased: '去世', transferred_out: '转出' } as const;

export interface DepartureOutcome {
  /** Approved entries archived (reason 去世 / 转出), with their pairings and subsidies ended (member_left). */
  archived: string[];
  /** Pending entries (awaiting consent, applied) closed as rejected with the same reason. */
  rejected: string[];
  /** Open assistance tasks about these members that were cancelled. */
  cancelledTasks: number;
  /** Pairings in which a departed member was the helper, ended (helper_left). */
  endedAsHelper: number;
  /** Emergency aids still before a decision, withdrawn. */
  withdrawnAids: string[];
}

/**
 * A member died (confirmed in chat, or by the roster) or left (转出): their live registry entry is archived —
 * or, still pending, closed as rejected — with the reason 去世 / 转出, its pairings and subsidies end
 * (member_left), pairings in which they helped end (helper_left), their emergency aid still before a decision is
 * withdrawn (an approved one stays for the OD to pay or close), and every open assistance task about them is
 * cancelled. The one place both paths call
 * (conversation/death-confirmation.ts and roster/import.ts), in their transaction. Nobody is told: the member is
 * gone, and the death or departure itself is what the others hear about.
 */
export async function closeAssistanceOfDeparted(
  trx: Kysely<Database>,
  p: { memberIds: readonly string[]; status: 'deceased' | 'transferred_out'; byMemberId: string | null; now: Date; today: IsoDate },
): Promise<DepartureOutcome> {
  const out: DepartureOutcome = { archived: [], rejected: [], cancelledTasks: 0, endedAsHelper: 0, withdrawnAids: [] };
  if (p.memberIds.length === 0) return out;
  const registry = new HardshipRegistryRepository(trx);
  const reason = DEPARTURE_REASONS[p.status];
  for (const entry of await registry.liveEntriesOf(p.memberIds)) {
    if (entry.status === 'approved') {
      const done = await archiveEntry(trx, { entryId: entry.id, byMemberId: p.byMemberId, reason, now: p.now, today: p.today, ending: 'member_left' });
      if (done.archived) out.archived.push(entry.id);
    } else if (await registry.decide(entry.id, 'rejected', p.byMemberId, reason, p.now, ['awaiting_consent', 'applied'])) {
      out.rejected.push(entry.id);
    }
  }
  out.endedAsHelper = (await registry.endPairingsOfHelpers(p.memberIds, p.today)).length;
  out.withdrawnAids = await new EmergencyAidRepository(trx).withdrawPendingOf(p.memberIds, p.now);
  out.cancelledTasks = await new AssistanceTaskRepository(trx).cancelForMembers(p.memberIds, p.now);
  return out;
}
