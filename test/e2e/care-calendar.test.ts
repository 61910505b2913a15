// End to end for the care calendar: roster in, sweep for a day, and a fake WeCom API receives exactly the
// greetings due — once, when the sweep runs twice, and when the worker is killed in the middle of a delivery.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, waitForDeliveriesSettled, WECOM, type Stack } from '../helpers/stack.ts';
import { importCareRoster, CARE_ROWS } from '../helpers/care-roster.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { startFakeWecom, type FakeWecom } from '../helpers/fake-wecom.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { cleanRedisPrefix, wecomEnv } from '../helpers/stack.ts';
import { localDate } from '../../src/domain/dates.ts';
import { jobId, QUEUE } from '../../src/jobs/queues.ts';
import { runEntry } from '../helpers/processes.ts';

describe('greetings in process', () => {
  let stack: Stack;
  afterEach(() => stack?.close());

  it('a sweep run twice delivers each due greeting exactly once, after 09:00', async () => {
    // 09:05 in Shanghai, and running: a fixed clock would never reach the later spread slots.
    stack = await startStack({ wecom: true, workers: true, overrides: { clock: runningClock('2026-11-26T01:05:00Z').clock } });
    await importCareRoster(stack.deps.db.db);
    await runSweep(sweepDeps(stack.deps), '2026-11-26');
    await runSweep(sweepDeps(stack.deps), '2026-11-26');
    await waitFor(() => stack.fake!.sent.length >= 4, 60_000, 'greetings');
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
    const greetings = stack.fake!.sent.filter((m) => m.msgtype === 'markdown' && String(m.body.markdown.content).includes('政治生日快乐'));
    expect(greetings.map((m) => m.touser).sort()).toEqual(['chenbiezhi', 'wushengri', 'zhenglao']);
    // Besides them, once: the OD hears which offices are vacant (issue 11, point 7: 机关党总支 has no secretaries).
    const others = stack.fake!.sent.filter((m) => !greetings.includes(m));
    expect(others.map((m) => m.touser)).toEqual(['zhaozuzhi']);
    expect(others[0]!.body.markdown.content).toContain('以下 3 个党组织负责人空缺');
  });

  it('quiet hours hold pushes until 08:00 but not replies', async () => {
    let now = new Date('2026-11-26T14:00:00Z'); // 22:00 in Shanghai
    stack = await startStack({ wecom: true, workers: true, env: { QUIET_HOURS: '21:00-08:00' }, overrides: { clock: () => now }, members: ['night'] });
    const [pushId] = await stack.deps.outbox.send([{ idempotencyKey: 'push-at-night', platform: 'wecom', recipient: 'night', message: { type: 'text', content: '提醒' }, push: true }]);
    const [reply] = await stack.deps.outbox.send([{ idempotencyKey: 'reply-at-night', platform: 'wecom', recipient: 'night', message: { type: 'text', content: '回复' } }]);
    await waitFor(() => stack.fake!.sent.some((m) => m.body.text?.content === '回复'), 60_000, 'the reply');
    expect(reply).toBeDefined();
    const pushed = () => stack.fake!.sent.filter((m) => m.body.text?.content === '提醒');
    // The worker took the push and put it back to wait for 08:00 — ten hours from 22:00 — without an attempt.
    // (The job starts out waiting: delayed means a worker has seen it.)
    const job = () => stack.deps.queues.outbound.getJob(jobId.outbound(stack.deps.instanceId, pushId!));
    const delayedFor = async () => {
      const j = await job();
      return j && (await j.getState()) === 'delayed' ? j.delay : undefined;
    };
    const row = () => stack.deps.db.db.selectFrom('deliveries').selectAll().where('id', '=', pushId!).executeTakeFirstOrThrow();
    const tenHours = 10 * 3_600_000;
    const held = await waitFor(delayedFor, 60_000, 'the worker to hold the push');
    expect(held).toBeGreaterThan(tenHours - 60_000);
    expect(held).toBeLessThanOrEqual(tenHours);
    expect(await row()).toMatchObject({ status: 'pending', attempts: 0 });
    expect(pushed()).toEqual([]);

    // At 07:59 its time has not come: taken again (as the delay running out would), it waits the last minute.
    now = new Date('2026-11-26T23:59:00Z');
    await (await job())!.promote();
    const again = await waitFor(delayedFor, 60_000, 'the worker to hold the push again at 07:59');
    expect(again).toBeGreaterThan(0);
    expect(again).toBeLessThanOrEqual(60_000);
    expect(await row()).toMatchObject({ status: 'pending', attempts: 0 });
    expect(pushed()).toEqual([]);

    // At 08:00 it goes, once.
    now = new Date('2026-11-27T00:00:30Z');
    await (await job())!.promote();
    await waitFor(() => pushed().length > 0, 60_000, 'the push after 08:00');
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound);
    expect(pushed()).toHaveLength(1);
    expect(await row()).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

/** An IANA zone in which it is now around midday, so a real-clock process is past 09:00 and outside quiet hours. */
function middayZone(): string {
  const h = 12 - new Date().getUTCHours();
  return h === 0 ? 'Etc/GMT' : `Etc/GMT${h > 0 ? '-' : '+'}${Math.abs(h)}`;
}

describe('a worker killed in the middle of a delivery', () => {
  let fake: FakeWecom;
  let db: TestDb;
  afterAll(async () => {
    await fake?.close();
    await db?.drop();
  });

  it('the delivery is taken over after its lease and arrives exactly once', async () => {
    const tz = middayZone();
    const today = localDate(new Date(), tz);
    fake = await startFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId });
    db = await createTestDatabase('postgres');
    // One member whose political birthday is today in that zone, and a secretary (needed by the roster shape).
    const md = today.slice(5);
    await importCareRoster(db.db, [CARE_ROWS[0]!, CARE_ROWS[1]!, `今日生,jinrisheng,男,1980-01-01,2010-${md},2011-${md},计算机学院党总支,教工第一党支部,,,`]);
    const prefix = `pce${Date.now().toString(36)}`;
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: db.url!,
      REDIS_URL: TEST_REDIS_URL,
      APP_TIMEZONE: tz,
      QUIET_HOURS: '',
      JOB_LEASE_SECONDS: '3',
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      ...wecomEnv(fake.baseUrl),
    };
    // One node process each, in its own group: the SIGKILL below hits the worker itself.
    const start = (args: string[]) => runEntry(args, env);
    const redis = new Redis(TEST_REDIS_URL);
    const instance = async () => (await db.db.selectFrom('settings').select('value').where('key', '=', 'instance_id').executeTakeFirstOrThrow()).value as string;
    let outbound: Queue | undefined;
    try {
      // The first send hangs; the worker is killed while it waits.
      fake.inject('message/send', { hangMs: 60_000, times: 1 });
      const worker1 = start(['src/main.ts', 'worker']);
      const sweep = start(['src/cli.ts', 'sweep', '--date', today]);
      expect(await sweep.exited).toBe(0);
      await waitFor(async () => {
        const r = await db.db.selectFrom('deliveries').select('status').where('recipient', '=', 'jinrisheng').executeTakeFirst();
        return r?.status === 'sending';
      }, 60_000, 'the first attempt to be in flight');
      worker1.kill('SIGKILL');
      expect(await worker1.exited).toBe(-1);
      expect(worker1.signal()).toBe('SIGKILL');

      const worker2 = start(['src/main.ts', 'worker']);
      await waitFor(() => fake.sent.some((m) => m.touser === 'jinrisheng'), 60_000, 'the greeting after the takeover');
      // A second sweep of the day adds nothing.
      const again = start(['src/cli.ts', 'sweep', '--date', today]);
      expect(await again.exited).toBe(0);
      expect(again.output()).toContain('"recorded":0');
      // Nothing else will come: the row is finished and the worker's queue empty (the killed worker's job,
      // stalled, was handed to the second worker, which found the row sent).
      outbound = new Queue(QUEUE.outbound, { connection: redis, prefix: `${prefix}-${await instance()}` });
      await waitForDeliveriesSettled(db, outbound);
      expect(fake.sent.filter((m) => m.touser === 'jinrisheng')).toHaveLength(1);
      const row = await db.db.selectFrom('deliveries').selectAll().where('recipient', '=', 'jinrisheng').executeTakeFirstOrThrow();
      expect(row.status).toBe('sent');
      worker2.kill('SIGTERM');
      expect(await worker2.exited).toBe(0);
    } finally {
      await outbound?.close();
      redis.disconnect();
      await cleanRedisPrefix(prefix);
    }
  }, 300_000);
});
