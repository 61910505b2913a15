// Callback signature and freshness checks (wecom-protocol.md §1 step 2, §2.1, §6.4; RELIABILITY.md "Callback ingress").

import { timingSafeEqual } from 'node:crypto';
import { getSignature } from '@wecom/crypto';

/** sha1(sort([token, timestamp, nonce, encrypt]).join('')) as lowercase hex. */
export function computeSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return getSignature(token, timestamp, nonce, encrypt);
}

const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

/**
 * Constant-time check of `msg_signature`. Never throws: `given` comes straight from the query string
 * and may be missing, empty, repeated (an array) or of any length.
 */
export function verifySignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
  given: unknown,
): boolean {
  if (typeof given !== 'string' || !SHA1_HEX.test(given)) return false;
  if (typeof token !== 'string' || typeof timestamp !== 'string') return false;
  if (typeof nonce !== 'string' || typeof encrypt !== 'string') return false;
  const expected = Buffer.from(computeSignature(token, timestamp, nonce, encrypt), 'latin1');
  // Both sides are exactly 40 ASCII bytes here, so timingSafeEqual cannot throw.
  return timingSafeEqual(expected, Buffer.from(given.toLowerCase(), 'latin1'));
}

const SECONDS = /^[0-9]{1,13}$/;

/**
 * WeCom's sample SDKs never check the timestamp; we accept only ±toleranceSec around now, in both
 * directions (a future timestamp is as suspicious as a stale one). `ts` is Unix seconds as digits only.
 */
export function checkTimestamp(ts: unknown, nowMs: number, toleranceSec = 300): boolean {
  if (typeof ts !== 'string' || !SECONDS.test(ts)) return false;
  return Math.abs(nowMs - Number(ts) * 1000) <= toleranceSec * 1000;
}
