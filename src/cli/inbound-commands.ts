// Inbound events: the retention purge run by hand (the daily sweep job runs it too).
import { parseArgs } from 'node:util';
import { InboundRepository } from '../db/inbound-repository.ts';
import { UsageError } from '../errors.ts';
import { purgeInboundText } from '../ingest/retention.ts';
import { withDatabase } from './database.ts';

interface Command {
  usage: string;
  run(args: string[], out: (line: string) => void): Promise<void>;
}

export const INBOUND_COMMANDS: Record<string, Command> = {
  'purge-inbound': {
    usage: 'purge-inbound [--dry-run]     blank the text of inbound messages older than inbound_retention_days',
    async run(args, out) {
      let dryRun: boolean;
      try {
        dryRun = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } }, strict: true, allowPositionals: false }).values['dry-run'] ?? false;
      } catch (err) {
        throw new UsageError(`purge-inbound: ${(err as Error).message}`);
      }
      await withDatabase(async ({ db }) => {
        const r = await purgeInboundText({ db, inbound: new InboundRepository(db), clock: () => new Date() }, { dryRun });
        out(JSON.stringify({ retentionDays: r.retentionDays, before: r.before.toISOString(), [dryRun ? 'wouldPurge' : 'purged']: r.purged }));
      });
    },
  },
};
