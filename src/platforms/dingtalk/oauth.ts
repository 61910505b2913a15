// DingTalk's web sign-in for the dashboard (Platform.webSignIn): login.dingtalk.com/oauth2/auth signs the person
// in inside the DingTalk client and shows a QR code in a desktop browser; it comes back with authCode. The code
// becomes a user access token (POST api /v1.0/oauth2/userAccessToken), the token the person's unionId
// (GET /v1.0/contact/users/me), and the unionId the organisation's userid with the app's own token
// (POST oapi /topapi/user/getbyunionid). The code and both tokens are never logged nor put in a message.
import { PlatformSendError } from '../../errors.ts';
import { redact, requestPlatform, type ApiObserver, type PlatformHttpReply } from '../shared/http.ts';
import type { AccessTokenSource } from '../shared/token-cache.ts';
import type { WebSignIn, WebSignInRefusal } from '../platform.ts';

export interface DingtalkOAuthOptions {
  appKey: string;
  appSecret: string;
  apiBase: string;
  oapiBase: string;
  /** https://login.dingtalk.com (DINGTALK_LOGIN_BASE). */
  loginBase: string;
  /** The app's oapi token (token-cache.ts), for getbyunionid. */
  oapiToken: AccessTokenSource;
  fetchTimeoutMs?: number;
  /** Told of every API call (latency metric). */
  observe?: ApiObserver | undefined;
}

type Refused = { refused: WebSignInRefusal; detail: string };
const refused = (reason: WebSignInRefusal, detail: string): Refused => ({ refused: reason, detail });

/** oapi errcodes for a refused app token: refresh once and ask again. */
const TOKEN_REFUSED = new Set([40001, 40014, 42001]);
/** getbyunionid: 60121 the user is not in the organisation (找不到该用户). */
const NOT_IN_ORG = new Set([60121, 60011]);

export function dingtalkWebSignIn(opts: DingtalkOAuthOptions): WebSignIn {
  const apiBase = opts.apiBase.replace(/\/+$/, '');
  const oapiBase = opts.oapiBase.replace(/\/+$/, '');
  const timeout = opts.fetchTimeoutMs ?? 5_000;

  const request = async (url: URL, init: { method: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> }, label: string, secrets: string[]): Promise<PlatformHttpReply | Refused> => {
    try {
      return await requestPlatform(url, init, timeout, label, secrets, opts.observe);
    } catch (err) {
      return refused('unavailable', err instanceof PlatformSendError ? err.message : `${label}: request failed`);
    }
  };
  /** An api.dingtalk.com failure: {code, message} with a 4xx/5xx. */
  const apiRefusal = (reply: PlatformHttpReply, label: string, secrets: string[], badCode: (code: string) => boolean): Refused => {
    const code = typeof reply.body?.code === 'string' ? reply.body.code : undefined;
    const message = typeof reply.body?.message === 'string' ? ` - ${redact(reply.body.message, secrets).slice(0, 120)}` : '';
    const detail = `${label}: HTTP ${reply.httpStatus}${code ? ` ${code}` : ''}${message}`;
    if (reply.body === undefined || reply.httpStatus >= 500) return refused('unavailable', detail);
    return refused(code !== undefined && badCode(code) ? 'bad_code' : 'platform_error', detail);
  };

  return {
    modes: ['in_app', 'qr'],
    codeParam: 'authCode',
    isOwnClient: (ua) => /\bDingTalk\//i.test(ua),
    // One page for both: DingTalk's client signs in at once, a desktop browser shows the QR code.
    authorizeUrl(_mode, redirectUri, state) {
      const url = new URL(`${opts.loginBase.replace(/\/+$/, '')}/oauth2/auth`);
      url.search = new URLSearchParams({ redirect_uri: redirectUri, response_type: 'code', client_id: opts.appKey, scope: 'openid', state, prompt: 'consent' }).toString();
      return url.toString();
    },
    async userOfCode(code) {
      const secrets = [opts.appSecret, code];
      const tokenReply = await request(
        new URL(`${apiBase}/v1.0/oauth2/userAccessToken`),
        { method: 'POST', body: { clientId: opts.appKey, clientSecret: opts.appSecret, code, grantType: 'authorization_code' } },
        'oauth2/userAccessToken',
        secrets,
      );
      if ('refused' in tokenReply) return tokenReply;
      if (tokenReply.httpStatus !== 200) return apiRefusal(tokenReply, 'oauth2/userAccessToken', secrets, (c) => /authcode|code/i.test(c));
      const userToken = tokenReply.body?.accessToken;
      if (typeof userToken !== 'string' || userToken === '') return refused('unavailable', 'oauth2/userAccessToken: HTTP 200 without accessToken');

      const meSecrets = [...secrets, userToken];
      const me = await request(new URL(`${apiBase}/v1.0/contact/users/me`), { method: 'GET', headers: { 'x-acs-dingtalk-access-token': userToken } }, 'contact/users/me', meSecrets);
      if ('refused' in me) return me;
      if (me.httpStatus !== 200) return apiRefusal(me, 'contact/users/me', meSecrets, () => false);
      const unionId = me.body?.unionId;
      if (typeof unionId !== 'string' || unionId === '') return refused('unavailable', 'contact/users/me: HTTP 200 without unionId');

      for (let attempt = 1; ; attempt++) {
        let appToken: string;
        try {
          appToken = await opts.oapiToken.get();
        } catch (err) {
          return refused('unavailable', `gettoken: ${(err as Error).message}`);
        }
        const url = new URL(`${oapiBase}/topapi/user/getbyunionid`);
        url.searchParams.set('access_token', appToken);
        const reply = await request(url, { method: 'POST', body: { unionid: unionId } }, 'user/getbyunionid', [...meSecrets, appToken]);
        if ('refused' in reply) return reply;
        const body = reply.body;
        if (reply.httpStatus !== 200 || body === undefined || typeof body.errcode !== 'number') {
          return refused('unavailable', `user/getbyunionid: HTTP ${reply.httpStatus}${body === undefined ? ', not JSON' : ''}`);
        }
        if (body.errcode === 0) {
          const result = body.result as { userid?: unknown } | undefined;
          if (typeof result?.userid === 'string' && result.userid !== '') return { userId: result.userid };
          return refused('not_in_org', 'user/getbyunionid: no userid (not a member of the organisation)');
        }
        if (TOKEN_REFUSED.has(body.errcode) && attempt === 1) {
          await opts.oapiToken.invalidate(appToken);
          continue;
        }
        const errmsg = typeof body.errmsg === 'string' ? ` - ${redact(body.errmsg, [...meSecrets, appToken]).slice(0, 120)}` : '';
        return refused(NOT_IN_ORG.has(body.errcode) ? 'not_in_org' : 'platform_error', `user/getbyunionid: errcode ${body.errcode}${errmsg}`);
      }
    },
  };
}
