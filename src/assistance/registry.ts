// The registry's transitions that other parts of assistance share (MECHANISM 1.1): archiving an entry — by the
// GB, in the May/November verification, or when the member dies or leaves — ends its pairings (the helpers are
// told), its subsidies and its open obligations, so an archived entry leaves every list at once.
import type { Transaction } from 'kysely';
import { AssistanceTaskRepository } from '../db/assistance-task-repository.ts';
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

/** Archives an approved entry (reason kept); a no-op answer when it is not approved any more. */
export async function archiveEntry(trx: Transaction<Database>, p: { entryId: string; byMemberId: string | null; reason: string; now: Date; today: IsoDate }): Promise<ArchiveOutcome> {
  const registry = new HardshipRegistryRepository(trx);
  const entry = await registry.entry(p.entryId, true);
  if (!entry || !(await registry.archive(p.entryId, p.byMemberId, p.reason, p.now))) return { archived: false, entry, endedPairings: [], endedSubsidies: [] };
  const endedPairings = await registry.endPairings(p.entryId, p.today, 'entry_archived');
  const endedSubsidies = await registry.endSubsidies(p.entryId, p.now);
  await new AssistanceTaskRepository(trx).cancelAll(['subsidy_renewal'], endedSubsidies, p.now);
  return { archived: true, entry: { ...entry, status: 'archived' }, endedPairings, endedSubsidies };
}
