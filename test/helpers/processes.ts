// The one way tests start processes. Entry points run as `node --import tsx <file>`: one process (no tsx
// wrapper hiding the real child), started in its own process group, so a test's SIGKILL hits the process it
// means and cleanup can end the whole group. Every process started here is killed when the test file ends,
// and every one is recorded for the global teardown, which fails the run if any of them is still alive.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { cleanRedisPrefix } from './redis-keys.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { recordProcess } from './process-records.ts';

export { recordProcess };

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface RunningEntry {
  child: ChildProcess;
  /** The exit code; -1 when a signal ended it (see `signal`). */
  exited: Promise<number | null>;
  /** The signal that ended it, once it has exited. */
  signal(): NodeJS.Signals | null;
  /** Standard output and error, interleaved as they came. */
  output(): string;
  stdout(): string;
  stderr(): string;
  stdoutBytes(): Buffer;
  /** Signals the whole process group. */
  kill(signal?: NodeJS.Signals): void;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

const started: RunningEntry[] = [];
const running = new Set<RunningEntry>();
/**
 * The queue prefix of this test file's processes that name none: never the default `partycare` (the keys of a
 * developer's own bot), and removed from Redis when the file ends — a started process leaves its schedulers there.
 */
const FILE_QUEUE_PREFIX = `pcproc${randomBytes(4).toString('hex')}`;
let filePrefixUsed = false;

// Registered when a test file imports this module (while vitest collects the file): a hook registered from
// inside a running test would be lost, and the processes of a failed test left running.
afterAll(async () => {
  // Every group, finished leaders included: a grandchild a leader left behind is still in its group.
  for (const r of started) r.kill('SIGKILL');
  await Promise.all([...running].map((r) => r.exited));
  if (filePrefixUsed) await cleanRedisPrefix(FILE_QUEUE_PREFIX).catch(() => {});
});

/** Starts `command` in its own process group with only `env` (and PATH); killed when the test file ends. */
export function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv, opts: { stdio?: 'pipe' | 'ignore'; stdin?: 'pipe' } = {}): RunningEntry {
  if (env.QUEUE_PREFIX === undefined) {
    env = { ...env, QUEUE_PREFIX: FILE_QUEUE_PREFIX };
    filePrefixUsed = true;
  }
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    // stdin: 'pipe' for a command that reads its input (child.stdin; end it to finish).
    stdio: opts.stdio === 'ignore' ? 'ignore' : [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid !== undefined) recordProcess(child.pid, [command, ...args].join(' '), true);
  const all: Buffer[] = [];
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => (out.push(d), all.push(d)));
  child.stderr?.on('data', (d: Buffer) => (err.push(d), all.push(d)));
  let signal: NodeJS.Signals | null = null;
  const entry: RunningEntry = {
    child,
    // 'close', not 'exit': the output is complete by then.
    exited: new Promise((resolve) => {
      const done = (code: number | null, sig: NodeJS.Signals | null) => {
        signal = sig;
        resolve(code ?? (sig ? -1 : null));
      };
      if (child.pid === undefined) child.on('error', () => done(null, null));
      child.on('close', done);
    }),
    signal: () => signal,
    output: () => Buffer.concat(all).toString('utf8'),
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    stdoutBytes: () => Buffer.concat(out),
    kill(sig = 'SIGTERM') {
      if (child.pid === undefined) return;
      // A leader that has exited no longer owns its pid: a live process with that pid is someone else's
      // (while none exists, the kernel keeps the pid for the group, so the group is still ours).
      if ((child.exitCode !== null || child.signalCode !== null) && existsSync(`/proc/${child.pid}`)) return;
      try {
        // The group, even after the leader exited: a grandchild it left behind is still in it.
        process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    },
  };
  started.push(entry);
  running.add(entry);
  void entry.exited.then(() => running.delete(entry));
  return entry;
}

/** Runs a TypeScript entry point (`src/main.ts`, `src/cli.ts`, `bench/…`) as one node process. */
export function runEntry(args: string[], env: NodeJS.ProcessEnv, opts: { nodeOptions?: string[] } = {}): RunningEntry {
  return runProcess(process.execPath, [...(opts.nodeOptions ?? []), '--import', 'tsx', ...args], env);
}

/** Runs an entry point to its end. */
export async function runEntryToExit(args: string[], env: NodeJS.ProcessEnv, opts: { nodeOptions?: string[] } = {}): Promise<Finished> {
  return finished(runEntry(args, env, opts));
}

export async function finished(r: RunningEntry): Promise<Finished> {
  const code = await r.exited;
  return { code: r.signal() ? null : code, signal: r.signal(), stdout: r.stdout(), stderr: r.stderr(), stdoutBytes: r.stdoutBytes() };
}
