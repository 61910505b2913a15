// DingTalk's settings from the environment (wecom-protocol.md §5). The app key and secret make DingTalk
// configured; the rest depends on how it receives (DINGTALK_MODE) and how it sends (DINGTALK_SEND). Problems
// are added to the list config.ts reports in one message.
import type { EnvReader } from '../platform.ts';

/** How DingTalk reaches us: HTTP callbacks (robot messages and event subscription) or one Stream connection. */
export type DingtalkMode = 'http' | 'stream';
/** How we reach members: robot one-to-one messages (api.dingtalk.com) or work notifications (oapi asyncsend_v2). */
export type DingtalkSendVia = 'robot' | 'work_notification';

export interface DingtalkConfig {
  /** The app's AppKey (= clientId): owner key of event subscriptions, and the token's app. */
  appKey: string;
  /** The app's AppSecret: signs robot callbacks (HMAC), fetches tokens. Never logged. */
  appSecret: string;
  /** The robot's code for robot messages; for an enterprise internal app's robot it is the AppKey. */
  robotCode: string;
  /** The app's AgentId, needed for work notifications. */
  agentId: string | undefined;
  /** Event subscription's 加密 aes_key (43 characters) and 签名 token: needed to receive events over HTTP. */
  aesKey: string | undefined;
  token: string | undefined;
  mode: DingtalkMode;
  sendVia: DingtalkSendVia;
  /** https://api.dingtalk.com (new API: oauth2 token, robot messages, Stream gateway). */
  apiBase: string;
  /** https://oapi.dingtalk.com (old API: gettoken, work notifications). */
  oapiBase: string;
  /** The dashboard's sign-in with DingTalk (DINGTALK_WEB_SIGN_IN=on|off, default on): needs the redirect URL registered. */
  webSignIn?: boolean;
  /** https://login.dingtalk.com (DINGTALK_LOGIN_BASE; tests point it at a fake). */
  loginBase?: string;
}

export const DINGTALK_REQUIRED_VARS = ['DINGTALK_APP_KEY', 'DINGTALK_APP_SECRET'] as const;
export const DINGTALK_VARS = [
  ...DINGTALK_REQUIRED_VARS,
  'DINGTALK_ROBOT_CODE',
  'DINGTALK_AGENT_ID',
  'DINGTALK_AES_KEY',
  'DINGTALK_TOKEN',
  'DINGTALK_MODE',
  'DINGTALK_SEND',
  'DINGTALK_API_BASE',
  'DINGTALK_OAPI_BASE',
] as const;

function base(get: EnvReader, name: string, fallback: string, problems: string[]): string {
  const v = (get(name) ?? fallback).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(v)) problems.push(`${name} must be an http(s) URL`);
  return v;
}

/** The settings when DingTalk is configured; undefined when none of its variables is set (or on problems). */
export function readDingtalkConfig(get: EnvReader, problems: string[]): DingtalkConfig | undefined {
  const present = DINGTALK_VARS.filter((n) => get(n) !== undefined);
  if (present.length === 0) return undefined;
  const missing = DINGTALK_REQUIRED_VARS.filter((n) => get(n) === undefined);
  if (missing.length > 0) {
    problems.push(`DingTalk is half configured: set ${DINGTALK_REQUIRED_VARS.join(' and ')} (missing: ${missing.join(', ')})`);
    return undefined;
  }
  const before = problems.length;
  const modeText = get('DINGTALK_MODE') ?? 'http';
  if (modeText !== 'http' && modeText !== 'stream') problems.push(`DINGTALK_MODE must be http or stream (got "${modeText}")`);
  const sendText = get('DINGTALK_SEND') ?? 'robot';
  if (sendText !== 'robot' && sendText !== 'work_notification') problems.push(`DINGTALK_SEND must be robot or work_notification (got "${sendText}")`);
  const mode = modeText as DingtalkMode;
  const sendVia = sendText as DingtalkSendVia;

  const agentId = get('DINGTALK_AGENT_ID');
  if (agentId !== undefined && !/^\d{1,20}$/.test(agentId)) problems.push('DINGTALK_AGENT_ID must be the numeric AgentId of the app');
  if (sendVia === 'work_notification' && agentId === undefined) problems.push('DINGTALK_SEND=work_notification needs DINGTALK_AGENT_ID');

  const aesKey = get('DINGTALK_AES_KEY');
  const token = get('DINGTALK_TOKEN');
  if (aesKey !== undefined && !/^[A-Za-z0-9]{43}$/.test(aesKey)) {
    problems.push(`DINGTALK_AES_KEY must be exactly 43 letters or digits (got ${aesKey.length} characters)`);
  }
  // Over HTTP the event subscription posts encrypted events: without its key and token they cannot be read.
  if (mode === 'http' && (aesKey === undefined || token === undefined)) {
    problems.push('DINGTALK_MODE=http needs DINGTALK_AES_KEY and DINGTALK_TOKEN (the event subscription\'s 加密 aes_key and 签名 token)');
  }
  const apiBase = base(get, 'DINGTALK_API_BASE', 'https://api.dingtalk.com', problems);
  const oapiBase = base(get, 'DINGTALK_OAPI_BASE', 'https://oapi.dingtalk.com', problems);
  const webSignInText = (get('DINGTALK_WEB_SIGN_IN') ?? 'on').toLowerCase();
  if (webSignInText !== 'on' && webSignInText !== 'off') problems.push(`DINGTALK_WEB_SIGN_IN must be on or off (got "${webSignInText}")`);
  const loginBase = base(get, 'DINGTALK_LOGIN_BASE', 'https://login.dingtalk.com', problems);
  if (problems.length > before) return undefined;
  const appKey = get('DINGTALK_APP_KEY')!;
  return {
    appKey,
    appSecret: get('DINGTALK_APP_SECRET')!,
    robotCode: get('DINGTALK_ROBOT_CODE') ?? appKey,
    agentId,
    aesKey,
    token,
    mode,
    sendVia,
    apiBase,
    oapiBase,
    webSignIn: webSignInText === 'on',
    loginBase,
  };
}
