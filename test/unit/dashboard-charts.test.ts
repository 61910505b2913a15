// Issue 16 section 3: the charts are SVG drawn on the server, carry their numbers, stay small, and the page's
// pure helpers (progress, the home page's targets, the downloads' dates) say what they should.
import { describe, expect, it } from 'vitest';
import { axisName, monthsSvg, quotaBarsSvg, visitCalendarSvg, visitPieces } from '../../src/dashboard/charts.ts';
import { periodOf, zeroFigures } from '../../src/dashboard/figures.ts';
import { downloadRange, homeTargets, scopeOfOrganisation } from '../../src/dashboard/pages.ts';
import { memberPage, orgPage, progressText, reasonWords } from '../../src/dashboard/views.ts';

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('dashboard charts', () => {
  it('quota bars: an SVG with each child named and its done and owed numbers on the bars', () => {
    const svg = quotaBarsSvg([
      { name: '计算机学院党总支', done: 37, owed: 52 },
      { name: '数学学院党总支', done: 11, owed: 19 },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    const t = texts(svg);
    for (const n of ['37', '52', '11', '19', '计算机学院党总支', '数学学院党总支', '已完成', '应完成']) expect(t).toContain(n);
    expect(svg).not.toMatch(/ecmeta_|<style|@font-face|<script/);
  });

  it('the month chart: one label per month and the overdue numbers on the line', () => {
    const svg = monthsSvg([
      { month: '2026-01', talks: 4, visits: 2, overdueAtEnd: 13 },
      { month: '2026-02', talks: 5, visits: 1, overdueAtEnd: 29 },
    ]);
    const t = texts(svg);
    for (const n of ['1月', '2月', '13', '29', '月末逾期事项']) expect(t).toContain(n);
  });

  it('the visit calendar: a cell per day with visits coloured by band, small enough for a phone page', () => {
    const days = Array.from({ length: 365 }, (_, i) => ({ date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10), count: 1 + (i % 9) }));
    const svg = visitCalendarSvg(days, 2026, '2026-12-31');
    expect(texts(svg)).toContain('1月');
    expect(texts(svg)).toContain('12月');
    // 365 empty-day cells and 365 coloured ones
    expect((svg.match(/<path d="M[\d.]+ [\d.]+h/g) ?? []).length).toBeGreaterThanOrEqual(730);
    expect(svg.length).toBeLessThan(60_000);
    const empty = visitCalendarSvg([], 2026, '2026-02-01');
    expect(empty.startsWith('<svg')).toBe(true);
  });

  it('legend bands cover 1..max without gaps; long names are shortened on the axis', () => {
    expect(visitPieces(3).map((p) => p.label)).toEqual(['1次', '2次', '3次']);
    const bands = visitPieces(10);
    expect(bands[0]!.min).toBe(1);
    expect(bands.at(-1)!.max).toBe(10);
    for (let i = 1; i < bands.length; i++) expect(bands[i]!.min).toBe(bands[i - 1]!.max + 1);
    expect(axisName('人工智能与数据科学研究生第二党支部')).toBe('人工智能与数据科学…');
    expect(axisName('教工党支部')).toBe('教工党支部');
  });
});

describe('dashboard page helpers', () => {
  it('progress as done / owed with a percentage, a dash when nothing is owed', () => {
    expect(progressText(3, 10)).toBe('3 / 10（30%）');
    expect(progressText(0, 0)).toBe('—');
  });

  it('home targets: the committee first, then GBs, then branches; none for a plain member', () => {
    expect(homeTargets({ committee: false, generalBranchIds: [], branchIds: [] }, '1')).toEqual([]);
    expect(homeTargets({ committee: true, generalBranchIds: ['5'], branchIds: ['9'] }, '1')).toEqual([
      { id: '1', kind: 'committee' },
      { id: '5', kind: 'general_branch' },
      { id: '9', kind: 'branch' },
    ]);
  });

  it('an organisation’s figure scope, and the dates a download counts over', () => {
    expect(scopeOfOrganisation({ id: '1', kind: 'committee', generalBranchId: null, committeeId: '1' })).toEqual({ committeeId: '1', committee: true });
    expect(scopeOfOrganisation({ id: '5', kind: 'general_branch', generalBranchId: '5', committeeId: '1' })).toEqual({ committeeId: '1', generalBranchIds: ['5'] });
    expect(scopeOfOrganisation({ id: '9', kind: 'branch', generalBranchId: '5', committeeId: '1' })).toEqual({ committeeId: '1', branchIds: ['9'] });
    const p = periodOf('2026-11-30');
    // Obligations: the backlog of earlier years (overdue until done) and this year's.
    expect(downloadRange('obligations', p)).toEqual({ to: '2026-12-31' });
    expect(downloadRange('evaluations', p)).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(downloadRange('talks', p)).toEqual({ from: '2026-01-01', to: '2026-11-30' });
    expect(downloadRange('hardship', p)).toEqual({});
  });

  it('the org page escapes names, leaves out the assistance section and its downloads unless sensitive', () => {
    const base = {
      kind: 'general_branch' as const,
      name: '<b>计算机</b>',
      crumbs: [{ name: '工作台', href: '/dashboard/' }],
      figures: { ...zeroFigures(), hardshipRegistered: 4 },
      children: [{ id: '9', name: '教工<i>一</i>', figures: zeroFigures() }],
      months: [],
      visitDays: [],
      year: 2026,
      today: '2026-11-30',
      downloads: { talks: '/t', hardship: '/h' },
    };
    const plain = orgPage({ ...base, sensitive: false, downloads: { talks: '/t' } }).value;
    expect(plain).toContain('&lt;b&gt;计算机&lt;/b&gt;');
    expect(plain).toContain('教工&lt;i&gt;一&lt;/i&gt;');
    expect(plain).not.toContain('id="assistance"');
    expect(plain).not.toContain('困难党员在册');
    const full = orgPage({ ...base, sensitive: true }).value;
    expect(full).toContain('id="assistance"');
    expect(full).toContain('data-download="hardship"');
  });

  it('the member page hides a reason the viewer may not see and marks overdue items', () => {
    const page = memberPage({
      name: '周支书',
      place: '计算机学院党总支 · 教工第一党支部',
      crumbs: [],
      own: false,
      today: '2026-11-30',
      year: 2026,
      owed: [
        { id: '1', kind: 'visit', source: 'trigger', reason: 'hospitalised', dueOn: '2026-11-20', aboutMemberId: '7', aboutName: '吴生日', aboutBranchId: '3', aboutGeneralBranchId: '2', aboutCommitteeId: '1', reasonShown: false },
        { id: '2', kind: 'talk', source: 'quota', reason: 'routine', dueOn: '2026-12-31', aboutMemberId: '8', aboutName: '郑老党员', aboutBranchId: '3', aboutGeneralBranchId: '2', aboutCommitteeId: '1', reasonShown: true },
      ],
      received: [],
      greetings: [],
      suggestions: [],
      suggestionsShown: false,
    }).value;
    expect(page).toContain('逾期 <span data-k="owedOverdue">1</span>项');
    expect(page).not.toContain('患病住院');
    expect(page).toContain('年度谈心');
    expect(page).not.toContain('id="suggestions"');
    expect(reasonWords('restricted')).toBe('（不可见）');
  });
});
