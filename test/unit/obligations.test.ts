import { describe, expect, it } from 'vitest';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import { addDays } from '../../src/domain/dates.ts';
import { obligationsForTrigger, obligationState, oneLevelUp, postpone, reminderDays, reminderStepsOn } from '../../src/domain/obligations.ts';

const cal = chineseWorkingDayCalendar();

describe('obligations from triggers', () => {
  it('a visit trigger: the branch owes a visit in 7 days; 3 for a death; the OD too for an outstanding contributor', () => {
    expect(obligationsForTrigger('hospitalised', '2026-11-26', { outstandingContributor: false })).toEqual([
      { kind: 'visit', reason: 'hospitalised', owner: { role: 'branch_secretary', scope: 'branch' }, dueOn: '2026-12-03' },
    ]);
    expect(obligationsForTrigger('death', '2026-11-26', { outstandingContributor: false })[0]!.dueOn).toBe('2026-11-29');
    expect(obligationsForTrigger('disaster', '2026-11-26', { outstandingContributor: true }).map((o) => o.owner.role)).toEqual(['branch_secretary', 'od_staff']);
  });

  it('a talk trigger: the GB leader owes a talk in 7 days; settings change the days', () => {
    expect(obligationsForTrigger('job_change', '2026-11-26', { outstandingContributor: true })).toEqual([
      { kind: 'talk', reason: 'job_change', owner: { role: 'gb_secretary', scope: 'general_branch' }, dueOn: '2026-12-03' },
    ]);
    expect(obligationsForTrigger('dispute', '2026-11-26', { outstandingContributor: false, settings: { visitDueDays: 7, deathVisitDueDays: 3, talkDueDays: 10 } })[0]!.dueOn).toBe('2026-12-06');
  });
});

describe('reminder steps', () => {
  const ob = { dueOn: '2026-12-03', createdOn: '2026-11-26' }; // due Thursday
  it.each([
    ['2026-12-01', ['due_soon']],
    ['2026-12-03', ['due_today']],
    ['2026-12-07', ['overdue_3']], // 6 Dec is a Sunday: moved to Monday
    ['2026-12-10', ['overdue_7']],
    ['2026-12-02', []],
    ['2026-12-06', []],
  ])('on %s: %j', (day, steps) => expect(reminderStepsOn(ob, day, cal)).toEqual(steps));

  it('no "2 days before" for an obligation reported with less time left', () => {
    // Due Tuesday 1 Dec, reported Monday 30 Nov: "2 days before" (Sunday, moved to Monday) predates the report.
    expect(reminderStepsOn({ dueOn: '2026-12-01', createdOn: '2026-11-30' }, '2026-11-30', cal)).toEqual([]);
  });

  it('reminders before a holiday move back to the last working day, escalations forward; never two steps on one day', () => {
    // Due 2025-10-03, inside the National Day holiday (1–8 October): the owner is reminded on Tuesday 30
    // September, the last working day before — once, the "2 days before" (1 October) falling on the same day.
    const ob = { dueOn: '2025-10-03', createdOn: '2025-09-20' };
    expect(reminderDays(ob, cal)).toEqual({ due_today: '2025-09-30', overdue_3: '2025-10-09', overdue_7: '2025-10-10' });
    expect(reminderStepsOn(ob, '2025-09-30', cal)).toEqual(['due_today']);
    expect(reminderStepsOn(ob, '2025-10-09', cal)).toEqual(['overdue_3']);
  });

  it('a "2 days before" on a weekend goes on the Friday, not onto the due day (reported Mon 30 Nov, due Mon 7 Dec)', () => {
    const ob = { dueOn: '2026-12-07', createdOn: '2026-11-30' };
    expect(reminderDays(ob, cal)).toMatchObject({ due_soon: '2026-12-04', due_today: '2026-12-07' });
    expect(reminderStepsOn(ob, '2026-12-07', cal)).toEqual(['due_today']);
    // Every day of its life: at most one step a day.
    for (let d = '2026-11-30'; d <= '2026-12-31'; d = addDays(d, 1)) expect(reminderStepsOn(ob, d, cal).length).toBeLessThanOrEqual(1);
  });

  it('escalation one level up: branch → GB → OD → committee secretary', () => {
    expect(oneLevelUp('branch_secretary').role).toBe('gb_secretary');
    expect(oneLevelUp('gb_secretary').role).toBe('od_staff');
    expect(oneLevelUp('od_staff').role).toBe('committee_secretary');
  });

  it('overdue is derived, never stored', () => {
    expect(obligationState('open', '2026-11-25', '2026-11-26')).toBe('overdue');
    expect(obligationState('open', '2026-11-26', '2026-11-26')).toBe('open');
    expect(obligationState('done', '2026-11-01', '2026-11-26')).toBe('done');
  });
});

describe('延期 (issue 11 point 8)', () => {
  const s = { deferDays: 3, deferMaxCount: 2 };
  it('moves the due date 3 days at most twice (from today once it has passed); the third press is refused', () => {
    expect(postpone({ dueOn: '2026-12-03', deferrals: 0 }, '2026-12-01', s)).toEqual({ kind: 'postponed', dueOn: '2026-12-06', count: 1 });
    expect(postpone({ dueOn: '2026-12-06', deferrals: 1 }, '2026-12-10', s)).toEqual({ kind: 'postponed', dueOn: '2026-12-13', count: 2 });
    expect(postpone({ dueOn: '2026-12-13', deferrals: 2 }, '2026-12-10', s)).toEqual({ kind: 'limit_reached', count: 2 });
    // Settings change both numbers; 0 means no postponing at all.
    expect(postpone({ dueOn: '2026-12-13', deferrals: 2 }, '2026-12-10', { deferDays: 5, deferMaxCount: 3 })).toEqual({ kind: 'postponed', dueOn: '2026-12-18', count: 3 });
    expect(postpone({ dueOn: '2026-12-13', deferrals: 0 }, '2026-12-10', { deferDays: 3, deferMaxCount: 0 })).toMatchObject({ kind: 'limit_reached' });
  });

  it('once refused, the obligation escalates as if overdue: one level up the next working day, the OD 4 days later', () => {
    // Due Sunday 20 December; refused on Friday the 11th.
    const ob = { dueOn: '2026-12-20', createdOn: '2026-12-07' };
    expect(reminderDays(ob, cal)).toMatchObject({ overdue_3: '2026-12-23', overdue_7: '2026-12-28' });
    expect(reminderDays({ ...ob, escalatedOn: '2026-12-11' }, cal)).toMatchObject({ due_today: '2026-12-18', overdue_3: '2026-12-14', overdue_7: '2026-12-18' });
    expect(reminderStepsOn({ ...ob, escalatedOn: '2026-12-11' }, '2026-12-14', cal)).toEqual(['overdue_3']);
    // Already overdue further than that: the usual days stand (each step is delivered once).
    const late = { dueOn: '2026-12-01', createdOn: '2026-11-24', escalatedOn: '2026-12-09' };
    expect(reminderDays(late, cal)).toMatchObject({ overdue_3: '2026-12-04', overdue_7: '2026-12-08' });
  });
});
