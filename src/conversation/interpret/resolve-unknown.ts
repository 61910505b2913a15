// A name the roster does not know (issue 9 point 10): "今天和李白谈心了" names nobody on the roster, and the
// typo "张为" is one character off 张伟. The interpreter finds no member in either; this finds what the writer
// wrote where a name goes, so the bot can say 名册中没有叫李白的党员 and offer the close matches in the
// writer's reach (one character added, dropped or changed, or the same pinyin without tones) as buttons.
// Pure: the roster index, the writer's reach and the text are passed in. Finding the written name looks at
// the wording only, never at the roster, so what it finds cannot depend on who exists outside the reach.
import { pinyin } from 'pinyin-pro';
import { lexAt, TITLES } from './lexicon.ts';
import { memberKey, type IndexedMember, type RosterIndex } from './roster-index.ts';

/** Words after which a name is written: 和李白, 走访李白, 报告：李白. */
const BEFORE_NAME = /(?:和|与|跟|同|找|约|陪|给|走访了?|看望了?|探望了?|慰问了?|家访了?|谈心了?|报告[:：]?|上报[:：]?)\s*$/u;
const HAN = /\p{Script=Han}/u;
/** Characters that end a name without being part of a lexicon word: 李白的母亲, 李白家, 李白了. */
const AFTER_NAME = new Set([...'的家了和与及、']);
const MAX_NAME = 4;

/**
 * The name written where a name goes (after 和/与/跟…, after a talk or visit verb, after 报告：), up to the
 * word that follows it (谈心, 住院, 同志, 的 …); undefined when none is written there. Text as normalised by
 * the interpreter.
 */
export function writtenNames(text: string): string[] {
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (let i = 0; i < text.length; i += 1) {
    if (!HAN.test(text[i]!) || !BEFORE_NAME.test(text.slice(Math.max(0, i - 4), i))) continue;
    // A lexicon word right here is no name (和他谈心, 走访慰问).
    if (lexAt(lower, i)) continue;
    let j = i;
    while (j < text.length && j - i < MAX_NAME + 1 && HAN.test(text[j]!) && !AFTER_NAME.has(text[j]!)) {
      if (j > i && (lexAt(lower, j) || TITLES.some((t) => text.startsWith(t, j)))) break;
      j += 1;
    }
    const name = text.slice(i, j);
    if (name.length >= 2 && name.length <= MAX_NAME && !found.includes(name)) found.push(name);
  }
  return found;
}

/** Levenshtein distance, stopping early beyond 1 (all that is asked). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const ca = [...a];
  const cb = [...b];
  if (Math.abs(ca.length - cb.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < ca.length && j < cb.length) {
    if (ca[i] === cb[j]) {
      i += 1;
      j += 1;
      continue;
    }
    edits += 1;
    if (edits > 1) return false;
    if (ca.length > cb.length) i += 1;
    else if (cb.length > ca.length) j += 1;
    else {
      i += 1;
      j += 1;
    }
  }
  return edits + (ca.length - i) + (cb.length - j) <= 1;
}

const soundCache = new WeakMap<RosterIndex, Map<string, string>>();
function soundOf(index: RosterIndex, name: string): string {
  let cache = soundCache.get(index);
  if (!cache) soundCache.set(index, (cache = new Map<string, string>()));
  let s = cache.get(name);
  if (s === undefined) cache.set(name, (s = pinyin(name, { toneType: 'none', type: 'array' }).join(' ')));
  return s;
}

/**
 * Members in the writer's reach (`inReach`) whose name is one edit from `written` or sounds the same, nearest
 * first (same pinyin and one edit, then one edit, then same pinyin), each group by memberKey.
 */
export function closeMatches(written: string, index: RosterIndex, inReach: (m: IndexedMember) => boolean, limit = 6): IndexedMember[] {
  const sound = soundOf(index, written);
  const scored: Array<[number, IndexedMember]> = [];
  for (const [name, bearers] of index.byName) {
    if (name === written || Math.abs(name.length - written.length) > 1) continue;
    const reachable = bearers.filter(inReach);
    if (reachable.length === 0) continue;
    const edit = withinOneEdit(name, written);
    const same = name.length === written.length && soundOf(index, name) === sound;
    if (!edit && !same) continue;
    const rank = edit && same ? 0 : edit ? 1 : 2;
    for (const m of reachable) scored.push([rank, m]);
  }
  scored.sort((a, b) => a[0] - b[0] || (memberKey(a[1]) < memberKey(b[1]) ? -1 : memberKey(a[1]) > memberKey(b[1]) ? 1 : 0));
  return scored.slice(0, limit).map(([, m]) => m);
}
