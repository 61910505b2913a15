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

export type PlatformChoice = 'wecom' | 'local';

export interface Config {
  /** The chat platform this process serves: WeCom when its variables are set, else the local web chat. */
  platform: PlatformChoice;
  /** PLATFORM was set: local mode on a production database is then deliberate (see platformRefusal). */
  platformExplicit: boolean;
  /** NODE_ENV=production. */
  production: boolean;
  /** LOCAL_MODE_HOST was set: the local web chat listens beyond loopback on purpose (warned loudly). */
  localModeExposed: boolean;
  /** Extra Host header names the local web chat accepts besides the loopback names (LOCAL_MODE_ALLOWED_HOSTS). */
  localAllowedHosts: string[];
  /** HOST as given in local mode, where it does not apply (said at start). */
  ignoredHost: string | undefined;
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

const ADMIN_TOKEN_MIN = 32;
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

  const platformText = get('PLATFORM');
  if (platformText !== undefined && platformText !== 'wecom' && platformText !== 'local') {
    problems.push(`PLATFORM must be wecom or local (got "${platformText}")`);
  }
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

  if (platformText === 'wecom' && wecom === undefined && present.length === 0) {
    problems.push(`PLATFORM=wecom needs ${WECOM_VARS.join(', ')}`);
  }
  if (platformText === 'local' && wecom !== undefined) {
    problems.push('PLATFORM=local but the WECOM_* variables are set: unset them or PLATFORM');
  }
  const platform: PlatformChoice = wecom ? 'wecom' : 'local';

  // The local web chat lets whoever reaches it act as anyone: loopback only, unless deliberately exposed.
  const localHost = get('LOCAL_MODE_HOST');
  const host = platform === 'local' ? (localHost ?? '127.0.0.1') : (get('HOST') ?? '0.0.0.0');
  const localAllowedHosts = (get('LOCAL_MODE_ALLOWED_HOSTS') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  if (localHost && !['0.0.0.0', '::'].includes(localHost)) localAllowedHosts.push(localHost.toLowerCase());

  const adminToken = get('ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < ADMIN_TOKEN_MIN) {
    problems.push(`ADMIN_TOKEN must be at least ${ADMIN_TOKEN_MIN} characters (got ${adminToken.length}); for example: openssl rand -hex 24`);
  }

  const publicUrl = get('PUBLIC_URL')?.replace(/\/+$/, '');
  if (publicUrl && !/^https?:\/\//.test(publicUrl)) problems.push('PUBLIC_URL must be an http(s) URL');

  const timeoutText = get('HTTP_REQUEST_TIMEOUT_MS') ?? '10000';
  const requestTimeoutMs = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText) || requestTimeoutMs < 100) problems.push(`HTTP_REQUEST_TIMEOUT_MS must be a number of milliseconds ≥ 100 (got "${timeoutText}")`);

  const leaseText = get('JOB_LEASE_SECONDS') ?? '30';
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
    platform,
    platformExplicit: platformText !== undefined,
    production: get('NODE_ENV') === 'production',
    localModeExposed: platform === 'local' && localHost !== undefined && !isLoopbackHost(localHost),
    localAllowedHosts,
    ignoredHost: platform === 'local' && get('HOST') !== undefined && get('HOST') !== host ? get('HOST') : undefined,
    databaseUrl,
    dataDir: get('DATA_DIR') ?? './data',
    redisUrl,
    host,
    port,
    timezone,
    logLevel,
    wecom,
    adminToken,
    publicUrl,
    requestTimeoutMs,
    quietHours,
    leaseSeconds,
    queuePrefix,
  };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Why this process must not start, or undefined. A production box that merely lacks its WeCom variables
 * would otherwise come up as the local web chat on the real database; that must be a deliberate choice.
 */
export function platformRefusal(config: Config): string | undefined {
  if (config.platform !== 'local' || config.platformExplicit) return undefined;
  if (!config.production && !config.databaseUrl) return undefined;
  const why = config.production ? 'NODE_ENV=production' : 'DATABASE_URL is set';
  return `No chat platform is configured but ${why}: set ${WECOM_VARS.join(', ')} to serve WeCom, or PLATFORM=local to run the local web chat on this database deliberately.`;
}
