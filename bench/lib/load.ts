// autocannon, driven from a pool of distinct callbacks (WeCom or DingTalk): one shared cursor for all connections, so every
// request sent is a different message. When the pool runs out, `next` decides: a new message made on the
// spot (durable and minimal: no repeats ever) or a wrap-around (bare: repeats do not matter there).
// A request whose connection times out is not re-sent: the connection takes the next message.
import { createRequire } from 'node:module';
import type { Callback } from './messages.ts';

const require = createRequire(import.meta.url);

interface Histogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p97_5: number;
  p99: number;
  p99_9?: number;
}

export interface AutocannonResult {
  duration: number;
  latency: Histogram;
  requests: Histogram & { total: number; sent: number };
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  resets: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
}

interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  timeout?: number;
  method?: string;
  headers?: Record<string, string>;
  setupClient?: (client: AutocannonClient) => void;
}

type AutocannonFn = (opts: AutocannonOptions, cb: (err: Error | null, result: AutocannonResult) => void) => unknown;
const autocannon = require('autocannon') as AutocannonFn;

export interface LoadSource {
  /** The bytes of the next request to send. */
  next(): Buffer;
  /** How many were sent from the pre-generated pool, and how many had to be made during the run. */
  readonly fromPool: number;
  readonly madeOnTheFly: number;
}

/**
 * Ready-to-send requests packed into one Buffer: a pool of 100k+ messages as JS strings would sit in this
 * process's V8 heap, and the load generator's own GC pauses would then show up as server latency.
 */
export interface PackedPool {
  bytes: Buffer;
  /** Request i is bytes[offsets[i], offsets[i + 1]). */
  offsets: Uint32Array;
  count: number;
}

export function packPool(port: number, count: number, make: () => Callback): PackedPool {
  const offsets = new Uint32Array(count + 1);
  let bytes = Buffer.allocUnsafe(Math.max(1024, count * 1024));
  let at = 0;
  for (let i = 0; i < count; i++) {
    const req = requestBytes(port, make());
    if (at + req.length > bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(bytes.length * 2, at + req.length));
      bytes.copy(bigger, 0, 0, at);
      bytes = bigger;
    }
    req.copy(bytes, at);
    offsets[i] = at;
    at += req.length;
  }
  offsets[count] = at;
  return { bytes, offsets, count };
}

export function poolSource(pool: PackedPool, onEmpty: 'generate' | 'wrap', generate: () => Buffer): LoadSource {
  let i = 0;
  let extra = 0;
  const at = (k: number) => pool.bytes.subarray(pool.offsets[k], pool.offsets[k + 1]);
  return {
    next() {
      if (i < pool.count) return at(i++);
      if (onEmpty === 'wrap') return at(i++ % pool.count);
      extra++;
      return generate();
    },
    get fromPool() {
      return Math.min(i, pool.count);
    },
    get madeOnTheFly() {
      return extra;
    },
  };
}

/** The exact bytes autocannon would send for this callback (its request builder's format). */
export function requestBytes(port: number, cb: Callback): Buffer {
  const body = Buffer.from(cb.body, 'utf8');
  let extra = '';
  for (const [name, value] of Object.entries(cb.headers ?? {})) extra += `${name}: ${value}\r\n`;
  const head =
    `POST ${cb.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n` +
    `content-type: ${cb.contentType ?? 'text/xml'}\r\n${extra}Content-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

interface AutocannonClient {
  getRequestBuffer(): Buffer;
}

export function runLoad(opts: { port: number; connections: number; durationSec: number; source: LoadSource }): Promise<AutocannonResult> {
  const { source, port } = opts;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: opts.connections,
        duration: opts.durationSec,
        pipelining: 1,
        timeout: 10,
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        // Each connection asks its client for the bytes of every request it sends (httpClient._doRequest →
        // getRequestBuffer); answering from the shared source makes every request a different message
        // without autocannon's per-request rebuild (setupRequest), which costs the load generator about
        // twice the CPU and, on two cores, takes it from the server. Relies on autocannon 8's client.
        setupClient: (client: AutocannonClient) => {
          client.getRequestBuffer = () => source.next();
        },
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}
