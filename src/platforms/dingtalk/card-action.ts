// A card button on DingTalk without interactive-card callbacks: the button is a
// dtmd://dingtalkclient/sendMessage?content=… link, so a tap sends the member's own message back to the robot.
// The message carries the card's task id and the button's action key, tagged with an HMAC under the app
// secret, so that the inbound side turns it back into exactly the card_click a WeCom button gives — and a
// typed or altered copy is only text. The tag binds the action to the card, not to the person: the conversation
// checks who may do it, as it does for a WeCom click.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SEPARATOR = '\u001f';
const TAG_LENGTH = 12;
/** "已完成 #<payload>.<tag>" at the end of the message. */
const CARD_ACTION = /^([\s\S]*?)\s*#([A-Za-z0-9_-]{4,600})\.([A-Za-z0-9_-]{12})\s*$/;

export interface CardAction {
  taskId: string;
  actionKey: string;
  /** The button's words, as the member saw them. */
  text: string;
}

function tag(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`card-action|${payload}`).digest('base64url').slice(0, TAG_LENGTH);
}

/** The message a button sends when tapped: its words, then the tagged action. */
export function encodeCardAction(secret: string, a: CardAction): string {
  const payload = Buffer.from(`${a.taskId}${SEPARATOR}${a.actionKey}`, 'utf8').toString('base64url');
  return `${a.text} #${payload}.${tag(secret, payload)}`;
}

/** The link behind a button (DingTalk's client sends `content` as the member's message). */
export function cardActionLink(secret: string, a: CardAction): string {
  return `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(encodeCardAction(secret, a))}`;
}

/** A button's message turned back into its action; undefined for anything else (typed text, a bad tag). */
export function decodeCardAction(secret: string, message: string): CardAction | undefined {
  const m = CARD_ACTION.exec(message.trim());
  if (!m) return undefined;
  const [, text, payload, given] = m as unknown as [string, string, string, string];
  const expected = Buffer.from(tag(secret, payload));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  const plain = Buffer.from(payload, 'base64url').toString('utf8');
  const at = plain.indexOf(SEPARATOR);
  if (at <= 0 || at === plain.length - 1) return undefined;
  return { taskId: plain.slice(0, at), actionKey: plain.slice(at + 1), text: text.trim() };
}
