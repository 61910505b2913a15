// The app robot's HTTP callback signature (wecom-protocol.md §5.3): headers `timestamp` (ms) and
// `sign` = base64(HmacSHA256(appSecret, timestamp + "\n" + appSecret)). The sign authenticates only the
// timestamp, never the body, so callback.ts dedupes on msgId as well.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** An hour either way, as DingTalk documents; a future timestamp is as suspicious as a stale one. */
export const ROBOT_TIMESTAMP_TOLERANCE_MS = 60 * 60 * 1000;

export function robotSign(appSecret: string, timestamp: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
}

/** A SHA-256 in standard base64: 43 characters and one '='. */
const SIGN = /^[A-Za-z0-9+/]{43}=$/;

/** Constant-time check of `sign`. Never throws: `given` comes straight from a header and may be anything. */
export function verifyRobotSign(appSecret: string, timestamp: string, given: unknown): boolean {
  if (typeof given !== 'string' || !SIGN.test(given)) return false;
  const expected = Buffer.from(robotSign(appSecret, timestamp), 'latin1');
  // Both sides are exactly 44 ASCII bytes here, so timingSafeEqual cannot throw.
  return timingSafeEqual(expected, Buffer.from(given, 'latin1'));
}

const MILLISECONDS = /^[0-9]{1,16}$/;

/** `ts` as digits only (ms), within ±toleranceMs of nowMs. */
export function checkRobotTimestamp(ts: unknown, nowMs: number, toleranceMs = ROBOT_TIMESTAMP_TOLERANCE_MS): boolean {
  if (typeof ts !== 'string' || !MILLISECONDS.test(ts)) return false;
  return Math.abs(nowMs - Number(ts)) <= toleranceMs;
}
