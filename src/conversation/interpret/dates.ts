// Dates as leaders write them in a message (今天, 昨天, 前天, 上周五, 本周三, 11月20日, 十一月二十日, 11.18, 11/18,
// 2026-11-23, 上月28号, 20日/20号 …), resolved against "today" in the organisation's time zone. Pure: the caller
// passes today's local date ('YYYY-MM-DD'); no clock is read here.
//
// Rules where people leave it open:
// - Weeks run Monday to Sunday. 上周五 is the Friday of the previous Monday–Sunday week (on Thursday
//   2026-11-26: 2026-11-20), 本周三/这周三 the Wednesday of the current week (future days are flagged), 上上周X
//   two weeks back, 下周X next week (flagged). A bare 周五/星期五 means the most recent Friday, today included
//   (people log what already happened): on a Thursday, 周五 is last week's Friday.
// - A month and day without a year (11月20日, 11.20, 11/20) is in the current year; if that lies in the future
//   by more than 31 days it means last year (12月28日 written on 3 January), otherwise the date is kept and
//   flagged 'date_in_future' (the bot refuses it). 20日/20号 alone is in the current month (flagged when ahead).
// - Vague expressions (上周, 上个月, 前几天, 最近, 近日, 本周 …) give no date: the caller decides (see
//   interpret.ts); dates and time-of-day words (上午, 下午3点 …) are removed from the note, vague ones only
//   where they are the time of what is recorded (interpret.ts).
// - The first concrete date in the message wins; an impossible one (2月30日) gives 'invalid_date'.

import { dayNumber, isoOfDayNumber, isValidDate } from '../../domain/dates.ts';

export { dayNumber };

export type DateProblem = 'date_in_future' | 'invalid_date';

export interface DateScan {
  /** The first concrete date mentioned, 'YYYY-MM-DD', or null when none (or it was impossible). */
  date: string | null;
  /** Vague time references (上周, 最近 …) as [start, end), when no concrete date was written; else empty. */
  vague: Array<[number, number]>;
  /** Every vague time reference, whether or not a concrete date was written (the note keeps some: see interpret.ts). */
  vagueWords: Array<[number, number]>;
  problems: DateProblem[];
  /** Every date, time and vague expression found, as [start, end) offsets: removed from the note. */
  spans: Array<[number, number]>;
}

// ---- integer day arithmetic (days since 1970-01-01: dayNumber in domain/dates.ts) ----

/** Monday = 0 … Sunday = 6. Day 0 (1970-01-01) was a Thursday. */
export const weekdayOf = (day: number) => (((day + 3) % 7) + 7) % 7;

// ---- numbers written in Chinese (一 … 三十一) ----

const CN_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

export function smallNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const ten = s.indexOf('十');
  if (ten < 0) return s.length === 1 && s in CN_DIGITS ? CN_DIGITS[s]! : null;
  const tens = ten === 0 ? 1 : s.length >= 2 && ten === 1 ? (CN_DIGITS[s[0]!] ?? NaN) : NaN;
  const unitsText = s.slice(ten + 1);
  const units = unitsText === '' ? 0 : unitsText.length === 1 ? (CN_DIGITS[unitsText] ?? NaN) : NaN;
  const n = tens * 10 + units;
  return Number.isFinite(n) ? n : null;
}

// ---- the scanner ----

const N = '(?:\\d{1,2}|[一二三四五六七八九十]{1,3})';
const WEEKDAY: Record<string, number> = { 一: 0, 二: 1, 三: 2, 四: 3, 五: 4, 六: 5, 日: 6, 天: 6, 七: 6, '1': 0, '2': 1, '3': 2, '4': 3, '5': 4, '6': 5, '7': 6 };
// Characters after which "周一/周天" is a person being named, not a weekday (和周一谈心).
const NAME_INTRODUCERS = /(?:和|与|跟|同|对|给|找|约|陪|向|看望|走访|慰问|探望|谈心|谈话|党员)\s*$/u;

const DATE_RE = new RegExp(
  [
    // 2026-11-23, 2026/11/23, 2026.11.23, 2026年11月23日, 20261123
    `(?<!\\d)(?<iy>\\d{4})\\s*[-/.年]\\s*(?<im>\\d{1,2})\\s*[-/.月]\\s*(?<id>\\d{1,2})(?!\\d)\\s*[日号]?`,
    `(?<!\\d)(?<cy>20\\d{2})(?<cm>[01]\\d)(?<cd>[0-3]\\d)(?!\\d)`,
    // 上月28号, 上个月28日, 本月20日, 这个月3号
    `(?<rm>上个?月|本月|这个?月)(?<rmd>${N})\\s*[日号]`,
    // 11月20日, 十一月二十日, 去年12月30号, 11月20
    `(?<ry>去年|今年|前年)?(?<!\\d)(?<mm>${N})\\s*月\\s*(?<md>${N})(?!\\d)(?:\\s*[日号])?`,
    // 11.18, 11/18, 11-18 (not an amount such as 1.5万 or 3-5人)
    `(?<![\\d.])(?<dm>\\d{1,2})[./-](?<dd>\\d{1,2})(?![\\d.%]|\\s*(?:元|万|千|百|块|岁|个|次|人|年|斤|公斤|米|kg|小时|分钟|天))`,
    // 20日, 20号 (this month)
    `(?<![\\d月./第近共约满续连达计每])(?<od>\\d{1,2})\\s*[日号](?![\\d楼线床栋室])`,
    `(?<rel>大前天|前天|前日|昨天|昨日|昨晚|昨儿|今天|今日|今早|今晚|今儿|当天|当日|大后天|明天|明日|明早|明晚|后天)`,
    `(?<wp>上上|上|本|这|下)?个?(?:周|星期|礼拜)(?<wd>[一二三四五六日天1-7])`,
    `(?<vague>上周末|上周|上个?星期|上个?礼拜|上个?月|前几天|前些天|前段时间|前一阵子?|近日|最近|日前|近期|这几天|这两天|本周|这周|本月底|本月|这个?月底|这个?月|月初|月底|年底)`,
    `(?<time>刚才|刚刚|白天|上午|下午|中午|晚上|早上|早晨|傍晚|凌晨|夜里|晚间|\\d{1,2}[:]\\d{2}|\\d{1,2}点(?:半|钟|\\d{1,2}分)?)`,
  ].join('|'),
  'gu',
);

const REL_OFFSET: Record<string, number> = {
  大前天: -3, 前天: -2, 前日: -2, 昨天: -1, 昨日: -1, 昨晚: -1, 昨儿: -1, 今天: 0, 今日: 0, 今早: 0, 今晚: 0, 今儿: 0,
  当天: 0, 当日: 0, 明天: 1, 明日: 1, 明早: 1, 明晚: 1, 后天: 2, 大后天: 3,
};

interface Found {
  day: number | null; // null: impossible date
  explicitYear: boolean;
}

/**
 * Finds the dates in `text` (already NFKC-normalised) relative to `today` ('YYYY-MM-DD'). `isName(start, end)`
 * lets the caller claim a bare weekday (周一) as a person's name.
 */
export function scanDates(text: string, today: string, isName?: (start: number, end: number) => boolean): DateScan {
  const ty = Number(today.slice(0, 4));
  const tm = Number(today.slice(5, 7));
  const td = Number(today.slice(8, 10));
  const todayN = dayNumber(ty, tm, td);
  const monday = todayN - weekdayOf(todayN);
  const spans: Array<[number, number]> = [];
  let first: Found | undefined;
  const vagueSpans: Array<[number, number]> = [];

  const inYear = (y: number, m: number, d: number): number | null => (isValidDate(y, m, d) ? dayNumber(y, m, d) : null);
  /** Month and day, no year: this year, or last year when that would be more than 31 days ahead. */
  const monthDay = (m: number, d: number): number | null => {
    if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
    const n = inYear(ty, m, d);
    if (n !== null && n - todayN > 31) return inYear(ty - 1, m, d);
    return n;
  };

  DATE_RE.lastIndex = 0;
  for (let m = DATE_RE.exec(text); m !== null; m = DATE_RE.exec(text)) {
    const g = m.groups!;
    const start = m.index;
    const end = start + m[0].length;
    let found: Found | undefined;
    if (g.iy !== undefined) {
      found = { day: inYear(Number(g.iy), Number(g.im), Number(g.id)), explicitYear: true };
    } else if (g.cy !== undefined) {
      const day = inYear(Number(g.cy), Number(g.cm), Number(g.cd));
      if (day === null) continue; // 8 digits that are no date: a number
      found = { day, explicitYear: true };
    } else if (g.rm !== undefined) {
      const d = smallNumber(g.rmd!);
      if (d === null) continue;
      const [y, mo] = g.rm.startsWith('上') ? (tm === 1 ? [ty - 1, 12] : [ty, tm - 1]) : [ty, tm];
      found = { day: inYear(y, mo, d), explicitYear: false };
    } else if (g.mm !== undefined) {
      const mo = smallNumber(g.mm);
      const d = smallNumber(g.md!);
      if (mo === null || d === null || mo < 1 || mo > 12 || d < 1 || d > 31) continue;
      if (g.ry !== undefined) {
        const y = g.ry === '去年' ? ty - 1 : g.ry === '前年' ? ty - 2 : ty;
        found = { day: inYear(y, mo, d), explicitYear: true };
      } else {
        found = { day: monthDay(mo, d), explicitYear: false };
      }
    } else if (g.dm !== undefined) {
      const mo = Number(g.dm);
      const d = Number(g.dd);
      if (mo < 1 || mo > 12 || d < 1 || d > 31) continue; // 13.5, 0.5: not a date
      found = { day: monthDay(mo, d), explicitYear: false };
    } else if (g.od !== undefined) {
      const d = Number(g.od);
      if (d < 1 || d > 31) continue;
      found = { day: inYear(ty, tm, d), explicitYear: false };
    } else if (g.rel !== undefined) {
      found = { day: todayN + REL_OFFSET[g.rel]!, explicitYear: false };
    } else if (g.wd !== undefined) {
      const wd = WEEKDAY[g.wd]!;
      // 和周一谈心, 周一住院了: a person of that name
      if (g.wp === undefined && (NAME_INTRODUCERS.test(text.slice(Math.max(0, start - 3), start)) || isName?.(start, end))) continue;
      const base = g.wp === '上上' ? monday - 14 : g.wp === '上' ? monday - 7 : g.wp === '下' ? monday + 7 : monday;
      let day = base + wd;
      if (g.wp === undefined && day > todayN) day -= 7; // bare 周五: the most recent one
      found = { day, explicitYear: false };
    } else if (g.vague !== undefined) {
      vagueSpans.push([start, end]);
    } else if (g.time === '白天' && NAME_INTRODUCERS.test(text.slice(Math.max(0, start - 3), start))) {
      continue; // 和白天谈心: a person
    }
    // time-of-day words only leave the note
    spans.push([start, end]);
    if (found && !first) first = found;
  }

  const problems: DateProblem[] = [];
  let date: string | null = null;
  if (first) {
    if (first.day === null) problems.push('invalid_date');
    else {
      date = isoOfDayNumber(first.day);
      if (first.day > todayN) problems.push('date_in_future');
    }
  }
  return { date, vague: first ? [] : vagueSpans, vagueWords: vagueSpans, problems, spans };
}
