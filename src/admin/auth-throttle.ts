// Wrong admin tokens are throttled per source address (issue 8, point 10): after `maxFailures` refused tokens
// within `windowMs`, the address is refused with 429 for `cooldownMs`, even with the right token — guessing
// gets a handful of tries per cooldown. The counters live in Redis (one Lua script: count, then block), so
// every server process shares them. If Redis does not answer, this process counts on its own (a guesser
// spreading over N processes then gets N times the tries until Redis is back) — better than letting every
// guess through or locking the OD out.
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { withTimeout } from '../redis.ts';

export interface AdminAuthThrottleOptions {
  /** Prefix of the keys, e.g. `${queuePrefix}:admin-auth:`. */
  keyPrefix: string;
  /** Default 10. */
  maxFailures?: number;
  /** Default 60 s. */
  windowMs?: number;
  /** Default 5 min. */
  cooldownMs?: number;
  /** How long a Redis command may take before the in-process counter is used. Default 500 ms. */
  redisTimeoutMs?: number;
}

// KEYS[1] failure counter, KEYS[2] block marker. ARGV: windowMs, maxFailures, cooldownMs.
// Returns the cooldown in ms when this failure blocks the address, else 0.
const RECORD_FAILURE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return tonumber(ARGV[3])
end
return 0
`;

/** The in-process fallback keeps at most this many addresses (oldest dropped), so a spray cannot grow it. */
const LOCAL_MAX_ADDRESSES = 10_000;

export class AdminAuthThrottle {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly cooldownMs: number;
  private readonly redisTimeoutMs: number;
  private readonly localFailures = new Map<string, { count: number; until: number }>();
  private readonly localBlocks = new Map<string, number>();
  private redisDown = false;

  constructor(
    private readonly redis: Redis,
    private readonly clock: () => Date,
    private readonly log: Logger,
    private readonly opts: AdminAuthThrottleOptions,
  ) {
    this.maxFailures = opts.maxFailures ?? 10;
    this.windowMs = opts.windowMs ?? 60_000;
    this.cooldownMs = opts.cooldownMs ?? 5 * 60_000;
    this.redisTimeoutMs = opts.redisTimeoutMs ?? 500;
  }

  /** Milliseconds this address stays refused; 0 if it may try. */
  async blockedFor(ip: string): Promise<number> {
    const local = Math.max(0, (this.localBlocks.get(ip) ?? 0) - this.clock().getTime());
    const shared = await this.viaRedis(async () => Math.max(0, await this.redis.pttl(this.key('block', ip))));
    return Math.max(local, shared ?? 0);
  }

  /** Counts a refused token; returns the cooldown in ms if this one blocked the address, else 0. */
  async recordFailure(ip: string): Promise<number> {
    const shared = await this.viaRedis(
      async () =>
        Number(await this.redis.eval(RECORD_FAILURE, 2, this.key('fail', ip), this.key('block', ip), this.windowMs, this.maxFailures, this.cooldownMs)),
    );
    return shared ?? this.recordLocally(ip);
  }

  private key(kind: 'fail' | 'block', ip: string): string {
    return `${this.opts.keyPrefix}${kind}:${ip}`;
  }

  /** The Redis answer, or undefined when Redis is down (then the in-process counter decides). */
  private async viaRedis<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      const v = await withTimeout(fn(), this.redisTimeoutMs, 'redis timeout');
      if (this.redisDown) this.log.info('admin token throttle: Redis is back; counting in Redis again');
      this.redisDown = false;
      return v;
    } catch (err) {
      if (!this.redisDown) {
        this.log.warn({ err: { message: (err as Error).message } }, 'admin token throttle: Redis unavailable; counting wrong tokens in this process only');
      }
      this.redisDown = true;
      return undefined;
    }
  }

  private recordLocally(ip: string): number {
    const now = this.clock().getTime();
    const entry = this.localFailures.get(ip);
    const current = entry && entry.until > now ? entry : { count: 0, until: now + this.windowMs };
    current.count += 1;
    this.localFailures.delete(ip);
    if (current.count >= this.maxFailures) {
      this.localBlocks.delete(ip);
      this.localBlocks.set(ip, now + this.cooldownMs);
      trim(this.localBlocks);
      return this.cooldownMs;
    }
    this.localFailures.set(ip, current);
    trim(this.localFailures);
    return 0;
  }
}

function trim(map: Map<string, unknown>): void {
  while (map.size > LOCAL_MAX_ADDRESSES) map.delete(map.keys().next().value as string);
}
