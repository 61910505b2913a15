// Issue 9.17: the web chat renders the markdown subset WeCom renders, and nothing else: a hostile message or
// name stays text (the page builds nodes from this tree with textContent only).
import { describe, expect, it } from 'vitest';
import { markdownBlocks, type Block, type InlineNode } from '../../src/platforms/local/markdown-view.js';

const only = (src: string): InlineNode[] => {
  const blocks = markdownBlocks(src);
  expect(blocks).toHaveLength(1);
  return blocks[0]!.children;
};
/** Every text a tree shows, in order — what a reader sees, markup removed. */
const shown = (nodes: InlineNode[]): string =>
  nodes.map((n) => (n.t === 'text' || n.t === 'code' ? n.text : n.t === 'link' ? `${n.text}(${n.href})` : shown(n.children))).join('');
const links = (blocks: Block[]): string[] => {
  const out: string[] = [];
  const walk = (ns: InlineNode[]) => ns.forEach((n) => (n.t === 'link' ? out.push(n.href) : 'children' in n ? walk(n.children) : undefined));
  blocks.forEach((b) => walk(b.children));
  return out;
};

describe('markdownBlocks (issue 9.17)', () => {
  it('renders bold, headings, quotes, colour tags, code and http(s) links', () => {
    expect(only('**政治生日快乐**')).toEqual([{ t: 'strong', children: [{ t: 'text', text: '政治生日快乐' }] }]);
    expect(markdownBlocks('# 标题\n> 系统维护期间延迟送达\n正文')).toEqual([
      { type: 'heading', level: 1, children: [{ t: 'text', text: '标题' }] },
      { type: 'quote', children: [{ t: 'text', text: '系统维护期间延迟送达' }] },
      { type: 'para', children: [{ t: 'text', text: '正文' }] },
    ]);
    expect(only('逾期 <font color="warning">**3**项</font>')).toEqual([
      { t: 'text', text: '逾期 ' },
      { t: 'color', color: 'warning', children: [{ t: 'strong', children: [{ t: 'text', text: '3' }] }, { t: 'text', text: '项' }] },
    ]);
    expect(only('见[官网](https://example.org/a?b=1)')).toEqual([{ t: 'text', text: '见' }, { t: 'link', href: 'https://example.org/a?b=1', text: '官网' }]);
    expect(only('`撤销`')).toEqual([{ t: 'code', text: '撤销' }]);
    expect(markdownBlocks('a\r\n\r\nb').map((b) => shown(b.children))).toEqual(['a', '', 'b']);
  });

  it('keeps everything else literal: other schemes, other tags, other colours, unclosed markup', () => {
    for (const src of [
      '[点此领取](javascript:alert(1))',
      '[x](JavaScript:alert(1))',
      '[x](data:text/html,<script>alert(1)</script>)',
      '[x](//evil.example/)',
      '[x](https://evil.example/"onmouseover="alert(1))',
      '<img src=x onerror=alert(1)>',
      '<script>alert(1)</script>',
      '<font color="red" onclick="alert(1)">红</font>',
      '<a href="javascript:alert(1)">x</a>',
      '**未闭合',
      '&lt;b&gt;',
    ]) {
      const blocks = markdownBlocks(src);
      expect(links(blocks), src).toEqual([]);
      expect(blocks.map((b) => shown(b.children)).join('\n'), src).toBe(src.replace(/^>\s?/, ''));
      expect(JSON.stringify(blocks), src).not.toMatch(/"t":"(color|strong)"/);
    }
  });

  it('names escaped by the bot (full-width markup) read as written and form no markup', () => {
    const blocks = markdownBlocks('- ＜img src=x onerror=alert（1）＞（教工第一党支部）11月26日');
    expect(blocks).toEqual([{ type: 'para', children: [{ t: 'text', text: '- ＜img src=x onerror=alert（1）＞（教工第一党支部）11月26日' }] }]);
  });

  it('a hostile nesting does not recurse without end', () => {
    const deep = '<font color="info">'.repeat(2_000) + 'x' + '</font>'.repeat(2_000);
    const blocks = markdownBlocks(deep);
    expect(shown(blocks[0]!.children)).toContain('x');
    const long = '**'.repeat(50_000);
    expect(() => markdownBlocks(long)).not.toThrow();
  });
});
