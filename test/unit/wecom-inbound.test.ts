import { describe, expect, it } from 'vitest';
import { FieldTooLongError, toInboundEvent } from '../../src/platforms/wecom/inbound.ts';
import { parseMessage } from '../../src/platforms/wecom/xml.ts';
import { eventXml, textMessageXml } from '../helpers/wecom-signer.ts';

const map = (xml: string) => toInboundEvent(parseMessage(xml), xml);

describe('WeCom message → InboundEvent', () => {
  it('text: MsgId is the dedupe key, kept exact', () => {
    const r = map(textMessageXml({ from: 'zhangsan', content: '你好', msgId: '4561255354251345929', createTime: 1409659813, corpId: 'ww', agentId: '1' }));
    expect(r).toEqual({ event: { kind: 'text', userId: 'zhangsan', text: '你好', msgId: '4561255354251345929', createTime: 1409659813 }, dedupeKey: 'wecom-msg-4561255354251345929' });
  });

  it('click and enter_agent; Event compared case-insensitively', () => {
    expect(map(eventXml({ from: 'u', event: 'CLICK', eventKey: 'todo', createTime: 1 })).event).toEqual({ kind: 'click', userId: 'u', eventKey: 'todo', createTime: 1 });
    expect(map(eventXml({ from: 'u', event: 'enter_agent', eventKey: '', createTime: 1 })).event.kind).toBe('enter_agent');
  });

  it('distinct events in the same second from the same user get distinct keys; a retry gets the same key', () => {
    const a = eventXml({ from: 'u', event: 'click', eventKey: 'todo', createTime: 5 });
    const b = eventXml({ from: 'u', event: 'click', eventKey: 'help', createTime: 5 });
    expect(map(a).dedupeKey).not.toBe(map(b).dedupeKey);
    expect(map(a).dedupeKey).toBe(map(a).dedupeKey);
  });

  it('template_card_event with selected items', () => {
    const xml = eventXml({
      from: 'u', event: 'template_card_event', eventKey: 'done', createTime: 7, TaskId: 'task1', CardType: 'button_interaction', ResponseCode: 'rc',
      SelectedItems: { SelectedItem: [{ QuestionKey: 'q1', OptionIds: { OptionId: ['a', 'b'] } }, { QuestionKey: 'q2', OptionIds: { OptionId: 'c' } }] },
    });
    const r = map(xml);
    expect(r.event).toEqual({ kind: 'card_click', userId: 'u', eventKey: 'done', taskId: 'task1', responseCode: 'rc', selected: { q1: ['a', 'b'], q2: ['c'] }, createTime: 7 });
    expect(r.dedupeKey).toMatch(/^wecom-card-[0-9a-f]{64}$/);
  });

  it('unknown message types are kept as other; missing MsgType or sender is refused', () => {
    expect(map('<xml><FromUserName>u</FromUserName><MsgType>hologram</MsgType><MsgId>1</MsgId></xml>').event).toEqual({ kind: 'other', userId: 'u', msgType: 'hologram', createTime: 0 });
    expect(() => map('<xml><FromUserName>u</FromUserName></xml>')).toThrow('MsgType');
    expect(() => map('<xml><MsgType>text</MsgType></xml>')).toThrow();
  });

  it('refuses a field longer than WeCom ever sends, naming it (issue 8 point 5)', () => {
    const text = (o: { from?: string; msgId?: string; content?: string }) =>
      textMessageXml({ from: o.from ?? 'u', content: o.content ?? 'x', msgId: o.msgId ?? '1', createTime: 1, corpId: 'ww', agentId: '1' });
    const fieldOf = (xml: string) => {
      try {
        map(xml);
        return undefined;
      } catch (err) {
        expect(err).toBeInstanceOf(FieldTooLongError);
        return (err as FieldTooLongError).field;
      }
    };
    expect(fieldOf(text({ msgId: '9'.repeat(3000) }))).toBe('MsgId');
    expect(fieldOf(text({ from: 'u'.repeat(65) }))).toBe('FromUserName');
    expect(fieldOf(text({ from: 'u'.repeat(64), msgId: 'CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw==' }))).toBeUndefined();
    // Content is counted in UTF-8 bytes: 2,730 CJK characters (8,190 bytes) pass, 2,731 do not.
    expect(fieldOf(text({ content: '党'.repeat(2730) }))).toBeUndefined();
    expect(fieldOf(text({ content: '党'.repeat(2731) }))).toBe('Content');
    expect(fieldOf(eventXml({ from: 'u', event: 'click', eventKey: 'k'.repeat(1025), createTime: 1 }))).toBe('EventKey');
    expect(fieldOf(eventXml({ from: 'u', event: 'template_card_event', eventKey: 'done', createTime: 1, TaskId: 't'.repeat(129) }))).toBe('TaskId');
    expect(
      fieldOf(eventXml({ from: 'u', event: 'template_card_event', eventKey: 'done', createTime: 1, TaskId: 't', SelectedItems: { SelectedItem: [{ QuestionKey: 'q', OptionIds: { OptionId: 'o'.repeat(129) } }] } })),
    ).toBe('OptionId');
  });
});
