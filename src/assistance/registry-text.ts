// The registry's Chinese words (MECHANISM 1.1), in one place: what each state means to the person asking, the
// cards (a GB's review, a member's consent, the causes asked for) and the notices of a decision or an archive.
// Pure.
import { HARDSHIP_CAUSE_LABELS, HARDSHIP_STATE_LABELS, type HardshipCause } from '../domain/assistance.ts';
import { localDate, type IsoDate } from '../domain/dates.ts';
import { chineseDate, chineseMonthDay as cn } from '../domain/format.ts';
import { buttonCard, cardKey } from '../notices/cards.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import type { HardshipEntry } from '../db/hardship-registry-repository.ts';
import { ASSISTANCE_ACTION as A } from './actions.ts';
import { CAUSE_CHOICES } from './registry-phrases.ts';
import { taskButtons } from './task-cards.ts';

export const causeWords = (causes: readonly HardshipCause[]): string => (causes.length > 0 ? causes.map((c) => HARDSHIP_CAUSE_LABELS[c]).join('、') : '未注明');

const text = (content: string): OutboundMessage => ({ type: 'text', content });

/** How an entry was filed, as the GB's card and 我的帮扶 say it. */
export function sourceWords(e: Pick<HardshipEntry, 'source' | 'consent_attested'>): string {
  if (e.source === 'self') return '本人申报';
  return e.consent_attested ? '党支部推荐（支部书记代为确认本人同意）' : '党支部推荐（本人已同意）';
}

/** The state of a live (or last) entry, said to someone who may see it — the member themself (`own`) or a secretary. */
export function entryStateWords(e: HardshipEntry, today: IsoDate, own: boolean, timeZone: string): string {
  const isoOf = (d: Date) => localDate(d, timeZone);
  const who = own ? '您' : `${e.member_name}同志`;
  const filed = chineseDate(isoOf(e.created_at), today);
  switch (e.status) {
    case 'awaiting_consent':
      return own
        ? `党支部已于${filed}推荐您为生活困难党员，正等待您的意见，请在征求意见卡片上选择“同意”或“不同意”。`
        : `${who}已于${filed}由党支部推荐为生活困难党员，${HARDSHIP_STATE_LABELS[e.status]}。`;
    case 'applied':
      return `${who}的生活困难党员申报（${filed}提交，困难类型：${causeWords(e.causes)}）正由${e.general_branch}审核，审核结果将及时告知${own ? '您' : '本人和所在党支部'}。`;
    case 'approved':
      return `${who}已列入生活困难党员信息库（${e.decided_at ? `${chineseDate(isoOf(e.decided_at), today)}确定，` : ''}困难类型：${causeWords(e.causes)}）。`;
    case 'rejected':
      return `${who}${filed}提交的生活困难党员申报未通过${e.reason ? `，理由：${e.reason}` : ''}。`;
    case 'archived':
      return `${who}的生活困难党员信息${e.archived_at ? `已于${chineseDate(isoOf(e.archived_at), today)}` : '已'}归档。`;
  }
}


/** The GB's card: review an application (通过 / 不通过, the reason of 不通过 in the next message). */
export function reviewCard(p: { entry: HardshipEntry; recipientMemberId: string; dueOn: IsoDate; standIn: string }): OutboundMessage {
  const e = p.entry;
  return buttonCard({
    taskId: `hsreview-${e.id}-${p.recipientMemberId}`,
    title: `请审核：${e.member_name}生活困难党员申报`,
    desc: `${e.branch} · 请于${cn(p.dueOn)}前审核`,
    fields: [
      ['对象', `${e.member_name}（${e.branch}）`],
      ['来源', sourceWords(e)],
      ['困难类型', causeWords(e.causes)],
      ...(e.note ? ([['情况', e.note]] as Array<[string, string]>) : []),
      ['截止', cn(p.dueOn)],
    ],
    note: `${p.standIn}请核实情况后办理：通过的，列入生活困难党员信息库；不通过的，请点“不通过”后回复理由。审核结果将告知本人和所在党支部。`,
    buttons: taskButtons('hardship_review', e.id),
  });
}

/** The member's card: a branch recommendation asks for their consent (同意 / 不同意). */
export function consentCard(p: { entry: HardshipEntry; recommender: string; dueOn: IsoDate }): OutboundMessage {
  const e = p.entry;
  return buttonCard({
    taskId: `hsconsent-${e.id}`,
    title: '征求意见：推荐您为生活困难党员',
    desc: `${e.branch} · 请于${cn(p.dueOn)}前确认`,
    fields: [
      ['推荐支部', e.branch],
      ['推荐人', p.recommender],
      ['困难类型', causeWords(e.causes)],
      ...(e.note ? ([['情况', e.note]] as Array<[string, string]>) : []),
    ],
    note: '党支部拟推荐您为生活困难党员。经您同意后报党总支审核确定；如不同意，本次推荐即终止，您的意见将告知党支部。',
    buttons: taskButtons('hardship_consent', e.id),
  });
}

/** The question when an application names no cause: the choices as buttons (`hscause-<event>-<index>`). */
export function causeQuestionCard(eventId: string): OutboundMessage {
  return buttonCard({
    taskId: `hscause-${eventId}`,
    title: '请选择困难类型',
    desc: '申请生活困难帮扶',
    note: '请选择最主要的困难类型，选择后即提交党总支审核。也可重新发送，例如“申请困难帮扶：母亲重病，家庭开支大”。',
    buttons: CAUSE_CHOICES.map((c, i) => ({ text: c.label, actionKey: cardKey(A.hardshipCause, eventId, String(i)), style: i === 0 ? 'primary' : 'secondary' })),
  });
}

export const REGISTRY_TEXT = {
  applied: (e: HardshipEntry, dueOn: IsoDate, today: IsoDate) =>
    `已收到您的生活困难党员申报（困难类型：${causeWords(e.causes)}），已报${e.general_branch}，将于${chineseDate(dueOn, today)}前审核，审核结果将及时告知您。`,
  consentAsked: (e: HardshipEntry, dueOn: IsoDate, today: IsoDate) =>
    `已向${e.member_name}同志发送征求意见卡片（困难类型：${causeWords(e.causes)}），请其于${chineseDate(dueOn, today)}前确认。本人同意后报${e.general_branch}审核，结果将告知您。`,
  attestedSent: (e: HardshipEntry, dueOn: IsoDate, today: IsoDate) =>
    `已推荐${e.member_name}同志为生活困难党员（困难类型：${causeWords(e.causes)}），并记录本人同意由您代为确认。已报${e.general_branch}，将于${chineseDate(dueOn, today)}前审核，结果将告知您。`,
  consentRequired: (name: string, causes: string) =>
    `${name}同志没有企业微信/钉钉账号，无法在线确认是否同意推荐，本次未作登记。请当面征得本人同意后发送“推荐${name}为生活困难党员，${causes}，本人已同意”，系统将记录由您代为确认。`,
  noCauseInRecommendation: (name: string) => `请写明困难类型（老、弱、病、残、重大变故、自然灾害或其他），例如“推荐${name}为生活困难党员，因病”。本次未作登记。`,
  recommendNotAllowed: '推荐生活困难党员由党员所在党支部书记（经本人同意后）办理。如您本人生活困难，可发送“申请困难帮扶：……”；如身边党员有困难，请告知其所在党支部书记。',
  recommendSelf: '不能推荐本人。如您本人生活困难，请发送“申请困难帮扶：……”，由党总支审核。',
  consented: (e: HardshipEntry) => `已记录您的意见：同意。已报${e.general_branch}审核，审核结果将及时告知您。`,
  declined: '已记录您的意见：不同意。本次推荐已终止，您的意见将告知党支部。',
  consentNotFound: '没有找到需要您确认的推荐，可能已处理或已撤销。',
  consentDone: (e: HardshipEntry) =>
    e.status === 'rejected' && e.reason === '本人不同意' ? '您已表示不同意，本次推荐已终止，无需再操作。' : '您已回复过这项推荐，无需再操作。',
  reviewNotAllowed: '生活困难党员申报由党员所在党总支书记或党委组织部审核，此项不由您办理。',
  reviewDone: (e: HardshipEntry, today: IsoDate, tz: string) => `${entryStateWords(e, today, false, tz)}无需重复操作。`,
  askRejectReason: (e: HardshipEntry) => `请回复不通过${e.member_name}同志申报的理由（一句话），将记录并告知本人和所在党支部。回复“取消”可撤回本次操作。`,
  rejectCancelled: (e: HardshipEntry) => `已撤回“不通过”，${e.member_name}同志的申报仍待审核。`,
  reasonRequired: '不通过的，须写明理由。',
  approvedAck: (e: HardshipEntry, told: string) => `已审核通过：${e.member_name}同志（${e.branch}）列入生活困难党员信息库（困难类型：${causeWords(e.causes)}）。${told}`,
  rejectedAck: (e: HardshipEntry, reason: string, told: string) => `已记录：${e.member_name}同志的生活困难党员申报未通过，理由：${reason}。${told}`,
  archiveNotAllowed: '归档生活困难党员由其所在党总支书记或党委组织部办理。',
  archiveReasonRequired: (name: string) => `请写明归档原因，例如“${name}已好转，归档困难党员：家庭收入已恢复”。本次未作修改。`,
  archiveNotApproved: (e: HardshipEntry | undefined, name: string, today: IsoDate, tz: string) =>
    e ? `${entryStateWords(e, today, false, tz)}只有已确定的生活困难党员才能归档，本次未作修改。` : `${name}同志不在生活困难党员名单中，本次未作修改。`,
  archivedAck: (e: HardshipEntry, reason: string, pairings: number, subsidies: number, told: string) => {
    const ended = [...(pairings > 0 ? [`结对帮扶${pairings}项已结束`] : []), ...(subsidies > 0 ? [`定额补助${subsidies}项已停止`] : [])];
    return `已将${e.member_name}同志（${e.branch}）的生活困难党员信息归档，不再列入名单，原因：${reason}。${ended.length > 0 ? `${ended.join('，')}。` : ''}${told}`;
  },
  noApplyCause: '请写明困难类型。',
};

// ---- notices to others ----

export const NOTICE_TEXT = {
  approvedToMember: (e: HardshipEntry) =>
    text(`${e.member_name}同志：您的生活困难党员申报已经${e.general_branch}审核通过，列入生活困难党员信息库（困难类型：${causeWords(e.causes)}）。党组织将按规定为您提供帮扶，如有困难，请随时与党支部联系。`),
  rejectedToMember: (e: HardshipEntry, reason: string) =>
    text(`${e.member_name}同志：您的生活困难党员申报经${e.general_branch}审核未通过，理由：${reason}。如有疑问，请与所在党支部书记联系。`),
  approvedToBranch: (e: HardshipEntry) => text(`${e.general_branch}已审核通过：${e.member_name}同志（${e.branch}）列入生活困难党员信息库（困难类型：${causeWords(e.causes)}）。`),
  rejectedToBranch: (e: HardshipEntry, reason: string) => text(`${e.member_name}同志（${e.branch}）的生活困难党员申报经${e.general_branch}审核未通过，理由：${reason}。`),
  consentedToRecommender: (e: HardshipEntry) => text(`${e.member_name}同志已同意党支部推荐其为生活困难党员，已报${e.general_branch}审核，审核结果将告知您。`),
  declinedToRecommender: (e: HardshipEntry) => text(`${e.member_name}同志不同意党支部推荐其为生活困难党员，本次推荐已终止。`),
  archivedToMember: (e: HardshipEntry, reason: string) =>
    text(`${e.member_name}同志：经${e.general_branch}研究，您的生活困难党员信息已归档（原因：${reason}）。今后如再遇到困难，可随时向党支部反映，或发送“申请困难帮扶：……”。`),
  archivedToBranch: (e: HardshipEntry, reason: string) => text(`${e.general_branch}已将${e.member_name}同志（${e.branch}）的生活困难党员信息归档，不再列入名单，原因：${reason}。`),
  /** A helper hears only that the pairing ended because things improved: no reason, no amounts. */
  pairingEndedToHelper: (e: HardshipEntry, asOrganisation: string | null) =>
    text(`【结对帮扶】${asOrganisation ? `${asOrganisation}与` : '您与'}${e.member_name}同志（${e.branch}）的结对帮扶已结束：其生活困难情况已好转，信息已归档。感谢${asOrganisation ? '您和党组织' : '您'}的关心和帮扶！`),
};
