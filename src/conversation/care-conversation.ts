// One message does it (issue 5): a leader records a talk or visit, anyone reports a trigger, and the bot
// closes or opens the obligations, answers in one reply, and asks back — with buttons — when a name is
// ambiguous or a detail is missing. Never a guess. Everything runs in the inbound event's transaction.
import { closeFulfilled, lockReporter, openTriggersFulfillableBy, reportsSince, reportTrigger, taskCardHolders, type Holder, type OpenedObligation } from '../care/obligations.ts';
import { DEFAULT_REPORT_LIMIT, reportAllowance } from '../care/report-limit.ts';
import { chineseDate } from '../domain/format.ts';
import { REASON_LABELS, isTalkTrigger, isVisitTrigger, type CareReason } from '../domain/obligations.ts';
import { buttonCard, cardKey, CARD_ACTION, parseCardKey, type CardButton } from '../notices/cards.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { CareRecordRepository } from '../db/care-record-repository.ts';
import { ConversationMemoryRepository, type RemindedObligation } from '../db/conversation-memory-repository.ts';
import { InboundRepository } from '../db/inbound-repository.ts';
import { ObligationRepository } from '../db/obligation-repository.ts';
import { OrganisationRepository } from '../db/organisation-repository.ts';
import type { ConversationContext, ConversationHandler } from './context.ts';
import { guarded } from './reply-guard.ts';
import { linesAsMessages, MESSAGE_MAX_BYTES, summariseNames } from '../notices/message-limit.ts';
import { loadObligation, mayActOn } from './card-actions.ts';
import { hasLeadingRole, mayRecordCare, recordReachOf, reportReachOf, withinReach } from '../domain/access.ts';
import { PairingRepository } from '../db/pairing-repository.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { interpretDetailed, isQuestion, memberKey, normalizeMessage, type InterpretationDetail, type InterpretWriter, type MentionResolution, type Problem } from './interpret/interpret.ts';
import { closeMatches, writtenNames } from './interpret/resolve-unknown.ts';
import { completeObligation } from './card-actions.ts';
import { deathConfirmationCards, type DeathReport } from './death-confirmation.ts';
import type { IndexedMember, RosterIndex } from './interpret/roster-index.ts';
import { birthdaysAnswer, progressAnswer, todoAnswer, undoAnswer, undoRecord } from './care-queries.ts';
import { MENU } from './menu-keys.ts';
import type { Reply } from './router.ts';
import type { RosterIndexCache } from './roster-cache.ts';

const KIND = { talk: '谈心', visit: '走访' } as const;
const say = (content: string): Reply[] => [{ message: { type: 'text', content } }];
/** An answer to a question asked with buttons is only taken within a day (on the injected clock). */
const PENDING_HOURS = 24;
/** A short reply (已谈，…; 已完成) refers to what the bot told the writer about within a week (on the injected clock). */
const REMINDED_DAYS = 7;
/** More people than this in one talk or visit are confirmed in one list, not a card each. */
const CARDS_PER_LOG = 3;
/** A message this soon after a record, understood as nothing else, adds to that record's note. */
const FOLLOW_UP_MINUTES = 10;
/** 已完成 typed as text: the button of the reminder it answers. */
const DONE_TEXT = /^(?:已经?|都)?(?:完成|办完|办结|做完)了?[。.!！]*$/u;
/** Courtesies are no detail of a talk: 谢谢 after a record is not appended to its note. */
const COURTESY = /^(?:谢谢|感谢|多谢|好的?|收到|嗯+|哦+|ok|okay|你好|您好|再见|辛苦了?|明白|知道了)[了啦呀啊。.!！~～]*$/iu;
/** A button offering a close match to a name the roster does not know. */
const PICK_NEAR = 'near';

function writerOf(ctx: ConversationContext): InterpretWriter {
  const me = ctx.identity!;
  return { memberId: me.memberId, userid: me.userid, branchId: me.branch.id, generalBranchId: me.generalBranch.id, roleCodes: me.roleCodes };
}

interface LogRequest {
  kind: 'talk' | 'visit';
  memberIds: string[];
  date: string;
  reason: CareReason | null;
  note: string;
  obligationId?: string;
  /** Why a name borne by several was taken as this member (their open task, their yearly talk list). */
  preferred?: ReadonlyMap<string, string>;
  /** 派人: the member the writer sent, who made the visit (the writer is recorded as the one who sent them). */
  visitorId?: string;
  /** Every member of the record is one the writer helps (结对帮扶): the confirmation says it counts as contact. */
  pairing?: boolean;
}

/** A message as understood, and which same-name choices were settled by the writer's own lists. */
interface Understood {
  d: InterpretationDetail;
  preferred: Map<string, string>;
  /** The members the writer helps in a live pairing (loaded for a talk or visit that may name one). */
  paired: ReadonlySet<string>;
  /** A plain member's talk or visit named someone they may not record about (left out of `d`, never said). */
  hidden: boolean;
}

export function careConversation(cache: RosterIndexCache): ConversationHandler {
  // Whatever a list grew to, no message goes out longer than the platform keeps (2,048 bytes).
  return guarded((ctx) => answer(ctx, cache));
}

async function answer(ctx: ConversationContext, cache: RosterIndexCache): Promise<Reply[] | undefined> {
  if (!ctx.identity) return undefined;
  const ev = ctx.event;
  if (ev.kind === 'click') return menuClick(ctx, ev.eventKey);
  if (ev.kind === 'card_click') return cardClick(ctx, await cache.get(ctx.trx), ev.eventKey);
  if (ev.kind !== 'text') return undefined;
  if (DONE_TEXT.test(normalizeMessage(ev.text))) return doneByText(ctx);
  const u = await understand(ctx, ev.text, await cache.get(ctx.trx));
  if (u.d.result.intent === 'unknown') return followUp(ctx, ev.text);
  return answerText(ctx, u, await cache.get(ctx.trx));
}

/**
 * The message as the writer may have meant it. A plain member may name only themself — and, in a report, the
 * members of their own branch — so a name of someone else is treated exactly like a word that is no name at
 * all: whether it is in the roster must not show in the answer (a refusal naming "不在您的工作范围内" would
 * confirm that the person exists). For a leader, a name borne by several people they may see is asked about
 * even when one of them is in their own branch; when exactly one of them is on the writer's own open tasks or
 * yearly talk list, that one is taken, and the confirmation says why.
 */
async function understand(ctx: ConversationContext, text: string, index: RosterIndex): Promise<Understood> {
  const writer = writerOf(ctx);
  const base = { writer, now: ctx.now, timeZone: ctx.timeZone, index };
  let d = interpretDetailed(text, base);
  const plain = recordReachOf(writer.roleCodes) === 'self';
  const isLog = d.result.intent === 'log_talk' || d.result.intent === 'log_visit';
  // 结对帮扶: a helper records talks and visits with the member they help (the access rule's mayRecordCare), who
  // may be outside the reach of their roles; the record counts as pairing contact. Looked up for talks and visits.
  const paired = isLog ? new Set(await new PairingRepository(ctx.trx).helpedBy(writer.memberId)) : new Set<string>();
  if (paired.size > 0) d = reachPaired(d, index, paired);
  if (plain) {
    if (d.result.intent === 'report_event') d = interpretDetailed(text, { ...base, reach: reportReachOf(writer.roleCodes) });
    const hidden = isLog && d.mentions.some((m) => m.status === 'out_of_scope');
    d = { ...d, mentions: d.mentions.filter((m) => m.status !== 'out_of_scope'), problems: d.problems.filter((p) => p !== 'not_allowed_scope') };
    return { d, preferred: new Map(), paired, hidden };
  }
  d = askAboutNamesakes(d, index, writer);
  const preferred = isLog ? await preferOwed(ctx, d) : { d, preferred: new Map<string, string>() };
  return { ...preferred, paired, hidden: false };
}

/**
 * Names outside the writer's reach that a member they help bears: resolved to that member (asked about when
 * several they help bear it). The rest stay out of reach.
 */
function reachPaired(d: InterpretationDetail, index: RosterIndex, paired: ReadonlySet<string>): InterpretationDetail {
  let changed = false;
  const mentions = d.mentions.map((m): MentionResolution => {
    if (m.status !== 'out_of_scope') return m;
    const helped = (m.place?.bearers ?? index.byName.get(m.mention) ?? []).filter((b) => paired.has(b.memberId));
    if (helped.length === 0) return m;
    changed = true;
    return { ...m, status: helped.length === 1 ? 'resolved' : 'ambiguous', tier: 'visible', candidates: helped.map((b) => ({ memberId: b.memberId, userid: b.userid })) };
  });
  if (!changed) return d;
  const rebuilt = rebuild(d, mentions);
  const outside = mentions.some((m) => m.status === 'out_of_scope');
  const allHelped = rebuilt.memberIds.every((id) => paired.has(id));
  return { ...rebuilt, problems: rebuilt.problems.filter((p) => (p !== 'not_allowed_scope' || outside) && (p !== 'not_allowed_role' || !allHelped)) };
}

/** Everyone the writer may see who bears the name: a namesake outside the writer's own branch counts too. */
function askAboutNamesakes(d: InterpretationDetail, index: RosterIndex, writer: InterpretWriter): InterpretationDetail {
  const visibility = recordReachOf(writer.roleCodes);
  const widened = new Map<MentionResolution, IndexedMember[]>();
  for (const m of d.mentions) {
    if (m.status !== 'resolved' || (m.tier !== 'branch' && m.tier !== 'general_branch')) continue;
    const bearers = (m.place?.bearers ?? index.byName.get(m.mention) ?? []).filter((b) => withinReach(writer, visibility, b));
    if (bearers.length > 1) widened.set(m, bearers);
  }
  if (widened.size === 0) return d;
  const mentions = d.mentions.map((m) => {
    const bearers = widened.get(m);
    return bearers ? { ...m, status: 'ambiguous' as const, tier: 'visible' as const, candidates: bearers.map((b) => ({ memberId: b.memberId, userid: b.userid })) } : m;
  });
  return rebuild(d, mentions);
}

/** members, memberIds and ambiguous again from the mentions, in order of mention. */
function rebuild(d: InterpretationDetail, mentions: MentionResolution[]): InterpretationDetail {
  const members: string[] = [];
  const memberIds: string[] = [];
  const ambiguous: InterpretationDetail['result']['ambiguous'] = [];
  for (const m of mentions) {
    if (m.status === 'resolved') {
      const c = m.candidates[0]!;
      if (!members.includes(memberKey(c))) {
        members.push(memberKey(c));
        memberIds.push(c.memberId);
      }
    } else if (m.status === 'ambiguous' && !ambiguous.some((a) => a.mention === m.mention)) {
      ambiguous.push({ mention: m.mention, candidates: m.candidates.map(memberKey) });
    }
  }
  const problems: Problem[] = d.problems.filter((p) => p !== 'ambiguous_member');
  if (ambiguous.length > 0) problems.push('ambiguous_member');
  return { ...d, mentions, memberIds, problems, result: { ...d.result, members, ambiguous } };
}

/** Of several namesakes, the one the writer owes this talk or visit to, when exactly one is on their lists. */
async function preferOwed(ctx: ConversationContext, d: InterpretationDetail): Promise<Pick<Understood, 'd' | 'preferred'>> {
  const preferred = new Map<string, string>();
  if (d.result.ambiguous.length === 0) return { d, preferred };
  const me = ctx.identity!;
  const kind = d.result.intent === 'log_visit' ? 'visit' : 'talk';
  const offices = me.roles.map((r) => `${r.role}|${r.organisation.id}`);
  const year = (d.result.date ?? ctx.today).slice(0, 4);
  let mentions = d.mentions;
  for (const m of d.mentions) {
    if (m.status !== 'ambiguous') continue;
    const ids = m.candidates.map((c) => c.memberId);
    const owed = await new ObligationRepository(ctx.trx).owedAmong(me.memberId, offices, kind, year, ids);
    const people = new Set(owed.map((r) => r.id));
    if (people.size !== 1) continue;
    const [id] = people;
    const chosen = m.candidates.find((c) => c.memberId === id)!;
    preferred.set(chosen.memberId, owed.some((r) => r.id === id && r.source !== 'quota') ? '待办' : '年度谈心名单');
    mentions = mentions.map((x) => (x === m ? { ...x, status: 'resolved' as const, candidates: [chosen] } : x));
  }
  return { d: preferred.size > 0 ? rebuild(d, mentions) : d, preferred };
}

async function menuClick(ctx: ConversationContext, key: string): Promise<Reply[] | undefined> {
  switch (key) {
    case MENU.todo:
      return todoAnswer(ctx);
    case MENU.birthdays:
      return birthdaysAnswer(ctx);
    case MENU.progress:
      return progressAnswer(ctx);
    case MENU.logCare:
      return say(
        hasLeadingRole(ctx.identity!.roleCodes)
          ? '请直接发一句话登记，例如：\n· 今天和张伟谈心了，岗位变动，情绪稳定\n· 11月20日走访欧阳明，患病住院，送慰问金500元\n· 报告：王芳的母亲去世了\n登记有误可在24小时内发送「撤销」。'
          : '如您或身边的党员遇到困难、住院、家庭变故等情况，请发送“报告：……”，例如“报告：本人住院了”，组织会及时安排走访或谈心。',
      );
    default:
      return undefined;
  }
}

async function answerText(ctx: ConversationContext, u: Understood, index: RosterIndex): Promise<Reply[] | undefined> {
  switch (u.d.result.intent) {
    case 'todo':
      return todoAnswer(ctx);
    case 'birthdays':
      return birthdaysAnswer(ctx);
    case 'progress':
      return progressAnswer(ctx);
    case 'undo':
      return undoAnswer(ctx);
    case 'log_talk':
    case 'log_visit':
      return logFromMessage(ctx, u, [], index);
    case 'report_event':
      return reportFromMessage(ctx, u.d, [], index);
    default:
      return undefined; // help and anything not understood: the router answers
  }
}

/** Problems that need the writer to say more, in the order they are asked about. */
async function askBack(ctx: ConversationContext, d: InterpretationDetail, chosen: string[], what: 'log' | 'report'): Promise<Reply[] | undefined> {
  const p = new Set(d.problems);
  if (p.has('mixed_records')) return say('一条消息请只登记一类事项（谈心或走访），请分开发送。');
  const outside = d.mentions.filter((m) => m.status === 'out_of_scope').map((m) => `“${m.mention}”`);
  if (outside.length > 0) return say(`${summariseNames(outside, 1_200)}不在您的工作范围内，无法${what === 'log' ? '登记' : '报告'}。如有误，请联系党委组织部核对名册。`);
  const pending = d.result.ambiguous[chosen.length];
  if (pending) return [{ message: await whichOne(ctx, pending.mention, d, chosen) }];
  if (p.has('invalid_date')) return say('日期有误（例如2月30日），请重新发送，例如“11月20日走访……”。');
  if (p.has('date_in_future')) return say(`所写日期（${d.result.date ? chineseDate(d.result.date, ctx.today) : '将来'}）尚未到来。请登记已经完成的${what === 'log' ? '谈心、走访' : '事项'}；如为计划安排，请完成后再登记。`);
  if (p.has('date_unclear')) return say('请说明具体日期，例如“今天”“昨天”“11月20日”。');
  return undefined;
}

/** A question with one button per candidate; the key carries the original event and the choices so far. */
async function whichOne(ctx: ConversationContext, mention: string, d: InterpretationDetail, chosen: string[]): Promise<OutboundMessage> {
  const amb = d.mentions.find((m) => m.status === 'ambiguous' && m.mention === mention);
  const candidates = amb?.candidates ?? [];
  if (candidates.length > 6) {
    return { type: 'text', content: `名为“${mention}”的同志有 ${candidates.length} 位，请在名字前加上所在支部重新发送，例如“和数学学院教工党支部的${mention}谈心”。` };
  }
  // Told apart by their branch, as people know them (the general branch too when branch names repeat).
  const places = await new OrganisationRepository(ctx.trx).placesOf(candidates.map((c) => c.memberId));
  const placeOf = new Map(places.map((p) => [p.id, p]));
  const repeated = places.length !== new Set(places.map((p) => p.branch)).size;
  const buttons: CardButton[] = candidates.map((c) => {
    const p = placeOf.get(c.memberId);
    return { text: p ? (repeated ? `${p.gb.replace(/党总支$/, '')}${p.branch}` : p.branch) : mention, actionKey: cardKey(CARD_ACTION.pickMember, ctx.eventId, ...chosen, c.memberId) };
  });
  return buttonCard({
    taskId: `ask-${ctx.eventId}-${chosen.length}`,
    title: `您说的“${mention}”是哪一位？`,
    note: `有 ${candidates.length} 位同名同志，请按所在支部点选。`,
    buttons,
  });
}

async function logFromMessage(ctx: ConversationContext, u: Understood, chosen: string[], index: RosterIndex): Promise<Reply[]> {
  const me = ctx.identity!;
  const d = u.d;
  const kind = d.result.intent === 'log_visit' ? 'visit' : 'talk';
  if (!hasLeadingRole(me.roleCodes)) {
    // A helper without a leading role records talks and visits with the members they help, and nobody else
    // (whether another name is in the roster does not show: the answer is the same for any other name).
    const named = [...d.memberIds, ...chosen];
    const pendingChoice = d.result.ambiguous.length > chosen.length;
    const helpedOnly = u.paired.size > 0 && !u.hidden && !d.visitor && (named.length > 0 || pendingChoice) && named.every((id) => u.paired.has(id));
    if (!helpedOnly) {
      return say(
        u.paired.size > 0
          ? '您可以登记与结对帮扶对象的谈心、走访，例如“今天去看望了××，了解治疗情况”（发送“我的结对对象”可查看）；其他同志的谈心、走访由党组织负责同志登记。'
          : '谈心、走访由党组织负责同志登记。如您或身边的党员遇到困难、住院、家庭变故等情况，可以发送“报告：……”告诉组织。',
      );
    }
  }
  const asked = await askBack(ctx, d, chosen, 'log');
  if (asked) return asked;
  const memberIds = [...d.memberIds, ...chosen];
  const date = d.result.date ?? ctx.today;
  const reason = d.result.reason;
  // The one access rule decides, member by member (a helper about the member they help, a leader within reach).
  if (memberIds.length > 0 && !(await mayRecordAll(ctx, memberIds, u.paired))) return say('谈心、走访由党组织负责同志登记；结对帮扶人可登记与帮扶对象的谈心、走访。');
  const pairing = memberIds.length > 0 && memberIds.every((id) => u.paired.has(id));

  if (memberIds.length === 0) {
    const unknown = unknownName(ctx, d, index);
    if (unknown) return unknown;
    // A talk's reason defaults to routine; a reply to a reminder takes the reminder's unless one is written.
    if (d.reply) return logAgainstReminder(ctx, kind, date, kind === 'talk' && reason === 'routine' ? null : reason, d.result.note);
    return say(`请告诉我和谁${kind === 'talk' ? '谈心' : '走访'}了，例如“今天和张伟谈心了，情绪稳定”。`);
  }
  const sent = sentVisitor(d, kind, memberIds);
  if ('refusal' in sent) return say(sent.refusal);
  const visitorId = sent.visitorId;
  let visitReason = reason;
  if (kind === 'visit' && !visitReason && visitorId && memberIds.length === 1) {
    // 派人 answers an owed visit: "派李明走访了王芳，送慰问金300元" takes the reason of the one visit the writer owes
    // her, when there is exactly one (a visit the writer made themself still needs its reason written).
    const owed = await openTriggersFulfillableBy(ctx.trx, { kind, memberId: memberIds[0]!, leaderMemberId: visitorId ?? me.memberId, happenedOn: date }, accessPersonOf(me));
    const reasons = [...new Set(owed.map((o) => o.reason))];
    if (reasons.length === 1) visitReason = reasons[0] as CareReason;
  }
  // A helper's visit to the member they help, with no other reason written, is a visit for the hardship (生活困难).
  if (kind === 'visit' && !visitReason && pairing) visitReason = 'hardship';
  if (kind === 'visit' && !visitReason) return say('请说明走访事由，例如：住院、受灾、生活困难、家属去世、本人亡故或节日慰问。');
  return performLog(ctx, { kind, memberIds, date, reason: visitReason, note: d.result.note, preferred: u.preferred, ...(visitorId ? { visitorId } : {}), ...(pairing ? { pairing } : {}) });
}

/** mayRecordCare for every member of a record (their places in one read). */
async function mayRecordAll(ctx: ConversationContext, memberIds: readonly string[], paired: ReadonlySet<string>): Promise<boolean> {
  const person = accessPersonOf(ctx.identity!);
  const places = new Map((await new OrganisationRepository(ctx.trx).placesOf(memberIds)).map((p) => [p.id, p]));
  return memberIds.every((id) => {
    const p = places.get(id);
    return p !== undefined && mayRecordCare(person, { memberId: p.id, branchId: p.branch_id, generalBranchId: p.gb_id, committeeId: p.committee_id }, paired.has(id));
  });
}

/**
 * 派人 (MECHANISM 2.1: the visit may be made by someone the owner sent): the person sent, or why the message
 * cannot be recorded as written. Only a visit is made by someone sent; a talk is recorded by whoever talked.
 */
function sentVisitor(d: InterpretationDetail, kind: 'talk' | 'visit', memberIds: readonly string[]): { visitorId?: string } | { refusal: string } {
  if (!d.visitor) return {};
  if (kind === 'talk') return { refusal: `谈心请由谈话人本人登记：请${d.visitor.mention}同志谈心后自行发送，例如“今天和……谈心了”。` };
  if (d.visitor.status === 'ambiguous') return { refusal: `名为“${d.visitor.mention}”的同志有 ${d.visitor.candidates.length} 位，无法确定派谁走访，请写明所在支部后重新发送，例如“派数学学院教工党支部的${d.visitor.mention}走访了……”。` };
  if (d.visitor.status === 'out_of_scope' || !d.visitorId) return { refusal: `“${d.visitor.mention}”不在您的工作范围内，无法登记由其走访。如有误，请联系党委组织部核对名册。` };
  if (memberIds.includes(d.visitorId)) return { refusal: '走访人与走访对象是同一人，请核对后重新发送。' };
  return { visitorId: d.visitorId };
}

/** “已谈，情绪稳定”: the obligation the bot last asked this person about, or a question when there are several. */
async function logAgainstReminder(ctx: ConversationContext, kind: 'talk' | 'visit', date: string, reason: CareReason | null, note: string): Promise<Reply[]> {
  const open = await remindedObligations(ctx, kind);
  if (open.length === 0) return say(`请告诉我和谁${KIND[kind]}了，例如“今天和张伟${kind === 'talk' ? '谈心了' : '走访了'}”。`);
  if (open.length === 1) {
    const ob = open[0]!;
    return performLog(ctx, { kind, memberIds: [ob.member_id], date, reason: reason ?? ob.reason, note, obligationId: ob.id });
  }
  return [
    {
      message: buttonCard({
        taskId: `askob-${ctx.eventId}`,
        title: `这次${KIND[kind]}是哪一项？`,
        note: `您有 ${open.length} 项${KIND[kind]}待办，请点选。`,
        buttons: open.slice(0, 6).map((o) => ({ text: `${o.name}·${REASON_LABELS[o.reason] ?? o.reason}`.slice(0, 10), actionKey: cardKey(CARD_ACTION.pickObligation, ctx.eventId, o.id) })),
      }),
    },
  ];
}

export async function performLog(ctx: ConversationContext, req: LogRequest): Promise<Reply[]> {
  const me = ctx.identity!;
  const out: Reply[] = [];
  // A talk with a whole branch is one confirmation listing everyone, not a card per person.
  const summarised: Array<{ name: string; place: string; closed: number }> = [];
  for (const memberId of req.memberIds) {
    const reason: CareReason = req.reason ?? 'routine';
    const records = new CareRecordRepository(ctx.trx);
    const leaderMemberId = req.visitorId ?? me.memberId;
    const record = {
      id: await records.insert({
        kind: req.kind,
        leaderMemberId,
        memberId,
        happenedOn: req.date,
        reason,
        note: req.note,
        obligationId: req.obligationId ?? null,
        recordedByMemberId: me.memberId,
        // The injected clock: how long a record may be undone or added to is measured on it.
        recordedAt: ctx.now,
        ...(req.visitorId ? { sentByMemberId: me.memberId } : {}),
      }),
    };
    // What the record fulfils is owed by the writer — for 派人, the one who sent the visitor (MECHANISM 2.2).
    const by = accessPersonOf(me);
    const facts = { kind: req.kind, reason, memberId, leaderMemberId, happenedOn: req.date };
    const closed = await closeFulfilled(ctx.trx, { id: record.id, ...facts }, by, ctx.now);
    if (closed.length > 0 && !req.obligationId) await records.setObligation(record.id, closed[0]!);
    // A routine talk leaves a 五必谈 talk open (it is closed only by a talk for its reason): say so.
    const stillOwed = reason === 'routine' ? await openTriggersFulfillableBy(ctx.trx, facts, by) : [];
    await new ConversationMemoryRepository(ctx.trx).remember(me.memberId, 'record', record.id, ctx.now);
    const person = await placeOfMember(ctx, memberId);
    if (req.memberIds.length > CARDS_PER_LOG) {
      summarised.push({ name: person.name, place: person.place, closed: closed.length });
      continue;
    }
    const why = req.preferred?.get(memberId);
    const visitor = req.visitorId ? await placeOfMember(ctx, req.visitorId) : undefined;
    const owedReasons = [...new Set(stillOwed.map((o) => REASON_LABELS[o.reason as CareReason] ?? o.reason))].map((r) => `“${r}”`);
    out.push({
      message: buttonCard({
        taskId: `rec-${record.id}`,
        title: `已登记${KIND[req.kind]}：${person.name}`,
        desc: `${chineseDate(req.date, ctx.today)} · ${REASON_LABELS[reason] ?? reason}`,
        fields: [
          ['日期', chineseDate(req.date, ctx.today)],
          ['所在支部', person.place],
          ['事由', REASON_LABELS[reason] ?? reason],
          ...(visitor ? ([['走访人', `${visitor.name}（由您派出）`]] as Array<[string, string]>) : []),
          ...(req.note ? ([['情况', req.note]] as Array<[string, string]>) : []),
        ],
        note:
          (why ? `按您的${why}，记为：${person.name}（${person.place}）。` : '') +
          (closed.length > 0 ? `已完成相应待办 ${closed.length} 项。` : '') +
          (req.pairing ? '已计入结对帮扶联系。' : '') +
          (owedReasons.length > 0
            ? `${person.name}的${owedReasons.join('、')}谈心待办仍未完成（本次记为经常性谈心）；如本次即为该谈心，请撤销后写明事由重新登记，例如“今天和${person.name}谈心了，${owedReasons[0]!.slice(1, -1)}”。`
            : '') +
          `如需补充情况，${FOLLOW_UP_MINUTES}分钟内直接回复即可；登记有误可点“撤销”（24小时内）。`,
        buttons: [{ text: '撤销', actionKey: cardKey(CARD_ACTION.undoRecord, record.id), style: 'secondary' }],
      }),
    });
  }
  if (summarised.length > 0) {
    const reason: CareReason = req.reason ?? 'routine';
    const closed = summarised.reduce((n, p) => n + p.closed, 0);
    // Named with their branch when they are of several branches; else the branch is said once.
    const places = new Set(summarised.map((p) => p.place));
    const names = places.size === 1 ? summarised.map((p) => p.name) : summarised.map((p) => `${p.name}（${p.place}）`);
    return linesAsMessages('text', places.size === 1 ? [`${[...places][0]}：`, ...rowsOf(names)] : rowsOf(names, 4), {
      header: `已登记${KIND[req.kind]} ${summarised.length} 人（${chineseDate(req.date, ctx.today)} · ${REASON_LABELS[reason] ?? reason}${req.note ? ` · ${req.note}` : ''}）：`,
      footer: `${closed > 0 ? `已完成相应待办 ${closed} 项。` : ''}登记有误可在24小时内发送「撤销」，每次撤销最近的一条。`,
    }).map((message) => ({ message }));
  }
  return out;
}

/**
 * A member's name and where they are, as the confirmation names them: the branch, and the general branch too
 * when the writer's reach spans general branches (two 教工第一党支部 are told apart).
 */
async function placeOfMember(ctx: ConversationContext, memberId: string): Promise<{ name: string; place: string }> {
  const row = (await new OrganisationRepository(ctx.trx).placeOf(memberId))!;
  return { name: row.name, place: recordReachOf(ctx.identity!.roleCodes) === 'everyone' ? `${row.gb}${row.branch}` : row.branch };
}

/** Names in rows of eight, so a long list reads well and splits between rows. */
function rowsOf(names: string[], perRow = 8): string[] {
  const rows: string[] = [];
  for (let i = 0; i < names.length; i += perRow) rows.push(names.slice(i, i + perRow).join('、'));
  return rows;
}

async function reportFromMessage(ctx: ConversationContext, d: InterpretationDetail, chosen: string[], index: RosterIndex): Promise<Reply[]> {
  const asked = await askBack(ctx, d, chosen, 'report');
  if (asked) return asked;
  const me = ctx.identity!;
  const memberIds = [...d.memberIds, ...chosen];
  if (memberIds.length === 0) {
    const unknown = unknownName(ctx, d, index);
    if (unknown) return unknown;
    return say(
      recordReachOf(me.roleCodes) === 'self'
        ? '请说明是谁遇到的情况，例如“报告：本人住院了”“报告：我的母亲去世了”；本支部其他党员的情况，请写明姓名，例如“报告：张伟住院了”。'
        : '请说明是哪位党员，例如“报告：张伟住院了”；如是您本人，请说“报告：本人住院了”。',
    );
  }
  const reason = d.result.reason;
  if (!reason || !(isVisitTrigger(reason) || isTalkTrigger(reason))) {
    return say('请说明具体情况，例如：住院、受灾、生活困难、家属去世、本人亡故，或岗位变动、工作失误、矛盾纠纷、遇到挫折、群众反映。');
  }
  // Nobody reports their own death; most likely a family member died and the message lost the relation.
  if (reason === 'death' && memberIds.includes(me.memberId)) {
    return say('您好，党员本人亡故需由家属或所在党支部报告，无法由本人报告。如是您的家庭成员去世，请节哀，并写明亲属关系发送，例如“报告：我的父亲去世了”，组织会及时安排走访慰问。');
  }
  // Per-writer limit, counted from the reports in the database at the clock's instant; one writer's reports
  // are taken one at a time so two messages at once cannot both slip under it.
  await lockReporter(ctx.trx, me.memberId);
  const limit = DEFAULT_REPORT_LIMIT;
  const allowance = reportAllowance(await reportsSince(ctx.trx, me.memberId, new Date(ctx.now.getTime() - limit.windowMs)), ctx.now, limit);
  if (!allowance.allowed) {
    const minutes = Math.ceil(allowance.waitMs / 60_000);
    return say(`您在${limit.windowMs / 60_000}分钟内已报告${limit.max}次，本次报告未登记。请${minutes}分钟后再发送；如情况紧急，请直接联系所在党支部书记。`);
  }
  const label = REASON_LABELS[reason as CareReason];
  const lines: string[] = [];
  const repeated: string[] = [];
  // What each owner is newly asked to do, so that one owner gets one list rather than a card per person.
  const tasks = new Map<string, { holder: Holder; items: Array<{ ob: OpenedObligation; name: string }> }>();
  // A member's own death newly reported: those who may confirm it get a card (death-confirmation.ts).
  const deaths: DeathReport[] = [];
  for (const memberId of memberIds) {
    const report = await reportTrigger(ctx.trx, {
      memberId,
      reason: reason,
      occurredOn: d.result.date ?? ctx.today,
      note: d.result.note,
      reportedBy: me.memberId,
      today: ctx.today,
      reportedAt: ctx.now,
      inboundEventId: ctx.eventId,
    });
    const person = (await new OrganisationRepository(ctx.trx).placeOf(memberId))!;
    if (report.obligations.length === 0 && report.alreadyOpen.length > 0) repeated.push(person.name);
    if (reason === 'death' && report.obligations.length > 0) deaths.push({ eventId: report.eventId, memberId });
    for (const ob of report.obligations) {
      const holders = await taskCardHolders(ctx.trx, ob, memberId);
      lines.push(`${person.name}：请${holders.map((h) => h.name).join('、') || '上级组织'}在${chineseDate(ob.dueOn, ctx.today)}前${KIND[ob.kind]}`);
      for (const h of holders) {
        const t = tasks.get(h.memberId) ?? { holder: h, items: [] };
        t.items.push({ ob, name: person.name });
        tasks.set(h.memberId, t);
      }
    }
  }
  const out: Reply[] = [];
  // A plain member reporting a fellow member of their branch hears that the secretary was told, and nothing
  // more: not who owes what by when, not whether someone reported it before.
  const aboutOthers = recordReachOf(me.roleCodes) === 'self' && memberIds.some((id) => id !== me.memberId);
  for (const { holder, items } of tasks.values()) {
    if (items.length <= CARDS_PER_LOG) {
      for (const { ob, name } of items) out.push(await taskCard(ctx, ob, holder, name, label, d.result.note));
      continue;
    }
    for (const { ob } of items) await remember(ctx, holder.memberId, ob.id);
    const lists = linesAsMessages('text', items.map(({ ob, name }) => `· ${name}：${chineseDate(ob.dueOn, ctx.today)}前${KIND[ob.kind]}`), {
      header: `新的关怀任务 ${items.length} 项（${label}，报告人：${me.name}）：`,
      footer: `${d.result.note ? `情况：${d.result.note}\n` : ''}完成后直接回复登记，例如“今天走访了${items[0]!.name}”；发送「我的待办」可随时查看。`,
    });
    lists.forEach((message, i) => out.push({ recipient: holder.userid, onceKey: `report-${ctx.eventId}-${holder.memberId}-${i}`, message }));
  }
  out.push(...(await deathConfirmationCards(ctx, deaths, d.result.note)));
  if (aboutOthers) return [{ message: { type: 'text', content: '已收到您的报告，已转告所在党支部书记，组织会及时关心。感谢您对身边同志的关心！' } }, ...out];
  // The same trigger reported again while its task is open: recorded, nobody is told twice.
  if (lines.length === 0) return say(`已记录，相关任务已在办理中（${summariseNames(repeated, 600)}，${label}），无需重复报告。`);
  if (repeated.length > 0) lines.push(`${summariseNames(repeated, 600)}：已记录，相关任务已在办理中`);
  const ack = linesAsMessages('text', lines, { header: `已收到报告（${label}），组织会及时关怀：`, maxBytes: MESSAGE_MAX_BYTES });
  return [...ack.map((message) => ({ message })), ...out];
}

/** What the bot told an owner about, so that a short reply (已走访，……) can refer to it. */
async function remember(ctx: ConversationContext, memberId: string, obligationId: string): Promise<void> {
  await new ConversationMemoryRepository(ctx.trx).remember(memberId, 'obligation', obligationId, ctx.now);
}

/** The owner's card for a newly opened obligation: they hear at once (the 'created' step); reminders follow from the sweep. */
async function taskCard(ctx: ConversationContext, ob: OpenedObligation, h: Holder, name: string, label: string, note: string): Promise<Reply> {
  await remember(ctx, h.memberId, ob.id);
  return {
    recipient: h.userid,
    onceKey: `obligation-${ob.id}-created-${h.memberId}`,
    message: buttonCard({
      taskId: `ob-${ob.id}-created-${h.memberId}`,
      title: `新的${KIND[ob.kind]}任务：${name}`,
      desc: `${label} · ${chineseDate(ob.dueOn, ctx.today)}前`,
      fields: [
        ['对象', name],
        ['事由', label],
        ['截止', chineseDate(ob.dueOn, ctx.today)],
        ['报告人', ctx.identity!.name],
      ],
      note: note ? `情况：${note}` : `完成后点“已完成”，或回复“已${ob.kind === 'talk' ? '谈' : '走访'}，情况……”。`,
      buttons: [
        { text: '已完成', actionKey: cardKey(CARD_ACTION.obligationDone, ob.id), style: 'primary' },
        { text: '延期', actionKey: cardKey(CARD_ACTION.obligationDefer, ob.id), style: 'secondary' },
      ],
    }),
  };
}

/** Buttons of the questions asked above, and 撤销 on a record card. */
async function cardClick(ctx: ConversationContext, index: RosterIndex, key: string): Promise<Reply[] | undefined> {
  const { action, ids } = parseCardKey(key);
  if (action === CARD_ACTION.undoRecord) return undoRecord(ctx, ids[0] ?? '');
  if (action !== CARD_ACTION.pickMember && action !== CARD_ACTION.pickObligation && action !== PICK_NEAR) return undefined;
  const [eventId, ...rest] = ids;
  const text = await new InboundRepository(ctx.trx).textOf(eventId ?? '0', ctx.event.userId, new Date(ctx.now.getTime() - PENDING_HOURS * 3_600_000));
  if (!text) return say('这个问题已过期，请重新发送您的消息。');
  if (ctx.event.kind === 'card_click' && (await alreadyAnswered(ctx, ctx.event.taskId))) return say('这个问题已经回答过了。');
  const u = await understand(ctx, text, index);
  const d = u.d;
  if (action === CARD_ACTION.pickObligation) {
    // The key names the obligation, and a key can be forged: the same access rule as 已完成 on a task card.
    const ob = await loadObligation(ctx, rest[0] ?? '');
    if (!ob) return say('没有找到这个事项，可能已被撤销。');
    if (!mayActOn(ctx, ob)) return say('这个事项不由您负责，无法操作。');
    if (ob.status !== 'open') return say('这个事项已处理，无需再登记。');
    const written = d.result.reason;
    const reason = written === null || (ob.kind === 'talk' && written === 'routine') ? ob.reason : written;
    return performLog(ctx, { kind: ob.kind, memberIds: [ob.member_id], date: d.result.date ?? ctx.today, reason, note: d.result.note, obligationId: ob.id });
  }
  if (action === PICK_NEAR) {
    // Only a close match that was offered for a name the roster does not know.
    const near = nearMatches(ctx, d, index);
    const picked = near?.matches.find((m) => m.memberId === rest[0]);
    if (!near || !picked) return say('这个选择已失效，请重新发送您的消息。');
    const mention: MentionResolution = { mention: picked.name, start: 0, end: 0, status: 'resolved', tier: 'visible', candidates: [{ memberId: picked.memberId, userid: picked.userid }] };
    const withPick = rebuild({ ...d, problems: d.problems.filter((p) => p !== 'no_member') }, [...d.mentions, mention]);
    return withPick.result.intent === 'report_event' ? reportFromMessage(ctx, withPick, [], index) : logFromMessage(ctx, { ...u, d: withPick }, [], index);
  }
  // Only members who were offered may be chosen.
  const offered = new Set(d.mentions.filter((m) => m.status === 'ambiguous').flatMap((m) => m.candidates.map((c) => c.memberId)));
  if (!rest.every((id) => offered.has(id))) return say('这个选择已失效，请重新发送您的消息。');
  return d.result.intent === 'report_event' ? reportFromMessage(ctx, d, rest, index) : logFromMessage(ctx, u, rest, index);
}

/** A question's buttons answer once: the second click on the same card finds the first one's event. */
async function alreadyAnswered(ctx: ConversationContext, taskId: string): Promise<boolean> {
  return new InboundRepository(ctx.trx).cardAnswered(ctx.event.userId, taskId, ctx.eventId);
}

/**
 * A name the roster does not know, where a name goes (和李白谈心, 报告：张为住院了): said so, with the close
 * matches in the writer's reach as buttons. For a plain member the reach is their branch, and a name borne
 * only by someone outside it gets the very same answer as a name nobody bears.
 */
function nearMatches(ctx: ConversationContext, d: InterpretationDetail, index: RosterIndex): { name: string; matches: IndexedMember[] } | undefined {
  const writer = writerOf(ctx);
  const plain = recordReachOf(writer.roleCodes) === 'self';
  const reach = reportReachOf(writer.roleCodes);
  const inReach = (m: IndexedMember) => withinReach(writer, reach, m);
  // A leader's name of someone outside their reach was answered before (不在您的工作范围内); here, names nobody
  // bears — or, for a plain member, nobody in their branch.
  const name = writtenNames(d.normalizedText).find((n) => !(index.byName.get(n) ?? []).some((m) => (plain ? inReach(m) : true)));
  if (!name) return undefined;
  return { name, matches: closeMatches(name, index, inReach) };
}

function unknownName(ctx: ConversationContext, d: InterpretationDetail, index: RosterIndex): Reply[] | undefined {
  const near = nearMatches(ctx, d, index);
  if (!near) return undefined;
  // A plain member is not even told the name back: the answer reads the same for any name outside the branch.
  const missing = recordReachOf(ctx.identity!.roleCodes) === 'self' ? '本支部名册中没有您说的这位党员' : `名册中没有叫“${near.name}”的党员`;
  if (near.matches.length === 0) return say(`${missing}，请核对姓名后重新发送。`);
  const names = near.matches.map((m) => m.name);
  return [
    {
      message: buttonCard({
        taskId: `near-${ctx.eventId}`,
        title: missing,
        note: `您说的是不是下面${near.matches.length > 1 ? '其中一位' : '这位'}？请点选；都不是请核对姓名后重新发送。`,
        buttons: near.matches.map((m) => ({
          text: names.filter((n) => n === m.name).length > 1 ? `${m.name}·${m.userid ?? '无企业微信/钉钉'}` : m.name,
          actionKey: cardKey(PICK_NEAR, ctx.eventId, m.memberId),
        })),
      }),
    },
  ];
}

/**
 * Open obligations (of `kind`, when given) the bot lately told this person about (task cards, reminders), most
 * recent first: within REMINDED_DAYS of the injected clock, which also stamped the memory.
 */
async function remindedObligations(ctx: ConversationContext, kind?: 'talk' | 'visit'): Promise<RemindedObligation[]> {
  return new ConversationMemoryRepository(ctx.trx).remindedObligations(ctx.identity!.memberId, new Date(ctx.now.getTime() - REMINDED_DAYS * 86_400_000), kind);
}

/** 已完成 typed as text: the 已完成 button of the one open reminder, or the question which, with those buttons. */
async function doneByText(ctx: ConversationContext): Promise<Reply[]> {
  const open = await remindedObligations(ctx);
  if (open.length === 0) return say('没有找到需要您确认完成的提醒。发送「我的待办」可查看待办事项；完成谈心走访后可直接发一句话登记，如“今天和张伟谈心了”。');
  if (open.length === 1) {
    // The button's own rule: who may act on it, and whether it is still open (loaded under lock).
    const ob = await loadObligation(ctx, open[0]!.id);
    if (!ob || ob.status !== 'open') return say('这个事项已处理，无需再登记。');
    if (!mayActOn(ctx, ob)) return say('这个事项不由您负责，无法操作。');
    return say(await completeObligation(ctx, ob));
  }
  return [
    {
      message: buttonCard({
        taskId: `done-${ctx.eventId}`,
        title: '完成的是哪一项？',
        note: `您有 ${open.length} 项提醒中的待办，请点选已完成的一项${open.length > 6 ? '（仅列出最近6项，其余请发送「我的待办」查看）' : ''}。`,
        buttons: open.slice(0, 6).map((o) => ({ text: `${o.name}·${REASON_LABELS[o.reason] ?? o.reason}`.slice(0, 10), actionKey: cardKey(CARD_ACTION.obligationDone, o.id) })),
      }),
    },
  ];
}

/**
 * A few minutes after a record, a message that is nothing else (家属在陪护，情况稳定) adds to the note of the
 * record(s) just made — the card promised 如需补充情况，可直接回复. Measured on the injected clock.
 */
async function followUp(ctx: ConversationContext, text: string): Promise<Reply[] | undefined> {
  const added = text.replace(/\s+/gu, ' ').replace(/^[,，。;；\s]+|[,，;；\s]+$/gu, '');
  // A question (王芳是困难党员吗) asks something: it is no addition to the last record.
  if (!added || COURTESY.test(added) || !/\p{Script=Han}{2}/u.test(added) || isQuestion(normalizeMessage(added))) return undefined;
  const since = new Date(ctx.now.getTime() - FOLLOW_UP_MINUTES * 60_000);
  const repo = new CareRecordRepository(ctx.trx);
  const last = await repo.lastRecordedAt(ctx.identity!.memberId, since, ctx.now);
  if (!last) return undefined;
  // One message may have made several records (a talk with three people): they share the instant.
  const records = await repo.appendNote(ctx.identity!.memberId, last, added);
  const first = records[0];
  if (!first) return undefined;
  const who = summariseNames(records.map((r) => r.name), 200);
  return [
    {
      message: buttonCard({
        taskId: `more-${ctx.eventId}`,
        title: `已补充${KIND[first.kind]}情况：${who}`,
        desc: `${chineseDate(first.happened_on, ctx.today)}的登记`,
        fields: [['情况', first.note]],
        note: `已补充到刚才的登记中。${records.length > 1 ? `共 ${records.length} 条登记。` : ''}如有误，可点“撤销”撤销该条登记（24小时内）。`,
        buttons: [{ text: '撤销', actionKey: cardKey(CARD_ACTION.undoRecord, first.id), style: 'secondary' }],
      }),
    },
  ];
}
