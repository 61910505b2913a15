// The scan (stage 3 of interpret.ts): one left-to-right pass over the message with its dates masked, finding
// roster names (longest first; a word-name only in a name position) and lexicon words. Pure.
import { lexAt, PLACE_SUFFIXES, TITLES, type LexEntry } from './lexicon.ts';
import { asciiLower } from './normalise.ts';
import { isBreak } from './note.ts';
import type { IndexedMember, PlaceRef, RosterIndex } from './roster-index.ts';

export interface Tok {
  start: number;
  end: number;
  /** end of what leaves the note (a name's title, 本人, 家中 …; a verb's 了/过) */
  removeEnd: number;
  entry: LexEntry | undefined;
  members: readonly IndexedMember[] | undefined;
  /** A name's college or branch as written next to it (文学院张伟, 张伟（文学院）): see placeHint. */
  place?: PlaceHint;
}

/**
 * A college or branch written right before a name (数学学院张伟, 文学院的张伟, 计算机学院教工第一党支部张伟) or in
 * brackets right after it (张伟（文学院）). Each word is one group of organisations it may name; a member must
 * be in one of each group's.
 */
export interface PlaceHint {
  start: number;
  end: number;
  groups: Array<readonly PlaceRef[]>;
}

const INTRODUCERS = new Set(['和', '与', '跟', '同', '对', '给', '找', '约', '陪', '向', '把', '为', '帮', '替', '及']);
const LIST_SEPARATORS = new Set([' ', '、', ',', ':', ';']);
const SELF_NOT_BEFORE = new Set([...'们支单院部处系科校班所司党']);
const PLACE_NOT_BEFORE = new Set([...'属人庭长务乡园']);

export class Scanner {
  readonly tokens: Tok[] = [];

  constructor(
    private readonly t: string, // masked text (dates replaced by \0)
    private readonly lower: string,
    private readonly index: RosterIndex,
  ) {}

  /** The longest roster name at i (a word-name only in a name position); its length, or 0. */
  private nameAt(i: number): { len: number; members: readonly IndexedMember[] } | undefined {
    const { t, index } = this;
    const longest = index.longestFrom.get(t[i]!);
    if (longest === undefined) return undefined;
    for (let len = Math.min(longest, t.length - i); len >= 2; len -= 1) {
      const s = t.slice(i, i + len);
      const members = index.byName.get(s);
      if (members === undefined) continue;
      if (index.wordNames.has(s) && !this.namePosition(i, i + len)) continue;
      return { len, members };
    }
    return undefined;
  }

  private namePosition(start: number, end: number): boolean {
    const { t, lower } = this;
    // left
    // Spaces and masked dates are transparent: 今天和高兴谈心, 11.18 高兴住院了.
    let k = start - 1;
    while (k >= 0 && (t[k] === ' ' || t[k] === '\0')) k -= 1;
    if (k >= 0 && (INTRODUCERS.has(t[k]!) || (t[k] === '员' && t[k - 1] === '党'))) return true; // 和高兴, 老党员高兴
    const clauseStart = k < 0 || isBreak(t, k);
    if (k >= 0 && LIST_SEPARATORS.has(t[k]!)) {
      k -= 1;
      while (k >= 0 && t[k] === ' ') k -= 1;
    }
    const prev = this.tokens[this.tokens.length - 1];
    if (prev && prev.removeEnd === k + 1) {
      const kind = prev.entry?.lex.kind;
      if (kind === undefined || kind === 'talk' || kind === 'visit' || kind === 'report') return true;
    }
    // right
    if (TITLES.some((title) => t.startsWith(title, end)) || PLACE_SUFFIXES.some((p) => t.startsWith(p, end))) return true;
    const after = lexAt(lower, t[end] === '的' ? end + 1 : end);
    if (after?.lex.kind === 'family') return true;
    if (clauseStart) {
      const next = lexAt(lower, end);
      if (next && (next.lex.kind === 'death' || (next.lex.kind === 'reason' && next.lex.visit !== 'holiday'))) return true;
    }
    return false;
  }

  run(): void {
    const { t, lower } = this;
    const n = t.length;
    let i = 0;
    while (i < n) {
      const name = this.nameAt(i);
      let entry = lexAt(lower, i);
      if (name && (!entry || name.len >= entry.word.length)) {
        this.pushName(i, i + name.len, name.members);
        i = this.tokens[this.tokens.length - 1]!.removeEnd;
        continue;
      }
      if (entry) {
        // 慰问金鑫: the name 金鑫 beats the longer word 慰问金 that would swallow its first character.
        for (let p = i + 1; p < i + entry.word.length; p += 1) {
          const inner = this.nameAt(p);
          if (inner && p + inner.len > i + entry.word.length) {
            entry = lexAt(lower, i, p);
            break;
          }
        }
      }
      if (entry) {
        const end = i + entry.word.length;
        if (entry.lex.kind === 'self' && entry.word === '我' && (SELF_NOT_BEFORE.has(t[end] ?? '') || t[i - 1] === '自')) {
          i = end; // 我们, 我支部, 自我批评: not the writer
          continue;
        }
        // 看了马力, 谈过: the aspect particle goes with the verb (a name may follow it).
        const kind = entry.lex.kind;
        const removeEnd = (kind === 'talk' || kind === 'visit') && (t[end] === '了' || t[end] === '过') ? end + 1 : end;
        this.tokens.push({ start: i, end, removeEnd, entry, members: undefined });
        i = removeEnd;
        continue;
      }
      i += 1;
    }
  }

  private pushName(start: number, end: number, members: readonly IndexedMember[]): void {
    const { t, lower } = this;
    let removeEnd = end;
    const before = this.placeBefore(start);
    // The brackets leave the note only when they narrowed the name's bearers (interpret.ts).
    const after = this.placeInBrackets(end);
    const title = TITLES.find((x) => t.startsWith(x, removeEnd));
    if (title) removeEnd += title.length;
    if (t.startsWith('本人', removeEnd)) removeEnd += 2; // 张伟本人去世: the member themself
    if (!lexAt(lower, removeEnd)) {
      const place = PLACE_SUFFIXES.find((x) => t.startsWith(x, removeEnd));
      if (place && !PLACE_NOT_BEFORE.has(t[removeEnd + place.length] ?? '')) removeEnd += place.length;
    }
    let place: PlaceHint | undefined;
    if (before || after) {
      place = { start: before?.start ?? start, end: after?.end ?? end, groups: [...(before?.groups ?? []), ...(after?.groups ?? [])] };
      // Words read inside the college's name (医院 in 附属医院党总支) were part of it.
      if (before) while (this.tokens.length > 0 && this.tokens[this.tokens.length - 1]!.start >= before.start) this.tokens.pop();
    }
    this.tokens.push({ start, end, removeEnd, entry: undefined, members, ...(place ? { place } : {}) });
  }

  /** The longest college or branch name ending at `end` of the text, or undefined. */
  private placeEndingAt(end: number): { start: number; refs: readonly PlaceRef[] } | undefined {
    const { t, index } = this;
    for (let len = Math.min(index.longestPlace, end); len >= 2; len -= 1) {
      const refs = index.places.get(t.slice(end - len, end));
      if (refs) return { start: end - len, refs };
    }
    return undefined;
  }

  /** 数学学院张伟, 文学院的张伟, 计算机学院教工第一党支部 张伟: the places written right before a name. */
  private placeBefore(nameStart: number): Omit<PlaceHint, 'end'> | undefined {
    const { t } = this;
    if (this.index.longestPlace === 0) return undefined;
    let e = nameStart;
    while (e > 0 && t[e - 1] === ' ') e -= 1;
    if (e > 0 && t[e - 1] === '的') e -= 1;
    while (e > 0 && t[e - 1] === ' ') e -= 1;
    const groups: Array<readonly PlaceRef[]> = [];
    let start = -1;
    // A branch may follow its general branch: at most two words.
    for (let k = 0; k < 2; k += 1) {
      const p = this.placeEndingAt(e);
      if (!p) break;
      groups.unshift(p.refs);
      start = p.start;
      e = p.start;
      while (e > 0 && t[e - 1] === ' ') e -= 1;
    }
    return start < 0 ? undefined : { start, groups };
  }

  /** 张伟（文学院）, 张伟(计算机学院 教工第一党支部): brackets right after a name holding only places. */
  private placeInBrackets(nameEnd: number): Omit<PlaceHint, 'start'> | undefined {
    const { t } = this;
    if (this.index.longestPlace === 0) return undefined;
    let i = nameEnd;
    while (t[i] === ' ') i += 1;
    if (t[i] !== '(' && t[i] !== '[' && t[i] !== '【') return undefined;
    const close = t.slice(i + 1).search(/[)\]】]/u);
    if (close < 0) return undefined;
    const inner = i + 1;
    const innerEnd = inner + close;
    const groups: Array<readonly PlaceRef[]> = [];
    let k = innerEnd;
    // Read from the right, longest name first; only separators may stand between the names.
    while (k > inner) {
      if (t[k - 1] === ' ' || t[k - 1] === '、' || t[k - 1] === ',' || t[k - 1] === '的') {
        k -= 1;
        continue;
      }
      const p = this.placeEndingAt(k);
      if (!p || p.start < inner) return undefined;
      groups.unshift(p.refs);
      k = p.start;
    }
    return groups.length === 0 ? undefined : { end: innerEnd + 1, groups };
  }
}

/**
 * For dates.ts: is the bare weekday at [a, b) (周一) rather a member of that name? Only when it is a roster
 * name followed by what follows names: a title, 的+family word, a family word, or a trigger (周一住院了).
 */
export function wordNameAhead(t: string, a: number, b: number, index: RosterIndex): boolean {
  if (!index.byName.has(t.slice(a, b))) return false;
  if (TITLES.some((x) => t.startsWith(x, b))) return true;
  const next = lexAt(asciiLower(t), t[b] === '的' ? b + 1 : b);
  return next !== undefined && (next.lex.kind === 'family' || next.lex.kind === 'death' || (next.lex.kind === 'reason' && next.lex.visit !== 'holiday'));
}

/** What a token is: a lexicon kind, or 'name' for a roster name. */
export const kindOf = (x: Tok) => x.entry?.lex.kind ?? 'name';
