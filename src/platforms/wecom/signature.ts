// Callback signature and freshness checks (wecom-protocol.md §1 step 2, §2.1, §6.4; RELIABILITY.md "Callback ingress").

// The sha1 signature is the construction DingTalk shares (platforms/shared/callback-crypto.ts).
export { callbackSignature as computeSignature, verifyCallbackSignature as verifySignature } from '../shared/callback-crypto.ts';

const SECONDS = /^[0-9]{1,13}$/;

/**
 * WeCom's sample SDKs never check the timestamp; we accept only ±toleranceSec around now, in both
 * directions (a future timestamp is as suspicious as a stale one). `ts` is Unix seconds as digits only.
 */
export function checkTimestamp(ts: unknown, nowMs: number, toleranceSec = 300): boolean {
  if (typeof ts !== 'string' || !SECONDS.test(ts)) return false;
  return Math.abs(nowMs - Number(ts) * 1000) <= toleranceSec * 1000;
}
