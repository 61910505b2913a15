// The words of fixed monthly subsidies (定额补助): the OD's confirmation and renewal cards, the month's payment list,
// and what the member is told. Pure. Amounts appear only in messages to the OD and to the member themself (or,
// for a member without a chat account, to their branch secretary, who may see them: access.ts canSeeReliefAmounts).
import { formatYuan, HARDSHIP_CAUSE_LABELS, type HardshipCause } from '../domain/assistance.ts';
import type { IsoDate } from '../domain/dates.ts';
import { chineseFullDate, chineseMonthDay } from '../domain/format.ts';
import { chineseMonth, chineseMonths, chineseTerm, parseYearMonth, type BudgetExcess, type PaymentDue, type Term, type YearMonth } from '../domain/subsidy.ts';
import { buttonCard, cardKey } from '../notices/cards.ts';
import { escapeMarkdown as esc } from '../notices/markdown.ts';
import { splitLines } from '../notices/message-limit.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { taskButtons } from './task-cards.ts';
import { ASSISTANCE_ACTION as A } from './actions.ts';

export const causesText = (causes: readonly HardshipCause[]): string => causes.map((c) => HARDSHIP_CAUSE_LABELS[c]).join('、') || '未注明';

/** 提醒：计入本项后，2027年定额补助承诺支出12,000元，超出年度预算10,000元（超出2,000元）。 */
export function budgetWarning(excess: readonly BudgetExcess[]): string {
  if (excess.length === 0) return '';
  const years = excess.map((e) => `${e.year}年承诺支出${formatYuan(e.committedFen)}，超出年度预算${formatYuan(e.budgetFen)}（超出${formatYuan(e.overFen)}）`);
  return `提醒：计入本项后，定额补助${years.join('；')}。请根据资金承受能力斟酌。`;
}

/** The short form on a card field: 2027年超支2,000元. */
const budgetField = (excess: readonly BudgetExcess[]): string => excess.map((e) => `${e.year}年超支${formatYuan(e.overFen)}`).join('；');

export interface SubsidyFacts extends Term {
  id: string;
  memberName: string;
  branch: string;
  generalBranch: string;
  amountFen: number;
  causes: readonly HardshipCause[];
}

/** The OD's card after "为张伟设定长期生活补助…": confirm the good record (一贯表现良好), or withdraw. */
export function confirmationCard(s: SubsidyFacts, excess: readonly BudgetExcess[]): OutboundMessage {
  return buttonCard({
    taskId: `subsidy-${s.id}`,
    title: `请确认：${s.memberName}定额补助`,
    desc: `${s.generalBranch} ${s.branch}`,
    fields: [
      ['对象', s.memberName],
      ['每月', formatYuan(s.amountFen)],
      ['期限', chineseTerm(s)],
      ['困难类型', causesText(s.causes)],
      ...(excess.length > 0 ? ([['预算', budgetField(excess)]] as Array<[string, string]>) : []),
    ],
    note: `请确认该同志一贯表现良好后点“确认发放”：每月第一个工作日列入发放名单，并告知本人。${excess.length > 0 ? '计入本项后将超出年度预算，请斟酌。' : ''}`,
    buttons: [
      { text: '确认发放', actionKey: cardKey(A.subsidyConfirm, s.id), style: 'primary' },
      { text: '撤回', actionKey: cardKey(A.subsidyWithdraw, s.id), style: 'secondary' },
    ],
  });
}

/** The OD's card on the first working day of the renewal month: 续期 / 到期终止. */
export function renewalCard(s: SubsidyFacts, p: { next: Term; dueOn: IsoDate; excess: readonly BudgetExcess[]; recipientMemberId: string; late: boolean }): OutboundMessage {
  return buttonCard({
    taskId: `subsidy-renewal-${s.id}-${p.recipientMemberId}`,
    title: `定额补助即将到期：${s.memberName}`,
    desc: `${chineseMonth(s.end)}期满 · 请于${chineseMonthDay(p.dueOn)}前确定${p.late ? ' · 延迟送达' : ''}`,
    fields: [
      ['对象', `${s.memberName}（${s.branch}）`],
      ['每月', formatYuan(s.amountFen)],
      ['期限', chineseTerm(s)],
      ['续期后', chineseTerm(p.next)],
      ...(p.excess.length > 0 ? ([['预算', budgetField(p.excess)]] as Array<[string, string]>) : []),
    ],
    note: `续期：按原标准发放下一期，并视为再次确认该同志一贯表现良好；到期终止：期满后停发并告知本人。${p.excess.length > 0 ? '续期后将超出年度预算，请斟酌。' : ''}`,
    buttons: taskButtons('subsidy_renewal', s.id),
  });
}

/** One subsidy on the month's payment list. */
export interface PaymentListItem {
  memberName: string;
  branch: string;
  generalBranch: string;
  amountFen: number;
  due: PaymentDue;
}

/**
 * The month's payment list for the OD (one markdown message, split where it would pass the platform's limit):
 * each member with branch and amount, overdue months marked 逾期N个月, and the totals.
 */
export function paymentListMessages(month: YearMonth, items: readonly PaymentListItem[], opts: { late?: boolean; asked?: boolean } = {}): OutboundMessage[] {
  const { year } = parseYearMonth(month);
  const currentFen = items.reduce((s, i) => s + (i.due.current ? i.amountFen : 0), 0);
  const overdueFen = items.reduce((s, i) => s + i.due.overdue.length * i.amountFen, 0);
  const overdueCount = items.filter((i) => i.due.overdue.length > 0).length;
  const header =
    `**${chineseMonth(month)}定额补助发放名单**\n` +
    `共${items.length}人，合计${formatYuan(currentFen + overdueFen)}` +
    (overdueFen > 0 ? `（本月${formatYuan(currentFen)}，逾期补发${overdueCount}人${formatYuan(overdueFen)}）` : '') +
    '。';
  const lines = items.map((i, n) => {
    const parts = [`${n + 1}. ${esc(i.memberName)}（${esc(i.generalBranch)} ${esc(i.branch)}）每月${formatYuan(i.amountFen)}`];
    if (i.due.overdue.length > 0) {
      parts.push(`**逾期${i.due.overdue.length}个月**（${chineseMonths(i.due.overdue, year)}）`);
      parts.push(`应发${formatYuan(i.due.totalFen)}`);
    }
    return parts.join('，');
  });
  const footer =
    `> 发放后请回复“本月补助已发放”（全部），或逐人回复如“张伟本月补助已发放”；逾期月份发放后回复如“张伟10月补助已发放”。` +
    (opts.late ? '\n> 系统维护期间延迟送达。' : '');
  return splitLines(lines, { header, footer }).map((content) => ({ type: 'markdown' as const, content }));
}

/** What the member is told (their own amount is theirs to see). */
export const MEMBER_TEXT = {
  started: (s: Term & { amountFen: number }) =>
    `党员同志您好：经党委组织部研究确定，自${chineseMonth(s.start)}起至${chineseMonth(s.end)}，每月为您发放生活补助${formatYuan(s.amountFen)}。如有疑问，请联系所在党支部或党委组织部。`,
  renewed: (s: Term & { amountFen: number }) =>
    `党员同志您好：您的生活补助已续期，自${chineseMonth(s.start)}起至${chineseMonth(s.end)}，每月${formatYuan(s.amountFen)}。如有疑问，请联系所在党支部或党委组织部。`,
  ended: (s: Term) => `党员同志您好：您的生活补助已于${chineseMonth(s.end)}期满，此后不再发放。如生活仍有困难，请联系所在党支部。`,
};

/** The same for the branch secretary of a member without a chat account: whom it is about, and to pass it on. */
export const forSecretary = (memberName: string, text: string): string => `${memberName}同志没有企业微信/钉钉，以下消息请转告本人：\n${text.replace(/^党员同志您好：/u, '')}`;

/** 2026年12月1日 */
export const paidOn = (date: IsoDate): string => chineseFullDate(date);
