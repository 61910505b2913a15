// Types of markdown-view.js (plain JavaScript, served to the browser as-is).
export type InlineNode =
  | { t: 'text'; text: string }
  | { t: 'strong'; children: InlineNode[] }
  | { t: 'link'; href: string; text: string }
  | { t: 'color'; color: 'info' | 'comment' | 'warning'; children: InlineNode[] }
  | { t: 'code'; text: string };

export type Block =
  | { type: 'heading'; level: number; children: InlineNode[] }
  | { type: 'quote'; children: InlineNode[] }
  | { type: 'para'; children: InlineNode[] };

export function markdownBlocks(source: string): Block[];
