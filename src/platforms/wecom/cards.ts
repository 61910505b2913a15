// The neutral card (platforms/types.ts) as WeCom's button_interaction template card (wecom-protocol.md §3.3).
// The same card always gives the same bytes, key order included: WeCom's duplicate check compares them when a
// delivery is sent again after a crash (client.ts).
import type { Card, CardButtonStyle } from '../types.ts';

/** The line above the title, naming who sends the card. */
export const CARD_SOURCE = '党员关怀助手';

/** WeCom's button styles: 1 is the filled (blue) button, 2 the plain one. */
const STYLE: Readonly<Record<CardButtonStyle, 1 | 2>> = { primary: 1, secondary: 2 };

/** A template_card body; WeCom's limits applied again here, since this is what WeCom checks (42027–42051). */
export function templateCard(card: Card): Record<string, unknown> {
  return {
    card_type: 'button_interaction',
    source: { desc: CARD_SOURCE },
    main_title: { title: card.title.slice(0, 26), ...(card.description ? { desc: card.description.slice(0, 30) } : {}) },
    ...(card.note ? { sub_title_text: card.note.slice(0, 110) } : {}),
    ...(card.fields?.length ? { horizontal_content_list: card.fields.slice(0, 6).map(([keyname, value]) => ({ keyname: keyname.slice(0, 5), value: value.slice(0, 26) })) } : {}),
    task_id: card.taskId,
    button_list: card.buttons.slice(0, 6).map((b) => ({ text: b.text.slice(0, 10), style: STYLE[b.style] ?? 1, key: b.actionKey })),
  };
}
