// What the OD writes about fixed monthly subsidies (定额补助, MECHANISM 1.2), read without the roster or the clock:
// setting one — "为张伟设定长期生活补助，每月300元，2027年1月至12月" —, recording a payment — "本月补助已发放",
// "张伟本月补助已发放", "张伟10月补助已发放", "补发张伟10月补助" — and asking for a month's list — "本月补助名单".
// Pure; the names are resolved and the months made into dates by the handler (domain/subsidy.ts). Anything that
// only resembles these — a salary, emergency aid, a question — is not read (the corpus
// test/fixtures/assistance/subsidy.jsonl holds both).
import { parseYuan } from '../domain/assistance.ts';
import type { MonthRef } from '../domain/subsidy.ts';
import { normalizeMessage } from '../conversation/interpret/normalise.ts';

export type SubsidyCommand =
  | {
      kind: 'set';
      name: string;
      /** Integer fen a month; null when the message names no amount (the bot asks for it). */
      amountFen: number | null;
      start: MonthRef | null;
      end: MonthRef | null;
      months: number | null;
    }
  | {
      kind: 'paid';
      /** Whose; empty = every subsidy of the month(s). */
      names: string[];
      /** Which months; 'current' = 本月. */
      months: 'current' | MonthRef[];
      /** Written as 补发 (paying a month late). */
      late: boolean;
    }
  | { kind: 'list'; month: 'current' | MonthRef };

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 1–99 in digits or Chinese numerals (十二, 二十四, 两); undefined otherwise. */
export function smallNumber(s: string): number | undefined {
  if (/^\d{1,2}$/.test(s)) return Number(s);
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/u.exec(s);
  if (!m || s === '') return undefined;
  if (!m[2]) return m[1] && !m[3] ? CN_DIGITS[m[1]] : undefined;
  return (m[1] ? CN_DIGITS[m[1]]! : 1) * 10 + (m[3] ? CN_DIGITS[m[3]]! : 0);
}

const NUM = '\\d{1,2}|[一二两三四五六七八九十]{1,3}';
// A month as written: 2027年1月, 1月, 十二月 (份 allowed after it).
const MONTH = `(?:(\\d{4})\\s*年\\s*)?(${NUM})\\s*月份?`;
const monthRe = (flags = 'u') => new RegExp(MONTH, flags);

function monthRef(year: string | undefined, month: string): MonthRef | undefined {
  const m = smallNumber(month);
  if (m === undefined || m < 1 || m > 12) return undefined;
  return year ? { year: Number(year), month: m } : { month: m };
}

// A name as written: two to five Chinese characters (· allowed), or a chat account.
const NAME = '[\\p{Script=Han}·]{2,5}?|[A-Za-z][\\w.-]{0,63}?';
const NAMES = `(?:${NAME})(?:\\s*[、,，和及]\\s*(?:${NAME}))*`;
const SUBSIDY = '(?:长期)?(?:生活|定额)补助(?:金|款)?';
const SET_VERB = '(?:设定|设立|设置|核定|确定|发放|办理|安排|申请|落实)';

const SET_PATTERNS = [
  // 为张伟设定长期生活补助…, 给张伟同志发放定额补助…
  new RegExp(`^(?:请)?(?:为|给)(?<name>${NAME})(?:同志|党员)?${SET_VERB}?(?:每月)?${SUBSIDY}(?<rest>.*)$`, 'u'),
  // 设定张伟的定额补助…, 核定张伟长期生活补助…
  new RegExp(`^(?:请)?${SET_VERB}(?<name>${NAME})(?:同志|党员)?的?${SUBSIDY}(?<rest>.*)$`, 'u'),
];

const PAID_WORD = '(?:已经?|均已|都已|已全部|全部已|已经全部|已按时)(?:发放|发出|发到位|发完|发)(?:了|完毕|完成)?';
const PAID_PATTERNS = [
  // 本月补助已发放, 张伟本月补助已发放, 张伟、李明11月补助已发放, 张伟10月和11月的生活补助已经发放了
  new RegExp(`^(?:(?<names>${NAMES})(?:同志|党员)?的?)?(?<when>本月|当月|这个月|(?:${MONTH})(?:\\s*[、,，和及至到-]\\s*(?:${MONTH}))*)的?${SUBSIDY.replace('(?:生活|定额)', '(?:生活|定额)?')}${PAID_WORD}$`, 'u'),
  // 补发张伟10月补助, 已补发张伟10月的补助
  new RegExp(`^(?:已经?)?补发(?:了)?(?<names>${NAMES})(?:同志|党员)?的?(?<when>(?:${MONTH})(?:\\s*[、,，和及]\\s*(?:${MONTH}))*)的?${SUBSIDY.replace('(?:生活|定额)', '(?:生活|定额)?')}(?:了|完毕)?$`, 'u'),
];

const LIST_PATTERN = new RegExp(`^(?:请|查看|查询|看看)?(?<when>本月|当月|这个月|${MONTH})?的?(?:定额|生活)?补助(?:发放)?(?:名单|清单|表)$`, 'u');

/** A question or a negation is never a record: "本月补助发放了吗", "本月补助还没发放". */
const QUESTION = /[?？吗呢么]$|没有?|未|还没|是否/u;

/** Pure: the subsidy command a message gives, if any. */
export function matchSubsidyCommand(message: string): SubsidyCommand | null {
  // Normalising makes a full-width comma ASCII: only one between digits and a group of three (1,200元) is a
  // thousands separator; any other is a clause break again ("每月¥500，2027年…" is 500, not 500,202).
  const t = normalizeMessage(message)
    .replace(/,(?!\d{3}(?!\d))/gu, '，')
    .replace(/[。!！.~～]+$/u, '')
    .trim();
  if (t === '' || t.length > 200) return null;
  const compact = t.replace(/\s+/gu, '');
  return matchPaid(compact) ?? matchList(compact) ?? matchSet(t);
}

function matchSet(t: string): SubsidyCommand | null {
  if (/[?？吗呢]$/u.test(t)) return null;
  for (const re of SET_PATTERNS) {
    const m = re.exec(t);
    if (!m) continue;
    const name = m.groups!['name']!;
    const rest = m.groups!['rest'] ?? '';
    // What follows the word is the amount and the months, nothing else a sentence would add ("的事", "吗").
    if (/^(?:的|吗|呢|了吗|情况|标准|政策)/u.test(rest.replace(/^[\s,，:：]+/u, ''))) return null;
    return { kind: 'set', name, amountFen: amountOf(m[0].slice(m[0].indexOf(name) + name.length)), ...termOf(rest) };
  }
  return null;
}

/** The monthly amount: after 每月 (每月300元), before /月 or 每月 (300元/月), else any amount written. */
function amountOf(text: string): number | null {
  const perMonth = /每月(?:发放|补助|发)?\s*[:：]?\s*(.*)$/u.exec(text);
  const fen = parseYuan(perMonth ? perMonth[1]! : text);
  return fen ?? null;
}

function termOf(rest: string): { start: MonthRef | null; end: MonthRef | null; months: number | null } {
  const r = rest.replace(/每月(?:发放|补助|发)?\s*[:：]?\s*[¥￥]?\s*[\d,.]+\s*万?\s*(?:元|块|圆)?/gu, ' ');
  const range = new RegExp(`${MONTH}\\s*(?:至|到|-|—|~|～)\\s*${MONTH}`, 'u').exec(r);
  if (range) return { start: monthRef(range[1], range[2]!) ?? null, end: monthRef(range[3], range[4]!) ?? null, months: null };
  const length = new RegExp(`(?:为期|共|期限|期|发放)?\\s*(${NUM})\\s*个月|(?:为期|期限)?\\s*(?<!\\d)([一两二三]|\\d)\\s*年(?![\\s\\d一二两三四五六七八九十])`, 'u').exec(r);
  const months = length ? (length[1] !== undefined ? smallNumber(length[1]) : (smallNumber(length[2]!) ?? 0) * 12) : undefined;
  const startRe = new RegExp(`(?:自|从)?\\s*${MONTH}\\s*(?:起|开始)?`, 'u').exec(r.replace(length?.[0] ?? '\u0000', ' '));
  const start = startRe ? (monthRef(startRe[1], startRe[2]!) ?? null) : null;
  return { start, end: null, months: months && months > 0 ? months : null };
}

function monthsOf(when: string): MonthRef[] | undefined {
  const out: MonthRef[] = [];
  // A month without its year takes the year of the one before it (2026年10月、11月), the next year after a
  // December (2026年12月、1月).
  let last: MonthRef | undefined;
  for (const m of when.matchAll(monthRe('gu'))) {
    const written = monthRef(m[1], m[2]!);
    if (!written) return undefined;
    const ref = written.year === undefined && last?.year !== undefined ? { year: written.month < last.month ? last.year + 1 : last.year, month: written.month } : written;
    last = ref;
    out.push(ref);
  }
  // 10月至12月: the months between too.
  if (/[至到-]/u.test(when) && out.length === 2) {
    const [a, b] = out as [MonthRef, MonthRef];
    const all: MonthRef[] = [];
    const startYear = a.year;
    for (let i = 0; i < 24; i++) {
      const month = ((a.month - 1 + i) % 12) + 1;
      const yearOffset = Math.floor((a.month - 1 + i) / 12);
      all.push(startYear !== undefined ? { year: startYear + yearOffset, month } : { month });
      if (month === b.month && (b.year === undefined || startYear === undefined || startYear + yearOffset === b.year)) return all;
    }
    return undefined;
  }
  return out.length > 0 ? out : undefined;
}

function matchPaid(t: string): SubsidyCommand | null {
  if (QUESTION.test(t)) return null;
  for (const [i, re] of PAID_PATTERNS.entries()) {
    const m = re.exec(t);
    if (!m) continue;
    const names = (m.groups!['names'] ?? '')
      .split(/[、,，和及]/u)
      .map((n) => n.trim())
      .filter((n) => n !== '');
    const when = m.groups!['when']!;
    if (/^(?:本月|当月|这个月)$/u.test(when)) return { kind: 'paid', names, months: 'current', late: i === 1 };
    const months = monthsOf(when);
    if (!months) return null;
    return { kind: 'paid', names, months, late: i === 1 };
  }
  return null;
}

function matchList(t: string): SubsidyCommand | null {
  const m = LIST_PATTERN.exec(t);
  if (!m) return null;
  const when = m.groups!['when'];
  if (!when || /^(?:本月|当月|这个月)$/u.test(when)) return { kind: 'list', month: 'current' };
  const mm = monthRe().exec(when);
  const ref = mm ? monthRef(mm[1], mm[2]!) : undefined;
  return ref ? { kind: 'list', month: ref } : null;
}
