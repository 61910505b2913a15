// The neutral card (platforms/types.ts) as DingTalk's action cards (wecom-protocol.md §5.4): the robot's
// sampleActionCard family and the work notification's action_card. DingTalk's action cards have no click
// callback, so each button is a dtmd:// link that sends the member's own tagged message back to the robot
// (card-action.ts); the conversation reads it as the click a WeCom button gives.
import type { Card } from '../types.ts';
import { cardActionLink } from './card-action.ts';

export interface DingtalkButton {
  title: string;
  url: string;
}

/** sampleActionCard2…5 are 2–5 vertical buttons; one button is sampleActionCard (singleTitle/singleURL). */
const ROBOT_MAX_BUTTONS = 5;

/**
 * The card's body as markdown. DingTalk shows an action card's `title` only in the conversation list and the
 * notification, not on the card itself, so the title opens the text too.
 */
export function cardMarkdown(card: Card): string {
  const blocks = [`#### ${card.title}`];
  if (card.description) blocks.push(card.description);
  if (card.fields?.length) blocks.push(card.fields.map(([label, value]) => `**${label}**：${value}`).join('  \n'));
  if (card.note) blocks.push(`> ${card.note}`);
  return blocks.join('\n\n');
}

/** Each button as its dtmd link, signed with the app secret so that only a real tap reads as a click. */
export function cardButtons(appSecret: string, card: Card): DingtalkButton[] {
  return card.buttons.map((b) => ({ title: b.text, url: cardActionLink(appSecret, { taskId: card.taskId, actionKey: b.actionKey, text: b.text }) }));
}

/**
 * The robot's action card: msgKey and msgParam (as an object; the client sends it as a JSON string). A sixth
 * button, beyond the family's five, becomes a link line in the text: a dtmd link works from markdown as well.
 */
export function robotActionCard(appSecret: string, card: Card, text = cardMarkdown(card)): { msgKey: string; msgParam: Record<string, string> } {
  const buttons = cardButtons(appSecret, card);
  const shown = buttons.slice(0, ROBOT_MAX_BUTTONS);
  const extra = buttons.slice(ROBOT_MAX_BUTTONS).map((b) => `[${b.title}](${b.url})`);
  const body = extra.length > 0 ? `${text}\n\n${extra.join('  \n')}` : text;
  if (shown.length === 1) {
    const [only] = shown as [DingtalkButton];
    return { msgKey: 'sampleActionCard', msgParam: { title: card.title, text: body, singleTitle: only.title, singleURL: only.url } };
  }
  const msgParam: Record<string, string> = { title: card.title, text: body };
  shown.forEach((b, i) => {
    msgParam[`actionTitle${i + 1}`] = b.title;
    msgParam[`actionURL${i + 1}`] = b.url;
  });
  return { msgKey: `sampleActionCard${shown.length}`, msgParam };
}

/** btn_json_list may be at most 1,000 characters long (as SDKs document asyncsend_v2's action_card). */
const WORK_NOTIFICATION_BUTTONS_MAX_CHARS = 1_000;

/**
 * The work notification's action_card: buttons side by side (btn_orientation "1") in btn_json_list, as many as
 * its length allows; any left over (six buttons with long task ids) become link lines in the markdown.
 */
export function workNotificationActionCard(appSecret: string, card: Card, markdown = cardMarkdown(card)): Record<string, unknown> {
  const buttons = cardButtons(appSecret, card).map((b) => ({ title: b.title, action_url: b.url }));
  const listed: typeof buttons = [];
  for (const b of buttons) {
    if (listed.length > 0 && JSON.stringify([...listed, b]).length > WORK_NOTIFICATION_BUTTONS_MAX_CHARS) break;
    listed.push(b);
  }
  const links = buttons.slice(listed.length).map((b) => `[${b.title}](${b.action_url})`);
  return {
    msgtype: 'action_card',
    action_card: {
      title: card.title,
      markdown: links.length > 0 ? `${markdown}\n\n${links.join('  \n')}` : markdown,
      btn_orientation: '1',
      btn_json_list: listed,
    },
  };
}
