// The access_token of one WeCom app, shared by every process through Redis (wecom-protocol.md §3.1,
// §6 item 9). Several processes refreshing on their own is the classic cause of intermittent
// 40014/42001 in WeChat-family SDKs, so exactly one caller fetches and everyone else waits for it.

import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { PlatformSendError } from '../../errors.ts';
import { assertWecomOk, requestWecom, type AccessTokenSource } from './client.ts';
import { classifyGettokenError, isBadCredentials } from './errors.ts';

export interface WecomTokenCacheOptions {
  redis: Redis;
  corpId: string;
  /** Tokens are per app (§3.1): the agent id is part of the cache key. */
  agentId: string;
  /** Never logged, never in an error message, never stored. */
  secret: string;
  /** e.g. https://qyapi.weixin.qq.com (a test points it at the fake server). */
  apiBase: string;
  /** Default 'partycare:'. */
  keyPrefix?: string;
  /** Timeout of one gettoken request. Default 5000 ms. */
  fetchTimeoutMs?: number;
  /** Refresh this long before WeCom's expiry (§3.1 advises ~5 min). Default 300 s. */
  refreshMarginSec?: number;
}

// Compare-and-delete: only remove the value we expect, so that a late caller can't remove a
// lock or a token that another caller has since replaced.
const DELETE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** After gettoken says the corpid/secret is wrong, every process stops calling it for a while (§3.1: IP block). */
const BAD_CREDENTIALS_HOLD_OFF_MS = 60_000;

export class WecomTokenCache implements AccessTokenSource {
  private readonly redis: Redis;
  private readonly tokenKey: string;
  private readonly lockKey: string;
  private readonly badCredentialsKey: string;
  private readonly fetchTimeoutMs: number;
  private readonly refreshMarginSec: number;
  /** Long enough to cover one gettoken call; a crashed holder delays the others by at most this. */
  private readonly lockTtlMs: number;
  private readonly pollMs = { min: 25, max: 50 };
  /** In-process single flight: concurrent callers of this instance share one refresh. */
  private inflight: Promise<string> | undefined;

  constructor(private readonly opts: WecomTokenCacheOptions) {
    this.redis = opts.redis;
    const base = `${opts.keyPrefix ?? 'partycare:'}wecom:token:${opts.corpId}:${opts.agentId}`;
    this.tokenKey = base;
    this.lockKey = `${base}:lock`;
    // Keyed on a fingerprint of the secret, so that fixing the secret takes effect at once.
    const fingerprint = createHash('sha256').update(opts.secret).digest('hex').slice(0, 16);
    this.badCredentialsKey = `${base}:bad:${fingerprint}`;
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
   * Drops `badToken` after WeCom rejected it (40014/42001). Deletes only if the cache still holds
   * it: if another caller already stored a fresh token, that one stays (§6 item 9).
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
        throw new PlatformSendError('retry', 'gettoken: timed out waiting for another process to refresh the token', 'lock_timeout');
      }
      const { min, max } = this.pollMs;
      await sleep(min + Math.floor(Math.random() * (max - min)));
    }
  }

  private async fetchAndStore(): Promise<string> {
    const url = new URL(`${this.opts.apiBase.replace(/\/+$/, '')}/cgi-bin/gettoken`);
    url.searchParams.set('corpid', this.opts.corpId);
    url.searchParams.set('corpsecret', this.opts.secret);
    let body: Record<string, unknown>;
    try {
      const reply = await requestWecom(url, { method: 'GET' }, this.fetchTimeoutMs, 'gettoken', this.opts.secret);
      body = assertWecomOk(reply, 'gettoken', classifyGettokenError, this.opts.secret);
    } catch (err) {
      if (err instanceof PlatformSendError && typeof err.platformCode === 'number' && isBadCredentials(err.platformCode)) {
        await this.redis.set(this.badCredentialsKey, String(err.platformCode), 'PX', BAD_CREDENTIALS_HOLD_OFF_MS);
      }
      throw err;
    }

    const token = body.access_token;
    const expiresIn = body.expires_in;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new PlatformSendError('retry', 'gettoken: errcode 0 but no access_token/expires_in in the reply', 'bad_reply');
    }
    await this.redis.set(this.tokenKey, token, 'EX', this.ttlSec(expiresIn));
    return token;
  }

  /** expires_in − margin; a short-lived token (never seen from WeCom, possible from a fake) keeps half its life. */
  private ttlSec(expiresIn: number): number {
    const ttl = expiresIn > this.refreshMarginSec * 2 ? expiresIn - this.refreshMarginSec : Math.floor(expiresIn / 2);
    return Math.max(1, ttl);
  }

  private async throwIfCredentialsKnownBad(): Promise<void> {
    const code = await this.redis.get(this.badCredentialsKey);
    if (code !== null) {
      throw new PlatformSendError(
        'fatal',
        `gettoken: corpid/secret rejected recently (errcode ${code}); not retrying for ${BAD_CREDENTIALS_HOLD_OFF_MS / 1000} s to avoid an IP block`,
        Number(code),
      );
    }
  }
}
