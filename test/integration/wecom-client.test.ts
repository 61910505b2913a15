// WeCom outbound client, token cache and per-recipient limiter against real Redis and the fake
// WeCom server (wecom-protocol.md §3, RELIABILITY.md "Outbound API").

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlatformSendError } from '../../src/errors.ts';
import { WecomClient } from '../../src/platforms/wecom/client.ts';
import { classifyWecomError, isUntrustedIp } from '../../src/platforms/wecom/errors.ts';
import { RecipientRateLimiter } from '../../src/platforms/wecom/rate-limit.ts';
import { WecomTokenCache } from '../../src/platforms/wecom/token-cache.ts';
import { startFakeWecom, type FakeWecom } from '../helpers/fake-wecom.ts';
import { waitFor } from '../helpers/stack.ts';

const CORP_ID = 'ww0000000000fake';
const SECRET = 'S3cret-do-not-log-0123456789abcdefghijklmnop';
const AGENT_ID = '1000002';

// Two connections stand in for two processes sharing one Redis.
let redisA: Redis;
let redisB: Redis;
let fake: FakeWecom;
let prefix: string;

beforeAll(() => {
  redisA = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false });
  redisB = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false });
});

afterAll(async () => {
  await redisA.quit();
  await redisB.quit();
});

beforeEach(async () => {
  prefix = `test:wecom:${randomBytes(6).toString('hex')}:`;
  fake = await startFakeWecom({ corpId: CORP_ID, secret: SECRET, agentId: AGENT_ID, knownUsers: ['zhangsan', 'lisi'] });
});

afterEach(async () => {
  await fake.close();
  const keys = await redisA.keys(`${prefix}*`);
  if (keys.length > 0) await redisA.del(...keys);
});

function tokenCache(redis: Redis, overrides: Partial<ConstructorParameters<typeof WecomTokenCache>[0]> = {}): WecomTokenCache {
  return new WecomTokenCache({ redis, corpId: CORP_ID, agentId: AGENT_ID, secret: SECRET, apiBase: fake.baseUrl, keyPrefix: prefix, ...overrides });
}

function client(tokens: WecomTokenCache, fetchTimeoutMs = 2_000): WecomClient {
  return new WecomClient({ tokens, apiBase: fake.baseUrl, agentId: AGENT_ID, fetchTimeoutMs });
}

/** Awaits a rejection and returns it as a PlatformSendError (fails the test if it is anything else). */
async function sendError(p: Promise<unknown>): Promise<PlatformSendError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformSendError);
  return err as PlatformSendError;
}

describe('WecomTokenCache', () => {
  it('fetches the token once for 20 concurrent callers across two processes', async () => {
    const a = tokenCache(redisA);
    const b = tokenCache(redisB);
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).get()));
    expect(fake.tokenCalls).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    // Cached with TTL = 7200 − 300 s.
    const ttl = await redisA.ttl(`${prefix}wecom:token:${CORP_ID}:${AGENT_ID}`);
    expect(ttl).toBeGreaterThan(6800);
    expect(ttl).toBeLessThanOrEqual(6900);
  });

  it('concurrent invalidations of the same bad token cause one extra gettoken (§6 item 9)', async () => {
    const a = tokenCache(redisA);
    const b = tokenCache(redisB);
    const bad = await a.get();
    await Promise.all([a.invalidate(bad), b.invalidate(bad), a.invalidate(bad), b.invalidate(bad)]);
    const fresh = await Promise.all([a.get(), b.get(), a.get(), b.get()]);
    expect(new Set(fresh).size).toBe(1);
    expect(fresh[0]).not.toBe(bad);
    expect(fake.tokenCalls).toBe(2);

    // A late invalidation of the old token must not remove the fresh one.
    await b.invalidate(bad);
    expect(await a.get()).toBe(fresh[0]);
    expect(fake.tokenCalls).toBe(2);
  });

  it('a process waiting on the lock picks up the token the holder stored', async () => {
    fake.inject('gettoken', { hangMs: 5_000 });
    const a = tokenCache(redisA, { fetchTimeoutMs: 20_000 });
    const b = tokenCache(redisB, { fetchTimeoutMs: 20_000 });
    let aDone = false;
    const first = a.get().finally(() => (aDone = true));
    // a holds the lock (it calls gettoken only once it has it) and is waiting on the answer.
    await waitFor(() => fake.tokenCalls === 1, 30_000, 'a to call gettoken');
    const second = b.get();
    expect(aDone).toBe(false);
    const [ta, tb] = await Promise.all([first, second]);
    expect(tb).toBe(ta);
    expect(fake.tokenCalls).toBe(1);
  });

  it('wrong secret → fatal, without the secret in the message, and no gettoken loop', async () => {
    const wrongSecret = 'wrong-Secret-XYZ-987654321';
    const cache = tokenCache(redisA, { secret: wrongSecret });
    const err = await sendError(cache.get());
    expect(err.kind).toBe('fatal');
    expect(err.platformCode).toBe(40001);
    expect(err.message).not.toContain(wrongSecret);
    expect(err.message).not.toContain(SECRET);

    // Another process with the same wrong secret does not call gettoken again (IP block risk, §3.1)…
    const again = await sendError(tokenCache(redisB, { secret: wrongSecret }).get());
    expect(again.kind).toBe('fatal');
    expect(again.message).not.toContain(wrongSecret);
    expect(fake.tokenCalls).toBe(1);

    // …but the corrected secret works at once.
    await expect(tokenCache(redisB).get()).resolves.toEqual(expect.any(String));
    expect(fake.tokenCalls).toBe(2);
  });

  it('gettoken -1, HTTP 502 and timeout → retry', async () => {
    fake.inject('gettoken', { errcode: -1 });
    expect((await sendError(tokenCache(redisA).get())).kind).toBe('retry');
    fake.inject('gettoken', { httpStatus: 502 });
    expect((await sendError(tokenCache(redisA).get())).kind).toBe('retry');
    fake.inject('gettoken', { hangMs: 2_000 });
    const err = await sendError(tokenCache(redisA, { fetchTimeoutMs: 150 }).get());
    expect(err.kind).toBe('retry');
    expect(err.message).not.toContain(SECRET);
    // The lock was released: the next call fetches right away.
    await expect(tokenCache(redisA).get()).resolves.toEqual(expect.any(String));
  });
});

describe('WecomClient', () => {
  it('sends text, markdown, textcard and template_card as message/send JSON', async () => {
    const wecom = client(tokenCache(redisA));
    const text = await wecom.send('zhangsan', { type: 'text', content: '生日快乐' });
    expect(text.platformMsgId).toEqual(expect.any(String));
    expect(text.responseCode).toBeUndefined();
    await wecom.send('zhangsan', { type: 'markdown', content: '**提醒**' });
    await wecom.send('lisi', { type: 'textcard', title: '慰问', description: '请查收', url: 'https://example.com/x' });
    const card = await wecom.send('lisi', {
      type: 'template_card',
      card: {
        card_type: 'button_interaction',
        task_id: 'visit_42',
        main_title: { title: '走访确认' },
        button_list: [{ text: '已走访', style: 1, key: 'visit_done_42' }],
      },
    });
    expect(card.responseCode).toEqual(expect.any(String));

    expect(fake.sent.map((m) => [m.touser, m.msgtype])).toEqual([
      ['zhangsan', 'text'],
      ['zhangsan', 'markdown'],
      ['lisi', 'textcard'],
      ['lisi', 'template_card'],
    ]);
    expect(fake.sent[0]!.body).toEqual({ touser: 'zhangsan', agentid: 1000002, msgtype: 'text', text: { content: '生日快乐' } });
    expect(fake.sent[2]!.body.textcard).toEqual({ title: '慰问', description: '请查收', url: 'https://example.com/x' });
    expect(fake.sent[3]!.body.template_card.task_id).toBe('visit_42');

    // §3.4: the response_code works once.
    await wecom.updateTemplateCard({ userIds: ['lisi'], responseCode: card.responseCode!, replaceName: '已确认' });
    expect(fake.updatedCards).toEqual([{ userids: ['lisi'], agentid: 1000002, response_code: card.responseCode, button: { replace_name: '已确认' } }]);
    const reused = await sendError(wecom.updateTemplateCard({ userIds: ['lisi'], responseCode: card.responseCode!, replaceName: '再次' }));
    expect(reused.kind).toBe('fatal');
  });

  it('creates the menu with agentid in the query and reads callback IPs', async () => {
    const wecom = client(tokenCache(redisA));
    const menu = { button: [{ type: 'click', name: '我的积分', key: 'my_points' }, { name: '更多', sub_button: [{ type: 'view', name: '帮助', url: 'https://example.com/help' }] }] };
    await wecom.createMenu(menu);
    expect(fake.menus).toEqual([menu]);
    await expect(wecom.createMenu({ button: [] })).rejects.toMatchObject({ kind: 'fatal', platformCode: 40016 });
    await expect(wecom.getCallbackIps()).resolves.toContain('127.0.0.1');
  });

  it.each([42001, 40014])('%i injected → exactly one refresh, message delivered once', async (errcode) => {
    const tokens = tokenCache(redisA);
    const wecom = client(tokens);
    await tokens.get();
    fake.inject('message/send', { errcode });
    await wecom.send('zhangsan', { type: 'text', content: 'hi' });
    expect(fake.tokenCalls).toBe(2);
    expect(fake.sent).toHaveLength(1);
  });

  it('tokens expired early: 10 concurrent sends from two processes refresh once', async () => {
    const a = client(tokenCache(redisA));
    const b = client(tokenCache(redisB));
    await tokenCache(redisA).get();
    fake.expireTokens();
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).send('zhangsan', { type: 'text', content: `m${i}` })));
    expect(fake.tokenCalls).toBe(2);
    expect(fake.sent).toHaveLength(10);
  });

  it('a token rejected twice → retry, with one refresh only', async () => {
    const tokens = tokenCache(redisA);
    await tokens.get();
    fake.inject('message/send', { errcode: 42001, times: 2 });
    const err = await sendError(client(tokens).send('zhangsan', { type: 'text', content: 'hi' }));
    expect(err.kind).toBe('retry');
    expect(fake.tokenCalls).toBe(2);
    expect(fake.sent).toHaveLength(0);
  });

  it('45009 and HTTP 429 → rate_limited with a 60 s delay', async () => {
    const wecom = client(tokenCache(redisA));
    fake.inject('message/send', { errcode: 45009 });
    const err = await sendError(wecom.send('zhangsan', { type: 'text', content: 'hi' }));
    expect(err).toMatchObject({ kind: 'rate_limited', platformCode: 45009, delayMs: 60_000 });
    fake.inject('message/send', { httpStatus: 429 });
    expect(await sendError(wecom.send('zhangsan', { type: 'text', content: 'hi' }))).toMatchObject({ kind: 'rate_limited', delayMs: 60_000 });
  });

  it.each([
    ['HTTP 500', { httpStatus: 500 }],
    ['HTTP 503', { httpStatus: 503 }],
    ['errcode -1', { errcode: -1 }],
    ['non-JSON 200', { nonJson: true }],
    ['connection reset', { reset: true }],
    ['hang past the timeout', { hangMs: 120_000 }],
  ])('%s → retry, token not in the message', async (_name, fault) => {
    const tokens = tokenCache(redisA);
    const token = await tokens.get();
    fake.inject('message/send', fault);
    const started = Date.now();
    const err = await sendError(client(tokens, 300).send('zhangsan', { type: 'text', content: 'hi' }));
    expect(err.kind).toBe('retry');
    expect(err.message).not.toContain(token);
    expect(err.message).not.toContain('access_token');
    // Given up at the client's own timeout (300 ms), long before a hanging server would answer.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(fake.sent).toHaveLength(0);
  });

  it('81013 (no valid recipient) → fatal', async () => {
    const err = await sendError(client(tokenCache(redisA)).send('ghost', { type: 'text', content: 'hi' }));
    expect(err).toMatchObject({ kind: 'fatal', platformCode: 81013 });
  });

  it('invaliduser in an errcode 0 reply → fatal invaliduser', async () => {
    fake.inject('message/send', { respond: { errcode: 0, errmsg: 'ok', invaliduser: 'ghost', msgid: 'm1' } });
    const err = await sendError(client(tokenCache(redisA)).send('ghost', { type: 'text', content: 'hi' }));
    expect(err).toMatchObject({ kind: 'fatal', platformCode: 'invaliduser' });
  });

  it('60020 (untrusted IP) → fatal and isUntrustedIp', async () => {
    fake.inject('message/send', { respond: { errcode: 60020, errmsg: 'not allow to access from your ip, from ip: 198.51.100.9' } });
    const err = await sendError(client(tokenCache(redisA)).send('zhangsan', { type: 'text', content: 'hi' }));
    expect(err.kind).toBe('fatal');
    expect(isUntrustedIp(err.platformCode)).toBe(true);
    expect(err.message).toContain('198.51.100.9'); // the operator needs the egress IP
  });

  it('payload errors from WeCom are fatal (empty text 44004, textcard without description 41033)', async () => {
    const wecom = client(tokenCache(redisA));
    await expect(wecom.send('zhangsan', { type: 'text', content: '' })).rejects.toMatchObject({ kind: 'fatal', platformCode: 44004 });
    await expect(wecom.send('zhangsan', { type: 'textcard', title: 't', description: '', url: 'https://e.x' })).rejects.toMatchObject({
      kind: 'fatal',
      platformCode: 41033,
    });
    await expect(wecom.send('zhangsan', { type: 'template_card', card: { card_type: 'button_interaction' } })).rejects.toMatchObject({
      kind: 'fatal',
      platformCode: 40058,
    });
  });

  it('classifies errcodes per §3.6', () => {
    expect(classifyWecomError(40014)).toBe('token_invalid');
    expect(classifyWecomError(42001)).toBe('token_invalid');
    expect(classifyWecomError(45033)).toBe('rate_limited');
    expect(classifyWecomError(0, 429)).toBe('rate_limited');
    expect(classifyWecomError(0, 502)).toBe('retry');
    expect(classifyWecomError(-1)).toBe('retry');
    for (const code of [81013, 60020, 40058, 42035, 48002]) expect(classifyWecomError(code)).toBe('fatal');
  });
});

describe('RecipientRateLimiter', () => {
  it('30 per minute: the 31st is refused for at most a minute (defaults, Redis clock)', async () => {
    const limiter = new RecipientRateLimiter(redisA, { keyPrefix: prefix });
    const results = await Promise.all(Array.from({ length: 30 }, () => limiter.acquire(AGENT_ID, 'zhangsan')));
    expect(results.every((r) => r.ok)).toBe(true);
    const refused = await limiter.acquire(AGENT_ID, 'zhangsan');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.retryInMs).toBeGreaterThan(55_000);
      expect(refused.retryInMs).toBeLessThanOrEqual(60_000);
    }
    // Other members and other apps have their own budget.
    expect((await limiter.acquire(AGENT_ID, 'lisi')).ok).toBe(true);
    expect((await limiter.acquire('1000003', 'zhangsan')).ok).toBe(true);
  });

  it('a refused attempt takes no slot; the slot frees when the oldest entry leaves the minute', async () => {
    const limiter = new RecipientRateLimiter(redisA, { keyPrefix: prefix });
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 30; i++) expect((await limiter.acquire('app', 'u', t0 + i * 1000)).ok).toBe(true);
    expect(await limiter.acquire('app', 'u', t0 + 40_000)).toEqual({ ok: false, retryInMs: 20_000 + 20 });
    expect((await limiter.acquire('app', 'u', t0 + 59_999)).ok).toBe(false);
    expect((await limiter.acquire('app', 'u', t0 + 60_000)).ok).toBe(true);
    expect((await limiter.acquire('app', 'u', t0 + 60_500)).ok).toBe(false);
  });

  it('hour limit with a custom low limit', async () => {
    const limiter = new RecipientRateLimiter(redisA, { keyPrefix: prefix, perMinute: 100, perHour: 5 });
    for (let i = 0; i < 5; i++) expect((await limiter.acquire('app', 'u')).ok).toBe(true);
    const refused = await limiter.acquire('app', 'u');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.retryInMs).toBeGreaterThan(3_500_000);
      expect(refused.retryInMs).toBeLessThanOrEqual(3_600_000);
    }
  });

  it('default hour limit of 1000 (injected clock, under 30/min)', async () => {
    const limiter = new RecipientRateLimiter(redisA, { keyPrefix: prefix });
    const t0 = 1_700_000_000_000;
    const step = 2_001; // < 30 per any 60 s window
    for (let i = 0; i < 1000; i++) {
      const r = await limiter.acquire('app', 'u', t0 + i * step);
      if (!r.ok) throw new Error(`acquisition ${i} refused`);
    }
    const now = t0 + 1000 * step;
    const refused = await limiter.acquire('app', 'u', now);
    expect(refused).toEqual({ ok: false, retryInMs: t0 + 3_600_000 - now + 20 });
    expect((await limiter.acquire('app', 'u', t0 + 3_600_000)).ok).toBe(true);
    // The key expires by itself an hour after the last send.
    const pttl = await redisA.pttl(`${prefix}app:u`);
    expect(pttl).toBeGreaterThan(3_590_000);
  });
});

describe('message/send to many (sendMany, issue 14)', () => {
  it('joins touser with |, matches the lower-cased invaliduser without case, and takes 81013 as all refused', async () => {
    const c = client(tokenCache(redisA));
    // knownUsers are zhangsan and lisi: WangWu is refused, and WeCom names it wangwu.
    const some = await c.sendMany(['zhangsan', 'WangWu', 'lisi'], { type: 'text', content: '通知' }, { duplicateCheckSeconds: 1800 });
    expect(some.invalidUserIds).toEqual(['WangWu']);
    expect(some.result.platformMsgId).toMatch(/^fake-msg-/);
    expect(fake.sent.map((m) => m.touser)).toEqual(['zhangsan|WangWu|lisi']);
    expect([fake.receivedBy('zhangsan'), fake.receivedBy('WangWu'), fake.receivedBy('lisi')]).toEqual([1, 0, 1]);
    const none = await c.sendMany(['Nobody1', 'nobody2'], { type: 'text', content: '通知' });
    expect(none).toEqual({ result: {}, invalidUserIds: ['Nobody1', 'nobody2'] });
    expect(fake.calls['message/send']).toBe(2);
  });

  it('more than 1,000 recipients: the client refuses before calling, and so does WeCom (40058)', async () => {
    const c = client(tokenCache(redisA));
    const many = Array.from({ length: 1_001 }, (_, i) => `u${i}`);
    await expect(c.sendMany(many, { type: 'text', content: '通知' })).rejects.toThrow(RangeError);
    expect(fake.calls['message/send'] ?? 0).toBe(0);
    const token = await tokenCache(redisA).get();
    const res = await fetch(`${fake.baseUrl}/cgi-bin/message/send?access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify({ touser: many.join('|'), agentid: Number(AGENT_ID), msgtype: 'text', text: { content: '通知' } }),
    });
    expect(await res.json()).toMatchObject({ errcode: 40058 });
  });
});
