// Excellent members and commendations in chat (MECHANISM 3.2–3.3, issue 13 sections 4–5). The GB secretary
// names the GB's excellent members ("评选优秀党员：张伟、王芳"; the OD for a GB whose secretary office is vacant,
// the GB being the one the names belong to) and reads the list back ("本总支优秀党员名单"); the
// OD records the committee's picks ("校党委优秀共产党员：张伟、李明", "校党委优秀党务工作者：周支书") — a person on no GB
// list of the year is asked for a reason, which the OD's next message gives ("取消" drops them) — and any other
// commendation ("表彰：王芳 专项表彰 抢险抗灾 2026年 校党委 证书编号QZ2026-001"). "我的表彰" lists one's own;
// "张伟的表彰" a person's, for those whose scope covers them (maySeeCommendations) — anyone else gets the same
// answer as for a name nobody bears. The rules are honours.ts's.
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { intentOfMessage } from '../conversation/replies.ts';
import { compactMessage, normalizeMessage } from '../conversation/interpret/normalise.ts';
import type { RosterIndexCache } from '../conversation/roster-cache.ts';
import { guarded } from '../conversation/reply-guard.ts';
import { smallTalk, type Reply } from '../conversation/router.ts';
import { CommendationRepository } from '../db/commendation-repository.ts';
import { ConversationMemoryRepository } from '../db/conversation-memory-repository.ts';
import { InboundRepository } from '../db/inbound-repository.ts';
import { excellentListsReadBy, excellentListsRecordedBy, mayRecordCommendations, mayRecordExcellentList, maySeeCommendations, viewerOf } from '../domain/access.ts';
import { COMMENDATION_KIND_LABELS, defaultHonourYear } from '../domain/incentive.ts';
import { OfficeDirectory } from '../notices/offices.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { matchHonourCommand, type HonourCommand } from './honour-phrases.ts';
import {
  commendationLines,
  honourYearProblem,
  readGbList,
  recordCommendation,
  recordCommitteePicks,
  recordGbList,
  resolveMembers,
  type HonourEnv,
  type HonourOutcome,
  type OdActor,
  type ResolvedMember,
} from './honours.ts';
import { readIncentive } from './phrases.ts';

/** A pick waiting for its reason stands for a day (injected clock). */
const PENDING_HOURS = 24;
/** The memory topic of committee picks waiting for a reason; its ref is the id of the event that named them. */
export const PICK_REASON_TOPIC = 'honour_pick_reason';

const say = (content: string): Reply[] => [{ message: { type: 'text', content } }];

const env = (ctx: ConversationContext): HonourEnv => ({ db: ctx.trx, now: ctx.now, today: ctx.today });

/** The answer to the writer, the notices to everyone else (never to the writer twice). */
function outcomeReplies(ctx: ConversationContext, o: HonourOutcome): Reply[] {
  if (!o.ok) return say(o.zh);
  const me = ctx.identity!.memberId;
  const own = o.notices.filter((n) => n.memberId === me);
  const others = o.notices.filter((n) => n.memberId !== me);
  // The writer named themself: their congratulation follows the answer, in the same reply.
  return [...say([o.zh, ...own.map((n) => (n.message.type === 'text' ? n.message.content : ''))].join('\n')), ...others.map((n) => ({ recipient: n.to, onceKey: n.onceKey, message: n.message }))];
}

const isOd = (ctx: ConversationContext) => mayRecordCommendations(accessPersonOf(ctx.identity!));
const odActor = (ctx: ConversationContext): OdActor => ({ memberId: ctx.identity!.memberId, committeeId: ctx.identity!.committeeId });
const OD_ONLY = '校党委的表彰（优秀共产党员、优秀党务工作者、先进基层党组织、专项表彰）由党委组织部登记。发送“我的表彰”可查看本人获得的表彰。';

async function answerCommand(ctx: ConversationContext, cmd: HonourCommand): Promise<Reply[]> {
  const me = ctx.identity!;
  switch (cmd.kind) {
    case 'gb_list': {
      const recorded = excellentListsRecordedBy(accessPersonOf(me));
      const gb = me.roles.find((r) => recorded.includes(r.organisation.id) && r.organisation.kind === 'general_branch')?.organisation;
      if (!gb) return mayRecordCommendations(accessPersonOf(me)) ? gbListStandingIn(ctx, cmd) : say(GB_LIST_ONLY);
      return outcomeReplies(ctx, await recordGbList(env(ctx), { memberId: me.memberId, committeeId: me.committeeId, gb: { id: gb.id, name: gb.name } }, cmd.names, cmd.year));
    }
    case 'read_gb_list': {
      const read = excellentListsReadBy(accessPersonOf(me));
      const gb = me.roles.find((r) => read.includes(r.organisation.id) && r.organisation.kind === 'general_branch')?.organisation;
      if (!gb) return say('本总支优秀党员名单由党总支书记查看。发送“我的表彰”可查看本人获得的表彰。');
      return say(await readGbList(env(ctx), gb, cmd.year));
    }
    case 'committee_pick':
      return committeePick(ctx, cmd, null);
    case 'commend':
      return commend(ctx, cmd);
    case 'my_commendations': {
      const views = await new CommendationRepository(ctx.trx).ofMember(me.memberId);
      if (views.length === 0) return say(`${me.name}同志，您目前没有表彰记录。`);
      return say([`${me.name}同志，您获得的表彰（${views.length}项）：`, ...commendationLines(views)].join('\n'));
    }
    case 'commendations_of':
      return commendationsOf(ctx, cmd.name);
  }
}

const GB_LIST_ONLY = '优秀党员由党总支书记评选登记（发送“评选优秀党员：张伟、王芳”）。发送“我的表彰”可查看本人获得的表彰。';

/**
 * The OD naming the excellent members of a GB whose secretary office is vacant (its nudge passed up to the OD):
 * the GB is the one the names belong to — all of them in one GB, else nothing is recorded.
 */
async function gbListStandingIn(ctx: ConversationContext, cmd: Extract<HonourCommand, { kind: 'gb_list' }>): Promise<Reply[]> {
  const me = ctx.identity!;
  const person = accessPersonOf(me);
  if (cmd.names.length === 0) return say('未作登记：名单为空。请在冒号后写出姓名，用顿号分隔，例如“评选优秀党员：张伟、王芳”。');
  const found = await resolveMembers(ctx.trx, me.committeeId, cmd.names, () => true, '全校');
  if (!found.ok) return say(found.zh);
  const gbs = [...new Map(found.members.map((m) => [m.gb_id, m.gb])).entries()];
  if (gbs.length !== 1) return say(`未作登记：名单中的同志分属${gbs.map(([, name]) => name).join('、')}。各党总支的优秀党员名单请分别发送。`);
  const [gbId, gbName] = gbs[0]!;
  const held = (await OfficeDirectory.load(ctx.trx)).answering('gb_secretary', gbId).vacant.length === 0;
  if (!mayRecordExcellentList(person, { generalBranchId: gbId, committeeId: me.committeeId, gbSecretaryHeld: held })) {
    return say(`未作登记：${gbName}的优秀党员由该党总支书记评选登记（党总支书记空缺时由党委组织部代为登记）。`);
  }
  return outcomeReplies(ctx, await recordGbList(env(ctx), { memberId: me.memberId, committeeId: me.committeeId, gb: { id: gbId, name: gbName } }, cmd.names, cmd.year));
}

/** "张伟的表彰": only for those whose scope covers the person; anyone else hears what a name nobody bears gets. */
async function commendationsOf(ctx: ConversationContext, name: string): Promise<Reply[]> {
  const me = ctx.identity!;
  const viewer = viewerOf(accessPersonOf(me));
  const found = await resolveMembers(ctx.trx, me.committeeId, [name], (m) => maySeeCommendations(viewer, { memberId: m.id, branchId: m.branch_id, generalBranchId: m.gb_id, committeeId: m.committee_id }), '您可查看的');
  if (!found.ok) return say(found.zh.replace('未作登记。', ''));
  const m = found.members[0]!;
  const views = await new CommendationRepository(ctx.trx).ofMember(m.id);
  if (views.length === 0) return say(`${m.name}同志（${m.gb}${m.branch}）目前没有表彰记录。`);
  return say([`${m.name}同志（${m.gb}${m.branch}）获得的表彰（${views.length}项）：`, ...commendationLines(views)].join('\n'));
}

/** The OD's picks: on-list ones recorded at once; the others wait for the reason in the next message. */
async function committeePick(ctx: ConversationContext, cmd: Extract<HonourCommand, { kind: 'committee_pick' }>, reason: string | null, certificateNo: string | null = null): Promise<Reply[]> {
  if (!isOd(ctx)) return say(OD_ONLY);
  const year = cmd.year ?? defaultHonourYear(ctx.today);
  const problem = honourYearProblem(year, ctx.today);
  if (problem) return say(`未作登记。${problem}`);
  const label = COMMENDATION_KIND_LABELS[cmd.honour];
  if (cmd.names.length === 0) return say(`未作登记：名单为空。请写出姓名，例如“校党委${label}：张伟、李明”。`);
  const found = await resolveMembers(ctx.trx, ctx.identity!.committeeId, cmd.names, () => true, '全校');
  if (!found.ok) return say(found.zh);
  const { outcome, waiting } = await recordCommitteePicks(env(ctx), odActor(ctx), year, cmd.honour, found.members, reason, certificateNo);
  if (waiting.length > 0) await new ConversationMemoryRepository(ctx.trx).remember(ctx.identity!.memberId, PICK_REASON_TOPIC, ctx.eventId, ctx.now);
  return outcomeReplies(ctx, outcome);
}

async function commend(ctx: ConversationContext, cmd: Extract<HonourCommand, { kind: 'commend' }>): Promise<Reply[]> {
  if (!isOd(ctx)) return say(OD_ONLY);
  const example = '例如“表彰：王芳 专项表彰 抢险抗灾 2026年 校党委 证书编号QZ2026-001”或“表彰：教工第一党支部 先进基层党组织 2026年”';
  if (cmd.problem) return say(`未作登记：${cmd.problem}。请按“表彰：对象 表彰类别 [事由] [年份] [校党委/党总支] [证书编号…]”书写，${example}。`);
  if (!cmd.recipient || !cmd.honour) return say(`未作登记：请写明表彰对象和类别（先进基层党组织、优秀共产党员、优秀党务工作者、专项表彰），${example}。`);
  const year = cmd.year ?? defaultHonourYear(ctx.today);
  const level = cmd.level ?? 'committee';
  if ((cmd.honour === 'excellent_member' || cmd.honour === 'excellent_worker') && level === 'committee') {
    return committeePick(ctx, { kind: 'committee_pick', year, honour: cmd.honour, names: [cmd.recipient] }, null, cmd.certificateNo);
  }
  const me = ctx.identity!;
  const repo = new CommendationRepository(ctx.trx);
  let member: ResolvedMember | null = null;
  let organisation = null;
  if (cmd.honour !== 'advanced_organisation') {
    const found = await resolveMembers(ctx.trx, me.committeeId, [cmd.recipient], () => true, '全校');
    if (found.ok) member = found.members[0]!;
    else if (found.code === 'ambiguous') return say(found.zh);
  }
  if (!member) {
    const orgs = await repo.organisationsNamed(me.committeeId, cmd.recipient);
    if (orgs.length > 1) return say(`未作登记：有多个党组织名为“${cmd.recipient}”，请通过管理接口按组织编号登记。`);
    organisation = orgs[0] ?? null;
    if (!organisation) return say(`未作登记：全校${cmd.honour === 'advanced_organisation' ? '党组织' : '在册党员和党组织'}中没有“${cmd.recipient}”，请核对名称。`);
  }
  return outcomeReplies(ctx, await recordCommendation(env(ctx), odActor(ctx), { year, kind: cmd.honour, level, cause: cmd.cause, member, organisation, certificateNo: cmd.certificateNo }));
}

const DATE_OR_NUMBER_ONLY = /^[\d\-./年月日号第，,、；;：:（）()\s]*(?:编号|证书号|证书编号)?[\dA-Za-z\-./年月日号第，,、；;：:（）()\s]*$/u;

/**
 * Messages that are never a reason (the question keeps waiting): another command, a courtesy, or anything the
 * interpreter reads as a record, a report or a query — a reason is free text.
 */
async function notAReason(ctx: ConversationContext, cache: RosterIndexCache, text: string): Promise<boolean> {
  if (readIncentive(text) !== undefined || smallTalk(text) !== undefined || /^(?:待办|我的待办|撤销|帮助)$/u.test(compactMessage(text))) return true;
  // A bare date or number ("2028-01-03，编号2028-001": a certificate's, sent to another question) says no reason.
  if (DATE_OR_NUMBER_ONLY.test(compactMessage(text))) return true;
  const intent = await intentOfMessage(ctx, cache, text);
  // A reason may well tell of a disaster or an illness (report words); a record or a query is not a reason.
  return intent !== 'unknown' && intent !== 'report_event';
}

/** The OD's message after out-of-list picks: the reason, recorded with them; "取消" drops them. */
async function pickReason(ctx: ConversationContext, cache: RosterIndexCache, text: string, written: string): Promise<Reply[] | undefined> {
  if (!isOd(ctx)) return undefined;
  const memory = new ConversationMemoryRepository(ctx.trx);
  const me = ctx.identity!.memberId;
  const [pending] = await memory.recall(me, [PICK_REASON_TOPIC], new Date(ctx.now.getTime() - PENDING_HOURS * 3_600_000));
  if (!pending || (await notAReason(ctx, cache, text))) return undefined;
  await memory.forget(me, PICK_REASON_TOPIC, pending.ref);
  const asked = /^\d{1,18}$/.test(pending.ref) ? await new InboundRepository(ctx.trx).get(pending.ref) : undefined;
  const original = asked ? (asked.payload as { text?: string }).text : undefined;
  const cmd = original ? matchHonourCommand(normalizeMessage(original)) : null;
  if (/^(?:取消|撤回|算了|不了|不登记)$/u.test(compactMessage(text))) return say('已取消，名单外的同志未作登记。');
  if (!cmd || (cmd.kind !== 'committee_pick' && cmd.kind !== 'commend')) return say('这个问题已过期，请重新发送评选名单。');
  const reason = written.replace(/[\s\u3000]+/gu, ' ').replace(/^(?:理由|推选理由)\s*[：:]\s*/u, '').replace(/[。.]+$/u, '').trim();
  if (cmd.kind === 'commend') {
    if (!cmd.honour || (cmd.honour !== 'excellent_member' && cmd.honour !== 'excellent_worker')) return say('这个问题已过期，请重新发送。');
    return committeePick(ctx, { kind: 'committee_pick', year: cmd.year, honour: cmd.honour, names: [cmd.recipient] }, reason, cmd.certificateNo);
  }
  return committeePick(ctx, cmd, reason);
}

export function honoursConversation(cache: RosterIndexCache): ConversationHandler {
  return guarded(async (ctx) => {
    if (!ctx.identity || ctx.event.kind !== 'text') return undefined;
    const text = normalizeMessage(ctx.event.text);
    const cmd = matchHonourCommand(text);
    if (cmd) return answerCommand(ctx, cmd);
    return pickReason(ctx, cache, text, ctx.event.text.trim());
  });
}
