// The markdown subset WeCom renders, parsed into a plain tree for the local web chat, which builds DOM
// nodes from it with textContent only (never innerHTML): whatever the text holds, nothing in it becomes a
// tag, an attribute or a script. Served as-is to the browser and imported by the unit tests, so it is plain
// JavaScript with no dependencies; the types are in markdown-view.d.ts.
//
// Recognised: # headings (1–6), **bold**, [text](http(s) URL) links, `code`, > quotes, line breaks, and
// <font color="info|comment|warning">…</font>. Anything else — other tags, other link schemes
// (javascript:, data:), HTML entities — stays literal text.

const INLINE =
  /\*\*([^\n]+?)\*\*|\[([^\]\n]*)\]\(([^)\s]*)\)|<font color=(?:"|')(info|comment|warning)(?:"|')>([\s\S]*?)<\/font>|`([^`\n]+)`/g;
const SAFE_URL = /^https?:\/\/[^\s<>"'`]+$/i;
/** Nesting deeper than this is shown as text: a hostile message cannot make the parser recurse without end. */
const MAX_DEPTH = 4;

/** @param {string} s @param {number} depth */
function inline(s, depth) {
  /** @type {import('./markdown-view.d.ts').InlineNode[]} */
  const out = [];
  const text = (t) => {
    if (t === '') return;
    const last = out[out.length - 1];
    if (last && last.t === 'text') last.text += t;
    else out.push({ t: 'text', text: t });
  };
  if (depth > MAX_DEPTH) {
    text(s);
    return out;
  }
  let at = 0;
  for (const m of s.matchAll(new RegExp(INLINE.source, 'g'))) {
    const start = m.index ?? 0;
    text(s.slice(at, start));
    at = start + m[0].length;
    if (m[1] !== undefined) out.push({ t: 'strong', children: inline(m[1], depth + 1) });
    else if (m[3] !== undefined) {
      if (SAFE_URL.test(m[3])) out.push({ t: 'link', href: m[3], text: m[2] ?? '' });
      else text(m[0]);
    } else if (m[4] !== undefined) out.push({ t: 'color', color: /** @type {'info'|'comment'|'warning'} */ (m[4]), children: inline(m[5] ?? '', depth + 1) });
    else if (m[6] !== undefined) out.push({ t: 'code', text: m[6] });
  }
  text(s.slice(at));
  return out;
}

/**
 * Markdown as blocks, one per line: headings, quotes and paragraphs (an empty line is an empty paragraph).
 * @param {string} source
 * @returns {import('./markdown-view.d.ts').Block[]}
 */
export function markdownBlocks(source) {
  return String(source)
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const h = /^(#{1,6})\s+(.*)$/.exec(line);
      if (h) return { type: 'heading', level: h[1].length, children: inline(h[2], 0) };
      const q = /^>\s?(.*)$/.exec(line);
      if (q) return { type: 'quote', children: inline(q[1], 0) };
      return { type: 'para', children: inline(line, 0) };
    });
}
