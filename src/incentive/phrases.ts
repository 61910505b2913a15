// Every incentive sentence the bot understands (MECHANISM 3.2–3.3), read by each area's pure matcher in one order:
// goals and commitments (本支部2027年目标：…, 亮岗承诺：…, 我的亮岗承诺), half-year and year-end grades (年底总评：全体合格，
// 其中王芳优秀; 我的考评; 本支部考评情况). The `interpret` command shows the reading
// (intent "incentive"), and the interpreter reads nothing of these as a talk, visit or report. Pure.
import { matchGoalCommand, type GoalCommand } from './goal-phrases.ts';
import { matchGradeCommand, type GradeCommand } from './grade-phrases.ts';

export type IncentiveReading = { area: 'goals'; command: GoalCommand } | { area: 'grades'; command: GradeCommand };

/** The incentive command a message gives, if any (the first area whose matcher reads it). */
export function readIncentive(message: string): IncentiveReading | undefined {
  const goals = matchGoalCommand(message);
  if (goals) return { area: 'goals', command: goals };
  const grades = matchGradeCommand(message);
  if (grades) return { area: 'grades', command: grades };
  return undefined;
}
