// Quarterly self-evaluation in chat (季度自评, MECHANISM 3.3). In the last two weeks of each quarter (the window of
// domain/incentive.ts, local dates in APP_TIMEZONE) a member submits "季度自评：本季度完成了…"; submitting again
// while the window is open replaces the text. Before the window opens the submission is refused with the dates it
// opens; after it closes with the day it closed (本季度自评已于12月31日截止) — nothing is recorded.
//
// A branch secretary records for a member of the branch they lead who has no chat account: "代冯无号提交季度自评：…";
// so may the member's GB secretary and the OD (the access rule's mayRecordSelfEvaluationFor: the quarter-end count
// of a branch without a secretary passes up to them).
// A member WITH an account is told to submit themself (the text is theirs to write), so "代X" means the bearer of
// the name without an account — the roster refuses two of them in one branch, which leaves no namesake to ask
// about. An unknown name and a member of another branch get the same answer.
//
// "我的季度自评" reads one's own back; "本季度未自评名单" gives a branch secretary the names of the active members of
// the branch they lead who have not submitted (members without an account marked: the secretary submits for
// them), and a general branch's leaders the counts per branch. Both read the open window's quarter, else the one
// that closed last.
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { Reply } from '../conversation/router.ts';
import { SelfEvaluationRepository, type MemberSubmission } from '../db/self-evaluation-repository.ts';
import { mayRecordSelfEvaluationFor, officeLists, selfEvaluationStandInOffices } from '../domain/access.ts';
import { chineseMonthDay } from '../domain/format.ts';
import { reportingQuarter, selfEvaluationWindowOn, type SelfEvaluationWindow } from '../domain/incentive.ts';
import { OfficeDirectory } from '../notices/offices.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { matchSelfEvaluationCommand, type SelfEvaluationCommand } from './self-evaluation-phrases.ts';

const text = (content: string): Reply => ({ message: { type: 'text', content } });

const quarterZh = (w: SelfEvaluationWindow) => `${w.year}年第${w.quarter}季度`;
const span = (w: SelfEvaluationWindow) => `${chineseMonthDay(w.start)}至${chineseMonthDay(w.end)}`;

/** Why a submission on `today` is refused (the window is not open), or undefined with the open window. */
function windowProblem(today: string): { problem: string } | { window: SelfEvaluationWindow } {
  const on = selfEvaluationWindowOn(today);
  if (on.open) return { window: on.window };
  return {
    problem: `未作登记：${quarterZh(on.closed)}自评已于${chineseMonthDay(on.closed.end)}截止；${quarterZh(on.next)}自评于${span(on.next)}提交，届时请再发送。`,
  };
}

const EMPTY = '未作登记：自评内容为空。请在冒号后写明本季度思想、工作和作风情况，例如“季度自评：本季度完成了……”。';

async function submitOwn(ctx: ConversationContext, body: string): Promise<Reply[]> {
  const me = ctx.identity!;
  if (!body) return [text(EMPTY)];
  const w = windowProblem(ctx.today);
  if ('problem' in w) return [text(w.problem)];
  const { replaced } = await new SelfEvaluationRepository(ctx.trx).submit(me.memberId, w.window.year, w.window.quarter, body, me.memberId, ctx.now);
  return [
    text(
      `${me.name}同志，已${replaced ? '更新' : '提交'}您的${quarterZh(w.window)}自评${replaced ? '（原内容已替换）' : ''}：\n${body}\n${chineseMonthDay(w.window.end)}前可重新发送“季度自评：……”修改。`,
    ),
  ];
}

async function submitFor(ctx: ConversationContext, cmd: Extract<SelfEvaluationCommand, { kind: 'submit_for' }>): Promise<Reply[]> {
  const me = ctx.identity!;
  const person = accessPersonOf(me);
  const offices = selfEvaluationStandInOffices(person);
  if (offices.branchIds.length === 0 && offices.generalBranchIds.length === 0 && !offices.committee) {
    return [text('代为提交季度自评由支部书记为本支部没有企业微信/钉钉账号的党员办理。您本人的自评请发送“季度自评：……”。')];
  }
  if (!cmd.text) return [text(EMPTY)];
  const w = windowProblem(ctx.today);
  if ('problem' in w) return [text(w.problem)];
  const repo = new SelfEvaluationRepository(ctx.trx);
  // The branches the writer may act in, as the access rule reads them (a GB secretary stands in for the branches of
  // the GB, the OD for the committee's: the quarter-end count passes up to them when a branch has no secretary).
  const branches = (await repo.branchCounts(w.window.year, w.window.quarter)).filter(
    (b) => offices.committee || offices.branchIds.includes(b.branch_id) || offices.generalBranchIds.includes(b.general_branch_id),
  );
  const found = (
    await Promise.all(branches.map(async (b) => (await repo.namedInBranch(b.branch_id, cmd.name)).map((m) => ({ ...m, branchId: b.branch_id, generalBranchId: b.general_branch_id, branch: b.branch }))))
  ).flat();
  const allowed = found.filter((m) => mayRecordSelfEvaluationFor(person, { memberId: m.member_id, branchId: m.branchId, generalBranchId: m.generalBranchId, committeeId: me.committeeId }));
  if (allowed.length === 0) return [text(`未作登记：您负责的支部中没有“${cmd.name}”，请核对姓名。`)];
  // A namesake with an account writes their own. The roster refuses two members of one branch with one name and no
  // account; across the branches a GB secretary or the OD stands in for, two are asked apart (nothing recorded).
  const withoutAccount = allowed.filter((m) => !m.userid);
  if (withoutAccount.length === 0) return [text(`未作登记：${allowed[0]!.name}同志有企业微信/钉钉账号，请其本人发送“季度自评：……”提交。代为提交仅适用于没有账号的党员。`)];
  if (withoutAccount.length > 1) {
    return [text(`未作登记：${withoutAccount.map((m) => `${m.branch}`).join('、')}各有一名没有账号的“${cmd.name}”，请由所在支部书记代为提交，或由党委组织部通过管理接口按党员编号登记。`)];
  }
  const member = withoutAccount[0]!;
  const { replaced } = await repo.submit(member.member_id, w.window.year, w.window.quarter, cmd.text, me.memberId, ctx.now);
  return [text(`已${replaced ? '更新' : '代为提交'}${member.name}同志${quarterZh(w.window)}自评${replaced ? '（原内容已替换）' : ''}：\n${cmd.text}`)];
}

async function mine(ctx: ConversationContext): Promise<Reply[]> {
  const me = ctx.identity!;
  const w = reportingQuarter(ctx.today);
  const found = await new SelfEvaluationRepository(ctx.trx).of(me.memberId, w.year, w.quarter);
  if (!found) {
    const open = selfEvaluationWindowOn(ctx.today).open;
    return [text(`您尚未提交${quarterZh(w)}自评。${open ? `请于${chineseMonthDay(w.end)}前发送“季度自评：……”提交。` : `该季度自评已于${chineseMonthDay(w.end)}截止。`}`)];
  }
  const by = found.recorded_by_member_id === me.memberId ? '' : `（由${found.recorded_by_name}代为提交）`;
  return [text(`您的${quarterZh(w)}自评${by}：\n${found.text}`)];
}

/** A branch's members who have not submitted, by name (members without an account marked: submitted for them). */
function branchList(name: string, rows: readonly MemberSubmission[], w: SelfEvaluationWindow): string {
  const left = rows.filter((r) => !r.submitted);
  return [
    `${name}${quarterZh(w)}自评：在册${rows.length}人，已提交${rows.length - left.length}人，尚有${left.length}人未提交${left.length > 0 ? '：' : '。'}`,
    ...(left.length > 0 ? [left.map((r) => `${r.name}${r.userid ? '' : '（无账号，可发送“代' + r.name + '提交季度自评：……”代为提交）'}`).join('、')] : []),
  ].join('\n');
}

async function missing(ctx: ConversationContext): Promise<Reply[]> {
  const me = ctx.identity!;
  const lists = officeLists(accessPersonOf(me));
  if (lists.branchIds.length === 0 && lists.generalBranchIds.length === 0) {
    return [text('本季度未自评名单由支部书记、党总支负责同志查看。您本人的自评请发送“我的季度自评”查看。')];
  }
  const w = reportingQuarter(ctx.today);
  const repo = new SelfEvaluationRepository(ctx.trx);
  const out: string[] = [];
  for (const branchId of lists.branchIds) {
    const rows = await repo.branchSubmissions(branchId, w.year, w.quarter);
    const name = me.roles.find((r) => r.organisation.id === branchId)?.organisation.name ?? me.branch.name;
    out.push(branchList(name, rows, w));
  }
  const standIn = selfEvaluationStandInOffices(accessPersonOf(me)).generalBranchIds;
  const offices = standIn.length > 0 ? await OfficeDirectory.load(ctx.trx) : undefined;
  for (const gbId of lists.generalBranchIds) {
    const counts = await repo.branchCounts(w.year, w.quarter, gbId);
    const gbName = me.roles.find((r) => r.organisation.id === gbId)?.organisation.name ?? me.generalBranch.name;
    const total = counts.reduce((a, c) => ({ active: a.active + c.active, submitted: a.submitted + c.submitted }), { active: 0, submitted: 0 });
    out.push(
      [
        `${gbName}${quarterZh(w)}自评：在册${total.active}人，已提交${total.submitted}人，尚有${total.active - total.submitted}人未提交。各支部：`,
        ...counts.map((c) => `${c.branch}：在册${c.active}人，已提交${c.submitted}人，未提交${c.active - c.submitted}人`),
      ].join('\n'),
    );
    // A branch without a secretary: its count passed up to the GB secretary, who gets its names to act on.
    for (const c of counts) {
      if (!offices || !standIn.includes(gbId) || offices.answering('branch_secretary', c.branch_id).vacant.length === 0) continue;
      out.push(branchList(`${c.branch}（暂无支部书记）`, await repo.branchSubmissions(c.branch_id, w.year, w.quarter), w));
    }
  }
  return [text(out.join('\n\n'))];
}

async function answerCommand(ctx: ConversationContext, cmd: SelfEvaluationCommand): Promise<Reply[]> {
  switch (cmd.kind) {
    case 'submit':
      return submitOwn(ctx, cmd.text);
    case 'submit_for':
      return submitFor(ctx, cmd);
    case 'mine':
      return mine(ctx);
    case 'missing':
      return missing(ctx);
  }
}

export const selfEvaluationConversation: ConversationHandler = guarded(async (ctx) => {
  if (!ctx.identity || ctx.event.kind !== 'text') return undefined;
  const cmd = matchSelfEvaluationCommand(ctx.event.text);
  return cmd ? answerCommand(ctx, cmd) : undefined;
});
