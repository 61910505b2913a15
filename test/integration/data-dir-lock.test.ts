// Issue 9.1: the embedded database belongs to one process. A CLI command while the bot runs on ./data is
// refused with a clear message (it used to corrupt the directory); the bot keeps working; a lock left by a
// process that died is taken over; a failure of the embedded database never blames PostgreSQL.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEntry } from '../helpers/processes.ts';
import { freePort } from '../helpers/redis-server.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { waitFor } from '../helpers/stack.ts';
import { DataDirBusyError, lockDataDir } from '../../src/db/data-dir-lock.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const dataDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'pc-lock-'));
  dirs.push(d);
  return d;
};

describe('the data directory lock', () => {
  it('refuses a second holder while the first lives, and takes over a stale lock', async () => {
    const dir = dataDir();
    const first = lockDataDir(dir, 'main.ts');
    expect(() => lockDataDir(dir)).toThrow(DataDirBusyError);
    expect(() => lockDataDir(dir)).toThrow(/in use by another process \(pid \d+: main\.ts\)/);
    first.release();
    expect(existsSync(first.file)).toBe(false);
    // A lock whose owner is gone (a process that exited) is stale.
    const gone = runEntry(['-e', ''], {});
    await gone.exited;
    writeFileSync(path.join(dir, 'partycare.lock'), JSON.stringify({ pid: gone.child.pid, command: 'cli.ts export-roster' }));
    const second = lockDataDir(dir);
    second.release();
    // A half-written lock file is stale too.
    writeFileSync(path.join(dir, 'partycare.lock'), '{"pi');
    lockDataDir(dir).release();
  });

  it('a CLI command while the bot runs is refused, the bot keeps answering, and after it stops the CLI works', async () => {
    const dir = dataDir();
    const port = await freePort();
    const env = { REDIS_URL: TEST_REDIS_URL, DATA_DIR: dir, LOG_LEVEL: 'warn', QUIET_HOURS: '' };
    const seed = runEntry(['src/cli.ts', 'seed-demo'], env);
    expect(await seed.exited, seed.output()).toBe(0);
    const bot = runEntry(['src/main.ts'], { ...env, PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(() => fetch(`${base}/healthz`).then((r) => r.ok, () => false), 60_000, `the bot (${bot.output()})`);

    const out = path.join(dir, 'r.csv');
    const refused = runEntry(['src/cli.ts', 'export-roster', '--out', out], env);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toMatch(/in use by another process \(pid \d+: main\.ts\).*stop it first.*DATABASE_URL/);
    expect(refused.output()).not.toMatch(/Start PostgreSQL/);
    expect(existsSync(out)).toBe(false);

    // The bot is unharmed: a chat message still gets its answer.
    const { users } = (await (await fetch(`${base}/local/users`)).json()) as { users: Array<{ userId: string }> };
    const me = users[0]!.userId;
    expect((await fetch(`${base}/local/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: me, text: '帮助' }) })).status).toBe(202);
    await waitFor(async () => {
      const list = (await (await fetch(`${base}/local/messages?userId=${me}`)).json()) as Array<{ dir: string }>;
      return list.some((m) => m.dir === 'out');
    }, 60_000, 'the reply');

    // A second bot on the same directory is refused the same way.
    const twin = runEntry(['src/main.ts'], { ...env, PORT: String(await freePort()) });
    expect(await twin.exited).toBe(1);
    expect(twin.output()).toMatch(/in use by another process/);

    bot.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(existsSync(path.join(dir, 'partycare.lock'))).toBe(false);
    const later = runEntry(['src/cli.ts', 'export-roster', '--out', out], env);
    expect(await later.exited, later.output()).toBe(0);
    expect(existsSync(out)).toBe(true);
  }, 180_000);
});
