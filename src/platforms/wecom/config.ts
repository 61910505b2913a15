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
  return { corpId: get('WECOM_CORP_ID')!, agentId, secret: get('WECOM_SECRET')!, token: get('WECOM_TOKEN')!, encodingAESKey: key, apiBase };
}
