// The words of emergency aid (突发困难补助) as a Party office writes them: the cards that ask for each step (the
// member's consent, the GB's opinion, the OD's decision, the payment) and the lines that tell people what
// happened. Every card shows the payment clock — the last day of payment and how many of its working days are
// left — and warns when it is at risk. Pure.
import { EMERGENCY_AID_CAUSE_LABELS, EMERGENCY_AID_STATE_LABELS, formatYuan } from '../domain/assistance.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { PaymentClock } from '../domain/emergency-aid.ts';
import { chineseDate } from '../domain/format.ts';
import type { EmergencyAid } from '../db/emergency-aid-repository.ts';
import { buttonCard } from '../notices/cards.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { taskButtons } from './task-cards.ts';

type Aid = Pick<
  EmergencyAid,
  'id' | 'member_name' | 'branch' | 'general_branch' | 'cause' | 'note' | 'requested_fen' | 'source' | 'applied_by_name' | 'consent_attested' | 'gb_agrees' | 'gb_note' | 'gb_by_name' | 'approved_fen' | 'od_note' | 'od_by_name' | 'status'
>;

/** "12月9日前（共10个工作日，尚余8个）": the value of a card's 发放期限 field (at most 26 characters). */
export function clockField(c: PaymentClock, today: IsoDate): string {
  const day = chineseDate(c.payBy, today);
  if (c.state === 'overdue') return c.left < 0 ? `${day}，已超期${-c.left}个工作日` : `${day}，已超期`;
  return `${day}前（共${c.total}个工作日，尚余${c.left}个）`;
}

/** The warning a card or a reply carries when the payment is at risk or late; '' when on track. */
export function clockWarning(c: PaymentClock, today: IsoDate): string {
  const day = chineseDate(c.payBy, today);
  if (c.state === 'overdue') return `已超过发放期限（${day}）${c.left < 0 ? `${-c.left}个工作日` : ''}，请尽快办理。`;
  if (c.state === 'at_risk') return c.left <= 0 ? `今天为发放期限（${day}），请抓紧办理。` : `距发放期限（${day}）仅剩${c.left}个工作日，请抓紧办理。`;
  return '';
}

export const causeLabel = (a: Pick<Aid, 'cause'>) => EMERGENCY_AID_CAUSE_LABELS[a.cause];
const situation = (a: Pick<Aid, 'cause' | 'note'>) => (a.note ? `${causeLabel(a)}：${a.note}` : causeLabel(a));
const yuan = formatYuan;

/** Who applied: 本人申请 / 周支书代为申请（本人已同意）. */
export function applicantLine(a: Pick<Aid, 'source' | 'applied_by_name' | 'consent_attested'>): string {
  if (a.source === 'self') return '本人申请';
  return `${a.applied_by_name ?? '党支部'}代为申请${a.consent_attested ? '（本人已同意）' : ''}`;
}

/** The GB's opinion as the OD reads it: 同意 / 同意：情况属实 / 不同意：…. */
export function opinionLine(a: Pick<Aid, 'gb_agrees' | 'gb_note'>): string {
  if (a.gb_agrees === null) return '尚未提出';
  return `${a.gb_agrees ? '同意' : '不同意'}${a.gb_note ? `：${a.gb_note}` : ''}`;
}

interface CardBase {
  aid: Aid;
  /** Unique per aid, step and recipient. */
  taskId: string;
  dueOn: IsoDate;
  today: IsoDate;
  clock: PaymentClock;
  /** Said when the office asked is vacant and the recipient stands in. */
  standIn?: string;
}

const joinNote = (...parts: string[]) => parts.filter((p) => p !== '').join('');

/** To the member: a secretary applied for them; 同意 sends it to the GB, 不同意 withdraws it. */
export function consentCard(p: CardBase): OutboundMessage {
  const a = p.aid;
  return buttonCard({
    taskId: p.taskId,
    title: '请确认：代为申请突发困难补助',
    desc: `${a.applied_by_name ?? '党支部'}代您申请，请于${chineseDate(p.dueOn, p.today)}前确认`,
    fields: [
      ['申请人', `${a.applied_by_name ?? ''}（${a.branch}）`],
      ['事由', situation(a)],
      ['申请金额', yuan(a.requested_fen)],
      ['发放期限', clockField(p.clock, p.today)],
    ],
    note: '党员同志：您同意后，本申请将报党总支提出意见、党委组织部审批；如不同意，本次申请即撤回。',
    buttons: taskButtons('aid_consent', a.id),
  });
}

/** To the GB secretary: give an opinion. */
export function opinionCard(p: CardBase): OutboundMessage {
  const a = p.aid;
  return buttonCard({
    taskId: p.taskId,
    title: `突发困难补助申请：${a.member_name}`,
    desc: `请于${chineseDate(p.dueOn, p.today)}前提出意见`,
    fields: [
      ['对象', `${a.member_name}（${a.branch}）`],
      ['事由', situation(a)],
      ['申请金额', yuan(a.requested_fen)],
      ['申请人', applicantLine(a)],
      ['发放期限', clockField(p.clock, p.today)],
    ],
    note: joinNote(clockWarning(p.clock, p.today), p.standIn ?? '', '同意的，可再回复一句意见；不同意的，请点“不同意”后回复理由。意见报党委组织部审批。'),
    buttons: taskButtons('aid_opinion', a.id),
  });
}

/** To the OD: decide the amount. */
export function decisionCard(p: CardBase): OutboundMessage {
  const a = p.aid;
  return buttonCard({
    taskId: p.taskId,
    title: `突发困难补助待审批：${a.member_name}`,
    desc: `${a.general_branch} · 请于${chineseDate(p.dueOn, p.today)}前审批`,
    fields: [
      ['对象', `${a.member_name}（${a.branch}）`],
      ['事由', situation(a)],
      ['申请金额', yuan(a.requested_fen)],
      ['党总支意见', opinionLine(a)],
      ['发放期限', clockField(p.clock, p.today)],
    ],
    note: joinNote(clockWarning(p.clock, p.today), p.standIn ?? '', '按其他金额批准的，请回复“批准1500元”；不批准的，请点“不批准”后回复理由。'),
    buttons: taskButtons('aid_decision', a.id),
  });
}

/** To the OD: pay it, then record it. */
export function paymentCard(p: CardBase): OutboundMessage {
  const a = p.aid;
  return buttonCard({
    taskId: p.taskId,
    title: `突发困难补助待发放：${a.member_name}`,
    desc: `${a.general_branch} · 请于${chineseDate(p.dueOn, p.today)}前发放`,
    fields: [
      ['对象', `${a.member_name}（${a.branch}）`],
      ['批准金额', yuan(a.approved_fen ?? 0)],
      ['批准人', a.od_by_name ?? ''],
      ['发放期限', clockField(p.clock, p.today)],
    ],
    note: joinNote(clockWarning(p.clock, p.today), p.standIn ?? '', `发放后请点“已发放”，或回复“${a.member_name}突发困难补助已发放”登记。`),
    buttons: taskButtons('aid_payment', a.id),
  });
}

/** The aid's state in one line, for whoever may see it: 王芳同志的突发困难补助（子女上学，申请2,000元）：待党委组织部审批. */
export function aidSummary(a: Aid): string {
  const amount = a.approved_fen !== null ? `批准${yuan(a.approved_fen)}` : `申请${yuan(a.requested_fen)}`;
  return `${a.member_name}同志的突发困难补助（${causeLabel(a)}，${amount}）：${EMERGENCY_AID_STATE_LABELS[a.status]}`;
}

export const AID_TEXT = {
  /** Not found, not theirs to act on: one answer, so a forged key learns nothing. */
  notYours: '没有找到由您办理的突发困难补助事项。',
  askAmount: '请问申请金额是多少？请直接回复金额，例如“2000元”。',
  askGbReason: (name: string) => `请回复不同意${name}同志突发困难补助申请的理由（一句话），将随意见一并报党委组织部。`,
  askOdReason: (name: string) => `请回复不批准${name}同志突发困难补助申请的理由（一句话），将告知本人。`,
  onlyOd: '突发困难补助由党委组织部审批并登记发放，此项不由您办理。',
  forWhom: '未找到您可以代为申请的党员。代为申请突发困难补助由其所在党支部书记提出，请核对姓名。',
} as const;
