// The global teardown's check (test/helpers/process-records.ts): a process the tests started that is still
// alive is found — a recorded process, or anything left in a recorded process group after its leader exited
// (the orphaned worker of a killed wrapper) — and killed; finished ones are not reported.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { procStat, recordProcess, survivingProcesses } from '../helpers/process-records.ts';
import { waitFor } from '../helpers/stack.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pc-records-'));
const strays: number[] = [];
afterAll(() => {
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    return procStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0] !== 'Z';
  } catch {
    return false;
  }
};

describe('the check for processes that outlived the tests', () => {
  it('finds a grandchild left in a recorded group and a recorded process still running, kills both, and passes finished ones', async () => {
    // A wrapper that starts the real work and exits, as the tsx CLI did when its own process was killed.
    const wrapper = spawn('sh', ['-c', 'sleep 300 & echo $!'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    recordProcess(wrapper.pid!, 'sh -c sleep 300 &', true, dir);
    let said = '';
    wrapper.stdout.on('data', (d) => (said += d));
    // 'exit', not 'close': the grandchild holds the pipe open.
    await new Promise((r) => wrapper.on('exit', r));
    const grandchild = Number(await waitFor(() => said.includes('\n') && said.trim(), 60_000, 'the grandchild pid'));
    wrapper.stdout.destroy();
    strays.push(grandchild);
    const single = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    strays.push(single.pid!);
    recordProcess(single.pid!, 'node -e setInterval', false, dir);
    const done = spawn('true', { detached: true, stdio: 'ignore' });
    recordProcess(done.pid!, 'true', true, dir);
    await new Promise((r) => done.on('close', r));

    expect(alive(grandchild)).toBe(true);
    const found = survivingProcesses(dir);
    expect(found).toHaveLength(2);
    expect(found.find((l) => l.startsWith(`pid ${grandchild} `))).toContain('started as: sh -c sleep 300 &');
    expect(found.find((l) => l.startsWith(`pid ${single.pid} `))).toContain('started as: node -e setInterval');
    await waitFor(() => !alive(grandchild) && !alive(single.pid!), 60_000, 'the survivors to be killed');
    expect(survivingProcesses(dir)).toEqual([]);
  });
});
