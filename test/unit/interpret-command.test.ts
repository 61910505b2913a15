// `interpret` as operators and scripts use it: the roster loaded from the database (embedded PGlite under a
// temporary DATA_DIR, the same config/connect/migrate path as the roster commands), one JSON object per message,
// --batch on stdin, clear errors and a non-zero outcome for an unknown writer or a bad line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INTERPRET_COMMANDS, createMessageInterpreter } from '../../src/cli/interpret-command.ts';
import { loadRosterIndex } from '../../src/conversation/roster-cache.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { UsageError } from '../../src/errors.ts';
import { importRosterFile } from '../../src/roster/import.ts';
import { csv, TODAY } from '../helpers/roster-fixture.ts';

const NOW = '2026-11-26T10:00:00+08:00';
const dir = mkdtempSync(path.join(tmpdir(), 'pc-interpret-'));
const saved = { ...process.env };

beforeAll(async () => {
  process.env = { ...saved, DATA_DIR: path.join(dir, 'data'), APP_TIMEZONE: 'Asia/Shanghai', LOG_LEVEL: 'silent' };
  delete process.env.DATABASE_URL;
  const h = await connectDatabase({ dataDir: process.env.DATA_DIR! });
  try {
    await migrateToLatest(h.db);
    const outcome = await importRosterFile(h.db, csv(), { today: TODAY });
    expect(outcome.ok).toBe(true);
  } finally {
    await h.close();
  }
});

afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], stdin?: string): Promise<string[]> {
  const lines: string[] = [];
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await INTERPRET_COMMANDS.interpret!.run(args, (l) => lines.push(l), stdin === undefined ? undefined : Readable.from([stdin]));
    return lines;
  } finally {
    err.mockRestore();
  }
}

describe('interpret command', () => {
  it('prints one JSON object with exactly the keys of the issue', async () => {
    // 李书记 (committee secretary) writes about 王芳芳 (a name with 王芳 as its prefix)
    const out = await cli(['--as', 'lishuji', '--now', NOW, '11月20日', '走访王芳芳，患病住院，送慰问金500元']);
    expect(out).toHaveLength(1);
    const r = JSON.parse(out[0]!);
    expect(Object.keys(r)).toEqual(['intent', 'members', 'ambiguous', 'date', 'reason', 'note']);
    expect(r).toEqual({ intent: 'log_visit', members: ['wangfangfang01'], ambiguous: [], date: '2026-11-20', reason: 'hospitalised', note: '送慰问金500元' });
  });

  it('resolves in the writer\'s scope from the roster and roles in the database', async () => {
    // 周委员 is branch secretary of 教工第一党支部 (计算机学院): 吴党员 is theirs, 王芳 (数学学院) is not
    const mine = JSON.parse((await cli(['--as', 'zhouweiyuan', '--now', NOW, '和吴党员谈心，岗位调整']))[0]!);
    expect(mine).toMatchObject({ intent: 'log_talk', members: ['wudangyuan'], reason: 'job_change', date: '2026-11-26' });
    const other = JSON.parse((await cli(['--as', 'zhouweiyuan', '--now', NOW, '和王芳谈心']))[0]!);
    expect(other.members).toEqual([]);
    // a plain member reports about themself
    const self = JSON.parse((await cli(['--as', 'wudangyuan', '--now', NOW, '报告：我母亲去世了']))[0]!);
    expect(self).toMatchObject({ intent: 'report_event', members: ['wudangyuan'], reason: 'bereavement' });
  });

  it('--batch reads {"as","text","now"?} lines and prints one line each; bad lines give {"error"} and fail the run', async () => {
    const lines: string[] = [];
    const input = [
      JSON.stringify({ as: 'lishuji', text: '本月政治生日', now: NOW }),
      '',
      JSON.stringify({ as: 'sunzongzhi', text: '昨天和吴党员谈心', now: NOW }),
      'not json',
      JSON.stringify({ as: 'nobody', text: '帮助' }),
      JSON.stringify({ as: 'lishuji', text: '撤销' }),
    ].join('\n');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(INTERPRET_COMMANDS.interpret!.run(['--batch'], (l) => lines.push(l), Readable.from([input]))).rejects.toThrow('2 line(s)');
    } finally {
      err.mockRestore();
    }
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[0]!)).toMatchObject({ intent: 'birthdays' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ intent: 'log_talk', members: ['wudangyuan'], date: '2026-11-25' });
    expect(JSON.parse(lines[2]!)).toEqual({ error: 'line 4: not a JSON object' });
    expect(JSON.parse(lines[3]!).error).toContain('no member has the chat account "nobody"');
    expect(JSON.parse(lines[4]!)).toMatchObject({ intent: 'undo' });
  });

  it('an unknown --as is a clear error; usage mistakes are usage errors', async () => {
    await expect(cli(['--as', 'nobody', '帮助'])).rejects.toThrow('no member has the chat account "nobody"');
    await expect(cli(['帮助'])).rejects.toBeInstanceOf(UsageError);
    await expect(cli(['--as', 'lishuji'])).rejects.toBeInstanceOf(UsageError);
    await expect(cli(['--as', 'lishuji', '--now', 'yesterday', '帮助'])).rejects.toBeInstanceOf(UsageError);
    await expect(cli(['--batch', '帮助'])).rejects.toBeInstanceOf(UsageError);
    await expect(cli(['--as', 'lishuji', '--bogus', '帮助'])).rejects.toBeInstanceOf(UsageError);
  });

  it('lists a member without a chat account as member:<id> (issue 11 point 11)', async () => {
    // 郑预备 (本科生第一党支部, 计算机学院) has no account: 孙总支 (GB secretary there) names her like anyone else.
    const r = JSON.parse((await cli(['--as', 'sunzongzhi', '--now', NOW, '今天和郑预备谈心了']))[0]!);
    const h = await connectDatabase({ dataDir: process.env.DATA_DIR! });
    try {
      const row = await h.db.selectFrom('members').select('id').where('name', '=', '郑预备').executeTakeFirstOrThrow();
      expect(r).toMatchObject({ intent: 'log_talk', members: [`member:${row.id}`], ambiguous: [], reason: 'routine' });
    } finally {
      await h.close();
    }
  });

  it('loads every active member, with an account or not, and changes nothing', async () => {
    const h = await connectDatabase({ dataDir: process.env.DATA_DIR! });
    try {
      const index = await loadRosterIndex(h.db);
      expect(index.size).toBe(9); // 郑预备 has no account and is indexed too
      expect(index.byUserid.size).toBe(8);
      expect(index.byName.get('郑预备')!.map((m) => m.userid)).toEqual([null]);
      expect(index.byName.get('王芳')!.map((m) => m.userid)).toEqual(['wangfang01']);
      const interpretAs = createMessageInterpreter(h.db, index, 'Asia/Shanghai');
      const r = await interpretAs('lishuji', '谈心进度', new Date(NOW));
      expect(r.intent).toBe('progress');
    } finally {
      await h.close();
    }
  });
});
