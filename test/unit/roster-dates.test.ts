import { describe, expect, it } from 'vitest';
import { dateToExcelSerial, excelSerialToDate, isBlank, parseRosterDate } from '../../src/domain/roster-dates.ts';

const ok = (v: unknown) => {
  const r = parseRosterDate(v);
  if (!r.ok) throw new Error(`expected a date from ${String(v)}: ${r.reason}`);
  return r.date;
};
const reason = (v: unknown) => {
  const r = parseRosterDate(v);
  if (r.ok) throw new Error(`expected a refusal for ${String(v)}, got ${r.date}`);
  return r.reason;
};

describe('parseRosterDate', () => {
  it.each([
    ['2024-05-01', '2024-05-01'],
    ['2024/5/1', '2024-05-01'],
    ['2024.5.1', '2024-05-01'],
    ['2024年5月1日', '2024-05-01'],
    ['2024年05月01日', '2024-05-01'],
    [' 2024 年 5 月 1 日 ', '2024-05-01'],
    ['2024-5-1', '2024-05-01'],
    ['2024/5/1 0:00', '2024-05-01'],
    ['2024-05-01 00:00:00', '2024-05-01'],
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
  ])('reads %s', (text, date) => expect(ok(text)).toBe(date));

  it.each(['2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-00-10'])('refuses the impossible date %s', (text) => {
    expect(reason(text)).toContain('不是存在的日期');
  });

  it.each(['2024/5', '五月一日', 'abc', '01/05/2024', '2024-05-01x'])('refuses %s as unreadable, naming the accepted forms', (text) => {
    expect(reason(text)).toContain('2024年5月1日');
  });

  it('refuses implausible years', () => {
    expect(reason('1850-01-01')).toContain('年份不合理');
    expect(reason('2201-01-01')).toContain('年份不合理');
  });

  it('reads Excel date cells as their UTC day, even a few ms off midnight', () => {
    expect(ok(new Date(Date.UTC(2024, 4, 1)))).toBe('2024-05-01');
    expect(ok(new Date(Date.UTC(2024, 3, 30, 23, 59, 59, 999)))).toBe('2024-05-01');
    expect(ok(new Date(Date.UTC(2024, 1, 29)))).toBe('2024-02-29');
    expect(reason(new Date(Number.NaN))).toContain('不是有效日期');
  });

  it('reads Excel serial numbers (1900 system with its phantom 29 February)', () => {
    expect(ok(45413)).toBe('2024-05-01');
    expect(ok(45413.75)).toBe('2024-05-01');
    expect(ok(1)).toBe('1900-01-01');
    expect(ok(59)).toBe('1900-02-28');
    expect(ok(61)).toBe('1900-03-01');
    expect(excelSerialToDate(60).ok).toBe(false);
    expect(excelSerialToDate(0).ok).toBe(false);
    expect(dateToExcelSerial('2024-05-01')).toBe(45413);
    expect(ok(dateToExcelSerial('2024-02-29'))).toBe('2024-02-29');
  });

  it('treats blank cells as blank, not as dates', () => {
    expect(isBlank('')).toBe(true);
    expect(isBlank(' \u3000 ')).toBe(true);
    expect(isBlank(null)).toBe(true);
    expect(isBlank(0)).toBe(false);
  });
});
