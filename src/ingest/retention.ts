// Raw inbound text is kept only as long as it is useful (issue 8): after `inbound_retention_days` (a setting,
// default 180) the text a member typed is blanked from finished inbound events. The rows stay — dedupe key,
// kind, user, status, times — because the mechanism's records never need the text: talks, visits, reports
// and obligations are stored in their own tables when the message is handled, and the only later reader of
// an event's text (the answer to a "which 张伟?" question) looks back 24 hours at most.
import type { Kysely } from 'kysely';
import type { InboundRepository } from '../db/inbound-repository.ts';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { SETTINGS } from '../domain/settings.ts';

export const INBOUND_RETENTION_SETTING = 'inbound_retention_days';
export const DEFAULT_INBOUND_RETENTION_DAYS = SETTINGS.inbound_retention_days.default;
/** Rows blanked per statement: each chunk is its own short transaction, so no lock is held for long. */
const PURGE_CHUNK = 1_000;

/** The retention in days; a bad stored value fails loudly, naming the setting, rather than purging by a guess. */
export async function loadInboundRetentionDays(db: Kysely<Database>): Promise<number> {
  return (await new SettingsRepository(db).read([INBOUND_RETENTION_SETTING])).inbound_retention_days;
}

export interface InboundPurgeDeps {
  db: Kysely<Database>;
  inbound: InboundRepository;
  clock: () => Date;
}

export interface InboundPurgeResult {
  retentionDays: number;
  /** Events received before this instant lose their text. */
  before: Date;
  /** Events blanked (or, in a dry run, that would be). */
  purged: number;
  dryRun: boolean;
}

export async function purgeInboundText(deps: InboundPurgeDeps, opts: { dryRun?: boolean; chunk?: number } = {}): Promise<InboundPurgeResult> {
  const retentionDays = await loadInboundRetentionDays(deps.db);
  const before = new Date(deps.clock().getTime() - retentionDays * 86_400_000);
  const dryRun = opts.dryRun ?? false;
  if (dryRun) return { retentionDays, before, purged: await deps.inbound.countTextKept(before), dryRun };
  const chunk = opts.chunk ?? PURGE_CHUNK;
  let purged = 0;
  for (;;) {
    const n = await deps.inbound.purgeText(before, chunk);
    purged += n;
    if (n < chunk) break;
  }
  return { retentionDays, before, purged, dryRun };
}
