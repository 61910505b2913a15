// Members' suggestions (意见建议, MECHANISM 3.1, issue 14 section 2): filing one to a leader the roster resolves,
// the addressee's card, the one reply that reaches the member, and the views (我的建议, 待回复的建议, 建议12). The
// chat (suggestion-conversation.ts) and the admin API (admin/suggestion-routes.ts) both act through here, so they
// answer alike; who sees and answers what is the access rule's (domain/access.ts maySeeSuggestion and friends).
//
// Addressing: the branch secretary by default; the GB secretary, a committee member linked (挂联) to the writer's
// GB, the committee secretary or the OD when named. A vacant office passes one level up (branch → GB → OD) and
// the writer is told so; nobody is addressed their own suggestion (a branch secretary's 意见建议 goes to the GB
// secretary). The committee secretary's office has no level above it here but the OD.
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { SuggestionRepository, type SuggestionRow } from '../db/suggestion-repository.ts';
import { mayAnswerSuggestion, maySeeSuggestion, seesSuggestionWriter, viewerOf, type SuggestionFacts } from '../domain/access.ts';
import type { WorkingDayCalendar } from '../domain/calendar.ts';
import { addDays } from '../domain/dates.ts';
import { chineseMonthDay as cn, clipText as clip } from '../domain/format.ts';
import { OFFICE_TITLES, officeAbove, officeWords, type Office } from '../domain/offices.ts';
import {
  officeOfAddressee,
  suggestionEscalations,
  suggestionNumber,
  suggestionState,
  SUGGESTION_ADDRESSEE_LABEL,
  SUGGESTION_STATE_LABEL,
  type SuggestionAddressee,
  type SuggestionDates,
} from '../domain/voice.ts';
import { buttonCard, cardKey } from '../notices/cards.ts';
import { MESSAGE_MAX_BYTES } from '../notices/message-limit.ts';
import { OfficeDirectory, type Recipient } from '../notices/offices.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { accessPersonOf, type RosterIdentity } from '../roster/responsibility.ts';

/** The card button's action (cards.ts keys: `<action>-<id>`). */
export const SUGGESTION_ACTION = { reply: 'sgreply' } as const;
/** conversation_memory topic: the addressee tapped 回复, so their next message is the reply. */
export const SUGGESTION_REPLY_TOPIC = 'suggestion_reply';
/** How long after tapping 回复 the next message is still taken as the reply. */
export const REPLY_WINDOW_HOURS = 24;

/**
 * A suggestion or a reply is at most this many bytes of UTF-8 (about 600 Chinese characters): with its heading it
 * fits one WeCom message (2,048 bytes), so the addressee's full text, the reminders' and the writer's reply arrive
 * whole by every path — the chat, the admin API and the sweep, which do not all split messages.
 */
export const SUGGESTION_MAX_BYTES = 1_800;
export const tooLongForSuggestion = (text: string): boolean => Buffer.byteLength(text, 'utf8') > SUGGESTION_MAX_BYTES;
const tooLongWords = (text: string) => `（现约${Math.ceil(Buffer.byteLength(text, 'utf8') / 3)}字，上限约${SUGGESTION_MAX_BYTES / 3}字）`;

/** What anonymous writers are called to everyone but themselves and the OD. */
export const ANONYMOUS_WRITER = '一名党员';

export interface SuggestionEnv {
  trx: Transaction<Database>;
  now: Date;
  today: string;
  calendar: WorkingDayCalendar;
}

/** A message a step sends to someone other than the actor: to whom, once (its key), what. */
export interface SuggestionMessage {
  recipient: string;
  onceKey: string;
  message: OutboundMessage;
}

export interface SuggestionOutcome {
  /** The answer to whoever acted. */
  text: string;
  messages: SuggestionMessage[];
  /** The suggestion acted on, when one was. */
  id?: string;
}

const say = (text: string): SuggestionOutcome => ({ text, messages: [] });

// ---- addressing ----

interface Addressed {
  office: SuggestionAddressee;
  organisationId: string;
  memberId: string | null;
  recipients: readonly Recipient[];
  /** The addressee as the writer is told: 计算机学院党总支书记孙总支, 党委组织部（赵组织）. */
  words: string;
  /** Why it did not go where asked (vacant offices, the writer's own office), nearest first. */
  passed: string[];
}

const ADDRESSEE_OF_ROLE = { branch_secretary: 'branch_secretary', gb_secretary: 'gb_secretary', od_staff: 'od' } as const;

function officeAddressee(offices: OfficeDirectory, a: Office, recipients: readonly Recipient[]): Pick<Addressed, 'office' | 'organisationId' | 'words' | 'recipients'> {
  const names = recipients.map((r) => r.name).join('、');
  const words = a.role === 'od_staff' ? `党委组织部（${names}）` : `${officeWords(offices.nameOf(a.organisationId), a.role)}${names}`;
  return { office: ADDRESSEE_OF_ROLE[a.role], organisationId: a.organisationId, words, recipients };
}

/**
 * Whoever answers for the office, the writer left out: a vacant office passes up (the office rule), and so does
 * one whose only holder is the writer. Undefined when nobody is left up to the OD.
 */
function throughOffices(offices: OfficeDirectory, start: Office, writer: RosterIdentity, passed: string[]): Addressed | undefined {
  let at: Office | undefined = start;
  while (at) {
    const a = offices.answering(at.role, at.organisationId);
    passed.push(...a.vacant.map((o) => `${offices.nameOf(o.organisationId)}暂无${OFFICE_TITLES[o.role]}`));
    const others = a.holders.filter((h) => h.member_id !== writer.memberId);
    if (others.length > 0) return { ...officeAddressee(offices, a.office, others), memberId: null, passed };
    if (a.holders.length === 0) return undefined;
    passed.push(`您本人即${a.office.role === 'od_staff' ? '党委组织部工作人员' : officeWords(offices.nameOf(a.office.organisationId), a.office.role)}`);
    at = officeAbove(a.office, (id) => offices.parentOf(id));
  }
  return undefined;
}

/** The addressee a form names, as the roster resolves it today; a string is the refusal to say. */
async function addressee(env: SuggestionEnv, writer: RosterIdentity, form: SuggestionAddressee, named: string | undefined): Promise<Addressed | string> {
  const offices = await OfficeDirectory.load(env.trx);
  const passed: string[] = [];
  const nobody = '暂时没有可以接收的负责同志，未能提交。请稍后再试或直接联系党委组织部。';
  switch (form) {
    case 'branch_secretary':
      return throughOffices(offices, { role: 'branch_secretary', organisationId: writer.branch.id }, writer, passed) ?? nobody;
    case 'gb_secretary':
      return throughOffices(offices, { role: 'gb_secretary', organisationId: writer.generalBranch.id }, writer, passed) ?? nobody;
    case 'od':
      return throughOffices(offices, { role: 'od_staff', organisationId: writer.committeeId }, writer, passed) ?? nobody;
    case 'committee_secretary': {
      const holders = offices.holdersOf('committee_secretary', writer.committeeId).filter((h) => h.member_id !== writer.memberId);
      if (holders.length > 0) return { office: 'committee_secretary', organisationId: writer.committeeId, memberId: null, recipients: holders, words: `党委书记${holders.map((h) => h.name).join('、')}`, passed };
      passed.push(offices.holdersOf('committee_secretary', writer.committeeId).length > 0 ? '您本人即党委书记' : '党委书记暂缺');
      return throughOffices(offices, { role: 'od_staff', organisationId: writer.committeeId }, writer, passed) ?? nobody;
    }
    case 'linked_committee_member': {
      const linked = (await new SuggestionRepository(env.trx).linkedCommitteeMembers(writer.generalBranch.id)).filter((m) => m.member_id !== writer.memberId);
      if (linked.length === 0) return `${writer.generalBranch.name}目前没有挂联党委委员，未能提交。您可改为“向党委书记反映：……”或“向组织部反映：……”。`;
      const picked = named ? linked.filter((m) => m.name === named) : linked;
      if (picked.length === 0) return `${named}不是${writer.generalBranch.name}的挂联党委委员，未能提交。挂联党委委员：${linked.map((m) => m.name).join('、')}。`;
      if (picked.length > 1) {
        return `${writer.generalBranch.name}有${picked.length}位挂联党委委员：${picked.map((m) => m.name).join('、')}，请写明向哪一位反映，例如“向挂联党委委员${picked[0]!.name}反映：……”。`;
      }
      const m = picked[0]!;
      return { office: 'linked_committee_member', organisationId: writer.committeeId, memberId: m.member_id, recipients: [{ member_id: m.member_id, userid: m.userid, name: m.name }], words: `挂联党委委员${m.name}`, passed };
    }
  }
}

// ---- facts for the access rule ----

/** The row's offices and dates as the domain (domain/voice.ts) reasons about them. */
export const suggestionDatesOf = (row: SuggestionRow): SuggestionDates => ({
  addresseeOffice: row.addressee_office,
  generalBranchId: row.general_branch_id,
  committeeId: row.committee_id,
  filedOn: row.filed_on,
  dueOn: row.due_on,
  repliedOn: row.replied_on,
});

/** The access rule's facts of a suggestion today: its addressee, whoever stands in for a vacant office, its escalations. */
export function factsOf(row: SuggestionRow, offices: OfficeDirectory, today: string, calendar: WorkingDayCalendar): SuggestionFacts {
  const office = officeOfAddressee(row.addressee_office, row.addressee_organisation_id);
  const also: Array<{ role: string; organisationId: string }> = [];
  if (office && office.role !== 'committee_secretary') {
    const a = offices.answering(office.role, office.organisationId);
    if (a.vacant.length > 0 && a.holders.length > 0) also.push(a.office);
  }
  // An addressed person who has left the roster (died, transferred out) cannot answer: the OD answers for them, as
  // for a vacant office, rather than the suggestion waiting for its escalation.
  if (!office && row.addressee_active === false) also.push({ role: 'od_staff', organisationId: row.committee_id });
  also.push(...suggestionEscalations(suggestionDatesOf(row), today, calendar).map((e) => e.office));
  return {
    writerMemberId: row.writer_member_id,
    committeeId: row.committee_id,
    anonymous: row.anonymous,
    addressee: office ? { kind: 'office', role: office.role, organisationId: office.organisationId } : { kind: 'person', memberId: row.addressee_member_id ?? '' },
    alsoAnswering: also,
  };
}

// ---- texts ----

/** The writer as this viewer may see them: the name (and branch), or 一名党员. */
export function writerLabel(row: SuggestionRow, shown: boolean): string {
  return shown ? `${row.writer_name}（${row.branch_name}）` : ANONYMOUS_WRITER;
}

/** The addressed office or person as a list names it. */
export function addresseeLabel(row: SuggestionRow): string {
  if (row.addressee_office === 'linked_committee_member') return `挂联党委委员${row.addressee_name ?? ''}`;
  if (row.addressee_office === 'committee_secretary') return '党委书记';
  if (row.addressee_office === 'od') return '党委组织部';
  return officeWords(row.addressee_organisation_name, row.addressee_office);
}

/** The addressee's card: the text, the writer (or 一名党员), the due date, and 回复. */
export function suggestionCard(p: { id: string; taskId: string; title: string; writer: string; dueOn: string; text: string; standIn?: string }): OutboundMessage {
  return buttonCard({
    taskId: p.taskId,
    title: p.title,
    desc: `请于${cn(p.dueOn)}前答复`,
    fields: [
      ['编号', suggestionNumber(p.id)],
      ['来自', p.writer],
      ['期限', cn(p.dueOn)],
    ],
    note: `${p.standIn ?? ''}${clip(p.text, 70)}（点“回复”后直接发送答复，或发送“回复${suggestionNumber(p.id)}：……”）`,
    buttons: [{ text: '回复', actionKey: cardKey(SUGGESTION_ACTION.reply, p.id) }],
  });
}

/** The full text, sent before the card when the card's note cannot hold it. */
export function fullTextMessage(id: string, writer: string, text: string): OutboundMessage {
  return { type: 'text', content: `${suggestionNumber(id)}（来自${writer}）全文：\n${text}` };
}

/** The card (and, for a long text, the full text before it) for each recipient. */
export function addresseeMessages(row: { id: string; text: string; dueOn: string; writer: string }, recipients: readonly Recipient[], keyPrefix: string, title: string, standIn = ''): SuggestionMessage[] {
  return recipients.flatMap((r) => [
    ...(row.text.length > 70 ? [{ recipient: r.userid, onceKey: `${keyPrefix}-text-${r.member_id}`, message: fullTextMessage(row.id, row.writer, row.text) }] : []),
    { recipient: r.userid, onceKey: `${keyPrefix}-card-${r.member_id}`, message: suggestionCard({ id: row.id, taskId: `${keyPrefix}-${r.member_id}`, title, writer: row.writer, dueOn: row.dueOn, text: row.text, standIn }) },
  ]);
}

// ---- filing ----

/** Files a suggestion: the writer is told who receives it and its number; the addressee gets the card. */
export async function fileSuggestion(env: SuggestionEnv, writer: RosterIdentity, cmd: { addressee: SuggestionAddressee; anonymous: boolean; text: string; named?: string | undefined }): Promise<SuggestionOutcome> {
  const form = `${cmd.anonymous ? '匿名' : ''}${cmd.addressee === 'branch_secretary' ? '意见建议' : `向${SUGGESTION_ADDRESSEE_LABEL[cmd.addressee]}反映`}`;
  if (!cmd.text) return say(`未提交：内容为空。请在冒号后写明您的意见建议，例如“${form}：希望支部活动安排在周末”。`);
  if (tooLongForSuggestion(cmd.text)) return say(`未提交：内容过长${tooLongWords(cmd.text)}。请精简后再发送，详细材料可另行转交。`);
  if (!writer.userid) return say('未提交：您尚未开通账号，无法接收答复。');
  const to = await addressee(env, writer, cmd.addressee, cmd.named);
  if (typeof to === 'string') return say(to);
  const { suggestion_reply_days: days } = await new SettingsRepository(env.trx).read(['suggestion_reply_days']);
  const dueOn = addDays(env.today, days);
  const id = await new SuggestionRepository(env.trx).insert({
    writerMemberId: writer.memberId,
    branchId: writer.branch.id,
    generalBranchId: writer.generalBranch.id,
    committeeId: writer.committeeId,
    anonymous: cmd.anonymous,
    addresseeOffice: to.office,
    addresseeOrganisationId: to.organisationId,
    addresseeMemberId: to.memberId,
    text: cmd.text,
    filedAt: env.now,
    filedOn: env.today,
    dueOn,
  });
  const n = suggestionNumber(id);
  const shownWriter = cmd.anonymous ? ANONYMOUS_WRITER : `${writer.name}（${writer.branch.name}）`;
  const lines = [
    `已收到您的意见建议（${n}），将送${to.words}同志，请其于${cn(dueOn)}前答复，答复将直接发给您。`,
    ...(to.passed.length > 0 ? [`${to.passed.join('；')}，按规定转上一级。`] : []),
    ...(cmd.anonymous ? ['您选择了匿名：对方只看到“一名党员”，不显示您的姓名；党委组织部可以看到。'] : []),
    `可发送“我的建议”查看办理情况。`,
  ];
  return { id, text: lines.join('\n'), messages: addresseeMessages({ id, text: cmd.text, dueOn, writer: shownWriter }, to.recipients, `sg-${id}`, `党员意见建议（${n}）`) };
}

// ---- replying ----

/** Loads a suggestion and the facts the access rule needs today (one directory for the call). */
async function loaded(env: SuggestionEnv, id: string, lock: boolean): Promise<{ row: SuggestionRow; facts: SuggestionFacts } | undefined> {
  const row = await new SuggestionRepository(env.trx).byId(id, lock);
  if (!row) return undefined;
  return { row, facts: factsOf(row, await OfficeDirectory.load(env.trx), env.today, env.calendar) };
}

/** The same words for a number that does not exist and one the asker may not answer. */
export const notAwaitingYou = (id: string) => `没有找到待您回复的${suggestionNumber(id)}。可发送“待回复的建议”查看。`;
/** The same words for a number that does not exist and one the asker may not see. */
export const notFound = (id: string) => `没有找到${suggestionNumber(id)}。可发送“我的建议”查看您提出的意见建议。`;

/** Whether this person may answer the suggestion now (the card's 回复, the admin route's actor check). */
export async function mayAnswer(env: SuggestionEnv, actor: RosterIdentity, id: string): Promise<'yes' | 'no' | 'replied'> {
  const found = await loaded(env, id, false);
  if (!found || !mayAnswerSuggestion(viewerOf(accessPersonOf(actor)), found.facts)) return 'no';
  return found.row.state === 'replied' ? 'replied' : 'yes';
}

/** The reply as the writer gets it, with as much of their own text as one message holds (never cut by the platform). */
function replyToWriter(n: string, reply: string, by: string, original: string): string {
  const answer = `您的意见建议（${n}）已收到答复：\n${reply}\n—— ${by}`;
  for (const chars of [200, 30]) {
    const whole = `${answer}\n\n您的原建议：${clip(original, chars)}`;
    if (Buffer.byteLength(whole, 'utf8') <= MESSAGE_MAX_BYTES) return whole;
  }
  return answer;
}

/** Records the reply once and sends it to the writer; the suggestion is closed. */
export async function replyToSuggestion(env: SuggestionEnv, actor: RosterIdentity, id: string, reply: string): Promise<SuggestionOutcome> {
  const found = await loaded(env, id, true);
  const viewer = viewerOf(accessPersonOf(actor));
  if (!found || !mayAnswerSuggestion(viewer, found.facts)) return say(notAwaitingYou(id));
  const { row } = found;
  const n = suggestionNumber(id);
  if (row.state === 'replied') return { id, text: `${n}已于${cn(row.replied_on!)}答复，无需再回复。`, messages: [] };
  if (!reply) return { id, text: `未回复：答复内容为空。请发送“回复${n}：……”。`, messages: [] };
  if (tooLongForSuggestion(reply)) return { id, text: `未回复：答复过长${tooLongWords(reply)}。请精简后再发送“回复${n}：……”。`, messages: [] };
  if (!(await new SuggestionRepository(env.trx).reply(id, reply, actor.memberId, env.now, env.today))) return { id, text: `${n}已答复，无需再回复。`, messages: [] };
  const writer = seesSuggestionWriter(viewer, found.facts) ? `${row.writer_name}同志` : '这名党员';
  const messages: SuggestionMessage[] = row.writer_userid
    ? [
        {
          recipient: row.writer_userid,
          onceKey: `sg-${id}-reply`,
          message: { type: 'text', content: replyToWriter(n, reply, actor.name, row.text) },
        },
      ]
    : [];
  return { id, text: `已回复${n}，答复已转达${writer}，该建议已办结。`, messages };
}

// ---- views ----

function stateWords(row: SuggestionRow, today: string): string {
  const state = suggestionState(row.state, row.due_on, today);
  if (state === 'replied') return `${SUGGESTION_STATE_LABEL.replied}（${cn(row.replied_on!)}）`;
  return `${SUGGESTION_STATE_LABEL[state]}（${cn(row.due_on)}前答复）`;
}

/** 我的建议: the member's suggestions with their state and the reply. */
export async function mySuggestions(env: SuggestionEnv, me: RosterIdentity): Promise<string> {
  const rows = await new SuggestionRepository(env.trx).byWriter(me.memberId, 20);
  if (rows.length === 0) return '您还没有提出过意见建议。发送“意见建议：……”即可向支部书记提出。';
  const lines = [`您的意见建议（最近${rows.length}条）：`];
  for (const r of rows) {
    lines.push(`${suggestionNumber(r.id)} · ${cn(r.filed_on)} · 送${addresseeLabel(r)}${r.anonymous ? ' · 匿名' : ''} · ${stateWords(r, env.today)}`);
    lines.push(`  内容：${clip(r.text, 60)}`);
    if (r.reply !== null) lines.push(`  答复：${r.reply}`);
  }
  return lines.join('\n');
}

/** 待回复的建议: those awaiting the asker's reply, as addressee, stand-in or escalation target. */
export async function awaitingMyReply(env: SuggestionEnv, me: RosterIdentity): Promise<string> {
  const offices = await OfficeDirectory.load(env.trx);
  const viewer = viewerOf(accessPersonOf(me));
  const rows = (await new SuggestionRepository(env.trx).awaiting(me.committeeId)).filter((r) => mayAnswerSuggestion(viewer, factsOf(r, offices, env.today, env.calendar)));
  if (rows.length === 0) return '目前没有待您回复的意见建议。';
  const lines = [`待您回复的意见建议（${rows.length}条）：`];
  for (const r of rows) {
    const facts = factsOf(r, offices, env.today, env.calendar);
    lines.push(`${suggestionNumber(r.id)} · 来自${writerLabel(r, seesSuggestionWriter(viewer, facts))} · 送${addresseeLabel(r)} · ${stateWords(r, env.today)}`);
    lines.push(`  内容：${clip(r.text, 60)}`);
  }
  lines.push(`回复请发送“回复${suggestionNumber(rows[0]!.id)}：……”。`);
  return lines.join('\n');
}

/** 建议12: one suggestion, if the asker may see it (else the same words as for none). */
export async function showSuggestion(env: SuggestionEnv, me: RosterIdentity, id: string): Promise<string> {
  const found = await loaded(env, id, false);
  const viewer = viewerOf(accessPersonOf(me));
  if (!found || !maySeeSuggestion(viewer, found.facts)) return notFound(id);
  return suggestionText(found.row, seesSuggestionWriter(viewer, found.facts), env.today, mayAnswerSuggestion(viewer, found.facts));
}

export function suggestionText(r: SuggestionRow, writerShown: boolean, today: string, mayReply: boolean): string {
  return [
    `${suggestionNumber(r.id)}（${cn(r.filed_on)}）`,
    `提出人：${writerLabel(r, writerShown)}${r.anonymous && writerShown ? '（匿名）' : ''}`,
    `送：${addresseeLabel(r)}`,
    `状态：${stateWords(r, today)}`,
    `内容：${r.text}`,
    ...(r.reply !== null ? [`答复：${r.reply}${r.replied_by_name ? `（${r.replied_by_name}）` : ''}`] : []),
    ...(mayReply && r.state === 'awaiting_reply' ? [`回复请发送“回复${suggestionNumber(r.id)}：……”。`] : []),
  ].join('\n');
}

