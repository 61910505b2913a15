// The record of processes the tests started, kept in a run-specific directory (set by the global setup), so
// the global teardown can find any that outlived the tests. No vitest import: the global setup reads it too.
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Set by the global setup: the run's directory where started processes are recorded. */
export const PROCESS_RECORD_ENV = 'PARTYCARE_TEST_PROCESSES';
export const PROCESS_RECORD_FILE = 'processes.jsonl';

export interface ProcessRecord {
  pid: number;
  /** The pid leads its own process group: everything in the group counts (grandchildren included). */
  group: boolean;
  /** Field 22 of /proc/<pid>/stat: tells the process from a later one that reuses its pid. */
  startTime: string | undefined;
  command: string;
}

/** The start time of a live process, from /proc (undefined once it is gone). */
export function procStartTime(pid: number): string | undefined {
  try {
    return procStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))[19];
  } catch {
    return undefined;
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses): state first. */
export function procStat(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Records a process some library started (Chromium, a daemonised PostgreSQL) for the teardown's check. */
export function recordProcess(pid: number, command: string, group: boolean, dir = process.env[PROCESS_RECORD_ENV]): void {
  if (!dir) throw new Error(`${PROCESS_RECORD_ENV} is not set: run the tests through vitest (its global setup sets it)`);
  const record: ProcessRecord = { pid, group, startTime: procStartTime(pid), command };
  appendFileSync(path.join(dir, PROCESS_RECORD_FILE), `${JSON.stringify(record)}\n`);
}

/** Every recorded process, or member of a recorded process group, still alive; each is killed. */
export function survivingProcesses(dir: string): string[] {
  let text = '';
  try {
    text = readFileSync(path.join(dir, PROCESS_RECORD_FILE), 'utf8');
  } catch {
    return [];
  }
  const records = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ProcessRecord);
  // A group whose leader's pid now belongs to a later process is someone else's (the kernel keeps a group's
  // id from reuse only while a member lives); a group whose leader is gone or is still the recorded one, ours.
  const groups = new Map(
    records.filter((r) => r.group && (procStartTime(r.pid) === undefined || procStartTime(r.pid) === r.startTime)).map((r) => [r.pid, r]),
  );
  const found: string[] = [];
  const kill = (pid: number, what: string, recorded: ProcessRecord) => {
    found.push(`pid ${pid} (${what}), started as: ${recorded.command}`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  };
  // Members of the recorded groups: the leaders and whatever they left behind (zombies are already dead).
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let stat: string[];
    try {
      stat = procStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
    } catch {
      continue;
    }
    const recorded = groups.get(Number(stat[2]));
    if (!recorded || stat[0] === 'Z') continue;
    kill(pid, commandLine(pid), recorded);
  }
  // Single processes: alive only if the pid still belongs to the process that was recorded.
  for (const r of records.filter((x) => !x.group)) {
    if (r.startTime !== undefined && procStartTime(r.pid) === r.startTime && !isZombie(r.pid)) kill(r.pid, commandLine(r.pid), r);
  }
  return found;
}

function isZombie(pid: number): boolean {
  try {
    return procStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0] === 'Z';
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '?';
  }
}
