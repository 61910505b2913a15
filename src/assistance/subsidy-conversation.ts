// Fixed monthly subsidies in chat (定额补助, MECHANISM 1.2), the OD's: "为张伟设定长期生活补助，每月300元，2027年1月至
// 12月" proposes one and answers with a card to confirm the good record (确认发放 / 撤回); "本月补助已发放",
// "张伟本月补助已发放", "张伟10月补助已发放", "补发张伟10月补助" record payments; "本月补助名单" shows the month's list;
// the renewal card's 续期 / 到期终止 (and the reminder card's, the same keys) decide the next term. Everyone else is
// told who does it, before any name is looked up (no answer reveals the roster, an entry or an amount).
import { accessPersonOf } from '../roster/responsibility.ts';
import { OrganisationRepository } from '../db/organisation-repository.ts';
import { backwardMonth, chineseMonth, monthOf, resolveTerm, type YearMonth } from '../domain/subsidy.ts';
import { parseCardKey } from '../notices/cards.ts';
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { cardUpdate } from '../conversation/replies.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { Reply } from '../conversation/router.ts';
import { ASSISTANCE_ACTION as A } from './actions.ts';
import { matchSubsidyCommand, type SubsidyCommand } from './subsidy-phrases.ts';
import {
  confirmSubsidy,
  endSubsidyAtTerm,
  factsOf,
  paymentList,
  proposeSubsidy,
  recordPayments,
  renewSubsidy,
  subsidySettings,
  TERM_PROBLEM_ZH,
  withdrawSubsidy,
  type Outcome,
  type SubsidyNotice,
} from './subsidies.ts';
import { budgetWarning, confirmationCard, paymentListMessages } from './subsidy-text.ts';

const text = (content: string): Reply => ({ message: { type: 'text', content } });
const others = (notices: readonly SubsidyNotice[]): Reply[] => notices.map((n) => ({ recipient: n.recipient, onceKey: n.onceKey, message: n.message }));

const EXAMPLE = '例如“为张伟设定长期生活补助，每月300元，2027年1月至12月”';

/** Who does each command, for everyone who is not the OD (nothing looked up). */
const ONLY_OD: Record<SubsidyCommand['kind'], string> = {
  set: '定额补助由党委组织部研究设定。如需为党员申请，请与党委组织部联系。',
  paid: '定额补助的发放由党委组织部登记。',
  list: '定额补助发放名单由党委组织部掌握，您无法查看。',
};

type Named = { memberId: string; name: string; branch: string; gb: string; committeeId: string; branchId: string; gbId: string };

/** The written names as members of the committee; nothing is chosen while any name is missing or shared. */
async function resolveNames(ctx: ConversationContext, committeeId: string, written: readonly string[], example: (account: string) => string): Promise<Named[] | Reply[]> {
  // "为郑老党员设定…" is read as 郑老 + 党员: a name that itself ends in 党员 or 同志 is found too.
  const variants = (w: string) => [w, `${w}党员`, `${w}同志`];
  const found = await new OrganisationRepository(ctx.trx).activeNamed(committeeId, written.flatMap(variants));
  const missing: string[] = [];
  const namesakes: string[] = [];
  const chosen: Named[] = [];
  // The example uses an account the writer has just been shown, never one that may be someone else's.
  let shownAccount: string | undefined;
  for (const w of written) {
    const byAccount = found.filter((m) => m.userid?.toLowerCase() === w.toLowerCase());
    const byName = variants(w).map((v) => found.filter((m) => m.name === v)).find((list) => list.length > 0) ?? [];
    const bearers = byAccount.length > 0 ? byAccount : byName;
    if (bearers.length === 0) missing.push(w);
    else if (bearers.length > 1) {
      namesakes.push(`${w}（${bearers.map((b) => `${b.gb}${b.branch}${b.userid ? `，账号 ${b.userid}` : '，无账号'}`).join('；')}）`);
      shownAccount ??= bearers.find((b) => b.userid)?.userid ?? undefined;
    }
    else {
      const b = bearers[0]!;
      chosen.push({ memberId: b.id, name: b.name, branch: b.branch, gb: b.gb, committeeId: b.committee_id, branchId: b.branch_id, gbId: b.gb_id });
    }
  }
  if (missing.length === 0 && namesakes.length === 0) return chosen;
  return [
    text(
      `未作处理。${[
        ...(missing.length > 0 ? [`名册中没有：${missing.join('、')}，请核对姓名。`] : []),
        ...(namesakes.length > 0 ? [`有同名同志：${namesakes.join('；')}。请改用账号，${example(shownAccount ?? '账号')}。`] : []),
      ].join('\n')}`,
    ),
  ];
}

async function onText(ctx: ConversationContext, cmd: SubsidyCommand): Promise<Reply[]> {
  const identity = ctx.identity!;
  const od = identity.roles.find((r) => r.role === 'od_staff');
  if (!od) return [text(ONLY_OD[cmd.kind])];
  const committeeId = od.organisation.id;
  const actor = accessPersonOf(identity);
  const current = monthOf(ctx.today);

  if (cmd.kind === 'list') {
    const month = cmd.month === 'current' ? current : backwardMonth(cmd.month, ctx.today);
    const entries = await paymentList(ctx.trx, month, { committeeId, timeZone: ctx.timeZone });
    if (entries.length === 0) return [text(`${chineseMonth(month)}没有需要发放的定额补助。`)];
    return paymentListMessages(month, entries).map((message) => ({ message }));
  }

  if (cmd.kind === 'paid') {
    const months: YearMonth[] = cmd.months === 'current' ? [current] : cmd.months.map((m) => backwardMonth(m, ctx.today));
    let which: { all: true } | { memberIds: string[] } = { all: true };
    if (cmd.names.length > 0) {
      const named = await resolveNames(ctx, committeeId, cmd.names, (a) => `例如“${a}本月补助已发放”`);
      if (!isNamed(named)) return named;
      which = { memberIds: named.map((n) => n.memberId) };
    }
    const out = await recordPayments(ctx.trx, { actor, committeeId, which, months, now: ctx.now, today: ctx.today, timeZone: ctx.timeZone });
    return [text(out.zh)];
  }

  // set
  if (cmd.amountFen === null) return [text(`请写明每月金额，${EXAMPLE}。`)];
  const named = await resolveNames(ctx, committeeId, [cmd.name], (a) => `例如“为${a}设定长期生活补助，每月300元”`);
  if (!isNamed(named)) return named;
  const member = named[0]!;
  const { termMonths } = await subsidySettings(ctx.trx);
  const term = resolveTerm(cmd, ctx.today, termMonths);
  if ('problem' in term) {
    return [text(`未作设定：${TERM_PROBLEM_ZH[term.problem]}。${EXAMPLE}。`)];
  }
  const out = await proposeSubsidy(ctx.trx, {
    actor,
    member: { memberId: member.memberId, branchId: member.branchId, generalBranchId: member.gbId, committeeId: member.committeeId },
    memberName: member.name,
    amountFen: cmd.amountFen,
    term,
    now: ctx.now,
    today: ctx.today,
  });
  if (!out.ok) return [text(out.zh)];
  const warning = budgetWarning(out.warnings);
  return [text(`${out.zh}${warning ? `\n${warning}` : ''}`), { message: confirmationCard(factsOf(out.value), out.warnings) }];
}

const isNamed = (x: Named[] | Reply[]): x is Named[] => x.length === 0 || 'memberId' in x[0]!;

const CLICKS: Record<string, { step: typeof confirmSubsidy; done: string }> = {
  [A.subsidyConfirm]: { step: confirmSubsidy, done: '已确认发放' },
  [A.subsidyWithdraw]: { step: withdrawSubsidy, done: '已撤回' },
  [A.subsidyRenew]: { step: renewSubsidy, done: '已续期' },
  [A.subsidyEnd]: { step: endSubsidyAtTerm, done: '到期终止' },
};

/** The clicked card says what became of it (a single-use response code); a refusal to act leaves it as it was. */
const withUpdate = (ctx: ConversationContext, replies: Reply[], replaceName: string | undefined): Reply[] => [...replies, ...cardUpdate(ctx, replaceName)];

async function onClick(ctx: ConversationContext, action: string, id: string): Promise<Reply[]> {
  const click = CLICKS[action]!;
  const out: Outcome<unknown> = await click.step(ctx.trx, { actor: accessPersonOf(ctx.identity!), subsidyId: id, now: ctx.now, today: ctx.today });
  if (!out.ok) {
    const replace = out.code === 'not_allowed' ? undefined : out.code === 'not_found' ? '已失效' : out.code === 'overlap' ? undefined : '已处理';
    return withUpdate(ctx, [text(out.zh)], replace);
  }
  const warning = budgetWarning(out.warnings);
  return withUpdate(ctx, [text(`${out.zh}${warning ? `\n${warning}` : ''}`), ...others(out.notices)], click.done);
}

export const subsidyConversation: ConversationHandler = guarded(async (ctx) => {
  if (!ctx.identity) return undefined;
  if (ctx.event.kind === 'card_click') {
    const { action, ids } = parseCardKey(ctx.event.eventKey);
    if (!Object.hasOwn(CLICKS, action)) return undefined;
    return onClick(ctx, action, ids[0] ?? '');
  }
  if (ctx.event.kind !== 'text') return undefined;
  const cmd = matchSubsidyCommand(ctx.event.text);
  return cmd ? onText(ctx, cmd) : undefined;
});
