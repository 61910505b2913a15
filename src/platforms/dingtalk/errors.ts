// DingTalk's answers → what the outbound worker should do (wecom-protocol.md §5.4, §6 items 9–10). Two APIs,
// two shapes: oapi.dingtalk.com answers HTTP 200 {errcode, errmsg}; api.dingtalk.com answers HTTP 4xx/5xx
// {code, message, requestid}. Decide on codes and statuses, never on the wording of a message.

import { PlatformSendError, type SendFailureKind } from '../../errors.ts';
import { redact, type PlatformHttpReply } from '../shared/http.ts';

/** One-line meanings of the oapi errcodes we expect to meet, for messages. */
export const DINGTALK_ERRCODES: Readonly<Record<number, string>> = {
  [-1]: 'system busy',
  33012: 'invalid userid',
  40014: 'invalid access_token',
  40035: 'invalid parameter',
  40089: 'invalid appkey or appsecret',
  41001: 'access_token missing',
  42001: 'access_token expired',
  60011: 'API not permitted for this app',
  60020: "caller IP not in the app's server egress IPs (服务器出口IP)",
  90002: 'API frequency limit hit',
  90018: 'API frequency limit hit (corp)',
  143103: 'work notification: per-app QPM limit hit',
  143104: 'work notification: per-corp QPM limit hit',
};

/** What an operator must do when DingTalk refuses the server's IP: nothing is sent until then. */
export const UNTRUSTED_IP_ADVICE = "add this server's egress IP to the app's 服务器出口IP in the DingTalk developer console";

/** api.dingtalk.com's code for the same refusal as oapi's 60020. */
const API_IP_REFUSED = 'Forbidden.AccessDenied.IpNotInWhiteList';

/** Per-minute limits (143103/143104, 90002/90018) free up within a minute. */
const MINUTE_MS = 60_000;
/** api.dingtalk.com's Throttling is per second (QPS); a short pause is enough. */
const API_THROTTLE_MS = 10_000;

/** The server's egress IP is not allowed (oapi 60020, or its api.dingtalk.com twin): an operator must act. */
export function isUntrustedIp(code: number | string | undefined): boolean {
  return code === 60020 || code === '60020' || code === API_IP_REFUSED;
}

/** A failed oapi call (asyncsend_v2…) that used an access token. `httpStatus` other than 200 wins. */
export function classifyOapiError(errcode: number, httpStatus?: number): SendFailureKind {
  if (httpStatus !== undefined && httpStatus !== 200) return classifyHttpStatus(httpStatus);
  switch (errcode) {
    // The caller refreshes once and retries once, so this cannot loop.
    case 40014:
    case 41001:
    case 42001:
      return 'token_invalid';
    case 143103:
    case 143104:
    case 90002:
    case 90018:
      return 'rate_limited';
    case -1:
      return 'retry';
    // 60020 (egress IP), 33012 (invalid userid), 40035 (bad payload)…: the same request cannot succeed.
    default:
      return 'fatal';
  }
}

/** A failed gettoken: a wrong appkey/appsecret must never be retried in a loop. */
export function classifyGettokenError(errcode: number, httpStatus?: number): SendFailureKind {
  if (httpStatus !== undefined && httpStatus !== 200) return classifyHttpStatus(httpStatus);
  if (errcode === -1) return 'retry';
  if (errcode === 90002 || errcode === 90018) return 'rate_limited';
  return 'fatal';
}

/** A failed api.dingtalk.com call: its HTTP status and `code` (e.g. Throttling.Api, InvalidAuthentication). */
export function classifyApiError(httpStatus: number, code: string | undefined): SendFailureKind {
  if (code !== undefined) {
    if (/^throttling/i.test(code)) return 'rate_limited';
    if (/^invalidauthentication/i.test(code)) return 'token_invalid';
    if (code === API_IP_REFUSED) return 'fatal';
  }
  if (httpStatus === 401) return 'token_invalid';
  return classifyHttpStatus(httpStatus);
}

/** How long a rate_limited failure waits before the next try. */
export function rateLimitDelayMs(code: number | string | undefined): number {
  return typeof code === 'string' && code !== 'flow_controlled' ? API_THROTTLE_MS : MINUTE_MS;
}

function classifyHttpStatus(status: number): SendFailureKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 408) return 'retry';
  return 'fatal';
}

function describe(errcode: number): string {
  return DINGTALK_ERRCODES[errcode] ?? 'unknown errcode';
}

function withAdvice(code: number | string): string {
  return isUntrustedIp(code) ? `: ${UNTRUSTED_IP_ADVICE}` : '';
}

/**
 * An oapi reply turned into its body when errcode is 0, else the classified PlatformSendError. A 200 whose
 * body is not a JSON object is a failure too. `secrets` (token, app secret) never reach the message.
 */
export function assertOapiOk(
  reply: PlatformHttpReply,
  label: string,
  classify: (errcode: number, httpStatus?: number) => SendFailureKind,
  secrets: readonly string[],
): Record<string, unknown> {
  const { httpStatus, body } = reply;
  if (httpStatus !== 200) {
    const kind = classify(0, httpStatus);
    throw new PlatformSendError(kind, `${label}: HTTP ${httpStatus}`, `http_${httpStatus}`, kind === 'rate_limited' ? MINUTE_MS : undefined);
  }
  if (body === undefined) throw new PlatformSendError('retry', `${label}: HTTP 200 with a body that is not a JSON object`, 'non_json');
  const errcode = body.errcode;
  if (typeof errcode !== 'number') throw new PlatformSendError('retry', `${label}: reply has no numeric errcode`, 'no_errcode');
  if (errcode === 0) return body;
  const kind = classify(errcode);
  // errmsg is kept: for 60020 it names the egress IP the operator must allow.
  const errmsg = typeof body.errmsg === 'string' ? ` - ${redact(body.errmsg, secrets).slice(0, 200)}` : '';
  throw new PlatformSendError(
    kind,
    `${label}: errcode ${errcode} (${describe(errcode)})${withAdvice(errcode)}${errmsg}`,
    errcode,
    kind === 'rate_limited' ? rateLimitDelayMs(errcode) : undefined,
  );
}

/** An api.dingtalk.com reply turned into its body on HTTP 200, else the classified PlatformSendError. */
export function assertApiOk(reply: PlatformHttpReply, label: string, secrets: readonly string[]): Record<string, unknown> {
  const { httpStatus, body } = reply;
  if (httpStatus === 200) {
    if (body === undefined) throw new PlatformSendError('retry', `${label}: HTTP 200 with a body that is not a JSON object`, 'non_json');
    return body;
  }
  const code = typeof body?.code === 'string' && body.code !== '' ? body.code : undefined;
  const kind = classifyApiError(httpStatus, code);
  const platformCode = code ?? `http_${httpStatus}`;
  const message = typeof body?.message === 'string' ? ` - ${redact(body.message, secrets).slice(0, 200)}` : '';
  throw new PlatformSendError(
    kind,
    `${label}: HTTP ${httpStatus}${code ? ` ${code}` : ''}${withAdvice(platformCode)}${message}`,
    platformCode,
    kind === 'rate_limited' ? rateLimitDelayMs(platformCode) : undefined,
  );
}
