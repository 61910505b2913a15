// How a day is written in chat: 11月23日 within the current year, 2025年11月23日 otherwise — a record dated
// last November must not read as this November (issue 9 point 7). Pure: today is passed in.
import type { IsoDate } from './calendar.ts';

export function chineseDate(date: IsoDate, today: IsoDate): string {
  const day = `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
  return date.slice(0, 4) === today.slice(0, 4) ? day : `${Number(date.slice(0, 4))}年${day}`;
}
