// The access_token of one WeCom app, shared by every process through Redis (wecom-protocol.md §3.1,
// §6 item 9): the shared single-flight cache (platforms/shared/token-cache.ts) fetching with gettoken.

import type { Redis } from 'ioredis';
import { PlatformSendError } from '../../errors.ts';
import { SharedTokenCache } from '../shared/token-cache.ts';
import type { ApiObserver } from '../shared/http.ts';
import { assertWecomOk, requestWecom } from './client.ts';
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
  /** Told of the gettoken call and of each token fetched (metrics). */
  observe?: ApiObserver;
  onRefreshed?: () => void;
}

export class WecomTokenCache extends SharedTokenCache {
  constructor(opts: WecomTokenCacheOptions) {
    const fetchTimeoutMs = opts.fetchTimeoutMs ?? 5_000;
    super({
      redis: opts.redis,
      key: `${opts.keyPrefix ?? 'partycare:'}wecom:token:${opts.corpId}:${opts.agentId}`,
      secret: opts.secret,
      label: 'gettoken',
      fetchTimeoutMs,
      refreshMarginSec: opts.refreshMarginSec,
      onRefreshed: opts.onRefreshed,
      // A wrong corpid/secret must not be retried in a loop: repeated attempts can block the IP for an hour.
      isBadCredentials: (err) => typeof err.platformCode === 'number' && isBadCredentials(err.platformCode),
      fetchToken: async () => {
        const url = new URL(`${opts.apiBase.replace(/\/+$/, '')}/cgi-bin/gettoken`);
        url.searchParams.set('corpid', opts.corpId);
        url.searchParams.set('corpsecret', opts.secret);
        const reply = await requestWecom(url, { method: 'GET' }, fetchTimeoutMs, 'gettoken', opts.secret, opts.observe);
        const body = assertWecomOk(reply, 'gettoken', classifyGettokenError, opts.secret);
        const { access_token: token, expires_in: expiresIn } = body;
        if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
          throw new PlatformSendError('retry', 'gettoken: errcode 0 but no access_token/expires_in in the reply', 'bad_reply');
        }
        return { token, expiresInSec: expiresIn };
      },
    });
  }
}
