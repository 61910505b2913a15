// The goals and commitments sentences (MECHANISM 3.3), pure: "本支部2027年目标：…" / "本总支目标：…" record an
// organisation's goals, "亮岗承诺：…" a member's post commitment (a multi-line text is fine; the year is optional —
// the current year), and "我的亮岗承诺", "本支部目标", "本总支目标", "本支部亮岗承诺" read them back. A sentence
// without the colon ("亮岗承诺怎么写", "今年的目标是多谈心") is not a submission and is left to the others.

export type GoalLevel = 'branch' | 'general_branch';

export type GoalCommand =
  /** `organisation`: a branch or GB named by a stand-in for its vacant secretary (教工第二党支部2027年目标：…). */
  | { kind: 'set_goals'; level: GoalLevel; year: number | null; text: string; organisation?: string }
  | { kind: 'set_commitment'; year: number | null; text: string }
  | { kind: 'read_goals'; level: GoalLevel; year: number | null }
  | { kind: 'my_commitment'; year: number | null }
  | { kind: 'branch_commitments'; year: number | null };

const LEVEL: Record<string, GoalLevel> = { 支部: 'branch', 总支: 'general_branch' };
const YEAR = '(?:(\\d{4})\\s*年(?:度)?)?';
const SET_GOALS = new RegExp(`^本(支部|总支)${YEAR}(?:工作)?目标\\s*[：:]([\\s\\S]*)$`);
// An organisation named by its full name (its secretary's office is vacant and the writer stands in).
const SET_NAMED_GOALS = new RegExp(`^([^\\s：:，,。本][^\\s：:，,。]{0,38}?(党支部|党总支))\\s*${YEAR}(?:工作)?目标\\s*[：:]([\\s\\S]*)$`);
const SET_COMMITMENT = [new RegExp(`^${YEAR}亮岗(?:履职)?承诺\\s*[：:]([\\s\\S]*)$`), new RegExp(`^亮岗(?:履职)?承诺\\s*[（(]?(\\d{4})\\s*年(?:度)?[）)]?\\s*[：:]([\\s\\S]*)$`)];
const ASK = '[？?。]?$';
const READ_GOALS = new RegExp(`^(?:查看|查询)?本(支部|总支)${YEAR}(?:工作)?目标${ASK}`);
const MY_COMMITMENT = new RegExp(`^(?:查看|查询)?我的${YEAR}亮岗(?:履职)?承诺${ASK}`);
const BRANCH_COMMITMENTS = new RegExp(`^(?:查看|查询)?本支部${YEAR}(?:党员)?亮岗(?:履职)?承诺(?:名单)?${ASK}`);

const yearOf = (s: string | undefined): number | null => (s ? Number(s) : null);

/** The command the text is, or null. */
export function matchGoalCommand(raw: string): GoalCommand | null {
  const t = raw.trim();
  let m = SET_GOALS.exec(t);
  if (m) return { kind: 'set_goals', level: LEVEL[m[1]!]!, year: yearOf(m[2]), text: m[3]!.trim() };
  m = SET_NAMED_GOALS.exec(t);
  if (m) return { kind: 'set_goals', level: m[2] === '党总支' ? 'general_branch' : 'branch', year: yearOf(m[3]), text: m[4]!.trim(), organisation: m[1]! };
  for (const re of SET_COMMITMENT) {
    m = re.exec(t);
    if (m) return { kind: 'set_commitment', year: yearOf(m[1]), text: m[2]!.trim() };
  }
  m = READ_GOALS.exec(t);
  if (m) return { kind: 'read_goals', level: LEVEL[m[1]!]!, year: yearOf(m[2]) };
  m = MY_COMMITMENT.exec(t);
  if (m) return { kind: 'my_commitment', year: yearOf(m[1]) };
  m = BRANCH_COMMITMENTS.exec(t);
  if (m) return { kind: 'branch_commitments', year: yearOf(m[1]) };
  return null;
}
