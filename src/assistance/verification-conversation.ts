// The May/November verification in chat (核实更新并上报, MECHANISM 1.1): the cards' buttons (仍困难 / 已好转 per
// entry, 下一页, 核实完毕), one typed message listing changes ("王芳 已好转；张伟 仍困难 病；新增 冯无号 残"),
// 核实完毕 and 核实名单. Typed messages act on the GBs whose secretary office the writer answers for (vacant:
// the OD); a click is checked against the access rule, since a key can be forged. A typed list is applied
// whole or not at all: while any line is unclear, the answer says which and why, and nothing changes.
import { periodFromKey, summariseVerification, verificationPeriodOn } from '../domain/hardship-verification.ts';
import { HardshipVerificationRepository, type GeneralBranchReport } from '../db/hardship-verification-repository.ts';
import { parseCardKey } from '../notices/cards.ts';
import { NOTICE_TEMPLATES } from '../notices/templates.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { cardUpdate } from '../conversation/replies.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { Reply } from '../conversation/router.ts';
import { ASSISTANCE_ACTION as A } from './actions.ts';
import { matchVerification, type VerificationMessage } from './verification-phrases.ts';
import { alreadySubmittedText, entryLines, OUTSIDE_PERIOD, submittedText, verificationPageCard } from './verification-text.ts';
import {
  applyChanges,
  describeMark,
  generalBranchesAnsweredBy,
  markEntry,
  resolveLines,
  submitVerification,
  submittedBy,
  verifiableGeneralBranch,
  type SubmitOutcome,
  type VerificationContext,
  type Verifier,
} from './verification.ts';

const say = (content: string): Reply => ({ message: { type: 'text', content } });

const NOT_YOURS = '生活困难党员核实由党总支书记办理（党总支书记空缺时由党委组织部代办）。如有同志情况变化，请告知本党总支书记。';
const NOT_ALLOWED = '这项核实不由您办理，或卡片已失效。';

const withCardUpdate = (ctx: ConversationContext, replies: Reply[], replaceName: string): Reply[] => [...replies, ...cardUpdate(ctx, replaceName)];

const contextOf = (ctx: ConversationContext): VerificationContext => ({ trx: ctx.trx, now: ctx.now, today: ctx.today, timeZone: ctx.timeZone });
const verifierOf = (ctx: ConversationContext): Verifier => ({ person: accessPersonOf(ctx.identity!), name: ctx.identity!.name });

/** How far a GB's verification is: 本期名单 5 名，已核实 3 名. */
async function progress(ctx: ConversationContext, gbId: string, period: string): Promise<string> {
  const s = summariseVerification(await new HardshipVerificationRepository(ctx.trx).list(gbId, period));
  return s.unmarked > 0
    ? `本期名单现有 ${s.verifiedCount} 名，尚有 ${s.unmarked} 名未核实；核实完后请点“核实完毕”或回复“核实完毕”。`
    : `本期名单现有 ${s.verifiedCount} 名，均已核实；请点“核实完毕”或回复“核实完毕”上报党委组织部。`;
}

/** The GB's list and its first card (the nudge again), for 核实名单. */
async function listReplies(ctx: ConversationContext, g: GeneralBranchReport, period: string, page = 1): Promise<Reply[]> {
  const rows = await new HardshipVerificationRepository(ctx.trx).list(g.id, period);
  const [year, month] = [Number(period.slice(0, 4)), Number(period.slice(5))];
  const card = verificationPageCard({ taskId: `hvp-${ctx.eventId}-${g.id}-${page}`, gbId: g.id, generalBranch: g.name, period, rows, page });
  if (page > 1) return [{ message: card }];
  return [{ message: NOTICE_TEMPLATES.hardshipReviewNudge({ generalBranch: g.name, year, month, entries: entryLines(rows), late: false }) }, { message: card }];
}

function submitReplies(out: SubmitOutcome, period: string): Reply[] {
  if (out.ok) return [say(submittedText({ generalBranch: out.generalBranch, period, summary: out.summary, confirmedNow: out.confirmedNow })), ...out.notices];
  if (out.refusal === 'submitted') return [say(alreadySubmittedText({ ...out.submitted, period }))];
  return [say(NOT_ALLOWED)];
}

async function typed(ctx: ConversationContext, msg: VerificationMessage): Promise<Reply[] | undefined> {
  const unclear = msg.kind === 'batch' && msg.lines.some((l) => l.kind === 'unclear');
  const period = verificationPeriodOn(ctx.today);
  const verifier = verifierOf(ctx);
  const mayVerifySomewhere = verifier.person.roles.some((r) => r.role === 'gb_secretary' || r.role === 'od_staff');
  // A message half read as a verification, from someone with none to do now, is left to the care conversation.
  if (!period) return unclear ? undefined : [say(mayVerifySomewhere ? OUTSIDE_PERIOD : NOT_YOURS)];
  const gbs = await generalBranchesAnsweredBy(ctx.trx, verifier.person, period);
  if (gbs.length === 0) return unclear ? undefined : [say(NOT_YOURS)];
  const c = contextOf(ctx);

  if (msg.kind === 'list') {
    const out: Reply[] = [];
    for (const g of gbs) out.push(...(g.submittedAt ? [say(alreadySubmittedText({ ...submittedBy(g, ctx.timeZone), period }))] : await listReplies(ctx, g, period)));
    return out;
  }

  if (msg.kind === 'submit') {
    const bare = (s: string) => s.replace(/党总支$/u, '');
    const chosen = msg.generalBranch ? gbs.filter((g) => g.name === msg.generalBranch || bare(g.name) === bare(msg.generalBranch!)) : gbs;
    if (chosen.length === 0) return [say(`您负责核实的党总支为${gbs.map((g) => g.name).join('、')}，其中没有“${msg.generalBranch}”。`)];
    const out: Reply[] = [];
    for (const g of chosen) out.push(...submitReplies(await submitVerification(c, { gbId: g.id, period, verifier, note: '' }), period));
    return out;
  }

  const open = gbs.filter((g) => g.submittedAt === null);
  if (open.length === 0) return gbs.map((g) => say(alreadySubmittedText({ ...submittedBy(g, ctx.timeZone), period })));
  // The GBs' rows are locked before the lines are read, so what is resolved is what is applied.
  const repo = new HardshipVerificationRepository(ctx.trx);
  for (const g of [...open].sort((a, b) => Number(a.id) - Number(b.id))) await repo.lockGeneralBranch(g.id);
  const { changes, problems } = await resolveLines(ctx.trx, { lines: msg.lines, generalBranches: gbs, period, verifier });
  if (problems.length > 0) {
    const lines = problems.map((p) => `第 ${p.line} 条“${p.text}”：${p.why}`);
    return [say(`未作修改。以下${problems.length > 1 ? '各条' : '一条'}需要核对：\n${lines.join('\n')}\n请改正后把整条消息重新发送（已写对的各条也请一并发送）。`)];
  }
  const { applied, notices } = await applyChanges(c, { changes, period, verifier });
  const touched = [...new Set(changes.flatMap((ch) => (ch.kind === 'add' ? [ch.member.gbId] : ch.kind === 'noop' ? [] : [ch.row.gbId])))];
  const heading = open.length === 1 ? `已记录（${open[0]!.name}${Number(period.slice(5))}月核实）：` : `已记录（${Number(period.slice(5))}月核实）：`;
  const lines = applied.map((a) => `- ${a.name}${a.branch && open.length > 1 ? `（${a.branch}）` : ''}：${a.what}`);
  const out: Reply[] = [];
  if (msg.submit) {
    out.push(say([heading, ...lines].join('\n')), ...notices);
    for (const g of open) out.push(...submitReplies(await submitVerification(c, { gbId: g.id, period, verifier, note: '' }), period));
    return out;
  }
  const progressLines = await Promise.all((touched.length > 0 ? touched : open.map((g) => g.id)).map((id) => progress(ctx, id, period)));
  return [say([heading, ...lines, ...progressLines].join('\n')), ...notices];
}

/** 仍困难 / 已好转 / 下一页 / 核实完毕 on a card. */
async function clicked(ctx: ConversationContext, key: string): Promise<Reply[] | undefined> {
  const { action, ids } = parseCardKey(key);
  if (action !== A.verifyConfirm && action !== A.verifyArchive && action !== A.verifyPage && action !== A.verifySubmit) return undefined;
  const [subject = '', periodWritten, pageWritten] = ids;
  const period = periodFromKey(periodWritten);
  if (!period || !/^\d{1,18}$/.test(subject)) return [say(NOT_ALLOWED)];
  const current = verificationPeriodOn(ctx.today);
  if (period !== current) return [say(`这张卡片用于${period.slice(0, 4)}年${Number(period.slice(5))}月核实，已过期。`)];
  const verifier = verifierOf(ctx);
  const c = contextOf(ctx);

  if (action === A.verifyConfirm || action === A.verifyArchive) {
    const out = await markEntry(c, { entryId: subject, period, verifier, ...(action === A.verifyConfirm ? { action: 'confirm', causes: [] } : { action: 'archive', reason: '' }) });
    if (out.ok) {
      const undo = out.done === 'archived' ? `如系误点，请回复“新增 ${out.row.name} 原因”重新列入。` : '';
      return [say(`已记录：${out.row.name}（${out.row.branch}）${describeMark(out)}。${undo}${await progress(ctx, out.row.gbId, period)}`), ...out.notices];
    }
    switch (out.refusal) {
      case 'not_allowed':
        return [say(NOT_ALLOWED)];
      case 'self':
        return [say('本人的信息不能由本人核实，上报时按无变化处理；如有变化，请报党委组织部办理。')];
      case 'submitted':
        return [say(alreadySubmittedText({ ...out.submitted, period }))];
      case 'not_on_list':
        return [
          say(
            out.row.action === 'archived'
              ? `${out.row.name}已于本期核实中归档；如仍困难，请回复“新增 ${out.row.name} 原因”重新列入。`
              : `${out.row.name}已不在生活困难党员名单中，无需核实。`,
          ),
        ];
    }
  }

  const g = await verifiableGeneralBranch(ctx.trx, verifier.person, subject, period);
  if (!g) return [say(NOT_ALLOWED)];
  if (action === A.verifyPage) {
    if (g.submittedAt) return [say(alreadySubmittedText({ ...submittedBy(g, ctx.timeZone), period }))];
    return listReplies(ctx, g, period, Math.max(2, Number(pageWritten) || 2));
  }
  const out = await submitVerification(c, { gbId: g.id, period, verifier, note: '' });
  const replies = submitReplies(out, period);
  return out.ok || out.refusal === 'submitted' ? withCardUpdate(ctx, replies, '已上报') : replies;
}

export const verificationConversation: ConversationHandler = guarded(async (ctx) => {
  if (!ctx.identity) return undefined;
  if (ctx.event.kind === 'card_click') return clicked(ctx, ctx.event.eventKey);
  if (ctx.event.kind !== 'text') return undefined;
  const msg = matchVerification(ctx.event.text);
  return msg ? typed(ctx, msg) : undefined;
});
