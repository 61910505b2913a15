// Run as its own process by dingtalk-stream.test.ts: it opens DingtalkStream against the fake gateway, closes
// it in each state a shutdown can find it in, closes the gateway, and then must end by itself. A timer, socket
// or request close() left behind keeps the process alive and the test fails on its deadline. No process.exit.
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.ts';
import { DingtalkStream } from '../../src/platforms/dingtalk/stream.ts';
import { startFakeDingtalkGateway } from './fake-dingtalk-gateway.ts';

const log = createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() }));
const app = { clientId: 'dingchildkey', clientSecret: 'child-secret' };
const gateway = await startFakeDingtalkGateway(app);
const stream = (keepAliveMs = 30_000) =>
  new DingtalkStream({
    apiBase: gateway.apiBase,
    appKey: app.clientId,
    appSecret: app.clientSecret,
    log,
    keepAliveMs,
    handlers: { onEvent: async () => {}, onRobotMessage: async () => {} },
    backoff: { initialMs: 60_000, maxMs: 60_000 },
  });

// Open, an event acked, a keep-alive interval running: closed.
const open = stream(1_000);
await open.start();
const conn = await gateway.connection(1);
await conn.pushEvent({ eventId: 'e1', data: {} }).ack;
await open.close();

// Waiting a minute to reconnect after a refused connections/open: closed.
gateway.failOpen(1, 503);
const waiting = stream();
await waiting.start();
if (waiting.state !== 'waiting') throw new Error(`expected waiting, got ${waiting.state}`);
await waiting.close();

// connections/open on its way: closed.
gateway.hangOpen(true);
const calls = gateway.openRequests.length;
const asking = stream();
const started = asking.start();
await gateway.openCalls(calls + 1);
await asking.close();
await started;

// Dropped by the gateway and waiting to reconnect: closed.
gateway.hangOpen(false);
const dropped = stream();
await dropped.start();
await gateway.connection(2).then((c) => c.drop());
await dropped.close();

await gateway.close();
process.stdout.write('closed\n');
