// Goals and commitments in chat (组织目标管理, 个人亮岗履职, MECHANISM 3.3). A branch secretary records "本支部2027年
// 目标：…", a GB secretary "本总支2027年目标：…", a member "亮岗承诺：…" (the year is optional: the current one);
// recording again replaces the text. "本支部目标" / "本总支目标" read the writer's own organisation's goals (goals
// are not sensitive: every member may read those of their own branch and GB), "我的亮岗承诺" one's own commitment.
// Commitments are public within the branch (亮岗 is a public display), so a branch secretary lists "本支部亮岗承诺"
// for the branch they lead — with who has not recorded one; nobody else gets another member's commitment.
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { Reply } from '../conversation/router.ts';
import type { Transaction } from 'kysely';
import { EvaluationGradeRepository, type BranchOfficeRow } from '../db/evaluation-grade-repository.ts';
import type { Database } from '../db/schema.ts';
import { GoalStatementRepository, type GoalSubject } from '../db/goal-statement-repository.ts';
import { mayRecordGoalsAsStandIn, mayRecordGoalsOf, type AccessPerson, type OrganisationPlace } from '../domain/access.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { isGoalYear } from '../domain/incentive.ts';
import type { RosterIdentity } from '../roster/responsibility.ts';
import { matchGoalCommand, type GoalCommand, type GoalLevel } from './goal-phrases.ts';

const text = (content: string): Reply => ({ message: { type: 'text', content } });

const LEVEL_ZH: Record<GoalLevel, string> = { branch: '本支部', general_branch: '本总支' };
const SECRETARY: Record<GoalLevel, { role: 'branch_secretary' | 'gb_secretary'; zh: string }> = {
  branch: { role: 'branch_secretary', zh: '支部书记' },
  general_branch: { role: 'gb_secretary', zh: '党总支书记' },
};

/** The organisation the writer leads at that level (their secretary role), if any. */
function ledOrganisation(identity: RosterIdentity, level: GoalLevel): { id: string; name: string } | undefined {
  const held = identity.roles.find((r) => r.role === SECRETARY[level].role && r.organisation.kind === level);
  return held ? { id: held.organisation.id, name: held.organisation.name } : undefined;
}

/** The organisation whose goals the writer reads: the one they lead at that level, else their own. */
function ownOrganisation(identity: RosterIdentity, level: GoalLevel): { id: string; name: string } {
  return ledOrganisation(identity, level) ?? (level === 'branch' ? identity.branch : identity.generalBranch);
}

/** A year the writer may mean: last, this or next (isGoalYear); anything else is a slip. */
function yearProblem(year: number, today: string): string | undefined {
  return isGoalYear(year, today) ? undefined : `年份${year}年有误，请写今年（${today.slice(0, 4)}年）或明年，或不写年份。`;
}

/** Every branch and general branch of the committee with whether its secretary's office is held (for stand-ins). */
function goalOffices(rows: readonly BranchOfficeRow[]) {
  const branches = rows.map((b) => ({
    name: b.name,
    fullName: `${b.gb_name}${b.name}`,
    place: { kind: 'branch' as const, id: b.id, generalBranchId: b.gb_id, committeeId: b.committee_id, secretaryHeld: b.branch_secretary_held, gbSecretaryHeld: b.gb_secretary_held },
  }));
  const gbs = [...new Map(rows.map((b) => [b.gb_id, b])).values()].map((b) => ({
    name: b.gb_name,
    fullName: b.gb_name,
    place: { kind: 'general_branch' as const, id: b.gb_id, generalBranchId: b.gb_id, committeeId: b.committee_id, secretaryHeld: b.gb_secretary_held, gbSecretaryHeld: b.gb_secretary_held },
  }));
  return [...branches, ...gbs];
}

/**
 * May `me` record the goals of this organisation: its own secretary, or the office standing in for its vacant
 * secretary (the admin API asks the same as the chat).
 */
export async function mayRecordGoalsFor(trx: Transaction<Database>, me: AccessPerson, org: OrganisationPlace): Promise<boolean> {
  if (mayRecordGoalsOf(me, org)) return true;
  const found = goalOffices(await new EvaluationGradeRepository(trx).branchOffices(me.committeeId)).find((c) => c.place.id === org.id && c.place.kind === org.kind);
  return found !== undefined && mayRecordGoalsAsStandIn(me, found.place);
}

/**
 * The organisation named in "教工第二党支部2027年目标：…" if the writer may record its goals — as its secretary or
 * standing in for a vacant secretary — else the refusal (the same words whether it exists or not).
 */
async function namedOrganisation(ctx: ConversationContext, level: GoalLevel, written: string): Promise<{ id: string; name: string } | string> {
  const me = accessPersonOf(ctx.identity!);
  const rows = await new EvaluationGradeRepository(ctx.trx).branchOffices(me.committeeId);
  const candidates = goalOffices(rows).filter((c) => c.place.kind === level && (c.name === written || c.fullName === written));
  const mine = candidates.filter((c) => mayRecordGoalsOf(me, c.place) || mayRecordGoalsAsStandIn(me, c.place));
  if (mine.length === 1) return { id: mine[0]!.place.id, name: mine[0]!.name };
  if (mine.length > 1) return `未作登记：“${written}”不止一个，请写明党总支和支部全称，例如“${mine[0]!.fullName}目标：……”。`;
  return `未作登记：您不能登记“${written}”的目标。组织目标由该组织书记登记；书记空缺时由上一级代为登记。`;
}

async function answerCommand(ctx: ConversationContext, cmd: GoalCommand): Promise<Reply[]> {
  const identity = ctx.identity!;
  const current = Number(ctx.today.slice(0, 4));
  const year = cmd.year ?? current;
  const problem = yearProblem(year, ctx.today);
  if (problem) return [text(`未作登记。${problem}`)];
  const repo = new GoalStatementRepository(ctx.trx);

  switch (cmd.kind) {
    case 'set_goals': {
      const org = cmd.organisation !== undefined ? await namedOrganisation(ctx, cmd.level, cmd.organisation) : ledOrganisation(identity, cmd.level);
      if (typeof org === 'string') return [text(org)];
      if (!org) return [text(`${LEVEL_ZH[cmd.level]}目标由${SECRETARY[cmd.level].zh}登记。党员同志可发送“亮岗承诺：……”登记本人的亮岗承诺。`)];
      if (!cmd.text) return [text(`未作登记：目标内容为空。请在冒号后写明目标，例如“${LEVEL_ZH[cmd.level]}${year}年目标：每月开展一次主题党日”。`)];
      const { replaced } = await repo.record({ kind: 'goals', organisationId: org.id }, year, cmd.text, identity.memberId, ctx.now);
      return [text(`已${replaced ? '更新' : '登记'}${org.name}${year}年目标${replaced ? '（原内容已替换）' : ''}：\n${cmd.text}`)];
    }
    case 'set_commitment': {
      if (!cmd.text) return [text(`未作登记：承诺内容为空。请在冒号后写明本人的亮岗承诺，例如“亮岗承诺：立足岗位，做好本职工作”。`)];
      const { replaced } = await repo.record({ kind: 'commitment', memberId: identity.memberId }, year, cmd.text, identity.memberId, ctx.now);
      return [text(`${identity.name}同志，已${replaced ? '更新' : '登记'}您的${year}年亮岗承诺${replaced ? '（原内容已替换）' : ''}：\n${cmd.text}`)];
    }
    case 'read_goals': {
      const org = ownOrganisation(identity, cmd.level);
      const subject: GoalSubject = { kind: 'goals', organisationId: org.id };
      const found = await repo.statementOf(subject, year);
      if (!found) return [text(`${org.name}尚未登记${year}年目标。${ledOrganisation(identity, cmd.level) ? `请发送“${LEVEL_ZH[cmd.level]}${year}年目标：……”登记。` : ''}`)];
      return [text(`${org.name}${year}年目标：\n${found.text}`)];
    }
    case 'my_commitment': {
      const found = await repo.statementOf({ kind: 'commitment', memberId: identity.memberId }, year);
      if (!found) return [text(`您尚未登记${year}年亮岗承诺。请发送“亮岗承诺：……”登记。`)];
      return [text(`您的${year}年亮岗承诺：\n${found.text}`)];
    }
    case 'branch_commitments': {
      const org = ledOrganisation(identity, 'branch');
      if (!org) return [text('本支部亮岗承诺名单由支部书记查看。您可发送“我的亮岗承诺”查看本人的承诺。')];
      const rows = await repo.commitmentsInBranch(org.id, year);
      const done = rows.filter((r) => r.text !== null);
      const missing = rows.filter((r) => r.text === null);
      const lines = [
        `${org.name}${year}年亮岗承诺（在册${rows.length}人，已登记${done.length}人）：`,
        ...done.map((r) => `${r.name}：${r.text!.replace(/\s*\n\s*/g, '；')}`),
        ...(missing.length > 0 ? [`尚未登记：${missing.map((r) => r.name).join('、')}`] : []),
      ];
      return [text(lines.join('\n'))];
    }
  }
}

export const goalsConversation: ConversationHandler = guarded(async (ctx) => {
  if (!ctx.identity || ctx.event.kind !== 'text') return undefined;
  const cmd = matchGoalCommand(ctx.event.text);
  return cmd ? answerCommand(ctx, cmd) : undefined;
});
