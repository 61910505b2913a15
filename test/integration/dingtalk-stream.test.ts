// DingTalk Stream mode (wecom-protocol.md §5.2, issue 15 "Stream mode") against a fake gateway: a fresh
// single-use ticket per connection, acks only after the handler finished (LATER when it failed), ping echoed,
// disconnect and drops answered with a new connection after a backoff, and a repeated eventId stored once in
// PostgreSQL by an InboundIngest-backed handler. Nothing here sleeps: each step waits on the frame, ack,
// connection or process exit it needs.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { InboundRepository } from '../../src/db/inbound-repository.ts';
import { DatabaseUnavailableError, InboundIngest } from '../../src/ingest/inbound-ingest.ts';
import { QUEUE, type InboundJob } from '../../src/jobs/queues.ts';
import { DingtalkStream, type DingtalkStreamHandlers, type DingtalkStreamOptions, type StreamFrameHeaders } from '../../src/platforms/dingtalk/stream.ts';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { ROBOT_TOPIC, startFakeDingtalkGateway, type FakeDingtalkGateway } from '../helpers/fake-dingtalk-gateway.ts';
import { runEntry } from '../helpers/processes.ts';
import { cleanRedisPrefix, memoryLogger } from '../helpers/stack.ts';

const APP = { clientId: 'dingdtstreamkey', clientSecret: 'dtstream-secret-not-for-logs' };

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const parsedLines = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, any>);
const reconnectDelays = (lines: string[]) => parsedLines(lines).filter((l) => l.msg === 'dingtalk stream: reconnecting').map((l) => l.delayMs as number);

describe('DingtalkStream against a fake gateway', () => {
  let gateway: FakeDingtalkGateway;
  const streams: DingtalkStream[] = [];

  beforeAll(async () => {
    gateway = await startFakeDingtalkGateway(APP);
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await gateway.close();
  });

  function startStream(handlers: Partial<DingtalkStreamHandlers> = {}, extra: Partial<DingtalkStreamOptions> = {}) {
    const { log, lines } = memoryLogger('debug');
    const stream = new DingtalkStream({
      apiBase: gateway.apiBase,
      appKey: APP.clientId,
      appSecret: APP.clientSecret,
      log,
      handlers: { onEvent: handlers.onEvent ?? (async () => {}), onRobotMessage: handlers.onRobotMessage ?? (async () => {}) },
      backoff: { initialMs: 20, maxMs: 200 },
      random: () => 0.5,
      ...extra,
    });
    streams.push(stream);
    return { stream, lines };
  }

  it('fetches a fresh ticket for each connection and uses it once; the fake refuses a reused ticket with 401', async () => {
    const before = { opens: gateway.openRequests.length, conns: gateway.connections.length };
    const { stream, lines } = startStream();
    await stream.start();
    expect(stream.state).toBe('open');
    const first = await gateway.connection(before.conns + 1);
    const req = gateway.openRequests[before.opens]!;
    expect(req).toMatchObject({
      accept: 'application/json',
      clientId: APP.clientId,
      secretOk: true,
      ua: 'partycare',
      subscriptions: [
        { type: 'EVENT', topic: '*' },
        { type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
      ],
    });
    expect(req.localIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    await first.drop();
    const second = await gateway.connection(before.conns + 2);
    expect(second.ticket).not.toBe(first.ticket);
    expect(gateway.openRequests.length).toBe(before.opens + 2);
    expect(gateway.ticketsUsed.filter((t) => t === first.ticket || t === second.ticket)).toEqual([first.ticket, second.ticket]);

    // The fake is strict about single use: the first ticket again is a 401 at the upgrade.
    const refusedBefore = gateway.refusedUpgrades;
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${gateway.apiBase.replace('http', 'ws')}/connect?ticket=${encodeURIComponent(first.ticket)}`);
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('error', () => {});
    });
    expect(status).toBe(401);
    expect(gateway.refusedUpgrades).toBe(refusedBefore + 1);

    // Neither the secret nor a ticket reaches the log.
    const all = lines.join('');
    expect(all).not.toContain(APP.clientSecret);
    expect(all).not.toContain(first.ticket);
    expect(all).not.toContain(encodeURIComponent(first.ticket));
  });

  it('acks an event SUCCESS only after its handler resolved, with the frame\'s messageId', async () => {
    const gate = deferred();
    const seen: Array<{ data: string; headers: StreamFrameHeaders }> = [];
    const { stream } = startStream({
      onEvent: async (data, headers) => {
        seen.push({ data, headers });
        await gate.promise;
      },
    });
    const n = gateway.connections.length + 1;
    await stream.start();
    const conn = await gateway.connection(n);
    const pushed = conn.pushEvent({ eventId: 'evt-slow', eventType: 'user_leave_org', data: { userId: ['u1'] } });
    // A ping pushed after the event is answered while the event's handler is still running: the stream is
    // reading frames, and the event has no ack yet.
    await conn.ping();
    expect(seen).toHaveLength(1);
    expect(conn.hasAck(pushed.messageId)).toBe(false);
    expect(seen[0]!.data).toBe(JSON.stringify({ userId: ['u1'] }));
    expect(seen[0]!.headers).toMatchObject({ messageId: pushed.messageId, eventId: 'evt-slow', eventType: 'user_leave_org', eventCorpId: 'dingcorp' });

    gate.resolve();
    const ack = await pushed.ack;
    expect(ack).toEqual({
      code: 200,
      headers: { messageId: pushed.messageId, contentType: 'application/json' },
      message: 'OK',
      data: JSON.stringify({ status: 'SUCCESS', message: 'success' }),
    });
  });

  it('acks LATER when the handler fails (database away), and SUCCESS when the re-push is stored', async () => {
    let calls = 0;
    const { stream, lines } = startStream({
      onEvent: async () => {
        calls += 1;
        if (calls === 1) throw new DatabaseUnavailableError(new Error('connection refused'));
      },
    });
    const n = gateway.connections.length + 1;
    await stream.start();
    const conn = await gateway.connection(n);
    const first = await conn.pushEvent({ eventId: 'evt-later', data: { secretContent: '谈心记录' } }).ack;
    expect(first.code).toBe(200);
    expect(JSON.parse(first.data)).toEqual({ status: 'LATER', message: 'later' });
    const again = await conn.pushEvent({ eventId: 'evt-later', data: { secretContent: '谈心记录' } }).ack;
    expect(JSON.parse(again.data)).toEqual({ status: 'SUCCESS', message: 'success' });
    expect(calls).toBe(2);
    const warn = parsedLines(lines).find((l) => l.msg?.includes('acked LATER'));
    expect(warn).toMatchObject({ eventId: 'evt-later', error: 'database_unavailable' });
    expect(lines.join('')).not.toContain('谈心记录');
  });

  it('echoes a ping\'s data and messageId', async () => {
    const { stream } = startStream();
    const n = gateway.connections.length + 1;
    await stream.start();
    const conn = await gateway.connection(n);
    const { sentData, ack, messageId } = await conn.ping();
    expect(ack).toEqual({ code: 200, headers: { messageId, contentType: 'application/json' }, message: 'OK', data: sentData });
  });

  it('does not answer a disconnect, and reconnects with a new ticket once the gateway closes', async () => {
    const { stream, lines } = startStream();
    const n = gateway.connections.length + 1;
    await stream.start();
    const conn = await gateway.connection(n);
    const disconnectId = conn.announceDisconnect();
    // Frames are handled in order: once the later ping is answered, the disconnect was read and not answered.
    await conn.ping();
    expect(conn.hasAck(disconnectId)).toBe(false);
    expect(conn.isOpen).toBe(true);
    await conn.close(1000);
    const next = await gateway.connection(n + 1);
    expect(next.ticket).not.toBe(conn.ticket);
    expect(gateway.ticketsUsed.filter((t) => t === conn.ticket)).toHaveLength(1);
    // An announced disconnect is a healthy end: the wait starts from the first step (20 ms, jitter 0.5 → 15).
    expect(reconnectDelays(lines)).toEqual([15]);
    const pong = await next.ping();
    expect(pong.ack.data).toBe(pong.sentData);
  });

  it('reconnects after an abrupt drop with exponential backoff, refused opens included, and starts over after a healthy connection', async () => {
    let nowMs = 1_000_000;
    const { stream, lines } = startStream({}, { backoff: { initialMs: 40, maxMs: 100, healthyMs: 60_000 }, now: () => nowMs });
    const n = gateway.connections.length + 1;
    await stream.start();
    const first = await gateway.connection(n);
    gateway.failOpen(3, 503);
    await first.drop();
    const second = await gateway.connection(n + 1);
    // Steps 40, 80, 100 (capped), 100, each half fixed and half jitter (0.5): the drop, then three refused opens.
    expect(reconnectDelays(lines)).toEqual([30, 60, 75, 75]);
    expect(parsedLines(lines).filter((l) => l.msg === 'dingtalk stream: connections/open failed').map((l) => l.status)).toEqual([503, 503, 503]);

    // This connection stays up past healthyMs: after its drop the wait starts from the first step again. (The
    // answered ping proves the stream saw it open before the clock moves.)
    await second.ping();
    nowMs += 60_000;
    await second.drop();
    await gateway.connection(n + 2);
    expect(reconnectDelays(lines)).toEqual([30, 60, 75, 75, 30]);
  });

  it('asks for a new ticket when the gateway refuses the upgrade, and when connections/open does not answer in time', async () => {
    const { stream, lines } = startStream({}, { openTimeoutMs: 500 });
    const n = gateway.connections.length + 1;
    const refused = gateway.refusedUpgrades;
    gateway.refuseUpgrades(1);
    // The first attempt fails at the upgrade: start() resolves all the same, and the stream keeps trying.
    await stream.start();
    const conn = await gateway.connection(n);
    expect(gateway.refusedUpgrades).toBe(refused + 1);
    expect(gateway.ticketsIssued.at(-1)).toBe(conn.ticket);
    expect(gateway.ticketsIssued.at(-2)).not.toBe(conn.ticket);
    expect(parsedLines(lines).some((l) => l.msg === 'dingtalk stream: reconnecting' && l.reason === 'handshake_failed')).toBe(true);

    gateway.hangOpen(true);
    const opens = gateway.openRequests.length;
    await conn.drop();
    // A second call while the gateway still hangs means the first one was given up (timeout, then backoff).
    await gateway.openCalls(opens + 2);
    gateway.hangOpen(false);
    await gateway.connection(n + 1);
    expect(parsedLines(lines).filter((l) => l.msg === 'dingtalk stream: connections/open failed').length).toBeGreaterThanOrEqual(1);
  });

  it('closes the connection itself when the gateway announced a disconnect but never closed', async () => {
    const { stream, lines } = startStream({}, { disconnectGraceMs: 50 });
    const n = gateway.connections.length + 1;
    await stream.start();
    const conn = await gateway.connection(n);
    conn.announceDisconnect();
    await gateway.connection(n + 1);
    expect(await conn.closed).toBe(1006);
    expect(reconnectDelays(lines)).toEqual([15]);
  });

  it('close() waits for a running handler only up to its grace, and leaves that frame unacked', async () => {
    const { stream, lines } = startStream({ onEvent: () => new Promise<void>(() => {}) }, { handlerGraceMs: 50 });
    const n = gateway.connections.length + 1;
    await stream.start();
    const conn = await gateway.connection(n);
    const pushed = conn.pushEvent({ eventId: 'evt-hung', data: {} });
    await conn.ping();
    await stream.close();
    expect(stream.state).toBe('closed');
    expect(conn.hasAck(pushed.messageId)).toBe(false);
    expect(parsedLines(lines).some((l) => l.msg === 'dingtalk stream closed with handlers still running' && l.handlers === 1)).toBe(true);
  });

  it('ends a connection whose gateway stopped answering (no pong) and opens another', async () => {
    const { stream, lines } = startStream({}, { keepAliveMs: 50 });
    const n = gateway.connections.length + 1;
    await stream.start();
    const conn = await gateway.connection(n);
    conn.freeze();
    await gateway.connection(n + 1);
    expect(parsedLines(lines).some((l) => l.msg === 'dingtalk stream: no pong from the gateway; reconnecting')).toBe(true);
  });

  it('hands a robot message to onRobotMessage and acks it with {"response":null}; a failed one gets code 500', async () => {
    const got: Array<{ data: string; headers: StreamFrameHeaders }> = [];
    let fail = false;
    const { stream, lines } = startStream({
      onRobotMessage: async (data, headers) => {
        if (fail) throw new DatabaseUnavailableError(new Error('down'));
        got.push({ data, headers });
      },
    });
    const n = gateway.connections.length + 1;
    await stream.start();
    const conn = await gateway.connection(n);
    const message = { msgId: 'msgA', msgtype: 'text', text: { content: ' 谈心 张伟' }, senderStaffId: 'u1', conversationType: '1' };
    const pushed = conn.pushCallback(ROBOT_TOPIC, message);
    const ack = await pushed.ack;
    expect(ack).toEqual({ code: 200, headers: { messageId: pushed.messageId, contentType: 'application/json' }, message: 'OK', data: '{"response":null}' });
    expect(got).toEqual([{ data: JSON.stringify(message), headers: expect.objectContaining({ topic: ROBOT_TOPIC, messageId: pushed.messageId }) }]);

    fail = true;
    const failed = await conn.pushCallback(ROBOT_TOPIC, { ...message, msgId: 'msgB' }).ack;
    expect(failed.code).toBe(500);
    expect(parsedLines(lines).some((l) => l.msg === 'dingtalk stream: robot message not stored' && l.error === 'database_unavailable')).toBe(true);
    expect(lines.join('')).not.toContain('张伟');
  });

  it('acks frames of unknown types and topics, and ignores malformed ones without logging their content', async () => {
    const onEvent = async () => {};
    let robot = 0;
    const { stream, lines } = startStream({ onEvent, onRobotMessage: async () => void (robot += 1) });
    const n = gateway.connections.length + 1;
    await stream.start();
    const conn = await gateway.connection(n);

    const cardId = conn.send('CALLBACK', { topic: '/v1.0/card/instances/callback' }, JSON.stringify({ value: '秘密卡片' }));
    const oddId = conn.send('MYSTERY', { topic: 'x' }, '{}');
    expect((await conn.ackOf(cardId)).code).toBe(200);
    expect((await conn.ackOf(oddId)).code).toBe(200);
    expect(robot).toBe(0);
    const debug = parsedLines(lines).filter((l) => l.msg === 'dingtalk stream: frame of no interest acked');
    expect(debug.map((l) => [l.type, l.level])).toEqual([
      ['CALLBACK', 20],
      ['MYSTERY', 20],
    ]);

    conn.sendRaw('not json 机密');
    conn.sendRaw(JSON.stringify({ type: 'EVENT', headers: { topic: 'x' }, data: '机密' })); // no messageId
    conn.sendRaw(JSON.stringify({ type: 'EVENT', headers: { messageId: 'm' }, data: { nested: '机密' } })); // data not text
    conn.sendRaw(Buffer.from([1, 2, 3]));
    // Still reading, still on the same connection.
    const pong = await conn.ping();
    expect(pong.ack.data).toBe(pong.sentData);
    expect(gateway.connections.length).toBe(n);
    expect(parsedLines(lines).filter((l) => l.msg === 'dingtalk stream: malformed frame ignored')).toHaveLength(4);
    expect(conn.hasAck('m')).toBe(false);
    const all = lines.join('');
    expect(all).not.toContain('机密');
    expect(all).not.toContain('秘密卡片');
  });

  it('start() resolves after a refused first attempt and keeps retrying; wrong credentials are logged at error level', async () => {
    const { log, lines } = memoryLogger('debug');
    const stream = new DingtalkStream({
      apiBase: gateway.apiBase,
      appKey: APP.clientId,
      appSecret: 'wrong-secret-value',
      log,
      handlers: { onEvent: async () => {}, onRobotMessage: async () => {} },
      backoff: { initialMs: 20, maxMs: 40 },
    });
    streams.push(stream);
    const opens = gateway.openRequests.length;
    await stream.start();
    expect(stream.state).toBe('waiting');
    await gateway.openCalls(opens + 2);
    const refused = parsedLines(lines).find((l) => l.status === 401)!;
    expect(refused.level).toBe(50);
    expect(refused.msg).toContain('DINGTALK_APP_SECRET');
    expect(lines.join('')).not.toContain('wrong-secret-value');
  });

  it('close() leaves no timer, socket or request behind: the process ends by itself', async () => {
    const child = runEntry(['test/helpers/dingtalk-stream-child.ts'], {});
    let deadline: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      child.exited.then((code) => ({ code })),
      new Promise<{ code: 'still running' }>((resolve) => {
        deadline = setTimeout(() => resolve({ code: 'still running' }), 60_000);
      }),
    ]);
    clearTimeout(deadline);
    expect({ ...outcome, output: child.output() }).toEqual({ code: 0, output: 'closed\n' });
  });
});

describe('a repeated eventId through an InboundIngest-backed handler on PostgreSQL', () => {
  let gateway: FakeDingtalkGateway;
  let db: TestDb;
  let redis: Redis;
  let queue: Queue<InboundJob>;
  let stream: DingtalkStream;
  const prefix = `dtstream${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    gateway = await startFakeDingtalkGateway(APP);
    db = await createTestDatabase('postgres');
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue<InboundJob>(QUEUE.inbound, { connection: redis, prefix });
  });
  afterAll(async () => {
    await stream?.close();
    await gateway.close();
    await queue.close();
    redis.disconnect();
    await cleanRedisPrefix(prefix);
    await db.drop();
  });

  it('reaches the handler every time it is pushed, is stored once, and each push is acked SUCCESS', async () => {
    const { log } = memoryLogger('debug');
    const ingest = new InboundIngest(new InboundRepository(db.db), queue, log, 'dtstream-test');
    const handled: string[] = [];
    stream = new DingtalkStream({
      apiBase: gateway.apiBase,
      appKey: APP.clientId,
      appSecret: APP.clientSecret,
      log,
      backoff: { initialMs: 20, maxMs: 40 },
      handlers: {
        onRobotMessage: async () => {},
        onEvent: async (data, headers) => {
          handled.push(headers.eventId!);
          const payload = JSON.parse(data) as { userId: string[] };
          await ingest.record({ platform: 'dingtalk', dedupeKey: `dt-event:${headers.eventId}`, userId: payload.userId[0]!, kind: 'event', payload });
        },
      },
    });
    await stream.start();
    const conn = await gateway.connection(1);
    const event = { eventId: 'evt-dup-1', eventType: 'user_leave_org', data: { userId: ['u-left'] } };
    const acks = await Promise.all([conn.pushEvent(event).ack, conn.pushEvent(event).ack]);
    // DingTalk may push it again after the ack, on another connection (§5.2 point 4).
    await conn.drop();
    const next = await gateway.connection(2);
    acks.push(await next.pushEvent(event).ack);

    expect(handled).toEqual(['evt-dup-1', 'evt-dup-1', 'evt-dup-1']);
    expect(acks.map((a) => JSON.parse(a.data).status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    const rows = await db.db.selectFrom('inbound_events').select(['dedupe_key', 'platform', 'user_id', 'kind']).execute();
    expect(rows).toEqual([{ dedupe_key: 'dt-event:evt-dup-1', platform: 'dingtalk', user_id: 'u-left', kind: 'event' }]);
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs).toHaveLength(1);
  });
});
