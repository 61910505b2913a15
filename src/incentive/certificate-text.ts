// The words and cards of the 光荣在党50年 certificates (issue 13 section 6), in the neutral model. Pure. The list
// (January's, and 纪念证书未颁发名单 at any time), the card that walks the OD through it one member at a time
// (确认符合条件 / 登记颁发 / 下一位), the answers, and what the branch secretary and the member are told.
import { completedYears, type IsoDate } from '../domain/dates.ts';
import { HONOURED_PARTY_AGE, yearPartyAgeReaches } from '../domain/anniversaries.ts';
import { chineseFullDate } from '../domain/format.ts';
import { buttonCard, cardKey, type CardButton } from '../notices/cards.ts';
import { escapeMarkdown as esc } from '../notices/markdown.ts';
import { linesAsMessages } from '../notices/message-limit.ts';
import type { OutboundMessage } from '../platforms/types.ts';

/** Card buttons: `<action>-<member id>`. */
export const CERTIFICATE_ACTION = {
  confirm: 'gloryok', // 确认符合条件
  issue: 'gloryissue', // 登记颁发: the date (and number) in the next message
  next: 'glorynext', // 下一位: the next member due after this one
} as const;

/** The conversation memory topic of "请回复颁发日期": the ref is the member's id. */
export const ISSUE_QUESTION_TOPIC = 'glory_issue';

/** A member on the list, as the words need them. */
export interface CertificateLine {
  memberId: string;
  name: string;
  userid: string | null;
  branch: string;
  generalBranch: string;
  fullMemberOn: IsoDate;
  confirmedAt: Date | null;
  confirmedBy: string | null;
}

const ym = (d: IsoDate) => `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月`;

/** 1967年11月转正，党龄59年 / 1977年6月转正，今年党龄满50年. */
export function partyAgeWords(fullMemberOn: IsoDate, today: IsoDate): string {
  const year = Number(today.slice(0, 4));
  if (yearPartyAgeReaches(fullMemberOn) === year) return `${ym(fullMemberOn)}转正，今年党龄满${HONOURED_PARTY_AGE}年`;
  return `${ym(fullMemberOn)}转正，党龄${completedYears(fullMemberOn, today)}年`;
}

const lineOf = (m: CertificateLine, today: IsoDate, withGb: boolean) =>
  `- ${esc(m.name)}（${withGb ? `${esc(m.generalBranch)}` : ''}${esc(m.branch)}；${partyAgeWords(m.fullMemberOn, today)}${m.userid ? '' : '；无企业微信/钉钉'}${m.confirmedAt ? '；已确认符合条件' : ''}）`;

/**
 * The list of members due a certificate: this year's and the backlog, with their Party age; the members whose
 * Party age cannot be counted (no full-membership date) named apart. `forOd`: the OD's list (with what to do);
 * otherwise a secretary's view of their scope.
 */
export function dueListMessages(p: {
  year: number;
  today: IsoDate;
  scope: string;
  thisYear: readonly CertificateLine[];
  backlog: readonly CertificateLine[];
  withoutDate: ReadonlyArray<{ name: string; branch: string; join_on: string }>;
  forOd: boolean;
  late?: boolean;
}): OutboundMessage[] {
  const total = p.thisYear.length + p.backlog.length;
  const withGb = p.forOd;
  const header = p.forOd
    ? `**${p.year}年“光荣在党${HONOURED_PARTY_AGE}年”纪念证书名单**\n${total > 0 ? `以下 ${total} 名同志尚未登记颁发纪念证书，请逐一确认是否符合条件（一贯表现良好、为党勤恳奉献）并组织颁发：` : '目前没有应颁发而未颁发纪念证书的党员。'}`
    : `**${p.scope}“光荣在党${HONOURED_PARTY_AGE}年”纪念证书未颁发名单**\n${total > 0 ? `共 ${total} 名：` : '目前没有应颁发而未颁发纪念证书的党员。'}`;
  const lines = [
    ...(p.thisYear.length > 0 ? [`今年党龄满${HONOURED_PARTY_AGE}年（${p.thisYear.length} 名）：`, ...p.thisYear.map((m) => lineOf(m, p.today, withGb))] : []),
    ...(p.backlog.length > 0 ? [`往年已满${HONOURED_PARTY_AGE}年、尚未登记颁发（${p.backlog.length} 名）：`, ...p.backlog.map((m) => lineOf(m, p.today, withGb))] : []),
    ...(p.withoutDate.length > 0
      ? [`以下同志名册中无转正日期，无法计算党龄，未列入名单，请核对名册：${p.withoutDate.map((m) => `${esc(m.name)}（${esc(m.branch)}，${ym(m.join_on)}入党）`).join('、')}`]
      : []),
  ];
  const footer = p.forOd
    ? total > 0
      ? `颁发后请登记，如“已颁发纪念证书：${esc(p.backlog[0]?.name ?? p.thisYear[0]!.name)}，${p.today}，编号${p.year}-001”（编号可不写），或在下方卡片上逐人办理。登记后我会通知所在支部书记安排颁发。${p.late ? '\n> 系统维护期间延迟送达，敬请谅解。' : ''}`
      : ''
    : total > 0
      ? '纪念证书由党委组织部确认和登记；登记颁发后，我会通知支部书记安排颁发仪式或送证上门。'
      : '';
  return linesAsMessages('markdown', lines, { header, ...(footer ? { footer } : {}) });
}

/** The card for one member of the list, with where they are in it. */
export function certificateCard(p: { taskId: string; member: CertificateLine; today: IsoDate; position: number; total: number }): OutboundMessage {
  const m = p.member;
  const buttons: CardButton[] = [];
  if (!m.confirmedAt) buttons.push({ text: '确认符合条件', actionKey: cardKey(CERTIFICATE_ACTION.confirm, m.memberId) });
  buttons.push({ text: '登记颁发', actionKey: cardKey(CERTIFICATE_ACTION.issue, m.memberId) });
  if (p.position < p.total) buttons.push({ text: '下一位', actionKey: cardKey(CERTIFICATE_ACTION.next, m.memberId), style: 'secondary' });
  return buttonCard({
    taskId: p.taskId,
    title: `光荣在党${HONOURED_PARTY_AGE}年纪念证书（${p.position}/${p.total}）`,
    desc: `${m.generalBranch}${m.branch}`,
    fields: [
      ['姓名', m.name],
      ['党龄', partyAgeWords(m.fullMemberOn, p.today)],
      ['条件', m.confirmedAt ? `已确认${m.confirmedBy ? `（${m.confirmedBy}）` : ''}` : '待确认'],
      ['账号', m.userid ?? '无企业微信/钉钉'],
    ],
    note: '请确认该同志一贯表现良好、为党勤恳奉献后点“确认符合条件”；证书颁发后点“登记颁发”，再回复颁发日期和编号。',
    buttons,
  });
}

export const CERTIFICATE_TEXT = {
  notForYou: '“光荣在党50年”纪念证书由党委组织部确认和登记，未颁发名单供党委组织部和党总支、支部书记查看。如有老党员党龄已满50年尚未颁发，请告知所在支部书记。',
  onlyOd: '“光荣在党50年”纪念证书由党委组织部确认符合条件并登记颁发。如有老党员党龄已满50年尚未颁发，请告知党委组织部。',
  cardGone: '这张卡片已失效，或该事项不由您办理。请发送“纪念证书未颁发名单”查看最新名单。',
  listDone: '名单已全部看完。发送“纪念证书未颁发名单”可查看最新名单。',
  askIssue: (name: string, today: IsoDate) =>
    `请回复${name}同志纪念证书的颁发日期和证书编号，例如“${today}，编号${today.slice(0, 4)}-001”（编号可不写）；回复“今天”即按今天登记。`,
  confirmed: (name: string, words: string) => `已确认：${name}同志（${words}）符合“光荣在党50年”纪念证书颁发条件（一贯表现良好、为党勤恳奉献）。证书颁发后，请发送“已颁发纪念证书：${name}，日期”或在卡片上点“登记颁发”。`,
  alreadyConfirmed: (name: string, by: string | null, at: string) => `${name}同志已于${at}${by ? `由${by}` : ''}确认符合条件，无需重复确认。证书颁发后请登记颁发日期。`,
  issued: (p: { name: string; issuedOn: IsoDate; certificateNo: string | null; told: string; confirmedNow: boolean }) =>
    `已登记：${p.name}同志“光荣在党50年”纪念证书，颁发日期${chineseFullDate(p.issuedOn)}${p.certificateNo ? `，编号${p.certificateNo}` : '，未填编号'}。${p.confirmedNow ? '登记颁发即视为已确认符合条件。' : ''}${p.told}`,
};

/** Why nothing was recorded. */
export const CERTIFICATE_REFUSAL = {
  unknown: (written: string) => `名册中没有“${written}”，请核对姓名或改用账号。`,
  ambiguous: (written: string, options: readonly string[]) => `有同名：“${written}”可指：${options.join('；')}。请改用账号，例如“已颁发纪念证书：${options[0]?.match(/账号 ([^）]+)/)?.[1] ?? written}，日期”。`,
  deceased: (name: string) => `${name}同志已去世，不再登记纪念证书。如需追授或更正名册，请按规定另行办理。`,
  notActive: (name: string) => `${name}同志已不在本党委在册党员中（已转出），纪念证书请由其现所在党组织办理。`,
  noDate: (name: string) => `名册中没有${name}同志的转正日期，无法计算党龄。请先在名册中补全转正日期（党龄从转正之日算起）。`,
  tooYoung: (name: string, fullMemberOn: IsoDate, reaches: number, year: number) =>
    `未作登记：${name}同志${ym(fullMemberOn)}转正，${reaches}年党龄才满50年，${year}年不能颁发“光荣在党50年”纪念证书。`,
  future: (date: IsoDate, today: IsoDate) => `未作登记：颁发日期${chineseFullDate(date)}晚于今天（${chineseFullDate(today)}）。请在证书颁发后再登记；如需确认符合条件，请发送“纪念证书符合条件：姓名”。`,
  alreadyIssued: (name: string, issuedOn: IsoDate, no: string | null) => `${name}同志的纪念证书已于${chineseFullDate(issuedOn)}登记颁发${no ? `（编号${no}）` : ''}，不再重复登记。`,
  numberTaken: (no: string, holder: string, issuedOn: IsoDate) => `未作登记：编号${no}已用于${holder}同志的纪念证书（${chineseFullDate(issuedOn)}颁发），请核对编号。`,
  self: '本人的纪念证书请由党委组织部其他同志确认和登记。',
};

/** What the branch secretary (or whoever answers for the branch) is told: arrange the presentation. */
export function presentationNotice(p: { name: string; branch: string; fullMemberOn: IsoDate; today: IsoDate; issuedOn: IsoDate; certificateNo: string | null; hasAccount: boolean }): OutboundMessage {
  return {
    type: 'text',
    content:
      `【光荣在党50年】党委组织部已登记${p.branch}${p.name}同志（${partyAgeWords(p.fullMemberOn, p.today)}）的“光荣在党50年”纪念证书` +
      `（颁发日期${chineseFullDate(p.issuedOn)}${p.certificateNo ? `，编号${p.certificateNo}` : ''}）。` +
      `请支部妥善安排颁发：可结合“七一”等时间节点举行颁发仪式，由党组织负责同志当面颁发；老同志年事已高、行动不便的，请登门送证，转达党组织的关怀和敬意。` +
      (p.hasAccount ? '' : `${p.name}同志没有企业微信/钉钉账号，请当面告知。`),
  };
}

/** What the member is told, when they have an account: a congratulation. */
export function congratulation(p: { name: string; fullMemberOn: IsoDate; certificateNo: string | null }): OutboundMessage {
  return {
    type: 'text',
    content:
      `${p.name}同志：您自${ym(p.fullMemberOn)}转正以来，光荣在党已满50年。党委为您颁发“光荣在党50年”纪念证书${p.certificateNo ? `（编号${p.certificateNo}）` : ''}，` +
      `衷心感谢您对党的事业的忠诚和奉献！支部将与您联系颁发证书。祝您身体健康、生活幸福！`,
  };
}
