// The neutral card rendered for WeCom gives exactly the template_card the bot sent before the platform port
// (issue 10), byte for byte: WeCom's duplicate check compares bytes when a delivery is re-sent after a crash.
import { describe, expect, it } from 'vitest';
import { buttonCard, type CardButton } from '../../src/notices/cards.ts';
import { templateCard } from '../../src/platforms/wecom/cards.ts';
import type { OutboundMessage } from '../../src/platforms/types.ts';

/** buttonCard as it was before issue 10, when it built WeCom's JSON itself (kept here as the reference). */
function wecomButtonCardBefore(p: { taskId: string; title: string; desc?: string; fields?: Array<[string, string]>; note?: string; buttons: Array<{ text: string; key: string; style?: 1 | 2 }> }) {
  return {
    card_type: 'button_interaction',
    source: { desc: '党员关怀助手' },
    main_title: { title: p.title.slice(0, 26), ...(p.desc ? { desc: p.desc.slice(0, 30) } : {}) },
    ...(p.note ? { sub_title_text: p.note.slice(0, 110) } : {}),
    ...(p.fields?.length ? { horizontal_content_list: p.fields.slice(0, 6).map(([keyname, value]) => ({ keyname: keyname.slice(0, 5), value: value.slice(0, 26) })) } : {}),
    task_id: p.taskId,
    button_list: p.buttons.map((b) => ({ text: b.text.slice(0, 10), style: b.style ?? 1, key: b.key })),
  };
}

const STYLE = { 1: 'primary', 2: 'secondary' } as const;
const card = (m: OutboundMessage) => (m.type === 'card' ? m.card : expect.unreachable(`not a card: ${m.type}`));

describe('WeCom card rendering', () => {
  type Case = Parameters<typeof wecomButtonCardBefore>[0];
  const cases: Case[] = [
    {
      taskId: 'ob-12-due-345',
      title: '走访两天后到期：吴生日',
      desc: '患病住院 · 截止12月2日',
      fields: [['对象', '吴生日（教工第一党支部）'], ['事由', '患病住院'], ['截止', '12月2日']] as Array<[string, string]>,
      note: '完成后点“已完成”，或直接回复“已走访，情况……”登记。',
      buttons: [{ text: '已完成', key: 'obdone-12', style: 1 as const }, { text: '延期', key: 'obdefer-12', style: 2 as const }],
    },
    { taskId: 'ask-7-0', title: '您说的“张伟”是哪一位？', note: '有 2 位同名同志，请按所在支部点选。', buttons: [{ text: '本科生第一党支部', key: 'pick-7-1' }, { text: '研究生党支部', key: 'pick-7-2' }] },
    // Everything too long, seven fields: clipped the same way as before.
    {
      taskId: 'long_1',
      title: '标'.repeat(40),
      desc: '述'.repeat(40),
      fields: Array.from({ length: 7 }, (_, i): [string, string] => [`字段名称很长${i}`, '值'.repeat(30)]),
      note: '注'.repeat(200),
      buttons: [{ text: '按钮文字超过十个字的情形', key: 'undo-1', style: 2 as const }],
    },
  ];

  it.each(cases)('renders $taskId as the same template_card bytes as before', (c: Case) => {
    const neutral = buttonCard({ ...c, buttons: c.buttons.map((b): CardButton => ({ text: b.text, actionKey: b.key, ...(b.style ? { style: STYLE[b.style] } : {}) })) });
    expect(JSON.stringify(templateCard(card(neutral)))).toBe(JSON.stringify(wecomButtonCardBefore(c)));
  });

  it('the neutral card holds no WeCom field names', () => {
    const neutral = buttonCard({ taskId: 't1', title: '标题', desc: '说明', fields: [['对象', '某人']], note: '提示', buttons: [{ text: '好', actionKey: 'a-1' }] });
    expect(neutral).toEqual({
      type: 'card',
      card: { taskId: 't1', title: '标题', description: '说明', fields: [['对象', '某人']], note: '提示', buttons: [{ text: '好', actionKey: 'a-1', style: 'primary' }] },
    });
    expect(JSON.stringify(neutral)).not.toMatch(/main_title|button_list|task_id|card_type|horizontal_content_list|sub_title_text/);
  });
});
