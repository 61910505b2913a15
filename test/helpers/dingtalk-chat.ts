// Talking to the bot through signed DingTalk robot callbacks, as wecom-chat.ts does through WeCom's: send a text
// or tap a card button (its dtmd link sends the button's message back as the member's own), then wait until the
// stack has finished what it was asked and return every message the fake DingTalk API received since.
import { expect } from 'vitest';
import { waitFor, waitForQuiet, type Stack } from './stack.ts';
import { DINGTALK, robotHeaders, robotMessage } from './dingtalk-signer.ts';
import type { FakeDingtalkMessage } from './fake-dingtalk.ts';

export interface DingtalkChat {
  /** Posts one robot message body, signed at the stack's (test) clock; returns the HTTP status. */
  post: (body: Record<string, unknown>) => Promise<number>;
  say: (from: string, content: string, expectAtLeast?: number) => Promise<FakeDingtalkMessage[]>;
  /** Taps the button titled `title` on a card the fake received: its link's message is sent as `from`'s own. */
  tap: (from: string, card: FakeDingtalkMessage, title: string, expectAtLeast?: number) => Promise<FakeDingtalkMessage[]>;
  /** An @-mention in a group chat. */
  inGroup: (from: string, groupId: string, content: string) => Promise<FakeDingtalkMessage[]>;
  /** What arrived since the last call (after the stack settled). */
  settle: (expectAtLeast: number, what: string) => Promise<FakeDingtalkMessage[]>;
}

export function dingtalkChat(stack: () => Stack, clock: () => Date, firstMsgId = 1): DingtalkChat {
  let msgId = firstMsgId;
  let seen = 0;
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${stack().baseUrl}/dingtalk/robot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...robotHeaders(DINGTALK.appSecret, clock().getTime()) },
      body: JSON.stringify(body),
    });
    return res.status;
  };
  const settle = async (expectAtLeast: number, what: string): Promise<FakeDingtalkMessage[]> => {
    const s = stack();
    const start = seen;
    await waitFor(() => s.dingtalk!.sent.length >= start + expectAtLeast, 60_000, what);
    await waitForQuiet(s);
    seen = s.dingtalk!.sent.length;
    return s.dingtalk!.sent.slice(start);
  };
  const say = async (from: string, content: string, expectAtLeast = 1) => {
    expect(await post(robotMessage({ msgId: `msgDT${++msgId}`, staffId: from, content, createAt: clock().getTime() }))).toBe(200);
    return settle(expectAtLeast, `answer to ${content}`);
  };
  return {
    post,
    say,
    settle,
    tap: (from, card, title, expectAtLeast = 1) => {
      const button = card.buttons.find((b) => b.title === title);
      if (!button) throw new Error(`no button ${title} on the card (${card.buttons.map((b) => b.title).join(', ')})`);
      return say(from, button.content, expectAtLeast);
    },
    async inGroup(from, groupId, content) {
      expect(await post(robotMessage({ msgId: `msgDT${++msgId}`, staffId: from, content: ` ${content}`, conversationType: '2', conversationId: groupId, createAt: clock().getTime() }))).toBe(200);
      return settle(1, `answer in the group to ${content}`);
    },
  };
}
