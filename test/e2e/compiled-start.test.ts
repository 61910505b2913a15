// Issue 17 §1, production start: the build (scripts/build.mjs into a temporary folder laid out as an installed
// package), the compiled server run by plain node — ready, answering, one process that is the one serving the
// port, SIGTERM → exit 0 with nothing of its group left — and the `partycare` bin running the compiled CLI in
// its own process (through a symlink, as npm installs it), with a clear message when nothing was built.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from '../helpers/env.ts';
import { startFakeWecom, type FakeWecom } from '../helpers/fake-wecom.ts';
import { finished, ROOT, runProcess, type RunningEntry } from '../helpers/processes.ts';
import { procStat } from '../helpers/process-records.ts';
import { cleanRedisPrefix, waitFor, WECOM, wecomEnv } from '../helpers/stack.ts';
import { makeCallback, textMessageXml, toQueryString } from '../helpers/wecom-signer.ts';

// The ports this test may serve on (its range on the shared machine).
const PORT_RANGE = [4100, 4199] as const;

const tmp = mkdtempSync(path.join(tmpdir(), 'pc-build-compiled-'));
const dist = path.join(tmp, 'dist');
const bin = path.join(tmp, 'node_modules-bin', 'partycare');
const dbName = `pc_build_${randomBytes(6).toString('hex')}`;
const prefix = `pcbuild${randomBytes(4).toString('hex')}`;
let fake: FakeWecom;
let env: Record<string, string>;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function portInRange(): Promise<number> {
  const offset = Math.floor(Math.random() * (PORT_RANGE[1] - PORT_RANGE[0] + 1));
  for (let i = 0; i <= PORT_RANGE[1] - PORT_RANGE[0]; i++) {
    const port = PORT_RANGE[0] + ((offset + i) % (PORT_RANGE[1] - PORT_RANGE[0] + 1));
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${PORT_RANGE.join('-')}`);
}

/** Every live process of a process group (zombies are already dead). */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = procStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (Number(stat[2]) === pgid && stat[0] !== 'Z') pids.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const commandLine = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();

/** The socket inodes of a process's listening TCP sockets on `port` (from /proc/net/tcp{,6} and its fds). */
function listensOn(pid: number, port: number): boolean {
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, inode is the tenth field.
      if (f.length > 9 && parseInt(f[1]!.split(':')[1]!, 16) === port && f[3] === '0A') listening.add(f[9]!);
    }
  }
  return readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      return listening.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '');
    } catch {
      return false;
    }
  });
}

/** The group is the process itself, and it is node running compiled JavaScript: no TypeScript loader anywhere. */
function expectOneNodeProcess(p: RunningEntry): void {
  const pid = p.child.pid!;
  expect(groupMembers(pid)).toEqual([pid]);
  expect(realpathSync(`/proc/${pid}/exe`)).toBe(realpathSync(process.execPath));
  expect(commandLine(pid)).not.toMatch(/tsx/);
  expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toMatch(/tsx/);
}

function expectGroupGone(p: RunningEntry): void {
  let error: unknown;
  try {
    process.kill(-p.child.pid!, 0);
  } catch (err) {
    error = err;
  }
  expect((error as NodeJS.ErrnoException | undefined)?.code).toBe('ESRCH');
}

beforeAll(async () => {
  const build = await finished(runProcess(process.execPath, ['scripts/build.mjs', '--out', dist], {}));
  expect(build.code, build.stderr).toBe(0);
  // Laid out as an installed package: package.json (type: module), node_modules, the bin through a symlink.
  copyFileSync(path.join(ROOT, 'package.json'), path.join(tmp, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'));
  mkdirSync(path.join(tmp, 'bin'));
  copyFileSync(path.join(ROOT, 'bin/partycare.js'), path.join(tmp, 'bin/partycare.js'));
  mkdirSync(path.dirname(bin));
  symlinkSync('../bin/partycare.js', bin);
  await admin(`create database ${dbName}`);
  fake = await startFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId });
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${dbName}`;
  env = {
    DATABASE_URL: url.toString(),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    QUIET_HOURS: '',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ...wecomEnv(fake.baseUrl),
    // The bin's `#!/usr/bin/env node` finds this node.
    PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`,
  };
}, 600_000);

afterAll(async () => {
  await fake?.close();
  await admin(`drop database if exists ${dbName} with (force)`);
  await cleanRedisPrefix(prefix);
  rmSync(tmp, { recursive: true, force: true });
});

describe('compiled start', () => {
  it('the build: JavaScript with source maps, the run-time assets, one migration per source file; --check tells when it is stale', async () => {
    expect(existsSync(path.join(dist, 'src/main.js'))).toBe(true);
    expect(existsSync(path.join(dist, 'src/main.js.map'))).toBe(true);
    expect(existsSync(path.join(dist, 'src/platforms/local/chat.html'))).toBe(true);
    expect(existsSync(path.join(dist, 'src/platforms/local/markdown-view.js'))).toBe(true);
    const sources = readdirSync(path.join(ROOT, 'migrations')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    const compiled = readdirSync(path.join(dist, 'migrations'));
    expect(compiled.filter((f) => f.endsWith('.js')).map((f) => f.replace(/\.js$/, ''))).toEqual(sources);
    expect(compiled.filter((f) => !f.endsWith('.js') && !f.endsWith('.js.map'))).toEqual([]);

    const check = () => finished(runProcess(process.execPath, ['scripts/build.mjs', '--out', dist, '--check'], {}));
    expect((await check()).code).toBe(0);
    // As if every source had changed after the build.
    const stamp = path.join(dist, '.build-complete');
    const built = new Date(readFileSync(stamp, 'utf8').trim());
    utimesSync(stamp, new Date('2000-01-01'), new Date('2000-01-01'));
    const stale = await check();
    utimesSync(stamp, built, built);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('needs a build');
  });

  it('node runs dist/src/main.js: ready, a callback answered, the process itself serves the port, SIGTERM → exit 0 and nothing left', async () => {
    const port = await portInRange();
    const p = runProcess(process.execPath, ['--enable-source-maps', path.join(dist, 'src/main.js')], { ...env, PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(() => fetch(`${base}/readyz`).then((r) => r.status === 200, () => false), 120_000, `/readyz 200 (${p.output()})`);
    expectOneNodeProcess(p);
    expect(listensOn(p.child.pid!, port)).toBe(true);

    // The compiled migrations ran from dist/migrations: every one, by its source's name.
    const c = new pg.Client({ connectionString: env.DATABASE_URL });
    await c.connect();
    const applied = (await c.query<{ name: string }>('select name from kysely_migration order by name')).rows.map((r) => r.name);
    await c.end();
    expect(applied).toEqual(readdirSync(path.join(ROOT, 'migrations')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')));

    // Server and workers at work: a message in, an answer out through the (fake) WeCom API.
    const xml = textMessageXml({ from: 'compiled1', content: '帮助', msgId: String(7_000_000_000_000_000_000n + BigInt(port)), createTime: Math.floor(Date.now() / 1000), corpId: WECOM.corpId, agentId: WECOM.agentId });
    const cb = makeCallback({ ...WECOM, plaintextXml: xml });
    const res = await fetch(`${base}/wecom/callback?${toQueryString(cb.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });
    expect(res.status).toBe(200);
    await waitFor(() => fake.sent.some((m) => m.touser === 'compiled1'), 60_000, 'the answer sent');

    p.kill('SIGTERM');
    const code = await Promise.race([p.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code, p.output()).toBe(0);
    expectGroupGone(p);
    // Log shipping (docs/deploy.md) reads stderr as pino JSON, one object per line: nothing else may write there
    // (a library's console.warn once did, and broke the documented jq pipeline).
    const notJson = p.stderr().split('\n').filter((line) => line.trim() !== '' && !isJsonObject(line));
    expect(notJson).toEqual([]);
  }, 300_000);

  it('the partycare bin (a symlink, as npm installs it) runs the compiled CLI with plain node in its own process', async () => {
    const help = await finished(runProcess(bin, ['--help'], env));
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('commands:');
    expect(help.stdout).toContain('seed-demo');

    // Real work through the bin: a roster import (the database migrated by whichever process came first).
    const csv = path.join(tmp, 'roster.csv');
    writeFileSync(csv, '姓名,账号,入党日期,转正日期,党总支,党支部,职务\n编译测试,compiledbin,2010-07-01,2011-07-01,测试党总支,测试党支部,\n');
    const imported = await finished(runProcess(bin, ['import-roster', csv, '--allow-new-organisations'], env));
    expect(imported.code, imported.stderr).toBe(0);

    // A command that waits on its input: the process can be looked at while it works.
    const p = runProcess(bin, ['interpret', '--batch'], env, { stdin: 'pipe' });
    p.child.stdin!.write(`${JSON.stringify({ as: 'compiledbin', text: '帮助' })}\n`);
    await waitFor(() => p.stdout().includes('\n'), 120_000, `the first answer (${p.output()})`);
    expect(p.stdout()).not.toContain('"error"');
    expectOneNodeProcess(p);
    expect(commandLine(p.child.pid!)).toContain(bin);
    p.child.stdin!.end();
    expect(await p.exited, p.output()).toBe(0);
    expectGroupGone(p);
  }, 180_000);

  it('the bin without a build says to run npm run build, and fails', async () => {
    const bare = path.join(tmp, 'unbuilt');
    mkdirSync(path.join(bare, 'bin'), { recursive: true });
    copyFileSync(path.join(ROOT, 'package.json'), path.join(bare, 'package.json'));
    copyFileSync(path.join(ROOT, 'bin/partycare.js'), path.join(bare, 'bin/partycare.js'));
    const r = await finished(runProcess(process.execPath, [path.join(bare, 'bin/partycare.js'), '--help'], env));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('run npm run build');
    expect(r.stdout).toBe('');
  });
});

function isJsonObject(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}
