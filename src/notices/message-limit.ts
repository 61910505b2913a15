// WeCom cuts text and markdown content beyond 2,048 bytes of UTF-8 (wecom-protocol.md §3.2); DingTalk's work
// notifications have the same limit (§5.4). Whatever names a list of people — a report about 80 members, a
// long 待办 — goes through here, so no message the bot builds is ever truncated by the platform.
import type { OutboundMessage } from '../platforms/types.ts';

export const MESSAGE_MAX_BYTES = 2_048;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const CONTINUED = '（续）';

/** The longest prefix of `s` within `max` bytes, cut between code points (never inside a character). */
export function cutToBytes(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const b = bytes(ch);
    if (used + b > max) break;
    out += ch;
    used += b;
  }
  return out;
}

/**
 * Names joined by 、 as far as they fit in `maxBytes`, then "等N人" with the total: 张伟、王芳……等80人.
 */
export function summariseNames(names: readonly string[], maxBytes: number, sep = '、'): string {
  const all = names.join(sep);
  if (bytes(all) <= maxBytes) return all;
  const tail = `等${names.length}人`;
  const shown: string[] = [];
  let used = bytes(tail);
  for (const n of names) {
    const b = bytes(n) + (shown.length > 0 ? bytes(sep) : 0);
    if (used + b > maxBytes) break;
    shown.push(n);
    used += b;
  }
  return `${shown.join(sep)}${tail}`;
}

/**
 * Lines packed into as few messages as needed, each within `maxBytes`: the header opens the first, the footer
 * closes the last, and a message that continues the list says so (（续）). A single line too long for any
 * message is cut. Nothing is dropped: every line is in exactly one message.
 */
export function splitLines(lines: readonly string[], opts: { header?: string; footer?: string; maxBytes?: number } = {}): string[] {
  const max = opts.maxBytes ?? MESSAGE_MAX_BYTES;
  const header = opts.header ? cutToBytes(opts.header, max) : undefined;
  const footer = opts.footer ? cutToBytes(opts.footer, max) : undefined;
  const out: string[] = [];
  let current: string[] = header ? [header] : [];
  let used = header ? bytes(header) : 0;
  for (const line of footer ? [...lines, footer] : lines) {
    let sep = current.length > 0 ? 1 : 0;
    if (current.length > 0 && used + sep + bytes(line) > max) {
      out.push(current.join('\n'));
      current = [CONTINUED];
      used = bytes(CONTINUED);
      sep = 1;
    }
    const fitted = used + sep + bytes(line) > max ? cutToBytes(line, max - used - sep) : line;
    current.push(fitted);
    used += sep + bytes(fitted);
  }
  if (current.length > 0) out.push(current.join('\n'));
  return out;
}

/** Lines as one or more messages of one type, each within the limit. */
export function linesAsMessages(type: 'text' | 'markdown', lines: readonly string[], opts: { header?: string; footer?: string; maxBytes?: number } = {}): OutboundMessage[] {
  return splitLines(lines, opts).map((content) => ({ type, content }));
}

/**
 * The last guard before a reply is recorded: a text or markdown message over the limit is split at line
 * breaks into several (cut only where one line alone is too long). Cards and other types pass unchanged.
 */
export function withinLimit(message: OutboundMessage, maxBytes = MESSAGE_MAX_BYTES): OutboundMessage[] {
  if ((message.type !== 'text' && message.type !== 'markdown') || bytes(message.content) <= maxBytes) return [message];
  return linesAsMessages(message.type, message.content.split('\n'), { maxBytes });
}

/** Lists as many lines as fit in one message, then says how many more there are (`more(n)`). */
export function fitList(header: string, lines: readonly string[], footer: string, more: (n: number) => string, maxBytes = MESSAGE_MAX_BYTES): string {
  const out = [header];
  // The "more" line and its newline are reserved up front, so adding it never breaks the limit.
  let used = bytes(header) + (footer ? bytes(footer) + 1 : 0) + bytes(more(lines.length)) + 1;
  let shown = 0;
  for (const line of lines) {
    const b = bytes(line) + 1;
    if (used + b > maxBytes) break;
    out.push(line);
    used += b;
    shown += 1;
  }
  if (shown < lines.length) out.push(more(lines.length - shown));
  if (footer) out.push(footer);
  return cutToBytes(out.join('\n'), maxBytes);
}
