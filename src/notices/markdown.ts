// Names and user-typed text inside a markdown message (WeCom markdown, DingTalk markdown). A member named
// `[点此领取慰问金](http://evil.example/x)` must show as text, never as a live link, a heading or a colour tag.
// WeCom documents no escape character for its markdown subset (a backslash may show literally or be
// ignored, depending on the client), so the characters that make markup are replaced by their full-width
// forms: they read the same to a person and form no syntax in any client. Line breaks become spaces, so a
// value cannot start a heading (#) or a quote (>) on a line of its own.
const MARKUP: Record<string, string> = {
  '[': '［',
  ']': '］',
  '(': '（',
  ')': '）',
  '*': '＊',
  _: '＿',
  '`': '｀',
  '#': '＃',
  '>': '＞',
  '<': '＜',
  '~': '～',
  '|': '｜',
  '!': '！',
  '\\': '＼',
};
const MARKUP_CHARS = /[[\]()*_`#><~|!\\]/g;

/** One value (a name, a branch, a note) as markdown text that renders exactly as written, with no markup. */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(MARKUP_CHARS, (c) => MARKUP[c]!)
    // A bare URL is linked by some clients even without brackets.
    .replace(/:\/\//g, '：//');
}

/**
 * A text message as the platform will show it. WeCom renders `<a href="…">` tags inside plain text messages
 * (its own example of text.content has one), so a name or a note written as a tag would be a live link there
 * too. The bot writes no tags of its own: every angle bracket in a text message is shown as a character.
 */
export function escapeTextTags(content: string): string {
  return content.replace(/[<>]/g, (c) => (c === '<' ? '＜' : '＞'));
}
