// One schema for the environment, parsed once at boot. Every bad or missing value is named in one message.
import { ConfigError } from './errors.ts';
import { parseQuietHours, type QuietHours } from './domain/quiet-hours.ts';

export interface WecomConfig {
  corpId: string;
  agentId: string;
  secret: string;
  token: string;
  encodingAESKey: string;
  apiBase: string;
}

export interface Config {
  databaseUrl: string | undefined;
  /** Where the embedded PostgreSQL (PGlite) keeps its files when DATABASE_URL is unset. */
  dataDir: string;
  redisUrl: string;
  host: string;
  port: number;
  timezone: string;
  logLevel: string;
  wecom: WecomConfig | undefined;
  adminToken: string | undefined;
  /** Public base URL of this server, used in links inside cards (optional). */
  publicUrl: string | undefined;
  /** A request whose body has not arrived by then is answered 408 (slow clients hold no connection). */
  requestTimeoutMs: number;
  /** Automatic pushes wait outside this local window; null = no quiet hours. */
  quietHours: QuietHours | null;
  /** How long a worker holds an event or delivery before another may take it over (a worker that died). */
  leaseSeconds: number;
  /** Prefix of every Redis key (queues, token cache, rate limits): deployments sharing a Redis use different ones. */
  queuePrefix: string;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const WECOM_VARS = ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'] as const;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };

  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const redisUrl = get('REDIS_URL') ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');

  const host = get('HOST') ?? '0.0.0.0';
  const portText = get('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) problems.push(`PORT must be an integer from 0 to 65535 (got "${portText}")`);

  const timezone = get('APP_TIMEZONE') ?? 'Asia/Shanghai';
  if (!isValidTimeZone(timezone)) problems.push(`APP_TIMEZONE must be an IANA time zone such as Asia/Shanghai (got "${timezone}")`);

  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  let wecom: WecomConfig | undefined;
  const present = WECOM_VARS.filter((n) => get(n) !== undefined);
  if (present.length > 0 && present.length < WECOM_VARS.length) {
    const missing = WECOM_VARS.filter((n) => get(n) === undefined);
    problems.push(`WeCom is half configured: set all of ${WECOM_VARS.join(', ')} or none (missing: ${missing.join(', ')})`);
  } else if (present.length === WECOM_VARS.length) {
    const key = get('WECOM_ENCODING_AES_KEY')!;
    if (!/^[A-Za-z0-9]{43}$/.test(key)) {
      problems.push(`WECOM_ENCODING_AES_KEY must be exactly 43 letters or digits (got ${key.length} characters)`);
    }
    const agentId = get('WECOM_AGENT_ID')!;
    if (!/^\d{1,16}$/.test(agentId)) problems.push('WECOM_AGENT_ID must be the numeric AgentId of the app');
    const apiBase = (get('WECOM_API_BASE') ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, '');
    if (!/^https?:\/\//.test(apiBase)) problems.push('WECOM_API_BASE must be an http(s) URL');
    wecom = {
      corpId: get('WECOM_CORP_ID')!,
      agentId,
      secret: get('WECOM_SECRET')!,
      token: get('WECOM_TOKEN')!,
      encodingAESKey: key,
      apiBase,
    };
  }

  const publicUrl = get('PUBLIC_URL')?.replace(/\/+$/, '');
  if (publicUrl && !/^https?:\/\//.test(publicUrl)) problems.push('PUBLIC_URL must be an http(s) URL');

  const timeoutText = get('HTTP_REQUEST_TIMEOUT_MS') ?? '10000';
  const requestTimeoutMs = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText) || requestTimeoutMs < 100) problems.push(`HTTP_REQUEST_TIMEOUT_MS must be a number of milliseconds ≥ 100 (got "${timeoutText}")`);

  const leaseText = get('JOB_LEASE_SECONDS') ?? '120';
  const leaseSeconds = Number(leaseText);
  if (!/^\d+$/.test(leaseText) || leaseSeconds < 1 || leaseSeconds > 3_600) problems.push(`JOB_LEASE_SECONDS must be whole seconds from 1 to 3600 (got "${leaseText}")`);

  const queuePrefix = get('QUEUE_PREFIX') ?? 'partycare';
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(queuePrefix)) problems.push('QUEUE_PREFIX must be 1–32 letters, digits, _ or -');

  let quietHours: QuietHours | null = null;
  const quietText = env['QUIET_HOURS'] === undefined ? '21:00-08:00' : env['QUIET_HOURS'].trim();
  try {
    quietHours = parseQuietHours(quietText);
  } catch (err) {
    problems.push((err as Error).message);
  }

  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return {
    databaseUrl,
    dataDir: get('DATA_DIR') ?? './data',
    redisUrl,
    host,
    port,
    timezone,
    logLevel,
    wecom,
    adminToken: get('ADMIN_TOKEN'),
    publicUrl,
    requestTimeoutMs,
    quietHours,
    leaseSeconds,
    queuePrefix,
  };
}
