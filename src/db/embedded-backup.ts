// Backup and restore of the embedded database (PGlite under DATA_DIR/pglite): PGlite's own dump of its data
// directory (a tar.gz), read back with loadDataDir. Chosen over a SQL dump: it needs no extra package, and it
// brings back exactly what was there (sequences, settings, every table) for the same PGlite version. PostgreSQL
// deployments use pg_dump (docs/deploy.md). Both take the data directory's lock: a running bot is never copied
// half-way, nor overwritten.
import { existsSync, readdirSync, renameSync, rmSync, mkdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';

/** A backup or restore that was not done, for a reason the operator can act on (said as such). */
export class BackupRefusedError extends Error {}

const PGLITE = 'pglite';

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/** Writes a gzip'd tarball of DATA_DIR/pglite to `outFile`; never overwrites one unless `force`. */
export async function backupEmbedded(dataDir: string, outFile: string, opts: { force?: boolean } = {}): Promise<{ file: string; bytes: number; source: string }> {
  const root = path.resolve(dataDir);
  const source = path.join(root, PGLITE);
  const file = path.resolve(outFile);
  if (existsSync(file) && !opts.force) throw new BackupRefusedError(`${file} exists: choose another name, or pass --force to overwrite it`);
  if (isEmptyDir(source)) throw new BackupRefusedError(`there is no embedded database in ${source} (DATA_DIR=${dataDir}) to back up`);
  const lock = lockDataDir(root);
  try {
    const client = new PGlite(source);
    let dump: Blob;
    try {
      await client.waitReady;
      dump = await client.dumpDataDir('gzip');
    } finally {
      await client.close();
    }
    const bytes = Buffer.from(await dump.arrayBuffer());
    // Written beside the target and renamed: an interrupted backup never leaves a truncated file under the name.
    const partial = `${file}.partial-${process.pid}`;
    try {
      // Owner-only: a backup holds the members' personal data.
      writeFileSync(partial, bytes, { flag: 'wx', mode: 0o600 });
      renameSync(partial, file);
    } catch (err) {
      rmSync(partial, { force: true });
      throw err;
    }
    return { file, bytes: bytes.length, source };
  } finally {
    lock.release();
  }
}

/**
 * Restores a backup into DATA_DIR/pglite. A directory that holds a database is replaced only with `force`, and
 * then kept, renamed (pglite.replaced-<stamp>), never deleted; a restore that fails puts it back.
 */
export async function restoreEmbedded(
  dataDir: string,
  backupFile: string,
  opts: { force?: boolean; stamp: string },
): Promise<{ target: string; keptAs: string | undefined }> {
  const root = path.resolve(dataDir);
  const target = path.join(root, PGLITE);
  const file = path.resolve(backupFile);
  if (!existsSync(file) || !statSync(file).isFile()) throw new BackupRefusedError(`${file} is not a file`);
  if (!isEmptyDir(target) && !opts.force) {
    throw new BackupRefusedError(`${target} already holds a database: pass --force to replace it (it is kept, renamed, not deleted)`);
  }
  const rootExisted = existsSync(root);
  mkdirSync(root, { recursive: true });
  const lock = lockDataDir(root);
  let restored = false;
  let keptAs: string | undefined;
  try {
    if (!isEmptyDir(target)) {
      keptAs = path.join(root, `${PGLITE}.replaced-${opts.stamp}`);
      renameSync(target, keptAs);
    } else {
      rmSync(target, { recursive: true, force: true });
    }
    try {
      mkdirSync(target);
      const client = new PGlite(target, { loadDataDir: new Blob([readFileSync(file)]) });
      try {
        await client.waitReady;
        // A PGlite database that is not PartyCare's (or an empty one) is refused rather than started on.
        await client.query('select 1 from kysely_migration limit 1');
      } finally {
        await client.close().catch(() => {});
      }
    } catch (err) {
      rmSync(target, { recursive: true, force: true });
      if (keptAs) renameSync(keptAs, target);
      throw new BackupRefusedError(`${file} could not be restored (${(err as Error).message}); ${keptAs ? `${target} is as it was` : 'nothing was changed'}`);
    }
    restored = true;
    return { target, keptAs };
  } finally {
    lock.release();
    // "Nothing was changed" includes not leaving behind a DATA_DIR this restore made.
    if (!restored && !rootExisted && isEmptyDir(root)) rmSync(root, { recursive: true, force: true });
  }
}
