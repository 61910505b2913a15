// backup --out FILE [--force] | restore FILE [--force]: the embedded database (PGlite under DATA_DIR) to a file
// and back (src/db/embedded-backup.ts). A PostgreSQL deployment is refused with a pointer to pg_dump: its
// backups belong to the database server (docs/deploy.md).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config.ts';
import { UsageError } from '../errors.ts';
import { backupEmbedded, restoreEmbedded } from '../db/embedded-backup.ts';

interface Command {
  usage: string;
  run(args: string[], out: (line: string) => void): Promise<void>;
}

function parse<T extends ParseArgsConfig>(config: T, command: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message}`);
  }
}

/** The embedded data directory, or a refusal when DATABASE_URL points at PostgreSQL. */
function embeddedDataDir(command: string): string {
  const config = loadConfig();
  if (config.databaseUrl) {
    throw new Error(
      `${command} is for the embedded database; DATABASE_URL is set, so back up PostgreSQL with pg_dump -Fc and restore with pg_restore (docs/deploy.md, "PostgreSQL backups")`,
    );
  }
  return config.dataDir;
}

export const BACKUP_COMMANDS: Record<string, Command> = {
  backup: {
    usage: 'backup --out FILE [--force]   copy the embedded database (DATA_DIR) to FILE (tar.gz); stop the bot first',
    async run(args, out) {
      const { values } = parse({ args, options: { out: { type: 'string' }, force: { type: 'boolean' } }, strict: true, allowPositionals: false }, 'backup');
      if (!values.out) throw new UsageError('backup needs --out FILE');
      const done = await backupEmbedded(embeddedDataDir('backup'), values.out, { force: values.force === true });
      out(`backup written: ${done.file} (${done.bytes} bytes) from ${done.source}`);
    },
  },
  restore: {
    usage: 'restore FILE [--force]        restore a backup into DATA_DIR (--force: replace a database there, kept renamed)',
    async run(args, out) {
      const { values, positionals } = parse({ args, options: { force: { type: 'boolean' } }, strict: true, allowPositionals: true }, 'restore');
      if (positionals.length !== 1) throw new UsageError('restore needs exactly one FILE');
      // The replaced directory's name tells when it was replaced (UTC, no ':' for the sake of every filesystem).
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const done = await restoreEmbedded(embeddedDataDir('restore'), positionals[0]!, { force: values.force === true, stamp });
      out(`restored ${positionals[0]} into ${done.target}${done.keptAs ? `; the database that was there is kept in ${done.keptAs}` : ''}`);
    },
  },
};
