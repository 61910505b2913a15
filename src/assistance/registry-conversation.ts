// The hardship registry in chat (issue 12 §1, MECHANISM 1.1): "申请困难帮扶：…" (or the 帮扶 menu), "推荐王芳为
// 生活困难党员，因病[，本人已同意]", the consent card's 同意 / 不同意, the GB's 通过 / 不通过 (the reason in the next
// message), "我的帮扶", "困难党员名单" and "王芳已好转，归档困难党员：…". Runs before the care conversation, so an
// assistance sentence is never read as a care record or report. Names resolve as od-commands.ts does them: a
// name not found or borne by several people the writer may act for changes nothing and asks again; a name
// outside the writer's reach is answered exactly like a name nobody bears.
import { maySeeHardshipList, mayApprove, type Approval, type OrganisationPlace } from '../domain/access.ts';
import {
  EMERGENCY_AID_CAUSE_LABELS,
  EMERGENCY_AID_STATE_LABELS,
  formatYuan,
  LIVE_HARDSHIP_STATES,
} from '../domain/assistance.ts';
import { chineseDate } from '../domain/format.ts';
import { localDate } from '../domain/dates.ts';
import { AssistanceOverviewRepository } from '../db/assistance-overview-repository.ts';
import { ConversationMemoryRepository } from '../db/conversation-memory-repository.ts';
import { HardshipRegistryRepository, type HardshipEntry } from '../db/hardship-registry-repository.ts';
import { InboundRepository } from '../db/inbound-repository.ts';
import { OrganisationRepository } from '../db/organisation-repository.ts';
import { escapeMarkdown as esc } from '../notices/markdown.ts';
import { parseCardKey } from '../notices/cards.ts';
import { accessPersonOf, loadOrganisationPlace } from '../roster/responsibility.ts';
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { compactMessage, normalizeMessage } from '../conversation/interpret/interpret.ts';
import { MENU } from '../conversation/menu-keys.ts';
import { cardUpdate } from '../conversation/replies.ts';
import { guarded } from '../conversation/reply-guard.ts';
import { smallTalk, type Reply } from '../conversation/router.ts';
import { ASSISTANCE_ACTION as A } from './actions.ts';
import { CAUSE_CHOICES, matchRegistryCommand, type RegistryCommand } from './registry-phrases.ts';
import {
  answerConsent,
  applyForHardship,
  archiveHardship,
  decideHardship,
  recommendForHardship,
  reviewableEntry,
  type RegistryActing,
  type RegistryOutcome,
} from './registry-service.ts';
import { causeQuestionCard, causeWords, entryStateWords, REGISTRY_TEXT as T, sourceWords } from './registry-text.ts';
import { SettingsRepository } from '../db/settings-repository.ts';

/** A question asked with buttons (the causes), or a 不通过 waiting for its reason, stands for a day (injected clock). */
const PENDING_HOURS = 24;
/** The memory topic of a 不通过 pressed and waiting for its reason in the next message. */
const REJECT_TOPIC = 'hardship_reject';

const say = (content: string): Reply[] => [{ message: { type: 'text', content } }];
const md = (content: string): Reply[] => [{ message: { type: 'markdown', content } }];

function acting(ctx: ConversationContext): RegistryActing {
  return { db: ctx.trx, actor: ctx.identity!, now: ctx.now, today: ctx.today, timeZone: ctx.timeZone };
}

/** The clicked card, relabelled for the clicker (a single-use response code). */
const withCardUpdate = (ctx: ConversationContext, replies: Reply[], replaceName: string | undefined): Reply[] => [...replies, ...cardUpdate(ctx, replaceName)];

/** The outcome as replies: the answer to the writer, the notices to everyone else (never to the writer). */
function outcomeReplies(ctx: ConversationContext, o: RegistryOutcome, doneLabel?: string, refusedLabel?: string): Reply[] {
  if (!o.ok) return withCardUpdate(ctx, say(o.zh), refusedLabel);
  const notices = o.notices.filter((n) => n.memberId !== ctx.identity!.memberId && n.to.toLowerCase() !== ctx.event.userId.toLowerCase());
  return withCardUpdate(ctx, [...say(o.zh), ...notices.map((n) => ({ recipient: n.to, onceKey: n.onceKey, message: n.message }))], doneLabel);
}

export const registryConversation: ConversationHandler = guarded(async (ctx) => {
  if (!ctx.identity) return undefined;
  const ev = ctx.event;
  if (ev.kind === 'click') return menuClick(ctx, ev.eventKey);
  if (ev.kind === 'card_click') return cardClick(ctx, ev.eventKey);
  if (ev.kind !== 'text') return undefined;
  const text = normalizeMessage(ev.text);
  const cmd = matchRegistryCommand(text);
  if (cmd) return command(ctx, cmd);
  return rejectReason(ctx, text, ev.text.trim());
});

async function menuClick(ctx: ConversationContext, key: string): Promise<Reply[] | undefined> {
  if (key === MENU.myAssistance) return myAssistance(ctx);
  if (key === MENU.hardshipApply) return apply(ctx, { kind: 'apply', causes: [], note: '' });
  return undefined;
}

async function command(ctx: ConversationContext, cmd: RegistryCommand): Promise<Reply[]> {
  switch (cmd.kind) {
    case 'apply':
      return apply(ctx, cmd);
    case 'recommend':
      return recommend(ctx, cmd);
    case 'my':
      return myAssistance(ctx);
    case 'list':
      return hardshipList(ctx, cmd.scope);
    case 'archive':
      return archive(ctx, cmd);
    case 'how':
      return say(await howToApply(ctx, cmd.about));
  }
}

/** How to apply, with the sentence to send and the time each step takes (the settings in force). */
async function howToApply(ctx: ConversationContext, about: 'hardship' | 'emergency_aid'): Promise<string> {
  const s = await new SettingsRepository(ctx.trx).read(['hardship_review_days', 'emergency_aid_payment_working_days']);
  if (about === 'emergency_aid') {
    return (
      '申请突发困难补助，请发送一句话，写明困难情况和申请金额，例如“申请突发困难补助：孩子上学学费困难，申请2000元”。' +
      `申请经所在党总支提出意见、党委组织部审批后发放，自申请之日起${s.emergency_aid_payment_working_days}个工作日内发放到位，每一步的结果都会告知您。本人不便申请的，也可由所在党支部书记征得本人同意后代为申请。`
    );
  }
  return (
    '申请列入生活困难党员，请发送一句话，写明困难情况，例如“申请困难帮扶：母亲重病，家庭开支大”（困难类型：老、弱、病、残、重大变故、自然灾害或其他）。' +
    `申请由所在党总支于${s.hardship_review_days}日内审核，结果会告知您和所在党支部书记；也可由党支部征得您同意后推荐。发送“我的帮扶”可查看办理情况。`
  );
}

// ---- own application ----

async function apply(ctx: ConversationContext, cmd: Extract<RegistryCommand, { kind: 'apply' }>): Promise<Reply[]> {
  if (cmd.causes.length > 0) return outcomeReplies(ctx, await applyForHardship(acting(ctx), cmd));
  // No cause written: a live entry is answered at once; otherwise the causes as buttons, nothing stored yet.
  const live = await new HardshipRegistryRepository(ctx.trx).liveEntryOf(ctx.identity!.memberId);
  if (live) return say(entryStateWords(live, ctx.today, true, ctx.timeZone));
  const intro = ctx.event.kind === 'click' ? '申请生活困难帮扶，请先选择困难类型，选择后即提交党总支审核。如需说明情况，也可直接发送“申请困难帮扶：……”。' : '请选择困难类型，选择后即提交党总支审核。';
  return [...say(intro), { message: causeQuestionCard(ctx.eventId) }];
}

/** A cause picked on the question card: the application is made with it, the original text kept as its note. */
async function causePicked(ctx: ConversationContext, eventId: string, choice: string): Promise<Reply[]> {
  const picked = /^\d$/.test(choice) ? CAUSE_CHOICES[Number(choice)] : undefined;
  const asked = /^\d{1,18}$/.test(eventId) ? await new InboundRepository(ctx.trx).get(eventId) : undefined;
  const fresh = asked && asked.user_id === ctx.event.userId && asked.received_at.getTime() > ctx.now.getTime() - PENDING_HOURS * 3_600_000;
  if (!picked || !fresh) return withCardUpdate(ctx, say('这个问题已过期，请重新发送“申请困难帮扶：……”。'), '已过期');
  const written = (asked.payload as { text?: string }).text;
  const again = written ? matchRegistryCommand(normalizeMessage(written)) : null;
  const note = again?.kind === 'apply' ? again.note : '';
  return outcomeReplies(ctx, await applyForHardship(acting(ctx), { causes: picked.causes, note }), '已提交', '已处理');
}

// ---- recommendation ----

/** Offices that may recommend or archive at all: without one the command is refused before any name is looked up. */
const MAY_RECOMMEND = new Set(['branch_secretary', 'gb_secretary', 'od_staff']);
const MAY_ARCHIVE = new Set(['gb_secretary', 'od_staff']);

async function recommend(ctx: ConversationContext, cmd: Extract<RegistryCommand, { kind: 'recommend' }>): Promise<Reply[]> {
  if (!ctx.identity!.roles.some((r) => MAY_RECOMMEND.has(r.role))) return say(T.recommendNotAllowed);
  const who = await resolveName(ctx, cmd.name, 'hardship_recommendation', (account) => `推荐${account}为生活困难党员，因病`);
  if (!who.ok) return say(who.answer);
  if (who.memberId === ctx.identity!.memberId) return say(T.recommendSelf);
  return outcomeReplies(ctx, await recommendForHardship(acting(ctx), { memberId: who.memberId, causes: cmd.causes, note: cmd.note, attested: cmd.attested }));
}

/**
 * The member a name (or chat account) means, among those the writer may act on in this way: one, or an answer
 * that changes nothing — no such person (also for a person outside the writer's reach), or namesakes to tell
 * apart by account. The writer themself is kept, for the caller's own answer.
 */
async function resolveName(ctx: ConversationContext, written: string, what: Approval, example: (account: string) => string): Promise<{ ok: true; memberId: string } | { ok: false; answer: string }> {
  const me = ctx.identity!;
  const person = accessPersonOf(me);
  // 王芳同志 / 王芳党员 mean 王芳 — unless someone is named so (郑老党员).
  const stripped = written.replace(/(?:同志|党员)$/u, '');
  const found = await new OrganisationRepository(ctx.trx).activeNamed(me.committeeId, [...new Set([written, stripped])]);
  const name = stripped !== written && !found.some((m) => m.name === written || m.userid?.toLowerCase() === written.toLowerCase()) ? stripped : written;
  const byAccount = found.filter((m) => m.userid?.toLowerCase() === name.toLowerCase());
  const bearers = (byAccount.length > 0 ? byAccount : found.filter((m) => m.name === name)).filter(
    (m) => m.id === me.memberId || mayApprove(person, what, { memberId: m.id, branchId: m.branch_id, generalBranchId: m.gb_id, committeeId: m.committee_id }),
  );
  if (bearers.length === 0) return { ok: false, answer: `您负责的党员中没有“${name}”，请核对姓名。本次未作修改。` };
  if (bearers.length > 1) {
    const list = bearers.map((b) => `${b.gb}${b.branch}${b.userid ? `，账号 ${b.userid}` : '，无账号'}`).join('；');
    const account = bearers.find((b) => b.userid)?.userid ?? '账号';
    return { ok: false, answer: `有同名同志：${name}（${list}）。请改用账号，例如“${example(account)}”。本次未作修改。` };
  }
  return { ok: true, memberId: bearers[0]!.id };
}

// ---- the GB's archiving ----

async function archive(ctx: ConversationContext, cmd: Extract<RegistryCommand, { kind: 'archive' }>): Promise<Reply[]> {
  if (!ctx.identity!.roles.some((r) => MAY_ARCHIVE.has(r.role))) return say(T.archiveNotAllowed);
  const who = await resolveName(ctx, cmd.name, 'hardship_archive', (account) => `归档困难党员：${account}，原因：家庭收入已恢复`);
  if (!who.ok) return say(who.answer);
  return outcomeReplies(ctx, await archiveHardship(acting(ctx), { memberId: who.memberId, reason: cmd.reason, writtenName: cmd.name }));
}

// ---- card buttons ----

async function cardClick(ctx: ConversationContext, key: string): Promise<Reply[] | undefined> {
  const { action, ids } = parseCardKey(key);
  const id = ids[0] ?? '';
  switch (action) {
    case A.hardshipCause:
      return causePicked(ctx, id, ids[1] ?? '');
    case A.hardshipConsent:
    case A.hardshipDecline: {
      const agree = action === A.hardshipConsent;
      return outcomeReplies(ctx, await answerConsent(acting(ctx), { entryId: id, agree }), agree ? '已同意' : '不同意', '已处理');
    }
    case A.hardshipApprove:
      return outcomeReplies(ctx, await decideHardship(acting(ctx), { entryId: id, outcome: 'approved', reason: '' }), '已通过', '已处理');
    case A.hardshipReject: {
      // The decision waits for its reason: the next message of the writer (or 取消).
      const ok = await reviewableEntry(acting(ctx), id);
      if (!ok.ok) return withCardUpdate(ctx, say(ok.zh), ok.code === 'not_allowed' ? undefined : '已处理');
      await new ConversationMemoryRepository(ctx.trx).remember(ctx.identity!.memberId, REJECT_TOPIC, ok.entry.id, ctx.now);
      return withCardUpdate(ctx, say(T.askRejectReason(ok.entry)), '待填理由');
    }
    default:
      return undefined;
  }
}

/** Words that are never a reason: a command for another handler, or a courtesy (the 不通过 keeps waiting). */
const NOT_A_REASON = new Set(['待办', '我的待办', '撤销', '本月政治生日', '谈心进度', '帮助']);

/** The message after 不通过: its reason (as written), recorded with the decision; "取消" takes the 不通过 back. */
async function rejectReason(ctx: ConversationContext, text: string, written: string): Promise<Reply[] | undefined> {
  const memory = new ConversationMemoryRepository(ctx.trx);
  const me = ctx.identity!.memberId;
  const [pending] = await memory.recall(me, [REJECT_TOPIC], new Date(ctx.now.getTime() - PENDING_HOURS * 3_600_000));
  const entryId = pending?.ref;
  if (!entryId) return undefined;
  const compact = compactMessage(text);
  if (NOT_A_REASON.has(compact) || smallTalk(text) !== undefined) return undefined;
  await memory.forget(me, REJECT_TOPIC, entryId);
  if (/^(?:取消|撤回|算了|不了)$/u.test(compact)) {
    const entry = await new HardshipRegistryRepository(ctx.trx).entry(entryId);
    return say(entry && entry.status === 'applied' ? T.rejectCancelled(entry) : '已撤回“不通过”。');
  }
  return outcomeReplies(ctx, await decideHardship(acting(ctx), { entryId, outcome: 'rejected', reason: written.replace(/[\s\u3000]+/gu, ' ').replace(/[。.]+$/u, '') }));
}

// ---- 我的帮扶 ----

const STATE_OF_SUBSIDY = { proposed: '待党委组织部确认', active: '发放中', ended: '已结束', withdrawn: '已撤回' } as const;
const monthWords = (ym: string) => `${Number(ym.slice(0, 4))}年${Number(ym.slice(5, 7))}月`;

/** The member's own entry, relief and helpers — theirs to see in full. */
export async function myAssistance(ctx: ConversationContext): Promise<Reply[]> {
  const me = ctx.identity!;
  const entries = await new HardshipRegistryRepository(ctx.trx).entriesOf(me.memberId);
  const overview = new AssistanceOverviewRepository(ctx.trx);
  const [subsidies, aids, helpers] = await Promise.all([overview.subsidiesOf(me.memberId), overview.aidsOf(me.memberId), overview.helpersOf(me.memberId)]);
  const entry = entries.find((e) => LIVE_HARDSHIP_STATES.includes(e.status)) ?? entries[0];
  if (!entry && subsidies.length === 0 && aids.length === 0 && helpers.length === 0) {
    return say('您目前没有生活困难党员登记、补助或结对帮扶记录。如生活遇到困难，可发送“申请困难帮扶：……”写明困难情况，由党总支审核。');
  }
  const lines: string[] = ['**我的帮扶**'];
  if (entry) {
    lines.push(`生活困难党员：${esc(entryStateWords(entry, ctx.today, true, ctx.timeZone))}`);
    lines.push(`> 来源：${sourceWords(entry)}；申报日期：${chineseDate(localDate(entry.created_at, ctx.timeZone), ctx.today)}${entry.decided_at ? `；审核日期：${chineseDate(localDate(entry.decided_at, ctx.timeZone), ctx.today)}` : ''}`);
  } else {
    lines.push('生活困难党员：未登记');
  }
  for (const s of subsidies) {
    const paid = s.paid_months.length > 0 ? `，已发放${s.paid_months.length}个月（最近：${monthWords(s.paid_months[s.paid_months.length - 1]!)}）` : '，尚未发放';
    lines.push(`定额补助：每月${formatYuan(s.amount_fen)}，${monthWords(s.start_month)}至${monthWords(s.end_month)}，${STATE_OF_SUBSIDY[s.status]}${s.status === 'proposed' ? '' : paid}`);
  }
  for (const a of aids) {
    const amount = a.approved_fen !== null ? `，批准金额${formatYuan(a.approved_fen)}` : '';
    lines.push(`突发困难补助：${chineseDate(a.applied_on, ctx.today)}申请${formatYuan(a.requested_fen)}（${EMERGENCY_AID_CAUSE_LABELS[a.cause]}）${amount}；${EMERGENCY_AID_STATE_LABELS[a.status]}`);
  }
  if (helpers.length > 0) {
    const names = helpers.map((h) => esc(h.helper_member_name ?? h.helper_organisation_name ?? '')).join('、');
    lines.push(`结对帮扶：${names}`);
  } else if (entry?.status === 'approved') {
    lines.push('结对帮扶：暂未安排');
  }
  return md(lines.join('\n'));
}

// ---- 困难党员名单 ----

const LIST_REFUSAL = '生活困难党员名单涉及个人隐私，由党支部书记、党总支和党委组织部掌握。如您本人生活困难，可发送“申请困难帮扶：……”；查看本人情况，请发送“我的帮扶”。';

/** The organisation whose list the writer asks for: as written (本支部 / 本总支), else the widest they hold. */
function listedOrganisation(ctx: ConversationContext, scope: 'branch' | 'general_branch' | null): string | undefined {
  const me = ctx.identity!;
  if (scope === 'branch') return me.branch.id;
  if (scope === 'general_branch') return me.generalBranch.id;
  const role = (codes: string[]) => me.roles.find((r) => codes.includes(r.role));
  return (role(['od_staff']) ?? role(['gb_secretary', 'gb_member', 'unit_leader']) ?? role(['branch_secretary']))?.organisation.id;
}

export async function hardshipList(ctx: ConversationContext, scope: 'branch' | 'general_branch' | null): Promise<Reply[]> {
  const orgId = listedOrganisation(ctx, scope);
  const org: OrganisationPlace | undefined = orgId ? await loadOrganisationPlace(ctx.trx, orgId) : undefined;
  if (!org || !maySeeHardshipList(accessPersonOf(ctx.identity!), org)) return say(LIST_REFUSAL);
  const registry = new HardshipRegistryRepository(ctx.trx);
  const all = await registry.listIn({ kind: org.kind, id: org.id }, ['approved', 'applied', 'awaiting_consent']);
  const approved = all.filter((e) => e.status === 'approved');
  const pending = all.filter((e) => e.status !== 'approved');
  const title = org.kind === 'committee' ? '全校' : organisationName(ctx, org);
  if (all.length === 0) return say(`${title}目前没有生活困难党员，也没有待审核的申报。`);
  const line = (e: HardshipEntry) =>
    `- ${esc(e.member_name)}${org.kind === 'branch' ? '' : `（${esc(e.branch)}）`}：${causeWords(e.causes)}${e.decided_at ? `，${chineseDate(localDate(e.decided_at, ctx.timeZone), ctx.today)}确定` : ''}${e.member_userid ? '' : '；无账号'}`;
  const out: string[] = [`**${esc(title)}生活困难党员名单（${approved.length}人）**`];
  if (org.kind === 'committee') {
    let gb = '';
    for (const e of approved) {
      if (e.general_branch !== gb) {
        gb = e.general_branch;
        out.push(`**${esc(gb)}（${approved.filter((x) => x.general_branch === gb).length}人）**`);
      }
      out.push(line(e));
    }
  } else {
    out.push(...approved.map(line));
  }
  if (pending.length > 0) {
    out.push(`**待审核（${pending.length}人）**`);
    for (const e of pending) out.push(`- ${esc(e.member_name)}（${esc(org.kind === 'committee' ? `${e.general_branch}${e.branch}` : e.branch)}）：${causeWords(e.causes)}，${e.status === 'awaiting_consent' ? '待本人同意' : '待党总支审核'}`);
  }
  out.push('> 名单涉及个人隐私，请注意保密。');
  return md(out.join('\n'));
}

/** The listed organisation's name: the writer's own branch or GB, or one where they hold a role. */
function organisationName(ctx: ConversationContext, org: OrganisationPlace): string {
  const me = ctx.identity!;
  if (org.id === me.branch.id) return me.branch.name;
  if (org.id === me.generalBranch.id) return me.generalBranch.name;
  return me.roles.find((r) => r.organisation.id === org.id)?.organisation.name ?? '';
}
