// Talking to the bot through signed WeCom callbacks, as the conversation e2e tests do: send a text or click a
// card button as a member, then wait until the stack has finished what it was asked (no fixed sleep) and
// return every message the fake WeCom received since.
import { expect } from 'vitest';
import { waitFor, waitForQuiet, WECOM, type Stack } from './stack.ts';
import { eventXml, makeCallback, textMessageXml, toQueryString } from './wecom-signer.ts';
import type { SentMessage } from './fake-wecom.ts';
import { TEST_PLATFORM } from './dingtalk-as-wecom.ts';
import { DINGTALK, robotHeaders, robotMessage } from './dingtalk-signer.ts';
import { APP_MENU } from '../../src/conversation/menu-keys.ts';

export interface WecomChat {
  /** Posts one plaintext callback, signed at the stack's (test) clock. */
  post: (xml: string) => Promise<void>;
  say: (from: string, content: string, expectAtLeast?: number) => Promise<SentMessage[]>;
  click: (from: string, card: { task_id: string; button_list: Array<{ key: string; text: string }> }, text: string, expectAtLeast?: number) => Promise<SentMessage[]>;
}

export function wecomChat(stack: () => Stack, clock: () => Date, firstMsgId: bigint): WecomChat {
  if (TEST_PLATFORM === 'dingtalk') return dingtalkChatAsWecom(stack, clock, firstMsgId);
  let msgId = firstMsgId;
  let seen = 0;
  const ts = () => String(Math.floor(clock().getTime() / 1000));
  const post = async (xml: string) => {
    const cb = makeCallback({ ...WECOM, plaintextXml: xml, timestamp: ts() });
    const res = await fetch(`${stack().baseUrl}/wecom/callback?${toQueryString(cb.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });
    expect(res.status).toBe(200);
  };
  const settle = async (start: number, expectAtLeast: number, what: string): Promise<SentMessage[]> => {
    const s = stack();
    await waitFor(() => s.fake!.sent.length >= start + expectAtLeast, 60_000, what);
    await waitForQuiet(s);
    seen = s.fake!.sent.length;
    return s.fake!.sent.slice(start);
  };
  return {
    post,
    async say(from, content, expectAtLeast = 1) {
      const start = seen;
      await post(textMessageXml({ from, content, msgId: String(++msgId), createTime: Number(ts()), corpId: WECOM.corpId, agentId: WECOM.agentId }));
      return settle(start, expectAtLeast, `answer to ${content}`);
    },
    async click(from, card, text, expectAtLeast = 1) {
      const start = seen;
      const key = card.button_list.find((b) => b.text === text)!.key;
      await post(eventXml({ from, event: 'template_card_event', eventKey: key, createTime: Number(ts()), corpId: WECOM.corpId, TaskId: card.task_id, CardType: 'button_interaction', ResponseCode: 'none' }));
      return settle(start, expectAtLeast, `answer to click ${text}`);
    },
  };
}

export const textOf = (m: SentMessage): string =>
  m.msgtype === 'text' ? m.body.text.content : m.msgtype === 'markdown' ? m.body.markdown.content : JSON.stringify(m.body.template_card);

/** A WeCom element's text in a plaintext callback (CDATA or bare). */
function xmlField(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The menu item a WeCom menu key stands for: on DingTalk (no app menu) the member types its words. */
function menuWords(key: string): string | undefined {
  for (const item of APP_MENU) {
    if (item.key === key) return item.name;
    const sub = item.sub?.find((x) => x.key === key);
    if (sub) return sub.name;
  }
  return undefined;
}

/**
 * wecomChat's DingTalk twin (TEST_PLATFORM=dingtalk): the same calls, made as DingTalk robot messages; a card
 * click taps the button (its link sends the button's message); a WeCom callback given to post() is sent as what
 * the member would do on DingTalk (a text, a tap, a menu item's words).
 */
function dingtalkChatAsWecom(stack: () => Stack, clock: () => Date, firstMsgId: bigint): WecomChat {
  let msgId = firstMsgId;
  let seen = 0;
  const send = async (from: string, content: string) => {
    const body = robotMessage({ msgId: `msg${++msgId}`, staffId: from, content, createAt: clock().getTime() });
    const res = await fetch(`${stack().baseUrl}/dingtalk/robot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...robotHeaders(DINGTALK.appSecret, clock().getTime()) },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
  };
  /**
   * What tapping the button sends: the link's message of the card as `from` received it (or a card of theirs
   * with this action: a test may rebuild a card by hand), else of the card as someone else received it (a
   * forwarded card); for a card nobody received, what a member would have to type to forge it — the action with
   * a tag they cannot compute, which the bot reads as plain text.
   */
  const buttonContent = (from: string, taskId: string, key: string, text: string): string => {
    const cards = stack().fake!.sent.filter((m) => m.msgtype === 'template_card');
    const mine = cards.filter((m) => m.touser.split('|').includes(from));
    const content = (m: SentMessage) => m.body.template_card.button_list.find((b: { key: string; content: string }) => b.key === key)?.content as string | undefined;
    const ofTask = (list: SentMessage[]) => list.filter((m) => m.body.template_card.task_id === taskId).map(content).find(Boolean);
    const received = ofTask(mine) ?? mine.map(content).find(Boolean) ?? ofTask(cards);
    return received ?? `${text} #${Buffer.from(`${taskId}\u001f${key}`, 'utf8').toString('base64url')}.AAAAAAAAAAAA`;
  };
  const post = async (xml: string) => {
    const from = xmlField(xml, 'FromUserName') ?? '';
    const type = xmlField(xml, 'MsgType');
    if (type === 'text') return send(from, xmlField(xml, 'Content') ?? '');
    const event = xmlField(xml, 'Event');
    if (event === 'template_card_event') return send(from, buttonContent(from, xmlField(xml, 'TaskId') ?? '', xmlField(xml, 'EventKey') ?? '', '按钮'));
    const words = event === 'click' ? menuWords(xmlField(xml, 'EventKey') ?? '') : undefined;
    if (words) return send(from, words);
    throw new Error(`no DingTalk counterpart for this WeCom callback (${type}/${event})`);
  };
  const settle = async (start: number, expectAtLeast: number, what: string): Promise<SentMessage[]> => {
    const s = stack();
    await waitFor(() => s.dingtalk!.sent.length >= start + expectAtLeast, 60_000, what);
    await waitForQuiet(s);
    seen = s.dingtalk!.sent.length;
    return s.fake!.sent.slice(start);
  };
  return {
    post,
    async say(from, content, expectAtLeast = 1) {
      const start = seen;
      await send(from, content);
      return settle(start, expectAtLeast, `answer to ${content}`);
    },
    async click(from, card, text, expectAtLeast = 1) {
      const start = seen;
      const button = card.button_list.find((b) => b.text === text) as { key: string; content?: string } | undefined;
      if (!button) throw new Error(`no button ${text} on the card`);
      await send(from, button.content ?? buttonContent(from, card.task_id, button.key, text));
      return settle(start, expectAtLeast, `answer to click ${text}`);
    },
  };
}
