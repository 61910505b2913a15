// Half-year and year-end evaluations (半年考评, 年底总评, MECHANISM 3.3), the one implementation the chat and the
// admin API share: which branch a person records for (the access rule: its secretary; a vacant office passes up),
// which year (the window of domain/incentive.ts), names resolved among the branch's active members on that day
// (an account works for a name; a name nobody in the branch bears — also someone of another branch, or who died or
// left — and a name several bear are refused with nothing recorded), and the recording: the evaluation marked held,
// each grade set ("全体合格": every active member not named gets `competent`). Grades are sensitive (canSeeSensitive):
// the reads are only the offices the access rule lets see them.
import type { Transaction } from 'kysely';
import { EvaluationGradeRepository, type BranchEvaluationStatus, type BranchOfficeRow } from '../db/evaluation-grade-repository.ts';
import type { Database } from '../db/schema.ts';
import { mayRecordBranchEvaluation, type AccessPerson } from '../domain/access.ts';
import { EVALUATION_KIND_LABELS, GRADED_EVALUATION_KINDS, gradedEvaluationYear, type EvaluationGrade, type GradedEvaluationKind } from '../domain/incentive.ts';
import { recordedText } from './grade-text.ts';

export type GradeRefusal = 'not_allowed' | 'which_branch' | 'closed' | 'wrong_year' | 'unknown_member' | 'namesakes' | 'conflict' | 'empty';

export type GradeOutcome =
  | { ok: true; reply: string; branch: { id: string; name: string; general_branch: string }; kind: GradedEvaluationKind; year: number; status: BranchEvaluationStatus }
  | { ok: false; code: GradeRefusal; reply: string; namesake?: NamesakeQuestion };

/** The one unclear name of a recording and whom it may mean, in the order the answer numbers them. */
export interface NamesakeQuestion {
  written: string;
  memberIds: string[];
}

export interface GradeRecording {
  kind: GradedEvaluationKind;
  /** The branch: an id (the admin API) or a name as written (a stand-in in chat); null: the one the writer leads. */
  branch: { id: string } | { name: string } | null;
  year: number | null;
  /** The grade of every active member not named ("全体合格"), or null. */
  rest: EvaluationGrade | null;
  /** Members by name or chat account (or member id, from the admin API), each with a grade. */
  named: ReadonlyArray<{ name: string; grade: EvaluationGrade }>;
}

const refuse = (code: GradeRefusal, reply: string): GradeOutcome => ({ ok: false, code, reply });
const officesOf = (b: BranchOfficeRow) => ({ branchId: b.id, generalBranchId: b.gb_id, committeeId: b.committee_id, branchSecretaryHeld: b.branch_secretary_held, gbSecretaryHeld: b.gb_secretary_held });

const NOT_YOURS = '半年考评和年底总评由支部书记登记本支部的评定结果（支部书记空缺时由党总支书记代为登记）。';

/** The branch the person records for, or the refusal. A stand-in names the branch; nobody learns of a branch not theirs. */
function chooseBranch(me: AccessPerson, branches: readonly BranchOfficeRow[], written: GradeRecording['branch']): BranchOfficeRow | GradeOutcome {
  const mine = branches.filter((b) => mayRecordBranchEvaluation(me, officesOf(b)));
  if (written === null) {
    const led = mine.filter((b) => me.roles.some((r) => r.role === 'branch_secretary' && r.organisationId === b.id));
    if (led.length === 1) return led[0]!;
    if (mine.length === 0) return refuse('not_allowed', `未作登记。${NOT_YOURS}`);
    return refuse('which_branch', `未作登记：请写明支部，例如“${mine[0]!.name}年底总评：全体合格”。您可代为登记的支部：${mine.map((b) => `${b.gb_name}${b.name}`).join('、')}。`);
  }
  const found = 'id' in written ? mine.filter((b) => b.id === written.id) : mine.filter((b) => b.name === written.name || `${b.gb_name}${b.name}` === written.name);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) return refuse('which_branch', `未作登记：“${'name' in written ? written.name : written.id}”可指：${found.map((b) => `${b.gb_name}${b.name}`).join('、')}，请写明党总支和支部全称。`);
  return refuse('not_allowed', `未作登记：您不能登记该支部的考评。${NOT_YOURS}`);
}

/** Records a branch's evaluation as `me` on `today` (local date) at `now`. Nothing is written unless everything is clear. */
export async function recordBranchGrades(trx: Transaction<Database>, env: { today: string; now: Date }, me: AccessPerson, input: GradeRecording): Promise<GradeOutcome> {
  const repo = new EvaluationGradeRepository(trx);
  const label = EVALUATION_KIND_LABELS[input.kind];
  const branch = chooseBranch(me, await repo.branchOffices(me.committeeId), input.branch);
  if ('ok' in branch) return branch;
  const window = gradedEvaluationYear(input.kind, env.today);
  if ('closed' in window) return refuse('closed', `未作登记。${window.closed}`);
  const year = window.year;
  if (input.year !== null && input.year !== year) return refuse('wrong_year', `未作登记：现在登记的是${year}年的${label}，不能登记${input.year}年的。请不写年份或写${year}年。`);
  if (input.rest === null && input.named.length === 0) {
    return refuse('empty', `未作登记：没有评定结果。请按格式发送，例如“${label}：全体合格，其中王芳、张伟优秀”，或逐人“${label}：冯无号基本合格”。`);
  }

  const members = await repo.activeMembers(branch.id);
  const unknown: string[] = [];
  const namesakes: Array<{ written: string; bearers: typeof members }> = [];
  const chosen = new Map<string, { name: string; grade: EvaluationGrade }>();
  const conflicts = new Set<string>();
  for (const w of input.named) {
    const written = w.name.trim();
    const byId = /^\d{1,18}$/.test(written) ? members.filter((m) => m.id === written) : [];
    const byAccount = members.filter((m) => m.userid !== null && m.userid.toLowerCase() === written.toLowerCase());
    const bearers = byId.length > 0 ? byId : byAccount.length > 0 ? byAccount : members.filter((m) => m.name === written);
    if (bearers.length === 0) unknown.push(written);
    else if (bearers.length > 1) namesakes.push({ written, bearers });
    else {
      const m = bearers[0]!;
      const earlier = chosen.get(m.id);
      if (earlier && earlier.grade !== w.grade) conflicts.add(m.name);
      chosen.set(m.id, { name: m.name, grade: w.grade });
    }
  }
  if (unknown.length > 0) return refuse('unknown_member', `未作登记：${branch.name}在册党员中没有${unknown.map((u) => `“${u}”`).join('、')}，请核对姓名后重新发送整条消息。`);
  const who = (b: (typeof members)[number]) => `${b.name}（${b.userid ? `账号 ${b.userid}` : '无账号'}${b.birth_date ? `，${b.birth_date.slice(0, 4)}年生` : ''}）`;
  if (namesakes.length === 1) {
    // One unclear name: asked back by number (the chat remembers the question), or rewritten with the account.
    const [{ written, bearers }] = namesakes as [(typeof namesakes)[number]];
    const reply = [`未作登记：${branch.name}有${bearers.length}名“${written}”，请问指哪一位？请回复序号：`, ...bearers.map((b, i) => `${i + 1}. ${who(b)}`), '（也可把姓名换成账号后重新发送整条消息。）'].join('\n');
    return { ok: false, code: 'namesakes', reply, namesake: { written, memberIds: bearers.map((b) => b.id) } };
  }
  if (namesakes.length > 1) {
    return refuse('namesakes', `未作登记：${namesakes.map((n) => `“${n.written}”有${n.bearers.length}人：${n.bearers.map(who).join('、')}`).join('；')}。请把姓名换成账号后重新发送整条消息。`);
  }
  if (conflicts.size > 0) return refuse('conflict', `未作登记：${[...conflicts].join('、')}在消息中评定了不同的等次，请核对后重新发送。`);

  const before = await repo.branchStatus(branch.id, input.kind, year);
  const beforeOf = new Map(before.members.map((m) => [m.member_id, m.grade]));
  const set = members.flatMap((m) => {
    const named = chosen.get(m.id);
    const grade = named?.grade ?? input.rest;
    return grade === null ? [] : [{ memberId: m.id, name: m.name, grade, before: beforeOf.get(m.id) ?? null, named: named !== undefined }];
  });
  const { alreadyHeld } = await repo.record({ branchId: branch.id, kind: input.kind, year, heldOn: env.today, grades: set, byMemberId: me.memberId, at: env.now });
  const after = await repo.branchStatus(branch.id, input.kind, year);
  const reply = recordedText({ branch: branch.name, year, kind: input.kind, firstTime: !alreadyHeld, heldOn: after.held_on ?? env.today, set, rest: input.rest, after });
  return { ok: true, reply, branch: { id: branch.id, name: branch.name, general_branch: branch.gb_name }, kind: input.kind, year, status: after };
}

/** Both evaluations of the year of a branch. */
export async function branchStatuses(trx: Transaction<Database>, branchId: string, year: number): Promise<Record<GradedEvaluationKind, BranchEvaluationStatus>> {
  const repo = new EvaluationGradeRepository(trx);
  const out = {} as Record<GradedEvaluationKind, BranchEvaluationStatus>;
  for (const k of GRADED_EVALUATION_KINDS) out[k] = await repo.branchStatus(branchId, k, year);
  return out;
}
