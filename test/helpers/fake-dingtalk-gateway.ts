// A fake DingTalk Stream gateway (wecom-protocol.md §5.2) on 127.0.0.1:<random port>: the connections/open
// route and the WebSocket endpoint on the same port. Strict where the gateway is: the app's key and secret,
// Accept: application/json, the subscriptions, and tickets that are single use and expire — a reused or
// unknown ticket gets 401 at the upgrade. Tests drive each connection: push frames, read the acks, ping and
// check the echo, announce a disconnect, close, drop the socket, or stop reading it (a half-open connection).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const ROBOT_TOPIC = '/v1.0/im/bot/messages/get';

export interface GatewayAck {
  code: number;
  headers: { messageId: string; contentType?: string; [k: string]: unknown };
  message: string;
  data: string;
}

export interface GatewayFrame {
  specVersion: string;
  type: string;
  headers: Record<string, string>;
  data: string;
}

export interface OpenRequest {
  accept: string | undefined;
  clientId: unknown;
  /** Whether the secret matched (the secret itself is not kept). */
  secretOk: boolean;
  subscriptions: unknown;
  ua: unknown;
  localIp: unknown;
}

export interface FakeDingtalkGatewayOptions {
  clientId: string;
  clientSecret: string;
  /** How long an issued ticket may wait for its connection. Default 90 s (§5.2). */
  ticketTtlMs?: number;
}

interface Waiter<T> {
  test(): T | undefined;
  resolve(v: T): void;
}

export class GatewayConnection {
  readonly acks: GatewayAck[] = [];
  /** Text the client sent that is not an ack. */
  readonly other: string[] = [];
  /** Resolves with the close code once the socket is closed (by either side). */
  readonly closed: Promise<number>;
  private readonly waiters = new Set<Waiter<GatewayAck>>();
  private seq = 0;

  constructor(
    readonly index: number,
    readonly ticket: string,
    private readonly ws: WebSocket,
    private readonly socket: Socket,
  ) {
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('message', (raw) => {
      const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : Buffer.concat(Array.isArray(raw) ? raw : [Buffer.from(raw)]).toString('utf8');
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (parsed && typeof parsed.code === 'number' && typeof parsed.headers?.messageId === 'string') {
        this.acks.push(parsed as GatewayAck);
        for (const w of [...this.waiters]) {
          const v = w.test();
          if (v !== undefined) {
            this.waiters.delete(w);
            w.resolve(v);
          }
        }
      } else {
        this.other.push(text);
      }
    });
    ws.on('error', () => {});
  }

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  newMessageId(): string {
    this.seq += 1;
    return `m${this.index}-${this.seq}-${randomBytes(3).toString('hex')}`;
  }

  /** Sends any text, valid frame or not. */
  sendRaw(text: string | Buffer): void {
    this.ws.send(text);
  }

  /** Sends a frame; returns its messageId. */
  send(type: string, headers: Record<string, string>, data: string): string {
    const messageId = headers.messageId ?? this.newMessageId();
    const frame: GatewayFrame = {
      specVersion: '1.0',
      type,
      headers: { appId: 'fake-app', connectionId: `conn-${this.index}`, contentType: 'application/json', time: String(Date.now()), ...headers, messageId },
      data,
    };
    this.ws.send(JSON.stringify(frame));
    return messageId;
  }

  /** The ack of this message, when it comes (never, if the client does not answer: the test's timeout says so). */
  ackOf(messageId: string): Promise<GatewayAck> {
    return new Promise((resolve) => {
      const w: Waiter<GatewayAck> = { test: () => this.acks.find((a) => a.headers.messageId === messageId), resolve };
      const now = w.test();
      if (now !== undefined) resolve(now);
      else this.waiters.add(w);
    });
  }

  hasAck(messageId: string): boolean {
    return this.acks.some((a) => a.headers.messageId === messageId);
  }

  pushEvent(e: { eventId: string; eventType?: string; data: unknown; messageId?: string }): { messageId: string; ack: Promise<GatewayAck> } {
    const messageId = this.send(
      'EVENT',
      {
        topic: e.eventType ?? 'user_leave_org',
        eventId: e.eventId,
        eventType: e.eventType ?? 'user_leave_org',
        eventBornTime: String(Date.now()),
        eventCorpId: 'dingcorp',
        ...(e.messageId ? { messageId: e.messageId } : {}),
      },
      JSON.stringify(e.data),
    );
    return { messageId, ack: this.ackOf(messageId) };
  }

  pushCallback(topic: string, data: unknown): { messageId: string; ack: Promise<GatewayAck> } {
    const messageId = this.send('CALLBACK', { topic }, JSON.stringify(data));
    return { messageId, ack: this.ackOf(messageId) };
  }

  /** A SYSTEM ping with a fresh opaque; resolves with its data and the client's ack. */
  async ping(): Promise<{ sentData: string; ack: GatewayAck; messageId: string }> {
    const sentData = JSON.stringify({ opaque: randomBytes(8).toString('hex') });
    const messageId = this.send('SYSTEM', { topic: 'ping' }, sentData);
    return { sentData, ack: await this.ackOf(messageId), messageId };
  }

  /** The SYSTEM disconnect frame; the socket stays open until close() (the gateway closes ~10 s later). */
  announceDisconnect(): string {
    return this.send('SYSTEM', { topic: 'disconnect' }, JSON.stringify({ reason: 'persistent connection is timeout' }));
  }

  /** A clean close from the gateway's side. */
  close(code = 1000): Promise<number> {
    this.ws.close(code);
    return this.closed;
  }

  /** Drops the TCP connection without a close frame. */
  drop(): Promise<number> {
    this.socket.destroy();
    return this.closed;
  }

  /** Stops reading the socket: the client's pings go unanswered, as on a half-open connection. */
  freeze(): void {
    this.socket.pause();
  }
}

export interface FakeDingtalkGateway {
  /** What DINGTALK_API_BASE points at. */
  readonly apiBase: string;
  readonly openRequests: OpenRequest[];
  readonly ticketsIssued: string[];
  /** Tickets a connection was accepted with, in order. */
  readonly ticketsUsed: string[];
  /** Upgrades refused for an unknown, used or expired ticket. */
  readonly refusedUpgrades: number;
  readonly connections: GatewayConnection[];
  /** Resolves with the n-th connection (1-based) once it is accepted. */
  connection(n: number): Promise<GatewayConnection>;
  /** Resolves once connections/open has been asked n times (answered or not). */
  openCalls(n: number): Promise<void>;
  /** The next `times` connections/open calls answer this HTTP status. */
  failOpen(times: number, status?: number): void;
  /** The next `times` upgrades are refused with 401 although their ticket is good (the ticket is spent). */
  refuseUpgrades(times: number): void;
  /** connections/open calls hang until the gateway closes. */
  hangOpen(on: boolean): void;
  close(): Promise<void>;
}

export async function startFakeDingtalkGateway(opts: FakeDingtalkGatewayOptions): Promise<FakeDingtalkGateway> {
  const ttl = opts.ticketTtlMs ?? 90_000;
  const tickets = new Map<string, { expiresAt: number; used: boolean }>();
  const openRequests: OpenRequest[] = [];
  const ticketsIssued: string[] = [];
  const ticketsUsed: string[] = [];
  const connections: GatewayConnection[] = [];
  const connectionWaiters = new Set<Waiter<GatewayConnection>>();
  const openWaiters = new Set<Waiter<true>>();
  const hanging = new Set<ServerResponse>();
  let refusedUpgrades = 0;
  let failures: { times: number; status: number } | undefined;
  let hang = false;
  let refuseNext = 0;
  let port = 0;

  const settle = <T>(set: Set<Waiter<T>>) => {
    for (const w of [...set]) {
      const v = w.test();
      if (v !== undefined) {
        set.delete(w);
        w.resolve(v);
      }
    }
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1.0/gateway/connections/open') return json(res, 404, { code: 'NotFound' });
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = {};
      }
      openRequests.push({
        accept: req.headers.accept,
        clientId: body.clientId,
        secretOk: body.clientSecret === opts.clientSecret,
        subscriptions: body.subscriptions,
        ua: body.ua,
        localIp: body.localIp,
      });
      settle(openWaiters);
      if (hang) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (failures && failures.times > 0) {
        failures.times -= 1;
        return json(res, failures.status, { code: 'ServiceUnavailable', message: 'fake outage' });
      }
      // Without Accept: application/json the real gateway answers XML; refusing makes the omission visible.
      if (!String(req.headers.accept ?? '').includes('application/json')) return json(res, 406, { code: 'NotAcceptable' });
      if (body.clientId !== opts.clientId || body.clientSecret !== opts.clientSecret) {
        return json(res, 401, { code: 'InvalidAuthentication', message: 'clientId or clientSecret is wrong' });
      }
      const subs = Array.isArray(body.subscriptions) ? body.subscriptions : [];
      const has = (type: string, topic: string) => subs.some((s: any) => s?.type === type && s?.topic === topic);
      if (!has('EVENT', '*') || !has('CALLBACK', ROBOT_TOPIC)) return json(res, 400, { code: 'InvalidSubscriptions' });
      const ticket = randomBytes(16).toString('base64');
      tickets.set(ticket, { expiresAt: Date.now() + ttl, used: false });
      ticketsIssued.push(ticket);
      json(res, 200, { endpoint: `ws://127.0.0.1:${port}/connect`, ticket });
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    const t = tickets.get(ticket);
    const forced = t !== undefined && refuseNext > 0;
    if (forced) {
      refuseNext -= 1;
      t.used = true;
    }
    if (forced || url.pathname !== '/connect' || t === undefined || t.used || t.expiresAt < Date.now()) {
      refusedUpgrades += 1;
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    t.used = true;
    wss.handleUpgrade(req, socket, head, (ws) => {
      ticketsUsed.push(ticket);
      connections.push(new GatewayConnection(connections.length + 1, ticket, ws, socket));
      settle(connectionWaiters);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    apiBase: `http://127.0.0.1:${port}`,
    openRequests,
    ticketsIssued,
    ticketsUsed,
    get refusedUpgrades() {
      return refusedUpgrades;
    },
    connections,
    connection(n: number) {
      return new Promise((resolve) => {
        const w: Waiter<GatewayConnection> = { test: () => connections[n - 1], resolve };
        const now = w.test();
        if (now !== undefined) resolve(now);
        else connectionWaiters.add(w);
      });
    },
    openCalls(n: number) {
      return new Promise((resolve) => {
        const w: Waiter<true> = { test: () => (openRequests.length >= n ? true : undefined), resolve: () => resolve() };
        if (w.test()) resolve();
        else openWaiters.add(w);
      });
    },
    failOpen(times: number, status = 503) {
      failures = { times, status };
    },
    refuseUpgrades(times: number) {
      refuseNext = times;
    },
    hangOpen(on: boolean) {
      hang = on;
    },
    async close() {
      for (const res of hanging) res.destroy();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
