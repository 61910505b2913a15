// An app's access token, shared by every process through Redis (wecom-protocol.md §3.1, §5.4, §6 item 9), for
// every adapter: WeCom's gettoken, DingTalk's old gettoken and new oauth2/accessToken. Several processes
// refreshing on their own is the classic cause of intermittent invalid-token errors in WeChat-family SDKs, so
// exactly one caller fetches and everyone else waits for it. The adapter says how a token is fetched.

import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { PlatformSendError } from '../../errors.ts';

/** Where a client gets its access token. */
export interface AccessTokenSource {
  get(): Promise<string>;
  /** Drops a token the platform refused, so the next get() fetches a new one. */
  invalidate(badToken: string): Promise<void>;
}

export interface FetchedToken {
  token: string;
  /** Lifetime the platform gave, in seconds. */
  expiresInSec: number;
}

export interface SharedTokenCacheOptions {
  redis: Redis;
  /** The token's Redis key, unique per app; the lock and hold-off keys are derived from it. */
  key: string;
  /** Never logged, never in an error message, never stored: only a fingerprint of it keys the hold-off. */
  secret: string;
  /** The API call that mints a token; throws a PlatformSendError on failure. */
  fetchToken: () => Promise<FetchedToken>;
  /** Whether a fetch failure says the configured credentials are wrong: then every process holds off. */
  isBadCredentials: (err: PlatformSendError) => boolean;
  /** Names the fetching API in messages, e.g. 'gettoken'. */
  label: string;
  /** Timeout of one fetch, which bounds the lock's life. Default 5000 ms. */
  fetchTimeoutMs?: number;
  /** Refresh this long before the platform's expiry (§3.1 advises ~5 min). Default 300 s. */
  refreshMarginSec?: number;
  /** Told of each token fetched from the platform (the token refresh metric). */
  onRefreshed?: () => void;
}

// Compare-and-delete: only remove the value we expect, so that a late caller can't remove a
// lock or a token that another caller has since replaced.
const DELETE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** After the platform says the credentials are wrong, every process stops asking for a while (§3.1: IP block). */
export const BAD_CREDENTIALS_HOLD_OFF_MS = 60_000;

export class SharedTokenCache implements AccessTokenSource {
  private readonly redis: Redis;
  private readonly tokenKey: string;
  private readonly lockKey: string;
  private readonly badCredentialsKey: string;
  private readonly fetchTimeoutMs: number;
  private readonly refreshMarginSec: number;
  /** Long enough to cover one fetch; a crashed holder delays the others by at most this. */
  private readonly lockTtlMs: number;
  private readonly pollMs = { min: 25, max: 50 };
  /** In-process single flight: concurrent callers of this instance share one refresh. */
  private inflight: Promise<string> | undefined;

  constructor(private readonly opts: SharedTokenCacheOptions) {
    this.redis = opts.redis;
    this.tokenKey = opts.key;
    this.lockKey = `${opts.key}:lock`;
    // Keyed on a fingerprint of the secret, so that fixing the secret takes effect at once.
    const fingerprint = createHash('sha256').update(opts.secret).digest('hex').slice(0, 16);
    this.badCredentialsKey = `${opts.key}:bad:${fingerprint}`;
    this.fetchTimeoutMs = opts.fetchTimeoutMs ?? 5_000;
    this.refreshMarginSec = opts.refreshMarginSec ?? 300;
    this.lockTtlMs = Math.max(10_000, this.fetchTimeoutMs * 2);
  }

  /** A valid-looking token: from Redis, or fetched by exactly one caller across all processes. */
  async get(): Promise<string> {
    const cached = await this.redis.get(this.tokenKey);
    if (cached) return cached;
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /**
   * Drops `badToken` after the platform rejected it. Deletes only if the cache still holds it: if another
   * caller already stored a fresh token, that one stays (§6 item 9).
   */
  async invalidate(badToken: string): Promise<void> {
    await this.redis.eval(DELETE_IF_EQUALS, 1, this.tokenKey, badToken);
  }

  private async refresh(): Promise<string> {
    // A holder that died keeps the lock for lockTtlMs; after that we take it ourselves.
    const deadline = Date.now() + this.lockTtlMs * 2 + this.fetchTimeoutMs;
    for (;;) {
      const cached = await this.redis.get(this.tokenKey);
      if (cached) return cached;
      await this.throwIfCredentialsKnownBad();

      const lockValue = randomUUID();
      const locked = await this.redis.set(this.lockKey, lockValue, 'PX', this.lockTtlMs, 'NX');
      if (locked === 'OK') {
        try {
          // The previous holder may have stored a token between our GET and our SET NX.
          const fresh = await this.redis.get(this.tokenKey);
          if (fresh) return fresh;
          return await this.fetchAndStore();
        } finally {
          await this.redis.eval(DELETE_IF_EQUALS, 1, this.lockKey, lockValue);
        }
      }

      if (Date.now() > deadline) {
        throw new PlatformSendError('retry', `${this.opts.label}: timed out waiting for another process to refresh the token`, 'lock_timeout');
      }
      const { min, max } = this.pollMs;
      await sleep(min + Math.floor(Math.random() * (max - min)));
    }
  }

  private async fetchAndStore(): Promise<string> {
    let fetched: FetchedToken;
    try {
      fetched = await this.opts.fetchToken();
    } catch (err) {
      if (err instanceof PlatformSendError && this.opts.isBadCredentials(err)) {
        await this.redis.set(this.badCredentialsKey, String(err.platformCode ?? err.kind), 'PX', BAD_CREDENTIALS_HOLD_OFF_MS);
      }
      throw err;
    }
    const { token, expiresInSec } = fetched;
    if (token === '' || !(expiresInSec > 0)) {
      throw new PlatformSendError('retry', `${this.opts.label}: success but no token or lifetime in the reply`, 'bad_reply');
    }
    await this.redis.set(this.tokenKey, token, 'EX', this.ttlSec(expiresInSec));
    this.opts.onRefreshed?.();
    return token;
  }

  /** expires_in − margin; a short-lived token (never seen from a platform, possible from a fake) keeps half its life. */
  private ttlSec(expiresIn: number): number {
    const ttl = expiresIn > this.refreshMarginSec * 2 ? expiresIn - this.refreshMarginSec : Math.floor(expiresIn / 2);
    return Math.max(1, ttl);
  }

  private async throwIfCredentialsKnownBad(): Promise<void> {
    const code = await this.redis.get(this.badCredentialsKey);
    if (code !== null) {
      const numeric = /^-?\d+$/.test(code) ? Number(code) : code;
      throw new PlatformSendError(
        'fatal',
        `${this.opts.label}: app credentials rejected recently (code ${code}); not retrying for ${BAD_CREDENTIALS_HOLD_OFF_MS / 1000} s to avoid an IP block`,
        numeric,
      );
    }
  }
}
