// DingTalk's receive routes (platforms/dingtalk/callback.ts) in a bare fastify with the app's one error handler
// and a real InboundIngest (PostgreSQL and PGlite, real Redis): requests made by an independent signer
// (test/helpers/dingtalk-signer.ts) go over a real socket; each refusal breaks one field and stores nothing.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DB_KINDS, createTestDatabase, type TestDb } from '../helpers/db.ts';
import { cleanRedisPrefix, memoryLogger } from '../helpers/stack.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { DINGTALK, encryptBlock, eventPush, openEncrypted, plainBlock, robotHeaders, robotMessage, sha1Signature, type EventPush } from '../helpers/dingtalk-signer.ts';
import { answerError } from '../../src/error-handler.ts';
import { InboundRepository } from '../../src/db/inbound-repository.ts';
import { InboundIngest } from '../../src/ingest/inbound-ingest.ts';
import { QUEUE, type InboundJob } from '../../src/jobs/queues.ts';
import { dingtalkCallbackRoutes } from '../../src/platforms/dingtalk/callback.ts';
import { DingtalkCrypto } from '../../src/platforms/dingtalk/crypto.ts';
import type { DingtalkConfig } from '../../src/platforms/dingtalk/config.ts';
import type { PlatformDeps } from '../../src/platforms/platform.ts';

const NOW = Date.parse('2026-11-30T06:00:00.000Z');
const CONFIG: DingtalkConfig = {
  appKey: DINGTALK.appKey,
  appSecret: DINGTALK.appSecret,
  robotCode: DINGTALK.appKey,
  agentId: undefined,
  aesKey: DINGTALK.aesKey,
  token: DINGTALK.token,
  mode: 'http',
  sendVia: 'robot',
  apiBase: 'http://127.0.0.1:9',
  oapiBase: 'http://127.0.0.1:9',
};
/** Words that must never reach the log: secrets, and the content of the messages sent below. */
const NEVER_LOGGED = [DINGTALK.appSecret, DINGTALK.aesKey, DINGTALK.token, '谈心', '秘密内容'];

interface Answer {
  status: number;
  body: string;
  json: () => unknown;
}

/** A POST over a real socket; headers as raw [name, value] pairs, so a header can be sent twice. */
function post(base: string, path: string, headers: Array<[string, string]>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Given as raw pairs, Node adds neither Host nor the length: both are given, as DingTalk sends them.
    const raw = [['host', new URL(base).host], ...headers, ['content-length', String(Buffer.byteLength(body))]].flat();
    const req = request(`${base}${path}`, { method: 'POST', headers: raw }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: data, json: () => JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE: [string, string] = ['content-type', 'application/json'];

function signed(timestampMs = NOW, secret = DINGTALK.appSecret): Array<[string, string]> {
  const h = robotHeaders(secret, timestampMs);
  return [JSON_TYPE, ['timestamp', h.timestamp], ['sign', h.sign]];
}

const query = (q: Record<string, string>) => new URLSearchParams(q).toString();

describe.each(DB_KINDS)('DingTalk receive routes on %s', (dbKind) => {
  let db: TestDb;
  let redis: Redis;
  let queue: Queue<InboundJob>;
  const prefix = `pct-dtrecv-${randomBytes(4).toString('hex')}`;
  const { log, lines } = memoryLogger();
  let app: FastifyInstance;
  let base: string;
  let seq = 0;
  const nextMsgId = () => `msgdtrecv${dbKind}${++seq}==`;

  const rows = () => db.db.selectFrom('inbound_events').select(['dedupe_key', 'user_id', 'kind', 'payload', 'platform']).orderBy('id').execute();
  const sendRobot = (body: unknown, headers = signed()) => post(base, '/dingtalk/robot', headers, JSON.stringify(body));
  const sendEvent = (p: EventPush, q: Record<string, string> = p.query, contentType = 'application/json') =>
    post(base, `/dingtalk/events?${query(q)}`, [['content-type', contentType]], JSON.stringify(p.body));

  beforeAll(async () => {
    db = await createTestDatabase(dbKind);
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue<InboundJob>(QUEUE.inbound, { connection: redis, prefix });
    const ingest = new InboundIngest(new InboundRepository(db.db), queue, log, 'dtrecv', () => new Date(NOW));
    const deps: PlatformDeps = {
      config: { host: '127.0.0.1', port: 0, platformSettings: { dingtalk: CONFIG }, localModeExposed: false, localAllowedHosts: [], ignoredHost: undefined },
      log,
      clock: () => new Date(NOW),
      db,
      ingest,
    };
    // Fastify's logger type is narrower than pino's; the same object at run time (as in app.ts).
    app = Fastify({ loggerInstance: log }) as unknown as FastifyInstance;
    app.setErrorHandler(answerError);
    await app.register(dingtalkCallbackRoutes({ config: CONFIG, crypto: DingtalkCrypto.fromConfig(CONFIG) }), { deps });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await queue.close();
    redis.disconnect();
    await cleanRedisPrefix(prefix);
    await db.drop();
  });
  afterEach(() => {
    const all = lines.join('');
    for (const word of NEVER_LOGGED) expect(all).not.toContain(word);
  });

  describe('POST /dingtalk/robot', () => {
    it('a signed text is stored once however often the msgId comes, and answered 200 {} each time', async () => {
      const msgId = nextMsgId();
      const body = robotMessage({ msgId, staffId: 'dtuser1', content: ' 今天和张伟谈心了', createAt: NOW - 2_000 });
      const sequential = [await sendRobot(body), await sendRobot(body)];
      const concurrent = await Promise.all([sendRobot(body), sendRobot(body), sendRobot(body)]);
      for (const a of [...sequential, ...concurrent]) {
        expect(a.status).toBe(200);
        expect(a.json()).toEqual({});
      }
      const stored = (await rows()).filter((r) => r.dedupe_key === `dt-msg:${msgId}`);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        platform: 'dingtalk',
        user_id: 'dtuser1',
        kind: 'text',
        payload: { kind: 'text', userId: 'dtuser1', text: '今天和张伟谈心了', msgId, createTime: Math.floor((NOW - 2_000) / 1000) },
      });
      const { id } = await db.db.selectFrom('inbound_events').select('id').where('dedupe_key', '=', `dt-msg:${msgId}`).executeTakeFirstOrThrow();
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
      expect(jobs.filter((j) => j.data.eventId === String(id))).toHaveLength(1);
      // Duplicates are logged at debug by their key, never their content.
      expect(lines.join('')).toContain(`"dedupeKey":"dt-msg:${msgId}"`);
    });

    it('a group @-mention is stored as group_mention; a timestamp just inside the hour and a charset pass', async () => {
      const msgId = nextMsgId();
      const body = robotMessage({ msgId, staffId: 'dtuser2', content: ' 帮助', conversationType: '2', conversationId: 'cidDtrecvGroup==' });
      const headers = signed(NOW - 3_600_000).map(([k, v]): [string, string] => (k === 'content-type' ? [k, 'application/json; charset=utf-8'] : [k, v]));
      expect((await sendRobot(body, headers)).status).toBe(200);
      const stored = (await rows()).find((r) => r.dedupe_key === `dt-msg:${msgId}`)!;
      expect(stored.payload).toMatchObject({ kind: 'group_mention', userId: 'dtuser2', groupId: 'cidDtrecvGroup==', text: '帮助' });
    });

    describe('refusals: status, reason code in the log, and nothing stored', () => {
      const body = () => JSON.stringify(robotMessage({ msgId: nextMsgId(), staffId: 'refused', content: '秘密内容' }));
      const sign = (ts: number) => robotHeaders(DINGTALK.appSecret, ts).sign;
      const cases: Array<[string, () => { headers: Array<[string, string]>; body: string }, number, string]> = [
        ['no headers', () => ({ headers: [JSON_TYPE], body: body() }), 400, 'bad_headers'],
        ['no sign', () => ({ headers: [JSON_TYPE, ['timestamp', String(NOW)]], body: body() }), 400, 'bad_headers'],
        ['no timestamp', () => ({ headers: [JSON_TYPE, ['sign', sign(NOW)]], body: body() }), 400, 'bad_headers'],
        ['timestamp an hour and a millisecond old', () => ({ headers: signed(NOW - 3_600_001), body: body() }), 401, 'stale_timestamp'],
        ['timestamp an hour and a millisecond ahead', () => ({ headers: signed(NOW + 3_600_001), body: body() }), 401, 'stale_timestamp'],
        ['timestamp in seconds', () => ({ headers: signed(Math.floor(NOW / 1000)), body: body() }), 401, 'stale_timestamp'],
        ['sign made with another secret', () => ({ headers: signed(NOW, 'another secret'), body: body() }), 401, 'bad_signature'],
        ['sign of another timestamp', () => ({ headers: [JSON_TYPE, ['timestamp', String(NOW)], ['sign', sign(NOW - 1)]], body: body() }), 401, 'bad_signature'],
        ['sign repeated', () => ({ headers: [...signed(), ['sign', sign(NOW)]], body: body() }), 400, 'bad_headers'],
        ['timestamp repeated', () => ({ headers: [...signed(), ['timestamp', String(NOW)]], body: body() }), 400, 'bad_headers'],
        ['bad JSON', () => ({ headers: signed(), body: body().slice(0, -2) }), 400, 'bad_body'],
        ['empty body', () => ({ headers: signed(), body: '' }), 400, 'bad_body'],
        ['a JSON array', () => ({ headers: signed(), body: '[]' }), 400, 'bad_body'],
        ['a sender outside the organisation', () => ({ headers: signed(), body: JSON.stringify(robotMessage({ msgId: nextMsgId(), content: '秘密内容' })) }), 400, 'no_staff_id'],
        ['a body over 64 KB', () => ({ headers: signed(), body: JSON.stringify(robotMessage({ msgId: nextMsgId(), staffId: 'refused', content: '秘密内容'.repeat(6000) })) }), 413, 'FST_ERR_CTP_BODY_TOO_LARGE'],
        ['form content type', () => ({ headers: [['content-type', 'application/x-www-form-urlencoded'], ...signed().slice(1)], body: 'a=1' }), 415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE'],
        ['XML content type', () => ({ headers: [['content-type', 'text/xml'], ...signed().slice(1)], body: '<xml/>' }), 415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE'],
        // The sign is checked before the body is read: an unsigned huge body is a 401, not a 413.
        ['an unsigned body over 64 KB', () => ({ headers: signed(NOW, 'another secret'), body: 'x'.repeat(200_000) }), 401, 'bad_signature'],
      ];
      it.each(cases)('%s', async (_name, make, status, code) => {
        const before = (await rows()).length;
        const logged = lines.length;
        const req = make();
        const res = await post(base, '/dingtalk/robot', req.headers, req.body);
        expect(res.status).toBe(status);
        // Refusals are JSON: DingTalk reads JSON.
        expect(res.json()).toHaveProperty('error');
        expect(lines.slice(logged).join('')).toContain(`"code":"${code}"`);
        expect((await rows()).length).toBe(before);
      });
    });
  });

  describe('POST /dingtalk/events', () => {
    /** The answer must be encrypt("success") for our AppKey, signed with our token (§5.1). */
    function expectSuccessReply(a: Answer): void {
      expect(a.status).toBe(200);
      const reply = a.json() as Record<string, string>;
      expect(Object.keys(reply).sort()).toEqual(['encrypt', 'msg_signature', 'nonce', 'timeStamp']);
      expect(reply.timeStamp).toBe(String(NOW));
      expect(reply.msg_signature).toBe(sha1Signature(DINGTALK.token, reply.timeStamp!, reply.nonce!, reply.encrypt!));
      expect(openEncrypted(DINGTALK.aesKey, reply.encrypt!)).toMatchObject({ message: 'success', ownerKey: DINGTALK.appKey });
    }

    it('check_url is answered with the encrypted success, fast, and stores nothing', async () => {
      const before = (await rows()).length;
      const started = performance.now();
      const a = await sendEvent(eventPush({ plaintext: '{"EventType":"check_url"}', timestamp: String(NOW) }));
      expect(performance.now() - started).toBeLessThan(1_500);
      expectSuccessReply(a);
      expect((await rows()).length).toBe(before);
    });

    it('user_leave_org stores one directory event per user, once however often it is pushed', async () => {
      const plaintext = JSON.stringify({ EventType: 'user_leave_org', TimeStamp: String(NOW - 5_000), UserId: ['leaver1', 'leaver2'], CorpId: 'dingcorp' });
      expectSuccessReply(await sendEvent(eventPush({ plaintext, timestamp: String(NOW) })));
      // Pushed again (a new signature and ciphertext, the same event), under the older parameter spellings.
      const again = eventPush({ plaintext, timestamp: String(NOW + 1) });
      expectSuccessReply(await sendEvent(again, { msg_signature: again.query.signature, timeStamp: again.query.timestamp, nonce: again.query.nonce }));
      const stored = (await rows()).filter((r) => r.kind === 'directory');
      expect(stored.map((r) => [r.dedupe_key, r.user_id])).toEqual([
        [`dt-event:user_leave_org:${NOW - 5_000}:leaver1`, 'leaver1'],
        [`dt-event:user_leave_org:${NOW - 5_000}:leaver2`, 'leaver2'],
      ]);
      expect(stored[0]!.payload).toEqual({ kind: 'directory', change: 'left_org', userId: 'leaver1', createTime: Math.floor((NOW - 5_000) / 1000) });
    });

    it('other event types are acknowledged and store nothing', async () => {
      const before = (await rows()).length;
      expectSuccessReply(await sendEvent(eventPush({ plaintext: '{"EventType":"user_add_org","UserId":["x"],"TimeStamp":"1"}', timestamp: String(NOW) })));
      expect((await rows()).length).toBe(before);
    });

    describe('refusals: status, reason code in the log, and nothing stored', () => {
      const leave = () => JSON.stringify({ EventType: 'user_leave_org', TimeStamp: String(NOW), UserId: ['refusedleaver'] });
      const push = (o: Partial<Parameters<typeof eventPush>[0]> = {}) => eventPush({ plaintext: leave(), timestamp: String(NOW), ...o });
      const cases: Array<[string, () => { p: EventPush; q?: Record<string, string>; contentType?: string }, number, string]> = [
        ['wrong signature', () => { const p = push(); return { p, q: { ...p.query, signature: '0'.repeat(40) } }; }, 401, 'bad_signature'],
        ['signed with another token', () => ({ p: push({ token: 'othertoken' }) }), 401, 'bad_signature'],
        ['ciphertext changed after signing', () => { const p = push(); return { p: { ...p, body: { encrypt: `${p.body.encrypt[0] === 'A' ? 'B' : 'A'}${p.body.encrypt.slice(1)}` } } }; }, 401, 'bad_signature'],
        ['no signature', () => { const { signature: _s, ...q } = push().query; return { p: push(), q }; }, 400, 'bad_query'],
        ['no nonce', () => { const p = push(); const { nonce: _n, ...q } = p.query; return { p, q }; }, 400, 'bad_query'],
        ['timestamp not digits', () => ({ p: push({ timestamp: 'yesterday' }) }), 400, 'bad_query'],
        ['wrong owner key (another app\'s subscription)', () => ({ p: push({ ownerKey: 'dingotherapp' }) }), 400, 'bad_receive_id'],
        ['bad padding', () => ({ p: push({ encrypt: encryptBlock(DINGTALK.aesKey, plainBlock(leave(), DINGTALK.appKey, { pad: (n) => Buffer.alloc(n, 0) })) }) }), 400, 'bad_padding'],
        // With the wrong key the random IV decrypts to noise: now and then its last byte passes the padding check,
        // and the length field fails instead — either way it is refused before anything is stored.
        ['encrypted with another aes key', () => ({ p: push({ aesKey: 'otherAesKey0123456789abcdefghijklmnopqrstuv' }) }), 400, 'bad_padding|bad_msg_len'],
        ['decrypts to something not JSON', () => ({ p: push({ plaintext: 'not json' }) }), 400, 'bad_event'],
        ['a departure without users', () => ({ p: push({ plaintext: '{"EventType":"user_leave_org","TimeStamp":"1"}' }) }), 400, 'bad_event'],
        ['body without encrypt', () => { const p = push(); return { p: { ...p, body: {} as EventPush['body'] } }; }, 400, 'bad_body'],
        ['XML content type', () => ({ p: push(), contentType: 'text/xml' }), 415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE'],
      ];
      it.each(cases)('%s', async (_name, make, status, code) => {
        const before = (await rows()).length;
        const logged = lines.length;
        const { p, q, contentType } = make();
        const res = await sendEvent(p, q ?? p.query, contentType);
        expect(res.status).toBe(status);
        expect(res.json()).toHaveProperty('error');
        expect(lines.slice(logged).join('')).toMatch(new RegExp(`"code":"(${code})"`));
        expect((await rows()).length).toBe(before);
      });
    });
  });
});

describe('Stream mode (no subscription key)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const { log } = memoryLogger();
    const config: DingtalkConfig = { ...CONFIG, mode: 'stream', aesKey: undefined, token: undefined };
    const deps = { config: { host: '127.0.0.1', port: 0, platformSettings: {}, localModeExposed: false, localAllowedHosts: [], ignoredHost: undefined }, log, clock: () => new Date(NOW), db: { db: undefined as never }, ingest: { record: () => Promise.reject(new Error('nothing may be stored')) } } satisfies PlatformDeps;
    // Fastify's logger type is narrower than pino's; the same object at run time (as in app.ts).
    app = Fastify({ loggerInstance: log }) as unknown as FastifyInstance;
    app.setErrorHandler(answerError);
    await app.register(dingtalkCallbackRoutes({ config, crypto: DingtalkCrypto.fromConfig(config) }), { deps });
  });
  afterAll(() => app.close());

  it('does not register /dingtalk/events; /dingtalk/robot still checks its sign', async () => {
    const p = eventPush({ plaintext: '{"EventType":"check_url"}', timestamp: String(NOW) });
    const events = await app.inject({ method: 'POST', url: `/dingtalk/events?${query(p.query)}`, payload: p.body });
    expect(events.statusCode).toBe(404);
    const robot = await app.inject({ method: 'POST', url: '/dingtalk/robot', headers: { 'content-type': 'application/json', ...robotHeaders('wrong', NOW) }, payload: '{}' });
    expect(robot.statusCode).toBe(401);
  });
});
