// The port every chat platform adapter implements (WeCom, the local web chat, DingTalk next). An adapter is
// one folder under src/platforms/ with the same role-named files, as Kysely's dialects have:
//   callback.ts  receive routes: what the platform posts to us, stored as InboundEvents
//   client.ts    the sender: renders neutral messages (types.ts) to the wire format and sends them
//   cards.ts     the neutral card in the platform's card format
//   menu.ts      the app menu (conversation/menu-keys.ts) in the platform's format
//   crypto.ts, signature.ts, errors.ts  where the platform has them
//   oauth.ts     the dashboard's web sign-in (Platform.webSignIn), where the platform has one
//   index.ts     the factory: builds the Platform below from the configuration
// and one line in the registry (index.ts). Nothing outside src/platforms/<name>/ knows a wire format.
// Adapters see the app only through the narrow types below (PlatformSettings, PlatformDeps), never the
// composition root's Config and Deps: config.ts and deps.ts pick and build the adapters, so adapters importing
// them back would tie the two together in a cycle.
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { InboundIngest } from '../ingest/inbound-ingest.ts';
import type { Logger } from '../logger.ts';
import type { Redis } from '../redis.ts';
import type { MessageSender, PlatformName } from './types.ts';

/** The settings an adapter reads: a part of config.ts's Config, which satisfies it. */
export interface PlatformSettings {
  host: string;
  port: number;
  /** Each configured platform's settings, as its adapter read them (PlatformAdapter.readConfig). */
  platformSettings: Partial<Record<PlatformName, object>>;
  /** The local web chat listens beyond loopback on purpose (LOCAL_MODE_HOST). */
  localModeExposed: boolean;
  /** Host header names the local web chat accepts besides the loopback names. */
  localAllowedHosts: readonly string[];
  /** HOST as given in local mode, where it does not apply. */
  ignoredHost: string | undefined;
}

/** What an adapter's receive routes and announcement use of the running app: a part of deps.ts's Deps, which satisfies it. */
export interface PlatformDeps {
  config: PlatformSettings;
  log: Logger;
  clock: () => Date;
  db: { db: Kysely<Database> };
  /** Stores what arrives as inbound events and queues them. */
  ingest: Pick<InboundIngest, 'record'>;
  /**
   * Counts what arrives outside the HTTP routes (DingTalk's Stream frames), under the metrics of callbacks
   * received and refused; the HTTP routes are counted where they are served (ops/routes.ts).
   */
  metrics?: {
    callbackReceived(platform: string, route: string): void;
    callbackRefused(platform: string, route: string, code: string): void;
  };
}

/** A per-recipient send limit the platform enforces silently; the outbound worker waits for a slot. */
export interface RecipientLimiter {
  acquire(appKey: string, userId: string): Promise<{ ok: true } | { ok: false; retryInMs: number }>;
}

export interface Platform {
  readonly name: PlatformName;
  /** The app as the platform knows it (rate limits are per app and recipient). */
  readonly appKey: string;
  /** Renders neutral messages to the wire format and sends them. */
  readonly sender: MessageSender;
  readonly rateLimiter?: RecipientLimiter;
  /**
   * Receive routes as a fastify plugin, registered by app.ts in a scope of their own (their content-type
   * parsers stay there). Refusals are thrown as AppErrors and answered by app.ts's one error handler.
   */
  routes: FastifyPluginAsync<{ deps: PlatformDeps }>;
  menu: PlatformMenu;
  /** Installs the app menu on the platform (menu-sync) and says what it did; absent where the menu shows without it. */
  installMenu?(): Promise<string>;
  /**
   * A connection the platform keeps open to push to us instead of calling our routes (DingTalk's Stream mode),
   * started with the server and closed before the database; absent where everything arrives on the routes.
   */
  receive?(deps: PlatformDeps): Promise<{ close(): Promise<void> }>;
  /** Said once the server listens, where the platform has something to say about it (the local web chat). */
  announce?(deps: PlatformDeps): void;
  /**
   * Signing people in to the dashboard with the platform's own web authorisation (OAuth2 code flow), where the
   * adapter has it and it is configured; absent otherwise. The dashboard knows nothing of the wire format.
   */
  webSignIn?: WebSignIn;
  /** How the platform names a user: the id it gives, which members.userid holds. */
  identity: {
    /** A user id as the platform gives it; anything else is refused where it comes in. */
    userIdPattern: RegExp;
  };
}

/** The app menu (conversation/menu-keys.ts) in the platform's format: needs no connection, so the CLI shows it. */
export interface PlatformMenu {
  /** Validated against the platform's limits: a bad menu fails here, not on the platform. */
  render(): unknown;
  /** Said after showing the menu where installMenu is absent: how users get it. */
  withoutInstall?: string;
}

/** What a factory builds an adapter from. */
export interface PlatformContext {
  config: PlatformSettings;
  redis: Redis;
  /** Prefix of keys shared by every database on this Redis (tokens and rate limits are per app). */
  sharedKeyPrefix: string;
  /** Where an adapter reports what an operator must act on (a server IP the platform refuses). */
  log?: Logger;
  /** Where an adapter reports its API calls' latency and token refreshes (ops/metrics.ts). */
  metrics?: PlatformMetrics;
}

/** The part of the process's metrics (ops/metrics.ts) an adapter moves. */
export interface PlatformMetrics {
  apiCall(platform: string, api: string, seconds: number, outcome: 'answered' | 'timeout' | 'network'): void;
  tokenRefreshed(platform: string, api: string): void;
}

/** The context's metrics as the shared HTTP helper and token cache take them, for one platform. */
export function platformObservers(metrics: PlatformMetrics | undefined, platform: string) {
  if (!metrics) return {};
  return {
    observe: (api: string, seconds: number, outcome: 'answered' | 'timeout' | 'network') => metrics.apiCall(platform, api, seconds, outcome),
    refreshed: (api: string) => () => metrics.tokenRefreshed(platform, api),
  };
}

/** An environment variable, trimmed; undefined when unset or blank. */
export type EnvReader = (name: string) => string | undefined;

/** One line of the registry (platforms/index.ts): how the adapter is configured and built. */
export interface PlatformAdapter {
  /**
   * The adapter's settings from the environment: undefined when its variables are not set, and then the
   * platform is not chosen unless PLATFORM names it. Bad values go to problems. Absent: needs no settings.
   */
  readConfig?(get: EnvReader, problems: string[]): object | undefined;
  /** What to set to use this platform, for messages ("WECOM_CORP_ID, … to serve WeCom"). */
  setup?: { variables: readonly string[]; label: string; serves: string };
  create(ctx: PlatformContext): Platform;
  menu: PlatformMenu;
}

/** How a browser proves who it is: inside the platform's own client, or by scanning a QR code on a desktop. */
export type WebSignInMode = 'in_app' | 'qr';

/** Why a code named nobody (a reason code for the log; the person sees a page in Chinese). */
export type WebSignInRefusal =
  /** Unknown, used or expired code (WeCom 40029, DingTalk invalidAuthCode…). */
  | 'bad_code'
  /** The code is someone outside the organisation (a WeChat user, an external contact). */
  | 'not_in_org'
  /** The platform refused the call for a reason of its own (errcode in the log). */
  | 'platform_error'
  /** The platform could not be reached, or answered with something that is not its API. */
  | 'unavailable';

/** A platform's web authorisation (platform.ts Platform.webSignIn). */
export interface WebSignIn {
  /** The modes configured: in_app when the app's web authorisation is set up, qr when the QR login is. */
  readonly modes: readonly WebSignInMode[];
  /** The query parameter the platform returns the code in (WeCom `code`, DingTalk `authCode`). */
  readonly codeParam: string;
  /** Whether a User-Agent is the platform's own client, where in_app sign-in needs no click. */
  isOwnClient(userAgent: string): boolean;
  /** Where to send the browser; it comes back to redirectUri with the code and `state`. */
  authorizeUrl(mode: WebSignInMode, redirectUri: string, state: string): string;
  /** The platform's user id of the person a code was given to, or why there is none. The code is used once. */
  userOfCode(code: string): Promise<{ userId: string } | { refused: WebSignInRefusal; detail: string }>;
}
