// A throwaway PostgreSQL cluster of our own (initdb into a temp dir, a free 127.0.0.1 port), so a test can
// stop, crash and restart the server without touching the shared one. PostgreSQL refuses to run as root:
// when we are root, every binary runs as the `postgres` OS user on a directory that user owns.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './redis-server.ts';
import { procStat, recordProcess } from './process-records.ts';

const run = promisify(execFile);

export interface OwnPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication). */
  url: string;
  port: number;
  /** `pg_ctl start`, waiting until connections are accepted. */
  start(): Promise<void>;
  /** `pg_ctl stop -m <mode>`: `immediate` is a crash (no checkpoint, sessions cut), `fast` a clean stop. */
  stop(mode?: 'immediate' | 'fast' | 'smart'): Promise<void>;
  /** `pg_ctl restart -m <mode>`. */
  restart(mode?: 'immediate' | 'fast' | 'smart'): Promise<void>;
  /** Stops whatever runs (immediate) and removes the cluster's directory. Safe to call twice. */
  destroy(): Promise<void>;
}

/** The newest installed server's bin directory (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(path.join(root, d, 'bin', 'initdb'))) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  if (!majors[0]) throw new Error(`no PostgreSQL server binaries under ${root}/*/bin`);
  return path.join(root, majors[0], 'bin');
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  // The free port is free when we look; another process may take it before the postmaster binds it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCluster();
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function startCluster(): Promise<OwnPostgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-pg-'));
  const data = path.join(dir, 'data');
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { cwd: dir }) : run(path.join(bin, tool), args, { cwd: dir });

  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // The socket lives in our directory (not /var/run/postgresql, which the shared server uses). fsync off:
  // the tests crash the server process, not the machine, so the OS still holds every write — but commits
  // stay synchronous, or an immediate stop would lose transactions it had acknowledged.
  const options = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=off'].join(' ');
  const ctl = (args: string[]) => exec('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), ...args]);
  let destroyed = false;

  const waitAccepting = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
      c.on('error', () => {});
      try {
        await c.connect();
        await c.query('select 1');
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`own PostgreSQL on ${port} did not accept connections: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await c.end().catch(() => {});
      }
    }
  };

  // pg_ctl starts the postmaster in a session of its own: the teardown checks that group is gone.
  const recordPostmaster = () => {
    const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const leads = procStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))[2] === String(pid);
    recordProcess(pid, `postgres -D ${data} ${options}`, leads);
  };

  const self: OwnPostgres = {
    url,
    port,
    async start() {
      await ctl(['-o', options, '-w', '-t', '60', 'start']);
      recordPostmaster();
      await waitAccepting();
    },
    async stop(mode = 'fast') {
      await ctl(['-m', mode, '-w', '-t', '60', 'stop']);
    },
    async restart(mode = 'fast') {
      await ctl(['-o', options, '-m', mode, '-w', '-t', '60', 'restart']);
      recordPostmaster();
      await waitAccepting();
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await ctl(['-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => {});
      // pg_ctl could not stop it (or is gone): the postmaster's pid is the first line of postmaster.pid.
      const pidFile = path.join(data, 'postmaster.pid');
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (pid > 0) {
          try {
            process.kill(pid, 'SIGQUIT');
          } catch {
            /* already gone */
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await self.start();
  } catch (err) {
    const logFile = path.join(dir, 'server.log');
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2_000) : '';
    await self.destroy();
    throw new Error(`own PostgreSQL did not start: ${(err as Error).message}\n${log}`);
  }
  return self;
}
