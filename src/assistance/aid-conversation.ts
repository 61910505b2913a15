// Emergency aid in chat (突发困难补助, MECHANISM 1.2): the application in one message, each step in one tap, and the
// line that some taps ask for in the next message (a reason for 不同意 / 不批准, an optional line after 同意, the
// amount when the application gave none — remembered in conversation_memory). Card keys can be forged, so every
// click goes through the access rule (emergency-aid.ts aidForStep); nothing about an aid shows to anyone who may
// not act on it. It stands before the care conversation in the chain: an aid sentence is never a care report.
import type { WorkingDayCalendar } from '../domain/calendar.ts';
import { chineseWorkingDayCalendar } from '../domain/calendar.ts';
import { mayApprove } from '../domain/access.ts';
import type { EmergencyAidState } from '../domain/assistance.ts';
import { ConversationMemoryRepository } from '../db/conversation-memory-repository.ts';
import { EmergencyAidRepository, type EmergencyAid } from '../db/emergency-aid-repository.ts';
import { InboundRepository } from '../db/inbound-repository.ts';
import { OrganisationRepository } from '../db/organisation-repository.ts';
import { parseCardKey } from '../notices/cards.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { courtesyOrReport, intentOfMessage, withCardUpdate } from '../conversation/replies.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { RosterIndexCache } from '../conversation/roster-cache.ts';
import type { Reply } from '../conversation/router.ts';
import { ASSISTANCE_ACTION as A } from './actions.ts';
import { matchAidCommand, parseAmountReply, type AidCommand } from './aid-phrases.ts';
import { AID_TEXT } from './aid-text.ts';
import { AID_CARD_TOPIC } from '../domain/emergency-aid.ts';
import {
  addOpinionNote,
  aidForStep,
  answerConsent,
  applyForAid,
  checkApplication,
  decideAid,
  giveOpinion,
  recordAidPaid,
  type AidActor,
  type AidEnv,
  type AidOutcome,
} from './emergency-aid.ts';

/** Questions whose answer is the person's next message (ref: the aid, or the event of an application without amount). */
export const AID_QUESTION = { amount: 'aid_amount', gbReason: 'aid_gb_reason', odReason: 'aid_od_reason', gbNote: 'aid_gb_note' } as const;
const QUESTIONS = Object.values(AID_QUESTION);
/** A reason or an amount asked for is awaited this long; the optional line after 同意 much less. */
const ANSWER_HOURS = 24;
const NOTE_MINUTES = 30;
/** A short reply ("批准1500元", "突发困难补助已发放") refers to a card shown within this many days. */
const CARD_DAYS = 30;

const say = (content: string): Reply[] => [{ message: { type: 'text', content } }];

/** A refused step greys nothing and tells nobody else. */
function replies(ctx: ConversationContext, outcome: AidOutcome | { ok: false; reply: string }, replaceName?: string): Reply[] {
  if (!outcome.ok) return say(outcome.reply);
  return withCardUpdate(ctx, outcome.reply, replaceName, outcome.notices.map((n) => ({ recipient: n.recipient, onceKey: n.onceKey, message: n.message })));
}

const actorOf = (ctx: ConversationContext): AidActor => ({ memberId: ctx.identity!.memberId, name: ctx.identity!.name, person: accessPersonOf(ctx.identity!) });

export function aidConversation(cache: RosterIndexCache, calendar: WorkingDayCalendar = chineseWorkingDayCalendar()): ConversationHandler {
  return guarded(async (ctx) => {
    if (!ctx.identity) return undefined;
    const env: AidEnv = { trx: ctx.trx, now: ctx.now, today: ctx.today, calendar };
    if (ctx.event.kind === 'card_click') return click(ctx, env, ctx.event.eventKey);
    if (ctx.event.kind !== 'text') return undefined;
    const cmd = matchAidCommand(ctx.event.text);
    if (cmd) return command(ctx, env, cmd);
    return awaitedAnswer(ctx, env, cache, ctx.event.text);
  });
}

// ---- buttons ----

async function click(ctx: ConversationContext, env: AidEnv, key: string): Promise<Reply[] | undefined> {
  const { action, ids } = parseCardKey(key);
  const aidId = ids[0] ?? '';
  const actor = actorOf(ctx);
  const memory = new ConversationMemoryRepository(ctx.trx);
  switch (action) {
    case A.aidConsent:
      return replies(ctx, await answerConsent(env, actor, aidId, true), '已同意');
    case A.aidDecline:
      return replies(ctx, await answerConsent(env, actor, aidId, false), '不同意');
    case A.aidAgree: {
      const outcome = await giveOpinion(env, actor, aidId, true, '');
      if (outcome.ok) await memory.remember(actor.memberId, AID_QUESTION.gbNote, aidId, ctx.now);
      return replies(ctx, outcome, '已同意');
    }
    case A.aidDisagree: {
      const found = await aidForStep(env, actor, aidId, 'opinion');
      if (!found.ok) return say(found.reply);
      await memory.remember(actor.memberId, AID_QUESTION.gbReason, aidId, ctx.now);
      return say(AID_TEXT.askGbReason(found.aid.member_name));
    }
    case A.aidApprove: {
      const found = await aidForStep(env, actor, aidId, 'decision');
      if (!found.ok) return say(found.reply);
      return replies(ctx, await decideAid(env, actor, aidId, found.aid.requested_fen, ''), '已批准');
    }
    case A.aidReject: {
      const found = await aidForStep(env, actor, aidId, 'decision');
      if (!found.ok) return say(found.reply);
      await memory.remember(actor.memberId, AID_QUESTION.odReason, aidId, ctx.now);
      return say(AID_TEXT.askOdReason(found.aid.member_name));
    }
    case A.aidPaid:
      return replies(ctx, await recordAidPaid(env, actor, aidId), '已发放');
    default:
      return undefined;
  }
}

// ---- typed commands ----

async function command(ctx: ConversationContext, env: AidEnv, cmd: AidCommand): Promise<Reply[]> {
  switch (cmd.kind) {
    case 'apply':
      return apply(ctx, env, cmd);
    case 'approve':
      return typedStep(ctx, env, 'gb_reviewed', AID_CARD_TOPIC.decision, cmd.name, (aid) => decideAid(env, actorOf(ctx), aid.id, cmd.amountFen, ''), `批准${cmd.name ?? '王芳'}突发困难补助1500元`);
    case 'paid':
      return typedStep(ctx, env, 'approved', AID_CARD_TOPIC.payment, cmd.name, (aid) => recordAidPaid(env, actorOf(ctx), aid.id), `${cmd.name ?? '王芳'}突发困难补助已发放`);
  }
}

async function apply(ctx: ConversationContext, env: AidEnv, cmd: Extract<AidCommand, { kind: 'apply' }>): Promise<Reply[]> {
  const me = ctx.identity!;
  const actor = actorOf(ctx);
  let memberId = me.memberId;
  if (cmd.for !== null && cmd.for !== me.name && cmd.for.toLowerCase() !== me.userid.toLowerCase()) {
    // Only those the writer may apply for are looked at: a name outside reads as a name nobody bears.
    // "为郑老党员申请": 党员 may be part of the name or the title after it; the name as written wins.
    const written = [cmd.for, cmd.for.replace(/党员$/u, '')].filter((w, i, all) => w !== '' && all.indexOf(w) === i);
    const found = await new OrganisationRepository(ctx.trx).activeNamed(me.committeeId, written);
    const matching = (w: string) => found.filter((m) => m.name === w || m.userid?.toLowerCase() === w.toLowerCase());
    const bearers = written.map(matching).find((b) => b.length > 0) ?? [];
    const mine = bearers.filter((m) => mayApprove(actor.person, 'aid_application', { memberId: m.id, branchId: m.branch_id, generalBranchId: m.gb_id, committeeId: m.committee_id }));
    if (mine.length === 0) return say(AID_TEXT.forWhom);
    if (mine.length > 1) {
      const who = mine.map((m) => `${m.gb}${m.branch}${m.userid ? `，账号 ${m.userid}` : '，无账号'}`).join('；');
      return say(`有同名同志：${cmd.for}（${who}）。请改用账号，例如“为${mine.find((m) => m.userid)?.userid ?? '账号'}申请突发困难补助：……”。本次未提交。`);
    }
    memberId = mine[0]!.id;
  }
  if (cmd.amountFen === null) {
    const checked = await checkApplication(env, actor, memberId, cmd.attested);
    if (!checked.ok) return say(checked.reply);
    await new ConversationMemoryRepository(ctx.trx).remember(me.memberId, AID_QUESTION.amount, ctx.eventId, ctx.now);
    return say(AID_TEXT.askAmount);
  }
  // An application written again in full answers an amount still asked for: the question is dropped.
  const memory = new ConversationMemoryRepository(ctx.trx);
  for (const q of await memory.recall(me.memberId, [AID_QUESTION.amount], new Date(ctx.now.getTime() - ANSWER_HOURS * 3_600_000))) await memory.forget(me.memberId, q.topic, q.ref);
  return replies(ctx, await applyForAid(env, actor, { memberId, cause: cmd.cause, note: cmd.note, requestedFen: cmd.amountFen, attested: cmd.attested }));
}

/**
 * The OD's typed decision or payment: by name (namesakes asked back by account), or with no name as a reply to
 * the card of that step the OD was shown — taken only when exactly one such card still waits.
 */
async function typedStep(
  ctx: ConversationContext,
  env: AidEnv,
  state: EmergencyAidState,
  topic: string,
  name: string | null,
  act: (aid: EmergencyAid) => Promise<AidOutcome>,
  example: string,
): Promise<Reply[]> {
  const me = ctx.identity!;
  const person = accessPersonOf(me);
  if (!person.roles.some((r) => r.role === 'od_staff')) return say(AID_TEXT.onlyOd);
  const aids = new EmergencyAidRepository(ctx.trx);
  const what = state === 'gb_reviewed' ? '待审批' : '待发放';
  const approval = state === 'gb_reviewed' ? 'aid_decision' : 'aid_payment';
  const place = (a: EmergencyAid) => ({ memberId: a.member_id, branchId: a.branch_id, generalBranchId: a.gb_id, committeeId: a.committee_id });
  let candidates: EmergencyAid[];
  if (name !== null) {
    // 党员 after a name may be part of it (郑老党员) or a title: the name as written wins.
    const written = [name, name.replace(/党员$/u, '')].filter((w, i, all) => w !== '' && all.indexOf(w) === i);
    const found = (await aids.inStateNamed(me.committeeId, state, written)).filter((a) => mayApprove(person, approval, place(a)));
    const named = (w: string) => found.filter((a) => a.member_name === w || a.member_userid?.toLowerCase() === w.toLowerCase());
    candidates = written.map(named).find((c) => c.length > 0) ?? [];
    if (candidates.length === 0) return say(`没有${name}同志${what}的突发困难补助。请核对姓名，或在卡片上办理。`);
    if (candidates.length > 1) {
      return say(`有同名同志${what}的突发困难补助：${candidates.map((a) => `${a.general_branch}${a.branch}${a.member_userid ? `，账号 ${a.member_userid}` : '，无账号'}`).join('；')}。请改用账号，或在卡片上办理。`);
    }
  } else {
    const shown = await new ConversationMemoryRepository(ctx.trx).recall(me.memberId, [topic], new Date(ctx.now.getTime() - CARD_DAYS * 86_400_000));
    candidates = (await aids.inState(shown.map((m) => m.ref), state)).filter((a) => mayApprove(person, approval, place(a)));
    if (candidates.length !== 1) {
      return say(`${candidates.length === 0 ? `没有找到${what}的突发困难补助卡片` : `目前有${candidates.length}份${what}的突发困难补助`}，请写明姓名，例如“${example}”。`);
    }
  }
  return replies(ctx, await act(candidates[0]!));
}

// ---- the next message, when a tap asked for it ----

/**
 * The answer to the question the bot last asked this person about an aid, if this message is one: an amount for
 * an application that had none, the reason for 不同意 / 不批准, the optional line after 同意. A message that is
 * clearly something else (a care record, a query, a greeting) is left to the rest of the chain, and the
 * question is dropped: it is answered in the next message or asked again from the card.
 */
async function awaitedAnswer(ctx: ConversationContext, env: AidEnv, cache: RosterIndexCache, text: string): Promise<Reply[] | undefined> {
  const me = ctx.identity!;
  const memory = new ConversationMemoryRepository(ctx.trx);
  const [last] = await memory.recall(me.memberId, QUESTIONS, new Date(ctx.now.getTime() - ANSWER_HOURS * 3_600_000));
  if (!last) return undefined;
  await memory.forget(me.memberId, last.topic, last.ref);
  const actor = actorOf(ctx);
  switch (last.topic) {
    case AID_QUESTION.amount: {
      const amountFen = parseAmountReply(text);
      if (amountFen === undefined) return undefined;
      const original = await new InboundRepository(ctx.trx).textOf(last.ref, ctx.event.userId, new Date(ctx.now.getTime() - ANSWER_HOURS * 3_600_000));
      const cmd = original === undefined ? undefined : matchAidCommand(original);
      if (cmd?.kind !== 'apply') return undefined;
      return apply(ctx, env, { ...cmd, amountFen });
    }
    case AID_QUESTION.gbReason:
      if (await somethingElse(ctx, cache, text, false)) return undefined;
      return replies(ctx, await giveOpinion(env, actor, last.ref, false, text));
    case AID_QUESTION.odReason:
      if (await somethingElse(ctx, cache, text, false)) return undefined;
      return replies(ctx, await decideAid(env, actor, last.ref, null, text));
    case AID_QUESTION.gbNote:
      if (ctx.now.getTime() - last.at.getTime() > NOTE_MINUTES * 60_000 || (await somethingElse(ctx, cache, text, true))) return undefined;
      return replies(ctx, await addOpinionNote(env, actor, last.ref, text));
    default:
      return undefined;
  }
}

/**
 * Whether a message is plainly not the awaited line: a greeting or thanks, a report (报告：…), or what the care
 * conversation reads as a record or a query. An optional line must read as nothing else at all.
 */
async function somethingElse(ctx: ConversationContext, cache: RosterIndexCache, text: string, optional: boolean): Promise<boolean> {
  if (courtesyOrReport(text)) return true;
  const intent = await intentOfMessage(ctx, cache, text);
  if (intent === 'unknown') return false;
  // A reason may well mention an illness or a hardship (report words); a record or a query is not a reason.
  return optional || intent !== 'report_event';
}
