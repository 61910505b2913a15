// The leadership review's pure rules (domain/incentive.ts, incentive/leadership-review.ts shownTotals,
// incentive/leadership-text.ts): the year a review evaluates, its window, the reminder days (every third working day
// and the last working day; none on the opening day or after it closes), the totals a GB secretary sees (their
// branches only; 1 or 2 answers withheld), and the rating buttons' keys.
import { describe, expect, it } from 'vitest';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { addDays } from '../../src/domain/dates.ts';
import { leadershipReminderDue, leadershipReviewLastDay, leadershipReviewOpenOn, leadershipReviewYear } from '../../src/domain/incentive.ts';
import type { LeadershipTotal } from '../../src/db/leadership-review-repository.ts';
import { shownTotals } from '../../src/incentive/leadership-review.ts';
import { parseRateKey, rateKey, ratingCard, totalLine } from '../../src/incentive/leadership-text.ts';

const calendar = chineseWorkingDayCalendar();

describe('the review year and window', () => {
  it('January evaluates the year just ended; any other month the current year', () => {
    expect(leadershipReviewYear('2027-01-04')).toBe(2026);
    expect(leadershipReviewYear('2027-01-31')).toBe(2026);
    expect(leadershipReviewYear('2027-02-01')).toBe(2027);
    expect(leadershipReviewYear('2026-12-01')).toBe(2026);
  });
  it('14 days from 1 December: the last day is 14 December, inclusive', () => {
    expect(leadershipReviewLastDay('2026-12-01', 14)).toBe('2026-12-14');
    expect(leadershipReviewLastDay('2026-12-01', 1)).toBe('2026-12-01');
    expect(() => leadershipReviewLastDay('2026-12-01', 0)).toThrow(RangeError);
    expect(leadershipReviewOpenOn('2026-12-01', '2026-12-14', '2026-12-14')).toBe(true);
    expect(leadershipReviewOpenOn('2026-12-01', '2026-12-14', '2026-12-15')).toBe(false);
    expect(leadershipReviewOpenOn('2026-12-01', '2026-12-14', '2026-11-30')).toBe(false);
  });
});

describe('reminder days', () => {
  const days = (openedOn: string, lastDay: string) => {
    const out: string[] = [];
    for (let d = addDays(openedOn, -2); d <= addDays(lastDay, 3); d = addDays(d, 1)) if (leadershipReminderDue(calendar, openedOn, lastDay, d)) out.push(d);
    return out;
  };
  it('opened Tuesday 1 December 2026 for 14 days: every third working day, and Friday 11th, the last working day', () => {
    // Working days after 1 Dec: 2,3,4 | 7,8,9 | 10,11 — the 14th is a Monday, itself the last working day.
    expect(days('2026-12-01', '2026-12-14')).toEqual(['2026-12-04', '2026-12-09', '2026-12-14']);
  });
  it('a window ending on a Sunday: the last call is the Friday before', () => {
    expect(days('2026-12-01', '2026-12-13')).toEqual(['2026-12-04', '2026-12-09', '2026-12-11']);
  });
  it('across the National Day holiday (1–7 October 2026 off, Saturday 10 October an adjusted working day)', () => {
    // Working days after Monday 28 September: 29, 30, then 8 October (the third); the last call on Saturday the 10th.
    expect(days('2026-09-28', '2026-10-11')).toEqual(['2026-10-08', '2026-10-10']);
  });
  it('a one-day review has no reminder (the cards just went out)', () => {
    expect(days('2026-12-01', '2026-12-01')).toEqual([]);
  });
});

describe('the totals a viewer sees', () => {
  const total = (o: Partial<LeadershipTotal>): LeadershipTotal => ({
    organisation_id: '1',
    kind: 'branch',
    general_branch_id: '10',
    general_branch: '计算机学院党总支',
    branch: '教工第一党支部',
    satisfied: 0,
    basically_satisfied: 0,
    dissatisfied: 0,
    answered: 0,
    members: 6,
    ...o,
  });
  const rows = [
    total({ organisation_id: '10', kind: 'general_branch', branch: null, satisfied: 5, answered: 5 }),
    total({ organisation_id: '11', satisfied: 2, dissatisfied: 1, answered: 3 }),
    total({ organisation_id: '12', branch: '学生党支部', dissatisfied: 1, answered: 1 }),
    total({ organisation_id: '13', branch: '退休党支部', satisfied: 1, basically_satisfied: 1, answered: 2 }),
    total({ organisation_id: '14', branch: '行政党支部' }),
    total({ organisation_id: '21', general_branch_id: '20', general_branch: '数学学院党总支', branch: '教工党支部', satisfied: 4, answered: 4 }),
  ];
  it('the OD: every row as counted', () => {
    expect(shownTotals(rows, { kind: 'all', comments: true, smallCountsWithheld: false })).toEqual(rows);
  });
  it('a GB secretary: their branches, never the GB committee; 1 or 2 answers withheld; 0 and 3 shown', () => {
    const shown = shownTotals(rows, { kind: 'general_branches', generalBranchIds: ['10'], comments: false, smallCountsWithheld: true });
    expect(shown.map((t) => t.organisation_id)).toEqual(['11', '12', '13', '14']);
    expect(shown.find((t) => t.organisation_id === '11')).toMatchObject({ satisfied: 2, dissatisfied: 1, answered: 3 });
    expect(shown.find((t) => t.organisation_id === '12')).toMatchObject({ satisfied: null, basically_satisfied: null, dissatisfied: null, answered: 1 });
    expect(shown.find((t) => t.organisation_id === '13')).toMatchObject({ satisfied: null, answered: 2 });
    expect(shown.find((t) => t.organisation_id === '14')).toMatchObject({ satisfied: 0, answered: 0 });
    expect(totalLine(shown.find((t) => t.organisation_id === '12')!)).toBe('学生党支部委员会：参评6人，评议1人，不足3人，不单独公布。');
    expect(totalLine(shown.find((t) => t.organisation_id === '14')!)).toBe('行政党支部委员会：参评6人，无人评议。');
  });
});

describe('the rating card', () => {
  it('three buttons, one per rating, keys that name the review, the committee and the rating', () => {
    const card = ratingCard({ taskId: 'lr1-m5-b-open', reviewId: '1', year: 2026, target: 'branch', organisation: '教工第一党支部', lastDay: '2026-12-14', reminder: false });
    if (card.type !== 'card') throw new Error('not a card');
    expect(card.card.buttons.map((b) => [b.text, b.actionKey])).toEqual([
      ['满意', 'lrate-1-1-1'],
      ['基本满意', 'lrate-1-1-2'],
      ['不满意', 'lrate-1-1-3'],
    ]);
    expect(parseRateKey(rateKey('7', 'general_branch', 'dissatisfied'))).toEqual({ reviewId: '7', target: 'general_branch', rating: 'dissatisfied' });
    for (const bad of ['lrate-1-3-1', 'lrate-1-1-4', 'lrate-x-1-1', 'lrate-1-1', 'lrate-1-01-1', 'obdone-1']) expect(parseRateKey(bad), bad).toBeUndefined();
  });
});
