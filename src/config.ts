// One schema for the environment, parsed once at boot. Every bad or missing value is named in one message.
import { isIP } from 'node:net';
import { ConfigError } from './errors.ts';
import { parseQuietHours, type QuietHours } from './domain/quiet-hours.ts';
import { PLATFORMS, DEFAULT_PLATFORM } from './platforms/index.ts';
import type { PlatformName } from './platforms/types.ts';
import type { WecomConfig } from './platforms/wecom/config.ts';
import { isLoopbackHost } from './platforms/local/config.ts';

export type { WecomConfig } from './platforms/wecom/config.ts';
export { isLoopbackHost } from './platforms/local/config.ts';

export interface Config {
  /**
   * The chat platform this process serves (a name in the registry, platforms/index.ts): PLATFORM, else the
   * one whose variables are set (WeCom), else the local web chat.
   */
  platform: PlatformName;
  /**
   * Every platform this deployment serves, in preference order (platform first): a member with accounts on
   * two of them gets each push once, on the first they have. PLATFORM=wecom,dingtalk (or dingtalk,wecom).
   */
  platforms: PlatformName[];
  /** Each configured platform's settings, as its adapter read them (readConfig). */
  platformSettings: Partial<Record<PlatformName, object>>;
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
  /** platformSettings.wecom, typed. */
  wecom: WecomConfig | undefined;
  adminToken: string | undefined;
  /** ADMIN_RATE_LIMIT: admin requests per minute from one address (admin/routes.ts has the default). */
  adminRateLimit?: number | undefined;
  /** Public base URL of this server, used in links inside cards and the dashboard's sign-in links (optional). */
  publicUrl: string | undefined;
  /** SESSION_SECRET: signs the dashboard's session cookie; unset, a key kept in the database is used. */
  sessionSecret: string | undefined;
  /** A request whose body has not arrived by then is answered 408 (slow clients hold no connection). */
  requestTimeoutMs: number;
  /**
   * The reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY: addresses, CIDRs, or loopback /
   * linklocal / uniquelocal); empty: none, and every request comes from the address that connected.
   */
  trustProxy: string[];
  /** Automatic pushes wait outside this local window; null = no quiet hours. */
  quietHours: QuietHours | null;
  /**
   * The defaults of the settings `time_zone` and `quiet_hours` (APP_TIMEZONE, QUIET_HOURS, else the built-in
   * ones): a stored setting replaces them when a process starts (withStoredSettings).
   */
  settingDefaults: { time_zone: string; quiet_hours: string };
  /** How long a worker holds an event or delivery before another may take it over (a worker that died). */
  leaseSeconds: number;
  /** Prefix of every Redis key (queues, token cache, rate limits): deployments sharing a Redis use different ones. */
  queuePrefix: string;
  /** METRICS_PORT: a separate listener for /metrics in any process (a worker has no other); unset = none. */
  metricsPort: number | undefined;
  /** METRICS_HOST: that listener's address, 127.0.0.1 unless set; beyond loopback only with ADMIN_TOKEN. */
  metricsHost: string;
}

type Env = Record<string, string | undefined>;

const ADMIN_TOKEN_MIN = 32;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

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

  const platformNames = Object.keys(PLATFORMS) as PlatformName[];
  const platformText = get('PLATFORM');
  // PLATFORM names one platform, or several in preference order (wecom,dingtalk); the local web chat alone.
  const named = platformText === undefined ? undefined : platformText.split(',').map((x) => x.trim().toLowerCase());
  if (named !== undefined) {
    const unknown = named.filter((n) => !(platformNames as string[]).includes(n));
    if (unknown.length > 0 || named.length === 0) problems.push(`PLATFORM must be ${platformNames.join(', ')} or a list such as wecom,dingtalk (got "${platformText}")`);
    else if (new Set(named).size !== named.length) problems.push(`PLATFORM names a platform twice (got "${platformText}")`);
    else if (named.length > 1 && named.includes(DEFAULT_PLATFORM)) problems.push(`PLATFORM=${DEFAULT_PLATFORM} serves the local web chat alone; it cannot be combined (got "${platformText}")`);
  }
  const portText = get('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) problems.push(`PORT must be an integer from 0 to 65535 (got "${portText}")`);

  const timezone = get('APP_TIMEZONE') ?? 'Asia/Shanghai';
  if (!isValidTimeZone(timezone)) problems.push(`APP_TIMEZONE must be an IANA time zone such as Asia/Shanghai (got "${timezone}")`);

  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  // Every adapter reads its own variables; a platform whose variables are set is configured.
  const platformSettings: Partial<Record<PlatformName, object>> = {};
  const problemsBefore = problems.length;
  for (const name of platformNames) {
    const settings = PLATFORMS[name]!.readConfig?.(get, problems);
    if (settings !== undefined) platformSettings[name] = settings;
  }
  const configured = platformNames.filter((n) => platformSettings[n] !== undefined);
  const chosen = named !== undefined && named.every((n) => (platformNames as string[]).includes(n)) ? (named as PlatformName[]) : undefined;
  for (const name of chosen ?? []) {
    const setup = PLATFORMS[name]?.setup;
    if (setup && platformSettings[name] === undefined && problems.length === problemsBefore) problems.push(`PLATFORM=${platformText} needs ${setup.variables.join(', ')}`);
  }
  for (const other of configured.filter((n) => chosen && !chosen.includes(n))) {
    problems.push(`PLATFORM=${platformText} but the ${PLATFORMS[other]!.setup?.label ?? other} variables are set: unset them or add ${other} to PLATFORM`);
  }
  if (!chosen && configured.length > 1) {
    problems.push(`${configured.join(' and ')} are both configured: set PLATFORM to the one to serve, or to both in preference order (PLATFORM=${configured.join(',')})`);
  }
  const platforms: PlatformName[] = chosen ?? (configured.length > 0 ? [configured[0]!] : [DEFAULT_PLATFORM]);
  const platform: PlatformName = platforms[0]!;
  const wecom = platformSettings.wecom as WecomConfig | undefined;

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

  const rateText = get('ADMIN_RATE_LIMIT');
  const adminRateLimit = rateText === undefined ? undefined : Number(rateText);
  if (rateText !== undefined && (!/^\d+$/.test(rateText) || adminRateLimit! < 1)) problems.push(`ADMIN_RATE_LIMIT must be a whole number of requests per minute ≥ 1 (got "${rateText}")`);

  const publicUrl = get('PUBLIC_URL')?.replace(/\/+$/, '');
  if (publicUrl && !/^https?:\/\//.test(publicUrl)) problems.push('PUBLIC_URL must be an http(s) URL');

  const sessionSecret = get('SESSION_SECRET');
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    problems.push(`SESSION_SECRET must be at least 32 characters (got ${sessionSecret.length}); for example: openssl rand -hex 32`);
  }

  const timeoutText = get('HTTP_REQUEST_TIMEOUT_MS') ?? '10000';
  const requestTimeoutMs = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText) || requestTimeoutMs < 100) problems.push(`HTTP_REQUEST_TIMEOUT_MS must be a number of milliseconds ≥ 100 (got "${timeoutText}")`);

  const trustProxy = parseTrustProxy(get('TRUST_PROXY'), problems);

  const leaseText = get('JOB_LEASE_SECONDS') ?? '30';
  const leaseSeconds = Number(leaseText);
  if (!/^\d+$/.test(leaseText) || leaseSeconds < 1 || leaseSeconds > 3_600) problems.push(`JOB_LEASE_SECONDS must be whole seconds from 1 to 3600 (got "${leaseText}")`);

  const queuePrefix = get('QUEUE_PREFIX') ?? 'partycare';
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(queuePrefix)) problems.push('QUEUE_PREFIX must be 1–32 letters, digits, _ or -');

  const metricsPortText = get('METRICS_PORT');
  const metricsPort = metricsPortText === undefined ? undefined : Number(metricsPortText);
  if (metricsPortText !== undefined && (!/^\d+$/.test(metricsPortText) || metricsPort! > 65535)) problems.push(`METRICS_PORT must be an integer from 0 to 65535 (got "${metricsPortText}")`);
  const metricsHost = get('METRICS_HOST') ?? '127.0.0.1';
  // Metrics name no member, but queue depths and error codes are still the operator's: open only on loopback.
  if (metricsPortText !== undefined && !isLoopbackHost(metricsHost) && adminToken === undefined) {
    problems.push(`METRICS_HOST=${metricsHost} is beyond loopback: set ADMIN_TOKEN too (the metrics listener then asks for it), or leave METRICS_HOST unset`);
  }

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
    platforms,
    platformSettings,
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
    adminRateLimit,
    publicUrl,
    sessionSecret,
    requestTimeoutMs,
    trustProxy,
    quietHours,
    settingDefaults: { time_zone: timezone, quiet_hours: quietHours?.text ?? '' },
    leaseSeconds,
    queuePrefix,
    metricsPort,
    metricsHost,
  };
}

const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: the proxies in front (the address a request connects from must be one of them for its
 * X-Forwarded-For to count). Never "everyone": any client could then claim any address and walk past the
 * per-address admin throttle.
 */
function parseTrustProxy(text: string | undefined, problems: string[]): string[] {
  if (text === undefined || text.trim() === '') return [];
  const items = text.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = items.filter((item) => {
    if (PROXY_RANGES.has(item)) return false;
    const [address, bits, ...rest] = item.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest.length > 0) return true;
    return bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  if (bad.length > 0) {
    problems.push(`TRUST_PROXY must list the reverse proxies' addresses or CIDRs (or loopback, linklocal, uniquelocal), comma-separated (got ${bad.map((b) => `"${b}"`).join(', ')})`);
  }
  return items;
}

/**
 * The config with the stored settings `time_zone` and `quiet_hours` in force (settings table; see
 * domain/settings.ts). They are read when a process starts, so a change applies after a restart.
 */
export function withStoredSettings(config: Config, stored: { time_zone: string; quiet_hours: string }): Config {
  return { ...config, timezone: stored.time_zone, quietHours: parseQuietHours(stored.quiet_hours) };
}

/**
 * Why this process must not start, or undefined. A production box that merely lacks its WeCom variables
 * would otherwise come up as the local web chat on the real database; that must be a deliberate choice.
 */
export function platformRefusal(config: Config): string | undefined {
  if (config.platform !== DEFAULT_PLATFORM || config.platformExplicit) return undefined;
  if (!config.production && !config.databaseUrl) return undefined;
  const why = config.production ? 'NODE_ENV=production' : 'DATABASE_URL is set';
  const ways = Object.values(PLATFORMS).flatMap((a) => (a.setup ? [`set ${a.setup.variables.join(', ')} to serve ${a.setup.serves}`] : []));
  return `No chat platform is configured but ${why}: ${ways.join(', or ')}, or PLATFORM=local to run the local web chat on this database deliberately.`;
}
