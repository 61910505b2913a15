// WeCom template cards (wecom-protocol.md §3.3) the bot sends: reminders with 已完成 / 延期 buttons, and
// questions whose buttons answer them. Button keys carry what they act on; task ids are unique per app.
import type { OutboundMessage } from '../platforms/types.ts';

export interface CardButton {
  text: string;
  key: string;
  style?: 1 | 2 | 3 | 4;
}

const TASK_ID = /^[0-9A-Za-z_\-@]{1,128}$/;

export function buttonCard(p: { taskId: string; title: string; desc?: string; fields?: Array<[string, string]>; note?: string; buttons: CardButton[] }): OutboundMessage {
  if (!TASK_ID.test(p.taskId)) throw new Error(`invalid task_id ${p.taskId}`);
  if (p.buttons.length < 1 || p.buttons.length > 6) throw new Error('a button card has 1 to 6 buttons');
  return {
    type: 'template_card',
    card: {
      card_type: 'button_interaction',
      source: { desc: '党员关怀助手' },
      main_title: { title: p.title.slice(0, 26), ...(p.desc ? { desc: p.desc.slice(0, 30) } : {}) },
      ...(p.note ? { sub_title_text: p.note.slice(0, 110) } : {}),
      ...(p.fields?.length ? { horizontal_content_list: p.fields.slice(0, 6).map(([keyname, value]) => ({ keyname: keyname.slice(0, 5), value: value.slice(0, 26) })) } : {}),
      task_id: p.taskId,
      button_list: p.buttons.map((b) => ({ text: b.text.slice(0, 10), style: b.style ?? 1, key: b.key })),
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
