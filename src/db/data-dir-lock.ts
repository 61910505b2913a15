// The embedded database (PGlite) belongs to one process: a second process opening the same directory
// corrupts it (a CLI export while the bot runs left "Aborted()" and a bot that no longer started). Every
// process takes a lock file beside the data first; a lock whose owner is gone (killed, crashed) is stale
// and taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
    readonly ownerCommand: string,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by another process (pid ${ownerPid}${ownerCommand ? `: ${ownerCommand}` : ''}) — ` +
        'stop it first (the bot, or another command), or run against a shared PostgreSQL with DATABASE_URL',
    );
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

const LOCK_NAME = 'partycare.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else — alive all the same.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data directory for this process, or throws DataDirBusyError naming the process that has it. */
export function lockDataDir(dataDir: string, command = process.argv.slice(1).map((a) => path.basename(a)).join(' ')): DataDirLock {
  const file = path.join(dataDir, LOCK_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: { pid?: unknown; command?: unknown } = {};
      try {
        owner = JSON.parse(readFileSync(file, 'utf8')) as typeof owner;
      } catch {
        // Half-written by an owner that died while writing it: stale.
      }
      const pid = typeof owner.pid === 'number' ? owner.pid : undefined;
      if (pid !== undefined && isAlive(pid)) {
        throw new DataDirBusyError(dataDir, pid, typeof owner.command === 'string' ? owner.command : '');
      }
      try {
        unlinkSync(file);
      } catch {
        // Another process removed it first; try again.
      }
      continue;
    }
    writeSync(fd, JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() }));
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      try {
        const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
        if (owner.pid === process.pid) unlinkSync(file);
      } catch {
        // Gone already.
      }
    };
    process.on('exit', release);
    return { file, release };
  }
  throw new Error(`could not take the lock ${file}`);
}
