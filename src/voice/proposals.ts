// Delegates' proposals (党代会代表提案, MECHANISM 3.1, issue 14 section 3): each step as one function that the chat
// (proposal-conversation.ts) and the admin API (admin/proposal-routes.ts) call alike. A delegate files (the OD gets
// the full text and a card with 立案 / 不予立案); the OD registers it — the answer is then due proposal_answer_days
// later — or declines it with a reason, assigns it to a member of the roster (who answers in chat) or to an office
// outside it (the OD records that office's answer), and the answer reaches the delegate. The delegate is told each
// step. Who may see or do what is the access rule's (maySeeProposal, mayHandleProposal, mayAnswerProposal): a
// proposal someone may not see is answered exactly as one nobody filed. Every step re-reads the row under a lock
// and is guarded by its state, so a card tapped twice or a duplicated callback does the step once.
import type { Transaction } from 'kysely';
import { ProposalRepository, type ProposalRow } from '../db/proposal-repository.ts';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { mayAnswerProposal, mayFileProposal, mayHandleProposal, maySeeProposal, OD_VIEWER, viewerOf, type AccessPerson, type ProposalFacts, type Viewer } from '../domain/access.ts';
import { addDays, type IsoDate } from '../domain/dates.ts';
import { chineseMonthDay as cn } from '../domain/format.ts';
import { PROPOSAL_ANSWER_MAX, PROPOSAL_REGISTER_REMIND_DAYS, PROPOSAL_STATE_LABEL, PROPOSAL_TEXT_MAX, proposalStatus, proposalTitle } from '../domain/voice.ts';
import { buttonCard, cardKey } from '../notices/cards.ts';
import { paragraphs } from './announcement-text.ts';
import type { OutboundMessage } from '../platforms/types.ts';

/** A message a step sends to someone other than the actor: to whom, once (its key), what. */
export interface StepMessage {
  recipient: string;
  onceKey: string;
  message: OutboundMessage;
}

export const PROPOSAL_ACTION = { register: 'prreg', decline: 'prdecl' } as const;

export interface ProposalEnv {
  trx: Transaction<Database>;
  now: Date;
  today: IsoDate;
}

/**
 * Who takes a step: a member of the roster (their access facts; `delegate` from the roster's 党代会代表), or the OD's
 * own tool (the admin API: `person` null, acting for the OD of `committeeId`).
 */
export type ProposalActor = { kind: 'member'; memberId: string; name: string; delegate: boolean; person: AccessPerson } | { kind: 'od_tool' };

export type ProposalOutcome = { ok: true; reply: string; notices: StepMessage[]; proposal: ProposalRow } | { ok: false; code: ProposalRefusal; reply: string };

export type ProposalRefusal = 'not_delegate' | 'empty' | 'too_long' | 'not_found' | 'not_allowed' | 'wrong_state' | 'ambiguous' | 'bad_assignee';

const refuse = (code: ProposalRefusal, reply: string): ProposalOutcome => ({ ok: false, code, reply });

const factsOf = (p: ProposalRow): ProposalFacts => ({ delegateMemberId: p.delegate_member_id, committeeId: p.committee_id, assigneeMemberId: p.assignee_member_id });

const viewerOfActor = (a: ProposalActor): Viewer => (a.kind === 'od_tool' ? OD_VIEWER : viewerOf(a.person));
const actorId = (a: ProposalActor): string | null => (a.kind === 'od_tool' ? null : a.memberId);
const handles = (a: ProposalActor, p: ProposalRow) => a.kind === 'od_tool' || mayHandleProposal(a.person, factsOf(p));
const answers = (a: ProposalActor, p: ProposalRow) => a.kind === 'od_tool' || mayAnswerProposal(a.person, factsOf(p));

/** The same words whether the proposal does not exist or the actor may not see it. */
const notFound = (id: string) => refuse('not_found', `没有找到提案${id}。发送「我的提案」可查看您能看到的提案。`);

/** The proposal if the actor may see it (the access rule), locked for a step. */
async function visible(env: ProposalEnv, actor: ProposalActor, id: string): Promise<ProposalRow | undefined> {
  const p = await new ProposalRepository(env.trx).lock(id);
  return p && maySeeProposal(viewerOfActor(actor), factsOf(p)) ? p : undefined;
}

/** Who the proposal is with, in words: 张三（计算机学院党总支教工第一党支部）, or the office's name. */
export function assigneeWords(p: Pick<ProposalRow, 'assignee_name' | 'assignee_office'>): string | undefined {
  return p.assignee_name ?? p.assignee_office ?? undefined;
}

// A proposal (1,000 characters) or an answer (2,000) is longer than one WeCom message: broken into lines the
// message splitter keeps whole (announcement-text.ts paragraphs), it reaches its reader in parts, never cut.
const told = (to: string | null, onceKey: string, content: string): StepMessage[] => (to ? [{ recipient: to, onceKey, message: { type: 'text', content: paragraphs(content) } }] : []);

async function odNotices(env: ProposalEnv, committeeId: string, except: string | null, make: (h: { member_id: string; userid: string }) => StepMessage[]): Promise<StepMessage[]> {
  const holders = await new ProposalRepository(env.trx).odHolders(committeeId);
  return holders.filter((h) => h.member_id !== except).flatMap(make);
}

// ---- filing ----

/** "提案：关于……的建议" by a delegate: filed to the OD of their committee, with the full text and a card. */
export async function fileProposal(env: ProposalEnv, actor: Extract<ProposalActor, { kind: 'member' }>, text: string): Promise<ProposalOutcome> {
  if (!mayFileProposal(actor)) {
    return refuse('not_delegate', '提案由党代会代表提交。您不是党代会代表，如有意见和建议，请发送“意见建议：……”向党组织反映。');
  }
  if (text === '') return refuse('empty', '未提交：提案内容为空。请在冒号后写明，例如“提案：关于加强青年教师思想政治工作的建议……”。');
  if ([...text].length > PROPOSAL_TEXT_MAX) return refuse('too_long', `未提交：提案内容超过${PROPOSAL_TEXT_MAX}字（现${[...text].length}字），请精简后再提交，详细材料可另行报送党委组织部。`);
  const repo = new ProposalRepository(env.trx);
  const id = await repo.insert({ committeeId: actor.person.committeeId, delegateMemberId: actor.memberId, text, filedOn: env.today, at: env.now });
  const p = (await repo.byId(id))!;
  const notices = await odNotices(env, p.committee_id, actor.memberId, (h) => [
    { recipient: h.userid, onceKey: `proposal-${id}-filed-text-${h.member_id}`, message: { type: 'text', content: paragraphs(`党代会代表${p.delegate_name}（${p.gb_name}${p.branch_name}）提交了提案${id}：\n${text}`) } },
    { recipient: h.userid, onceKey: `proposal-${id}-filed-card-${h.member_id}`, message: registrationCard(p, h.member_id) },
  ]);
  return { ok: true, proposal: p, notices, reply: `已提交提案${id}：${proposalTitle(text)}\n已送党委组织部审查立案，立案后答复期限为${await answerDays(env)}天，每一步办理情况都会告诉您。发送「我的提案」可查看。` };
}

/**
 * The OD's card: who filed what, with 立案 / 不予立案 — when filed, and as the sweep's `reminder`-th reminder while
 * it waits (notices/planners/proposals.ts), each a card of its own (its task id).
 */
export function registrationCard(p: ProposalRow, recipientMemberId: string, reminder?: number) {
  return buttonCard({
    taskId: reminder === undefined ? `pr-${p.id}-reg-${recipientMemberId}` : `pr-${p.id}-rem${reminder}-${recipientMemberId}`,
    title: reminder === undefined ? `党代会代表提案${p.id}：待立案` : `提案${p.id}待立案（已${reminder * PROPOSAL_REGISTER_REMIND_DAYS}天）`,
    desc: proposalTitle(p.text, 30),
    fields: [
      ['提案人', p.delegate_name],
      ['所在支部', `${p.gb_name}${p.branch_name}`],
      ['提交日期', cn(p.filed_on)],
    ],
    note:
      reminder === undefined
        ? `不予立案的，请点“不予立案”后回复理由。立案后请发送“提案${p.id}交由××办理”交办。`
        : `请审查立案；不予立案的，请点“不予立案”后回复理由。发送“提案${p.id}”查看全文。`,
    buttons: [
      { text: '立案', actionKey: cardKey(PROPOSAL_ACTION.register, p.id) },
      { text: '不予立案', actionKey: cardKey(PROPOSAL_ACTION.decline, p.id), style: 'secondary' },
    ],
  });
}

async function answerDays(env: ProposalEnv): Promise<number> {
  return (await new SettingsRepository(env.trx).read(['proposal_answer_days'])).proposal_answer_days;
}

// ---- the OD's steps ----

/** The checks every OD step makes: visible, the OD's, and in the expected state. */
async function forOdStep(env: ProposalEnv, actor: ProposalActor, id: string, expected: 'filed' | 'registered'): Promise<ProposalRow | ProposalOutcome> {
  const p = await visible(env, actor, id);
  if (!p) return notFound(id);
  if (!handles(actor, p)) return refuse('not_allowed', `提案${id}由党委组织部立案和交办。`);
  if (p.state !== expected) return refuse('wrong_state', stateWords(p, expected));
  return p;
}

/** Why a step does not apply to a proposal in its state (a second tap, a late card). */
function stateWords(p: ProposalRow, expected: 'filed' | 'registered'): string {
  switch (p.state) {
    case 'filed':
      return `提案${p.id}尚未立案，请先立案（点卡片上的“立案”或发送“提案${p.id}立案”）。`;
    case 'registered':
      return expected === 'filed' ? `提案${p.id}已立案，无需再操作。${assigneeWords(p) ? `现由${assigneeWords(p)}办理。` : `请发送“提案${p.id}交由××办理”交办。`}` : '';
    case 'declined':
      return `提案${p.id}已不予立案（理由：${p.decline_reason ?? ''}），无需再操作。`;
    case 'answered':
      return `提案${p.id}已答复，无需再操作。`;
  }
}

const isOutcome = (x: ProposalRow | ProposalOutcome): x is ProposalOutcome => 'ok' in x;

/** 立案: the answer is due proposal_answer_days from today; the delegate is told. */
export async function registerProposal(env: ProposalEnv, actor: ProposalActor, id: string): Promise<ProposalOutcome> {
  const found = await forOdStep(env, actor, id, 'filed');
  if (isOutcome(found)) return found;
  const dueOn = addDays(env.today, await answerDays(env));
  const repo = new ProposalRepository(env.trx);
  await repo.register(id, { on: env.today, at: env.now, dueOn, by: actorId(actor) });
  const p = (await repo.byId(id))!;
  return {
    ok: true,
    proposal: p,
    notices: told(p.delegate_userid, `proposal-${id}-registered`, `您的提案${id}（${proposalTitle(p.text)}）已由党委组织部立案，答复期限为${cn(dueOn)}。交办后将告诉您承办单位。`),
    reply: `已立案：提案${id}（${p.delegate_name}），答复期限${cn(dueOn)}。请发送“提案${id}交由××办理”交办（××为名册中的同志，或部门名称），已告知提案人。`,
  };
}

/** 不予立案 with a reason (required); the delegate is told the reason. */
export async function declineProposal(env: ProposalEnv, actor: ProposalActor, id: string, reason: string): Promise<ProposalOutcome> {
  const found = await forOdStep(env, actor, id, 'filed');
  if (isOutcome(found)) return found;
  if (reason === '') return refuse('empty', `不予立案须写明理由，请发送“提案${id}不予立案：理由”。`);
  if ([...reason].length > PROPOSAL_ANSWER_MAX) return refuse('too_long', `理由超过${PROPOSAL_ANSWER_MAX}字，请精简。`);
  const repo = new ProposalRepository(env.trx);
  await repo.decline(id, { reason, at: env.now, by: actorId(actor) });
  const p = (await repo.byId(id))!;
  return {
    ok: true,
    proposal: p,
    notices: told(p.delegate_userid, `proposal-${id}-declined`, `您的提案${id}（${proposalTitle(p.text)}）经党委组织部审查，不予立案。理由：${reason}`),
    reply: `已登记：提案${id}不予立案，理由已告知提案人${p.delegate_name}。`,
  };
}

/** Whether the actor may decline this proposal now (a 不予立案 tap asks for the reason only then). */
export async function mayDeclineNow(env: ProposalEnv, actor: ProposalActor, id: string): Promise<ProposalOutcome | { ok: true; proposal: ProposalRow }> {
  const found = await forOdStep(env, actor, id, 'filed');
  return isOutcome(found) ? found : { ok: true, proposal: found };
}

/**
 * 交由…办理: to a member of the committee named (张三, or 张三（教工第一党支部） or their account zhangwei01 among
 * namesakes) — who answers in chat —
 * else to an office outside the roster by its name, whose answer the OD records. A second assignment replaces the
 * first (the earlier assignee is told they need not answer).
 */
/** What a chat account looks like when written in place of a name (letters, digits, . _ - @). */
const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export async function assignProposal(env: ProposalEnv, actor: ProposalActor, id: string, to: string): Promise<ProposalOutcome> {
  const found = await forOdStep(env, actor, id, 'registered');
  if (isOutcome(found)) return found;
  const repo = new ProposalRepository(env.trx);
  // 张三（教工第一党支部）: a member among namesakes; an office may carry brackets too (后勤处（基建）), so the brackets
  // name a branch only when the name before them is a member's.
  const named = /^(.+?)\s*[（(]\s*(.+?)\s*[）)]$/.exec(to);
  let all = named ? await repo.membersNamed(found.committee_id, named[1]!) : [];
  const place = all.length > 0 ? named![2]! : undefined;
  const name = place ? named![1]! : to;
  if (!place) all = await repo.membersNamed(found.committee_id, to);
  // A chat account (zhangwei01) names one member among namesakes, as in the OD's other commands.
  if (!place && all.length === 0 && ACCOUNT.test(to)) all = await repo.membersWithAccount(found.committee_id, to);
  const members = place ? all.filter((m) => m.branch_name === place || `${m.gb_name}${m.branch_name}` === place || m.gb_name === place) : all;
  if (members.length > 1) {
    // The example names what tells the first apart from every namesake in the committee: its branch, else its GB,
    // else both (two GBs may each have a 教工第一党支部, one GB two 张伟).
    const m0 = members[0]!;
    const alone = (f: (m: (typeof all)[number]) => string) => all.filter((m) => f(m) === f(m0)).length === 1;
    const example = alone((m) => m.branch_name) ? m0.branch_name : alone((m) => m.gb_name) ? m0.gb_name : `${m0.gb_name}${m0.branch_name}`;
    return refuse('ambiguous', `名册中有${members.length}位${name}：${members.map((m) => `${m.gb_name}${m.branch_name}`).join('、')}。请写明支部，例如“提案${id}交由${name}（${example}）办理”。`);
  }
  if (members.length === 0 && place) return refuse('bad_assignee', `名册中没有${place}的${name}，请核对后再交办。`);
  const member = members[0];
  if (member && member.id === found.delegate_member_id) return refuse('bad_assignee', `提案${id}不能交由提案人本人办理。`);
  if (!member && [...to].length > 40) return refuse('bad_assignee', '承办部门名称过长，请写部门名称，例如“提案3交由后勤处办理”。');
  // The same assignee again (a sentence sent twice, a second admin call): nothing changes and nobody is told again.
  if (member ? found.assignee_member_id === member.id : found.assignee_member_id === null && found.assignee_office === to) {
    return refuse('wrong_state', `提案${id}已交由${member ? member.name : to}办理，无需再交办。`);
  }
  const before = found;
  await repo.assign(id, { memberId: member?.id ?? null, office: member ? null : to, at: env.now });
  const p = (await repo.byId(id))!;
  const who = member ? `${member.name}（${member.gb_name}${member.branch_name}）` : to;
  const notices: StepMessage[] = [
    ...told(p.delegate_userid, `proposal-${id}-assigned-${member ? `m${member.id}` : 'office'}-${env.now.getTime()}`, `您的提案${id}（${proposalTitle(p.text)}）已交由${member ? member.name : to}办理，答复期限为${cn(p.due_on!)}。`),
    ...(member?.userid
      ? told(member.userid, `proposal-${id}-assignee-${member.id}-${env.now.getTime()}`, `党委组织部交办党代会代表提案${id}，请于${cn(p.due_on!)}前答复：\n${p.text}\n提案人：${p.delegate_name}（${p.gb_name}${p.branch_name}）\n办理后请发送“提案${id}答复：……”，答复将转告提案人。`)
      : []),
    ...(before.assignee_member_id && before.assignee_member_id !== member?.id && before.assignee_userid
      ? told(before.assignee_userid, `proposal-${id}-unassigned-${before.assignee_member_id}-${env.now.getTime()}`, `提案${id}已改由${member ? member.name : to}办理，您无需再答复。`)
      : []),
  ];
  const how = member
    ? member.userid
      ? '已通知本人在企业微信/钉钉中答复。'
      : `${member.name}没有企业微信/钉钉账号，请线下转交；收到答复后请发送“提案${id}答复：……”登记。`
    : `“${to}”不在党员名册中，按部门交办：请线下转交；收到答复后请发送“提案${id}答复：……”登记。`;
  return { ok: true, proposal: p, notices, reply: `已将提案${id}交由${who}办理，答复期限${cn(p.due_on!)}。${how}已告知提案人。` };
}

/** "提案3答复：…" by the assignee (or the OD): registered → answered; the delegate gets the answer. */
export async function answerProposal(env: ProposalEnv, actor: ProposalActor, id: string, text: string): Promise<ProposalOutcome> {
  const p = await visible(env, actor, id);
  if (!p) return notFound(id);
  if (!answers(actor, p)) return refuse('not_allowed', `提案${id}的答复由承办人${assigneeWords(p) ? `（${assigneeWords(p)}）` : ''}或党委组织部登记。`);
  if (p.state !== 'registered') return refuse('wrong_state', p.state === 'answered' ? `提案${id}已答复，无需再登记。` : stateWords(p, 'registered'));
  if (text === '') return refuse('empty', `答复内容为空，请发送“提案${id}答复：……”。`);
  if ([...text].length > PROPOSAL_ANSWER_MAX) return refuse('too_long', `答复超过${PROPOSAL_ANSWER_MAX}字，请精简，详细材料可线下转交。`);
  const repo = new ProposalRepository(env.trx);
  await repo.answer(id, { text, at: env.now, by: actorId(actor) });
  const done = (await repo.byId(id))!;
  const by = assigneeWords(done) ?? '党委组织部';
  const byAssignee = actor.kind === 'member' && done.assignee_member_id === actor.memberId;
  const notices: StepMessage[] = [
    ...told(done.delegate_userid, `proposal-${id}-answered`, `您的提案${id}（${proposalTitle(done.text)}）已答复（承办：${by}）：\n${text}`),
    // The OD follows its proposals: it hears when an assignee has answered.
    ...(byAssignee ? await odNotices(env, done.committee_id, actorId(actor), (h) => told(h.userid, `proposal-${id}-answered-od-${h.member_id}`, `提案${id}（${done.delegate_name}）已由${by}答复，已转告提案人。`)) : []),
  ];
  return { ok: true, proposal: done, notices, reply: `已登记提案${id}的答复，已转告提案人${done.delegate_name}。` };
}

// ---- reading ----

/** One proposal as a line of a list. */
export function proposalLine(p: ProposalRow, today: IsoDate, withDelegate: boolean): string {
  const status = proposalStatus(p, today);
  const who = withDelegate ? `${p.delegate_name}，` : '';
  const step =
    p.state === 'filed'
      ? `${cn(p.filed_on)}提交`
      : p.state === 'declined'
        ? `理由：${p.decline_reason ?? ''}`
        : p.state === 'answered'
          ? `承办：${assigneeWords(p) ?? '党委组织部'}`
          : `${assigneeWords(p) ? `承办：${assigneeWords(p)}` : '待交办'}，${cn(p.due_on!)}前答复`;
  return `提案${p.id} ${proposalTitle(p.text, 24)}（${who}${PROPOSAL_STATE_LABEL[status]}，${step}）`;
}

/** One proposal in full, for those who may see it (else the same words as for an id nobody has). */
export async function viewProposal(env: Omit<ProposalEnv, 'now'>, viewer: Viewer, id: string): Promise<string> {
  const p = await new ProposalRepository(env.trx).byId(id);
  if (!p || !maySeeProposal(viewer, factsOf(p))) return `没有找到提案${id}。发送「我的提案」可查看您能看到的提案。`;
  const status = proposalStatus(p, env.today);
  const lines = [
    `提案${p.id}（${PROPOSAL_STATE_LABEL[status]}）`,
    `提案人：${p.delegate_name}（${p.gb_name}${p.branch_name}），${cn(p.filed_on)}提交`,
    p.text,
    ...(p.registered_on ? [`立案：${cn(p.registered_on)}，答复期限${cn(p.due_on!)}`] : []),
    ...(p.state === 'declined' ? [`不予立案，理由：${p.decline_reason ?? ''}`] : []),
    ...(assigneeWords(p) ? [`承办：${assigneeWords(p)}`] : p.state === 'registered' ? ['尚未交办'] : []),
    ...(p.answer ? [`答复：${p.answer}`] : []),
  ];
  return paragraphs(lines.join('\n'));
}
