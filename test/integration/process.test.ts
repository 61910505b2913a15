// The real entry point as a process: clear errors and a non-zero exit when Redis or PostgreSQL is down at
// boot or the config is bad; a clean exit 0 on SIGTERM; local mode answering through the web chat API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/redis-server.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { waitFor } from '../helpers/stack.ts';
import { runEntry } from '../helpers/processes.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const run = (args: string[], env: Record<string, string>) => runEntry(['src/main.ts', ...args], env);

function dataDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'pc-proc-'));
  dirs.push(d);
  return d;
}

describe('process boot and shutdown', () => {
  it('Redis down at boot: clear error, exit non-zero', async () => {
    const p = run([], { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, DATA_DIR: dataDir() });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/);
  });

  it('PostgreSQL down at boot: clear error, exit non-zero, no password in the message', async () => {
    const p = run([], { REDIS_URL: TEST_REDIS_URL, PLATFORM: 'local', DATABASE_URL: `postgres://u:hunter2@127.0.0.1:${await freePort()}/x` });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/PostgreSQL at postgres:\/\/127\.0\.0\.1:\d+\/x is unreachable/);
    expect(p.output()).not.toContain('hunter2');
  });

  it('bad configuration: every bad variable named, exit non-zero', async () => {
    const p = run([], { PORT: 'eighty', WECOM_CORP_ID: 'ww1' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('PORT must be an integer');
    expect(p.output()).toContain('WeCom is half configured');
  });

  it('split processes on the embedded database are refused with the reason', async () => {
    const p = run(['server'], { REDIS_URL: TEST_REDIS_URL, DATA_DIR: dataDir() });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('needs a shared PostgreSQL');
  });

  it('local mode answers through the web chat, and SIGTERM exits 0', async () => {
    const port = await freePort();
    const p = run([], { REDIS_URL: TEST_REDIS_URL, DATA_DIR: dataDir(), PORT: String(port), HOST: '127.0.0.1' });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(() => fetch(`${base}/healthz`).then((r) => r.ok, () => false), 60_000, 'server up');
    expect((await fetch(`${base}/`)).headers.get('content-type')).toContain('text/html');
    const posted = await fetch(`${base}/local/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'wangfang', text: '帮助' }) });
    expect(posted.status).toBe(202);
    const conv = await waitFor(async () => {
      const list = (await (await fetch(`${base}/local/messages?userId=wangfang`)).json()) as Array<{ dir: string; body: { content?: string } }>;
      return list.find((m) => m.dir === 'out') ? list : undefined;
    }, 60_000, 'reply in the local chat');
    expect(conv.find((m) => m.dir === 'out')!.body.content).toContain('党员关怀助手');
    const bad = await fetch(`${base}/local/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'bad user!', text: 'x' }) });
    expect(bad.status).toBe(400);
    p.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 180_000);
});
