// Issue 10.4: the daily sweep plans notices through one registry of planners. Every kind of notice the
// calendar can describe must have exactly one planner (a kind without one would never be sent), and every
// family a Chinese name for the OD's message when it fails.
import { describe, expect, it } from 'vitest';
import { NOTICE_KINDS, type NoticeKind } from '../../src/domain/schedule.ts';
import type { CalendarPlanner, DailyPlanner } from '../../src/notices/planner.ts';
import { dailyPlanners, familyLabel, plannerFor, PLANNERS } from '../../src/notices/planners/index.ts';

const calendarPlanners = PLANNERS.filter((p): p is CalendarPlanner => 'kinds' in p);
const daily = PLANNERS.filter((p): p is DailyPlanner => !('kinds' in p));
const CHINESE = /\p{Script=Han}/u;

describe('notice planner registry (issue 10.4)', () => {
  it.each(NOTICE_KINDS)('%s has exactly one planner', (kind) => {
    expect(calendarPlanners.filter((p) => Object.hasOwn(p.kinds, kind))).toHaveLength(1);
    expect(plannerFor(kind).kinds[kind]).toMatch(CHINESE);
  });

  it('planners name no kind the calendar does not know', () => {
    const named = calendarPlanners.flatMap((p) => Object.keys(p.kinds));
    expect(named.filter((k) => !NOTICE_KINDS.includes(k as NoticeKind))).toEqual([]);
  });

  it('daily families have one name each, unlike any calendar kind, and a Chinese label', () => {
    const names = daily.map((p) => p.family);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => NOTICE_KINDS.includes(n as NoticeKind))).toEqual([]);
    expect(dailyPlanners().map((p) => p.family)).toEqual(['obligation_reminders', 'assistance_tasks', 'subsidy_terms', 'office_vacancies', 'pairing_nudges', 'leadership_review_reminders', 'suggestions', 'proposals', 'announcement_reminders']);
    for (const p of daily) expect(familyLabel(p.family)).toBe(p.label);
    expect(familyLabel('obligation_reminders')).toBe('谈心走访待办提醒与督办');
  });

  it('a kind without a planner is refused by name, so the sweep reports that family failed', () => {
    expect(() => plannerFor('no_such_kind' as NoticeKind)).toThrow(/no planner for notice kind no_such_kind/);
    expect(familyLabel('no_such_family')).toBe('no_such_family');
  });
});
