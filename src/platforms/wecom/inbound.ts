// Turns a decrypted WeCom message (wecom-protocol.md §2.3) into our InboundEvent plus its dedupe key (§2.4).
import { createHash } from 'node:crypto';
import { BadRequestError } from '../../errors.ts';
import type { InboundEvent } from '../types.ts';
import { checkLength } from '../shared/field-limits.ts';

export { FieldTooLongError } from '../shared/field-limits.ts';

type Fields = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The most a field we keep may hold, in UTF-8 bytes. WeCom's own limits where documented (userid 1–64 bytes;
 * task_id ≤ 128 bytes, §3.3; a view button's URL ≤ 1024 bytes, menu §3.5); MsgId is a 19-digit number or a
 * ~32-character base64 string (§2.4); a typed message is ≤ 2,048 bytes when WeCom sends it, and a member's
 * may be longer, so Content gets four times that. Beyond these a value is not a message but an attack: 400,
 * before it costs a row (a 3,000-byte key does not even fit PostgreSQL's index).
 */
export const FIELD_LIMITS: Readonly<Record<string, number>> = {
  FromUserName: 64,
  MsgId: 64,
  MsgType: 32,
  Event: 64,
  CreateTime: 20,
  EventKey: 1024,
  TaskId: 128,
  ResponseCode: 512,
  Content: 8192,
};
/** A QuestionKey or OptionId of a card's SelectedItems. */
const SELECTED_ITEM_LIMIT = 128;

function selectedItems(v: unknown): Record<string, string[]> {
  // <SelectedItems><SelectedItem><QuestionKey/><OptionIds><OptionId/>…</OptionIds></SelectedItem>…</SelectedItems>
  const out: Record<string, string[]> = {};
  const container = v && typeof v === 'object' ? (v as Fields)['SelectedItem'] : undefined;
  const items = Array.isArray(container) ? container : container ? [container] : [];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const key = str((item as Fields)['QuestionKey']);
    checkLength('QuestionKey', key, SELECTED_ITEM_LIMIT);
    const ids = (item as Fields)['OptionIds'];
    const raw = ids && typeof ids === 'object' ? (ids as Fields)['OptionId'] : undefined;
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(str).filter(Boolean);
    for (const id of list) checkLength('OptionId', id, SELECTED_ITEM_LIMIT);
    if (key) out[key] = list;
  }
  return out;
}

export interface MappedInbound {
  event: InboundEvent;
  dedupeKey: string;
}

export function toInboundEvent(fields: Fields, plaintext: string): MappedInbound {
  for (const [field, limit] of Object.entries(FIELD_LIMITS)) checkLength(field, str(fields[field]), limit);
  const userId = str(fields['FromUserName']);
  const msgType = str(fields['MsgType']).toLowerCase();
  if (!userId || !msgType) throw new BadRequestError('xml_missing_field', 'FromUserName or MsgType missing');
  const createTime = Number(str(fields['CreateTime'])) || 0;

  if (msgType !== 'event') {
    // Messages: dedupe on MsgId, kept as a string (it may be non-numeric or beyond 2^53).
    const msgId = str(fields['MsgId']);
    const dedupeKey = msgId ? `wecom-msg-${msgId}` : `wecom-evt-${sha256(plaintext)}`;
    if (msgType === 'text') {
      return { event: { kind: 'text', userId, text: str(fields['Content']), msgId, createTime }, dedupeKey };
    }
    return { event: { kind: 'other', userId, msgType, createTime }, dedupeKey };
  }

  const eventName = str(fields['Event']).toLowerCase();
  // Events: FromUserName+CreateTime collides for distinct events (§2.4); a retry re-sends the same plaintext.
  const plainKey = `wecom-evt-${sha256(plaintext)}`;
  switch (eventName) {
    case 'click':
      return { event: { kind: 'click', userId, eventKey: str(fields['EventKey']), createTime }, dedupeKey: plainKey };
    case 'enter_agent':
      return { event: { kind: 'enter_agent', userId, createTime }, dedupeKey: plainKey };
    case 'template_card_event': {
      const taskId = str(fields['TaskId']);
      const eventKey = str(fields['EventKey']);
      return {
        event: { kind: 'card_click', userId, eventKey, taskId, responseCode: str(fields['ResponseCode']), selected: selectedItems(fields['SelectedItems']), createTime },
        dedupeKey: `wecom-card-${sha256(`${userId}\n${taskId}\n${eventKey}\n${createTime}`)}`,
      };
    }
    default:
      return { event: { kind: 'other', userId, msgType, event: eventName, createTime }, dedupeKey: plainKey };
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
