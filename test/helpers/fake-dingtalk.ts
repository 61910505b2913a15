// A fake DingTalk server API (wecom-protocol.md §5.4) on 127.0.0.1:<random port>, node:http only: one server for
// both bases (oapi.dingtalk.com's and api.dingtalk.com's paths). Strict where DingTalk is (tokens on every call,
// app key and secret, agent id, robot code, recipient limits, content size), it records every message in a
// neutral view, and can inject faults (any errcode or code, HTTP statuses, hangs, resets), invalid and
// flow-controlled users, and the work notification's same-day identical-content drop.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeDingtalkPath =
  | 'gettoken'
  | 'oauth2/accessToken'
  | 'asyncsend_v2'
  | 'oToMessages/batchSend'
  | 'groupMessages/send'
  | 'oauth2/userAccessToken'
  | 'contact/users/me'
  | 'user/getbyunionid';

const PATHS: Readonly<Record<string, FakeDingtalkPath>> = {
  '/gettoken': 'gettoken',
  '/v1.0/oauth2/accessToken': 'oauth2/accessToken',
  '/topapi/message/corpconversation/asyncsend_v2': 'asyncsend_v2',
  '/v1.0/robot/oToMessages/batchSend': 'oToMessages/batchSend',
  '/v1.0/robot/groupMessages/send': 'groupMessages/send',
  '/v1.0/oauth2/userAccessToken': 'oauth2/userAccessToken',
  '/v1.0/contact/users/me': 'contact/users/me',
  '/topapi/user/getbyunionid': 'user/getbyunionid',
};
const OAPI_PATHS = new Set<FakeDingtalkPath>(['gettoken', 'asyncsend_v2', 'user/getbyunionid']);
const GET_PATHS = new Set<FakeDingtalkPath>(['gettoken', 'contact/users/me']);

export interface FakeDingtalkFault {
  /** oapi paths: reply HTTP 200 (or `httpStatus`) with this errcode. */
  errcode?: number;
  /** api paths: reply HTTP `httpStatus` (default 400) with {code, message, requestid}. */
  code?: string;
  /** Reply with this HTTP status (an HTML body unless errcode or code is also set). */
  httpStatus?: number;
  /** Wait this long, then apply the other fields or handle the call normally (unless the caller hung up). */
  hangMs?: number;
  /** Destroy the connection without a response. */
  reset?: boolean;
  /** Reply HTTP 200 with exactly this JSON. */
  respond?: Record<string, unknown>;
  /** How many upcoming calls of the path get this fault. Default 1. */
  times?: number;
  /** Only the Nth call of the path (counting every call since the start, 1-based) gets this fault. */
  atCall?: number;
}

export interface FakeDingtalkOptions {
  appKey: string;
  appSecret: string;
  robotCode: string;
  agentId: string;
  /** Lifetime of issued tokens, s. Default 7200. */
  tokenTtlSec?: number;
  /** User ids DingTalk refuses: in invalidStaffIdList (robot); all of a work notification's → errcode 33012. */
  invalidUsers?: string[];
  /** User ids the robot does not send to for now (flowControlledStaffIdList). */
  flowControlledUsers?: string[];
  /** Every call takes this long before it is handled. Default 0. */
  latencyMs?: number;
}

export interface FakeDingtalkMessage {
  api: 'robot' | 'work_notification' | 'group';
  /** Who received it (for the robot and work notifications: the requested ids minus refused, limited, dropped). */
  userIds: string[];
  groupId?: string;
  /** What shows: text content, markdown text, or a card's title and text; zero-width characters removed. */
  text: string;
  /** The card's buttons, each with the message its dtmd link sends. */
  buttons: Array<{ title: string; content: string }>;
  /** The request body (msgParam parsed for the robot). */
  raw: any;
}

export interface FakeDingtalk {
  readonly baseUrl: string;
  close(): Promise<void>;
  readonly sent: FakeDingtalkMessage[];
  /** Work notifications (per user) DingTalk dropped: the same content to the same user on the same day. */
  readonly dropped: Array<{ userId: string; msg: any }>;
  /** Calls per API path so far (every request, answered or not). */
  readonly calls: Readonly<Partial<Record<FakeDingtalkPath, number>>>;
  readonly invalidUsers: Set<string>;
  readonly flowControlledUsers: Set<string>;
  latencyMs: number;
  inject(path: FakeDingtalkPath, fault: FakeDingtalkFault): void;
  /** Every token issued so far is now rejected (oapi 40014, api HTTP 401 InvalidAuthentication). */
  expireTokens(): void;
  /** Messages that reached this user. */
  receivedBy(userId: string): number;
  /**
   * Who the sign-in page (login.dingtalk.com /oauth2/auth) signs in: a DingTalk userid, `unionid:<id>` for someone
   * outside the organisation, or undefined for a person who declines (no authCode comes back).
   */
  oauthUser: string | undefined;
  /** An authCode for this user as the sign-in page gives (single use, 5 minutes). */
  issueCode(userId: string): string;
  /** Every sign-in page request, its query as received. */
  readonly authorizeRequests: Array<Record<string, string>>;
}

type Json = Record<string, any>;
type Answer = { status: number; body: Json };
const oapiOk = (extra: Json = {}): Answer => ({ status: 200, body: { errcode: 0, errmsg: 'ok', ...extra } });
const oapiFail = (errcode: number, errmsg: string): Answer => ({ status: 200, body: { errcode, errmsg } });
const apiFail = (status: number, code: string, message: string): Answer => ({ status, body: { code, message, requestid: randomBytes(8).toString('hex') } });
const bytes = (s: unknown): number => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);
const nonEmpty = (s: unknown): s is string => typeof s === 'string' && s !== '';
const ZERO_WIDTH = /\u200b|\u200c|\u200d|\u2060/g;
const ROBOT_MAX_USERS = 20;
const ROBOT_CARD_KEYS = /^sampleActionCard([2-6])?$/;

/** The message a dtmd://dingtalkclient/sendMessage link sends; undefined for any other link. */
export function dtmdContent(url: string): string | undefined {
  const prefix = 'dtmd://dingtalkclient/sendMessage?';
  if (!url.startsWith(prefix)) return undefined;
  return new URLSearchParams(url.slice(prefix.length)).get('content') ?? undefined;
}

/** Buttons as markdown links [title](dtmd://…) in a card's text. */
function markdownButtons(text: string): Array<{ title: string; content: string }> {
  const out: Array<{ title: string; content: string }> = [];
  for (const m of text.matchAll(/\[([^\]]+)\]\((dtmd:[^)\s]+)\)/g)) {
    const content = dtmdContent(m[2]!);
    if (content !== undefined) out.push({ title: m[1]!, content });
  }
  return out;
}

function button(title: unknown, url: unknown): { title: string; content: string } | undefined {
  if (!nonEmpty(title) || !nonEmpty(url)) return undefined;
  const content = dtmdContent(url);
  return content === undefined ? undefined : { title, content };
}

/** The visible text and buttons of a robot msgKey/msgParam; a string is a validation error. */
function robotView(msgKey: string, param: Json): { text: string; buttons: FakeDingtalkMessage['buttons'] } | string {
  switch (msgKey) {
    case 'sampleText':
      return nonEmpty(param.content) ? { text: param.content, buttons: [] } : 'sampleText: content required';
    case 'sampleMarkdown':
      return nonEmpty(param.title) && nonEmpty(param.text) ? { text: param.text, buttons: [] } : 'sampleMarkdown: title and text required';
  }
  const card = ROBOT_CARD_KEYS.exec(msgKey);
  if (!card) return `unknown msgKey ${msgKey}`;
  if (!nonEmpty(param.title) || !nonEmpty(param.text)) return `${msgKey}: title and text required`;
  const buttons: FakeDingtalkMessage['buttons'] = [];
  if (card[1] === undefined) {
    const b = button(param.singleTitle, param.singleURL);
    if (!b && !(nonEmpty(param.singleTitle) && nonEmpty(param.singleURL))) return 'sampleActionCard: singleTitle and singleURL required';
    if (b) buttons.push(b);
  } else {
    const n = card[1] === '6' ? 2 : Number(card[1]);
    for (let i = 1; i <= n; i++) {
      const title = param[`actionTitle${i}`];
      const url = param[`actionURL${i}`];
      if (!nonEmpty(title) || !nonEmpty(url)) return `${msgKey}: actionTitle${i} and actionURL${i} required`;
      if ([...title].length > 20 || url.length > 500) return `${msgKey}: button ${i} title over 20 characters or URL over 500`;
      const b = button(title, url);
      if (b) buttons.push(b);
    }
  }
  return { text: `${param.title}\n${param.text}`, buttons: [...buttons, ...markdownButtons(param.text)] };
}

/** The visible text and buttons of a work notification's msg; a string is a validation error. */
function workNotificationView(msg: Json): { text: string; buttons: FakeDingtalkMessage['buttons'] } | string {
  switch (msg?.msgtype) {
    case 'text':
      if (!nonEmpty(msg.text?.content)) return 'text.content required';
      return bytes(msg.text.content) > 2048 ? 'msg over 2048 bytes' : { text: msg.text.content, buttons: [] };
    case 'markdown':
      if (!nonEmpty(msg.markdown?.title) || !nonEmpty(msg.markdown?.text)) return 'markdown.title and markdown.text required';
      return bytes(msg.markdown.text) > 2048 ? 'msg over 2048 bytes' : { text: msg.markdown.text, buttons: [] };
    case 'action_card': {
      const card = msg.action_card;
      if (!nonEmpty(card?.title) || !nonEmpty(card?.markdown)) return 'action_card.title and action_card.markdown required';
      if (bytes(card.markdown) > 2048) return 'msg over 2048 bytes';
      const list = card.btn_json_list;
      if (list !== undefined) {
        if (!Array.isArray(list) || list.length === 0 || !['0', '1'].includes(card.btn_orientation)) return 'btn_json_list needs btn_orientation "0" or "1"';
        if (JSON.stringify(list).length > 1000) return 'btn_json_list longer than 1000 characters';
      } else if (!nonEmpty(card.single_title) || !nonEmpty(card.single_url)) {
        return 'action_card: single_title/single_url or btn_json_list required';
      }
      const buttons = (list ?? []).map((b: Json) => button(b.title, b.action_url)).filter(Boolean);
      return { text: `${card.title}\n${card.markdown}`, buttons: [...buttons, ...markdownButtons(card.markdown)] };
    }
    default:
      return 'unknown msgtype';
  }
}

export async function startFakeDingtalk(opts: FakeDingtalkOptions): Promise<FakeDingtalk> {
  const tokenTtlMs = (opts.tokenTtlSec ?? 7200) * 1000;
  const oapiTokens = new Map<string, number>(); // token → expiry (ms)
  const apiTokens = new Map<string, number>();
  const faults = new Map<FakeDingtalkPath, FakeDingtalkFault[]>();
  const sent: FakeDingtalkMessage[] = [];
  const dropped: Array<{ userId: string; msg: any }> = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const calls: Partial<Record<FakeDingtalkPath, number>> = {};
  const invalidUsers = new Set(opts.invalidUsers ?? []);
  const flowControlledUsers = new Set(opts.flowControlledUsers ?? []);
  const received = new Map<string, number>();
  const deliveredToday = new Set<string>(); // `${day}|${userId}|${msg JSON}`
  let latencyMs = opts.latencyMs ?? 0;
  let seq = 0;
  let oauthUser: string | undefined;
  const codes = new Map<string, { userId: string; expires: number; used: boolean }>();
  const userTokens = new Map<string, string>(); // user access token → userId
  const authorizeRequests: Array<Record<string, string>> = [];
  const issueCode = (userId: string): string => {
    const code = randomBytes(16).toString('hex');
    codes.set(code, { userId, expires: Date.now() + 5 * 60_000, used: false });
    return code;
  };
  const unionOf = (userId: string): string => (userId.startsWith('unionid:') ? userId.slice('unionid:'.length) : `union-${userId}`);
  const authorizePage = (url: URL): { status: number; location?: string; text?: string } => {
    const q = Object.fromEntries(url.searchParams);
    authorizeRequests.push(q);
    const bad = (why: string) => ({ status: 200, text: `<html><body>参数错误 (${why})</body></html>` });
    if (q.client_id !== opts.appKey) return bad('client_id');
    if (q.response_type !== 'code' || !(q.scope ?? '').split(' ').includes('openid') || q.prompt !== 'consent') return bad('response_type/scope/prompt');
    if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri)) return bad('redirect_uri');
    const back = new URL(q.redirect_uri);
    if (oauthUser !== undefined) back.searchParams.set('authCode', issueCode(oauthUser));
    else back.searchParams.set('error', 'access_denied');
    if (q.state !== undefined) back.searchParams.set('state', q.state);
    return { status: 302, location: back.toString() };
  };

  const takeFault = (path: FakeDingtalkPath, n: number): FakeDingtalkFault | undefined => {
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
  const issue = (tokens: Map<string, number>): string => {
    const token = randomBytes(24).toString('hex');
    tokens.set(token, Date.now() + tokenTtlMs);
    return token;
  };
  const valid = (tokens: Map<string, number>, token: string | null | undefined): boolean => {
    const expiry = token ? tokens.get(token) : undefined;
    return expiry !== undefined && expiry > Date.now();
  };
  const deliver = (message: FakeDingtalkMessage): void => {
    sent.push(message);
    for (const u of message.userIds) received.set(u, (received.get(u) ?? 0) + 1);
  };
  /** DingTalk's day (China Standard Time) for the same-day rule. */
  const today = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

  const handlers: Record<FakeDingtalkPath, (url: URL, body: Json | undefined, req: IncomingMessage) => Answer> = {
    gettoken(url) {
      if (url.searchParams.get('appkey') !== opts.appKey || url.searchParams.get('appsecret') !== opts.appSecret) return oapiFail(40089, '不合法的appKey或appSecret');
      return oapiOk({ access_token: issue(oapiTokens), expires_in: tokenTtlMs / 1000 });
    },

    'oauth2/accessToken'(_url, body) {
      if (body?.appKey !== opts.appKey || body?.appSecret !== opts.appSecret) return apiFail(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
      return { status: 200, body: { accessToken: issue(apiTokens), expireIn: tokenTtlMs / 1000 } };
    },

    asyncsend_v2(url, body) {
      if (!valid(oapiTokens, url.searchParams.get('access_token'))) return oapiFail(40014, '不合法的access_token');
      if (body === undefined) return oapiFail(40035, '不合法的参数');
      if (typeof body.agent_id !== 'number' || String(body.agent_id) !== opts.agentId) return oapiFail(40035, '不合法的agent_id');
      if (!nonEmpty(body.userid_list)) return oapiFail(40035, 'userid_list required');
      const users: string[] = body.userid_list.split(',');
      if (users.length > 100) return oapiFail(40035, 'userid_list: at most 100');
      const view = workNotificationView(body.msg);
      if (typeof view === 'string') return oapiFail(40035, view);
      const known = users.filter((u) => !invalidUsers.has(u));
      if (known.length === 0) return oapiFail(33012, '无效的USERID');
      const fresh: string[] = [];
      for (const u of known) {
        const key = `${today()}|${u}|${JSON.stringify(body.msg)}`;
        if (deliveredToday.has(key)) dropped.push({ userId: u, msg: body.msg });
        else {
          deliveredToday.add(key);
          fresh.push(u);
        }
      }
      if (fresh.length > 0) deliver({ api: 'work_notification', userIds: fresh, text: view.text.replace(ZERO_WIDTH, ''), buttons: view.buttons, raw: body });
      return oapiOk({ task_id: 100_000 + ++seq, request_id: randomBytes(8).toString('hex') });
    },

    'oToMessages/batchSend'(_url, body, req) {
      if (!valid(apiTokens, req.headers['x-acs-dingtalk-access-token'] as string | undefined)) return apiFail(401, 'InvalidAuthentication', '不合法的access_token');
      if (body === undefined) return apiFail(400, 'MissingParameter', 'body required');
      if (body.robotCode !== opts.robotCode) return apiFail(400, 'invalidParameter.robotCode', 'robotCode 无效');
      if (!Array.isArray(body.userIds) || body.userIds.length === 0 || body.userIds.some((u: unknown) => !nonEmpty(u))) return apiFail(400, 'MissingParameter', 'userIds required');
      if (body.userIds.length > ROBOT_MAX_USERS) return apiFail(400, 'InvalidParameter', `userIds: at most ${ROBOT_MAX_USERS}`);
      const parsed = parseMsgParam(body);
      if (typeof parsed === 'string') return apiFail(400, 'InvalidParameter', parsed);
      const users: string[] = body.userIds;
      const invalid = users.filter((u) => invalidUsers.has(u));
      const limited = users.filter((u) => !invalidUsers.has(u) && flowControlledUsers.has(u));
      const reached = users.filter((u) => !invalidUsers.has(u) && !flowControlledUsers.has(u));
      if (reached.length > 0) deliver({ api: 'robot', userIds: reached, text: parsed.text.replace(ZERO_WIDTH, ''), buttons: parsed.buttons, raw: { ...body, msgParam: parsed.param } });
      return { status: 200, body: { processQueryKey: `pqk-${++seq}`, invalidStaffIdList: invalid, flowControlledStaffIdList: limited } };
    },

    'oauth2/userAccessToken'(_url, body) {
      if (body?.clientId !== opts.appKey || body?.clientSecret !== opts.appSecret) return apiFail(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
      if (body?.grantType !== 'authorization_code') return apiFail(400, 'invalidParameter.grantType', 'grantType 无效');
      const known = codes.get(typeof body?.code === 'string' ? body.code : '');
      if (!known || known.used || known.expires <= Date.now()) return apiFail(400, 'invalidAuthCode', '不合法的临时授权码');
      known.used = true;
      const token = randomBytes(16).toString('hex');
      userTokens.set(token, known.userId);
      return { status: 200, body: { accessToken: token, refreshToken: randomBytes(16).toString('hex'), expireIn: 7200, corpId: 'dingcorp' } };
    },

    'contact/users/me'(_url, _body, req) {
      const userId = userTokens.get(String(req.headers['x-acs-dingtalk-access-token'] ?? ''));
      if (userId === undefined) return apiFail(401, 'InvalidAuthentication', '不合法的access_token');
      return { status: 200, body: { nick: userId, unionId: unionOf(userId), openId: `open-${userId}` } };
    },

    'user/getbyunionid'(url, body) {
      if (!valid(oapiTokens, url.searchParams.get('access_token'))) return oapiFail(40014, '不合法的access_token');
      const unionid = typeof body?.unionid === 'string' ? body.unionid : '';
      if (!unionid.startsWith('union-')) return oapiFail(60121, '找不到该用户');
      return oapiOk({ result: { contact_type: 0, userid: unionid.slice('union-'.length) }, request_id: randomBytes(8).toString('hex') });
    },

    'groupMessages/send'(_url, body, req) {
      if (!valid(apiTokens, req.headers['x-acs-dingtalk-access-token'] as string | undefined)) return apiFail(401, 'InvalidAuthentication', '不合法的access_token');
      if (body === undefined) return apiFail(400, 'MissingParameter', 'body required');
      if (body.robotCode !== opts.robotCode) return apiFail(400, 'invalidParameter.robotCode', 'robotCode 无效');
      if (!nonEmpty(body.openConversationId)) return apiFail(400, 'MissingParameter', 'openConversationId required');
      const parsed = parseMsgParam(body);
      if (typeof parsed === 'string') return apiFail(400, 'InvalidParameter', parsed);
      deliver({ api: 'group', userIds: [], groupId: body.openConversationId, text: parsed.text.replace(ZERO_WIDTH, ''), buttons: parsed.buttons, raw: { ...body, msgParam: parsed.param } });
      return { status: 200, body: { processQueryKey: `pqk-${++seq}` } };
    },
  };

  const respond = (res: ServerResponse, status: number, payload: Json | string): void => {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/html' : 'application/json;charset=utf-8' });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (url.pathname === '/oauth2/auth') {
      const page = authorizePage(url);
      res.writeHead(page.status, page.location ? { location: page.location } : { 'content-type': 'text/html' });
      res.end(page.text ?? '');
      return;
    }
    const path = PATHS[url.pathname];
    if (!path) return respond(res, 404, '<html><body>404 Not Found</body></html>');
    const expectedMethod = GET_PATHS.has(path) ? 'GET' : 'POST';
    const callNo = (calls[path] = (calls[path] ?? 0) + 1);
    if (latencyMs > 0) {
      await wait(latencyMs);
      if (res.destroyed) return;
    }
    const fault = takeFault(path, callNo);
    if (fault?.hangMs) {
      await wait(fault.hangMs);
      if (res.destroyed) return;
    }
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    if (fault?.respond) return respond(res, 200, fault.respond);
    if (fault?.errcode !== undefined) return respond(res, fault.httpStatus ?? 200, { errcode: fault.errcode, errmsg: 'injected fault' });
    if (fault?.code !== undefined) return respond(res, fault.httpStatus ?? 400, { code: fault.code, message: 'injected fault', requestid: 'fault' });
    if (fault?.httpStatus !== undefined) return respond(res, fault.httpStatus, `<html><body>${fault.httpStatus}</body></html>`);

    if (req.method !== expectedMethod) {
      const answer = OAPI_PATHS.has(path) ? oapiFail(40035, `use ${expectedMethod}`) : apiFail(405, 'MethodNotAllowed', `use ${expectedMethod}`);
      return respond(res, answer.status, answer.body);
    }
    let body: Json | undefined;
    if (raw !== '') {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed;
      } catch {
        const answer = OAPI_PATHS.has(path) ? oapiFail(40035, 'body is not JSON') : apiFail(400, 'InvalidParameter', 'body is not JSON');
        return respond(res, answer.status, answer.body);
      }
    }
    const answer = handlers[path](url, body, req);
    respond(res, answer.status, answer.body);
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
    dropped,
    calls,
    invalidUsers,
    flowControlledUsers,
    get latencyMs() {
      return latencyMs;
    },
    set latencyMs(ms: number) {
      latencyMs = ms;
    },
    inject(path, fault) {
      const queue = faults.get(path) ?? [];
      queue.push(fault);
      faults.set(path, queue);
    },
    expireTokens() {
      for (const token of oapiTokens.keys()) oapiTokens.set(token, 0);
      for (const token of apiTokens.keys()) apiTokens.set(token, 0);
    },
    receivedBy(userId) {
      return received.get(userId) ?? 0;
    },
    get oauthUser() {
      return oauthUser;
    },
    set oauthUser(userId: string | undefined) {
      oauthUser = userId;
    },
    issueCode,
    authorizeRequests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** A robot request's msgParam (a JSON string) parsed and checked against its msgKey. */
function parseMsgParam(body: Json): { param: Json; text: string; buttons: FakeDingtalkMessage['buttons'] } | string {
  if (!nonEmpty(body.msgKey) || typeof body.msgParam !== 'string') return 'msgKey and msgParam (a JSON string) required';
  let param: unknown;
  try {
    param = JSON.parse(body.msgParam);
  } catch {
    return 'msgParam is not JSON';
  }
  if (typeof param !== 'object' || param === null || Array.isArray(param)) return 'msgParam is not a JSON object';
  const view = robotView(body.msgKey, param);
  return typeof view === 'string' ? view : { param: param, ...view };
}
