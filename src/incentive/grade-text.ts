// The Chinese answers about half-year and year-end evaluations (半年考评, 年底总评), pure: what a recording did,
// a branch's, a GB's and the committee's evaluation status, and a member's own evaluations of a year beside their
// commitment and their branch's goals.
import { EVALUATION_GRADE_LABELS, EVALUATION_GRADES, EVALUATION_KIND_LABELS, GRADED_EVALUATION_KINDS, type EvaluationGrade, type GradedEvaluationKind } from '../domain/incentive.ts';
import { chineseFullDate as chineseDate } from '../domain/format.ts';
import type { BranchEvaluationStatus, EvaluationCountsRow, OwnGradeRow } from '../db/evaluation-grade-repository.ts';

const L = EVALUATION_KIND_LABELS;
const G = EVALUATION_GRADE_LABELS;
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, '；');

/** Self-evaluation texts are shown to this many characters in 我的考评 (the whole text: 我的季度自评). */
const SELF_EVALUATION_BRIEF = 40;

/**
 * One line per quarter whose window has opened by `today`: "第1季度自评：本季度完成了…" or "第2季度自评：未提交".
 * A long text is cut (one message must stay within WeCom's limit); the quarter's own read-back shows it whole.
 */
export function selfEvaluationLines(quarters: ReadonlyArray<{ quarter: number; opened: boolean; text: string | null }>): string[] {
  return quarters
    .filter((q) => q.opened)
    .map((q) => {
      if (q.text === null) return `第${q.quarter}季度自评：未提交`;
      const chars = [...oneLine(q.text)];
      return `第${q.quarter}季度自评：${chars.length > SELF_EVALUATION_BRIEF ? `${chars.slice(0, SELF_EVALUATION_BRIEF).join('')}…` : chars.join('')}`;
    });
}

/** "优秀2人、合格5人、基本合格0人、不合格0人". */
function countsLine(c: Record<EvaluationGrade, number>): string {
  return EVALUATION_GRADES.map((g) => `${G[g]}${c[g]}人`).join('、');
}

/** A branch's evaluation of a kind: held or not, counts per grade with the names, who is not graded. */
export function branchKindLines(kind: GradedEvaluationKind, s: BranchEvaluationStatus): string[] {
  if (s.held_on === null && s.members.every((m) => m.grade === null)) return [`${L[kind]}：尚未登记。`];
  const lines = [`${L[kind]}：${s.held_on ? `已于${chineseDate(s.held_on)}登记召开` : '已登记'}，在册${s.members.length}人。`];
  for (const g of EVALUATION_GRADES) {
    const names = s.members.filter((m) => m.grade === g).map((m) => m.name);
    lines.push(`  ${G[g]}${names.length}人${names.length > 0 ? `：${names.join('、')}` : ''}`);
  }
  const missing = s.members.filter((m) => m.grade === null).map((m) => m.name);
  if (missing.length > 0) lines.push(`  尚未评定${missing.length}人：${missing.join('、')}`);
  return lines;
}

/** What a recording did: the grades set (with the earlier one where it changed) and the branch's totals now. */
export function recordedText(p: {
  branch: string;
  year: number;
  kind: GradedEvaluationKind;
  firstTime: boolean;
  heldOn: string;
  set: ReadonlyArray<{ name: string; grade: EvaluationGrade; before: EvaluationGrade | null; named: boolean }>;
  rest: EvaluationGrade | null;
  after: BranchEvaluationStatus;
}): string {
  const title = `${p.branch}${p.year}年${L[p.kind]}`;
  const lines = [p.firstTime ? `已登记${title}（${chineseDate(p.heldOn)}召开）。` : `已更新${title}的评定结果。`];
  for (const s of p.set.filter((x) => x.named)) lines.push(`${s.name}：${G[s.grade]}${s.before !== null && s.before !== s.grade ? `（原为${G[s.before]}）` : ''}`);
  const others = p.set.filter((x) => !x.named);
  if (p.rest !== null) {
    // A repeated "全体合格" replaces earlier corrections too: say whose grade it changed.
    const changed = others.filter((x) => x.before !== null && x.before !== x.grade);
    lines.push(`其余${others.length}名同志：${G[p.rest]}${changed.length > 0 ? `（其中${changed.map((x) => `${x.name}原为${G[x.before!]}`).join('、')}）` : ''}`);
  }
  const counts = Object.fromEntries(EVALUATION_GRADES.map((g) => [g, p.after.members.filter((m) => m.grade === g).length])) as Record<EvaluationGrade, number>;
  const missing = p.after.members.filter((m) => m.grade === null).map((m) => m.name);
  lines.push(`本支部在册${p.after.members.length}人：${countsLine(counts)}${missing.length > 0 ? `；尚未评定${missing.length}人：${missing.join('、')}` : '。'}`);
  return lines.join('\n');
}

/** "本支部考评情况": both evaluations of the year, with names per grade. */
export function branchStatusText(p: { branch: string; year: number; statuses: Record<GradedEvaluationKind, BranchEvaluationStatus> }): string {
  return [`${p.branch}${p.year}年考评情况：`, ...GRADED_EVALUATION_KINDS.flatMap((k) => branchKindLines(k, p.statuses[k]))].join('\n');
}

/** "本总支考评情况": per branch, held or not and the counts (no names). */
export function generalBranchStatusText(p: { generalBranch: string; year: number; rows: readonly EvaluationCountsRow[] }): string {
  const lines = [`${p.generalBranch}${p.year}年考评情况：`];
  const branches = [...new Map(p.rows.map((r) => [r.organisation_id, r.name])).entries()];
  for (const [id, name] of branches) {
    const parts = GRADED_EVALUATION_KINDS.map((k) => {
      const r = p.rows.find((x) => x.organisation_id === id && x.kind === k)!;
      return r.branches_held > 0 ? `${L[k]}已开展（${r.held_on ? chineseDate(r.held_on) : ''}，在册${r.active_members}人：${countsLine(r)}）` : `${L[k]}未开展`;
    });
    lines.push(`${name}：${parts.join('；')}`);
  }
  if (branches.length === 0) lines.push('本总支没有支部。');
  return lines.join('\n');
}

/** "考评情况" for the OD: per GB, branches that held each evaluation and the counts, then the committee's totals. */
export function committeeStatusText(p: { year: number; rows: readonly EvaluationCountsRow[] }): string {
  const lines = [`全校${p.year}年考评情况：`];
  for (const k of GRADED_EVALUATION_KINDS) {
    const rows = p.rows.filter((r) => r.kind === k);
    const sum = (f: (r: EvaluationCountsRow) => number) => rows.reduce((a, r) => a + f(r), 0);
    const total = Object.fromEntries(EVALUATION_GRADES.map((g) => [g, sum((r) => r[g])])) as Record<EvaluationGrade, number>;
    lines.push(`${L[k]}：${sum((r) => r.branches_held)}/${sum((r) => r.branches)}个支部已开展；${countsLine(total)}。`);
    for (const r of rows) lines.push(`  ${r.name}：${r.branches_held}/${r.branches}个支部已开展；${countsLine(r)}`);
  }
  return lines.join('\n');
}

/**
 * "我的考评": the member's grades of the year beside their commitment and their branch's goals (issue 13: the
 * commitments are "shown beside the member's evaluations"). `extraLines` are the other evaluations of the year.
 */
export function myEvaluationsText(p: {
  name: string;
  year: number;
  branch: string;
  commitment: string | null;
  branchGoals: string | null;
  grades: readonly OwnGradeRow[];
  /** The quarterly self-evaluations (季度自评) of the year, one line each (selfEvaluationLines). */
  extraLines?: readonly string[];
}): string {
  const grade = (k: GradedEvaluationKind) => p.grades.find((g) => g.kind === k);
  return [
    `${p.name}同志，您的${p.year}年考评：`,
    `亮岗承诺：${p.commitment !== null ? oneLine(p.commitment) : '尚未登记（发送“亮岗承诺：……”登记）'}`,
    `${p.branch}${p.year}年目标：${p.branchGoals !== null ? oneLine(p.branchGoals) : '尚未登记'}`,
    ...(p.extraLines ?? []),
    ...GRADED_EVALUATION_KINDS.map((k) => `${L[k]}：${grade(k) ? G[grade(k)!.grade] : '尚未评定'}`),
  ].join('\n');
}
