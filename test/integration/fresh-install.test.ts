// Issue 9.9: a fresh install does not contradict itself. The year's talk quotas exist from the first start
// (and after every import), before any 08:50 sweep; the demo says when today's greetings will be pushed.
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../helpers/stack.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS } from '../helpers/db.ts';
import { refreshQuotaObligationsAfterImport } from '../../src/care/obligations.ts';
import { whenTodaysPushesGo } from '../../src/notices/sweep.ts';
import { parseQuietHours } from '../../src/domain/quiet-hours.ts';

const TZ = 'Asia/Shanghai';
const quiet = parseQuietHours('21:00-08:00');

describe('when the greetings go', () => {
  it('from 09:00, now if later, never in quiet hours', () => {
    expect(whenTodaysPushesGo(new Date('2026-11-29T22:50:00Z'), TZ, quiet)).toBe('今天09:00起推送'); // 06:50
    expect(whenTodaysPushesGo(new Date('2026-11-30T02:30:00Z'), TZ, quiet)).toBe('今天10:30起推送');
    expect(whenTodaysPushesGo(new Date('2026-11-30T14:00:00Z'), TZ, quiet)).toBe('明天08:00起推送（夜间免打扰时段不推送）'); // 22:00
    expect(whenTodaysPushesGo(new Date('2026-11-30T14:00:00Z'), TZ, null)).toBe('今天22:00起推送');
  });
});

describe.each(DB_KINDS)('quotas from the first import on %s', (kind) => {
  it('the first import opens the year\'s quota obligations, without a sweep', async () => {
    const db = await createTestDatabase(kind);
    try {
      await importCareRoster(db.db);
      const r = await refreshQuotaObligationsAfterImport(db.db, '2026-11-26', new Date('2026-11-26T02:00:00Z'));
      expect(r.opened).toBeGreaterThan(0);
      const n = await db.db.selectFrom('care_obligations').select('id').where('source', '=', 'quota').where('period', '=', '2026').execute();
      expect(n.length).toBe(r.opened);
    } finally {
      await db.drop();
    }
  });
});

describe('a fresh start', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('a branch secretary asking 谈心进度 before any sweep sees the year\'s list, not "no quota"', async () => {
    stack = await startStack({ overrides: { clock: () => new Date('2026-11-26T00:30:00Z') } });
    await importCareRoster(stack.deps.db.db);
    expect(await stack.deps.db.db.selectFrom('sweep_days').select('on_date').execute()).toEqual([]);
    await stack.startWorkers();
    const res = await fetch(`${stack.baseUrl}/local/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'zhouzhishu', text: '谈心进度' }) });
    expect(res.status).toBe(202);
    const reply = await waitFor(async () => {
      const list = (await (await fetch(`${stack!.baseUrl}/local/messages?userId=zhouzhishu`)).json()) as Array<{ dir: string; body: { content?: string } }>;
      return list.find((m) => m.dir === 'out')?.body.content;
    }, 60_000, 'the reply');
    expect(reply).not.toContain('没有年度谈心任务');
    expect(reply).toMatch(/谈心/);
  });
});
