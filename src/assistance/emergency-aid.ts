// Emergency aid (突发困难补助, MECHANISM 1.2), step by step: the application (the member's own, or their branch
// secretary's with the member's consent), the GB's opinion, the OD's decision, the payment. Each step is an
// assistance obligation with a due date (reminded and escalated by the daily sweep); the payment is due within N
// working days of the application (fixed when filed), and every card and answer shows how many are left and
// warns — never refuses — when the date is at risk. The member is told each outcome, and so is the secretary who
// applied. The chat (aid-conversation.ts) and the admin API (admin/aid-routes.ts) both act through here, so
// both ask the same access rule (domain/access.ts) and write the same rows.
//
// Decisions where the issue is silent (README "Emergency aid"):
// - The member need not be in the hardship registry: the aid is for a sudden difficulty.
// - A GB 不同意 does not end the application: it goes to the OD with the opinion shown, since the OD decides.
// - The OD decides only after the GB's opinion (the OD may give it itself where the GB secretary's office is
//   vacant or held by the member, as it stands in for any office).
// - Consent: a member with a chat account confirms on a card even when the secretary wrote 本人已同意; the
//   attestation is taken only for a member without one, and the record says who attested it.
import type { Transaction } from 'kysely';
import { formatYuan, type EmergencyAidCause } from '../domain/assistance.ts';
import { canSeeReliefAmounts, mayApprove, viewerOf, type AccessPerson, type Approval, type MemberPlace } from '../domain/access.ts';
import type { WorkingDayCalendar } from '../domain/calendar.ts';
import { addDays, type IsoDate } from '../domain/dates.ts';
import { AID_CARD_TOPIC, AID_STEP_STATE, AID_STEP_TASK, aidPayBy, paymentClock, workingDaysLeft, type AidStep, type PaymentClock } from '../domain/emergency-aid.ts';
import { chineseDate } from '../domain/format.ts';
import { OFFICE_TITLES, officeWords, type OfficeRole } from '../domain/offices.ts';
import { AssistanceTaskRepository } from '../db/assistance-task-repository.ts';
import { ConversationMemoryRepository } from '../db/conversation-memory-repository.ts';
import { EmergencyAidRepository, type EmergencyAid } from '../db/emergency-aid-repository.ts';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { OfficeDirectory, type Recipient } from '../notices/offices.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { accessPersonOf, findMemberById, type RosterIdentity } from '../roster/responsibility.ts';
import { AID_TEXT, aidSummary, causeLabel, clockWarning, consentCard, decisionCard, opinionCard, paymentCard } from './aid-text.ts';

export interface AidEnv {
  trx: Transaction<Database>;
  now: Date;
  today: IsoDate;
  calendar: WorkingDayCalendar;
}

/** Who acts: a person the roster knows (the chat's writer, or the admin API's `actor`). */
export interface AidActor {
  memberId: string;
  name: string;
  person: AccessPerson;
}

/** A message to someone other than the actor, sent once per key. */
export interface AidNotice {
  recipient: string;
  onceKey: string;
  message: OutboundMessage;
}

export type AidRefusal = 'not_found' | 'not_allowed' | 'wrong_state' | 'in_progress' | 'needs_consent' | 'needs_reason' | 'bad_amount';

export type AidOutcome = { ok: true; aid: EmergencyAid; reply: string; notices: AidNotice[] } | { ok: false; code: AidRefusal; reply: string };

const APPROVAL: Record<Exclude<AidStep, 'consent'>, Approval> = { opinion: 'aid_opinion', decision: 'aid_decision', payment: 'aid_payment' };

const refuse = (code: AidRefusal, reply: string): AidOutcome => ({ ok: false, code, reply });
const yuan = formatYuan;
const placeOf = (a: EmergencyAid): MemberPlace => ({ memberId: a.member_id, branchId: a.branch_id, generalBranchId: a.gb_id, committeeId: a.committee_id });

async function settings(env: AidEnv) {
  const s = await new SettingsRepository(env.trx).read(['emergency_aid_gb_opinion_days', 'emergency_aid_od_decision_days', 'emergency_aid_payment_working_days']);
  return { gbDays: s.emergency_aid_gb_opinion_days, odDays: s.emergency_aid_od_decision_days, payDays: s.emergency_aid_payment_working_days };
}

/** The payment clock of an aid today; `stepDueOn`: the step now waiting, whose due date may lie past the payment's. */
export function clockOf(aid: Pick<EmergencyAid, 'applied_on' | 'pay_by'>, today: IsoDate, calendar: WorkingDayCalendar, stepDueOn?: IsoDate): PaymentClock {
  return paymentClock({ today, payBy: aid.pay_by, total: workingDaysLeft(aid.applied_on, aid.pay_by, calendar), calendar, stepDueOn });
}

/** Whoever answers for the office about this aid, never the member themself: a vacant office passes it up. */
async function answering(env: AidEnv, aid: EmergencyAid, role: Extract<OfficeRole, 'gb_secretary' | 'od_staff'>): Promise<{ holders: Recipient[]; standIn: string }> {
  const dir = await OfficeDirectory.load(env.trx);
  const a = dir.answering(role, role === 'gb_secretary' ? aid.gb_id : aid.committee_id);
  const holders = a.holders.filter((h) => h.member_id !== aid.member_id);
  const passed = a.vacant.map((o) => `${dir.nameOf(o.organisationId)}暂无${OFFICE_TITLES[o.role]}`);
  if (holders.length === 0 && a.office.role !== 'od_staff') {
    // The office is held only by the member concerned (nobody decides about themself): the OD stands in.
    const od = dir.answering('od_staff', aid.committee_id);
    return { holders: od.holders.filter((h) => h.member_id !== aid.member_id), standIn: `${aid.member_name}同志本人为${officeWords(dir.nameOf(aid.gb_id), 'gb_secretary')}，由您代办。` };
  }
  return { holders, standIn: passed.length > 0 ? `${passed.join('、')}，由您代办。` : '' };
}

/** Whether someone besides the member may see this aid today (the roster may have moved them since they acted on it). */
async function stillSees(env: AidEnv, memberId: string, aid: EmergencyAid): Promise<boolean> {
  const who = await findMemberById(env.trx, memberId);
  return who !== undefined && who.status === 'active' && canSeeReliefAmounts(viewerOf(accessPersonOf(who)), placeOf(aid));
}

/**
 * A line to the member, the secretary who applied and (for the OD's outcomes) the GB secretary who gave the
 * opinion — each once, never the actor. An aid is sensitive (MECHANISM "Rules for every reminder"; issue 12 §5):
 * anyone told besides the member must still see it when told — a secretary who has left the office since hears
 * nothing more.
 */
async function tell(env: AidEnv, aid: EmergencyAid, actor: AidActor, event: string, lines: { member?: string; applicant?: string; gb?: string }): Promise<AidNotice[]> {
  const out: AidNotice[] = [];
  const told = new Set<string>([actor.memberId]);
  const add = async (memberId: string | null, userid: string | null, content: string | undefined) => {
    if (!memberId || !userid || !content || told.has(memberId)) return;
    told.add(memberId);
    if (memberId !== aid.member_id && !(await stillSees(env, memberId, aid))) return;
    out.push({ recipient: userid, onceKey: `aid-${aid.id}-${event}-${memberId}`, message: { type: 'text', content } });
  };
  await add(aid.member_id, aid.member_userid, lines.member);
  if (aid.source === 'branch') await add(aid.applied_by_member_id, aid.applied_by_userid, lines.applicant);
  await add(aid.gb_by_member_id, aid.gb_by_userid, lines.gb);
  return out;
}

/** Opens the GB's opinion and sends its card. */
async function toGeneralBranch(env: AidEnv, aid: EmergencyAid, s: { gbDays: number }): Promise<AidNotice[]> {
  const dueOn = addDays(env.today, s.gbDays);
  await new AssistanceTaskRepository(env.trx).open({ kind: 'aid_opinion', subjectId: aid.id, memberId: aid.member_id, ownerRole: 'gb_secretary', ownerOrganisationId: aid.gb_id, openedOn: env.today, dueOn, createdAt: env.now });
  const { holders, standIn } = await answering(env, aid, 'gb_secretary');
  const clock = clockOf(aid, env.today, env.calendar, dueOn);
  return holders.map((h) => ({
    recipient: h.userid,
    onceKey: `aid-${aid.id}-opinion-card-${h.member_id}`,
    message: opinionCard({ aid, taskId: `aid-${aid.id}-opinion-${h.member_id}`, dueOn, today: env.today, clock, standIn }),
  }));
}

/** Opens the OD's decision and sends its card; a short reply ("批准1500元") then refers to it. */
async function toDecision(env: AidEnv, aid: EmergencyAid, s: { odDays: number }): Promise<AidNotice[]> {
  const dueOn = addDays(env.today, s.odDays);
  await new AssistanceTaskRepository(env.trx).open({ kind: 'aid_decision', subjectId: aid.id, memberId: aid.member_id, ownerRole: 'od_staff', ownerOrganisationId: aid.committee_id, openedOn: env.today, dueOn, createdAt: env.now });
  const { holders, standIn } = await answering(env, aid, 'od_staff');
  const clock = clockOf(aid, env.today, env.calendar, dueOn);
  await new ConversationMemoryRepository(env.trx).rememberMany(holders.map((h) => ({ member_id: h.member_id, topic: AID_CARD_TOPIC.decision, ref: aid.id })), env.now);
  return holders.map((h) => ({
    recipient: h.userid,
    onceKey: `aid-${aid.id}-decision-card-${h.member_id}`,
    message: decisionCard({ aid, taskId: `aid-${aid.id}-decision-${h.member_id}`, dueOn, today: env.today, clock, standIn }),
  }));
}

/** Opens the payment, due on the aid's last day of payment, and sends the OD its card. */
async function toPayment(env: AidEnv, aid: EmergencyAid): Promise<AidNotice[]> {
  await new AssistanceTaskRepository(env.trx).open({ kind: 'aid_payment', subjectId: aid.id, memberId: aid.member_id, ownerRole: 'od_staff', ownerOrganisationId: aid.committee_id, openedOn: env.today, dueOn: aid.pay_by, createdAt: env.now });
  const { holders, standIn } = await answering(env, aid, 'od_staff');
  const clock = clockOf(aid, env.today, env.calendar);
  await new ConversationMemoryRepository(env.trx).rememberMany(holders.map((h) => ({ member_id: h.member_id, topic: AID_CARD_TOPIC.payment, ref: aid.id })), env.now);
  return holders.map((h) => ({
    recipient: h.userid,
    onceKey: `aid-${aid.id}-payment-card-${h.member_id}`,
    message: paymentCard({ aid, taskId: `aid-${aid.id}-payment-${h.member_id}`, dueOn: aid.pay_by, today: env.today, clock, standIn }),
  }));
}

export interface AidApplication {
  memberId: string;
  cause: EmergencyAidCause;
  note: string;
  requestedFen: number;
  /** "本人已同意": the applying secretary attests the consent of a member without a chat account. */
  attested: boolean;
}

/**
 * Whether the actor may apply for the member now (before the amount is asked): the member's own application, or
 * (mayApprove 'aid_application') their branch secretary's or the OD's; none in progress; a member without a chat
 * account only with their consent attested. Someone the actor may not apply for reads as a name nobody bears.
 */
export async function checkApplication(
  env: AidEnv,
  actor: AidActor,
  memberId: string,
  attested: boolean,
): Promise<{ ok: true; member: RosterIdentity; self: boolean; hasAccount: boolean } | { ok: false; code: AidRefusal; reply: string }> {
  const self = memberId === actor.memberId;
  const member = await findMemberById(env.trx, memberId);
  const place: MemberPlace | undefined = member && { memberId: member.memberId, branchId: member.branch.id, generalBranchId: member.generalBranch.id, committeeId: member.committeeId };
  if (!member || member.status !== 'active' || !place || (!self && !mayApprove(actor.person, 'aid_application', place))) return { ok: false, code: 'not_found', reply: AID_TEXT.forWhom };
  const live = await new EmergencyAidRepository(env.trx).liveOf(memberId);
  if (live) return { ok: false, code: 'in_progress', reply: `${self ? '您' : `${member.name}同志`}已有一份突发困难补助申请正在办理（${aidSummary(live)}），请勿重复申请。` };
  const hasAccount = member.userid !== '';
  if (!self && !hasAccount && !attested) {
    return {
      ok: false,
      code: 'needs_consent',
      reply: `${member.name}同志没有企业微信/钉钉账号，无法向本人发送确认，本次未提交。请当面征得本人同意后，在申请中注明“本人已同意”，例如“为${member.name}申请突发困难补助：……，申请2000元，本人已同意”。`,
    };
  }
  return { ok: true, member, self, hasAccount };
}

/**
 * Files an application: the member's own, or (mayApprove 'aid_application': their branch secretary, or the OD)
 * on their behalf. Someone the actor may not apply for gets the same answer as a name nobody bears.
 */
export async function applyForAid(env: AidEnv, actor: AidActor, req: AidApplication): Promise<AidOutcome> {
  if (!Number.isSafeInteger(req.requestedFen) || req.requestedFen <= 0) return refuse('bad_amount', AID_TEXT.askAmount);
  const checked = await checkApplication(env, actor, req.memberId, req.attested);
  if (!checked.ok) return checked;
  const { member, self, hasAccount } = checked;
  const aids = new EmergencyAidRepository(env.trx);
  const who = self ? '您' : `${member.name}同志`;
  const s = await settings(env);
  const status = self || !hasAccount ? 'applied' : 'awaiting_consent';
  const id = await aids.insert({
    memberId: req.memberId,
    cause: req.cause,
    note: req.note,
    requestedFen: req.requestedFen,
    status,
    source: self ? 'self' : 'branch',
    appliedByMemberId: actor.memberId,
    appliedOn: env.today,
    payBy: aidPayBy(env.today, s.payDays, env.calendar),
    ...(self ? {} : status === 'applied' ? { consent: { byMemberId: actor.memberId, attested: true } } : {}),
    at: env.now,
  });
  // Two applications at once: the unique index let one in.
  if (id === undefined) return refuse('in_progress', `${who}已有一份突发困难补助申请正在办理，请勿重复申请。`);
  const aid = (await aids.aid(id))!;
  const what = `${causeLabel(aid)}，${yuan(aid.requested_fen)}`;
  const payBy = chineseDate(aid.pay_by, env.today);
  if (status === 'awaiting_consent') {
    const dueOn = addDays(env.today, s.gbDays);
    await new AssistanceTaskRepository(env.trx).open({ kind: 'aid_consent', subjectId: aid.id, memberId: aid.member_id, ownerMemberId: aid.member_id, openedOn: env.today, dueOn, createdAt: env.now });
    const card = consentCard({ aid, taskId: `aid-${aid.id}-consent-${aid.member_id}`, dueOn, today: env.today, clock: clockOf(aid, env.today, env.calendar, dueOn) });
    const attestedNote = req.attested ? `${member.name}同志有企业微信/钉钉账号，仍须本人在卡片上确认同意。` : '';
    return {
      ok: true,
      aid,
      reply: `已为${member.name}同志提交突发困难补助申请（${what}），已请本人确认。${attestedNote}本人同意后报${aid.general_branch}提出意见，应于${payBy}前发放到位。`,
      notices: [{ recipient: member.userid, onceKey: `aid-${aid.id}-consent-card-${aid.member_id}`, message: card }],
    };
  }
  const notices = await toGeneralBranch(env, aid, s);
  const next = `已报${aid.general_branch}提出意见，经党委组织部审批后发放，应于${payBy}前发放到位。`;
  return {
    ok: true,
    aid,
    reply: self ? `已收到您的突发困难补助申请（${what}），${next}` : `已为${member.name}同志提交突发困难补助申请（${what}；本人同意由您代为确认），${next}`,
    notices,
  };
}

/** The aid, locked, if the actor may take this step on it and it waits on that step. */
export async function aidForStep(env: AidEnv, actor: AidActor, aidId: string, step: AidStep): Promise<{ ok: true; aid: EmergencyAid } | { ok: false; code: AidRefusal; reply: string }> {
  const aid = await new EmergencyAidRepository(env.trx).aid(aidId, true);
  const allowed = aid !== undefined && (step === 'consent' ? aid.member_id === actor.memberId : mayApprove(actor.person, APPROVAL[step], placeOf(aid)));
  // Not found and not theirs read the same: a forged key learns nothing.
  if (!aid || !allowed) return { ok: false, code: 'not_found', reply: AID_TEXT.notYours };
  if (aid.status !== AID_STEP_STATE[step]) return { ok: false, code: 'wrong_state', reply: `${aidSummary(aid)}，无需重复操作。` };
  return { ok: true, aid };
}

/** The member's 同意 / 不同意 to a secretary's application. */
export async function answerConsent(env: AidEnv, actor: AidActor, aidId: string, agrees: boolean): Promise<AidOutcome> {
  const found = await aidForStep(env, actor, aidId, 'consent');
  if (!found.ok) return found;
  const aids = new EmergencyAidRepository(env.trx);
  const tasks = new AssistanceTaskRepository(env.trx);
  await (agrees ? aids.consent(aidId, actor.memberId, env.now) : aids.decline(aidId, actor.memberId, env.now));
  await tasks.close(AID_STEP_TASK.consent, aidId, 'done', env.now, actor.memberId);
  const aid = (await aids.aid(aidId))!;
  if (!agrees) {
    return {
      ok: true,
      aid,
      reply: '已记录您的意见：不同意。这份突发困难补助申请已撤回。',
      notices: await tell(env, aid, actor, 'declined', { applicant: `${aid.member_name}同志不同意由您代为申请突发困难补助（${causeLabel(aid)}，${yuan(aid.requested_fen)}），申请已撤回。` }),
    };
  }
  const cards = await toGeneralBranch(env, aid, await settings(env));
  return {
    ok: true,
    aid,
    reply: `已记录您的意见：同意。您的突发困难补助申请已报${aid.general_branch}提出意见，经党委组织部审批后发放，应于${chineseDate(aid.pay_by, env.today)}前发放到位。`,
    notices: [...(await tell(env, aid, actor, 'consented', { applicant: `${aid.member_name}同志已同意您代为提交的突发困难补助申请，已报${aid.general_branch}提出意见。` })), ...cards],
  };
}

/** The GB's opinion: 同意 (a line may follow) or 不同意 with a reason; either way the OD decides. */
export async function giveOpinion(env: AidEnv, actor: AidActor, aidId: string, agrees: boolean, note: string): Promise<AidOutcome> {
  const line = note.trim();
  if (!agrees && line === '') return refuse('needs_reason', '不同意的，须写明理由。请回复一句话说明。');
  const found = await aidForStep(env, actor, aidId, 'opinion');
  if (!found.ok) return found;
  const aids = new EmergencyAidRepository(env.trx);
  await aids.opinion(aidId, agrees, line, actor.memberId, env.now);
  await new AssistanceTaskRepository(env.trx).close(AID_STEP_TASK.opinion, aidId, 'done', env.now, actor.memberId);
  const aid = (await aids.aid(aidId))!;
  const opinion = `${agrees ? '同意' : '不同意'}${line ? `（${line}）` : ''}`;
  const cards = await toDecision(env, aid, await settings(env));
  const warning = clockWarning(clockOf(aid, env.today, env.calendar), env.today);
  return {
    ok: true,
    aid,
    reply: `已提出意见：${opinion}，已报党委组织部审批。${agrees && !line ? '如需补充意见，可直接回复一句话。' : ''}${warning}`,
    notices: [
      ...(await tell(env, aid, actor, 'opinion', {
        member: `${aid.member_name}同志：您的突发困难补助申请，${aid.general_branch}意见为${opinion}，已报党委组织部审批。`,
        applicant: `${aid.member_name}同志的突发困难补助申请，${aid.general_branch}意见为${opinion}，已报党委组织部审批。`,
      })),
      ...cards,
    ],
  };
}

/** A line of opinion after 同意 (while the OD has not decided): kept with the opinion and sent to the OD. */
export async function addOpinionNote(env: AidEnv, actor: AidActor, aidId: string, note: string): Promise<AidOutcome> {
  const line = note.trim();
  const aid = await new EmergencyAidRepository(env.trx).aid(aidId, true);
  if (!aid || aid.gb_by_member_id !== actor.memberId) return refuse('not_found', AID_TEXT.notYours);
  if (line === '' || !(await new EmergencyAidRepository(env.trx).addGbNote(aidId, line))) return refuse('wrong_state', `${aidSummary(aid)}，意见已不能补充。`);
  const { holders } = await answering(env, aid, 'od_staff');
  return {
    ok: true,
    aid: { ...aid, gb_note: line },
    reply: `已补充意见：“${line}”，已转报党委组织部。`,
    notices: holders
      .filter((h) => h.member_id !== actor.memberId)
      .map((h) => ({ recipient: h.userid, onceKey: `aid-${aid.id}-gbnote-${h.member_id}`, message: { type: 'text' as const, content: `${aid.general_branch}对${aid.member_name}同志突发困难补助申请的意见（同意）补充如下：${line}` } })),
  };
}

/** The OD's decision: an amount (the one asked, or another) or not approved with a reason. */
export async function decideAid(env: AidEnv, actor: AidActor, aidId: string, approvedFen: number | null, note: string): Promise<AidOutcome> {
  const reason = note.trim();
  if (approvedFen === null && reason === '') return refuse('needs_reason', '不批准的，须写明理由。请回复一句话说明。');
  if (approvedFen !== null && (!Number.isSafeInteger(approvedFen) || approvedFen <= 0)) return refuse('bad_amount', '批准金额须为正数，例如“批准1500元”。');
  const found = await aidForStep(env, actor, aidId, 'decision');
  if (!found.ok) return found;
  const aids = new EmergencyAidRepository(env.trx);
  await aids.decide(aidId, approvedFen, reason, actor.memberId, env.now);
  await new AssistanceTaskRepository(env.trx).close(AID_STEP_TASK.decision, aidId, 'done', env.now, actor.memberId);
  const aid = (await aids.aid(aidId))!;
  if (approvedFen === null) {
    return {
      ok: true,
      aid,
      reply: `已决定不批准${aid.member_name}同志的突发困难补助申请，理由已告知本人${aid.source === 'branch' ? '和代为申请的支部书记' : ''}。`,
      notices: await tell(env, aid, actor, 'rejected', {
        member: `${aid.member_name}同志：您的突发困难补助申请（${causeLabel(aid)}，${yuan(aid.requested_fen)}）经党委组织部研究，未予批准，理由：${reason}。如有疑问，请与所在党支部联系。`,
        applicant: `${aid.member_name}同志的突发困难补助申请经党委组织部研究，未予批准，理由：${reason}。`,
        gb: `${aid.member_name}同志的突发困难补助申请经党委组织部研究，未予批准，理由：${reason}。`,
      }),
    };
  }
  const payBy = chineseDate(aid.pay_by, env.today);
  const vsAsked = approvedFen === aid.requested_fen ? '按申请额' : approvedFen > aid.requested_fen ? `高于申请额${yuan(aid.requested_fen)}` : `申请${yuan(aid.requested_fen)}`;
  const opinion = aid.gb_agrees === false ? `（${aid.general_branch}意见为不同意）` : '';
  const cards = await toPayment(env, aid);
  return {
    ok: true,
    aid,
    reply: `已批准${aid.member_name}同志突发困难补助${yuan(approvedFen)}（${vsAsked}）${opinion}，请于${payBy}前发放，发放后点“已发放”登记。${clockWarning(clockOf(aid, env.today, env.calendar), env.today)}`,
    notices: [
      ...(await tell(env, aid, actor, 'approved', {
        member: `${aid.member_name}同志：您的突发困难补助申请已获党委组织部批准，金额${yuan(approvedFen)}，将于${payBy}前发放。`,
        applicant: `${aid.member_name}同志的突发困难补助已获党委组织部批准，金额${yuan(approvedFen)}，将于${payBy}前发放。`,
        gb: `${aid.member_name}同志的突发困难补助已获党委组织部批准，金额${yuan(approvedFen)}。`,
      })),
      ...cards,
    ],
  };
}

/** The payment, recorded (已发放): the last step. */
export async function recordAidPaid(env: AidEnv, actor: AidActor, aidId: string): Promise<AidOutcome> {
  const found = await aidForStep(env, actor, aidId, 'payment');
  if (!found.ok) return found;
  const aids = new EmergencyAidRepository(env.trx);
  await aids.paid(aidId, actor.memberId, env.now);
  await new AssistanceTaskRepository(env.trx).close(AID_STEP_TASK.payment, aidId, 'done', env.now, actor.memberId);
  const aid = (await aids.aid(aidId))!;
  const amount = yuan(aid.approved_fen ?? 0);
  const clock = clockOf(aid, env.today, env.calendar);
  const late = clock.state === 'overdue' ? `，超过发放期限（${chineseDate(aid.pay_by, env.today)}）${clock.left < 0 ? `${-clock.left}个工作日` : ''}` : `，在发放期限（${chineseDate(aid.pay_by, env.today)}）内`;
  return {
    ok: true,
    aid,
    reply: `已登记：${aid.member_name}同志突发困难补助${amount}已于${chineseDate(env.today, env.today)}发放${late}。`,
    notices: await tell(env, aid, actor, 'paid', {
      member: `${aid.member_name}同志：您的突发困难补助${amount}已发放，请注意查收。`,
      applicant: `${aid.member_name}同志的突发困难补助${amount}已发放。`,
    }),
  };
}
