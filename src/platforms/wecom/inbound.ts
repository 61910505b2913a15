// Turns a decrypted WeCom message (wecom-protocol.md §2.3) into our InboundEvent plus its dedupe key (§2.4).
import { createHash } from 'node:crypto';
import { BadRequestError } from '../../errors.ts';
import type { InboundEvent } from '../types.ts';

type Fields = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function selectedItems(v: unknown): Record<string, string[]> {
  // <SelectedItems><SelectedItem><QuestionKey/><OptionIds><OptionId/>…</OptionIds></SelectedItem>…</SelectedItems>
  const out: Record<string, string[]> = {};
  const container = v && typeof v === 'object' ? (v as Fields)['SelectedItem'] : undefined;
  const items = Array.isArray(container) ? container : container ? [container] : [];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const key = str((item as Fields)['QuestionKey']);
    const ids = (item as Fields)['OptionIds'];
    const raw = ids && typeof ids === 'object' ? (ids as Fields)['OptionId'] : undefined;
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(str).filter(Boolean);
    if (key) out[key] = list;
  }
  return out;
}

export interface MappedInbound {
  event: InboundEvent;
  dedupeKey: string;
}

export function toInboundEvent(fields: Fields, plaintext: string): MappedInbound {
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
