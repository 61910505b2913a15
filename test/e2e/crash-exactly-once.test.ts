// Issue 8.4 at the process level: kill -9 of the server+worker while WeCom has delivered replies whose answers
// never came back. A second process takes the rows over after their short lease and re-sends the very same
// requests, which WeCom's duplicate check drops: every acknowledged message is answered exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { startFakeWecom, type FakeWecom } from '../helpers/fake-wecom.ts';
import { addMembers, cleanRedisPrefix, waitFor, WECOM, wecomEnv } from '../helpers/stack.ts';
import { runEntry } from '../helpers/processes.ts';
import { freePort } from '../helpers/redis-server.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { makeCallback, textMessageXml, toQueryString } from '../helpers/wecom-signer.ts';

const USERS = Array.from({ length: 20 }, (_, i) => `crash${i}`);
let seq = 8_000_000_000_000_000_000n;

describe('kill -9 mid-load', () => {
  let db: TestDb;
  let fake: FakeWecom;
  const prefix = `pck${Date.now().toString(36)}`;
  afterAll(async () => {
    await fake?.close();
    await db?.drop();
    await cleanRedisPrefix(prefix);
  });

  it('nothing lost, nothing sent twice, rows taken over after a short lease', async () => {
    db = await createTestDatabase('postgres');
    await addMembers(db, USERS);
    fake = await startFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId });
    const env = (port: number) => ({
      DATABASE_URL: db.url!,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      QUIET_HOURS: '',
      JOB_LEASE_SECONDS: '3',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...wecomEnv(fake.baseUrl),
    });
    const start = async () => {
      const port = await freePort();
      const p = runEntry(['src/main.ts'], env(port));
      const base = `http://127.0.0.1:${port}`;
      await waitFor(() => fetch(`${base}/healthz`).then((r) => r.ok, () => false), 60_000, `process on ${port} (${p.output()})`);
      return { p, base };
    };

    const a = await start();
    // The first five replies reach the users, but their answers hang: the process dies before it can record them.
    fake.inject('message/send', { handleThenHangMs: 120_000, times: 5 });
    const results = await Promise.all(
      USERS.map((u) => {
        const xml = textMessageXml({ from: u, content: '帮助', msgId: String(++seq), createTime: Math.floor(Date.now() / 1000), corpId: WECOM.corpId, agentId: WECOM.agentId });
        const cb = makeCallback({ ...WECOM, plaintextXml: xml });
        return fetch(`${a.base}/wecom/callback?${toQueryString(cb.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });
      }),
    );
    expect(results.map((r) => r.status)).toEqual(USERS.map(() => 200));
    await waitFor(() => fake.sent.length >= 5, 60_000, 'five replies delivered with their answers hanging');
    a.p.kill('SIGKILL');
    expect(await a.p.exited).toBe(-1);

    const b = await start();
    await waitFor(() => USERS.every((u) => fake.sent.some((m) => m.touser === u)), 90_000, 'a reply to every user');
    await waitFor(async () => {
      const open = await db.db.selectFrom('deliveries').select('id').where('status', 'in', ['pending', 'sending']).execute();
      const events = await db.db.selectFrom('inbound_events').select('id').where('status', '<>', 'done').execute();
      return open.length === 0 && events.length === 0;
    }, 60_000, 'every event and delivery finished');
    for (const u of USERS) expect(fake.sent.filter((m) => m.touser === u), u).toHaveLength(1);
    // The five whose outcome was lost were sent again by the second process, and dropped by WeCom.
    expect(fake.duplicatesDropped.length).toBeGreaterThanOrEqual(5);
    b.p.kill('SIGTERM');
    expect(await b.p.exited).toBe(0);
  }, 240_000);
});
