// Issue 8 point 10: raw inbound message text is purged after `inbound_retention_days` (default 180) — by the
// daily job, in chunks, by the injected clock — while the rows and the records of talks and visits stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DB_KINDS } from '../helpers/db.ts';
import { startStack, type Stack } from '../helpers/stack.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { runEntryToExit } from '../helpers/processes.ts';
import { purgeInboundText } from '../../src/ingest/retention.ts';
import { runDailyJob } from '../../workers/sweep.ts';

// 10:00 in Shanghai: the day's sweep is due, whatever the hour the test runs at.
const NOW = new Date('2026-11-29T02:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

async function addEvent(stack: Stack, key: string, receivedAt: Date, status: string, payload: Record<string, unknown>, userId = 'talker'): Promise<void> {
  await sql`insert into inbound_events (platform, dedupe_key, user_id, kind, payload, status, received_at)
            values ('wecom', ${key}, ${userId}, ${String(payload.kind)}, ${JSON.stringify(payload)}::jsonb, ${status}, ${receivedAt})`.execute(stack.deps.db.db);
}

const text = (t: string) => ({ kind: 'text', userId: 'talker', text: t, msgId: '1', createTime: 1 });

async function events(stack: Stack) {
  const rows = await stack.deps.db.db.selectFrom('inbound_events').select(['dedupe_key', 'user_id', 'kind', 'status', 'payload']).orderBy('dedupe_key').execute();
  return Object.fromEntries(rows.map((r) => [r.dedupe_key, r]));
}

async function setRetention(stack: Stack, value: unknown): Promise<void> {
  await stack.deps.db.db
    .insertInto('settings')
    .values({ key: 'inbound_retention_days', value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value) }))
    .execute();
}

describe.each(DB_KINDS)('inbound text retention on %s', (dbKind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dbKind, members: ['leader', 'talker'], overrides: { clock: () => NOW } });
    const ids = await stack.deps.db.db.selectFrom('members').select(['id', 'userid']).execute();
    const id = (u: string) => ids.find((m) => m.userid === u)!.id;
    // A talk recorded from a message long ago: the record is the mechanism's, the message only its source.
    await stack.deps.db.db
      .insertInto('care_records')
      .values({ kind: 'talk', leader_member_id: id('leader'), member_id: id('talker'), happened_on: '2026-03-01', reason: 'job_change', note: '情绪稳定', recorded_by_member_id: id('leader') })
      .execute();
    await addEvent(stack, 'a-old-done', daysAgo(200), 'done', text('今天和张伟谈心了，他岗位变动，情绪稳定'));
    await addEvent(stack, 'b-old-failed', daysAgo(181), 'failed', text('报告：张伟住院了'));
    await addEvent(stack, 'c-old-done-2', daysAgo(300), 'done', text('已谈'));
    await addEvent(stack, 'd-old-pending', daysAgo(200), 'pending', text('还没处理完'));
    await addEvent(stack, 'e-recent', daysAgo(179), 'done', text('最近的消息'));
    await addEvent(stack, 'f-old-click', daysAgo(400), 'done', { kind: 'click', userId: 'talker', eventKey: 'todo', createTime: 1 });
    await addEvent(stack, 'g-old-card', daysAgo(400), 'done', { kind: 'card_click', userId: 'talker', eventKey: 'k', taskId: 'ask-1-0', responseCode: 'rc', selected: {}, createTime: 1 });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('a dry run counts, then the purge blanks old finished text in chunks and keeps everything else', async () => {
    const deps = { db: stack.deps.db.db, inbound: stack.deps.repos.inbound, clock: stack.deps.clock };
    const dry = await purgeInboundText(deps, { dryRun: true });
    expect(dry).toMatchObject({ retentionDays: 180, purged: 3, dryRun: true, before: daysAgo(180) });
    expect((await events(stack))['a-old-done']!.payload).toMatchObject({ text: '今天和张伟谈心了，他岗位变动，情绪稳定' });

    const before = await events(stack);
    const r = await purgeInboundText(deps, { chunk: 2 });
    expect(r.purged).toBe(3);
    const after = await events(stack);

    for (const key of ['a-old-done', 'b-old-failed', 'c-old-done-2']) {
      // The row stays — key, kind, user, status, the rest of the payload — only the text is gone.
      const { payload, ...row } = after[key]!;
      const { payload: was, ...rowWas } = before[key]!;
      expect(row).toEqual(rowWas);
      expect(payload).toEqual({ ...(was as object), text: '' });
    }
    // Not finished, within retention, or nothing typed: untouched.
    for (const key of ['d-old-pending', 'e-recent', 'f-old-click', 'g-old-card']) expect(after[key]).toEqual(before[key]);
    expect(JSON.stringify(after)).not.toContain('张伟');

    const records = await stack.deps.db.db.selectFrom('care_records').select(['kind', 'reason', 'note', 'happened_on']).execute();
    expect(records).toEqual([{ kind: 'talk', reason: 'job_change', note: '情绪稳定', happened_on: expect.anything() }]);

    // A second run finds nothing left to purge.
    expect((await purgeInboundText(deps)).purged).toBe(0);
  });

  it('the daily job purges by the setting, and a bad setting fails the purge alone, naming it', async () => {
    await setRetention(stack, 30);
    expect(await runDailyJob(stack.deps)).toMatch(/inbound text purged: 1$/);
    expect((await events(stack))['e-recent']!.payload).toMatchObject({ text: '' });
    expect(stack.logs.join('')).not.toContain('最近的消息');

    await addEvent(stack, 'h-new', daysAgo(1), 'done', text('昨天的消息'));
    await setRetention(stack, 'soon');
    await expect(purgeInboundText({ db: stack.deps.db.db, inbound: stack.deps.repos.inbound, clock: stack.deps.clock })).rejects.toThrow('inbound_retention_days');
    expect(await runDailyJob(stack.deps)).toMatch(/inbound text purge failed$/);
    expect(stack.logs.join('')).toContain('inbound text purge failed');
    expect((await events(stack))['h-new']!.payload).toMatchObject({ text: '昨天的消息' });
    await setRetention(stack, 0);
    await expect(purgeInboundText({ db: stack.deps.db.db, inbound: stack.deps.repos.inbound, clock: stack.deps.clock })).rejects.toThrow('from 1 to 3650');
  });
});

describe('purge-inbound on the command line', () => {
  const cli = (args: string[], env: Record<string, string>) => runEntryToExit(['src/cli.ts', ...args], env);

  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dbKind: 'postgres' });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('--dry-run reports what would go and changes nothing; without it the text goes', async () => {
    // The CLI runs on the wall clock: the event is dated from it.
    await sql`insert into inbound_events (platform, dedupe_key, user_id, kind, payload, status, received_at)
              values ('wecom', 'cli-old', 'u', 'text', ${JSON.stringify(text('很久以前'))}::jsonb, 'done', now() - interval '200 days')`.execute(stack.deps.db.db);
    const env = { DATABASE_URL: stack.db.url!, REDIS_URL: TEST_REDIS_URL };
    const dry = await cli(['purge-inbound', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ retentionDays: 180, wouldPurge: 1 });
    expect((await events(stack))['cli-old']!.payload).toMatchObject({ text: '很久以前' });
    const run = await cli(['purge-inbound'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ purged: 1 });
    expect((await events(stack))['cli-old']!.payload).toMatchObject({ text: '' });
    expect((await cli(['purge-inbound', '--now'], env)).code).toBe(2);
  });
});
