// WeCom's settings from the environment: all five WECOM_* variables or none. Problems are added to the list
// config.ts reports in one message.
import type { EnvReader } from '../platform.ts';

export interface WecomConfig {
  corpId: string;
  agentId: string;
  secret: string;
  token: string;
  encodingAESKey: string;
  apiBase: string;
  /** The dashboard's sign-in with WeCom (WECOM_WEB_SIGN_IN): in the client (app), by QR on a desktop (qr). */
  webSignIn: Array<'in_app' | 'qr'>;
  /** The OAuth2 page's base (WECOM_OAUTH_BASE) and the QR login page's (WECOM_SSO_BASE); tests point them at a fake. */
  oauthBase: string;
  ssoBase: string;
}

export const WECOM_VARS = ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'] as const;

/** The settings when every variable is set; undefined when none is (or when they are bad: see problems). */
export function readWecomConfig(get: EnvReader, problems: string[]): WecomConfig | undefined {
  const present = WECOM_VARS.filter((n) => get(n) !== undefined);
  if (present.length === 0) return undefined;
  if (present.length < WECOM_VARS.length) {
    const missing = WECOM_VARS.filter((n) => get(n) === undefined);
    problems.push(`WeCom is half configured: set all of ${WECOM_VARS.join(', ')} or none (missing: ${missing.join(', ')})`);
    return undefined;
  }
  const key = get('WECOM_ENCODING_AES_KEY')!;
  if (!/^[A-Za-z0-9]{43}$/.test(key)) {
    problems.push(`WECOM_ENCODING_AES_KEY must be exactly 43 letters or digits (got ${key.length} characters)`);
  }
  const agentId = get('WECOM_AGENT_ID')!;
  if (!/^\d{1,16}$/.test(agentId)) problems.push('WECOM_AGENT_ID must be the numeric AgentId of the app');
  const apiBase = (get('WECOM_API_BASE') ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(apiBase)) problems.push('WECOM_API_BASE must be an http(s) URL');
  const webSignIn = readWebSignIn(get('WECOM_WEB_SIGN_IN'), problems);
  const oauthBase = (get('WECOM_OAUTH_BASE') ?? 'https://open.weixin.qq.com').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(oauthBase)) problems.push('WECOM_OAUTH_BASE must be an http(s) URL');
  const ssoBase = (get('WECOM_SSO_BASE') ?? 'https://login.work.weixin.qq.com').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(ssoBase)) problems.push('WECOM_SSO_BASE must be an http(s) URL');
  return { corpId: get('WECOM_CORP_ID')!, agentId, secret: get('WECOM_SECRET')!, token: get('WECOM_TOKEN')!, encodingAESKey: key, apiBase, webSignIn, oauthBase, ssoBase };
}

/**
 * WECOM_WEB_SIGN_IN: "app" (default: the web authorisation inside the WeCom client, which needs the app's
 * 网页授权及JS-SDK trusted domain), "app,qr" (and the QR login, which needs 企业微信授权登录), "qr", or "off".
 */
function readWebSignIn(value: string | undefined, problems: string[]): Array<'in_app' | 'qr'> {
  const words = (value ?? 'app').split(',').map((w) => w.trim().toLowerCase()).filter((w) => w !== '');
  if (words.length === 1 && words[0] === 'off') return [];
  const bad = words.filter((w) => w !== 'app' && w !== 'qr');
  if (bad.length > 0 || words.length === 0) {
    problems.push(`WECOM_WEB_SIGN_IN must be app, qr, app,qr or off (got "${value}")`);
    return [];
  }
  return [...new Set(words)].map((w) => (w === 'app' ? 'in_app' : 'qr'));
}
