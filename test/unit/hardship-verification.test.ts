// Issue 12, section 2: the May/November verification's pure rules — the calendar of its nudges (with the
// Labour Day holiday and its adjusted working days), the period of a day, paging a GB's list on cards of six
// buttons, what a submission reports as changed, the committee's totals, and who may verify a GB's list.
import { describe, expect, it } from 'vitest';
import { chineseWorkingDayCalendar, createWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { addDays } from '../../src/domain/dates.ts';
import { DEFAULT_SCHEDULE_SETTINGS, noticesDueOn, type ScheduleContext } from '../../src/domain/schedule.ts';
import { mayApprove, mayVerifyGeneralBranch, type AccessPerson } from '../../src/domain/access.ts';
import {
  changesFrom,
  ENTRIES_PER_PAGE,
  isVerificationPeriod,
  noChanges,
  pageCount,
  pageOf,
  periodFromKey,
  periodKey,
  summariseVerification,
  verificationPeriodOn,
  verificationTotals,
  type VerificationRow,
} from '../../src/domain/hardship-verification.ts';
import { verificationPageCard, verificationReport, verificationSummaryMessage, submittedText, markOf } from '../../src/assistance/verification-text.ts';
import { NOTICE_TEMPLATES } from '../../src/notices/templates.ts';

const ctx: ScheduleContext = { calendar: chineseWorkingDayCalendar(), settings: DEFAULT_SCHEDULE_SETTINGS };

/** The hardship verification's notices of a month: 'date kind@period'. */
function verificationDays(year: number, month: '05' | '11', c: ScheduleContext = ctx): string[] {
  const out: string[] = [];
  for (let d = `${year}-${month}-01`; d.slice(5, 7) === month; d = addDays(d, 1)) {
    for (const n of noticesDueOn(d, c)) if (n.kind.startsWith('hardship_review')) out.push(`${d} ${n.kind.replace('hardship_review_', '')}@${n.period}`);
  }
  return out;
}

describe('the verification calendar (1st working day, 15th, 25th, last working day) around Labour Day', () => {
  it('May: the nudge waits for the end of the 劳动节 break, and an adjusted working day counts', () => {
    // 2019: 1–4 May off, Sunday 5 May an adjusted working day (调休) — the nudge goes that Sunday.
    expect(verificationDays(2019, '05')).toEqual(['2019-05-05 nudge@2019-05', '2019-05-15 reminder@2019-05-15', '2019-05-27 reminder@2019-05-25', '2019-05-31 escalation@2019-05']);
    // 2022: 30 April – 4 May off; 2023: 29 April – 3 May off.
    expect(verificationDays(2022, '05')[0]).toBe('2022-05-05 nudge@2022-05');
    expect(verificationDays(2023, '05')[0]).toBe('2023-05-04 nudge@2023-05');
    // 2024: 1–5 May off (Saturday 11 May worked, which changes nothing here); the 25th a Saturday.
    expect(verificationDays(2024, '05')).toEqual(['2024-05-06 nudge@2024-05', '2024-05-15 reminder@2024-05-15', '2024-05-27 reminder@2024-05-25', '2024-05-31 escalation@2024-05']);
    expect(verificationDays(2026, '05')).toEqual(['2026-05-06 nudge@2026-05', '2026-05-15 reminder@2026-05-15', '2026-05-25 reminder@2026-05-25', '2026-05-29 escalation@2026-05']);
  });

  it('November: a weekend 1st moves the nudge to Monday, a weekend 15th or 25th the reminder; the 30th a Monday is the last working day', () => {
    expect(verificationDays(2023, '11')).toEqual(['2023-11-01 nudge@2023-11', '2023-11-15 reminder@2023-11-15', '2023-11-27 reminder@2023-11-25', '2023-11-30 escalation@2023-11']);
    expect(verificationDays(2026, '11')).toEqual(['2026-11-02 nudge@2026-11', '2026-11-16 reminder@2026-11-15', '2026-11-25 reminder@2026-11-25', '2026-11-30 escalation@2026-11']);
  });

  it('no notice of the verification in any other month', () => {
    for (const month of ['01', '04', '06', '10', '12'] as const) {
      const out: string[] = [];
      for (let d = `2026-${month}-01`; d.slice(5, 7) === month; d = addDays(d, 1)) out.push(...noticesDueOn(d, ctx).filter((n) => n.kind.startsWith('hardship_review')).map((n) => n.kind));
      expect(out, month).toEqual([]);
    }
  });

  it('a year without holiday data falls back to weekends: 1 May 2027 is a Saturday, the nudge goes on Monday the 3rd', () => {
    const c: ScheduleContext = { calendar: createWorkingDayCalendar({ holidays: [], workdays: [] }), settings: DEFAULT_SCHEDULE_SETTINGS };
    expect(verificationDays(2027, '05', c)[0]).toBe('2027-05-03 nudge@2027-05');
  });
});

describe('the period of a day', () => {
  it('May and November only', () => {
    expect(verificationPeriodOn('2026-05-06')).toBe('2026-05');
    expect(verificationPeriodOn('2026-11-30')).toBe('2026-11');
    expect(verificationPeriodOn('2026-12-01')).toBeUndefined();
    expect(verificationPeriodOn('2026-04-30')).toBeUndefined();
    expect(isVerificationPeriod('2026-11')).toBe(true);
    expect(isVerificationPeriod('2026-10')).toBe(false);
    expect(isVerificationPeriod('2026-5')).toBe(false);
  });

  it('as a card key carries it, and nothing else read back', () => {
    expect(periodKey('2026-11')).toBe('202611');
    expect(periodFromKey('202611')).toBe('2026-11');
    expect(periodFromKey('202612')).toBeUndefined();
    expect(periodFromKey('2026-11')).toBeUndefined();
    expect(periodFromKey(undefined)).toBeUndefined();
  });
});

const row = (over: Partial<VerificationRow> & { name: string }): VerificationRow => ({
  entryId: String(Math.abs(hash(over.name))),
  memberId: String(Math.abs(hash(over.name)) + 1),
  branch: '教工第一党支部',
  status: 'approved',
  causes: ['illness'],
  archiveReason: '',
  action: null,
  causesBefore: [],
  causesAfter: [],
  byDefault: false,
  ...over,
});
function hash(s: string): number {
  let h = 7;
  for (const ch of s) h = (h * 31 + ch.codePointAt(0)!) | 0;
  return h;
}

describe('paging a GB list: two entries a card, with 下一页 and 核实完毕', () => {
  const rows = ['甲一', '乙二', '丙三', '丁四', '戊五'].map((name) => row({ name }));

  it('pages of two, the last page clamped, an empty list one page', () => {
    expect(ENTRIES_PER_PAGE).toBe(2);
    expect(pageCount(0)).toBe(1);
    expect(pageCount(5)).toBe(3);
    expect(pageOf(rows, 1).entries.map((r) => r.name)).toEqual(['甲一', '乙二']);
    expect(pageOf(rows, 3)).toMatchObject({ page: 3, pages: 3 });
    expect(pageOf(rows, 3).entries.map((r) => r.name)).toEqual(['戊五']);
    expect(pageOf(rows, 9).page).toBe(3);
    expect(pageOf(rows, 0).page).toBe(1);
  });

  it('a card never holds more than six buttons, and only the last page lacks 下一页', () => {
    for (let page = 1; page <= 3; page++) {
      const card = verificationPageCard({ taskId: `t${page}`, gbId: '7', generalBranch: '计算机学院党总支', period: '2026-11', rows, page });
      if (card.type !== 'card') throw new Error('a card');
      expect(card.card.buttons.length).toBeLessThanOrEqual(6);
      const texts = card.card.buttons.map((b) => b.text);
      expect(texts.at(-1)).toBe('核实完毕');
      expect(texts.includes('下一页')).toBe(page < 3);
      expect(card.card.title).toBe(`11月困难党员核实（${page}/3）`);
    }
    const first = verificationPageCard({ taskId: 't', gbId: '7', generalBranch: 'G', period: '2026-11', rows, page: 1 });
    if (first.type !== 'card') throw new Error('a card');
    expect(first.card.buttons.map((b) => b.actionKey)).toEqual([
      `hvok-${rows[0]!.entryId}-202611`,
      `hvarchive-${rows[0]!.entryId}-202611`,
      `hvok-${rows[1]!.entryId}-202611`,
      `hvarchive-${rows[1]!.entryId}-202611`,
      'hvpage-7-202611-2',
      'hvsubmit-7-202611',
    ]);
    expect(first.card.fields).toEqual([
      ['甲一', '未核实｜患病｜教工第一党支部'],
      ['乙二', '未核实｜患病｜教工第一党支部'],
    ]);
  });

  it('an entry archived in the period shows its mark and has no buttons; an empty list still has 核实完毕', () => {
    const card = verificationPageCard({ taskId: 't', gbId: '7', generalBranch: 'G', period: '2026-05', rows: [row({ name: '王芳', status: 'archived', action: 'archived' }), row({ name: '张伟' })], page: 1 });
    if (card.type !== 'card') throw new Error('a card');
    expect(card.card.buttons.map((b) => b.text)).toEqual(['张伟仍困难', '张伟已好转', '核实完毕']);
    expect(card.card.fields![0]).toEqual(['王芳', '已好转，已归档｜患病｜教工第一党支部']);
    const empty = verificationPageCard({ taskId: 't', gbId: '7', generalBranch: 'G', period: '2026-05', rows: [], page: 1 });
    if (empty.type !== 'card') throw new Error('a card');
    expect(empty.card.buttons.map((b) => b.text)).toEqual(['核实完毕']);
  });
});

describe('what a submission reports', () => {
  const rows: VerificationRow[] = [
    row({ name: '王芳', status: 'archived', action: 'archived', causes: ['illness'], causesBefore: ['illness'], causesAfter: ['illness'], archiveReason: '已再就业' }),
    row({ name: '张伟', causes: ['old_age', 'illness'], action: 'confirmed', causesBefore: ['old_age'], causesAfter: ['illness', 'old_age'] }),
    row({ name: '冯无号', causes: ['disability'], action: 'added', causesBefore: [], causesAfter: ['disability'] }),
    row({ name: '郑老党员', causes: ['old_age'], action: 'confirmed', causesBefore: ['old_age'], causesAfter: ['old_age'] }),
    row({ name: '吴生日', causes: ['frailty'], action: 'confirmed', causesBefore: ['frailty'], causesAfter: ['frailty'], byDefault: true }),
    row({ name: '周未标', causes: ['other'] }),
  ];

  it('added, archived and causes changed, with names and cause codes; the verified count is the list after', () => {
    const s = summariseVerification(rows);
    expect(s.verifiedCount).toBe(5);
    expect(s.unmarked).toBe(1);
    expect(s.confirmed).toBe(2);
    expect(s.confirmedByDefault).toBe(1);
    expect(s.changes.added).toEqual([{ memberId: expect.any(String), name: '冯无号', branch: '教工第一党支部', causes: ['disability'] }]);
    expect(s.changes.archived).toEqual([{ memberId: expect.any(String), name: '王芳', branch: '教工第一党支部', causes: ['illness'], reason: '已再就业' }]);
    // The same causes in another order are no change; old_age → old_age + illness is one.
    expect(s.changes.causesChanged).toEqual([{ memberId: expect.any(String), name: '张伟', branch: '教工第一党支部', before: ['old_age'], after: ['old_age', 'illness'] }]);
  });

  it('an entry confirmed and then archived by the GB in the month is reported archived; nothing marked is no change', () => {
    const s = summariseVerification([row({ name: '李四', status: 'archived', action: 'confirmed', causesBefore: ['illness'], causesAfter: ['illness'], archiveReason: '已好转' })]);
    expect(s.changes.archived.map((a) => a.name)).toEqual(['李四']);
    expect(s.verifiedCount).toBe(0);
    expect(noChanges(summariseVerification([row({ name: '甲' }), row({ name: '乙', action: 'confirmed', causesBefore: ['illness'], causesAfter: ['illness'] })]).changes)).toBe(true);
  });

  it('the OD report names what changed, or says 无变化; the submitter hears how many were confirmed by default', () => {
    const s = summariseVerification(rows);
    const report = verificationReport({ generalBranch: '计算机学院党总支', period: '2026-11', summary: s, by: '孙总支', on: '2026-11-05' });
    expect(report).toEqual({
      type: 'markdown',
      content: [
        '**计算机学院党总支2026年11月困难党员核实已上报**',
        '核实后生活困难党员 5 名（其中 1 名未逐一标记，按无变化上报）。',
        '新增 1 名：',
        '- 冯无号（教工第一党支部）：残疾',
        '归档 1 名：',
        '- 王芳（教工第一党支部）：已再就业',
        '原因变更 1 名：',
        '- 张伟（教工第一党支部）：年老 → 年老、患病',
        '上报人：孙总支；上报日期：11月5日。',
      ].join('\n'),
    });
    const none = verificationReport({ generalBranch: 'G', period: '2026-05', summary: summariseVerification([row({ name: '甲', action: 'confirmed', causesBefore: ['illness'], causesAfter: ['illness'], byDefault: true })]), by: null, on: '2026-05-29' });
    expect(none.type === 'markdown' && none.content).toContain('无变化。');
    expect(none.type === 'markdown' && none.content).toContain('上报人：党委组织部（代为登记）');
    expect(submittedText({ generalBranch: 'G', period: '2026-05', summary: summariseVerification([]), confirmedNow: 0 })).toBe('G2026年5月生活困难党员核实情况已上报党委组织部。核实后生活困难党员 0 名，名单无变化。');
    expect(submittedText({ generalBranch: 'G', period: '2026-11', summary: s, confirmedNow: 1 })).toBe(
      'G2026年11月生活困难党员核实情况已上报党委组织部。核实后生活困难党员 5 名，新增 冯无号；归档 王芳；原因变更 张伟。其中 1 名未逐一核实，按“仍困难、无变化”上报。',
    );
  });

  it('the committee totals and the OD summary once every GB has reported', () => {
    const a = { generalBranch: '计算机学院党总支', ...summariseVerification(rows) };
    const b = { generalBranch: '数学学院党总支', verifiedCount: 0, changes: changesFrom({}) };
    expect(verificationTotals([a, b])).toEqual({ generalBranches: 2, verified: 5, added: 1, archived: 1, causesChanged: 1 });
    const m = verificationSummaryMessage({ period: '2026-11', reports: [a, b] });
    expect(m.type === 'markdown' && m.content.split('\n')).toEqual([
      '**2026年11月困难党员核实：各党总支均已上报**',
      '2 个党总支均已上报，核实后生活困难党员共 5 名；新增 1 名、归档 1 名、原因变更 1 名。',
      '- 计算机学院党总支：5 名，新增1、归档1、原因变更1',
      '- 数学学院党总支：0 名，无变化',
    ]);
    const esc = NOTICE_TEMPLATES.hardshipReviewEscalation({ year: 2026, month: 11, generalBranches: [{ name: '数学学院党总支' }], submitted: verificationTotals([a]), late: false });
    expect(esc.type === 'markdown' && esc.content).toContain('已上报 1 个党总支，核实后生活困难党员共 5 名；新增 1 名、归档 1 名、原因变更 1 名。');
  });

  it('a stored report from before this capability ({}) reads as no change', () => {
    expect(changesFrom({})).toEqual({ added: [], archived: [], causesChanged: [] });
    expect(changesFrom(null)).toEqual({ added: [], archived: [], causesChanged: [] });
  });

  it('the marks an entry shows', () => {
    expect(markOf(row({ name: 'a' }))).toBe('未核实');
    expect(markOf(row({ name: 'a', action: 'confirmed', causesBefore: ['illness'], causesAfter: ['illness'] }))).toBe('仍困难');
    expect(markOf(row({ name: 'a', action: 'confirmed', causesBefore: ['illness'], causesAfter: ['disability'] }))).toBe('仍困难，原因已更新');
    expect(markOf(row({ name: 'a', action: 'confirmed', byDefault: true }))).toBe('无变化');
    expect(markOf(row({ name: 'a', action: 'added' }))).toBe('新增');
    expect(markOf(row({ name: 'a', status: 'archived', action: 'archived' }))).toBe('已好转，已归档');
  });
});

describe('who may verify a GB list (access rule)', () => {
  const person = (roles: AccessPerson['roles'], memberId = '1'): AccessPerson => ({ memberId, branchId: 'b1', generalBranchId: 'g1', committeeId: 'c1', roles, linkedGeneralBranchIds: ['g1'] });
  const gb = { id: 'g1', kind: 'general_branch' as const, generalBranchId: 'g1', committeeId: 'c1' };

  it('its secretary and the OD; not its committee members, unit leader, branch secretaries, committee members or another GB', () => {
    expect(mayVerifyGeneralBranch(person([{ role: 'gb_secretary', organisationId: 'g1' }]), gb)).toBe(true);
    expect(mayVerifyGeneralBranch(person([{ role: 'od_staff', organisationId: 'c1' }]), gb)).toBe(true);
    for (const r of [
      { role: 'gb_member', organisationId: 'g1' },
      { role: 'unit_leader', organisationId: 'g1' },
      { role: 'branch_secretary', organisationId: 'b1' },
      { role: 'committee_member', organisationId: 'c1' },
      { role: 'committee_secretary', organisationId: 'c1' },
      { role: 'gb_secretary', organisationId: 'g2' },
      { role: 'od_staff', organisationId: 'c2' },
    ] as const) {
      expect(mayVerifyGeneralBranch(person([r]), gb), r.role + r.organisationId).toBe(false);
    }
    expect(mayVerifyGeneralBranch(person([{ role: 'gb_secretary', organisationId: 'b1' }]), { ...gb, id: 'b1', kind: 'branch' })).toBe(false);
  });

  it('each entry: nobody verifies their own', () => {
    const secretary = person([{ role: 'gb_secretary', organisationId: 'g1' }], '5');
    expect(mayApprove(secretary, 'hardship_verification', { memberId: '6', branchId: 'b1', generalBranchId: 'g1', committeeId: 'c1' })).toBe(true);
    expect(mayApprove(secretary, 'hardship_verification', { memberId: '5', branchId: 'b1', generalBranchId: 'g1', committeeId: 'c1' })).toBe(false);
  });
});
