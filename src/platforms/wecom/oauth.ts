// WeCom's web authorisation for the dashboard (Platform.webSignIn): inside the WeCom client the OAuth2 page
// (open.weixin.qq.com/connect/oauth2/authorize, scope snsapi_base: silent, no consent asked) gives a code; on a
// desktop the QR login page (login.work.weixin.qq.com/wwlogin/sso/login, 企业微信授权登录) gives one the same way.
// Either code is exchanged with the app's access token at cgi-bin/auth/getuserinfo for the member's userid
// (developer.work.weixin.qq.com/document/path/96442 获取访问用户身份; the QR page as document/path/91019 describes
// its older qrConnect form). The code and the token are never logged
// nor put in a message: only the API path and the errcode are.
import { PlatformSendError } from '../../errors.ts';
import { redact, requestPlatform, type ApiObserver } from '../shared/http.ts';
import type { AccessTokenSource } from '../shared/token-cache.ts';
import type { WebSignIn, WebSignInMode, WebSignInRefusal } from '../platform.ts';
import { describeWecomErrcode } from './errors.ts';

export interface WecomOAuthOptions {
  corpId: string;
  agentId: string;
  apiBase: string;
  /** https://open.weixin.qq.com (WECOM_OAUTH_BASE). */
  oauthBase: string;
  /** https://login.work.weixin.qq.com (WECOM_SSO_BASE). */
  ssoBase: string;
  modes: readonly WebSignInMode[];
  tokens: AccessTokenSource;
  fetchTimeoutMs?: number;
  /** Told of every API call (latency metric). */
  observe?: ApiObserver | undefined;
}

/** errcodes of getuserinfo that say the code is no good: invalid (40029), used or expired (40163 etc.). */
const BAD_CODE = new Set([40029, 40163, 40164, 41008, 42003]);
/** The access token was refused: refresh it once and ask again (wecom-protocol.md §3.1). */
const TOKEN_REFUSED = new Set([40001, 40014, 42001]);

export function wecomWebSignIn(opts: WecomOAuthOptions): WebSignIn {
  const apiBase = opts.apiBase.replace(/\/+$/, '');
  const timeout = opts.fetchTimeoutMs ?? 5_000;
  return {
    modes: opts.modes,
    codeParam: 'code',
    // WeCom's in-app browser says "wxwork/<version>" in its User-Agent (the WeChat browser says MicroMessenger only).
    isOwnClient: (ua) => /\bwxwork\//i.test(ua),
    authorizeUrl(mode, redirectUri, state) {
      if (mode === 'qr') {
        const url = new URL(`${opts.ssoBase.replace(/\/+$/, '')}/wwlogin/sso/login`);
        url.search = new URLSearchParams({ login_type: 'CorpApp', appid: opts.corpId, agentid: opts.agentId, redirect_uri: redirectUri, state }).toString();
        return url.toString();
      }
      const url = new URL(`${opts.oauthBase.replace(/\/+$/, '')}/connect/oauth2/authorize`);
      // The parameters in the documented order; the fragment is required by WeCom.
      url.search = new URLSearchParams({ appid: opts.corpId, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state, agentid: opts.agentId }).toString();
      return `${url.toString()}#wechat_redirect`;
    },
    async userOfCode(code) {
      for (let attempt = 1; ; attempt++) {
        let token: string;
        try {
          token = await opts.tokens.get();
        } catch (err) {
          return refused('unavailable', `gettoken: ${(err as Error).message}`);
        }
        const url = new URL(`${apiBase}/cgi-bin/auth/getuserinfo`);
        url.searchParams.set('access_token', token);
        url.searchParams.set('code', code);
        let reply;
        try {
          reply = await requestPlatform(url, { method: 'GET' }, timeout, 'auth/getuserinfo', [token, code], opts.observe);
        } catch (err) {
          return refused('unavailable', err instanceof PlatformSendError ? err.message : 'auth/getuserinfo: request failed');
        }
        const body = reply.body;
        if (reply.httpStatus !== 200 || body === undefined || typeof body.errcode !== 'number') {
          return refused('unavailable', `auth/getuserinfo: HTTP ${reply.httpStatus}${body === undefined ? ', not JSON' : ''}`);
        }
        const errcode = body.errcode;
        if (errcode === 0) {
          // A member of the corp has a userid; anyone else (a WeChat user, an external contact) an openid only.
          if (typeof body.userid === 'string' && body.userid !== '') return { userId: body.userid };
          return refused('not_in_org', 'auth/getuserinfo: no userid (not a member of the organisation)');
        }
        if (TOKEN_REFUSED.has(errcode) && attempt === 1) {
          await opts.tokens.invalidate(token);
          continue;
        }
        const errmsg = typeof body.errmsg === 'string' ? ` - ${redact(body.errmsg, [token, code]).slice(0, 120)}` : '';
        const detail = `auth/getuserinfo: errcode ${errcode} (${describeWecomErrcode(errcode)})${errmsg}`;
        return refused(BAD_CODE.has(errcode) ? 'bad_code' : 'platform_error', detail);
      }
    },
  };
}

function refused(reason: WebSignInRefusal, detail: string): { refused: WebSignInRefusal; detail: string } {
  return { refused: reason, detail };
}
