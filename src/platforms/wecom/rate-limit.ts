// Per (app, member) send limiter. WeCom silently drops app messages beyond 30/min or 1000/h to one
// member from one app — no errcode, the message just never arrives (wecom-protocol.md §3.7, §6 item
// 11). So we must count ourselves, before calling message/send.
//
// A sliding window over a sorted set (score = send time in ms): it guarantees the limits over every
// 60 s / 3600 s span, hence also over whichever fixed windows WeCom uses. Check-and-add is one Lua
// script, so concurrent workers can never both take the last slot.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface RecipientRateLimiterOptions {
  /** Prefix of the per-recipient keys, e.g. 'partycare:wecom:rate:'. */
  keyPrefix: string;
  /** Default 30 (§3.7). */
  perMinute?: number;
  /** Default 1000 (§3.7). */
  perHour?: number;
}

export type AcquireResult = { ok: true } | { ok: false; retryInMs: number };

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Added to retryInMs to absorb clock differences between the processes passing `nowMs`. */
const SLACK_MS = 20;

// KEYS[1] window zset. ARGV: nowMs (or '' to use the Redis clock), perMinute, perHour, member id.
// Returns {1} when a slot was taken, else {0, msUntilASlotFrees}.
const ACQUIRE = `
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local perMinute = tonumber(ARGV[2])
local perHour = tonumber(ARGV[3])
local key = KEYS[1]

-- An entry counts while its score is in (now - window, now].
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - ${HOUR_MS})
local inHour = redis.call('ZCARD', key)
local inMinute = redis.call('ZCOUNT', key, '(' .. (now - ${MINUTE_MS}), '+inf')

local wait = 0
if inMinute >= perMinute then
  -- A slot frees when the entry that puts us at the limit leaves the minute window.
  local e = redis.call('ZRANGEBYSCORE', key, '(' .. (now - ${MINUTE_MS}), '+inf', 'WITHSCORES', 'LIMIT', inMinute - perMinute, 1)
  wait = math.max(wait, tonumber(e[2]) + ${MINUTE_MS} - now)
end
if inHour >= perHour then
  local e = redis.call('ZRANGE', key, inHour - perHour, inHour - perHour, 'WITHSCORES')
  wait = math.max(wait, tonumber(e[2]) + ${HOUR_MS} - now)
end
if wait > 0 then return {0, wait} end

redis.call('ZADD', key, now, now .. '-' .. ARGV[4])
redis.call('PEXPIRE', key, ${HOUR_MS})
return {1}
`;

export class RecipientRateLimiter {
  private readonly keyPrefix: string;
  private readonly perMinute: number;
  private readonly perHour: number;

  constructor(
    private readonly redis: Redis,
    opts: RecipientRateLimiterOptions,
  ) {
    this.keyPrefix = opts.keyPrefix;
    this.perMinute = opts.perMinute ?? 30;
    this.perHour = opts.perHour ?? 1000;
    if (!(this.perMinute >= 1 && this.perHour >= 1)) throw new RangeError('RecipientRateLimiter: limits must be ≥ 1');
  }

  /**
   * Takes one send slot for `userId` of app `appKey` (use the agent id: limits are per app).
   * `nowMs` is for tests; by default the Redis server clock is used so all workers agree.
   */
  async acquire(appKey: string, userId: string, nowMs?: number): Promise<AcquireResult> {
    const key = `${this.keyPrefix}${appKey}:${userId}`;
    const reply = (await this.redis.eval(
      ACQUIRE,
      1,
      key,
      nowMs === undefined ? '' : String(Math.floor(nowMs)),
      this.perMinute,
      this.perHour,
      randomUUID(),
    )) as [number, number?];
    if (reply[0] === 1) return { ok: true };
    const wait = reply[1] ?? MINUTE_MS;
    // The limiting window bounds the wait; the slack never pushes it beyond that window.
    const window = wait > MINUTE_MS ? HOUR_MS : MINUTE_MS;
    return { ok: false, retryInMs: Math.min(window, Math.max(1, wait + SLACK_MS)) };
  }
}
