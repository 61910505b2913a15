// 光荣在党50年 certificates in chat (issue 13 section 6; the sentences: certificate-phrases.ts, the rules:
// certificates.ts). The OD writes "已颁发纪念证书：郑老党员，2027-07-01[，编号2027-015]" or "纪念证书符合条件：郑老党员",
// or works through the list's cards: 确认符合条件, 登记颁发 (then the date and number in the next message, or
// 今天), 下一位. "纪念证书未颁发名单" gives the OD the committee's list (with the first card), a GB's leaders and a
// branch secretary their scope's, anyone else whom it is for. A click is checked against the access rule like a
// sentence, since a key can be forged.
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { Reply } from '../conversation/router.ts';
import { ConversationMemoryRepository } from '../db/conversation-memory-repository.ts';
import { PartyAgeCertificateRepository } from '../db/party-age-certificate-repository.ts';
import { HONOURED_PARTY_AGE } from '../domain/anniversaries.ts';
import { viewerOf, type AccessPerson } from '../domain/access.ts';
import { parseCardKey } from '../notices/cards.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { matchCertificateCommand, matchIssueReply, type CertificateCommand } from './certificate-phrases.ts';
import { CERTIFICATE_ACTION as A, CERTIFICATE_TEXT as T, certificateCard, dueListMessages, ISSUE_QUESTION_TOPIC } from './certificate-text.ts';
import {
  confirmEligibility,
  dueFor,
  findMember,
  lineOf,
  recordable,
  recordIssued,
  recordsCertificates,
  seesCertificateLists,
  type CertificateActor,
  type CertificateEnv,
  type CertificateOutcome,
} from './certificates.ts';

/** How long the question after 登记颁发 waits for its answer. */
const ANSWER_MINUTES = 60;

const say = (content: string): Reply => ({ message: { type: 'text', content } });
const envOf = (ctx: ConversationContext): CertificateEnv => ({ trx: ctx.trx, now: ctx.now, today: ctx.today, timeZone: ctx.timeZone });
const actorOf = (ctx: ConversationContext): CertificateActor => ({ memberId: ctx.identity!.memberId, name: ctx.identity!.name, person: accessPersonOf(ctx.identity!) });

const USAGE = {
  record_issued: '请按格式登记，例如“已颁发纪念证书：郑老党员，2027-07-01”；有证书编号的写“已颁发纪念证书：郑老党员，2027-07-01，编号2027-015”；不写日期按今天登记。',
  confirm: '请写明姓名，例如“纪念证书符合条件：郑老党员”；多人用顿号分隔。',
};

function outcomeReplies(out: CertificateOutcome): Reply[] {
  if (!out.ok) return [say(out.reply)];
  return [say(out.reply), ...out.notices.map((n) => ({ recipient: n.recipient, onceKey: n.onceKey, message: n.message }))];
}

/** The card of the due member after `afterMemberId` in the list's order (the first when undefined), or undefined at the end. */
async function cardAfter(ctx: ConversationContext, person: AccessPerson, afterMemberId: string | undefined): Promise<Reply | undefined> {
  const { rows } = await dueFor({ db: ctx.trx, today: ctx.today }, viewerOf(person), person.committeeId);
  const due = rows.filter((r) => r.member_id !== person.memberId);
  let index = 0;
  if (afterMemberId !== undefined) {
    const after = await new PartyAgeCertificateRepository(ctx.trx).lockStanding(afterMemberId);
    const key = (fmd: string | null, id: string) => `${fmd ?? '9999-99-99'}|${id.padStart(19, '0')}`;
    const k = key(after?.full_member_on ?? null, afterMemberId);
    index = due.findIndex((r) => key(r.full_member_on, r.member_id) > k);
    if (index < 0) return undefined;
  }
  const member = due[index];
  if (!member) return undefined;
  return { message: certificateCard({ taskId: `glory-${ctx.eventId}-${member.member_id}`, member: lineOf(member), today: ctx.today, position: index + 1, total: due.length }) };
}

async function dueList(ctx: ConversationContext, person: AccessPerson): Promise<Reply[]> {
  if (!seesCertificateLists(person)) return [say(T.notForYou)];
  const od = recordsCertificates(person);
  const { year, thisYear, backlog } = await dueFor({ db: ctx.trx, today: ctx.today }, viewerOf(person), person.committeeId);
  const withoutDate = od ? await new PartyAgeCertificateRepository(ctx.trx).withoutFullMemberDate(year, HONOURED_PARTY_AGE, person.committeeId) : [];
  const me = ctx.identity!;
  const scope = person.roles.some((r) => r.role === 'committee_secretary')
    ? '全校'
    : person.roles.some((r) => r.role === 'gb_secretary' || r.role === 'gb_member' || r.role === 'unit_leader')
      ? me.generalBranch.name
      : me.branch.name;
  const messages = dueListMessages({ year, today: ctx.today, scope, thisYear: thisYear.map(lineOf), backlog: backlog.map(lineOf), withoutDate, forOd: od });
  const out: Reply[] = messages.map((message) => ({ message }));
  if (od) {
    const card = await cardAfter(ctx, person, undefined);
    if (card) out.push(card);
  }
  return out;
}

async function typed(ctx: ConversationContext, cmd: CertificateCommand): Promise<Reply[]> {
  const actor = actorOf(ctx);
  if (cmd.kind === 'due_list') return dueList(ctx, actor.person);
  if (!recordsCertificates(actor.person)) return [say(T.onlyOd)];
  if (cmd.kind === 'usage') return [say(USAGE[cmd.of])];
  const env = envOf(ctx);
  if (cmd.kind === 'record_issued') {
    if (cmd.dateWritten !== null && cmd.date === null) return [say(`未作登记：日期“${cmd.dateWritten}”有误，请写成“2027-07-01”或“2027年7月1日”。`)];
    const found = await findMember(env, actor, cmd.name);
    if (!found.ok) return [say(`未作登记。${found.reply}`)];
    return outcomeReplies(await recordIssued(env, actor, found.row.member_id, { issuedOn: cmd.date, certificateNo: cmd.certificateNo }));
  }
  // Several names: all resolved first; nothing is confirmed while any is unclear.
  const found = await Promise.all(cmd.names.map((n) => findMember(env, actor, n)));
  const unclear = found.flatMap((f) => (f.ok ? [] : [f.reply]));
  if (unclear.length > 0) return [say(`未作确认。${unclear.join('\n')}`)];
  const lines: string[] = [];
  for (const f of found) if (f.ok) lines.push((await confirmEligibility(env, actor, f.row.member_id)).reply);
  return [say(lines.join('\n'))];
}

/** 确认符合条件 / 登记颁发 / 下一位 on a card. */
async function clicked(ctx: ConversationContext): Promise<Reply[] | undefined> {
  if (ctx.event.kind !== 'card_click') return undefined;
  const { action, ids } = parseCardKey(ctx.event.eventKey);
  if (action !== A.confirm && action !== A.issue && action !== A.next) return undefined;
  const actor = actorOf(ctx);
  const memberId = ids[0] ?? '';
  if (!recordsCertificates(actor.person) || !/^\d{1,18}$/.test(memberId)) return [say(T.cardGone)];
  if (action === A.next) {
    const card = await cardAfter(ctx, actor.person, memberId);
    return [card ?? say(T.listDone)];
  }
  if (action === A.confirm) {
    const out = await confirmEligibility(envOf(ctx), actor, memberId);
    if (!out.ok) return [say(out.reply)];
    // The member's card again, now with 登记颁发 (and 下一位).
    const again = await sameMemberCard(ctx, actor.person, memberId);
    return [say(out.reply), ...(again ? [again] : [])];
  }
  // 登记颁发: what no date can change is refused at once (deceased, already issued…); then the question.
  const checked = await recordable(envOf(ctx), actor, memberId);
  // A card is a snapshot: one for a member since recorded points to the current list.
  if (!checked.ok) return [say(`${checked.outcome.reply}${checked.outcome.ok === false && checked.outcome.code === 'already_issued' ? '发送“纪念证书未颁发名单”可查看最新名单。' : ''}`)];
  await new ConversationMemoryRepository(ctx.trx).remember(actor.memberId, ISSUE_QUESTION_TOPIC, memberId, ctx.now);
  return [say(T.askIssue(checked.row.name, ctx.today))];
}

/** The card of this member in the current list, if still due. */
async function sameMemberCard(ctx: ConversationContext, person: AccessPerson, memberId: string): Promise<Reply | undefined> {
  const { rows } = await dueFor({ db: ctx.trx, today: ctx.today }, viewerOf(person), person.committeeId);
  const due = rows.filter((r) => r.member_id !== person.memberId);
  const index = due.findIndex((r) => r.member_id === memberId);
  if (index < 0) return undefined;
  return { message: certificateCard({ taskId: `glory-${ctx.eventId}-${memberId}`, member: lineOf(due[index]!), today: ctx.today, position: index + 1, total: due.length }) };
}

/** The answer to 登记颁发's question: the date (or 今天) and the number. */
async function awaitedIssue(ctx: ConversationContext, text: string): Promise<Reply[] | undefined> {
  const actor = actorOf(ctx);
  if (!recordsCertificates(actor.person)) return undefined;
  const memory = new ConversationMemoryRepository(ctx.trx);
  const [last] = await memory.recall(actor.memberId, [ISSUE_QUESTION_TOPIC], new Date(ctx.now.getTime() - ANSWER_MINUTES * 60_000));
  if (!last) return undefined;
  const answer = matchIssueReply(text);
  if (!answer) return undefined;
  if (answer.dateWritten !== null && answer.date === null) return [say(`未作登记：日期“${answer.dateWritten}”有误，请写成“2027-07-01”或“今天”。`)];
  const out = await recordIssued(envOf(ctx), actor, last.ref, { issuedOn: answer.date, certificateNo: answer.certificateNo });
  // A refusal for the date or the number keeps the question open: the corrected answer may follow.
  if (out.ok || (out.code !== 'future' && out.code !== 'too_early' && out.code !== 'number_taken')) await memory.forget(actor.memberId, ISSUE_QUESTION_TOPIC, last.ref);
  const replies = outcomeReplies(out);
  if (out.ok) {
    const next = await cardAfter(ctx, actor.person, last.ref);
    replies.push(next ?? say(T.listDone));
  }
  return replies;
}

export const certificatesConversation: ConversationHandler = guarded(async (ctx) => {
  if (!ctx.identity) return undefined;
  if (ctx.event.kind === 'card_click') return clicked(ctx);
  if (ctx.event.kind !== 'text') return undefined;
  const cmd = matchCertificateCommand(ctx.event.text);
  if (cmd) return typed(ctx, cmd);
  return awaitedIssue(ctx, ctx.event.text);
});
