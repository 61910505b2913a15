// The dashboard's digests (issue 16 section 4): on the first working day of the week the general-branch and branch
// secretaries, of the month the OD, of the quarter the committee secretary get what is open and overdue in their
// scope, with one link to the dashboard. The calendar (domain/schedule.ts) says which day; the settings
// dashboard_digest_weekly / _monthly / _quarterly switch each off; the figures are FigureSource's (the dashboard's
// own numbers), read once per committee; who gets what is src/dashboard/digests.ts (pure). Nobody with nothing open
// gets one. Once per period: the notice's key is (kind, person, 'dashboard', 2026-W50 | 2026-12 | 2026-Q4).
import { SettingsRepository } from '../../db/settings-repository.ts';
import { DigestRepository } from '../../dashboard/digest-repository.ts';
import { DIGEST_ROLES, DIGEST_SETTINGS, selectDigests, type DigestKind } from '../../dashboard/digests.ts';
import { figureSourceOf } from '../../dashboard/figure-source.ts';
import { digestMessage } from '../../dashboard/figure-text.ts';
import { periodOf, type BranchFigures } from '../../dashboard/figures.ts';
import type { FigureSource } from '../../dashboard/source.ts';
import { calendarPlanner, toNotices, type NoticeOf, type PlanContext, type PlanDb, type PlannedNotice } from '../planner.ts';

type DigestNoticeKind = 'dashboard_digest_weekly' | 'dashboard_digest_monthly' | 'dashboard_digest_quarterly';

const KIND_OF: Record<DigestNoticeKind, DigestKind> = {
  dashboard_digest_weekly: 'weekly',
  dashboard_digest_monthly: 'monthly',
  dashboard_digest_quarterly: 'quarterly',
};

/** The subject of every digest: one a person and period whatever their offices. */
export const DIGEST_SUBJECT = 'dashboard';

/** The planner over a FigureSource (the database's by default; tests give their own). */
export function dashboardDigestPlanner(sourceOf: (db: PlanDb, timeZone: string | undefined) => FigureSource = figureSourceOf) {
  return calendarPlanner({
    kinds: {
      dashboard_digest_weekly: '每周工作提示',
      dashboard_digest_monthly: '每月工作提示',
      dashboard_digest_quarterly: '每季度工作提示',
    },
    plan: (db, notice, ctx) => planDigests(db, sourceOf(db, ctx.timeZone), notice, ctx),
  });
}

export const dashboardDigests = dashboardDigestPlanner();

async function planDigests(db: PlanDb, source: FigureSource, notice: NoticeOf<DigestNoticeKind>, ctx: PlanContext): Promise<PlannedNotice[]> {
  const kind = KIND_OF[notice.kind];
  const setting = DIGEST_SETTINGS[kind];
  const switched = await new SettingsRepository(db).read([setting]);
  if (switched[setting] === 'off') return [];
  const people = await new DigestRepository(db).recipients(DIGEST_ROLES[kind]);
  if (people.length === 0) return [];
  // Every branch of each committee once: each person's scope is picked from them (selectDigests).
  const period = periodOf(ctx.date);
  const branchesByCommittee = new Map<string, BranchFigures[]>();
  for (const committeeId of new Set(people.map((p) => p.committeeId))) {
    branchesByCommittee.set(committeeId, await source.branchFigures({ committeeId, committee: true }, period));
  }
  const digests = selectDigests(kind, people, branchesByCommittee);
  return toNotices(
    notice.kind,
    notice.period,
    digests.map((d) => ({
      to: { member_id: d.recipient.memberId, userid: d.recipient.userid },
      subject: DIGEST_SUBJECT,
      message: digestMessage(d, { today: ctx.date, dashboardUrl: ctx.dashboardUrl, late: ctx.late }),
    })),
  );
}
