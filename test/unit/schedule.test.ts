import { describe, expect, it } from 'vitest';
import { chineseWorkingDayCalendar, createWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { addDays } from '../../src/domain/dates.ts';
import {
  DEFAULT_SCHEDULE_SETTINGS,
  type HolidaySetting,
  type Notice,
  type NoticeKind,
  type ScheduleContext,
  checkHolidaySetting,
  checkScheduleSettings,
  holidaysInYear,
  noticesDueOn,
} from '../../src/domain/schedule.ts';

const calendar = chineseWorkingDayCalendar();
const ctx: ScheduleContext = { calendar, settings: DEFAULT_SCHEDULE_SETTINGS };
const withHolidays = (extraHolidays: HolidaySetting[]): ScheduleContext => ({ calendar, settings: { ...DEFAULT_SCHEDULE_SETTINGS, extraHolidays } });

function* days(from: string, to: string): Generator<string> {
  for (let d = from; d <= to; d = addDays(d, 1)) yield d;
}

/** 'kind@period' of everything but the daily greeting. */
const due = (date: string, c: ScheduleContext = ctx) =>
  noticesDueOn(date, c)
    .filter((n) => n.kind !== 'birthday_greeting')
    .map((n) => `${n.kind}@${n.period}`);

/** The days in [from, to] on which `kind` is due, with its period. */
function whenDue(kind: NoticeKind, from: string, to: string, c: ScheduleContext = ctx): string[] {
  const out: string[] = [];
  for (const d of days(from, to)) for (const n of noticesDueOn(d, c)) if (n.kind === kind) out.push(`${d} ${n.period}`);
  return out;
}

describe('talk quota progress (2.2)', () => {
  it('first working days of April, July, October, then monthly in Q4: 2025', () => {
    expect(whenDue('talk_quota_progress', '2025-01-01', '2025-12-31')).toEqual([
      '2025-04-01 2025-04',
      '2025-07-01 2025-07',
      '2025-10-09 2025-10', // National Day until the 8th; one nudge serves as quarterly and first Q4 monthly
      '2025-11-03 2025-11',
      '2025-12-01 2025-12',
    ]);
  });

  it('2026', () => {
    expect(whenDue('talk_quota_progress', '2026-01-01', '2026-12-31')).toEqual([
      '2026-04-01 2026-04',
      '2026-07-01 2026-07',
      '2026-10-08 2026-10',
      '2026-11-02 2026-11',
      '2026-12-01 2026-12',
    ]);
  });

  it('the remaining list goes to the OD on 1 December, or the first working day after it', () => {
    expect(whenDue('talk_quota_remaining', '2025-01-01', '2026-12-31')).toEqual(['2025-12-01 2025', '2026-12-01 2026']);
    expect(whenDue('talk_quota_remaining', '2024-11-25', '2024-12-10')).toEqual(['2024-12-02 2024']); // 1 Dec 2024 was a Sunday
  });
});

describe('hardship registry verification (1.1)', () => {
  it('May 2025: nudge, 15th, 25th moved to Monday, escalation on the last working day', () => {
    const got = [...days('2025-04-28', '2025-06-03')].flatMap((d) => due(d).filter((k) => k.startsWith('hardship')).map((k) => `${d} ${k}`));
    expect(got).toEqual([
      '2025-05-06 hardship_review_nudge@2025-05', // 1–5 May off
      '2025-05-15 hardship_review_reminder@2025-05-15',
      '2025-05-26 hardship_review_reminder@2025-05-25', // the 25th was a Sunday
      '2025-05-30 hardship_review_escalation@2025-05', // the 31st is a Saturday and 端午
    ]);
  });

  it('November 2025 and both months of 2026', () => {
    const kinds = ['hardship_review_nudge', 'hardship_review_reminder', 'hardship_review_escalation'] as const;
    const all = (from: string, to: string) => kinds.flatMap((k) => whenDue(k, from, to)).sort();
    expect(all('2025-11-01', '2025-11-30')).toEqual(['2025-11-03 2025-11', '2025-11-17 2025-11-15', '2025-11-25 2025-11-25', '2025-11-28 2025-11']);
    expect(all('2026-05-01', '2026-05-31')).toEqual(['2026-05-06 2026-05', '2026-05-15 2026-05-15', '2026-05-25 2026-05-25', '2026-05-29 2026-05']);
    expect(all('2026-11-01', '2026-11-30')).toEqual(['2026-11-02 2026-11', '2026-11-16 2026-11-15', '2026-11-25 2026-11-25', '2026-11-30 2026-11']);
    expect(all('2026-01-01', '2026-04-30')).toEqual([]);
  });

  it('a reminder never goes after the escalation day', () => {
    // Invented data: 26–29 May 2025 off, so the 25th's reminder would fall in June.
    const cal = createWorkingDayCalendar({ holidays: ['2025-05-26', '2025-05-27', '2025-05-28', '2025-05-29', '2025-05-30'], workdays: [] });
    const c: ScheduleContext = { calendar: cal, settings: DEFAULT_SCHEDULE_SETTINGS };
    expect(due('2025-05-23', c)).toEqual(expect.arrayContaining(['hardship_review_reminder@2025-05-25', 'hardship_review_escalation@2025-05']));
  });
});

describe('quarterly self-evaluation (3.3)', () => {
  it('nudge on the first working day of the last two weeks, reminder a week later', () => {
    expect(whenDue('self_eval_nudge', '2025-01-01', '2025-12-31')).toEqual(['2025-03-18 2025-Q1', '2025-06-17 2025-Q2', '2025-09-17 2025-Q3', '2025-12-18 2025-Q4']);
    expect(whenDue('self_eval_reminder', '2025-01-01', '2025-12-31')).toEqual(['2025-03-25 2025-Q1', '2025-06-24 2025-Q2', '2025-09-24 2025-Q3', '2025-12-25 2025-Q4']);
    expect(whenDue('self_eval_nudge', '2026-01-01', '2026-12-31')).toEqual(['2026-03-18 2026-Q1', '2026-06-17 2026-Q2', '2026-09-17 2026-Q3', '2026-12-18 2026-Q4']);
  });

  it('moves to the next working day when the window opens on a weekend', () => {
    // 18 and 25 March 2023 were Saturdays.
    expect(whenDue('self_eval_nudge', '2023-03-01', '2023-03-31')).toEqual(['2023-03-20 2023-Q1']);
    expect(whenDue('self_eval_reminder', '2023-03-01', '2023-03-31')).toEqual(['2023-03-27 2023-Q1']);
    const n = noticesDueOn('2023-03-20', ctx).find((x) => x.kind === 'self_eval_nudge');
    expect(n?.params).toEqual({ year: 2023, quarter: 1, windowStart: '2023-03-18', windowEnd: '2023-03-31' });
  });
});

describe('half-year and year-end evaluations (3.3)', () => {
  it('half-year in July, year-end in December and January', () => {
    expect(whenDue('half_year_eval_nudge', '2025-01-01', '2026-12-31')).toEqual(['2025-07-01 2025-H1', '2026-07-01 2026-H1']);
    expect(whenDue('year_end_eval_nudge', '2025-01-01', '2026-12-31')).toEqual(['2025-12-01 2025', '2026-12-01 2026']);
    // 2026-01-04 is the Sunday 调休 after 元旦, the first working day of 2026.
    expect(whenDue('year_end_eval_reminder', '2025-01-01', '2026-12-31')).toEqual(['2025-01-02 2024', '2026-01-04 2025']);
    // 3.1 The leadership review goes with the year-end evaluation: the OD's nudge to open it, the same day.
    expect(whenDue('leadership_review_nudge', '2025-01-01', '2026-12-31')).toEqual(['2025-12-01 2025', '2026-12-01 2026']);
  });

  it('excellent members: the GB secretaries on the first working day of December, reminded on that of January', () => {
    expect(whenDue('excellent_members_nudge', '2025-01-01', '2026-12-31')).toEqual(['2025-12-01 2025', '2026-12-01 2026']);
    expect(whenDue('excellent_members_reminder', '2025-01-01', '2026-12-31')).toEqual(['2025-01-02 2024', '2026-01-04 2025']);
    expect(noticesDueOn('2026-12-01', ctx).find((n) => n.kind === 'excellent_members_nudge')).toEqual({ kind: 'excellent_members_nudge', audience: 'gb_secretary', period: '2026', params: { evaluatedYear: 2026 } });
  });
});

describe('political birthdays (2.3)', () => {
  it('greets every day, holidays included, with the month-day keys', () => {
    const g = noticesDueOn('2025-10-01', ctx);
    expect(g).toEqual([{ kind: 'birthday_greeting', audience: 'member', period: '2025', params: { date: '2025-10-01', year: 2025, monthDays: [{ month: 10, day: 1 }], leapDayRule: 'feb28' } }]);
    const feb = noticesDueOn('2025-02-28', ctx).find((n) => n.kind === 'birthday_greeting');
    expect(feb?.params).toMatchObject({ monthDays: [{ month: 2, day: 28 }, { month: 2, day: 29 }] });
    const mar1 = noticesDueOn('2025-03-01', { calendar, settings: { ...DEFAULT_SCHEDULE_SETTINGS, leapDayRule: 'mar1' } }).find((n) => n.kind === 'birthday_greeting');
    expect(mar1?.params).toMatchObject({ monthDays: [{ month: 3, day: 1 }, { month: 2, day: 29 }] });
  });

  it('monthly list on the 1st or the next working day', () => {
    const lists = whenDue('birthday_month_list', '2025-01-01', '2025-12-31');
    expect(lists).toHaveLength(12);
    expect(lists.slice(0, 3)).toEqual(['2025-01-02 2025-01', '2025-02-05 2025-02', '2025-03-03 2025-03']);
    expect(lists[9]).toBe('2025-10-09 2025-10');
    const march = noticesDueOn('2026-03-02', { calendar, settings: { ...DEFAULT_SCHEDULE_SETTINGS, leapDayRule: 'mar1' } }).find((n) => n.kind === 'birthday_month_list');
    expect(march?.params).toEqual({ year: 2026, month: 3, keys: { month: 3, exclude: [], extra: [{ month: 2, day: 29 }] } });
  });

  it('activity reminder on the 20th or the next working day', () => {
    const r = whenDue('birthday_activity_reminder', '2025-09-01', '2026-09-30');
    expect(r).toContain('2025-09-22 2025-09'); // 20th a Saturday
    expect(r).toContain('2026-02-24 2026-02'); // 20th inside Spring Festival
    expect(r).toContain('2026-09-20 2026-09'); // 20th a Sunday 调休: a working day
    expect(r).toHaveLength(13);
  });

  it('光荣在党50年 list to the OD on the first working day of January', () => {
    expect(whenDue('party_age_honour_list', '2025-01-01', '2026-12-31')).toEqual(['2025-01-02 2025', '2026-01-04 2026']);
    const n = noticesDueOn('2026-01-04', ctx).find((x) => x.kind === 'party_age_honour_list');
    expect(n?.params).toEqual({ year: 2026, partyAge: 50, fullMemberYear: 1976 });
  });
});

describe('holiday visits (2.1)', () => {
  const visits = (from: string, to: string, c: ScheduleContext = ctx) =>
    [...days(from, to)].flatMap((d) => due(d, c).filter((k) => k.startsWith('holiday_visit')).map((k) => `${d} ${k}`));

  it('Spring Festival 2025: list 14 days ahead, reminder on the Sunday 调休, summary after the break', () => {
    expect(visits('2025-01-01', '2025-02-28')).toEqual([
      '2025-01-15 holiday_visit_list@2025-spring-festival',
      '2025-01-26 holiday_visit_reminder@2025-spring-festival',
      '2025-02-05 holiday_visit_summary@2025-spring-festival',
    ]);
  });

  it('Spring Festival 2026 (17 February)', () => {
    expect(visits('2026-01-01', '2026-03-31')).toEqual([
      '2026-02-03 holiday_visit_list@2026-spring-festival',
      '2026-02-14 holiday_visit_reminder@2026-spring-festival', // a Saturday 调休
      '2026-02-24 holiday_visit_summary@2026-spring-festival',
    ]);
    const n = noticesDueOn('2026-02-03', ctx).find((x) => x.kind === 'holiday_visit_list');
    expect(n).toMatchObject({
      audience: 'branch_secretary',
      params: { id: 'spring-festival', date: '2026-02-17', fullMemberOnOrBefore: '1976-02-17', bornOnOrBefore: '1946-02-17', oldMemberPartyAge: 50, oldMemberAge: 80 },
    });
  });

  it('1 July: a reminder on a weekend moves EARLIER', () => {
    expect(visits('2025-06-01', '2025-07-31')).toEqual([
      '2025-06-17 holiday_visit_list@2025-party-founding',
      '2025-06-27 holiday_visit_reminder@2025-party-founding', // 28 June was a Saturday
      '2025-07-02 holiday_visit_summary@2025-party-founding',
    ]);
    expect(visits('2026-06-01', '2026-07-31')).toEqual([
      '2026-06-17 holiday_visit_list@2026-party-founding',
      '2026-06-26 holiday_visit_reminder@2026-party-founding', // 28 June is a Sunday
      '2026-07-02 holiday_visit_summary@2026-party-founding',
    ]);
  });

  it('configured holidays: lunar rule, crossing National Day', () => {
    const c = withHolidays([{ id: 'chongyang', name: '重阳节', rule: 'lunar:09-09' }]);
    // 重阳 2026 is 18 October; 14 days before is 4 October, inside National Day: the list goes on 30 September.
    expect(visits('2026-09-01', '2026-10-31', c)).toEqual([
      '2026-09-30 holiday_visit_list@2026-chongyang',
      '2026-10-15 holiday_visit_reminder@2026-chongyang',
      '2026-10-19 holiday_visit_summary@2026-chongyang',
    ]);
  });

  it('configured holidays across the year boundary', () => {
    const c = withHolidays([
      { id: 'new-year', name: '元旦', rule: '01-01' },
      { id: 'year-end', name: '年终', rule: '12-31' },
    ]);
    expect(due('2026-12-18', c)).toContain('holiday_visit_list@2027-new-year');
    // After 31 December 2025 come 元旦's days off; the Sunday 调休 on 4 January is the first working day.
    expect(due('2026-01-04', c)).toContain('holiday_visit_summary@2025-year-end');
  });

  it('one-off dates and lunar dates that fall in January', () => {
    const settings = {
      ...DEFAULT_SCHEDULE_SETTINGS,
      extraHolidays: [
        { id: 'laba', name: '腊八', rule: 'lunar:12-08' },
        { id: 'chuxi', name: '除夕', rule: 'lunar:12-30' },
        { id: 'anniversary', name: '校庆', date: '2026-05-20' },
      ],
    };
    const dates = (y: number) => holidaysInYear(y, settings).map((h) => `${h.id} ${h.date}`);
    expect(dates(2025)).toEqual(['spring-festival 2025-01-29', 'party-founding 2025-07-01', 'laba 2025-01-07', 'chuxi 2025-01-28']);
    expect(dates(2026)).toEqual(['spring-festival 2026-02-17', 'party-founding 2026-07-01', 'laba 2026-01-26', 'chuxi 2026-02-16', 'anniversary 2026-05-20']);
  });

  it.each<[HolidaySetting, RegExp]>([
    [{ id: 'Bad Id', name: 'x', rule: '10-01' }, /slug/],
    [{ id: 'spring-festival', name: 'x', rule: '10-01' }, /built in/],
    [{ id: 'leap', name: 'x', rule: '02-29' }, /rule/],
    [{ id: 'both', name: 'x', rule: '10-01', date: '2026-10-01' }, /either/],
    [{ id: 'none', name: 'x' }, /either/],
    [{ id: 'lunar', name: 'x', rule: 'lunar:13-01' }, /rule/],
    [{ id: 'noname', name: ' ', rule: '10-01' }, /name/],
  ])('refuses %j', (h, message) => {
    expect(() => checkHolidaySetting(h)).toThrow(message);
  });
});

describe('settings', () => {
  it.each<[Partial<typeof DEFAULT_SCHEDULE_SETTINGS>, RegExp]>([
    [{ leapDayRule: 'mar2' as 'mar1' }, /leapDayRule/],
    [{ holidayListDaysBefore: -1 }, /holidayListDaysBefore/],
    [{ holidayReminderDaysBefore: 2.5 }, /holidayReminderDaysBefore/],
    [{ extraHolidays: [{ id: 'x', name: 'x', rule: '10-01' }, { id: 'x', name: 'y', rule: '11-01' }] }, /twice/],
  ])('refuses %j', (patch, message) => {
    const settings = { ...DEFAULT_SCHEDULE_SETTINGS, ...patch };
    expect(() => checkScheduleSettings(settings)).toThrow(message);
    expect(() => noticesDueOn('2025-06-03', { calendar, settings })).toThrow(message);
  });

  it('uses the configured offsets', () => {
    const c: ScheduleContext = { calendar, settings: { ...DEFAULT_SCHEDULE_SETTINGS, holidayListDaysBefore: 21, holidayReminderDaysBefore: 7 } };
    expect(due('2026-06-10', c)).toContain('holiday_visit_list@2026-party-founding');
    expect(due('2026-06-24', c)).toContain('holiday_visit_reminder@2026-party-founding');
  });
});

describe('every rule together', () => {
  const all = (from: string, to: string) => [...days(from, to)].map((d) => [d, noticesDueOn(d, ctx)] as [string, Notice[]]);
  const span = all('2025-01-01', '2026-12-31');

  it('nudges only on working days; a non-working day has only the greeting', () => {
    for (const [d, notices] of span) {
      const others = notices.filter((n) => n.kind !== 'birthday_greeting');
      expect(notices.filter((n) => n.kind === 'birthday_greeting')).toHaveLength(1);
      if (!calendar.isWorkingDay(d)) expect(others, d).toEqual([]);
    }
  });

  it('each (kind, period) falls on exactly one day, so the UNIQUE key never collides across days', () => {
    const seen = new Map<string, string>();
    for (const [d, notices] of span) {
      for (const n of notices) {
        if (n.kind === 'birthday_greeting') continue;
        const key = `${n.kind}@${n.period}`;
        expect(seen.get(key), `${key} on ${d}`).toBeUndefined();
        seen.set(key, d);
      }
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it('the OD\'s pairing list (issue 12): each month\'s first working day', () => {
    expect(whenDue('pairing_monthly_list', '2025-01-01', '2025-12-31')).toEqual([
      '2025-01-02 2025-01',
      '2025-02-05 2025-02',
      '2025-03-03 2025-03',
      '2025-04-01 2025-04',
      '2025-05-06 2025-05',
      '2025-06-03 2025-06',
      '2025-07-01 2025-07',
      '2025-08-01 2025-08',
      '2025-09-01 2025-09',
      '2025-10-09 2025-10',
      '2025-11-03 2025-11',
      '2025-12-01 2025-12',
    ]);
  });

  it('is deterministic', () => {
    expect(noticesDueOn('2025-12-01', ctx)).toEqual(noticesDueOn('2025-12-01', ctx));
    expect(due('2025-12-01')).toEqual([
      'talk_quota_progress@2025-12',
      'talk_quota_remaining@2025',
      'birthday_month_list@2025-12',
      'year_end_eval_nudge@2025',
      'excellent_members_nudge@2025',
      'leadership_review_nudge@2025',
      'pairing_monthly_list@2025-12',
      'subsidy_payment_list@2025-12',
      // Issue 16: a Monday and the month's first working day.
      'dashboard_digest_weekly@2025-W49',
      'dashboard_digest_monthly@2025-12',
    ].sort());
  });
});

describe('a year without official holiday data', () => {
  const only2025 = createWorkingDayCalendar({ holidays: ['2025-10-01'], workdays: [] }, 'test data');
  const c: ScheduleContext = { calendar: only2025, settings: DEFAULT_SCHEDULE_SETTINGS };

  it('tells the OD on working days of that year, under one period, and uses weekends only', () => {
    expect(due('2026-01-05', c)).toContain('holiday_data_missing@2026');
    expect(noticesDueOn('2026-01-05', c).find((n) => n.kind === 'holiday_data_missing')?.params).toEqual({ year: 2026, source: 'test data' });
    expect(due('2026-01-03', c)).toEqual([]); // a Saturday
    expect(due('2025-06-03', c)).not.toContain('holiday_data_missing@2025');
    // Without the 2026 notice, 1 January is an ordinary Thursday: the month's list goes that day.
    expect(due('2026-01-01', c)).toContain('birthday_month_list@2026-01');
  });

  it('with the installed data, the first year after it is such a year', () => {
    const year = calendar.coveredYears.at(-1)! + 1;
    const firstWeekday = [...days(`${year}-01-01`, `${year}-01-07`)].find((d) => calendar.isWorkingDay(d))!;
    expect(due(firstWeekday)).toContain(`holiday_data_missing@${year}`);
  });
});
