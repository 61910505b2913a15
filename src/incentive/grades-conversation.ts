// Half-year and year-end evaluations in chat (半年考评, 年底总评, MECHANISM 3.3; the sentences: grade-phrases.ts).
// A branch secretary records the branch's evaluation in one message ("年底总评：全体合格，其中王芳、张伟优秀") or per
// member ("张伟年底总评不合格"); a GB secretary standing in for a vacant branch names it ("教工第二党支部年底总评：
// …"). Reads: "我的考评" (one's own grades beside one's commitment and the branch's goals), "本支部考评情况" (the
// branch secretary: names per grade), "本总支考评情况" (GB leaders: counts per branch), "考评情况" (the OD: the
// committee; others: the widest view they have). Nobody else gets a grade: the refusals name no member. A name
// two members of the branch bear is asked back with numbers; the number replied records the message as written.
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { Reply } from '../conversation/router.ts';
import { ConversationMemoryRepository } from '../db/conversation-memory-repository.ts';
import { EvaluationGradeRepository } from '../db/evaluation-grade-repository.ts';
import { GoalStatementRepository } from '../db/goal-statement-repository.ts';
import { SelfEvaluationRepository } from '../db/self-evaluation-repository.ts';
import { evaluationViewsOf, maySeeEvaluationList } from '../domain/access.ts';
import { evaluationReadYear, selfEvaluationWindow } from '../domain/incentive.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { matchGradeCommand, type GradeCommand } from './grade-phrases.ts';
import { branchStatusText, committeeStatusText, generalBranchStatusText, myEvaluationsText, selfEvaluationLines } from './grade-text.ts';
import { branchStatuses, recordBranchGrades, type GradeRecording, type NamesakeQuestion } from './grades.ts';

const text = (content: string): Reply[] => [{ message: { type: 'text', content } }];

/** A name several members of the branch bear is asked back; the number replied within this time answers it. */
const NAMESAKE_TOPIC = 'grade_namesake';
const NAMESAKE_MINUTES = 30;
const NUMBER = /^\s*(\d{1,2})\s*[。.]?\s*$/;

interface PendingRecording {
  input: GradeRecording;
  question: NamesakeQuestion;
}

/** Records, and remembers the question when one name is borne by several members. */
async function record(ctx: ConversationContext, input: GradeRecording): Promise<Reply[]> {
  const out = await recordBranchGrades(ctx.trx, { today: ctx.today, now: ctx.now }, accessPersonOf(ctx.identity!), input);
  if (!out.ok && out.namesake) {
    const pending: PendingRecording = { input, question: out.namesake };
    await new ConversationMemoryRepository(ctx.trx).remember(ctx.identity!.memberId, NAMESAKE_TOPIC, JSON.stringify(pending), ctx.now);
  }
  return text(out.reply);
}

/** A number answering the last namesake question (within NAMESAKE_MINUTES), or undefined: not ours. */
async function answerNamesake(ctx: ConversationContext, n: number): Promise<Reply[] | undefined> {
  const memory = new ConversationMemoryRepository(ctx.trx);
  const [asked] = await memory.recall(ctx.identity!.memberId, [NAMESAKE_TOPIC], new Date(ctx.now.getTime() - NAMESAKE_MINUTES * 60_000));
  if (!asked) return undefined;
  const pending = JSON.parse(asked.ref) as PendingRecording;
  const ids = pending.question.memberIds;
  if (n < 1 || n > ids.length) return text(`请回复1至${ids.length}的序号（“${pending.question.written}”指哪一位）。`);
  await memory.forget(ctx.identity!.memberId, NAMESAKE_TOPIC, asked.ref);
  // The member chosen by id; the rest of the message as first written (checked again: nothing was recorded yet).
  const named = pending.input.named.map((g) => (g.name.trim() === pending.question.written ? { ...g, name: ids[n - 1]! } : g));
  return record(ctx, { ...pending.input, named });
}

const NO_VIEW = '考评情况由支部书记（本支部）、党总支负责同志（本总支）和党委组织部（全校）查看。查看本人的考评，请发送“我的考评”。';

async function answerCommand(ctx: ConversationContext, cmd: GradeCommand): Promise<Reply[]> {
  const identity = ctx.identity!;
  const me = accessPersonOf(identity);
  if (cmd.kind === 'record') {
    if (cmd.unread.length > 0) {
      return text(`未作登记：没有读懂“${cmd.unread.join('，')}”。请按格式发送，例如“年底总评：全体合格，其中王芳、张伟优秀”，或逐人“年底总评：冯无号基本合格”。`);
    }
    return record(ctx, { kind: cmd.evaluation, branch: cmd.branch === null ? null : { name: cmd.branch }, year: cmd.year, rest: cmd.rest, named: cmd.named });
  }

  const current = Number(ctx.today.slice(0, 4));
  const year = cmd.year ?? evaluationReadYear(ctx.today);
  if (year < current - 5 || year > current) return text(`年份${year}年有误，请写今年或以前的年份，或不写年份。`);

  if (cmd.kind === 'my_evaluations') {
    const goals = new GoalStatementRepository(ctx.trx);
    const commitment = await goals.statementOf({ kind: 'commitment', memberId: identity.memberId }, year);
    const branchGoals = await goals.statementOf({ kind: 'goals', organisationId: identity.branch.id }, year);
    const grades = await new EvaluationGradeRepository(ctx.trx).gradesOf(identity.memberId, year);
    const selfEvaluations = new SelfEvaluationRepository(ctx.trx);
    const quarters = [];
    for (const quarter of [1, 2, 3, 4]) {
      const opened = selfEvaluationWindow(year, quarter).start <= ctx.today;
      quarters.push({ quarter, opened, text: opened ? ((await selfEvaluations.of(identity.memberId, year, quarter))?.text ?? null) : null });
    }
    return text(
      myEvaluationsText({
        name: identity.name,
        year,
        branch: identity.branch.name,
        commitment: commitment?.text ?? null,
        branchGoals: branchGoals?.text ?? null,
        grades,
        extraLines: selfEvaluationLines(quarters),
      }),
    );
  }

  const views = evaluationViewsOf(me);
  const repo = new EvaluationGradeRepository(ctx.trx);
  const branchView = async () => {
    const branchId = views.branchIds.includes(identity.branch.id) ? identity.branch.id : views.branchIds[0]!;
    const name = branchId === identity.branch.id ? identity.branch.name : (identity.roles.find((r) => r.organisation.id === branchId)?.organisation.name ?? '');
    return text(branchStatusText({ branch: name, year, statuses: await branchStatuses(ctx.trx, branchId, year) }));
  };
  const gbView = async () => {
    const gbId = views.generalBranchIds.includes(identity.generalBranch.id) ? identity.generalBranch.id : views.generalBranchIds[0]!;
    const name = gbId === identity.generalBranch.id ? identity.generalBranch.name : (identity.roles.find((r) => r.organisation.id === gbId)?.organisation.name ?? '');
    return text(generalBranchStatusText({ generalBranch: name, year, rows: await repo.generalBranchCounts(gbId, year) }));
  };
  if (cmd.branch !== null) {
    // A branch named: for those who see its members' grades (a stand-in GB secretary, the OD); anyone else, and a
    // name no branch bears, get the same answer.
    const written = cmd.branch;
    const found = (await repo.branchOffices(me.committeeId)).filter(
      (b) => (b.name === written || `${b.gb_name}${b.name}` === written) && maySeeEvaluationList(me, { id: b.id, kind: 'branch', generalBranchId: b.gb_id, committeeId: b.committee_id }),
    );
    if (found.length !== 1) return text(found.length > 1 ? `“${written}”可指：${found.map((b) => `${b.gb_name}${b.name}`).join('、')}，请写明党总支和支部全称。` : `您不能查看“${written}”的考评情况。${NO_VIEW}`);
    return text(branchStatusText({ branch: found[0]!.name, year, statuses: await branchStatuses(ctx.trx, found[0]!.id, year) }));
  }
  switch (cmd.level) {
    case 'branch':
      return views.branchIds.length > 0 ? branchView() : text(`本支部考评情况由支部书记查看。${views.generalBranchIds.length > 0 ? '您可发送“本总支考评情况”。' : '查看本人的考评，请发送“我的考评”。'}`);
    case 'general_branch':
      return views.generalBranchIds.length > 0 ? gbView() : text(`本总支考评情况由党总支负责同志查看。${views.branchIds.length > 0 ? '您可发送“本支部考评情况”。' : '查看本人的考评，请发送“我的考评”。'}`);
    case 'any':
      if (views.committee) return text(committeeStatusText({ year, rows: await repo.committeeCounts(me.committeeId, year) }));
      if (views.generalBranchIds.length > 0) return gbView();
      if (views.branchIds.length > 0) return branchView();
      return text(NO_VIEW);
  }
}

export const gradesConversation: ConversationHandler = guarded(async (ctx) => {
  if (!ctx.identity || ctx.event.kind !== 'text') return undefined;
  const number = NUMBER.exec(ctx.event.text);
  if (number) return answerNamesake(ctx, Number(number[1]));
  const cmd = matchGradeCommand(ctx.event.text);
  return cmd ? answerCommand(ctx, cmd) : undefined;
});
