// WeCom errcode → what the outbound worker should do (wecom-protocol.md §3.6, §6 items 9–10).
// Decide on errcode (and the HTTP status), never on errmsg: errmsg wording changes, codes don't (§3).

import type { SendFailureKind } from '../../errors.ts';

/** One-line meanings of the errcodes we expect to meet, for logs and error messages (§3.6, §3.5). */
export const WECOM_ERRCODES: Readonly<Record<number, string>> = {
  [-1]: 'system busy',
  40001: 'invalid secret (wrong or reset corpsecret, or app disabled)',
  40008: 'invalid message type',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40016: 'menu: 1-3 top-level buttons required',
  40017: 'menu: invalid button type',
  40018: 'menu: invalid button name length',
  40019: 'menu: invalid button key length',
  40020: 'menu: invalid button url length',
  40022: 'menu: too many levels',
  40023: 'menu: 1-5 sub-buttons required',
  40056: 'invalid agentid',
  40058: 'invalid parameter',
  40063: 'empty parameter',
  41001: 'access_token missing',
  41033: 'textcard description missing',
  42001: 'access_token expired',
  44004: 'text content empty',
  45002: 'message content too large',
  45009: 'API frequency limit hit',
  45033: 'concurrent-call limit hit',
  48002: 'API not permitted for this app',
  50002: 'member outside permission scope',
  60011: 'member/party/tag not in app visibility',
  60020: 'caller IP not in the app trusted IPs (企业可信IP)',
  81013: 'all recipients invalid or outside app visibility',
  82001: 'touser/toparty/totag all empty',
};

/** A loggable description; 42027–42051 are the template_card field validation family (§3.6). */
export function describeWecomErrcode(errcode: number): string {
  const known = WECOM_ERRCODES[errcode];
  if (known) return known;
  if (errcode >= 42027 && errcode <= 42051) return 'template_card field validation error';
  return 'unknown errcode';
}

/**
 * Classifies a failed WeCom API call that used an access token (message/send, menu/create…).
 * `httpStatus` other than 200 wins over the errcode: the body of a proxy or gateway error is not
 * WeCom's. For gettoken itself use {@link classifyGettokenError}: there 40001 means a bad secret.
 */
export function classifyWecomError(errcode: number, httpStatus?: number): SendFailureKind {
  if (httpStatus !== undefined && httpStatus !== 200) return classifyHttpStatus(httpStatus);
  switch (errcode) {
    // §3.1: WeCom may drop a token early; 40001 is what a token minted before a secret reset gets.
    // The caller refreshes once and retries once, so this cannot loop.
    case 40014:
    case 42001:
    case 40001:
      return 'token_invalid';
    // §3.6/§3.7: frequency (45009) and concurrency (45033) limits, wait for the window.
    case 45009:
    case 45033:
      return 'rate_limited';
    case -1:
      return 'retry';
    // 60020 (untrusted IP), 81013 (no valid recipient), 40058, 4xxxx card validation…:
    // sending the same request again cannot succeed.
    default:
      return 'fatal';
  }
}

/**
 * Classifies a failed gettoken call (§3.1). A wrong corpid/secret must never be retried in a loop:
 * repeated wrong-secret attempts can block the calling IP for an hour.
 */
export function classifyGettokenError(errcode: number, httpStatus?: number): SendFailureKind {
  if (httpStatus !== undefined && httpStatus !== 200) return classifyHttpStatus(httpStatus);
  if (errcode === -1) return 'retry';
  if (errcode === 45009 || errcode === 45033) return 'rate_limited';
  return 'fatal';
}

/** gettoken errcodes that mean the configured corpid/secret is wrong (§3.1, §3.6). */
export function isBadCredentials(errcode: number): boolean {
  return errcode === 40001 || errcode === 40013;
}

/** 60020: the worker's egress IP is not in the app's 企业可信IP list; an operator must act (§3.6, §6.10). */
export function isUntrustedIp(errcode: number | string | undefined): boolean {
  return errcode === 60020 || errcode === '60020';
}

/** How long a rate_limited failure should wait: §3.7 says a minute limit blocks for 60 s. */
export function rateLimitDelayMs(errcode: number | undefined): number {
  // 45033 is a concurrency limit, not a window: a short pause is enough.
  return errcode === 45033 ? 2_000 : 60_000;
}

function classifyHttpStatus(status: number): SendFailureKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 408) return 'retry';
  return 'fatal';
}
