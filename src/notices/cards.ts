// Cards the bot sends, in the neutral model (platforms/types.ts): reminders with 已完成 / 延期 buttons, and
// questions whose buttons answer them. Button keys carry what they act on; task ids are unique per app.
// Each platform adapter renders the card in its own wire format (platforms/<name>/cards.ts).
import type { CardButton as PlacedButton, OutboundMessage } from '../platforms/types.ts';

/** A button as a card's maker gives it: style defaults to primary. */
export type CardButton = Omit<PlacedButton, 'style'> & { style?: PlacedButton['style'] };

const TASK_ID = /^[0-9A-Za-z_\-@]{1,128}$/;

/**
 * A card with 1–6 buttons. Texts are clipped to the smallest limits any platform has (title 26, description
 * 30, note 110, field label 5 and value 26, button 10 characters; at most six fields), so every adapter
 * shows the card the same way.
 */
export function buttonCard(p: { taskId: string; title: string; desc?: string; fields?: Array<[string, string]>; note?: string; buttons: CardButton[] }): OutboundMessage {
  if (!TASK_ID.test(p.taskId)) throw new Error(`invalid card taskId ${p.taskId}`);
  if (p.buttons.length < 1 || p.buttons.length > 6) throw new Error('a button card has 1 to 6 buttons');
  return {
    type: 'card',
    card: {
      taskId: p.taskId,
      title: p.title.slice(0, 26),
      ...(p.desc ? { description: p.desc.slice(0, 30) } : {}),
      ...(p.fields?.length ? { fields: p.fields.slice(0, 6).map(([label, value]): [string, string] => [label.slice(0, 5), value.slice(0, 26)]) } : {}),
      ...(p.note ? { note: p.note.slice(0, 110) } : {}),
      buttons: p.buttons.map((b) => ({ text: b.text.slice(0, 10), actionKey: b.actionKey, style: b.style ?? 'primary' })),
    },
  };
}

/** Button keys: `<action>-<id>`; actions are lowercase words, ids digits. */
export const CARD_ACTION = {
  obligationDone: 'obdone',
  obligationDefer: 'obdefer',
  pickMember: 'pick',
  pickObligation: 'pickob',
  undoRecord: 'undo',
} as const;

export function cardKey(action: string, ...ids: string[]): string {
  return [action, ...ids].join('-');
}

export function parseCardKey(key: string): { action: string; ids: string[] } {
  const [action = '', ...ids] = key.split('-');
  return { action, ids };
}
