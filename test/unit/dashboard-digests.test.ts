// Issue 16 section 4: the dashboard's digests, decided without I/O — which day each goes (the working-day
// calendar), who gets which about what scope, that nobody with nothing open gets one, that the committee
// secretary's leaves out the sensitive figures, and what the message says.
import { describe, expect, it } from 'vitest';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { addDays } from '../../src/domain/dates.ts';
import { DEFAULT_SCHEDULE_SETTINGS, isoWeekOf, noticesDueOn, type NoticeKind } from '../../src/domain/schedule.ts';
import { checkSetting, SETTINGS } from '../../src/domain/settings.ts';
import { dashboardHomeUrl, openItemLines, selectDigests, visibleFigures, type DigestRecipient } from '../../src/dashboard/digests.ts';
import { digestMessage } from '../../src/dashboard/figure-text.ts';
import { FIGURE_KEYS, openItemsOf, SENSITIVE_FIGURES, zeroFigures, type BranchFigures, type Figures } from '../../src/dashboard/figures.ts';
import { MESSAGE_MAX_BYTES } from '../../src/notices/message-limit.ts';

const calendar = chineseWorkingDayCalendar();

function whenDue(kind: NoticeKind, from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) for (const n of noticesDueOn(d, { calendar, settings: DEFAULT_SCHEDULE_SETTINGS })) if (n.kind === kind) out.push(`${d} ${n.period}`);
  return out;
}

describe('which day each digest goes', () => {
  it('weekly: the first working day of each ISO week — Monday, else the next working day that week, else none', () => {
    // 2026: Spring Festival 15–23 February off, Saturday the 14th an adjusted working day (in the week of the 9th).
    expect(whenDue('dashboard_digest_weekly', '2026-02-01', '2026-03-03')).toEqual(['2026-02-02 2026-W06', '2026-02-09 2026-W07', '2026-02-24 2026-W09', '2026-03-02 2026-W10']);
    // National Day 1–7 October 2026 (the 8th too): the week of the 5th has no working day; the 8th opens W41.
    expect(whenDue('dashboard_digest_weekly', '2026-09-28', '2026-10-18')).toEqual(['2026-09-28 2026-W40', '2026-10-08 2026-W41', '2026-10-12 2026-W42']);
    // ISO weeks across the year's end: 28 December 2026 is in 2026-W53, 4 January 2027 in 2027-W01.
    expect(whenDue('dashboard_digest_weekly', '2026-12-27', '2027-01-05')).toEqual(['2026-12-28 2026-W53', '2027-01-04 2027-W01']);
  });

  it('monthly on the first working day of the month, quarterly on the first of the quarter', () => {
    expect(whenDue('dashboard_digest_monthly', '2026-09-01', '2026-12-31')).toEqual(['2026-09-01 2026-09', '2026-10-08 2026-10', '2026-11-02 2026-11', '2026-12-01 2026-12']);
    // 4 January 2026 was a Sunday made a working day: the first working day of January.
    expect(whenDue('dashboard_digest_quarterly', '2026-01-01', '2026-12-31')).toEqual(['2026-01-04 2026-Q1', '2026-04-01 2026-Q2', '2026-07-01 2026-Q3', '2026-10-08 2026-Q4']);
  });

  it('ISO weeks', () => {
    expect(isoWeekOf('2026-12-03')).toEqual({ monday: '2026-11-30', year: 2026, week: 49 });
    expect(isoWeekOf('2027-01-03')).toEqual({ monday: '2026-12-28', year: 2026, week: 53 });
    expect(isoWeekOf('2024-12-30')).toEqual({ monday: '2024-12-30', year: 2025, week: 1 });
  });

  it('each digest is a setting, on by default, "on" or "off"', () => {
    for (const key of ['dashboard_digest_weekly', 'dashboard_digest_monthly', 'dashboard_digest_quarterly'] as const) {
      expect(SETTINGS[key].default).toBe('on');
      expect(checkSetting(key, 'off')).toBe('off');
      expect(() => checkSetting(key, false)).toThrow(/"on"（开启）或"off"（关闭）/);
    }
  });
});

const C = '1';
const fig = (over: Partial<Figures>): Figures => ({ ...zeroFigures(), ...over });
const branch = (branchId: string, branchName: string, generalBranchId: string, generalBranchName: string, figures: Partial<Figures>): BranchFigures => ({
  branchId,
  branchName,
  generalBranchId,
  generalBranchName,
  figures: fig(figures),
});

// Two general branches: 计算机学院 (branches 11 and 12) and 数学学院 (branch 21, nothing open but a verification).
const BRANCHES = new Map([
  [
    C,
    [
      branch('11', '教工第一党支部', '10', '计算机学院党总支', { talkQuotaOwed: 10, talkQuotaDone: 6, triggerOpen: 1, triggerOverdue: 2, suggestionsAwaiting: 1, suggestionsOverdue: 1 }),
      branch('12', '学生党支部', '10', '计算机学院党总支', { talkQuotaOwed: 4, talkQuotaDone: 4 }),
      branch('21', '教工党支部', '20', '数学学院党总支', { talkQuotaOwed: 5, talkQuotaDone: 5, hardshipAwaitingVerification: 2 }),
    ],
  ],
]);

const person = (memberId: string, roles: Array<[string, string]>): DigestRecipient => ({
  memberId,
  userid: `u${memberId}`,
  name: `同志${memberId}`,
  committeeId: C,
  roles: roles.map(([role, organisationId]) => ({ role: role as never, organisationId })),
});

describe('who gets which digest', () => {
  it('weekly: a GB secretary their GB, a branch secretary their branch; nobody with nothing open', () => {
    const gbSecretary = person('1', [['gb_secretary', '10']]);
    const branchSecretary = person('2', [['branch_secretary', '11']]);
    const quietBranch = person('3', [['branch_secretary', '12']]);
    const od = person('4', [['od_staff', C]]);
    const got = selectDigests('weekly', [gbSecretary, branchSecretary, quietBranch, od], BRANCHES);
    expect(got.map((d) => [d.recipient.memberId, d.sections.map((s) => `${s.level}:${s.name}`), d.open, d.overdue])).toEqual([
      // 4 talks left, 3 trigger obligations (2 overdue), 1 suggestion awaiting (overdue).
      ['1', ['general_branch:计算机学院党总支'], 8, 3],
      ['2', ['branch:教工第一党支部'], 8, 3],
    ]);
    // The GB's branches with something open, most overdue first (the quiet branch is not named).
    expect(got[0]!.sections[0]!.parts).toEqual([{ id: '11', name: '教工第一党支部', open: 8, overdue: 3 }]);
  });

  it('a GB secretary who is also secretary of one of its branches gets one digest, the branch inside the GB', () => {
    const both = person('5', [
      ['gb_secretary', '10'],
      ['branch_secretary', '11'],
    ]);
    const got = selectDigests('weekly', [both], BRANCHES);
    expect(got).toHaveLength(1);
    expect(got[0]!.sections.map((s) => s.name)).toEqual(['计算机学院党总支']);
  });

  it('monthly to the OD only, the whole committee with sensitive figures; quarterly to the committee secretary without them', () => {
    const od = person('4', [['od_staff', C]]);
    const secretary = person('6', [['committee_secretary', C]]);
    const monthly = selectDigests('monthly', [od, secretary], BRANCHES);
    expect(monthly.map((d) => d.recipient.memberId)).toEqual(['4']);
    // 8 in 计算机学院 and 2 verifications in 数学学院.
    expect(monthly[0]!.sections.map((s) => [s.level, s.name, s.open, s.overdue, s.parts.map((p) => p.name)])).toEqual([['committee', '全校', 10, 3, ['计算机学院党总支', '数学学院党总支']]]);
    const quarterly = selectDigests('quarterly', [od, secretary], BRANCHES);
    expect(quarterly.map((d) => d.recipient.memberId)).toEqual(['6']);
    // The hardship verification is sensitive: the committee secretary does not see it, and 数学学院 has nothing else.
    expect(quarterly[0]!.sections[0]!.open).toBe(8);
    expect(quarterly[0]!.sections[0]!.parts.map((p) => p.name)).toEqual(['计算机学院党总支']);
    expect(quarterly[0]!.sections[0]!.figures.hardshipAwaitingVerification).toBe(0);
  });

  it('a committee whose only open item is sensitive: the OD gets a digest, the committee secretary none', () => {
    const only = new Map([[C, [branch('21', '教工党支部', '20', '数学学院党总支', { hardshipAwaitingVerification: 1 })]]]);
    expect(selectDigests('monthly', [person('4', [['od_staff', C]])], only)).toHaveLength(1);
    expect(selectDigests('quarterly', [person('6', [['committee_secretary', C]])], only)).toEqual([]);
  });

  it('an office in another committee, or a role that gets no digest of this kind, gets nothing', () => {
    expect(selectDigests('monthly', [person('7', [['od_staff', '999']])], BRANCHES)).toEqual([]);
    expect(selectDigests('weekly', [person('8', [['gb_member', '10'], ['unit_leader', '10']])], BRANCHES)).toEqual([]);
    expect(selectDigests('weekly', [person('9', [['gb_secretary', '10']])], new Map())).toEqual([]);
  });
});

describe('the open items', () => {
  it('the lines add up to openItemsOf, item by item', () => {
    // Every figure a different prime-ish number, so a line that took the wrong key would not add up.
    const f = Object.fromEntries(FIGURE_KEYS.map((k, i) => [k, 3 + i * 7])) as Figures;
    const lines = openItemLines(f);
    expect(lines.reduce((n, l) => n + l.open, 0)).toBe(openItemsOf(f).open);
    expect(lines.reduce((n, l) => n + l.overdue, 0)).toBe(openItemsOf(f).overdue);
    expect(openItemLines(zeroFigures())).toEqual([]);
  });

  it('sensitive figures are zeros for a viewer who may not see them', () => {
    const f = Object.fromEntries(FIGURE_KEYS.map((k) => [k, 5])) as Figures;
    const hidden = visibleFigures(f, false);
    for (const k of FIGURE_KEYS) expect(hidden[k]).toBe(SENSITIVE_FIGURES.includes(k) ? 0 : 5);
    expect(visibleFigures(f, true)).toBe(f);
  });
});

describe('the digest message', () => {
  const [digest] = selectDigests('weekly', [person('1', [['gb_secretary', '10']])], BRANCHES);

  it('says what is open, item by item, with one link to the dashboard and how to sign in', () => {
    const m = digestMessage(digest!, { today: '2026-12-07', dashboardUrl: 'https://dj.example.edu.cn/dashboard/', late: false });
    expect(m.type).toBe('markdown');
    const text = (m as { content: string }).content;
    expect(text).toContain('**本周工作提示（12月7日）**');
    expect(text).toContain('同志1同志：截至今日，您负责的范围内有待办 8 项，其中逾期 3 项。');
    expect(text).toContain('- 五必访、五必谈事项 3 项，其中逾期 2 项');
    expect(text).toContain('- 年度谈心尚余 4 人次（已完成 10/14）');
    expect(text).toContain('- 意见建议待答复 1 件，其中逾期 1 件');
    expect(text).toContain('[打开工作台查看详情](https://dj.example.edu.cn/dashboard/)');
    expect(text).toContain('请向我发送“后台”获取登录链接');
    expect(text.match(/\]\(/g)).toHaveLength(1);
  });

  it('without the server address it gives the 后台 way only; a late sweep says so', () => {
    const text = (digestMessage(digest!, { today: '2026-12-07', dashboardUrl: undefined, late: true }) as { content: string }).content;
    expect(text).not.toContain('](');
    expect(text).toContain('查看详情，请向我发送“后台”获取工作台登录链接。');
    expect(text).toContain('延迟送达');
  });

  it('names escaped; a committee of many general branches stays within one message', () => {
    const many = new Map([[C, Array.from({ length: 80 }, (_, i) => branch(`${100 + i}`, `第${i}党支部`, `${500 + i}`, `[点此](http://evil.example)学院${i}党总支`, { triggerOverdue: 1 }))]]);
    const [d] = selectDigests('monthly', [person('4', [['od_staff', C]])], many);
    const text = (digestMessage(d!, { today: '2026-12-01', dashboardUrl: 'https://dj.example.edu.cn/dashboard/', late: false }) as { content: string }).content;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
    expect(text).not.toContain('http://evil');
    expect(text).toContain('等 80 个');
  });

  it('the link is the dashboard home under the public address', () => {
    expect(dashboardHomeUrl({ publicUrl: 'https://dj.example.edu.cn/', host: '0.0.0.0', port: 3000 })).toBe('https://dj.example.edu.cn/dashboard/');
    expect(dashboardHomeUrl({ publicUrl: undefined, host: '0.0.0.0', port: 3000 })).toBe('http://127.0.0.1:3000/dashboard/');
  });
});
