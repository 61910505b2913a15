// A fake WeCom server API (wecom-protocol.md §3) on 127.0.0.1:<random port>, node:http only.
// It is strict where WeCom is strict (tokens, agentid, content checks) so that our bugs show up
// here rather than against a real tenant, and it can inject the faults of RELIABILITY.md
// "Outbound API" (errcodes, HTTP errors, non-JSON bodies, hangs, connection resets).

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeWecomPath = 'gettoken' | 'message/send' | 'message/update_template_card' | 'menu/create' | 'getcallbackip' | 'auth/getuserinfo';

export interface FakeWecomFault {
  /** Reply HTTP 200 (or `httpStatus`) with this errcode. */
  errcode?: number;
  /** Reply with this HTTP status (an HTML body unless `errcode` is also set). */
  httpStatus?: number;
  /** Wait this long, then apply the other fields or handle the call normally (unless the caller hung up). */
  hangMs?: number;
  /** Reply HTTP 200 with an HTML page, as a misbehaving gateway does. */
  nonJson?: boolean;
  /** Destroy the connection without a response. */
  reset?: boolean;
  /** Handle the call (a message is delivered), then destroy the connection before answering: the caller cannot know. */
  handleThenReset?: boolean;
  /** Handle the call (a message is delivered), then answer only after this long: a caller killed meanwhile never knows. */
  handleThenHangMs?: number;
  /** Reply HTTP 200 with exactly this JSON (e.g. a partial success carrying `invaliduser`). */
  respond?: Record<string, unknown>;
  /** How many upcoming calls of the path get this fault. Default 1. */
  times?: number;
  /** Only the Nth call of the path (counting every call since the start, 1-based) gets this fault. */
  atCall?: number;
}

export interface FakeWecomOptions {
  corpId: string;
  secret: string;
  agentId: string;
  /** When set, other user ids are invalid: all invalid → 81013, some → errcode 0 + invaliduser (§3.2). */
  knownUsers?: string[];
  /** expires_in of issued tokens. Default 7200 (§3.1). */
  tokenTtlSec?: number;
  /** User ids WeCom refuses (not members, outside the app's visibility): answered in invaliduser, lower-cased. */
  invalidUsers?: string[];
  /** Every call takes this long before it is handled (a distant API). Default 0. */
  latencyMs?: number;
  /**
   * WeCom's per-app per-member limits on app messages (§3.7: 30/min, 1000/h): a message beyond them reaches
   * nobody — dropped silently, as WeCom does — and is counted in `limitViolations`. Off by default.
   */
  memberLimits?: { perMinute: number; perHour: number };
}

export interface SentMessage {
  touser: string;
  msgtype: string;
  body: any;
  at: number;
  /** The msgid answered for it (the fake WeCom's own messages carry one). */
  msgid?: string;
}

export interface FakeWecom {
  readonly baseUrl: string;
  close(): Promise<void>;
  readonly sent: SentMessage[];
  /** Every gettoken request, successful or not. */
  readonly tokenCalls: number;
  readonly menus: any[];
  readonly updatedCards: any[];
  /** message/send requests dropped by the duplicate check (§3.2): accepted, not delivered. */
  readonly duplicatesDropped: any[];
  inject(path: FakeWecomPath, fault: FakeWecomFault): void;
  /** Calls per API path so far (every request, answered or not). */
  readonly calls: Readonly<Partial<Record<FakeWecomPath, number>>>;
  /** User ids refused as invalid from now on (see FakeWecomOptions.invalidUsers). */
  readonly invalidUsers: Set<string>;
  /** Latency per call from now on, ms. */
  latencyMs: number;
  /** How many delivered messages reached this user (a message to many counts for each of them). */
  receivedBy(userId: string): number;
  /** Person-sends dropped for exceeding `memberLimits` (each recipient over the limit counts once). */
  readonly limitViolations: number;
  /** Every token issued so far now answers 42001, as when WeCom expires a token early. */
  expireTokens(): void;
  /** Resolves once `n` messages have been accepted, rejects after `timeoutMs`. */
  waitForSent(n: number, timeoutMs?: number): Promise<SentMessage[]>;
  /**
   * Who the OAuth2 page (/connect/oauth2/authorize) and the QR login page (/wwlogin/sso/login) sign in: a userid,
   * `openid:<id>` for someone outside the corp, or undefined for a person who declines (no code comes back).
   */
  oauthUser: string | undefined;
  /** A code for this user as the authorisation pages give (single use, 5 minutes). */
  issueCode(userId: string): string;
  /** Every authorisation page request, its query as received. */
  readonly authorizeRequests: Array<{ page: 'oauth2' | 'sso'; query: Record<string, string> }>;
}

const MSG_TYPES = new Set([
  'text', 'image', 'voice', 'video', 'file', 'textcard', 'news', 'mpnews', 'markdown', 'miniprogram_notice', 'template_card',
]);
const CARD_TYPES = new Set(['text_notice', 'news_notice', 'button_interaction', 'vote_interaction', 'multiple_interaction']);
const INTERACTIVE_CARDS = new Set(['button_interaction', 'vote_interaction', 'multiple_interaction']);
const MENU_TYPES = new Set([
  'click', 'view', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select', 'view_miniprogram',
]);

type Json = Record<string, any>;
const ok = (extra: Json = {}): Json => ({ errcode: 0, errmsg: 'ok', ...extra });
const fail = (errcode: number, errmsg: string): Json => ({ errcode, errmsg });
const bytes = (s: unknown): number => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);
const nonEmpty = (s: unknown): s is string => typeof s === 'string' && s !== '';

export async function startFakeWecom(opts: FakeWecomOptions): Promise<FakeWecom> {
  const tokenTtlMs = (opts.tokenTtlSec ?? 7200) * 1000;
  const tokens = new Map<string, number>(); // token → expiry (ms)
  const responseCodes = new Map<string, boolean>(); // response_code → already used
  const faults = new Map<string, FakeWecomFault[]>();
  const sent: SentMessage[] = [];
  const menus: any[] = [];
  const updatedCards: any[] = [];
  const duplicatesDropped: any[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const sentWaiters = new Set<() => void>();
  const calls: Partial<Record<FakeWecomPath, number>> = {};
  const invalidUsers = new Set(opts.invalidUsers ?? []);
  const knownUsers = opts.knownUsers ? new Set(opts.knownUsers) : undefined;
  const received = new Map<string, number>();
  // Per member, the times (ms) of the messages that reached them within the last hour (memberLimits only).
  const reachedAt = new Map<string, number[]>();
  let limitViolations = 0;
  /** Whether a message to `u` now is within the member's limits (then it counts toward them). */
  const withinMemberLimits = (u: string, now: number): boolean => {
    const limits = opts.memberLimits;
    if (!limits) return true;
    const times = (reachedAt.get(u) ?? []).filter((t) => t > now - 3_600_000);
    const inMinute = times.filter((t) => t > now - 60_000).length;
    if (inMinute >= limits.perMinute || times.length >= limits.perHour) {
      limitViolations++;
      reachedAt.set(u, times);
      return false;
    }
    times.push(now);
    reachedAt.set(u, times);
    return true;
  };
  let latencyMs = opts.latencyMs ?? 0;
  let tokenCalls = 0;
  let oauthUser: string | undefined;
  const codes = new Map<string, { userId: string; expires: number; used: boolean }>();
  const authorizeRequests: Array<{ page: 'oauth2' | 'sso'; query: Record<string, string> }> = [];
  const issueCode = (userId: string): string => {
    const code = randomBytes(24).toString('base64url');
    codes.set(code, { userId, expires: Date.now() + 5 * 60_000, used: false });
    return code;
  };
  /** The authorisation pages: checked as WeCom checks them, then back to redirect_uri with a code (or without, declined). */
  const authorizePage = (url: URL, page: 'oauth2' | 'sso'): { status: number; location?: string; text?: string } => {
    const q = Object.fromEntries(url.searchParams);
    authorizeRequests.push({ page, query: q });
    const bad = (why: string) => ({ status: 200, text: `<html><body>该链接无法访问 (${why})</body></html>` });
    if (q.appid !== opts.corpId) return bad('appid');
    if (q.agentid !== opts.agentId) return bad('agentid');
    if (page === 'oauth2' && (q.response_type !== 'code' || q.scope !== 'snsapi_base')) return bad('response_type/scope');
    if (page === 'sso' && q.login_type !== 'CorpApp') return bad('login_type');
    if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri)) return bad('redirect_uri');
    const back = new URL(q.redirect_uri);
    if (oauthUser !== undefined) back.searchParams.set('code', issueCode(oauthUser));
    if (q.state !== undefined) back.searchParams.set('state', q.state);
    return { status: 302, location: back.toString() };
  };
  let msgSeq = 0;

  /** The fault for call number `n` of the path (counted on arrival, before any latency). */
  const takeFault = (path: FakeWecomPath, n: number): FakeWecomFault | undefined => {
    const queue = faults.get(path);
    if (!queue) return undefined;
    const atThisCall = queue.findIndex((f) => f.atCall === n);
    if (atThisCall >= 0) return queue.splice(atThisCall, 1)[0];
    const next = queue.findIndex((f) => f.atCall === undefined);
    if (next < 0) return undefined;
    const fault = queue.splice(next, 1)[0]!;
    if ((fault.times ?? 1) > 1) queue.splice(next, 0, { ...fault, times: (fault.times ?? 1) - 1 });
    return fault;
  };
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  /** The §3 token check every API but gettoken performs. */
  const checkToken = (url: URL): Json | undefined => {
    const token = url.searchParams.get('access_token');
    if (!token) return fail(41001, 'access_token missing');
    const expiry = tokens.get(token);
    if (expiry === undefined) return fail(40014, 'invalid access_token');
    if (expiry <= Date.now()) return fail(42001, 'access_token expired');
    return undefined;
  };

  const agentMatches = (agentid: unknown): boolean => typeof agentid === 'number' && String(agentid) === opts.agentId;

  // §3.2 enable_duplicate_check: an identical request JSON within the interval is accepted but not delivered.
  const recentRequests = new Map<string, number>(); // raw body → when it was delivered (ms)

  const handlers: Record<FakeWecomPath, (url: URL, body: Json | undefined, method: string, raw: string) => Json> = {
    gettoken(url) {
      if (url.searchParams.get('corpid') !== opts.corpId) return fail(40013, 'invalid corpid');
      if (url.searchParams.get('corpsecret') !== opts.secret) return fail(40001, 'invalid secret');
      const token = randomBytes(48).toString('base64url');
      tokens.set(token, Date.now() + tokenTtlMs);
      return ok({ access_token: token, expires_in: tokenTtlMs / 1000 });
    },

    'message/send'(url, body, method, raw) {
      const tokenError = checkToken(url);
      if (tokenError) return tokenError;
      if (method !== 'POST' || body === undefined) return fail(40058, 'invalid parameter (POST a JSON body)');
      if (!agentMatches(body.agentid)) return fail(40056, 'invalid agentid');
      const touser: string = typeof body.touser === 'string' ? body.touser : '';
      if (!touser && !body.toparty && !body.totag) return fail(82001, 'touser, toparty and totag all empty');
      // §3.2: at most 1,000 user ids, '|'-separated.
      const users = touser ? touser.split('|') : [];
      if (users.length > 1000) return fail(40058, 'touser: at most 1000 users');
      if (!MSG_TYPES.has(body.msgtype)) return fail(40058, 'invalid msgtype'); // real WeCom: 40008
      const contentError = validateContent(body);
      if (contentError) return contentError;

      let invaliduser = '';
      let valid = users;
      if ((knownUsers || invalidUsers.size > 0) && touser) {
        const isInvalid = (u: string) => invalidUsers.has(u) || (knownUsers !== undefined && !knownUsers.has(u));
        const invalid = users.filter(isInvalid);
        if (invalid.length === users.length) return fail(81013, 'user & party & tag all invalid');
        // WeCom answers the refused ids lower-cased (§3.2).
        invaliduser = invalid.map((u) => u.toLowerCase()).join('|');
        valid = users.filter((u) => !isInvalid(u));
      }

      if (body.enable_duplicate_check === 1) {
        const interval = (typeof body.duplicate_check_interval === 'number' ? body.duplicate_check_interval : 1800) * 1000;
        const at = recentRequests.get(raw);
        if (at !== undefined && Date.now() - at < interval) {
          duplicatesDropped.push(body);
          return ok({ invaliduser: '' });
        }
        recentRequests.set(raw, Date.now());
      }
      const extra: Json = { invaliduser, msgid: `fake-msg-${++msgSeq}-${randomBytes(6).toString('hex')}` };
      if (body.msgtype === 'template_card' && INTERACTIVE_CARDS.has(body.template_card.card_type)) {
        const responseCode = randomBytes(24).toString('base64url');
        responseCodes.set(responseCode, false);
        extra.response_code = responseCode;
      }
      sent.push({ touser, msgtype: body.msgtype, body, at: Date.now(), msgid: extra.msgid as string });
      const now = Date.now();
      for (const u of valid) if (withinMemberLimits(u, now)) received.set(u, (received.get(u) ?? 0) + 1);
      for (const wake of sentWaiters) wake();
      return ok(extra);
    },

    'message/update_template_card'(url, body, method) {
      const tokenError = checkToken(url);
      if (tokenError) return tokenError;
      if (method !== 'POST' || body === undefined) return fail(40058, 'invalid parameter (POST a JSON body)');
      if (!agentMatches(body.agentid)) return fail(40056, 'invalid agentid');
      // §3.4: response_code is single use. The real errcode for a used/unknown code is not documented.
      if (responseCodes.get(body.response_code) !== false) return fail(40058, 'invalid response_code');
      if (!nonEmpty(body.button?.replace_name) && typeof body.template_card !== 'object') {
        return fail(40058, 'button.replace_name or template_card required');
      }
      responseCodes.set(body.response_code, true);
      updatedCards.push(body);
      return ok({ invaliduser: [] });
    },

    'menu/create'(url, body, method) {
      const tokenError = checkToken(url);
      if (tokenError) return tokenError;
      if (method !== 'POST' || body === undefined) return fail(40058, 'invalid parameter (POST a JSON body)');
      if (url.searchParams.get('agentid') !== opts.agentId) return fail(40056, 'invalid agentid');
      const menuError = validateMenu(body);
      if (menuError) return menuError;
      menus.push(body);
      return ok();
    },

    getcallbackip(url) {
      return checkToken(url) ?? ok({ ip_list: ['127.0.0.1', '203.0.113.7'] });
    },

    // 获取访问用户身份: a code is used once and lives 5 minutes; a corp member has a userid, anyone else an openid.
    'auth/getuserinfo'(url) {
      const tokenError = checkToken(url);
      if (tokenError) return tokenError;
      const code = url.searchParams.get('code') ?? '';
      const known = codes.get(code);
      if (!known || known.used || known.expires <= Date.now()) return fail(40029, 'invalid code');
      known.used = true;
      if (known.userId.startsWith('openid:')) return ok({ openid: known.userId.slice('openid:'.length) });
      return ok({ userid: known.userId });
    },
  };

  const respond = (res: ServerResponse, status: number, payload: Json | string): void => {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/html' : 'application/json; charset=UTF-8' });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');

    if (url.pathname === '/connect/oauth2/authorize' || url.pathname === '/wwlogin/sso/login') {
      const page = authorizePage(url, url.pathname === '/wwlogin/sso/login' ? 'sso' : 'oauth2');
      res.writeHead(page.status, page.location ? { location: page.location } : { 'content-type': 'text/html' });
      res.end(page.text ?? '');
      return;
    }
    const path = url.pathname.replace(/^\/cgi-bin\//, '');
    const handler = (handlers as Record<string, (typeof handlers)[FakeWecomPath] | undefined>)[path];
    if (!handler) return respond(res, 404, '<html><body>404 Not Found</body></html>');

    if (path === 'gettoken') tokenCalls++;
    const known = path as FakeWecomPath;
    const callNo = (calls[known] = (calls[known] ?? 0) + 1);
    if (latencyMs > 0) {
      await wait(latencyMs);
      if (res.destroyed) return;
    }
    const fault = takeFault(known, callNo);
    if (fault?.hangMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, fault.hangMs);
        timers.add(timer);
      });
      // A caller that gave up (timeout) or a closing server: like WeCom, nothing is processed.
      if (res.destroyed) return;
    }
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    if (fault?.respond) return respond(res, 200, fault.respond);
    if (fault?.errcode !== undefined) return respond(res, fault.httpStatus ?? 200, fail(fault.errcode, 'injected fault'));
    if (fault?.httpStatus !== undefined) return respond(res, fault.httpStatus, `<html><body>${fault.httpStatus}</body></html>`);
    if (fault?.nonJson) return respond(res, 200, '<html><body>502 Bad Gateway</body></html>');

    let body: Json | undefined;
    if (raw !== '') {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed;
      } catch {
        return respond(res, 200, fail(40058, 'invalid parameter (body is not JSON)'));
      }
    }
    const answer = handler(url, body, req.method ?? 'GET', raw);
    if (fault?.handleThenReset) {
      req.socket.destroy();
      return;
    }
    if (fault?.handleThenHangMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, fault.handleThenHangMs);
        timers.add(timer);
      });
      if (res.destroyed) return;
    }
    respond(res, 200, answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) respond(res, 500, '<html><body>500</body></html>');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    sent,
    menus,
    updatedCards,
    duplicatesDropped,
    calls,
    invalidUsers,
    get latencyMs() {
      return latencyMs;
    },
    set latencyMs(ms: number) {
      latencyMs = ms;
    },
    receivedBy(userId) {
      return received.get(userId) ?? 0;
    },
    get limitViolations() {
      return limitViolations;
    },
    get oauthUser() {
      return oauthUser;
    },
    set oauthUser(userId: string | undefined) {
      oauthUser = userId;
    },
    issueCode,
    authorizeRequests,
    get tokenCalls() {
      return tokenCalls;
    },
    inject(path, fault) {
      const queue = faults.get(path) ?? [];
      queue.push(fault);
      faults.set(path, queue);
    },
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    waitForSent(n, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (sent.length < n) return;
          cleanup();
          resolve(sent.slice(0, n));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fake WeCom: ${sent.length} of ${n} messages sent after ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          sentWaiters.delete(check);
        };
        sentWaiters.add(check);
        check();
      });
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** Per-msgtype checks for the types we send (§3.2 limits, §3.3 card rules). */
function validateContent(body: Json): Json | undefined {
  const part = body[body.msgtype];
  if (typeof part !== 'object' || part === null) return fail(40058, `${body.msgtype} object missing`);
  switch (body.msgtype) {
    case 'text':
    case 'markdown':
      if (!nonEmpty(part.content)) return fail(44004, 'content empty');
      // WeCom truncates beyond 2048 bytes; the fake refuses, so that truncation never goes unnoticed.
      if (bytes(part.content) > 2048) return fail(45002, 'content size out of limit');
      return undefined;
    case 'textcard':
      if (!nonEmpty(part.description)) return fail(41033, 'description missing');
      if (!nonEmpty(part.title) || !nonEmpty(part.url)) return fail(40058, 'title and url required');
      if (bytes(part.title) > 128 || bytes(part.description) > 512 || bytes(part.url) > 2048) return fail(45002, 'textcard too large');
      if (part.btntxt !== undefined && [...String(part.btntxt)].length > 4) return fail(40058, 'btntxt longer than 4 chars');
      return undefined;
    case 'template_card': {
      if (!CARD_TYPES.has(part.card_type)) return fail(40058, 'invalid card_type');
      const needsTaskId = INTERACTIVE_CARDS.has(part.card_type) || part.action_menu !== undefined;
      if (part.task_id !== undefined || needsTaskId) {
        if (typeof part.task_id !== 'string' || !/^[0-9A-Za-z_\-@]{1,128}$/.test(part.task_id)) return fail(40058, 'invalid task_id');
      }
      if (part.button_list !== undefined && (!Array.isArray(part.button_list) || part.button_list.length > 6)) {
        return fail(40058, 'button_list: at most 6 buttons');
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** §3.5 menu rules: 1–3 buttons, 1–5 sub-buttons, names ≤16/≤40 bytes, keys ≤128 bytes. */
function validateMenu(body: Json): Json | undefined {
  const buttons = body.button;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return fail(40016, 'invalid button size');
  for (const button of buttons) {
    if (!nonEmpty(button.name) || bytes(button.name) > 16) return fail(40018, 'invalid button name size');
    if (button.sub_button !== undefined) {
      const subs = button.sub_button;
      if (!Array.isArray(subs) || subs.length < 1 || subs.length > 5) return fail(40023, 'invalid sub button size');
      for (const sub of subs) {
        if (sub.sub_button !== undefined) return fail(40022, 'invalid sub menu level');
        if (!MENU_TYPES.has(sub.type)) return fail(40024, 'invalid sub button type');
        if (!nonEmpty(sub.name) || bytes(sub.name) > 40) return fail(40025, 'invalid sub button name size');
        if (sub.key !== undefined && bytes(sub.key) > 128) return fail(40026, 'invalid sub button key size');
      }
      continue;
    }
    if (!MENU_TYPES.has(button.type)) return fail(40017, 'invalid button type');
    if (button.key !== undefined && bytes(button.key) > 128) return fail(40019, 'invalid button key size');
    if (button.url !== undefined && bytes(button.url) > 1024) return fail(40020, 'invalid button url size');
  }
  return undefined;
}
