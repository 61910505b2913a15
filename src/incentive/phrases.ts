// Every incentive sentence the bot understands (MECHANISM 2.3, 3.2–3.3), read by each area's pure matcher in one
// order: goals and commitments (本支部2027年目标：…, 亮岗承诺：…, 我的亮岗承诺); excellent members and commendations
// (评选优秀党员：…, 校党委优秀共产党员：…, 表彰：…, 我的表彰); quarterly self-evaluation (季度自评：…,
// 代冯无号提交季度自评：…, 我的季度自评, 本季度未自评名单); 光荣在党50年 certificates (已颁发纪念证书：…,
// 纪念证书符合条件：…, 纪念证书未颁发名单); half-year and year-end grades (年底总评：全体合格，其中王芳优秀); the
// leadership review (开启领导班子评议, 评议意见：…). The `interpret` command shows the reading (intent "incentive"),
// and the interpreter reads nothing of these as a talk, visit or report. Pure.
import { matchCertificateCommand, type CertificateCommand } from './certificate-phrases.ts';
import { matchGoalCommand, type GoalCommand } from './goal-phrases.ts';
import { matchGradeCommand, type GradeCommand } from './grade-phrases.ts';
import { matchHonourCommand, type HonourCommand } from './honour-phrases.ts';
import { matchLeadershipCommand, type LeadershipCommand } from './leadership-phrases.ts';
import { matchSelfEvaluationCommand, type SelfEvaluationCommand } from './self-evaluation-phrases.ts';

export type IncentiveReading =
  | { area: 'goals'; command: GoalCommand }
  | { area: 'grades'; command: GradeCommand }
  | { area: 'honours'; command: HonourCommand }
  | { area: 'self_evaluation'; command: SelfEvaluationCommand }
  | { area: 'certificates'; command: CertificateCommand }
  | { area: 'leadership'; command: LeadershipCommand };

/** The incentive command a message gives, if any (the first area whose matcher reads it). */
export function readIncentive(message: string): IncentiveReading | undefined {
  const goals = matchGoalCommand(message);
  if (goals) return { area: 'goals', command: goals };
  const grades = matchGradeCommand(message);
  if (grades) return { area: 'grades', command: grades };
  const honours = matchHonourCommand(message);
  if (honours) return { area: 'honours', command: honours };
  const selfEvaluation = matchSelfEvaluationCommand(message);
  if (selfEvaluation) return { area: 'self_evaluation', command: selfEvaluation };
  const certificates = matchCertificateCommand(message);
  if (certificates) return { area: 'certificates', command: certificates };
  const leadership = matchLeadershipCommand(message);
  if (leadership) return { area: 'leadership', command: leadership };
  return undefined;
}
