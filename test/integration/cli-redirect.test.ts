// Issue 9.8: the README's documented form, `npm run -s cli -- export-roster > r.csv`, gives a clean file: the
// CSV's BOM first, no npm banner (which `npm run cli` without -s prints on standard output).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finished, runProcess } from '../helpers/processes.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pc-npm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function npmCli(args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const r = await finished(runProcess('npm', ['run', '-s', 'cli', '--', ...args], { HOME: process.env.HOME ?? dir, DATA_DIR: dir, LOG_LEVEL: 'silent' }));
  return { code: r.code, stdout: r.stdoutBytes, stderr: r.stderr };
}

describe('the documented CLI form', () => {
  it('npm run -s cli -- export-roster writes only the CSV to standard output', async () => {
    const file = path.join(dir, 'in.csv');
    writeFileSync(file, '姓名,账号,入党日期,转正日期,党总支,党支部,职务\n张三,zhangsan,2010-07-01,2011-07-01,测试党总支,测试党支部,\n');
    const imported = await npmCli(['import-roster', file]);
    expect(imported.code, imported.stderr).toBe(0);
    const exported = await npmCli(['export-roster']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.subarray(0, 3).toString('hex')).toBe('efbbbf');
    expect(exported.stdout.toString('utf8')).toContain('张三');
    expect(exported.stdout.toString('utf8')).not.toContain('> partycare@');
  });
});
