// DingTalk's two access tokens of one app (wecom-protocol.md §5.4), each shared by every process through Redis
// with one refresher at a time (platforms/shared/token-cache.ts): the old one from oapi gettoken for work
// notifications (?access_token=), the new one from api oauth2/accessToken for robot messages (a header).
import type { Redis } from 'ioredis';
import { PlatformSendError } from '../../errors.ts';
import { requestPlatform, type ApiObserver } from '../shared/http.ts';
import { SharedTokenCache, type AccessTokenSource } from '../shared/token-cache.ts';
import { assertApiOk, assertOapiOk, classifyGettokenError } from './errors.ts';

export interface DingtalkTokensOptions {
  redis: Redis;
  appKey: string;
  /** Never logged, never in an error message, never stored. */
  appSecret: string;
  /** https://api.dingtalk.com */
  apiBase: string;
  /** https://oapi.dingtalk.com */
  oapiBase: string;
  /** Default 'partycare:'. */
  keyPrefix?: string;
  /** Timeout of one token request. Default 5000 ms. */
  fetchTimeoutMs?: number;
  /** Told of each token call and each token fetched (metrics). */
  observe?: ApiObserver;
  refreshed?: (api: string) => () => void;
}

export interface DingtalkTokens {
  /** For oapi.dingtalk.com (work notifications). */
  oapi: AccessTokenSource;
  /** For api.dingtalk.com (robot messages). */
  api: AccessTokenSource;
}

/** oapi gettoken errcodes that say the appkey/appsecret is wrong. */
const OAPI_BAD_CREDENTIALS = new Set<number | string | undefined>([40089, 40001, 40013]);

export function dingtalkTokens(opts: DingtalkTokensOptions): DingtalkTokens {
  const fetchTimeoutMs = opts.fetchTimeoutMs ?? 5_000;
  const base = `${opts.keyPrefix ?? 'partycare:'}dingtalk:token:${opts.appKey}`;
  const secrets = [opts.appSecret];
  const oapi = new SharedTokenCache({
    redis: opts.redis,
    key: `${base}:oapi`,
    secret: opts.appSecret,
    label: 'gettoken',
    fetchTimeoutMs,
    onRefreshed: opts.refreshed?.('gettoken'),
    isBadCredentials: (err) => OAPI_BAD_CREDENTIALS.has(err.platformCode),
    fetchToken: async () => {
      const url = new URL(`${opts.oapiBase.replace(/\/+$/, '')}/gettoken`);
      url.searchParams.set('appkey', opts.appKey);
      url.searchParams.set('appsecret', opts.appSecret);
      const reply = await requestPlatform(url, { method: 'GET' }, fetchTimeoutMs, 'gettoken', secrets, opts.observe);
      const body = assertOapiOk(reply, 'gettoken', classifyGettokenError, secrets);
      const { access_token: token, expires_in: expiresIn } = body;
      if (typeof token !== 'string' || typeof expiresIn !== 'number') {
        throw new PlatformSendError('retry', 'gettoken: errcode 0 but no access_token/expires_in in the reply', 'bad_reply');
      }
      return { token, expiresInSec: expiresIn };
    },
  });
  const api = new SharedTokenCache({
    redis: opts.redis,
    key: `${base}:api`,
    secret: opts.appSecret,
    label: 'oauth2/accessToken',
    fetchTimeoutMs,
    onRefreshed: opts.refreshed?.('oauth2/accessToken'),
    // A 4xx other than a throttle from the token endpoint is about the app's key or secret.
    isBadCredentials: (err) => err.kind === 'fatal',
    fetchToken: async () => {
      const url = new URL(`${opts.apiBase.replace(/\/+$/, '')}/v1.0/oauth2/accessToken`);
      const reply = await requestPlatform(url, { method: 'POST', body: { appKey: opts.appKey, appSecret: opts.appSecret } }, fetchTimeoutMs, 'oauth2/accessToken', secrets, opts.observe);
      let body: Record<string, unknown>;
      try {
        body = assertApiOk(reply, 'oauth2/accessToken', secrets);
      } catch (err) {
        // No token is involved yet: a 401 here is about the key or secret, which no refresh can fix.
        if (err instanceof PlatformSendError && err.kind === 'token_invalid') throw new PlatformSendError('fatal', err.message, err.platformCode);
        throw err;
      }
      const { accessToken: token, expireIn } = body;
      if (typeof token !== 'string' || typeof expireIn !== 'number') {
        throw new PlatformSendError('retry', 'oauth2/accessToken: HTTP 200 but no accessToken/expireIn in the reply', 'bad_reply');
      }
      return { token, expiresInSec: expireIn };
    },
  });
  return { oapi, api };
}
