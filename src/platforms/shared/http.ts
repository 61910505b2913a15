// One HTTP request to a platform's server API with a hard timeout, for every adapter (WeCom, DingTalk). Tokens
// and secrets travel in query strings and headers, so neither URLs nor raw transport errors ever reach a
// message: only the caller's label (the API path) does, and anything quoted is redacted.
import { PlatformSendError } from '../../errors.ts';

export interface PlatformHttpReply {
  httpStatus: number;
  /** The parsed body when it is a JSON object; undefined for HTML error pages, truncated bodies… */
  body: Record<string, unknown> | undefined;
}

/** Told of every call (the platform API latency metric): the caller's label, seconds taken, how it ended. */
export type ApiObserver = (api: string, seconds: number, outcome: 'answered' | 'timeout' | 'network') => void;

export interface PlatformHttpRequest {
  method: 'GET' | 'POST';
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Transport failures (reset, refused, timeout) become PlatformSendError('retry'). `label` is the only thing
 * about the request that can appear in a message; `secrets` (tokens, app secrets) are redacted from anything
 * quoted from the error.
 */
export async function requestPlatform(
  url: URL,
  init: PlatformHttpRequest,
  timeoutMs: number,
  label: string,
  secrets: readonly string[],
  observe?: ApiObserver,
): Promise<PlatformHttpReply> {
  let httpStatus: number;
  let text: string;
  const started = performance.now();
  const observed = (outcome: Parameters<ApiObserver>[2]) => observe?.(label, (performance.now() - started) / 1_000, outcome);
  try {
    const headers: Record<string, string> = { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers };
    const res = await fetch(url, {
      method: init.method,
      headers: Object.keys(headers).length === 0 ? undefined : headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    httpStatus = res.status;
    text = await res.text();
    observed('answered');
  } catch (err) {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      observed('timeout');
      throw new PlatformSendError('retry', `${label}: no response within ${timeoutMs} ms`, 'timeout');
    }
    // undici wraps the socket error in `cause`; its code (ECONNRESET, UND_ERR_SOCKET…) is safe to show.
    const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
    const code = typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.name : 'unknown';
    observed('network');
    throw new PlatformSendError('retry', `${label}: network error (${redact(code, secrets)})`, 'network');
  }
  return { httpStatus, body: parseJsonObject(text) };
}

export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `text` without any of `secrets`, nor the value of a query parameter that carries one. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('[redacted]');
  return out.replace(/(access_token|corpsecret|appsecret|appSecret)=[^&\s"]*/g, '$1=[redacted]');
}
