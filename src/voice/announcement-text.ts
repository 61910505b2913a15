// What the bot says and shows about announcements (通报工作, 党务公开): the writer's preview card (发送 / 取消), the
// recipient's card (已阅) and its reminder, the figures, the lists and the archive. Pure.
import { chineseMonthDay, clipText } from '../domain/format.ts';
import { ANNOUNCEMENT_AUDIENCE_LABEL, ANNOUNCEMENT_CATEGORY_LABEL, type AnnouncementAudience, type AnnouncementCategory } from '../domain/voice.ts';
import { buttonCard, cardKey, parseCardKey } from '../notices/cards.ts';
import type { OutboundMessage } from '../platforms/types.ts';

/** Button keys: `annsend-<id>`, `anncancel-<id>` on the preview, `annread-<id>` on the recipient's card. */
export const ANNOUNCEMENT_ACTION = { send: 'annsend', cancel: 'anncancel', read: 'annread' } as const;

export function parseAnnouncementKey(key: string): { action: 'send' | 'cancel' | 'read'; id: string } | undefined {
  const { action, ids } = parseCardKey(key);
  const id = ids[0] ?? '';
  if (ids.length !== 1 || !/^\d{1,18}$/.test(id)) return undefined;
  if (action === ANNOUNCEMENT_ACTION.send) return { action: 'send', id };
  if (action === ANNOUNCEMENT_ACTION.cancel) return { action: 'cancel', id };
  if (action === ANNOUNCEMENT_ACTION.read) return { action: 'read', id };
  return undefined;
}

/** What an announcement is called: 通报 to secretaries and members, 党务公开 to all; with its category. */
export function announcementTitle(p: { kind: 'report_work' | 'announcement'; category: AnnouncementCategory | null; organisation: string }): string {
  const what = p.kind === 'announcement' ? '党务公开' : '通报';
  return `${p.organisation}${what}${p.category ? `（${ANNOUNCEMENT_CATEGORY_LABEL[p.category]}）` : ''}`;
}

/** The opening of a text: its first characters, on one line. */
export function opening(text: string, chars: number): string {
  return clipText(text.replace(/\s+/g, ' ').trim(), chars);
}

/**
 * The text as lines of at most 400 characters (1,200 bytes): a reply over WeCom's 2,048 bytes is split at line
 * breaks, and a single line too long for one message would be cut — a 通报 must reach its reader whole.
 */
export const paragraphs = (body: string): string => body
  .split('\n')
  .flatMap((line) => ([...line].length <= 400 ? [line] : ([...line].join('').match(/[\s\S]{1,400}/gu) ?? [])))
  .join('\n');

const names = (list: ReadonlyArray<{ name: string }>, max = 30) => {
  const shown = list.slice(0, max).map((m) => m.name).join('、');
  return list.length > max ? `${shown}等${list.length}人` : shown;
};

export interface AudienceSummary {
  audience: AnnouncementAudience;
  withAccount: number;
  withoutAccount: Array<{ name: string }>;
}

/** "本支部党员6人，其中1人无企业微信/钉钉账号，需另行告知". */
export function audienceLine(s: AudienceSummary): string {
  const total = s.withAccount + s.withoutAccount.length;
  const apart = s.withoutAccount.length > 0 ? `，其中${s.withoutAccount.length}人无企业微信/钉钉账号，需另行告知` : '';
  return `${ANNOUNCEMENT_AUDIENCE_LABEL[s.audience]}${total}人${apart}`;
}

/** The writer's preview: the opening, the audience, when it would go, 发送 / 取消. */
export function previewCard(p: { id: string; title: string; body: string; summary: AudienceSummary; goesAt: string | null }): OutboundMessage {
  return buttonCard({
    taskId: `annprev${p.id}`,
    title: `预览：${p.title}`,
    desc: '确认无误后点击发送',
    fields: [
      ['发送对象', `${ANNOUNCEMENT_AUDIENCE_LABEL[p.summary.audience]}${p.summary.withAccount + p.summary.withoutAccount.length}人`],
      ['无账号', `${p.summary.withoutAccount.length}人`],
      ...(p.goesAt ? ([['发出时间', p.goesAt]] as Array<[string, string]>) : []),
    ],
    note: opening(p.body, 100),
    buttons: [
      { text: '发送', actionKey: cardKey(ANNOUNCEMENT_ACTION.send, p.id) },
      { text: '取消', actionKey: cardKey(ANNOUNCEMENT_ACTION.cancel, p.id), style: 'secondary' },
    ],
  });
}

/** The card each recipient gets (one per part of the broadcast: its task id names the part), or its reminder. */
export function recipientCard(p: { taskId: string; id: string; title: string; body: string; sentOn: string; reminder: boolean }): OutboundMessage {
  return buttonCard({
    taskId: p.taskId,
    title: p.reminder ? `【提醒】请阅读${p.title}`.slice(0, 26) : p.title,
    desc: p.reminder ? `${chineseMonthDay(p.sentOn)}发出，您尚未阅读` : `${chineseMonthDay(p.sentOn)} 通报${p.id}`,
    note: `${opening(p.body, 80)}（全文请发送「党务公开${p.id}」）`,
    buttons: [{ text: '已阅', actionKey: cardKey(ANNOUNCEMENT_ACTION.read, p.id) }],
  });
}

export const ANNOUNCEMENT_TEXT = {
  notSender:
    '通报由党委组织部（向各支部通报、党务公开）、党总支书记（向本总支党员通报、向各支部书记通报）和支部书记（向本支部党员通报）发出，您暂无发送权限。',
  notThisAudience: (audienceLabel: string, allowed: string[]) =>
    `您不能向${audienceLabel}发送通报。${allowed.length > 0 ? `您可以这样写：${allowed.join('；')}` : ''}`,
  empty: '通报内容为空。请在冒号后写明内容，如：向本支部党员通报：本周五下午召开支部党员大会。',
  tooLong: (max: number) => `通报内容超过${max}字，请精简后重新发送（或分条通报）。`,
  noAudience: (audienceLabel: string) => `${audienceLabel}中没有可以通报的党员，未生成通报。`,
  preview: (p: { id: string; title: string; body: string; audience: string; withoutAccount: Array<{ name: string }>; goesAt: string | null }) =>
    [
      `通报${p.id}预览（尚未发送）：${p.title}`,
      `发送对象：${p.audience}。`,
      ...(p.withoutAccount.length > 0 ? [`无企业微信/钉钉账号（请另行告知）：${names(p.withoutAccount)}。`] : []),
      ...(p.goesAt ? [`现在是休息时间（21:00—8:00），确认后将于${p.goesAt}发出。`] : []),
      '',
      paragraphs(p.body),
      '',
      '请核对后点击卡片上的「发送」；点击「取消」则不发送。预览24小时内有效。',
    ].join('\n'),
  sent: (p: { id: string; count: number; withoutAccount: number; goesAt: string | null }) =>
    `通报${p.id}已${p.goesAt ? `确认，将于${p.goesAt}发给` : '发给'}${p.count}人${p.withoutAccount > 0 ? `（另有${p.withoutAccount}人无企业微信/钉钉账号，请另行告知）` : ''}。发送「通报阅读情况${p.id}」查看阅读情况。`,
  alreadySent: (id: string) => `通报${id}已发送，不会重复发送。发送「通报阅读情况${id}」查看阅读情况。`,
  cancelled: (id: string) => `已取消，通报${id}未发送。`,
  alreadyCancelled: (id: string) => `通报${id}已取消，未发送。如需通报，请重新编写。`,
  superseded: (id: string) => `通报${id}的预览已被您之后写的通报取代，未发送。请在最新的预览卡片上确认。`,
  stale: (id: string, hours: number) => `通报${id}的预览已超过${hours}小时，为防误发已失效，未发送。如仍需通报，请重新发送通报内容。`,
  notFound: (id: string) => `没有找到通报${id}，或它不在您可查看的范围内。`,
  noneSent: '您还没有发出过通报。',
  read: '已阅，谢谢！',
  alreadyRead: '您已阅读过这条通报。',
  notRecipient: '没有找到这条通报，或它不是发给您的。',
  figures: (p: { id: string; title: string; sentOn: string; audience: string; withAccount: number; received: number; read: number; noAccount: number; pending: boolean }) =>
    [
      `通报${p.id}（${p.sentOn}，${p.title}，发给${p.audience}）阅读情况：`,
      `应发${p.withAccount}人，已送达${p.received}人，已阅${p.read}人，未阅${p.withAccount - p.read}人${p.pending ? '（尚未到发出时间）' : ''}。`,
      ...(p.noAccount > 0 ? [`另有${p.noAccount}人无企业微信/钉钉账号，需另行告知。`] : []),
      `发送「通报${p.id}未读名单」查看未阅人员。`,
    ].join('\n'),
  unread: (p: { id: string; unread: Array<{ name: string; branch: string }>; noAccount: Array<{ name: string; branch: string }> }) =>
    [
      p.unread.length === 0 ? `通报${p.id}：发给的人均已阅读。` : `通报${p.id}未阅${p.unread.length}人：${names(p.unread, 100)}。`,
      ...(p.noAccount.length > 0 ? [`无企业微信/钉钉账号${p.noAccount.length}人（请另行告知）：${names(p.noAccount, 100)}。`] : []),
    ].join('\n'),
  mine: (lines: string[]) => [`您发出的通报（最近${lines.length}条）：`, ...lines, '发送「通报阅读情况12」查看某条的阅读情况。'].join('\n'),
  mineLine: (p: { id: string; sentOn: string; audience: string; read: number; withAccount: number; body: string }) => `${p.id}. ${p.sentOn} 发给${p.audience}，已阅${p.read}/${p.withAccount}：${opening(p.body, 20)}`,
  archiveEmpty: '目前没有发给您的通报或党务公开信息。',
  archivePageEmpty: (page: number, pages: number) => `没有第${page}页，共${pages}页。`,
  archive: (p: { page: number; pages: number; total: number; lines: string[] }) =>
    [`发给您的通报和党务公开（共${p.total}条，第${p.page}/${p.pages}页，最新在前）：`, ...p.lines, `发送「党务公开12」查看全文${p.page < p.pages ? `，「党务公开 第${p.page + 1}页」看下一页` : ''}。`].join('\n'),
  archiveLine: (p: { id: string; on: string; title: string; body: string }) => `${p.id}. ${p.on} ${p.title}：${opening(p.body, 24)}`,
  full: (p: { id: string; title: string; on: string; sender: string; body: string }) => `通报${p.id}：${p.title}\n${p.on} ${p.sender}发出\n\n${paragraphs(p.body)}`,
} as const;
