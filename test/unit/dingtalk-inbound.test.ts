// DingTalk wire events → InboundEvent (wecom-protocol.md §5.1, §5.3): the pure converters both the HTTP routes
// and the Stream session use.
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.ts';
import { encodeCardAction } from '../../src/platforms/dingtalk/card-action.ts';
import { eventToInbound, robotMessageToInbound } from '../../src/platforms/dingtalk/inbound.ts';
import { FieldTooLongError } from '../../src/platforms/shared/field-limits.ts';
import { DINGTALK, robotMessage } from '../helpers/dingtalk-signer.ts';

const SECRET = DINGTALK.appSecret;
const CREATE_AT = 1_764_500_000_999;

function refusal(fn: () => unknown): { code: string; httpStatus: number } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return { code: (err as BadRequestError).code, httpStatus: (err as BadRequestError).httpStatus };
  }
  throw new Error('expected a refusal');
}

describe('robot message → InboundEvent', () => {
  it('a single-chat text: trimmed, msgId kept as sent, createAt in seconds', () => {
    const r = robotMessageToInbound(robotMessage({ msgId: 'msgAbC+/==', staffId: 'manager4711', content: '  今天和张伟谈心了 \n', createAt: CREATE_AT }), SECRET);
    expect(r).toEqual({
      event: { kind: 'text', userId: 'manager4711', text: '今天和张伟谈心了', msgId: 'msgAbC+/==', createTime: 1_764_500_000 },
      dedupeKey: 'dt-msg:msgAbC+/==',
    });
  });

  it('a card button\'s message is the card_click a WeCom button gives', () => {
    const content = encodeCardAction(SECRET, { taskId: 'ob-42-2026', actionKey: 'done:42', text: '已完成' });
    const r = robotMessageToInbound(robotMessage({ msgId: 'm2', staffId: 'u1', content: ` ${content}`, createAt: CREATE_AT }), SECRET);
    expect(r).toEqual({
      event: { kind: 'card_click', userId: 'u1', eventKey: 'done:42', taskId: 'ob-42-2026', responseCode: '', selected: {}, createTime: 1_764_500_000 },
      dedupeKey: 'dt-msg:m2',
    });
  });

  it('a forged or altered tag is only text', () => {
    const genuine = encodeCardAction(SECRET, { taskId: 'ob-42-2026', actionKey: 'done:42', text: '已完成' });
    const forged = encodeCardAction('not the app secret', { taskId: 'ob-42-2026', actionKey: 'done:42', text: '已完成' });
    const altered = genuine.replace(/\.(.)/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    for (const content of [forged, altered]) {
      const r = robotMessageToInbound(robotMessage({ msgId: 'm3', staffId: 'u1', content }), SECRET);
      expect(r.event).toMatchObject({ kind: 'text', text: content });
    }
  });

  it('a group @-mention: group_mention with the conversation id, never a card_click', () => {
    const content = encodeCardAction(SECRET, { taskId: 't1', actionKey: 'done:1', text: '已完成' });
    const help = robotMessageToInbound(robotMessage({ msgId: 'g1', staffId: 'u2', content: ' 帮助', conversationType: '2', conversationId: 'cidGroup==', createAt: CREATE_AT }), SECRET);
    expect(help).toEqual({ event: { kind: 'group_mention', userId: 'u2', groupId: 'cidGroup==', text: '帮助', createTime: 1_764_500_000 }, dedupeKey: 'dt-msg:g1' });
    const button = robotMessageToInbound(robotMessage({ msgId: 'g2', staffId: 'u2', content, conversationType: '2', conversationId: 'cidGroup==' }), SECRET);
    expect(button.event).toMatchObject({ kind: 'group_mention', text: content });
  });

  it('other message types are kept as other', () => {
    const r = robotMessageToInbound(robotMessage({ msgId: 'p1', staffId: 'u3', msgtype: 'picture', createAt: CREATE_AT }), SECRET);
    expect(r).toEqual({ event: { kind: 'other', userId: 'u3', msgType: 'picture', createTime: 1_764_500_000 }, dedupeKey: 'dt-msg:p1' });
  });

  it('a sender without a staff id (outside the organisation) is refused', () => {
    expect(refusal(() => robotMessageToInbound(robotMessage({ msgId: 'x1', content: 'hi' }), SECRET))).toEqual({ code: 'no_staff_id', httpStatus: 400 });
    expect(refusal(() => robotMessageToInbound(robotMessage({ msgId: 'x1', staffId: '', content: 'hi' }), SECRET)).code).toBe('no_staff_id');
  });

  it('malformed bodies are bad_body', () => {
    const good = robotMessage({ msgId: 'b1', staffId: 'u', content: 'hi' });
    const cases: unknown[] = [
      null, [], 'text', 42,
      { ...good, msgId: undefined },
      { ...good, msgId: 123456789 },
      { ...good, msgtype: undefined },
      { ...good, conversationType: 1 },
      { ...good, conversationType: '3' },
      { ...good, createAt: undefined },
      { ...good, createAt: -1 },
      { ...good, createAt: '12abc' },
      { ...good, createAt: 1.5 },
      { ...good, senderStaffId: 12345 },
      { ...good, text: undefined },
      { ...good, text: { content: 5 } },
      { ...good, conversationType: '2', conversationId: undefined },
    ];
    for (const body of cases) expect(refusal(() => robotMessageToInbound(body, SECRET)).code, JSON.stringify(body)).toBe('bad_body');
    // A createAt sent as digits is read as the number it is.
    expect(robotMessageToInbound({ ...good, createAt: '1764500000999' }, SECRET).event.createTime).toBe(1_764_500_000);
  });

  it('fields beyond any DingTalk value are refused, naming the field', () => {
    const good = robotMessage({ msgId: 'b1', staffId: 'u', content: 'hi' });
    const cases: Array<[string, Record<string, unknown>]> = [
      ['msgId', { ...good, msgId: 'm'.repeat(65) }],
      ['senderStaffId', { ...good, senderStaffId: 'u'.repeat(65) }],
      ['msgtype', { ...good, msgtype: 't'.repeat(33) }],
      ['content', { ...good, text: { content: '谈'.repeat(7000) } }],
      ['conversationId', { ...good, conversationType: '2', conversationId: 'c'.repeat(129) }],
    ];
    for (const [name, body] of cases) {
      expect(() => robotMessageToInbound(body, SECRET)).toThrow(FieldTooLongError);
      expect(() => robotMessageToInbound(body, SECRET)).toThrow(expect.objectContaining({ field: name, code: 'field_too_long' }));
    }
  });
});

describe('event subscription → InboundEvent', () => {
  it('user_leave_org with two users: one directory event each, keyed by the push\'s TimeStamp', () => {
    const r = eventToInbound({ EventType: 'user_leave_org', TimeStamp: '1764500000999', UserId: ['u100', 'u200'], CorpId: 'dingcorp' });
    expect(r).toEqual([
      { event: { kind: 'directory', change: 'left_org', userId: 'u100', createTime: 1_764_500_000 }, dedupeKey: 'dt-event:user_leave_org:1764500000999:u100' },
      { event: { kind: 'directory', change: 'left_org', userId: 'u200', createTime: 1_764_500_000 }, dedupeKey: 'dt-event:user_leave_org:1764500000999:u200' },
    ]);
  });

  it('with a Stream eventId the key is the event\'s; the type may come from the frame\'s headers', () => {
    const r = eventToInbound({ TimeStamp: 1_764_500_000_999, UserId: ['u100', 'u100'] }, { eventId: 'ev-9f', eventType: 'user_leave_org' });
    expect(r).toEqual([{ event: { kind: 'directory', change: 'left_org', userId: 'u100', createTime: 1_764_500_000 }, dedupeKey: 'dt-event:ev-9f:u100' }]);
  });

  it('check_url and every other type store nothing', () => {
    expect(eventToInbound({ EventType: 'check_url' })).toEqual([]);
    expect(eventToInbound({ EventType: 'user_add_org', UserId: ['u1'], TimeStamp: '1' })).toEqual([]);
    expect(eventToInbound({ EventType: 'bpms_instance_change' })).toEqual([]);
  });

  it('malformed events are bad_event', () => {
    const cases: unknown[] = [
      null, [], 'check_url',
      {},
      { EventType: 7 },
      { EventType: 'user_leave_org', TimeStamp: '1' },
      { EventType: 'user_leave_org', TimeStamp: '1', UserId: 'u1' },
      { EventType: 'user_leave_org', TimeStamp: '1', UserId: [] },
      { EventType: 'user_leave_org', TimeStamp: '1', UserId: [5] },
      { EventType: 'user_leave_org', TimeStamp: '1', UserId: Array.from({ length: 1001 }, (_, i) => `u${i}`) },
      { EventType: 'user_leave_org', UserId: ['u1'] },
      { EventType: 'user_leave_org', TimeStamp: 'yesterday', UserId: ['u1'] },
    ];
    for (const plain of cases) expect(refusal(() => eventToInbound(plain)).code, JSON.stringify(plain)?.slice(0, 80)).toBe('bad_event');
    expect(() => eventToInbound({ EventType: 'user_leave_org', TimeStamp: '1', UserId: ['u'.repeat(65)] })).toThrow(FieldTooLongError);
  });
});
