// The note of a record (issue 9 point 14): the writer's own words minus what was understood — the date, the
// names, the verb and, where it is all its clause says, the reason — never a fragment of a word or a sentence.
//
// The message is cut into clauses at clause punctuation, and each clause into segments at spaces. For each
// segment two questions are asked:
// 1. Does it say anything beyond what was understood? Its text without dates, names, verbs AND the chosen
//    reason's words, with every connective, pronoun and filler word taken off (和, 了, 他, 情况 …), must leave
//    something. 他岗位变动 leaves nothing (the reason says it all); 他说工作压力很大 leaves 说工作.
// 2. If so, what does it say? Its text without dates, names and verbs only (the reason's words stay: they are
//    part of the sentence), where only the connectives and punctuation left dangling at the edge of a cut go
//    (很高兴地和[吴刚]谈了心 → 很高兴; [张伟民]的爱人 → 爱人). Everything else is kept verbatim: 他说工作压力很大,
//    =SUM(1+1), 台风把屋顶掀了. Escaping for display is the renderer's business, not the note's.
// Segments of a clause are joined by a space, clauses by '，' (a clause ending in a colon by '：' to its value).
//
// Everything here is a left-to-right scan with word lists (no regular expression over the message), so the
// note stays linear in the length of the message.

/** Clause boundaries: commas, full stops, semicolons, colons, ! ? … |, and . - / — ~ when not inside a number. */
export function isBreak(t: string, i: number): boolean {
  const c = t[i]!;
  if (c === ',' || c === '。' || c === ';' || c === ':' || c === '!' || c === '?' || c === '…' || c === '|') return true;
  // 11.18, 3-5人, 1/2: inside a number these are no separators (dates are cut out before anyway)
  if (c === '.' || c === '-' || c === '/' || c === '—' || c === '~') return !(/\d/.test(t[i - 1] ?? '') && /\d/.test(t[i + 1] ?? ''));
  return false;
}

const PUNCT = new Set([...' 、,:;.。!?"\'“”‘’()[]【】<>《》~～·…-—_|/\\*#@&+=']);

/** A word, and the characters that must not follow it for it to count (和 but not 和谐, 了 but not 了解). */
interface Word {
  word: string;
  notBefore: string;
}

/** 'word!xyz' = word, unless followed by x, y or z. Longest first, so 我们 is tried before 我. */
function wordList(spec: string): Word[] {
  return spec
    .trim()
    .split(/\s+/u)
    .map((w) => {
      const [word, notBefore = ''] = w.split('!');
      return { word: word!, notBefore };
    })
    .sort((a, b) => b.word.length - a.word.length);
}

/** What opens a fragment without saying anything: connectives, pronouns, particles. */
const LEAD = wordList(
  '和!谐睦好 与!会 跟 同!事学志意时样 对!象待于方话 给!予 向!往导 为!了何什 把!握 替 陪!伴 帮!助扶忙 并且 并!非不 及!时早 以及 又 还 也 就 都 ' +
    '因为 由于 因!素此 了!解 的!确 地!方址点区 得!到知 其!他实它中 该!单 我们 我 他们 她们 他 她 刚刚 刚才 刚 进行了 进行 开展了 开展 一次 一起 ' +
    '后!续期来面 之后 以后 的时候 于!是 当面 专门 特地 一同 一道',
);
/** What closes a fragment without saying anything. */
const TRAIL = wordList(
  '和 与 跟 同 对 给 向 为 把 并 及 以及 了 的 地 进行了 进行 开展了 开展 一次 一下 了一次 啦 呀 啊 哈 吧 呢 嘛 哦 喔 噢 嗯 哟 咯',
);
/** Right after a cut (a name, a verb, a date): what hung on it (了, 的, 和 before the next name …). */
const DANGLING_AFTER = wordList(
  '了!解 过 的!确 地!方址点区 和!谐睦好 与!会 跟 同!事学志意时样 及!时早 以及 并!非不 一下 了一下 一次 了一次 一起 一同 一道 进行了 进行',
);
/** Right before a cut: what led to it (和 张伟, 去 看望, 很高兴地 和 …). */
const DANGLING_BEFORE = wordList(
  '和 与 跟 同 对 给 向 为 把 替 陪 帮 找 约 并 及 以及 地 进行了 进行 开展了 开展 去 到 前往 专程 专门 特地 当面 一起 一同 一道 分别 在 于',
);
/** A fragment made only of these says nothing (去, 家中, 同志, 情况 …). */
const FILLERS = wordList(
  '在 去 到 是 时 家中 家里 家 里 中 前往 专程 一起 一同 同志 老师 情况 相关 有关 一事 事宜 方面 此事 事 等 我们 同事 自己 今年 上 下 ' +
    '左右 期间 前 后 之前 之后 当时 这 那 其 该 同 因 因为 由于 一下 进行 开展 一次 了 的 地 出 出了 出现 发生 发生了 遇到 遭遇 遭受 有 ' +
    '已经 已 于 找 约 至 完成 已完成 完毕 对象 时间 事由 原因 地点 内容 备注 说明 结果 受到 特此 前夕 支部 本支部 书记 领导 组织 各位 ' +
    '大家 工作 工作上 工作中 需要 需 请 安排 准备 打算 计划 尽快 拟 将 要 分别 刚才 刚刚',
);
const FILLER_WORDS = new Set(FILLERS.map((w) => w.word));
const FILLER_MAX = Math.max(...FILLERS.map((w) => w.word.length));

/** The length of the first listed word at i ending by `limit` (and not followed by one of its notBefore), or 0. */
function wordAt(s: string, i: number, list: readonly Word[], limit: number): number {
  for (const { word, notBefore } of list) {
    const end = i + word.length;
    if (end <= limit && s.startsWith(word, i) && (end === limit || !notBefore.includes(s[end]!))) return word.length;
  }
  return 0;
}

function wordBefore(s: string, end: number, list: readonly Word[]): number {
  for (const { word } of list) if (end >= word.length && s.startsWith(word, end - word.length)) return word.length;
  return 0;
}

/** Takes punctuation and the listed words off the start (`lead`) and the end (`trail`) of s. */
function strip(s: string, lead: readonly Word[] | null, trail: readonly Word[] | null): string {
  const [a, b] = stripRange(s, lead, trail);
  return s.slice(a, b);
}

/** strip, as the offsets of what remains. */
function stripRange(s: string, lead: readonly Word[] | null, trail: readonly Word[] | null): [number, number] {
  let a = 0;
  let b = s.length;
  for (let moved = true; moved && a < b; ) {
    moved = false;
    if (lead) {
      if (PUNCT.has(s[a]!)) {
        a += 1;
        moved = true;
      } else {
        const n = wordAt(s, a, lead, b);
        if (n > 0) {
          a += n;
          moved = true;
        }
      }
    }
    if (trail && a < b) {
      if (PUNCT.has(s[b - 1]!)) {
        b -= 1;
        moved = true;
      } else {
        const n = wordBefore(s, b, trail);
        if (n > 0 && b - n >= a) {
          b -= n;
          moved = true;
        }
      }
    }
  }
  return [a, b];
}

/** Whether s is nothing but filler words (a word break by dynamic programming: linear, no backtracking). */
function onlyFillers(s: string): boolean {
  if (s === '') return true;
  const ok = new Uint8Array(s.length + 1);
  ok[0] = 1;
  for (let i = 0; i < s.length; i += 1) {
    if (!ok[i]) continue;
    for (let n = 1; n <= FILLER_MAX && i + n <= s.length; n += 1) if (FILLER_WORDS.has(s.slice(i, i + n))) ok[i + n] = 1;
  }
  return ok[s.length] === 1;
}

/** What a fragment says once connectives, pronouns and fillers are off it: '' when nothing. */
function content(fragment: string): string {
  const s = strip(fragment, LEAD, TRAIL);
  return onlyFillers(s) ? '' : s;
}

/** The unmasked runs of [from, to), each with whether a cut lies just before and just after it. */
interface Piece {
  text: string;
  start: number;
  cutBefore: boolean;
  cutAfter: boolean;
}

function pieces(t: string, mask: Uint8Array, from: number, to: number): Piece[] {
  const out: Piece[] = [];
  let i = from;
  while (i < to) {
    if (mask[i]) {
      i += 1;
      continue;
    }
    const a = i;
    while (i < to && !mask[i]) i += 1;
    out.push({ text: t.slice(a, i), start: a, cutBefore: a > from, cutAfter: i < to });
  }
  return out;
}

/** Question 1: does [from, to) say anything beyond what `understood` masks? */
function saysMore(t: string, understood: Uint8Array, from: number, to: number): boolean {
  return content(pieces(t, understood, from, to).map((p) => content(p.text)).join('')) !== '';
}

const CLOSING: Record<string, string> = { '(': ')', '[': ']', '【': '】', '<': '>', '《': '》', '“': '”', '‘': '’' };
const OPENING: Record<string, string> = Object.fromEntries(Object.entries(CLOSING).map(([o, c]) => [c, o]));

/** A bracket whose partner went with a cut (谈心(他刚调到学院办公室) → 他刚调到学院办公室): the other goes too. */
function balanced(s: string): string {
  let out = s;
  const open = OPENING[out[out.length - 1] ?? ''];
  if (open !== undefined && !out.includes(open)) out = out.slice(0, -1);
  const close = CLOSING[out[0] ?? ''];
  if (close !== undefined && !out.includes(close)) out = out.slice(1);
  return out;
}

/**
 * Question 2: the words of [from, to) without what `removed` masks, loose ends at each cut taken off — read in
 * `t`, copied from `written` (the same text, character for character, as the writer wrote it: 情緒穩定 stays).
 */
function segmentWords(t: string, written: string, removed: Uint8Array, from: number, to: number): string {
  let out = '';
  let cut = false;
  for (const p of pieces(t, removed, from, to)) {
    cut ||= p.cutBefore || p.cutAfter;
    if (content(p.text) === '') continue; // 找, 和, 了一下: only what hung on the cut
    const [a, b] = stripRange(p.text, p.cutBefore ? DANGLING_AFTER : null, p.cutAfter ? DANGLING_BEFORE : null);
    out += written.slice(p.start + a, p.start + b);
  }
  // Only a cut can orphan a bracket; one closing a quotation begun in an earlier clause stays.
  return cut ? balanced(out) : out;
}

/**
 * The note of `t` (the message as read), in the characters of `written` (as written, same length): `removed`
 * masks dates, names and verbs; `withoutReason` masks those and the chosen reason's words (see the top).
 */
export function buildNote(t: string, written: string, removed: Uint8Array, withoutReason: Uint8Array): string {
  const clauses: string[] = [];
  let parts: string[] = [];
  let label: string | undefined;
  let from = 0;
  for (let i = 0; i <= t.length; i += 1) {
    const end = i === t.length;
    const clauseBreak = !end && isBreak(t, i);
    if (!end && !clauseBreak && t[i] !== ' ') continue;
    if (saysMore(t, withoutReason, from, i)) {
      const words = segmentWords(t, written, removed, from, i);
      if (words) parts.push(words);
    }
    from = i + 1;
    if (end || clauseBreak) {
      const clause = parts.join(' ');
      parts = [];
      if (label !== undefined) {
        // 慰问金：500元 — a label that survived keeps its value
        clauses.push(clause ? `${label}：${clause}` : label);
        label = undefined;
      } else if (clause && !end && t[i] === ':') label = clause;
      else if (clause) clauses.push(clause);
    }
  }
  if (label !== undefined) clauses.push(label);
  return clauses.join('，');
}
