// Where the CPU went during a measured window: the server under test, this process (autocannon), and
// everything else on the machine (PostgreSQL and Redis working for the server, but also anything unrelated:
// on a shared machine that last column says how far to trust the figures).
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export interface SystemCpu {
  busy: number; // seconds, summed over cores
  total: number;
}

/** Linux /proc/stat; undefined elsewhere. */
export function systemCpu(): SystemCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle + iowait
    const hz = 100; // USER_HZ on every Linux we run on
    return { busy: (total - idle) / hz, total: total / hz };
  } catch {
    return undefined;
  }
}

/** CPU seconds so far of every process whose command name starts with one of `names` (Linux /proc). */
export function processesCpu(names: string[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone
    }
    // pid (comm) state ppid … utime(14) stime(15): comm may hold spaces, so split after the last ')'.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(open + 1, close);
    const name = names.find((n) => comm.startsWith(n));
    if (!name) continue;
    const f = stat.slice(close + 2).split(' ');
    out[name]! += (Number(f[11]) + Number(f[12])) / 100;
  }
  return out;
}

export interface CpuShare {
  /** In cores (1.0 = one core fully busy) over the window. */
  server: number;
  loadGenerator: number;
  postgres: number | undefined;
  redis: number | undefined;
  /** Everything else: other processes on the machine (and what the three above cannot see). */
  other: number | undefined;
  cores: number;
}

export function cpuShare(
  seconds: number,
  server: { user: number; system: number },
  self: { user: number; system: number },
  sysBefore: SystemCpu | undefined,
  sysAfter: SystemCpu | undefined,
  servicesBefore: Record<string, number>,
  servicesAfter: Record<string, number>,
): CpuShare {
  const s = (server.user + server.system) / 1e6 / seconds;
  const g = (self.user + self.system) / 1e6 / seconds;
  const svc = (n: string) => (servicesAfter[n] !== undefined && servicesBefore[n] !== undefined ? Math.max(0, servicesAfter[n] - servicesBefore[n]) / seconds : undefined);
  const postgres = svc('postgres');
  const redis = svc('redis-server');
  const other = sysBefore && sysAfter ? Math.max(0, (sysAfter.busy - sysBefore.busy) / seconds - s - g - (postgres ?? 0) - (redis ?? 0)) : undefined;
  return { server: s, loadGenerator: g, postgres, redis, other, cores: availableParallelism() };
}

export const SERVICES = ['postgres', 'redis-server'];

/**
 * Waits (up to maxWaitMs) for a second in which the whole machine uses less than `threshold` cores — on a
 * shared machine, so a measurement does not start in the middle of someone else's build. Returns the
 * milliseconds waited and the last busy figure; immediately when /proc/stat is not there.
 */
export async function waitForQuiet(maxWaitMs: number, threshold = 0.25): Promise<{ waitedMs: number; busyCores: number | undefined }> {
  const start = Date.now();
  let busy: number | undefined;
  for (;;) {
    const a = systemCpu();
    if (!a) return { waitedMs: 0, busyCores: undefined };
    await new Promise((r) => setTimeout(r, 1_000));
    const b = systemCpu()!;
    busy = (b.busy - a.busy) / 1; // over one second
    const waited = Date.now() - start;
    if (busy < threshold || waited >= maxWaitMs) return { waitedMs: Math.max(0, waited - 1_000), busyCores: busy };
  }
}
