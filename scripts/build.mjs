#!/usr/bin/env node
// `npm run build`: compiles src/, workers/ and migrations/ to JavaScript with tsc (tsconfig.build.json, source
// maps on) and copies the files the code reads at run time beside their compiled neighbours, so production runs
// plain node. `--out DIR` builds elsewhere (the compiled-start test builds into a temporary folder);
// `--if-needed` builds only when the output is missing or older than a source file, the lock file or the
// build's own configuration (scripts/run.sh); `--check` only says whether a build is needed (exit 0: up to date,
// 1: needed).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['src', 'workers', 'migrations'];
const CONFIG_FILES = ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];
// Written last: its presence says the build finished, its time is the build's time.
export const STAMP = '.build-complete';

function parseArgs(argv) {
  const opts = { out: path.join(ROOT, 'dist'), ifNeeded: false, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1]) opts.out = path.resolve(argv[++i]);
    else if (a === '--if-needed') opts.ifNeeded = true;
    else if (a === '--check') opts.check = true;
    else throw new Error(`unknown argument "${a}": use --out DIR, --if-needed or --check`);
  }
  // The folder is emptied first: refuse anything that holds the sources.
  const rel = path.relative(opts.out, ROOT);
  if (rel === '' || !rel.startsWith('..')) throw new Error(`refusing to build into ${opts.out}: it contains the project`);
  return opts;
}

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

/** True when `out` has no finished build, or a source or configuration file changed after it. */
export function needsBuild(out) {
  const stamp = path.join(out, STAMP);
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const inputs = [...SOURCE_DIRS.flatMap((d) => [...files(path.join(ROOT, d))]), ...CONFIG_FILES.map((f) => path.join(ROOT, f))];
  return inputs.some((f) => existsSync(f) && statSync(f).mtimeMs > built);
}

export function build(out) {
  const started = new Date();
  // A stale file (a migration since removed) would otherwise still be loaded from the old output.
  rmSync(out, { recursive: true, force: true });
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    throw new Error('typescript is not installed: building needs the dev dependencies (npm ci)');
  }
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc failed (exit ${r.status ?? r.signal})`);
  // Everything tsc does not emit (the web chat's page and script, read via new URL(..., import.meta.url)).
  let copied = 0;
  for (const dir of SOURCE_DIRS) {
    for (const file of files(path.join(ROOT, dir))) {
      if (file.endsWith('.ts')) continue;
      const target = path.join(out, path.relative(ROOT, file));
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(file, target);
      copied++;
    }
  }
  // Dated when the build started: a source saved while tsc ran is newer, and the next --if-needed rebuilds.
  writeFileSync(path.join(out, STAMP), `${started.toISOString()}\n`);
  utimesSync(path.join(out, STAMP), started, started);
  return copied;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    if (opts.check) {
      const stale = needsBuild(opts.out);
      process.stdout.write(stale ? `${opts.out} needs a build\n` : `${opts.out} is up to date\n`);
      process.exit(stale ? 1 : 0);
    }
    if (opts.ifNeeded && !needsBuild(opts.out)) process.exit(0);
    process.stderr.write(`building ${path.relative(ROOT, opts.out) || opts.out} (tsc)\n`);
    const copied = build(opts.out);
    process.stderr.write(`built ${opts.out} (${copied} asset(s) copied)\n`);
  } catch (err) {
    process.stderr.write(`build: ${err.message}\n`);
    process.exit(1);
  }
}
