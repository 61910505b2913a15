// Outbound WeCom API: app messages, card updates, menu, callback IPs (wecom-protocol.md §3).
// Every failure becomes a PlatformSendError whose kind tells the outbound worker what to do
// (RELIABILITY.md "Outbound API"). The access token travels in the query string, so neither URLs
// nor raw transport errors ever reach a message: only the API path does.

import { ConfigError, PlatformSendError, type SendFailureKind } from '../../errors.ts';
import { redact, requestPlatform, type ApiObserver, type PlatformHttpReply } from '../shared/http.ts';
import type { AccessTokenSource } from '../shared/token-cache.ts';
import type { MessageSender, OutboundMessage, SendManyResult, SendOptions, SendResult } from '../types.ts';
import { templateCard } from './cards.ts';
import { classifyWecomError, describeWecomErrcode, rateLimitDelayMs } from './errors.ts';

/** Where the client gets its access token (token-cache.ts's WecomTokenCache, shared through Redis). */
export type { AccessTokenSource };

export interface WecomClientOptions {
  tokens: AccessTokenSource;
  /** e.g. https://qyapi.weixin.qq.com */
  apiBase: string;
  /** The app's AgentId; sent as a JSON number (§3.2). */
  agentId: string;
  /** Timeout of one HTTP request, body included. Default 10000 ms. */
  fetchTimeoutMs?: number;
  /** Told of every API call (latency metric). */
  observe?: ApiObserver;
}

/** §3.4: either grey out the clicked button with a new label, or replace the whole card. */
export interface UpdateTemplateCardRequest {
  userIds: string[];
  responseCode: string;
  replaceName?: string;
  card?: Record<string, unknown>;
}

/** §3.5 menu/create body. */
export interface WecomMenu {
  button: Array<Record<string, unknown>>;
}

/**
 * Messages in WeCom's own words, which only WeCom tooling sends (nothing upstream produces them): a text card
 * with a link, and a template card body given whole.
 */
export type WecomNativeMessage =
  | { type: 'textcard'; title: string; description: string; url: string; btntxt?: string }
  /** A template_card body (card_type, main_title, button_list, task_id…), per wecom-protocol.md §3.3. */
  | { type: 'template_card'; card: Record<string, unknown> };

export const MAX_DUPLICATE_CHECK_SECONDS = 4 * 3_600;

/** touser takes at most 1,000 user ids (§3.2). */
export const MAX_RECIPIENTS_PER_SEND = 1_000;

/** errcode 81013: every recipient invalid or outside the app's visibility (§3.2). */
const ALL_RECIPIENTS_INVALID = 81013;

interface CallOptions {
  method: 'GET' | 'POST';
  query?: Record<string, string>;
  body?: unknown;
}

export class WecomClient implements MessageSender {
  readonly platform = 'wecom' as const;
  readonly maxRecipientsPerSend = MAX_RECIPIENTS_PER_SEND;
  private readonly tokens: AccessTokenSource;
  private readonly apiBase: string;
  private readonly agentId: number;
  private readonly fetchTimeoutMs: number;
  private readonly observe: ApiObserver | undefined;

  constructor(opts: WecomClientOptions) {
    this.tokens = opts.tokens;
    this.apiBase = opts.apiBase.replace(/\/+$/, '');
    // Newer agent ids can have 13 digits (§3.2): still a safe integer, but check rather than trust.
    const agentId = Number(opts.agentId);
    if (!/^\d+$/.test(opts.agentId) || !Number.isSafeInteger(agentId)) {
      throw new ConfigError(`WeCom agentId must be a decimal integer, got ${JSON.stringify(opts.agentId)}`);
    }
    this.agentId = agentId;
    this.fetchTimeoutMs = opts.fetchTimeoutMs ?? 10_000;
    this.observe = opts.observe;
  }

  /** message/send to one member (§3.2, §3.3). */
  async send(userId: string, message: OutboundMessage | WecomNativeMessage, options: SendOptions = {}): Promise<SendResult> {
    if (message.type === 'card_update') {
      await this.updateTemplateCard({ userIds: [userId], responseCode: message.responseCode, replaceName: message.replaceName });
      return {};
    }
    const reply = await this.messageSend(userId, message, options);
    // Partial failure is still errcode 0 (§3.2); we only ever send to one user, so any invalid
    // user means this message reached nobody.
    if (typeof reply.invaliduser === 'string' && reply.invaliduser !== '') {
      throw new PlatformSendError('fatal', 'message/send: invalid user (not a member or outside the app visibility)', 'invaliduser');
    }
    return {
      platformMsgId: typeof reply.msgid === 'string' && reply.msgid !== '' ? reply.msgid : undefined,
      responseCode: typeof reply.response_code === 'string' && reply.response_code !== '' ? reply.response_code : undefined,
    };
  }

  /**
   * message/send to up to 1,000 members at once (§3.2): touser joined with '|'. A partial failure is still
   * errcode 0 with the refused ids in `invaliduser` — lower-cased by WeCom, so matched without case; all
   * refused is errcode 81013.
   */
  async sendMany(userIds: readonly string[], message: OutboundMessage, options: SendOptions = {}): Promise<SendManyResult> {
    if (userIds.length === 0) return { result: {}, invalidUserIds: [] };
    if (userIds.length > MAX_RECIPIENTS_PER_SEND) throw new RangeError(`message/send takes at most ${MAX_RECIPIENTS_PER_SEND} recipients, got ${userIds.length}`);
    if (message.type === 'card_update') throw new TypeError('sendMany: a card update goes to the one user who clicked');
    let reply: Record<string, unknown>;
    try {
      reply = await this.messageSend(userIds.join('|'), message, options);
    } catch (err) {
      if (err instanceof PlatformSendError && err.platformCode === ALL_RECIPIENTS_INVALID) return { result: {}, invalidUserIds: [...userIds] };
      throw err;
    }
    const refused = new Set(typeof reply.invaliduser === 'string' && reply.invaliduser !== '' ? reply.invaliduser.toLowerCase().split('|') : []);
    return {
      result: {
        platformMsgId: typeof reply.msgid === 'string' && reply.msgid !== '' ? reply.msgid : undefined,
        responseCode: typeof reply.response_code === 'string' && reply.response_code !== '' ? reply.response_code : undefined,
      },
      invalidUserIds: refused.size === 0 ? [] : userIds.filter((u) => refused.has(u.toLowerCase())),
    };
  }

  private async messageSend(touser: string, message: Exclude<OutboundMessage | WecomNativeMessage, { type: 'card_update' }>, options: SendOptions) {
    return this.call('message/send', {
      method: 'POST',
      // The same delivery (or batch) always yields the same bytes (key order included), so WeCom's duplicate
      // check recognises a re-send after a crash; it covers 4 hours at most (§3.2).
      body: {
        touser,
        agentid: this.agentId,
        ...messageBody(message),
        ...(options.duplicateCheckSeconds
          ? { enable_duplicate_check: 1, duplicate_check_interval: Math.min(MAX_DUPLICATE_CHECK_SECONDS, Math.ceil(options.duplicateCheckSeconds)) }
          : {}),
      },
    });
  }

  /** message/update_template_card (§3.4). The response_code is single use. */
  async updateTemplateCard(req: UpdateTemplateCardRequest): Promise<void> {
    if ((req.replaceName === undefined) === (req.card === undefined)) {
      throw new TypeError('updateTemplateCard: give exactly one of replaceName or card');
    }
    await this.call('message/update_template_card', {
      method: 'POST',
      body: {
        userids: req.userIds,
        agentid: this.agentId,
        response_code: req.responseCode,
        ...(req.card !== undefined ? { template_card: req.card } : { button: { replace_name: req.replaceName } }),
      },
    });
  }

  /** menu/create: the agent id goes in the query, not the body (§3.5). */
  async createMenu(menu: WecomMenu): Promise<void> {
    await this.call('menu/create', { method: 'POST', query: { agentid: String(this.agentId) }, body: menu });
  }

  /** getcallbackip: the source IPs WeCom calls us from, for firewalls (§3.7). */
  async getCallbackIps(): Promise<string[]> {
    const reply = await this.call('getcallbackip', { method: 'GET' });
    const list = reply.ip_list;
    return Array.isArray(list) ? list.filter((ip): ip is string => typeof ip === 'string') : [];
  }

  /**
   * One API call with the token protocol of §3.1: on 40014/42001 drop exactly the token that was
   * rejected, fetch a fresh one and retry once. A second rejection is reported as 'retry' so the
   * worker backs off instead of hammering gettoken.
   */
  private async call(path: string, opts: CallOptions): Promise<Record<string, unknown>> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.get();
      const url = new URL(`${this.apiBase}/cgi-bin/${path}`);
      for (const [name, value] of Object.entries(opts.query ?? {})) url.searchParams.set(name, value);
      url.searchParams.set('access_token', token);
      try {
        const reply = await requestWecom(url, { method: opts.method, body: opts.body }, this.fetchTimeoutMs, path, token, this.observe);
        return assertWecomOk(reply, path, classifyWecomError, token);
      } catch (err) {
        if (!(err instanceof PlatformSendError) || err.kind !== 'token_invalid') throw err;
        if (attempt >= 2) {
          throw new PlatformSendError('retry', `${path}: access token rejected again after a refresh (errcode ${err.platformCode})`, err.platformCode);
        }
        await this.tokens.invalidate(token);
      }
    }
  }
}

/** The msgtype and content part of a message/send body (exported for bench:deliver's check against the fake's log). */
export function messageBody(message: Exclude<OutboundMessage | WecomNativeMessage, { type: 'card_update' }>): Record<string, unknown> {
  switch (message.type) {
    case 'text':
      return { msgtype: 'text', text: { content: message.content } };
    case 'markdown':
      return { msgtype: 'markdown', markdown: { content: message.content } };
    case 'textcard': {
      const { title, description, url, btntxt } = message;
      return { msgtype: 'textcard', textcard: { title, description, url, ...(btntxt !== undefined ? { btntxt } : {}) } };
    }
    case 'card':
      return { msgtype: 'template_card', template_card: templateCard(message.card) };
    case 'template_card':
      // The caller owns task_id (it must be unique per app and is echoed in the click callback, §3.3).
      return { msgtype: 'template_card', template_card: message.card };
  }
}

// ---- HTTP plumbing shared with token-cache.ts -------------------------------------------------

export type WecomHttpReply = PlatformHttpReply;

/** One request (platforms/shared/http.ts); `secret` (token or corpsecret) is redacted from any message. */
export function requestWecom(
  url: URL,
  init: { method: 'GET' | 'POST'; body?: unknown },
  timeoutMs: number,
  label: string,
  secret: string,
  observe?: ApiObserver,
): Promise<WecomHttpReply> {
  return requestPlatform(url, init, timeoutMs, label, [secret], observe);
}

/**
 * Turns a reply into its body when errcode is 0, else throws the classified PlatformSendError.
 * A 200 with a non-JSON body is a failure too (RELIABILITY.md "Outbound API").
 */
export function assertWecomOk(
  reply: WecomHttpReply,
  label: string,
  classify: (errcode: number, httpStatus?: number) => SendFailureKind,
  secret: string,
): Record<string, unknown> {
  const { httpStatus, body } = reply;
  if (httpStatus !== 200) {
    const kind = classify(0, httpStatus);
    throw new PlatformSendError(kind, `${label}: HTTP ${httpStatus}`, `http_${httpStatus}`, kind === 'rate_limited' ? 60_000 : undefined);
  }
  if (body === undefined) {
    throw new PlatformSendError('retry', `${label}: HTTP 200 with a body that is not a JSON object`, 'non_json');
  }
  const errcode = body.errcode;
  if (typeof errcode !== 'number') {
    throw new PlatformSendError('retry', `${label}: reply has no numeric errcode`, 'no_errcode');
  }
  if (errcode === 0) return body;

  const kind = classify(errcode);
  const errmsg = typeof body.errmsg === 'string' ? ` - ${redact(body.errmsg, [secret]).slice(0, 200)}` : '';
  throw new PlatformSendError(
    kind,
    // errmsg is kept: for 60020 it names the egress IP the operator must allow-list.
    `${label}: errcode ${errcode} (${describeWecomErrcode(errcode)})${errmsg}`,
    errcode,
    kind === 'rate_limited' ? rateLimitDelayMs(errcode) : undefined,
  );
}
