// A branch secretary logs the month's collective political birthday in one message; the 20th reminder then
// no longer goes to that branch. A plain member who tries is told who logs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../helpers/stack.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { decideNotices } from '../../src/notices/sweep.ts';

describe('secretary reports through the chat', () => {
  let stack: Stack;
  const now = new Date('2026-11-18T02:00:00Z');
  beforeAll(async () => {
    stack = await startStack({ workers: true, overrides: { clock: () => now } });
    await importCareRoster(stack.deps.db.db);
  });
  afterAll(() => stack.close());

  async function say(userId: string, text: string): Promise<string> {
    const before = await stack.deps.db.db.selectFrom('deliveries').select('id').where('recipient', '=', userId).execute();
    const res = await fetch(`${stack.baseUrl}/local/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, text }) });
    expect(res.status).toBe(202);
    const row = await waitFor(async () => {
      const rows = await stack.deps.db.db.selectFrom('deliveries').select(['message']).where('recipient', '=', userId).orderBy('id').execute();
      return rows.length > before.length ? rows.at(-1) : undefined;
    }, 60_000, `answer to ${userId}`);
    const m = row.message as { type: string; content?: string; card?: { title: string } };
    // A confirmation card reads as its title.
    return m.type === 'card' ? m.card!.title : m.content!;
  }

  it('logs the birthday activity for the secretary\'s branch and stops the 20th reminder', async () => {
    const before = (await decideNotices({ db: stack.deps.db.db }, '2026-11-20', false)).filter((n) => n.kind === 'birthday_activity_reminder');
    expect(before.map((n) => n.recipientUserid).sort()).toEqual(['chuzhishu', 'zhouzhishu']);
    expect(await say('zhouzhishu', '已开展11月集体政治生日活动')).toBe('已登记：教工第一党支部11月集体过政治生日活动');
    const after = (await decideNotices({ db: stack.deps.db.db }, '2026-11-20', false)).filter((n) => n.kind === 'birthday_activity_reminder');
    expect(after.map((n) => n.recipientUserid)).toEqual(['chuzhishu']);
  });

  it('a member who is not a branch secretary is told who logs it, and nothing is written', async () => {
    expect(await say('wushengri', '已开展11月集体政治生日活动')).toContain('由支部书记登记');
    const rows = await stack.deps.db.db.selectFrom('birthday_activities').selectAll().execute();
    expect(rows).toHaveLength(1);
  });

  it('a GB secretary reports the November hardship verification (now the verification\'s 核实完毕, issue 12)', async () => {
    expect(await say('sunzongzhi', '困难党员已核实上报')).toBe('计算机学院党总支2026年11月生活困难党员核实情况已上报党委组织部。核实后生活困难党员 0 名，名单无变化。');
    const escalation = (await decideNotices({ db: stack.deps.db.db }, '2026-11-30', false)).filter((n) => n.kind === 'hardship_review_escalation');
    expect(JSON.stringify(escalation[0]!.message)).not.toContain('计算机学院党总支');
  });
});
