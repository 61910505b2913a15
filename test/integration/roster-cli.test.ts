// The roster commands as scripts use them: results on stdout, logs on stderr, exit codes. A real process for
// the contract itself (on PostgreSQL), in-process runCli for the rest on both databases (a process costs ~2 s).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { createTestDatabase, DB_KINDS, type DbKind, type TestDb } from '../helpers/db.ts';
import { farRightCellXlsx, zipBombXlsx } from '../helpers/hostile-xlsx.ts';
import { csv, FIXTURE_ROWS, HEADER } from '../helpers/roster-fixture.ts';
import { runEntryToExit } from '../helpers/processes.ts';

const BAD_ROW = '坏,,男,,2020-01-01,2019-01-01,G,B,,,,';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function setup(kind: DbKind) {
  const ctx = { t: undefined as TestDb | undefined, dir: mkdtempSync(path.join(tmpdir(), 'pc-roster-cli-')) };
  const env = (): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
    delete e.DATABASE_URL;
    if (kind === 'postgres') e.DATABASE_URL = ctx.t!.url;
    else e.DATA_DIR = path.join(ctx.dir, 'data');
    return e;
  };
  const file = (name: string, bytes: Buffer) => {
    const p = path.join(ctx.dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  beforeAll(async () => {
    if (kind === 'postgres') ctx.t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await ctx.t?.drop();
    rmSync(ctx.dir, { recursive: true, force: true });
  });
  return { ctx, env, file };
}

describe('roster CLI as a process (postgres)', () => {
  const { env, file } = setup('postgres');
  const spawnCli = (...args: string[]): Promise<Run> => spawnWith([], ...args);
  const spawnWith = async (nodeOptions: string[], ...args: string[]): Promise<Run & { signal: string | null }> => {
    const r = await runEntryToExit(['src/cli.ts', ...args], env(), { nodeOptions });
    return { code: r.code ?? 1, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  };

  // Issue 8 point 8, in a process with a 256 MB heap: the far-right sheet is read, the zip bomb refused with
  // a clear error — both exit cleanly instead of being killed by the heap limit.
  it('import-roster reads a sheet with a cell in column XFD on 30,000 rows and refuses a zip bomb, under a 256 MB heap', async () => {
    const heap = ['--max-old-space-size=256'];
    const far = await spawnWith(heap, 'import-roster', '--dry-run', file('far.xlsx', await farRightCellXlsx(30_000)));
    expect(far).toMatchObject({ code: 0, signal: null });
    expect(far.stdout).toContain('试运行（未写入任何数据）：共 30000 行；新增 30000 人');
    const bomb = await spawnWith(heap, 'import-roster', file('bomb.xlsx', await zipBombXlsx(300, true)));
    expect(bomb).toMatchObject({ code: 1, signal: null });
    expect(bomb.stderr).toContain('XLSX 文件解压后超过 256 MB 的上限（可能是异常文件），请另存为 CSV 或拆分后导入');
  }, 180_000);

  it('exits 1 on a bad file with the bad rows on stdout, 0 on a good one, and exports CSV on stdout', async () => {
    const bad = await spawnCli('import-roster', file('bad.csv', csv([...FIXTURE_ROWS, BAD_ROW])));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('第 11 行（转正日期）：转正日期 2019-01-01 早于入党日期 2020-01-01');
    expect(bad.stderr).toContain('nothing was written');
    expect(bad.stderr).not.toContain('第 11 行');

    const good = await spawnCli('import-roster', file('good.csv', csv()));
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('导入完成：共 9 行；新增 9 人');

    const exported = await spawnCli('export-roster');
    expect(exported.code).toBe(0);
    expect(exported.stdout.startsWith('\uFEFF姓名,账号,钉钉账号,性别')).toBe(true);
    expect(exported.stdout.trim().split('\r\n')).toHaveLength(10);
    expect(exported.stderr).toContain('9 members');
  });
});

describe.each(DB_KINDS)('roster CLI commands on %s', (kind) => {
  const { ctx, env, file } = setup(kind);
  const saved = { ...process.env };
  const cli = async (...args: string[]): Promise<Run> => {
    const lines: string[] = [];
    const errs: string[] = [];
    // Captures writes; a write callback (export-roster waits for it) is called as a stream would.
    const capture = (into: string[]) => (chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as ((err?: Error) => void) | undefined;
      cb?.();
      return true;
    };
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture(errs));
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture(lines));
    process.env = env();
    try {
      const code = await runCli(args, (l) => lines.push(`${l}\n`) > 0);
      return { code, stdout: lines.join(''), stderr: errs.join('') };
    } finally {
      process.env = saved;
      stderr.mockRestore();
      stdout.mockRestore();
    }
  };

  it('import-roster writes nothing from a bad file, then imports a good one; --json gives the report', async () => {
    const bad = await cli('import-roster', file('bad.csv', csv([...FIXTURE_ROWS, BAD_ROW])));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('第 11 行（转正日期）');
    expect((await cli('export-roster')).stdout.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(1);

    const good = file('good.csv', csv());
    expect((await cli('import-roster', good)).code).toBe(0);
    const again = await cli('import-roster', good, '--dry-run', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, report: { dryRun: true, members: { created: 0, unchanged: 9 } } });
  });

  it('export-roster writes xlsx to --out', async () => {
    const out = path.join(ctx.dir, 'roster.xlsx');
    const x = await cli('export-roster', '--format', 'xlsx', '--out', out);
    expect(x.code).toBe(0);
    expect(x.stdout).toContain('已导出 9 名党员');
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
  });

  it('import-roster reads 钉钉账号 (issue 15): the dry run names its changes, export-roster writes it after 账号', async () => {
    const rows = [...FIXTURE_ROWS.map((r) => `${r},${r.startsWith('王芳,') ? 'WangFangDing' : ''}`), '钉钉新,,男,,2020-01-01,,数学学院党总支,教工党支部,,,,,dingxin01'];
    const withDingtalk = file('dingtalk.csv', csv(rows, `${HEADER},钉钉账号`));
    const dry = await cli('import-roster', withDingtalk, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('第 9 行 王芳：更新 钉钉账号');
    expect(dry.stdout).toContain('第 11 行 钉钉新：新增');
    expect((await cli('import-roster', withDingtalk)).code).toBe(0);
    const lines = (await cli('export-roster')).stdout.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines).toContain('王芳,wangfang01,WangFangDing,女,1968-04-01,1992-07-01,1993-07-01,数学学院党总支,教工党支部,党总支书记、支部书记,,,,否,否');
    expect(lines).toContain('钉钉新,,dingxin01,男,,2020-01-01,,数学学院党总支,教工党支部,,,,,否,否');
  });

  it('fails non-zero on usage errors (2), unreadable files and a non-empty seed target (1)', async () => {
    expect((await cli('import-roster')).code).toBe(2);
    expect((await cli('import-roster', 'a.csv', '--force')).code).toBe(2);
    expect((await cli('export-roster', '--format', 'pdf')).code).toBe(2);
    expect((await cli('seed-demo', '--members', 'ten')).code).toBe(2);
    const missing = await cli('import-roster', path.join(ctx.dir, 'nope.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    const seed = await cli('seed-demo', '--members', '100');
    expect(seed.code).toBe(1);
    expect(seed.stderr).toContain('empty roster');
  });
});
