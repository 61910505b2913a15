// The half-year and year-end evaluation sentences (半年考评, 年底总评, MECHANISM 3.3), pure.
//
// Recording (a branch secretary, for the branch; a stand-in for a vacant branch names it first):
//   "年底总评：全体合格，其中王芳、张伟优秀"        every active member not named: 合格; those named: their grade
//   "半年考评：全体合格，其中王芳优秀，李四基本合格"
//   "年底总评：冯无号基本合格"                      only the members named (a correction, or the rest of them)
//   "张伟年底总评不合格"                            one member
//   "教工第二党支部年底总评：全体合格"             a stand-in names the branch
//   "2026年年底总评：…" / "2026年度总评：…"         the year, checked against the window
// Clauses are separated by ，；。 or new lines; a clause is "全体/其余(党员)(均)合格" or "(其中)names(均为)grade",
// names separated by 、 or spaces (an account works for a name). The colon makes it a recording: "年底总评什么
// 时候开" or "王芳优秀吗" is not one.
//
// Reading: "我的考评" (a member), "本支部考评情况" (a branch secretary), "本总支考评情况" (GB leaders), "考评情况"
// (the OD: the committee; anyone else: the widest of their own views), "教工第二党支部考评情况" (a branch named: for
// those who see its members' grades, e.g. the GB secretary standing in); each with an optional year.
import type { EvaluationGrade, GradedEvaluationKind } from '../domain/incentive.ts';

export interface NamedGrade {
  name: string;
  grade: EvaluationGrade;
}

export type StatusLevel = 'branch' | 'general_branch' | 'any';

export type GradeCommand =
  | {
      kind: 'record';
      evaluation: GradedEvaluationKind;
      /** The branch written before the evaluation (a stand-in's), else null. */
      branch: string | null;
      year: number | null;
      /** The grade of every active member not named ("全体合格"), or null: only those named. */
      rest: EvaluationGrade | null;
      named: NamedGrade[];
      /** Clauses not read: the message is answered with the form and nothing is recorded. */
      unread: string[];
    }
  | { kind: 'my_evaluations'; year: number | null }
  | { kind: 'status'; level: StatusLevel; year: number | null; /** A branch named ("教工第二党支部考评情况"), else null. */ branch: string | null };

const GRADES: Record<string, EvaluationGrade> = { 优秀: 'excellent', 合格: 'competent', 基本合格: 'basically_competent', 不合格: 'incompetent' };
const GRADE = '(基本合格|不合格|优秀|合格)';
const HALF = '(?:上)?半年(?:度)?(?:考评|评议|考核)';
const YEAR_END = '(?:年底|年终|年度)(?:总评|考评)';
const KIND = `(${HALF}|${YEAR_END})`;
const YEAR = '(?:(\\d{4})\\s*年\\s*)?';
const BRANCH = '(?:本支部|([^\\s：:，,]{1,30}?支部))?';
const RECORD = new RegExp(`^${BRANCH}\\s*${YEAR}${KIND}(?:结果|情况)?\\s*[：:]([\\s\\S]*)$`);
const ONE = new RegExp(`^([^\\s：:，,、]{1,20}?)\\s*(?:同志)?\\s*${YEAR}${KIND}\\s*(?:结果)?\\s*(?:[：:]|为|评为|评定为)?\\s*${GRADE}[。.！!]?$`);
const REST = new RegExp(`^(?:全体|全部|其余|其他|其它)(?:党员|同志|人员)?(?:均|都)?(?:为|评为|评定为)?${GRADE}$`);
const NAMED = new RegExp(`^(?:其中)?\\s*(.+?)\\s*(?:同志)?\\s*(?:均|都)?(?:为|评为|评定为)?${GRADE}$`);
const ASK = '[？?。]?$';
const MY = new RegExp(`^(?:查看|查询)?我的${YEAR}(?:考评|考评结果|考评情况|评议结果|半年考评|年底总评|年度总评|年终总评)${ASK}`);
const STATUS = new RegExp(`^(?:查看|查询)?(本支部|本总支|[^\\s：:，,]{1,30}?支部)?${YEAR}考评(?:情况|结果|汇总)${ASK}`);

const kindOf = (written: string): GradedEvaluationKind => (written.includes('半年') ? 'half_year' : 'year_end');
const yearOf = (s: string | undefined): number | null => (s ? Number(s) : null);
/** "2026年度总评" is the year and "年度总评". */
const normalise = (t: string) => t.replace(/^(\d{4})\s*年度(总评|考评)/, '$1年年度$2');

function readBody(body: string): Pick<Extract<GradeCommand, { kind: 'record' }>, 'rest' | 'named' | 'unread'> {
  let rest: EvaluationGrade | null = null;
  const named: NamedGrade[] = [];
  const unread: string[] = [];
  for (const clause of body.split(/[，,；;。\n]+/).map((c) => c.trim()).filter(Boolean)) {
    const r = REST.exec(clause);
    if (r) {
      rest = GRADES[r[1]!]!;
      continue;
    }
    const n = NAMED.exec(clause);
    const names = n ? n[1]!.split(/[、\s]+/).map((s) => s.replace(/同志$/, '').trim()).filter(Boolean) : [];
    if (n && names.length > 0 && names.every((s) => s.length <= 20 && !/[：:]/.test(s))) {
      for (const name of names) named.push({ name, grade: GRADES[n[2]!]! });
      continue;
    }
    unread.push(clause);
  }
  return { rest, named, unread };
}

/** The command the text is, or null. */
export function matchGradeCommand(raw: string): GradeCommand | null {
  const t = normalise(raw.trim());
  let m = RECORD.exec(t);
  if (m) return { kind: 'record', evaluation: kindOf(m[3]!), branch: m[1] ?? null, year: yearOf(m[2]), ...readBody(m[4]!) };
  m = ONE.exec(t);
  if (m && !/^(?:我|本|全体|全部|其余)/.test(m[1]!)) {
    return { kind: 'record', evaluation: kindOf(m[3]!), branch: null, year: yearOf(m[2]), rest: null, named: [{ name: m[1]!, grade: GRADES[m[4]!]! }], unread: [] };
  }
  m = MY.exec(t);
  if (m) return { kind: 'my_evaluations', year: yearOf(m[1]) };
  m = STATUS.exec(t);
  if (m) {
    const named = m[1] !== undefined && m[1] !== '本支部' && m[1] !== '本总支' ? m[1] : null;
    return { kind: 'status', level: named || m[1] === '本支部' ? 'branch' : m[1] === '本总支' ? 'general_branch' : 'any', year: yearOf(m[2]), branch: named };
  }
  return null;
}
