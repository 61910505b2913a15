// Reporting work and open Party affairs (通报工作, 党务公开, MECHANISM 3.1, issue 14 section 1): writing with a
// preview, 发送 exactly once, 已阅 per recipient, the figures, the unread list, the sender's list and the archive —
// for the chat (announcement-conversation.ts); the admin API reads the figures through the same functions.
// Decisions where the issue is silent (README "Reporting work and open Party affairs"):
// - The audience is snapshotted at 发送, not at the preview (the roster may change in between); the sender is never
//   one of their own recipients. A preview is valid 24 hours (PREVIEW_VALID_HOURS) and only the sender's latest
//   one: a newer text supersedes it, so an old card cannot send a text the writer has since corrected.
// - Written or confirmed in quiet hours, it goes at the end of them (the next 08:00) and the writer is told when;
//   the deliveries are pushes held until then, and the archive shows it from then.
// - Received is the recipient's delivery sent; read is the first 已阅 from the recipient's own click (a forwarded
//   card clicked by someone else records nothing).
import type { Transaction } from 'kysely';
import { announcementTargetOf, inAnnouncementAudience, mayReadAnnouncement, maySeeAnnouncementReads, sendsAnnouncements, type AccessPerson, type Viewer } from '../domain/access.ts';
import { localDate, localTime, type IsoDate } from '../domain/dates.ts';
import { chineseMonthDay } from '../domain/format.ts';
import { nextAllowedInstant, type QuietHours } from '../domain/quiet-hours.ts';
import { ANNOUNCEMENT_AUDIENCE_LABEL, ANNOUNCEMENT_AUDIENCES, ANNOUNCEMENT_KIND_OF, type AnnouncementAudience, type AnnouncementCategory } from '../domain/voice.ts';
import { AnnouncementRepository, announcementDeliveryKey, type Announcement, type AudienceMember } from '../db/announcement-repository.ts';
import type { Database } from '../db/schema.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { accessPersonOf, type RosterIdentity } from '../roster/responsibility.ts';
import type { BroadcastInput } from '../services/outbox.ts';
import { announcementTitle, ANNOUNCEMENT_TEXT as T, audienceLine, previewCard, recipientCard } from './announcement-text.ts';

export const PREVIEW_VALID_HOURS = 24;
export const ANNOUNCEMENT_MAX_CHARS = 1500;
export const ARCHIVE_PAGE_SIZE = 10;

export interface AnnouncementEnv {
  trx: Transaction<Database>;
  now: Date;
  today: IsoDate;
  timeZone: string;
  quietHours: QuietHours | null;
}

/** How the sentence for each audience is written (the refusal shows the ones the writer may use). */
const WRITTEN: Readonly<Record<AnnouncementAudience, string>> = {
  all_secretaries: '向各支部通报：……',
  all_members: '党务公开：……',
  gb_members: '向本总支党员通报：……',
  gb_secretaries: '向各支部书记通报：……',
  branch_members: '向本支部党员通报：……',
};

/** "12月1日08:00": when something held by quiet hours goes; null when it goes now. */
function goesAt(env: AnnouncementEnv): { at: Date; label: string | null } {
  const at = nextAllowedInstant(env.now, env.timeZone, env.quietHours);
  if (at.getTime() <= env.now.getTime()) return { at: env.now, label: null };
  return { at, label: `${chineseMonthDay(localDate(at, env.timeZone))}${localTime(at, env.timeZone)}` };
}

const titleOf = (a: Pick<Announcement, 'kind' | 'category' | 'organisation'>) => announcementTitle(a);

/** The audience the sender's office reaches now, by the access rule. */
async function audienceOf(env: AnnouncementEnv, person: AccessPerson, audience: AnnouncementAudience) {
  const target = announcementTargetOf(person, audience);
  if (!target) return undefined;
  const candidates = await new AnnouncementRepository(env.trx).audienceCandidates(target, person.memberId);
  const members = candidates.filter((m) => inAnnouncementAudience(target, { memberId: m.member_id, branchId: m.branch_id, generalBranchId: m.gb_id, committeeId: m.committee_id, roles: m.roles }));
  return { target, members };
}

/**
 * "向各支部通报" and "向各支部书记通报" both name the secretaries below the writer: the OD's every GB and branch
 * secretary, a GB secretary's their branches'. Whichever of the two a writer uses, they mean the one they may address.
 */
export function ownSecretaryAudience(person: AccessPerson, audience: AnnouncementAudience): AnnouncementAudience {
  const other = audience === 'all_secretaries' ? 'gb_secretaries' : audience === 'gb_secretaries' ? 'all_secretaries' : undefined;
  return other && !announcementTargetOf(person, audience) && announcementTargetOf(person, other) ? other : audience;
}

/** "向本支部党员通报：…": the preview (text and card with 发送 / 取消), or why not. */
export async function composeAnnouncement(env: AnnouncementEnv, me: RosterIdentity, written: { audience: AnnouncementAudience; category: AnnouncementCategory | null; text: string }): Promise<OutboundMessage[]> {
  const person = accessPersonOf(me);
  const text = (content: string): OutboundMessage[] => [{ type: 'text', content }];
  if (!sendsAnnouncements(person)) return text(T.notSender);
  const p = { ...written, audience: ownSecretaryAudience(person, written.audience) };
  const found = await audienceOf(env, person, p.audience);
  if (!found) return text(T.notThisAudience(ANNOUNCEMENT_AUDIENCE_LABEL[p.audience], ANNOUNCEMENT_AUDIENCES.filter((a) => announcementTargetOf(person, a)).map((a) => WRITTEN[a])));
  if (p.text === '') return text(T.empty);
  if ([...p.text].length > ANNOUNCEMENT_MAX_CHARS) return text(T.tooLong(ANNOUNCEMENT_MAX_CHARS));
  if (found.members.length === 0) return text(T.noAudience(ANNOUNCEMENT_AUDIENCE_LABEL[p.audience]));
  const repo = new AnnouncementRepository(env.trx);
  const kind = ANNOUNCEMENT_KIND_OF[p.audience];
  const id = await repo.insertPreview({ kind, target: found.target, category: p.category, senderMemberId: me.memberId, body: p.text, at: env.now });
  const a = (await repo.byId(id))!;
  const withoutAccount = found.members.filter((m) => m.userid === null).map((m) => ({ name: m.name }));
  const summary = { audience: p.audience, withAccount: found.members.length - withoutAccount.length, withoutAccount };
  const when = goesAt(env).label;
  return [
    { type: 'text', content: T.preview({ id, title: titleOf(a), body: p.text, audience: audienceLine(summary), withoutAccount, goesAt: when }) },
    previewCard({ id, title: titleOf(a), body: p.text, summary, goesAt: when }),
  ];
}

export type SendOutcome = { sent: true; reply: string } | { sent: false; reply: string; done: boolean };

/** The sender's own announcement, locked; undefined for anyone else (the same answer as an unknown id). */
async function ownAnnouncement(env: AnnouncementEnv, me: RosterIdentity, id: string): Promise<Announcement | undefined> {
  const a = await new AnnouncementRepository(env.trx).byId(id, { lock: true });
  return a && a.sender_member_id === me.memberId ? a : undefined;
}

/** Why a preview can no longer be sent or cancelled, if it cannot. */
function closed(env: AnnouncementEnv, a: Announcement): string | undefined {
  switch (a.state) {
    case 'sent':
      return T.alreadySent(a.id);
    case 'cancelled':
      return T.alreadyCancelled(a.id);
    case 'superseded':
      return T.superseded(a.id);
    case 'preview':
      return env.now.getTime() - a.created_at.getTime() > PREVIEW_VALID_HOURS * 3_600_000 ? T.stale(a.id, PREVIEW_VALID_HOURS) : undefined;
  }
}

/**
 * 发送 on the preview: the audience snapshotted, the announcement marked sent and broadcast — once: the row is
 * locked and only a preview is marked, so a second tap or a duplicated callback finds it sent and sends nothing;
 * each recipient's delivery key (announcement:<id>:<member>) would refuse a second copy anyway.
 */
export async function sendAnnouncement(env: AnnouncementEnv, me: RosterIdentity, id: string, broadcast: (input: Omit<BroadcastInput, 'platform'>) => Promise<number>): Promise<SendOutcome> {
  const a = await ownAnnouncement(env, me, id);
  if (!a) return { sent: false, reply: T.notFound(id), done: false };
  const why = closed(env, a);
  if (why) return { sent: false, reply: why, done: true };
  const person = accessPersonOf(me);
  const found = await audienceOf(env, person, a.audience);
  // The office may have changed hands since the preview: the rule is asked again, for the same office.
  if (!found || found.target.organisationId !== a.organisation_id) return { sent: false, reply: T.notSender, done: true };
  const repo = new AnnouncementRepository(env.trx);
  const when = goesAt(env);
  const deliverOn = localDate(when.at, env.timeZone);
  if (!(await repo.markSent(a.id, env.now, when.at, deliverOn))) return { sent: false, reply: T.alreadySent(a.id), done: true };
  await repo.insertRecipients(a.id, found.members);
  const withAccount = found.members.filter((m): m is AudienceMember & { userid: string } => m.userid !== null);
  const title = titleOf(a);
  await broadcast({
    key: `announcement:${a.id}`,
    recipients: withAccount.map((m) => ({ idempotencyKey: announcementDeliveryKey(a.id, m.member_id), recipient: m.userid })),
    message: (part) => recipientCard({ taskId: `ann${a.id}p${part}`, id: a.id, title, body: a.body, sentOn: deliverOn, reminder: false }),
    push: true,
    ...(when.label ? { notBefore: when.at } : {}),
  });
  return { sent: true, reply: T.sent({ id: a.id, count: withAccount.length, withoutAccount: found.members.length - withAccount.length, goesAt: when.label }) };
}

/** 取消 on the preview. */
export async function cancelAnnouncement(env: AnnouncementEnv, me: RosterIdentity, id: string): Promise<{ reply: string; done: boolean }> {
  const a = await ownAnnouncement(env, me, id);
  if (!a) return { reply: T.notFound(id), done: false };
  if (a.state !== 'preview') return { reply: closed(env, a)!, done: true };
  await new AnnouncementRepository(env.trx).cancel(a.id);
  return { reply: T.cancelled(a.id), done: true };
}

/** 已阅 on a recipient's card: the clicker's own receipt, once. `card`: whether the card should show 已阅. */
export async function readAnnouncement(env: AnnouncementEnv, me: RosterIdentity, id: string): Promise<{ reply: string; card: boolean }> {
  const outcome = await new AnnouncementRepository(env.trx).markRead(id, me.memberId, env.now);
  if (outcome === 'not_recipient') return { reply: T.notRecipient, card: false };
  return { reply: outcome === 'read' ? T.read : T.alreadyRead, card: true };
}

/** An announcement whose figures the viewer may see (its sender, the OD), else undefined — as for an unknown id. */
export async function announcementForReads(db: AnnouncementRepository, viewer: Viewer, id: string): Promise<Announcement | undefined> {
  const a = await db.byId(id);
  if (!a || a.state !== 'sent') return undefined;
  return maySeeAnnouncementReads(viewer, { senderMemberId: a.sender_member_id, committeeId: a.committee_id }) ? a : undefined;
}

async function chosen(env: AnnouncementEnv, me: RosterIdentity, id: string | null): Promise<{ a?: Announcement; reply?: string }> {
  const repo = new AnnouncementRepository(env.trx);
  if (id === null) {
    const latest = await repo.latestSentBy(me.memberId);
    return latest ? { a: latest } : { reply: T.noneSent };
  }
  const a = await announcementForReads(repo, { kind: 'member', memberId: me.memberId, roles: accessPersonOf(me).roles }, id);
  return a ? { a } : { reply: T.notFound(id) };
}

/** "通报阅读情况[12]": received, read, unread and without an account. */
export async function announcementReads(env: AnnouncementEnv, me: RosterIdentity, id: string | null): Promise<string> {
  const { a, reply } = await chosen(env, me, id);
  if (!a) return reply!;
  const f = await new AnnouncementRepository(env.trx).figures(a.id);
  return T.figures({
    id: a.id,
    title: titleOf(a),
    sentOn: chineseMonthDay(a.deliver_on!),
    audience: ANNOUNCEMENT_AUDIENCE_LABEL[a.audience],
    withAccount: f.with_account,
    received: f.received,
    read: f.read,
    noAccount: f.no_account,
    pending: a.deliver_at!.getTime() > env.now.getTime(),
  });
}

/** "未读名单" / "通报12未读名单": who has not read it, and who has no account. */
export async function announcementUnread(env: AnnouncementEnv, me: RosterIdentity, id: string | null): Promise<string> {
  const { a, reply } = await chosen(env, me, id);
  if (!a) return reply!;
  return T.unread({ id: a.id, ...(await new AnnouncementRepository(env.trx).unread(a.id)) });
}

/** "我的通报": the writer's last ten, with how many read each. */
export async function myAnnouncements(env: AnnouncementEnv, me: RosterIdentity): Promise<string> {
  const repo = new AnnouncementRepository(env.trx);
  const list = await repo.sentBy(me.memberId, 10);
  if (list.length === 0) return T.noneSent;
  const lines: string[] = [];
  for (const a of list) {
    const f = await repo.figures(a.id);
    lines.push(T.mineLine({ id: a.id, sentOn: chineseMonthDay(a.deliver_on!), audience: ANNOUNCEMENT_AUDIENCE_LABEL[a.audience], read: f.read, withAccount: f.with_account, body: a.body }));
  }
  return T.mine(lines);
}

/** "党务公开 [第2页]": what was addressed to the member, newest first, ten a page. */
export async function announcementArchive(env: AnnouncementEnv, me: RosterIdentity, page: number): Promise<string> {
  const { total, entries } = await new AnnouncementRepository(env.trx).archive(me.memberId, env.now, { offset: (page - 1) * ARCHIVE_PAGE_SIZE, limit: ARCHIVE_PAGE_SIZE });
  if (total === 0) return T.archiveEmpty;
  const pages = Math.ceil(total / ARCHIVE_PAGE_SIZE);
  if (entries.length === 0) return T.archivePageEmpty(page, pages);
  return T.archive({
    page,
    pages,
    total,
    lines: entries.map((e) => T.archiveLine({ id: e.id, on: chineseMonthDay(localDate(e.deliver_at, env.timeZone)), title: titleOf(e), body: e.body })),
  });
}

/** "党务公开12": the text in full — only for those it was addressed to (once it has gone out) and its sender. */
export async function showAnnouncement(env: AnnouncementEnv, me: RosterIdentity, id: string): Promise<string> {
  const repo = new AnnouncementRepository(env.trx);
  const a = await repo.byId(id);
  const gone = a !== undefined && a.state === 'sent' && a.deliver_at!.getTime() <= env.now.getTime();
  const addressed = gone && (await repo.isRecipient(a.id, me.memberId));
  const mine = a !== undefined && a.state === 'sent' && a.sender_member_id === me.memberId;
  if (!a || !(addressed || mine) || !mayReadAnnouncement({ kind: 'member', memberId: me.memberId, roles: accessPersonOf(me).roles }, { senderMemberId: a.sender_member_id, addressedToViewer: addressed })) return T.notFound(id);
  return T.full({ id: a.id, title: titleOf(a), on: chineseMonthDay(a.deliver_on!), sender: a.organisation, body: a.body });
}
