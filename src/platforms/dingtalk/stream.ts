// DingTalk Stream mode (wecom-protocol.md §5.2): one outbound WebSocket instead of the HTTP routes. This file
// is the transport only: it opens the connection with a fresh single-use ticket, answers the gateway's pings,
// hands events and robot messages to the handlers, acknowledges each frame once its handler has finished, and
// reconnects with backoff. What a payload means is the handlers' business, and so is durable dedupe: DingTalk
// may push an event again even after it was acknowledged (§5.2 point 4, §6 pitfall 8), so handlers store under
// a UNIQUE key (`dt-event:<eventId>`) before they resolve.
import { networkInterfaces } from 'node:os';
import { WebSocket, type RawData } from 'ws';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';

export const GATEWAY_OPEN_PATH = '/v1.0/gateway/connections/open';
/** The topic robot messages arrive on (§5.2 point 1). */
export const ROBOT_MESSAGE_TOPIC = '/v1.0/im/bot/messages/get';

/** A frame's headers as the gateway sends them; only string values are kept. */
export interface StreamFrameHeaders {
  messageId: string;
  topic?: string;
  contentType?: string;
  /** When the gateway sent it, ms since the epoch, as text. */
  time?: string;
  eventId?: string;
  eventType?: string;
  eventBornTime?: string;
  eventCorpId?: string;
  [name: string]: string | undefined;
}

export interface DingtalkStreamHandlers {
  /** A robot message (CALLBACK on ROBOT_MESSAGE_TOPIC); `data` is its JSON text. Acked after it resolves. */
  onRobotMessage(data: string, headers: StreamFrameHeaders): Promise<void>;
  /**
   * An event (EVENT frame); `data` is its JSON text. Resolving means it is stored: the ack says SUCCESS and
   * DingTalk will not push it again. Throwing (database away) acks LATER, so DingTalk pushes it again. A
   * handler that refuses an event for good (unreadable data) logs that and resolves.
   */
  onEvent(data: string, headers: StreamFrameHeaders): Promise<void>;
}

export interface DingtalkStreamBackoff {
  /** The first reconnect waits about this long. Default 1,000 ms. */
  initialMs?: number;
  /** No reconnect waits longer. Default 60,000 ms. */
  maxMs?: number;
  /** A connection open at least this long was healthy: the next reconnect starts from initialMs again. Default 30,000 ms. */
  healthyMs?: number;
}

export interface DingtalkStreamOptions {
  /** https://api.dingtalk.com, or a fake in tests. */
  apiBase: string;
  /** The app's AppKey (= clientId). */
  appKey: string;
  /** The app's AppSecret (= clientSecret). Never logged. */
  appSecret: string;
  log: Logger;
  handlers: DingtalkStreamHandlers;
  backoff?: DingtalkStreamBackoff;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /** Milliseconds now, for how long a connection lasted. Default Date.now. */
  now?: () => number;
  /** Client WebSocket pings this often; no pong by the next one ends the connection (a half-open socket). Default 30,000 ms; 0 turns it off. */
  keepAliveMs?: number;
  /** The connections/open request and the WebSocket handshake each get this long. Default 10,000 ms. */
  openTimeoutMs?: number;
  /** After the gateway's `disconnect` it closes within ~10 s (§5.2 point 3); past this we close ourselves. Default 15,000 ms. */
  disconnectGraceMs?: number;
  /** close() waits this long for handlers still storing a frame. Default 10,000 ms. */
  handlerGraceMs?: number;
  /** The largest frame accepted. Default 4 MiB (robot messages and events are a few KiB). */
  maxFrameBytes?: number;
  /** The `localIp` reported to the gateway. Default the first non-internal IPv4 address. */
  localIp?: string;
}

export type DingtalkStreamState = 'idle' | 'connecting' | 'open' | 'waiting' | 'closed';

/** connections/open answered with an error or something that is not a ticket. */
export class StreamOpenError extends AppError {
  constructor(
    message: string,
    /** The gateway's HTTP status, when it answered. */
    readonly gatewayStatus: number | undefined,
    /** The `code` of its error body, when it had one. */
    readonly platformCode: string | undefined,
  ) {
    super('dingtalk_stream_open_failed', message, 502);
  }
}

interface Frame {
  type: string;
  headers: StreamFrameHeaders;
  data: string;
}

const SUCCESS_ACK = JSON.stringify({ status: 'SUCCESS', message: 'success' });
const LATER_ACK = JSON.stringify({ status: 'LATER', message: 'later' });
const ROBOT_ACK = JSON.stringify({ response: null });

/** The ticket travels in the URL's query: any text that may quote the URL loses it before it is logged. */
function withoutTicket(text: string): string {
  return text.replace(/ticket=[^\s&"']*/g, 'ticket=[redacted]');
}

/** What a handler's failure may put in a log line: its class and code, never its message (it may quote content). */
function errorName(err: unknown): string {
  if (err instanceof AppError) return err.code;
  return err instanceof Error ? err.name : typeof err;
}

function firstLocalIpv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function readHeaders(value: unknown): StreamFrameHeaders | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' && Number.isFinite(v)) out[k] = String(v);
  }
  const messageId = out.messageId;
  if (messageId === undefined || messageId === '') return undefined;
  return { ...out, messageId };
}

/** The frame, or undefined when it is not one (not JSON, no type, no messageId, data not text). */
function readFrame(raw: RawData, isBinary: boolean): Frame | undefined {
  if (isBinary) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : Buffer.concat(Array.isArray(raw) ? raw : [Buffer.from(raw)]).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const f = parsed as { type?: unknown; headers?: unknown; data?: unknown };
  if (typeof f.type !== 'string') return undefined;
  const headers = readHeaders(f.headers);
  if (headers === undefined) return undefined;
  if (f.data !== undefined && f.data !== null && typeof f.data !== 'string') return undefined;
  return { type: f.type, headers, data: typeof f.data === 'string' ? f.data : '' };
}

function rawLength(raw: RawData): number {
  if (Buffer.isBuffer(raw)) return raw.length;
  if (Array.isArray(raw)) return raw.reduce((n, b) => n + b.length, 0);
  return raw.byteLength;
}

/**
 * One Stream connection kept open. `start()` resolves after the first attempt — connected, or failed and
 * retrying in the background (logged) — so a DingTalk outage never holds up the process's start; it never
 * rejects. `close()` stops for good: no reconnect, no timer left, in-flight handlers awaited.
 */
export class DingtalkStream {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly healthyMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly keepAliveMs: number;
  private readonly openTimeoutMs: number;
  private readonly disconnectGraceMs: number;
  private readonly maxFrameBytes: number;
  private readonly handlerGraceMs: number;
  private readonly localIp: string;
  private readonly log: Logger;

  private current: DingtalkStreamState = 'idle';
  private socket: WebSocket | undefined;
  private openAbort: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  /** Failed attempts since the last healthy connection: the exponent of the next wait. */
  private failures = 0;
  private connections = 0;
  private firstAttempt: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly opts: DingtalkStreamOptions) {
    this.initialMs = opts.backoff?.initialMs ?? 1_000;
    this.maxMs = Math.max(this.initialMs, opts.backoff?.maxMs ?? 60_000);
    this.healthyMs = opts.backoff?.healthyMs ?? 30_000;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.keepAliveMs = opts.keepAliveMs ?? 30_000;
    this.openTimeoutMs = opts.openTimeoutMs ?? 10_000;
    this.disconnectGraceMs = opts.disconnectGraceMs ?? 15_000;
    this.maxFrameBytes = opts.maxFrameBytes ?? 4 * 1024 * 1024;
    this.handlerGraceMs = opts.handlerGraceMs ?? 10_000;
    this.localIp = opts.localIp ?? firstLocalIpv4();
    this.log = opts.log;
  }

  get state(): DingtalkStreamState {
    return this.current;
  }

  async start(): Promise<void> {
    if (this.current !== 'idle') throw new Error(`DingtalkStream.start() called in state ${this.current}`);
    const first = new Promise<void>((resolve) => {
      this.firstAttempt = resolve;
    });
    void this.connect();
    return first;
  }

  async close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.current = 'closed';
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.stopConnectionTimers();
    this.openAbort?.abort();
    this.settleFirstAttempt();
    const socket = this.socket;
    if (socket !== undefined && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        if (socket.readyState === WebSocket.OPEN) {
          socket.close(1000, 'closing');
          // A gateway that never answers the close handshake must not hold up shutdown.
          const force = setTimeout(() => socket.terminate(), 2_000);
          socket.once('close', () => clearTimeout(force));
        } else if (socket.readyState !== WebSocket.CLOSING) {
          socket.terminate();
        }
      });
    }
    // Handlers that are storing an event finish before the caller closes the database under them; a hung one
    // does not hold up shutdown past the grace (its frame was not acked, so DingTalk pushes it again).
    if (this.inFlight.size > 0) {
      let grace: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled([...this.inFlight]).then(() => true),
        new Promise<false>((resolve) => {
          grace = setTimeout(() => resolve(false), this.handlerGraceMs);
        }),
      ]);
      clearTimeout(grace);
      if (!finished) this.log.warn({ handlers: this.inFlight.size }, 'dingtalk stream closed with handlers still running');
    }
    this.log.info('dingtalk stream closed');
  }

  /** A method, not a field read: TypeScript would keep its narrowing of `current` across an await. */
  private isClosed(): boolean {
    return this.current === 'closed';
  }

  private settleFirstAttempt(): void {
    const resolve = this.firstAttempt;
    this.firstAttempt = undefined;
    resolve?.();
  }

  private async connect(): Promise<void> {
    if (this.current === 'closed') return;
    this.current = 'connecting';
    let url: string;
    try {
      url = await this.openTicket();
    } catch (err) {
      if (this.isClosed()) return;
      const status = err instanceof StreamOpenError ? err.gatewayStatus : undefined;
      const fields = { status, platformCode: err instanceof StreamOpenError ? err.platformCode : undefined, reason: withoutTicket(String((err as Error)?.message ?? err)).slice(0, 200) };
      if (status === 401 || status === 403) this.log.error(fields, 'dingtalk stream: the gateway refused the app; check DINGTALK_APP_KEY and DINGTALK_APP_SECRET');
      else this.log.warn(fields, 'dingtalk stream: connections/open failed');
      this.scheduleReconnect('open_failed');
      this.settleFirstAttempt();
      return;
    }
    // close() may have come while the ticket was on its way.
    if (this.isClosed()) return;
    this.openSocket(url);
  }

  /** POST connections/open: a fresh single-use ticket for this one connection (§5.2 point 1). */
  private async openTicket(): Promise<string> {
    const abort = new AbortController();
    this.openAbort = abort;
    try {
      const res = await fetch(`${this.opts.apiBase}${GATEWAY_OPEN_PATH}`, {
        method: 'POST',
        // Without Accept the gateway answers XML.
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({
          clientId: this.opts.appKey,
          clientSecret: this.opts.appSecret,
          subscriptions: [
            { type: 'EVENT', topic: '*' },
            { type: 'CALLBACK', topic: ROBOT_MESSAGE_TOPIC },
          ],
          ua: 'partycare',
          localIp: this.localIp,
        }),
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(this.openTimeoutMs)]),
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const b = (typeof body === 'object' && body !== null ? body : {}) as { endpoint?: unknown; ticket?: unknown; code?: unknown };
      const platformCode = typeof b.code === 'string' || typeof b.code === 'number' ? String(b.code).slice(0, 60) : undefined;
      if (!res.ok) throw new StreamOpenError(`connections/open answered HTTP ${res.status}`, res.status, platformCode);
      if (typeof b.endpoint !== 'string' || !/^wss?:\/\//.test(b.endpoint) || typeof b.ticket !== 'string' || b.ticket === '') {
        throw new StreamOpenError('connections/open answered without an endpoint and ticket', res.status, platformCode);
      }
      return `${b.endpoint}${b.endpoint.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(b.ticket)}`;
    } finally {
      if (this.openAbort === abort) this.openAbort = undefined;
    }
  }

  private openSocket(url: string): void {
    const socket = new WebSocket(url, { handshakeTimeout: this.openTimeoutMs, maxPayload: this.maxFrameBytes });
    this.socket = socket;
    let openedAt: number | undefined;
    let disconnectAnnounced = false;
    let alive = true;

    socket.on('open', () => {
      openedAt = this.now();
      this.connections += 1;
      if (this.current === 'closed') return;
      this.current = 'open';
      this.log.info({ connection: this.connections }, 'dingtalk stream connected');
      this.settleFirstAttempt();
      if (this.keepAliveMs > 0) {
        this.keepAliveTimer = setInterval(() => {
          if (!alive) {
            this.log.warn({ keepAliveMs: this.keepAliveMs }, 'dingtalk stream: no pong from the gateway; reconnecting');
            socket.terminate();
            return;
          }
          alive = false;
          socket.ping();
        }, this.keepAliveMs);
      }
    });
    socket.on('pong', () => {
      alive = true;
    });
    socket.on('message', (raw, isBinary) => {
      alive = true;
      const frame = readFrame(raw, isBinary);
      if (frame === undefined) {
        this.log.warn({ bytes: rawLength(raw), binary: isBinary }, 'dingtalk stream: malformed frame ignored');
        return;
      }
      if (frame.type === 'SYSTEM' && frame.headers.topic === 'disconnect') {
        // No reply: the gateway closes the socket itself, then we reconnect with a new ticket (§5.2 point 3).
        disconnectAnnounced = true;
        this.log.info('dingtalk stream: the gateway announced a disconnect');
        clearTimeout(this.graceTimer);
        this.graceTimer = setTimeout(() => socket.terminate(), this.disconnectGraceMs);
        return;
      }
      this.dispatch(socket, frame);
    });
    socket.on('error', (err) => {
      // Always listened to, so a socket error never reaches the process as an uncaught 'error'; 'close' follows.
      this.log.warn({ code: (err as NodeJS.ErrnoException).code, reason: withoutTicket(err.message).slice(0, 200) }, 'dingtalk stream: socket error');
    });
    socket.on('close', (code) => {
      this.stopConnectionTimers();
      if (this.socket === socket) this.socket = undefined;
      if (this.current === 'closed') return;
      // A connection that said goodbye properly, or stayed up a while, was healthy: start the backoff over.
      const healthy = disconnectAnnounced || (openedAt !== undefined && this.now() - openedAt >= this.healthyMs);
      if (healthy) this.failures = 0;
      this.log.info({ code, opened: openedAt !== undefined, healthy }, 'dingtalk stream: connection closed');
      this.scheduleReconnect(openedAt === undefined ? 'handshake_failed' : 'closed');
      this.settleFirstAttempt();
    });
  }

  private stopConnectionTimers(): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
  }

  /** Exponential backoff with equal jitter: half the step fixed, half random, so instances do not reconnect in step. */
  private scheduleReconnect(reason: string): void {
    if (this.current === 'closed') return;
    const step = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures, 30));
    const delayMs = Math.round(step / 2 + (this.random() * step) / 2);
    this.failures += 1;
    this.current = 'waiting';
    this.log.info({ reason, delayMs, attempt: this.failures }, 'dingtalk stream: reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delayMs);
  }

  private dispatch(socket: WebSocket, frame: Frame): void {
    const { headers } = frame;
    if (frame.type === 'SYSTEM') {
      // ping: the reply carries the ping's data (its opaque) back. Other system topics are acked the same way.
      if (headers.topic !== 'ping') this.log.debug({ topic: headers.topic }, 'dingtalk stream: system frame acked');
      this.ack(socket, headers.messageId, frame.data);
      return;
    }
    if (frame.type === 'EVENT') {
      this.track(this.deliverEvent(socket, frame));
      return;
    }
    if (frame.type === 'CALLBACK' && headers.topic === ROBOT_MESSAGE_TOPIC) {
      this.track(this.deliverRobotMessage(socket, frame));
      return;
    }
    this.log.debug({ type: frame.type, topic: headers.topic }, 'dingtalk stream: frame of no interest acked');
    this.ack(socket, headers.messageId, ROBOT_ACK);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async deliverEvent(socket: WebSocket, frame: Frame): Promise<void> {
    const { messageId, eventId, eventType } = frame.headers;
    try {
      await this.opts.handlers.onEvent(frame.data, frame.headers);
    } catch (err) {
      this.log.warn({ messageId, eventId, eventType, error: errorName(err) }, 'dingtalk stream: event not stored; acked LATER for a re-push');
      this.ack(socket, messageId, LATER_ACK);
      return;
    }
    this.ack(socket, messageId, SUCCESS_ACK);
  }

  private async deliverRobotMessage(socket: WebSocket, frame: Frame): Promise<void> {
    const { messageId } = frame.headers;
    try {
      await this.opts.handlers.onRobotMessage(frame.data, frame.headers);
    } catch (err) {
      // The Stream SDKs answer a failed callback with code 500. Robot messages are not pushed again (§5.2
      // point 4), so this one is lost: the log says so, without its content.
      this.log.error({ messageId, error: errorName(err) }, 'dingtalk stream: robot message not stored');
      this.send(socket, { code: 500, headers: { messageId, contentType: 'application/json' }, message: 'not stored', data: ROBOT_ACK });
      return;
    }
    this.ack(socket, messageId, ROBOT_ACK);
  }

  private ack(socket: WebSocket, messageId: string, data: string): void {
    this.send(socket, { code: 200, headers: { messageId, contentType: 'application/json' }, message: 'OK', data });
  }

  /** On the connection the frame came on; when that one is gone the frame is pushed again on the next. */
  private send(socket: WebSocket, reply: object): void {
    if (socket.readyState !== WebSocket.OPEN) {
      this.log.debug('dingtalk stream: connection gone before the ack');
      return;
    }
    socket.send(JSON.stringify(reply), (err) => {
      if (err) this.log.debug({ reason: err.message.slice(0, 200) }, 'dingtalk stream: ack not sent');
    });
  }
}
