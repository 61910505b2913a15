// The Chinese words of pairing (结对帮扶, MECHANISM 1.2): what helpers, the member and the OD are told. A helper
// learns the member's name, branch and causes — never an amount (MECHANISM "Rules for every reminder"); nothing
// here takes one. Names and branches come from the roster and are escaped where the message is markdown.
import { HARDSHIP_CAUSE_LABELS, PAIRING_MODE_LABELS, type HardshipCause, type PairingMode } from '../domain/assistance.ts';
import { chineseDate, chineseMonthDay } from '../domain/format.ts';
import type { IsoDate } from '../domain/dates.ts';
import { fitList, linesAsMessages } from '../notices/message-limit.ts';
import { escapeMarkdown as esc } from '../notices/markdown.ts';
import type { OutboundMessage } from '../platforms/types.ts';

export const causeLabels = (causes: readonly HardshipCause[]): string => (causes.length > 0 ? causes.map((c) => HARDSHIP_CAUSE_LABELS[c] ?? c).join('、') : '未注明');

const belated = (late: boolean) => (late ? '\n> 系统维护期间延迟送达，敬请谅解。' : '');

/** How a helper is named: 李明同志, or the organisation (数学学院党总支教工党支部). */
export const helperWords = (h: { memberName: string | null; organisationName: string | null }): string => (h.memberName !== null ? `${h.memberName}同志` : (h.organisationName ?? ''));

export const PAIRING_TEXT = {
  /** To a helper (or each secretary of a helping organisation): whom they help, and what they may know. */
  helperTold(p: { to: string; forOrganisation: string | null; member: string; place: string; causes: readonly HardshipCause[]; mode: PairingMode; arrangedBy: string }): OutboundMessage {
    const who = p.forOrganisation ? `${p.to}同志：经${p.arrangedBy}安排，${p.forOrganisation}与` : `${p.to}同志：经${p.arrangedBy}安排，您与`;
    return {
      type: 'text',
      content:
        `【结对帮扶】${who}生活困难党员${p.member}同志（${p.place}）结成帮扶对子（${PAIRING_MODE_LABELS[p.mode]}）。\n` +
        `困难类型：${causeLabels(p.causes)}。\n` +
        `${p.forOrganisation ? '请您代表党组织' : '请您'}经常联系、谈心走访，了解困难，帮助解决实际问题。每次谈心走访后发送一句话登记，例如“今天去看望了${p.member}，了解治疗情况”，即计入结对联系；发送“我的结对对象”可随时查看。` +
        '\n以上信息仅用于开展帮扶工作，请注意保护党员隐私。',
    };
  },

  /** To the member helped, when they have a chat account: who helps them. */
  memberTold(p: { member: string; helpers: readonly string[]; arrangedBy: string }): OutboundMessage {
    return { type: 'text', content: `【结对帮扶】${p.member}同志：经${p.arrangedBy}安排，${p.helpers.join('、')}与您结对帮扶，将经常与您联系。生活中遇到困难，可随时向帮扶人或所在党支部反映。` };
  },

  /** To a helper whose pairing the OD or the GB ended. */
  helperEnded(p: { to: string; forOrganisation: string | null; member: string; endedBy: string }): OutboundMessage {
    return { type: 'text', content: `【结对帮扶】${p.to}同志：经${p.endedBy}决定，${p.forOrganisation ?? '您'}与${p.member}同志的结对帮扶已结束。感谢您的关心和帮助！` };
  },

  memberEnded(p: { member: string; helper: string }): OutboundMessage {
    return { type: 'text', content: `【结对帮扶】${p.member}同志：${p.helper}与您的结对帮扶已结束。如仍有困难，可随时向所在党支部反映。` };
  },

  /** The nudge after `days` days without contact (the sweep: once per interval, on working days). */
  nudge(p: { to: string; forOrganisation: string | null; member: string; place: string; since: IsoDate; lastContact: IsoDate | null; days: number; today: IsoDate; late: boolean }): OutboundMessage {
    const last = p.lastContact ? `上次联系为${chineseDate(p.lastContact, p.today)}` : `自${chineseDate(p.since, p.today)}结对以来尚未登记联系`;
    return {
      type: 'markdown',
      content:
        `**结对帮扶联系提醒**\n${esc(p.to)}同志：${p.forOrganisation ? `${esc(p.forOrganisation)}` : '您'}结对帮扶的${esc(p.member)}同志（${esc(p.place)}）已${p.days}天没有联系（${last}）。` +
        `请近期谈心走访，了解困难，帮助解决；联系后发送一句话登记，例如“今天去看望了${esc(p.member)}”，即计入结对联系。${belated(p.late)}`,
    };
  },
};

/** One pair as a helper sees it in 我的结对对象. */
export interface PairLine {
  member: string;
  place: string;
  /** null when the access rule does not let the viewer see them (never for a paired helper). */
  causes: readonly HardshipCause[] | null;
  startedOn: IsoDate;
  lastContactOn: IsoDate | null;
  forOrganisation: string | null;
  overdue: boolean;
}

export function myPairsAnswer(p: { pairs: readonly PairLine[]; today: IsoDate; nudgeDays: number }): OutboundMessage[] {
  if (p.pairs.length === 0) return [{ type: 'text', content: '您目前没有结对帮扶对象。结对帮扶由党委组织部或帮扶对象所在党总支安排。' }];
  const lines = p.pairs.map(
    (x) =>
      `- ${esc(x.member)}（${esc(x.place)}）${x.causes ? `，${causeLabels(x.causes)}` : ''}${x.forOrganisation ? `，代表${esc(x.forOrganisation)}` : ''}；` +
      `${chineseDate(x.startedOn, p.today)}起结对；${x.lastContactOn ? `最近联系：${chineseDate(x.lastContactOn, p.today)}` : '尚未联系'}${x.overdue ? `；**已超过${p.nudgeDays}天未联系**` : ''}`,
  );
  return linesAsMessages('markdown', lines, {
    header: `**我的结对对象（${p.pairs.length}人）**`,
    footer: `谈心走访后发送一句话登记，例如“今天去看望了${esc(p.pairs[0]!.member)}”，即计入结对联系。`,
  });
}

/** The OD's list (monthly on the first working day, and on 结对情况). */
export interface OverviewLists {
  unpaired: ReadonlyArray<{ name: string; cadre_level: string | null; general_branch: string; branch: string }>;
  exempt: ReadonlyArray<{ name: string; cadre_level: string | null; general_branch: string; exemption: string | null }>;
  unhelped: ReadonlyArray<{ name: string; general_branch: string; branch: string; causes: readonly HardshipCause[] }>;
}

function overviewLines(l: OverviewLists): { header: string; lines: string[] } {
  const lines: string[] = [];
  lines.push(`**一、未结对帮扶的副科级及以上党员领导干部（${l.unpaired.length}人）**`);
  if (l.unpaired.length === 0) lines.push('无');
  for (const c of l.unpaired) lines.push(`- ${esc(c.name)}（${esc(c.general_branch)}，${esc(c.cadre_level ?? '')}）`);
  lines.push(`**二、尚无帮扶人的生活困难党员（${l.unhelped.length}人）**`);
  if (l.unhelped.length === 0) lines.push('无');
  for (const m of l.unhelped) lines.push(`- ${esc(m.name)}（${esc(m.general_branch)}${esc(m.branch)}，${causeLabels(m.causes)}）`);
  if (l.exempt.length > 0) {
    lines.push(`**另：已免除结对帮扶的领导干部（${l.exempt.length}人）**`);
    for (const c of l.exempt) lines.push(`- ${esc(c.name)}（${esc(c.general_branch)}，${esc(c.cadre_level ?? '')}）：${esc(c.exemption ?? '')}`);
  }
  return { header: '', lines };
}

const OVERVIEW_FOOTER = '原则上每名副科级及以上党员领导干部至少联系1名生活困难党员。安排结对，请发送“结对：李明 帮扶 王芳”；确需免除的，请写明原因，例如“免除结对：李明，原因：长期外派”。';

/** The monthly message: one message, as many lines as fit (结对情况 gives the whole list). */
export function monthlyOverview(p: OverviewLists & { month: number; late: boolean }): OutboundMessage {
  const { lines } = overviewLines(p);
  return {
    type: 'markdown',
    content: fitList(`**${p.month}月结对帮扶情况**`, lines, `${OVERVIEW_FOOTER}${belated(p.late)}`, (n) => `……另有${n}行未列出，发送“结对情况”可查看完整名单`),
  };
}

/** 结对情况 in chat: the whole list, split over as many messages as it takes. */
export function overviewAnswer(p: OverviewLists & { today: IsoDate }): OutboundMessage[] {
  const { lines } = overviewLines(p);
  return linesAsMessages('markdown', lines, { header: `**结对帮扶情况（截至${chineseMonthDay(p.today)}）**`, footer: OVERVIEW_FOOTER });
}
