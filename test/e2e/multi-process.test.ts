// Issue 17 §2: two servers and two workers as real OS processes on one PostgreSQL and one Redis prefix.
// Callbacks spread over both servers (the same message to both, twice each), the day's sweep started by both
// workers booting at once and by two sweeps run side by side, one worker SIGKILLed while the greetings are being
// sent and another started in its place: every message answered once, every notice delivered once, and one job
// scheduler of each kind in Redis however many workers started.
import { afterAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { startFakeWecom, type FakeWecom } from '../helpers/fake-wecom.ts';
import { cleanRedisPrefix, waitFor, WECOM, wecomEnv } from '../helpers/stack.ts';
import { runEntry, type RunningEntry } from '../helpers/processes.ts';
import { freePort } from '../helpers/redis-server.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { makeCallback, textMessageXml, toQueryString } from '../helpers/wecom-signer.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { localDate } from '../../src/domain/dates.ts';
import { DAILY_SWEEP_SCHEDULER, DASHBOARD_REFRESH_SCHEDULER, QUEUE } from '../../src/jobs/queues.ts';

/** Members whose political birthday is today: one greeting each from the day's sweep. */
const BIRTHDAYS = Array.from({ length: 200 }, (_, i) => `mpbday${i}`);
/** Members who write to the bot: one answer each. */
const CHATTERS = Array.from({ length: 12 }, (_, i) => `mpchat${i}`);

/** An IANA zone in which it is now around midday, so real-clock processes are past 09:00 and outside quiet hours. */
function middayZone(): string {
  const h = 12 - new Date().getUTCHours();
  return h === 0 ? 'Etc/GMT' : `Etc/GMT${h > 0 ? '-' : '+'}${Math.abs(h)}`;
}

describe('two servers and two workers on one PostgreSQL and one Redis', () => {
  let db: TestDb | undefined;
  let fake: FakeWecom | undefined;
  const prefix = `pcmp${Date.now().toString(36)}`;
  afterAll(async () => {
    await fake?.close();
    await db?.drop();
    await cleanRedisPrefix(prefix);
  });

  it('every message answered once, every notice delivered once, one scheduler, a worker killed mid-run', async () => {
    const tz = middayZone();
    const md = localDate(new Date(), tz).slice(5);
    const notToday = md === '07-01' ? '07-02' : '07-01';
    db = await createTestDatabase('postgres');
    await importCareRoster(db.db, [
      CARE_ROWS[0]!,
      CARE_ROWS[1]!,
      ...BIRTHDAYS.map((u, i) => `生日${i}号,${u},男,1980-01-01,2010-${md},2011-${md},计算机学院党总支,教工第一党支部,,,`),
      ...CHATTERS.map((u, i) => `对话${i}号,${u},女,1985-01-01,2010-${notToday},2011-${notToday},计算机学院党总支,教工第一党支部,,,`),
    ]);
    // Every call to the API is slow, so that a worker is killed with greetings still to send and some in flight.
    fake = await startFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId, latencyMs: 200 });
    const env = {
      DATABASE_URL: db.url!,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      APP_TIMEZONE: tz,
      QUIET_HOURS: '',
      JOB_LEASE_SECONDS: '3',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      ...wecomEnv(fake.baseUrl),
    };
    const server = async () => {
      const port = await freePort();
      const p = runEntry(['src/main.ts', 'server'], { ...env, PORT: String(port) });
      return { p, base: `http://127.0.0.1:${port}` };
    };
    const worker = () => runEntry(['src/main.ts', 'worker'], { ...env, PORT: '0' });
    const up = (s: { p: RunningEntry; base: string }) =>
      waitFor(() => fetch(`${s.base}/healthz`).then((r) => r.ok, () => false), 90_000, `server at ${s.base} (${s.p.output()})`);
    const working = (w: RunningEntry) => waitFor(() => w.output().includes('worker running'), 90_000, `a worker (${w.output()})`);

    // All four boot at once: the migrations' lock, the schedulers' upserts and the catch-up sweep race each other.
    const [a, b] = await Promise.all([server(), server()]);
    const w1 = worker();
    const w2 = worker();
    await Promise.all([up(a), up(b), working(w1), working(w2)]);

    // Two more sweeps of the day side by side while the workers' catch-up is under way.
    const today = localDate(new Date(), tz);
    const sweeps = [runEntry(['src/cli.ts', 'sweep', '--date', today], env), runEntry(['src/cli.ts', 'sweep', '--date', today], env)];

    // Each message four times: twice to each server, all at once.
    let seq = 7_100_000_000_000_000_000n;
    const posts = CHATTERS.flatMap((u) => {
      const xml = textMessageXml({ from: u, content: '帮助', msgId: String(++seq), createTime: Math.floor(Date.now() / 1000), corpId: WECOM.corpId, agentId: WECOM.agentId });
      return [a, b, a, b].map((s) => {
        const cb = makeCallback({ ...WECOM, plaintextXml: xml });
        return fetch(`${s.base}/wecom/callback?${toQueryString(cb.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });
      });
    });
    expect((await Promise.all(posts)).map((r) => r.status)).toEqual(posts.map(() => 200));

    // The day's greetings are spread over the next minute (250 ms apart). Once some are out, the next six sends
    // reach their members but their answers hang, as when a worker dies mid-call: then one worker is killed.
    // Its hanging rows are taken over after their lease, the survivor's are retried after its fetch timeout;
    // either way the very same request goes again, and WeCom's duplicate check drops it.
    await waitFor(() => BIRTHDAYS.filter((u) => fake!.receivedBy(u) > 0).length >= 20, 120_000, 'the first greetings sent');
    const callsBefore = fake.calls['message/send'] ?? 0;
    fake.inject('message/send', { handleThenHangMs: 120_000, times: 6 });
    await waitFor(() => (fake!.calls['message/send'] ?? 0) >= callsBefore + 6, 60_000, 'six sends in flight');
    w1.kill('SIGKILL');
    expect(await w1.exited).toBe(-1);
    expect(w1.signal()).toBe('SIGKILL');
    const greeted = BIRTHDAYS.filter((u) => fake!.receivedBy(u) > 0).length;
    expect(greeted, 'the worker was killed with greetings still to send').toBeLessThan(BIRTHDAYS.length);
    const w3 = worker();
    await working(w3);
    for (const s of sweeps) expect(await s.exited, s.output()).toBe(0);

    const instance = (await db.db.selectFrom('settings').select('value').where('key', '=', 'instance_id').executeTakeFirstOrThrow()).value as string;
    const redis = new Redis(TEST_REDIS_URL);
    const queues = [QUEUE.inbound, QUEUE.outbound, QUEUE.sweep].map((q) => new Queue(q, { connection: redis, prefix: `${prefix}-${instance}` }));
    const [inbound, outbound, sweep] = queues as [Queue, Queue, Queue];
    try {
      // Finished: every event and delivery done, no job waiting, running or delayed in the event queues.
      await waitFor(async () => {
        const events = await db!.db.selectFrom('inbound_events').select('id').where('status', 'in', ['pending', 'processing']).executeTakeFirst();
        const open = await db!.db.selectFrom('deliveries').select('id').where('status', 'in', ['pending', 'sending']).executeTakeFirst();
        if (events || open) return false;
        for (const q of [inbound, outbound]) {
          const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
          if (Object.values(counts).some((n) => n > 0)) return false;
        }
        return true;
      }, 180_000, 'every event and delivery finished, the queues empty');

      // Every message answered exactly once: one stored event per message, one answer per member.
      const events = await db.db.selectFrom('inbound_events').select(['user_id', 'status']).execute();
      expect(events.filter((e) => CHATTERS.includes(e.user_id))).toHaveLength(CHATTERS.length);
      expect(new Set(events.map((e) => e.status))).toEqual(new Set(['done']));
      for (const u of CHATTERS) expect(fake.receivedBy(u), u).toBe(1);
      // Every notice delivered exactly once: one greeting per birthday, one send per delivery row for everyone.
      for (const u of BIRTHDAYS) expect(fake.receivedBy(u), u).toBe(1);
      const rows = await db.db.selectFrom('deliveries').select(['recipient', 'status']).execute();
      expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['sent']));
      const perRecipient = new Map<string, number>();
      for (const r of rows) {
        const user = r.recipient.replace(/^wecom:/, '');
        perRecipient.set(user, (perRecipient.get(user) ?? 0) + 1);
      }
      for (const [user, n] of perRecipient) expect(fake.receivedBy(user), user).toBe(n);
      // The six whose answers never came were sent again (by the survivor or the new worker), and dropped.
      expect(fake.duplicatesDropped.length).toBeGreaterThanOrEqual(6);
      const notices = await db.db.selectFrom('notices').select(['kind', 'subject', 'period']).execute();
      expect(new Set(notices.map((n) => `${n.kind}|${n.subject}|${n.period}`)).size).toBe(notices.length);

      // One scheduler of each kind, whatever number of workers upserted them (three here).
      const schedulers = await sweep.getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual([DAILY_SWEEP_SCHEDULER, DASHBOARD_REFRESH_SCHEDULER].sort());
      expect(await redis.zcard(`${prefix}-${instance}:${QUEUE.sweep}:repeat`)).toBe(2);
      const next = await sweep.getJobs(['delayed', 'waiting', 'active']);
      const nextOf = (id: string) => next.filter((j) => j.repeatJobKey === id);
      expect(nextOf(DAILY_SWEEP_SCHEDULER).length).toBeLessThanOrEqual(1);
      expect(nextOf(DASHBOARD_REFRESH_SCHEDULER).length).toBeLessThanOrEqual(1);
      expect(await redis.keys(`${prefix}-*`).then((keys) => keys.filter((k) => !k.startsWith(`${prefix}-${instance}:`)))).toEqual([]);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
      redis.disconnect();
    }

    // A graceful stop of everyone still running.
    for (const p of [a.p, b.p, w2, w3]) p.kill('SIGTERM');
    for (const p of [a.p, b.p, w2, w3]) expect(await p.exited, p.output().slice(-2000)).toBe(0);
  }, 420_000);
});
