// Every incentive sentence the bot understands (MECHANISM 3.2–3.3), read by each area's pure matcher in one order:
// goals and commitments (本支部2027年目标：…, 亮岗承诺：…, 我的亮岗承诺), the leadership review (开启领导班子评议, 评议意见：…). The `interpret` command shows the reading
// (intent "incentive"), and the interpreter reads nothing of these as a talk, visit or report. Pure.
import { matchGoalCommand, type GoalCommand } from './goal-phrases.ts';
import { matchLeadershipCommand, type LeadershipCommand } from './leadership-phrases.ts';

export type IncentiveReading = { area: 'goals'; command: GoalCommand } | { area: 'leadership'; command: LeadershipCommand };

/** The incentive command a message gives, if any (the first area whose matcher reads it). */
export function readIncentive(message: string): IncentiveReading | undefined {
  const goals = matchGoalCommand(message);
  if (goals) return { area: 'goals', command: goals };
  const leadership = matchLeadershipCommand(message);
  if (leadership) return { area: 'leadership', command: leadership };
  return undefined;
}
