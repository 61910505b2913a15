// How dates are written in Chinese text, in one place: 11月23日, 2025年11月23日, and in chat the year only when
// it is not this year — a record dated last November must not read as this November (issue 9 point 7).
// Pure: dates are 'YYYY-MM-DD' and today, where it matters, is passed in.
import type { IsoDate } from './dates.ts';

/** 11月23日 */
export function chineseMonthDay(date: IsoDate): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** 2025年11月23日 */
export function chineseFullDate(date: IsoDate): string {
  return `${Number(date.slice(0, 4))}年${chineseMonthDay(date)}`;
}

/** 11月23日 within today's year, 2025年11月23日 otherwise. */
export function chineseDate(date: IsoDate, today: IsoDate): string {
  return date.slice(0, 4) === today.slice(0, 4) ? chineseMonthDay(date) : chineseFullDate(date);
}

/** The text cut to at most `max` characters, the last one … where it was cut (by code point: an emoji stays whole). */
export function clipText(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
