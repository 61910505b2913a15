// Talking to the bot through signed WeCom callbacks, as the conversation e2e tests do: send a text or click a
// card button as a member, then wait until the stack has finished what it was asked (no fixed sleep) and
// return every message the fake WeCom received since.
import { expect } from 'vitest';
import { waitFor, waitForQuiet, WECOM, type Stack } from './stack.ts';
import { eventXml, makeCallback, textMessageXml, toQueryString } from './wecom-signer.ts';
import type { SentMessage } from './fake-wecom.ts';

export interface WecomChat {
  /** Posts one plaintext callback, signed at the stack's (test) clock. */
  post: (xml: string) => Promise<void>;
  say: (from: string, content: string, expectAtLeast?: number) => Promise<SentMessage[]>;
  click: (from: string, card: { task_id: string; button_list: Array<{ key: string; text: string }> }, text: string, expectAtLeast?: number) => Promise<SentMessage[]>;
}

export function wecomChat(stack: () => Stack, clock: () => Date, firstMsgId: bigint): WecomChat {
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
