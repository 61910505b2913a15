// DingTalk's wire events turned into our InboundEvent plus a dedupe key: robot messages (wecom-protocol.md
// §5.3) and event-subscription events (§5.1). Pure: the HTTP routes (callback.ts) and the Stream session
// both call these, so a message means the same whichever way it arrived.
import { BadRequestError } from '../../errors.ts';
import type { InboundEvent } from '../types.ts';
import { checkLength } from '../shared/field-limits.ts';
import { decodeCardAction } from './card-action.ts';

export interface MappedInbound {
  event: InboundEvent;
  dedupeKey: string;
}

/**
 * The most a field we keep may hold, in UTF-8 bytes: a userid is 1–64 characters; msgId and conversationId
 * are short base64-like strings (`msgXXXX==`, `cidXXXX==`); a member's text gets far more than anyone types
 * and stays inside the 64 KB body. Beyond these a value is an attack, refused before it costs a row.
 */
const LIMITS = {
  msgId: 64,
  msgtype: 32,
  senderStaffId: 64,
  conversationId: 128,
  content: 20_000,
  EventType: 64,
  UserId: 64,
  eventId: 128,
} as const;
/** A departure event lists the users who left; more than this in one push is not an address-book change. */
const MAX_USERS_PER_EVENT = 1000;

type Fields = Record<string, unknown>;

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(body: Fields, name: keyof typeof LIMITS, code: string): string {
  const v = body[name];
  if (typeof v !== 'string' || v.length === 0) throw new BadRequestError(code, `${name} missing or not a string`);
  checkLength(name, v, LIMITS[name]);
  return v;
}

/** Milliseconds (a JSON number or digits) to whole seconds, as WeCom's CreateTime. */
function msToSeconds(v: unknown, name: string, code: string): number {
  const ms = typeof v === 'string' && /^[0-9]{1,16}$/.test(v) ? Number(v) : v;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) throw new BadRequestError(code, `${name} is not a timestamp`);
  return Math.floor(ms / 1000);
}

/**
 * A robot message (HTTP body, or a Stream CALLBACK frame's data) as an InboundEvent. Throws BadRequestError on
 * a malformed body, and 'no_staff_id' for a sender outside the organisation (no userid, so no member).
 */
export function robotMessageToInbound(body: unknown, appSecret: string): MappedInbound {
  if (!isObject(body)) throw new BadRequestError('bad_body', 'body is not a JSON object');
  // Ids stay strings as sent: a number here is not DingTalk's.
  const msgId = field(body, 'msgId', 'bad_body');
  const msgType = field(body, 'msgtype', 'bad_body');
  const conversationType = body['conversationType'];
  if (conversationType !== '1' && conversationType !== '2') throw new BadRequestError('bad_body', 'conversationType is neither "1" nor "2"');
  const createTime = msToSeconds(body['createAt'], 'createAt', 'bad_body');
  if (body['senderStaffId'] === undefined || body['senderStaffId'] === '') {
    throw new BadRequestError('no_staff_id', 'sender has no staff id (not a member of the organisation)');
  }
  const userId = field(body, 'senderStaffId', 'bad_body');

  let text = '';
  if (msgType === 'text') {
    const t = body['text'];
    if (!isObject(t) || typeof t['content'] !== 'string') throw new BadRequestError('bad_body', 'text.content missing');
    checkLength('content', t['content'], LIMITS.content);
    // An @-mention leaves a leading space (§5.3).
    text = t['content'].trim();
  }
  const dedupeKey = `dt-msg:${msgId}`;

  if (conversationType === '2') {
    // Groups deliver only @-mentions; answered in the group with public content only, so a button's message
    // typed there is never a card action.
    const groupId = field(body, 'conversationId', 'bad_body');
    return { event: { kind: 'group_mention', userId, groupId, text, createTime }, dedupeKey };
  }
  if (msgType !== 'text') return { event: { kind: 'other', userId, msgType, createTime }, dedupeKey };
  const action = decodeCardAction(appSecret, text);
  if (action) {
    return {
      event: { kind: 'card_click', userId, eventKey: action.actionKey, taskId: action.taskId, responseCode: '', selected: {}, createTime },
      dedupeKey,
    };
  }
  return { event: { kind: 'text', userId, text, msgId, createTime }, dedupeKey };
}

export interface EventContext {
  /** The Stream frame's headers.eventId: the event's own id, stable across re-deliveries (§5.2). */
  eventId?: string;
  /** The Stream frame's headers.eventType, where the data does not name it (an HTTP push's plaintext does). */
  eventType?: string;
  /** The Stream frame's headers.eventBornTime (ms): when the event happened, where the data has no TimeStamp. */
  bornAt?: string;
  /** When it reached us (ms, the injected clock): the last resort for the event's time. */
  receivedAtMs?: number;
}

/**
 * An event-subscription event (an HTTP push's decrypted JSON, or a Stream EVENT frame's data) as the events
 * we store: one per user who left for user_leave_org; none for check_url and every other type (they are
 * acknowledged, nothing is stored). Throws BadRequestError on a malformed event.
 */
export function eventToInbound(plain: unknown, opts: EventContext = {}): MappedInbound[] {
  if (!isObject(plain)) throw new BadRequestError('bad_event', 'event is not a JSON object');
  const eventType = plain['EventType'] ?? opts.eventType;
  if (typeof eventType !== 'string' || eventType.length === 0) throw new BadRequestError('bad_event', 'EventType missing');
  checkLength('EventType', eventType, LIMITS.EventType);
  if (eventType !== 'user_leave_org') return [];

  const users = plain['UserId'];
  if (!Array.isArray(users) || users.length === 0 || users.length > MAX_USERS_PER_EVENT) {
    throw new BadRequestError('bad_event', 'UserId is not a list of users');
  }
  const stamp = plain['TimeStamp'];
  // Without an eventId the push's own TimeStamp names it: a re-sent push repeats it, another departure does not.
  if (opts.eventId === undefined && stamp === undefined) throw new BadRequestError('bad_event', 'TimeStamp missing');
  // Never 1970: a departure's day names the OD's card (and makes it once a day).
  const createTime =
    stamp !== undefined
      ? msToSeconds(stamp, 'TimeStamp', 'bad_event')
      : opts.bornAt !== undefined && /^\d{1,16}$/.test(opts.bornAt)
        ? msToSeconds(opts.bornAt, 'eventBornTime', 'bad_event')
        : Math.floor((opts.receivedAtMs ?? 0) / 1000);
  if (opts.eventId !== undefined) checkLength('eventId', opts.eventId, LIMITS.eventId);
  const prefix = opts.eventId !== undefined ? `dt-event:${opts.eventId}` : `dt-event:user_leave_org:${String(stamp)}`;

  const seen = new Set<string>();
  const out: MappedInbound[] = [];
  for (const userId of users) {
    if (typeof userId !== 'string' || userId.length === 0) throw new BadRequestError('bad_event', 'UserId holds a non-string');
    checkLength('UserId', userId, LIMITS.UserId);
    if (seen.has(userId)) continue;
    seen.add(userId);
    out.push({ event: { kind: 'directory', change: 'left_org', userId, createTime }, dedupeKey: `${prefix}:${userId}` });
  }
  return out;
}
