// Outbound DingTalk API (wecom-protocol.md §5.4): robot one-to-one messages (api.dingtalk.com
// oToMessages/batchSend) or work notifications (oapi asyncsend_v2), by configuration; robot group messages for
// `group:<openConversationId>` recipients. Every failure becomes a PlatformSendError whose kind tells the
// outbound worker what to do (errors.ts); tokens travel in a header or the query string, never in a message.

import { createHash } from 'node:crypto';
import { ConfigError, PlatformSendError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { splitLines, MESSAGE_MAX_BYTES } from '../../notices/message-limit.ts';
import { requestPlatform, type ApiObserver } from '../shared/http.ts';
import type { AccessTokenSource } from '../shared/token-cache.ts';
import { GROUP_RECIPIENT_PREFIX, type MessageSender, type OutboundMessage, type SendManyResult, type SendOptions, type SendResult } from '../types.ts';
import { cardMarkdown, robotActionCard, workNotificationActionCard } from './cards.ts';
import type { DingtalkConfig } from './config.ts';
import { assertApiOk, assertOapiOk, classifyOapiError, isUntrustedIp, rateLimitDelayMs, UNTRUSTED_IP_ADVICE } from './errors.ts';
import type { DingtalkTokens } from './token-cache.ts';

export interface DingtalkClientOptions {
  config: Pick<DingtalkConfig, 'appSecret' | 'robotCode' | 'agentId' | 'sendVia' | 'apiBase' | 'oapiBase'>;
  /** token-cache.ts's dingtalkTokens: both tokens, shared through Redis. */
  tokens: DingtalkTokens;
  /** Where a refused server IP is reported: nothing will send until an operator acts. */
  log?: Pick<Logger, 'error'>;
  /** Told of every API call (latency metric). */
  observe?: ApiObserver;
  /** Timeout of one HTTP request, body included. Default 10000 ms. */
  fetchTimeoutMs?: number;
}

/** userIds per batchSend: 20 is one SDK's limit; DingTalk's own figure is not published (§5.4, unconfirmed). */
export const ROBOT_MAX_RECIPIENTS = 20;
/** userid_list takes at most 100 user ids (§5.4). */
export const WORK_NOTIFICATION_MAX_RECIPIENTS = 100;

/** §5.4: msg ≤ 2,048 bytes; applied, as WeCom's limit is, to the message's text. */
const WORK_NOTIFICATION_MAX_BYTES = MESSAGE_MAX_BYTES;

/** oapi errcode 33012: invalid userid. */
const INVALID_USER = 33012;

type SendableMessage = Exclude<OutboundMessage, { type: 'card_update' }>;

interface RobotReply {
  processQueryKey: string | undefined;
  invalid: Set<string>;
  flowControlled: Set<string>;
}

export class DingtalkClient implements MessageSender {
  readonly platform = 'dingtalk' as const;
  readonly maxRecipientsPerSend: number;
  private readonly config: DingtalkClientOptions['config'];
  private readonly tokens: DingtalkTokens;
  private readonly log: Pick<Logger, 'error'> | undefined;
  private readonly observe: ApiObserver | undefined;
  private readonly apiBase: string;
  private readonly oapiBase: string;
  private readonly agentId: number | undefined;
  private readonly fetchTimeoutMs: number;

  constructor(opts: DingtalkClientOptions) {
    this.config = opts.config;
    this.tokens = opts.tokens;
    this.log = opts.log;
    this.observe = opts.observe;
    this.apiBase = opts.config.apiBase.replace(/\/+$/, '');
    this.oapiBase = opts.config.oapiBase.replace(/\/+$/, '');
    this.fetchTimeoutMs = opts.fetchTimeoutMs ?? 10_000;
    const { agentId, sendVia } = opts.config;
    if (agentId !== undefined && (!/^\d+$/.test(agentId) || !Number.isSafeInteger(Number(agentId)))) {
      throw new ConfigError(`DingTalk agentId must be a decimal integer, got ${JSON.stringify(agentId)}`);
    }
    if (sendVia === 'work_notification' && agentId === undefined) throw new ConfigError('DingTalk work notifications need the app\'s AgentId');
    this.agentId = agentId === undefined ? undefined : Number(agentId);
    this.maxRecipientsPerSend = sendVia === 'robot' ? ROBOT_MAX_RECIPIENTS : WORK_NOTIFICATION_MAX_RECIPIENTS;
  }

  async send(userId: string, message: OutboundMessage, options: SendOptions = {}): Promise<SendResult> {
    // WeCom greys out the clicked card; DingTalk's robot action cards and work notifications cannot be
    // updated after sending. Nothing is sent: the conversation's text reply already says what the click did.
    if (message.type === 'card_update') return {};
    if (userId.startsWith(GROUP_RECIPIENT_PREFIX)) return this.sendToGroup(userId.slice(GROUP_RECIPIENT_PREFIX.length), message);

    if (this.config.sendVia === 'robot') {
      const reply = await this.robotBatchSend([userId], message);
      if (reply.invalid.has(userId.toLowerCase())) throw new PlatformSendError('fatal', 'oToMessages/batchSend: invalid user (not a member or outside the robot\'s range)', 'invalid_user');
      if (reply.flowControlled.has(userId.toLowerCase())) {
        throw new PlatformSendError('rate_limited', 'oToMessages/batchSend: the recipient is flow-controlled, not sent', 'flow_controlled', rateLimitDelayMs('flow_controlled'));
      }
      return { platformMsgId: reply.processQueryKey };
    }
    try {
      return { platformMsgId: await this.workNotify([userId], message, options) };
    } catch (err) {
      if (err instanceof PlatformSendError && err.platformCode === INVALID_USER) {
        throw new PlatformSendError('fatal', 'asyncsend_v2: invalid user (not a member or outside the app\'s range)', INVALID_USER);
      }
      throw err;
    }
  }

  /**
   * The same message to up to maxRecipientsPerSend members in one call. Robot: refused ids come back in
   * invalidStaffIdList, flow-controlled ones (not sent) in flowControlledStaffIdList → deferredUserIds; when
   * nobody could be sent to for flow control, the call throws rate_limited. Work notification: a 33012 for
   * several recipients is narrowed down one recipient at a time; an invalid id among valid ones is not
   * answered at once by DingTalk (only by getsendresult), so it is not reported here.
   */
  async sendMany(userIds: readonly string[], message: OutboundMessage, options: SendOptions = {}): Promise<SendManyResult> {
    if (userIds.length === 0) return { result: {}, invalidUserIds: [] };
    if (userIds.length > this.maxRecipientsPerSend) {
      throw new RangeError(`DingTalk ${this.config.sendVia} takes at most ${this.maxRecipientsPerSend} recipients per call, got ${userIds.length}`);
    }
    if (message.type === 'card_update') throw new TypeError('sendMany: a card update goes to the one user who clicked');
    if (userIds.some((u) => u.startsWith(GROUP_RECIPIENT_PREFIX))) throw new TypeError('sendMany: a group is a recipient of its own (send)');

    if (this.config.sendVia === 'robot') {
      const reply = await this.robotBatchSend(userIds, message);
      const invalidUserIds = userIds.filter((u) => reply.invalid.has(u.toLowerCase()));
      const deferredUserIds = userIds.filter((u) => reply.flowControlled.has(u.toLowerCase()) && !reply.invalid.has(u.toLowerCase()));
      if (deferredUserIds.length > 0 && invalidUserIds.length + deferredUserIds.length === userIds.length) {
        throw new PlatformSendError('rate_limited', 'oToMessages/batchSend: every valid recipient is flow-controlled, none sent', 'flow_controlled', rateLimitDelayMs('flow_controlled'));
      }
      return { result: { platformMsgId: reply.processQueryKey }, invalidUserIds, ...(deferredUserIds.length > 0 ? { deferredUserIds } : {}) };
    }

    try {
      return { result: { platformMsgId: await this.workNotify(userIds, message, options) }, invalidUserIds: [] };
    } catch (err) {
      if (!(err instanceof PlatformSendError) || err.platformCode !== INVALID_USER) throw err;
      if (userIds.length === 1) return { result: {}, invalidUserIds: [...userIds] };
    }
    // One at a time: a re-send to those already reached is identical content, which DingTalk drops the same day.
    const invalidUserIds: string[] = [];
    let platformMsgId: string | undefined;
    for (const userId of userIds) {
      try {
        const taskId = await this.workNotify([userId], message, options);
        platformMsgId ??= taskId;
      } catch (err) {
        if (!(err instanceof PlatformSendError) || err.platformCode !== INVALID_USER) throw err;
        invalidUserIds.push(userId);
      }
    }
    return { result: { platformMsgId }, invalidUserIds };
  }

  /** groupMessages/send: text and markdown only — a card's answers are personal, a group gets none. */
  private async sendToGroup(openConversationId: string, message: SendableMessage): Promise<SendResult> {
    if (message.type === 'card') throw new PlatformSendError('fatal', 'groupMessages/send: a card goes to one person, never to a group', 'card_to_group');
    const { msgKey, msgParam } = robotMessage(message, this.config.appSecret);
    const reply = await this.callApi('/v1.0/robot/groupMessages/send', 'groupMessages/send', {
      robotCode: this.config.robotCode,
      openConversationId,
      msgKey,
      msgParam: JSON.stringify(msgParam),
    });
    return { platformMsgId: stringOrUndefined(reply.processQueryKey) };
  }

  private async robotBatchSend(userIds: readonly string[], message: SendableMessage): Promise<RobotReply> {
    const { msgKey, msgParam } = robotMessage(message, this.config.appSecret);
    const reply = await this.callApi('/v1.0/robot/oToMessages/batchSend', 'oToMessages/batchSend', {
      robotCode: this.config.robotCode,
      userIds,
      msgKey,
      msgParam: JSON.stringify(msgParam),
    });
    return { processQueryKey: stringOrUndefined(reply.processQueryKey), invalid: idSet(reply.invalidStaffIdList), flowControlled: idSet(reply.flowControlledStaffIdList) };
  }

  /** asyncsend_v2, one call per part of the message; the first call's task id names the send. */
  private async workNotify(userIds: readonly string[], message: SendableMessage, options: SendOptions): Promise<string | undefined> {
    let taskId: string | undefined;
    for (const msg of workNotificationMessages(message, this.config.appSecret, options.deliveryRef)) {
      const reply = await this.callOapi('/topapi/message/corpconversation/asyncsend_v2', 'asyncsend_v2', {
        agent_id: this.agentId,
        userid_list: userIds.join(','),
        msg,
      });
      taskId ??= typeof reply.task_id === 'number' || typeof reply.task_id === 'string' ? String(reply.task_id) : undefined;
    }
    return taskId;
  }

  private callApi(path: string, label: string, body: unknown): Promise<Record<string, unknown>> {
    return this.withToken(this.tokens.api, label, async (token) => {
      const reply = await requestPlatform(
        new URL(`${this.apiBase}${path}`),
        { method: 'POST', body, headers: { 'x-acs-dingtalk-access-token': token } },
        this.fetchTimeoutMs,
        label,
        [token, this.config.appSecret],
        this.observe,
      );
      return assertApiOk(reply, label, [token, this.config.appSecret]);
    });
  }

  private callOapi(path: string, label: string, body: unknown): Promise<Record<string, unknown>> {
    return this.withToken(this.tokens.oapi, label, async (token) => {
      const url = new URL(`${this.oapiBase}${path}`);
      url.searchParams.set('access_token', token);
      const reply = await requestPlatform(url, { method: 'POST', body }, this.fetchTimeoutMs, label, [token, this.config.appSecret], this.observe);
      return assertOapiOk(reply, label, classifyOapiError, [token, this.config.appSecret]);
    });
  }

  /**
   * One call with the token protocol of §6 item 9: a rejected token is dropped (only if still cached), a fresh
   * one fetched and the call retried once; a second rejection is 'retry' so the worker backs off. A refused
   * server IP is logged here at error level with what to do, whichever call met it (the token's too).
   */
  private async withToken(source: AccessTokenSource, label: string, call: (token: string) => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    try {
      for (let attempt = 1; ; attempt++) {
        const token = await source.get();
        try {
          return await call(token);
        } catch (err) {
          if (!(err instanceof PlatformSendError) || err.kind !== 'token_invalid') throw err;
          if (attempt >= 2) throw new PlatformSendError('retry', `${label}: access token rejected again after a refresh (${err.platformCode})`, err.platformCode);
          await source.invalidate(token);
        }
      }
    } catch (err) {
      if (err instanceof PlatformSendError && isUntrustedIp(err.platformCode)) {
        this.log?.error({ api: label, code: err.platformCode }, `DingTalk refuses this server's IP: ${UNTRUSTED_IP_ADVICE}`);
      }
      throw err;
    }
  }
}

/** The robot's msgKey and msgParam for a message (§5.4). */
function robotMessage(message: SendableMessage, appSecret: string): { msgKey: string; msgParam: Record<string, string> } {
  switch (message.type) {
    case 'text':
      return { msgKey: 'sampleText', msgParam: { content: message.content } };
    case 'markdown':
      return { msgKey: 'sampleMarkdown', msgParam: { title: markdownTitle(message.content), text: message.content } };
    case 'card':
      return robotActionCard(appSecret, message.card);
  }
}

/**
 * A work notification's msg, in as many parts as the 2,048-byte limit needs, each ending with the delivery's
 * invisible tag (see invisibleRef).
 */
function workNotificationMessages(message: SendableMessage, appSecret: string, deliveryRef: string | undefined): Array<Record<string, unknown>> {
  const tag = deliveryRef === undefined ? '' : invisibleRef(deliveryRef);
  const parts = (content: string) => splitLines(content.split('\n'), { maxBytes: WORK_NOTIFICATION_MAX_BYTES - Buffer.byteLength(tag, 'utf8') });
  switch (message.type) {
    case 'text':
      return parts(message.content).map((content) => ({ msgtype: 'text', text: { content: `${content}${tag}` } }));
    case 'markdown':
      return parts(message.content).map((text) => ({ msgtype: 'markdown', markdown: { title: markdownTitle(text), text: `${text}${tag}` } }));
    case 'card':
      return [workNotificationActionCard(appSecret, message.card, `${cardMarkdown(message.card)}${tag}`)];
  }
}

/** Zero-width characters: each carries two bits and none shows in DingTalk's text or markdown. */
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060'] as const;

/**
 * A delivery's ref as 24 invisible characters (48 bits of its SHA-256). DingTalk silently drops a work
 * notification whose content it already delivered to the same person that day (§5.4): a tag per delivery makes
 * two deliveries of the same words differ, while a re-send of one delivery (after a crash between sending and
 * recording) stays identical and is dropped — DingTalk's same-day rule then acts as our duplicate check.
 */
export function invisibleRef(deliveryRef: string): string {
  let out = '';
  for (const byte of createHash('sha256').update(deliveryRef).digest().subarray(0, 6)) {
    for (let shift = 6; shift >= 0; shift -= 2) out += ZERO_WIDTH[(byte >> shift) & 3];
  }
  return out;
}

/** The markdown's first line as plain words: DingTalk shows a markdown message's title in the conversation list. */
export function markdownTitle(markdown: string): string {
  const line = markdown
    .split('\n')
    .map((l) => l.replace(/^[\s#>*+-]+/, '').replace(/[*_`[\]]/g, '').trim())
    .find((l) => l !== '');
  return line === undefined ? '通知' : [...line].slice(0, 20).join('');
}

/** The ids DingTalk names, lower-cased: userids are compared without case (the roster may spell one otherwise). */
function idSet(value: unknown): Set<string> {
  return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase()) : []);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
