// One CLI: `npm run -s cli -- <command>`. Results go to standard output, logs to standard error, and a failure
// exits non-zero, so scripts can rely on it. Later features add their commands to COMMANDS.
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { boot, BootError } from './boot.ts';
import { loadConfig } from './config.ts';
import { connectDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Deps } from './deps.ts';
import { PlatformSendError, UsageError } from './errors.ts';
import { platformAdapter } from './platforms/index.ts';
import { qualifiedUser, type PlatformName } from './platforms/types.ts';
import { ROSTER_COMMANDS } from './cli/roster-commands.ts';
import { INTERPRET_COMMANDS } from './cli/interpret-command.ts';
import { CARE_COMMANDS } from './cli/care-commands.ts';
import { EXPORT_COMMANDS } from './cli/export-commands.ts';
import { INBOUND_COMMANDS } from './cli/inbound-commands.ts';
import { SETTINGS_COMMANDS } from './cli/settings-commands.ts';
import { BACKUP_COMMANDS } from './cli/backup-commands.ts';

export { UsageError };

interface Command {
  usage: string;
  run(args: string[], out: (line: string) => void): Promise<void>;
}

async function withDeps<T>(fn: (deps: Deps) => Promise<T>): Promise<T> {
  const deps = await boot();
  try {
    return await fn(deps);
  } finally {
    await deps.close();
  }
}

export const COMMANDS: Record<string, Command> = {
  migrate: {
    usage: 'migrate                       apply database migrations',
    async run(_args, out) {
      const config = loadConfig();
      const db = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const result = await migrateToLatest(db.db);
        const applied = (result.results ?? []).map((r) => r.migrationName);
        out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await db.close();
      }
    },
  },
  'menu-sync': {
    usage: 'menu-sync                     create the app menu on each chat platform served (WeCom: menu/create)',
    async run(_args, out) {
      const config = loadConfig();
      const installable = config.platforms.filter((name) => {
        const { menu } = platformAdapter(name);
        if (menu.withoutInstall === undefined) return true;
        out(JSON.stringify(menu.render(), null, 2));
        out(menu.withoutInstall);
        return false;
      });
      if (installable.length === 0) return;
      await withDeps(async (deps) => {
        for (const name of installable) {
          const platform = deps.platforms.get(name)!;
          out((await platform.installMenu?.()) ?? `${name}: no menu to install`);
        }
      });
    },
  },
  'send-test': {
    usage: 'send-test [--platform P] <userid> <text>  send a text now to a user id of platform P (default: the first served) and report the outcome',
    async run(args, out) {
      const rest = [...args];
      let named: string | undefined;
      if (rest[0] === '--platform') {
        rest.shift();
        named = rest.shift();
        if (!named) throw new UsageError('send-test --platform needs a platform name');
      }
      const [userId, ...words] = rest;
      const text = words.join(' ');
      if (!userId || !text) throw new UsageError('send-test needs <userid> and <text>');
      await withDeps(async (deps) => {
        const platform = named === undefined ? deps.platform : deps.platforms.get(named as PlatformName);
        if (!platform) throw new UsageError(`send-test: ${named} is not served here (PLATFORM serves ${[...deps.platforms.keys()].join(', ')})`);
        const name = platform.name;
        // The platform's own id, as given: recorded qualified so that it is sent there and nowhere else.
        const [id] = await deps.outbox.record([{ idempotencyKey: `send-test-${randomUUID()}`, platform: name, recipient: qualifiedUser(name, userId), message: { type: 'text', content: text } }]);
        const row = await deps.repos.deliveries.claim(id!, deps.leaseSeconds, [name]);
        try {
          const result = await platform.sender.send(userId, { type: 'text', content: text }, { deliveryRef: `d${id}` });
          await deps.repos.deliveries.markSent(id!, result);
          out(`sent to ${userId} via ${name}${result.platformMsgId ? ` (msgid ${result.platformMsgId})` : ''}; delivery ${row?.id}`);
        } catch (err) {
          const e = err as PlatformSendError;
          await deps.repos.deliveries.markFailed(id!, { code: String(e.platformCode ?? e.kind ?? 'error'), message: e.message });
          throw new Error(`send failed (${e.kind ?? 'error'}${e.platformCode !== undefined ? `, errcode ${e.platformCode}` : ''}): ${e.message}`);
        }
      });
    },
  },
  ...ROSTER_COMMANDS,
  ...INTERPRET_COMMANDS,
  ...CARE_COMMANDS,
  ...EXPORT_COMMANDS,
  ...INBOUND_COMMANDS,
  ...SETTINGS_COMMANDS,
  ...BACKUP_COMMANDS,
};

export function usage(): string {
  return ['usage: npm run -s cli -- <command> [args]', '', 'commands:', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

export async function runCli(argv: string[], out = (l: string) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    out(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  try {
    await command.run(args, out);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${usage()}\n`);
      return 2;
    }
    process.stderr.write(`partycare ${name}: ${err instanceof BootError ? err.message : (err as Error).message}\n`);
    return 1;
  }
}

/** The command line's entry: runs argv's command and exits with its code (the `partycare` bin calls this). */
export function main(argv = process.argv.slice(2)): void {
  // runCli answers every failure with an exit code; anything else is a crash Node reports as such.
  void runCli(argv).then((code) => process.exit(code));
}

// Run directly (`node dist/src/cli.js`, `tsx src/cli.ts`)? argv[1] may be a symlink or a relative path.
function runDirectly(): boolean {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false; // argv[1] is no file (node -e, a REPL)
  }
}
if (runDirectly()) main();
