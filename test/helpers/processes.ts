// Entry points run as real processes: `node --import tsx <file>` is one process (no tsx wrapper hiding the real
// child), started in its own process group, so a test's SIGKILL hits the process it means and cleanup can
// end the whole group. Every process started here is killed when the test file ends.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface RunningEntry {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  /** Signals the whole process group. */
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<RunningEntry>();
let hooked = false;

export function runEntry(args: string[], env: Record<string, string>): RunningEntry {
  if (!hooked) {
    hooked = true;
    afterAll(async () => {
      const left = [...running];
      for (const r of left) r.kill('SIGKILL');
      await Promise.all(left.map((r) => r.exited));
    });
  }
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const entry: RunningEntry = {
    child,
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)))),
    output: () => out,
    kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    },
  };
  running.add(entry);
  void entry.exited.then(() => running.delete(entry));
  return entry;
}
