// Answers that read: 我的待办, 本月政治生日, 谈心进度 — and 撤销, which takes back the writer's last record.
import { reopenFor } from '../care/obligations.ts';
import { CareRecordRepository } from '../db/care-record-repository.ts';
import { ObligationRepository } from '../db/obligation-repository.ts';
import { OfficeRepository } from '../db/office-repository.ts';
import { PoliticalBirthdayRepository } from '../db/political-birthday-repository.ts';
import { officeLists } from '../domain/access.ts';
import { chineseDate, chineseMonthDay } from '../domain/format.ts';
import { obligationState, REASON_LABELS } from '../domain/obligations.ts';
import { escapeMarkdown as esc } from '../notices/markdown.ts';
import { fitList, summariseNames } from '../notices/message-limit.ts';
import { loadCalendarSettings } from '../notices/settings.ts';
import { NO_ACCOUNT_MARK, POLITICAL_BIRTHDAY_WORD } from '../notices/templates.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { assistanceTodo } from '../assistance/todo.ts';
import type { ConversationContext } from './context.ts';
import type { Reply } from './router.ts';

const KIND = { talk: '谈心', visit: '走访' } as const;
/** 与刘洋谈心 / 走访刘洋: how the record is named in a sentence (not 与刘洋的走访). */
const careWith = (kind: 'talk' | 'visit', name: string) => (kind === 'visit' ? `${KIND.visit}${name}` : `与${name}${KIND.talk}`);
const md = (content: string): Reply[] => [{ message: { type: 'markdown', content } }];
const say = (content: string): Reply[] => [{ message: { type: 'text', content } }];
/** Lists show what fits in one message (WeCom keeps 2,048 bytes), then say how many more there are. */
const more = (n: number) => `……另有 ${n} 项`;

/** Open obligations the writer answers for: owned by them, or by an office they hold. */
export async function todoAnswer(ctx: ConversationContext): Promise<Reply[]> {
  const me = ctx.identity!;
  const held = me.roles.map((r) => `${r.role}|${r.organisation.id}`);
  // A vacant office's obligations are the next level's to do (branch → GB → OD; issue 11, point 7).
  const offices = [...held, ...(await new OfficeRepository(ctx.trx).officesPassedTo(held))];
  const obligations = new ObligationRepository(ctx.trx);
  const todo = await obligations.openFor(me.memberId, offices);
  // Assistance steps (a consent, a review …) the writer owes: listed after the talks and visits, with their cards.
  const assistance = await assistanceTodo(ctx.trx, { memberId: me.memberId, offices, today: ctx.today, eventId: ctx.eventId });
  const year = ctx.today.slice(0, 4);
  const { total, done } = await obligations.quotaCount(me.memberId, year);
  const quotaLine = total > 0 ? `\n年度谈心：已完成 ${done}/${total}${total > done ? '，发送「谈心进度」查看名单' : ''}` : '';
  if (todo.length === 0 && assistance.lines.length === 0) return say(`您目前没有待办的谈心、走访事项。${quotaLine}`);
  const lines = todo.map((r) => {
    const overdue = obligationState('open', r.due_on, ctx.today) === 'overdue';
    return `- ${KIND[r.kind]} ${esc(r.name)}（${esc(r.branch)}，${REASON_LABELS[r.reason] ?? r.reason}）${chineseDate(r.due_on, ctx.today)}前${overdue ? ' **已逾期**' : ''}`;
  });
  const howTo = todo.length > 0 ? '完成后发一句话登记，如“今天和××谈心了”。' : '';
  const footer = [quotaLine.slice(1), howTo].filter((x) => x !== '').join('\n');
  const list = md(fitList(`**我的待办（${todo.length + assistance.lines.length}项）**`, [...lines, ...assistance.lines], footer, more));
  return [...list, ...assistance.cards.map((message) => ({ message }))];
}

/** This month's political birthdays: a branch secretary's branches, a GB secretary's GB, the OD's count. */
export async function birthdaysAnswer(ctx: ConversationContext): Promise<Reply[]> {
  const me = ctx.identity!;
  const settings = await loadCalendarSettings(ctx.trx);
  const birthdays = new PoliticalBirthdayRepository(ctx.trx);
  const month = Number(ctx.today.slice(5, 7));
  const year = Number(ctx.today.slice(0, 4));
  // The lists that are the writer's to work with, as the access rule gives them.
  const { branchIds: branches, generalBranchIds: gbs } = officeLists(accessPersonOf(me));
  if (branches.length === 0 && gbs.length === 0) {
    const d = await birthdays.ofMember(me.memberId, settings.birthdayBasis);
    return say(d ? `您的政治生日是每年${chineseMonthDay(d)}（${d.slice(0, 4)}年${POLITICAL_BIRTHDAY_WORD[settings.birthdayBasis]}）。本月过政治生日的名单由支部书记掌握。` : '名册中还没有您的入党日期，请联系支部书记补充。');
  }
  const rows = await birthdays.inMonth(settings.birthdayBasis, month, year, branches, gbs);
  if (rows.length === 0) return say(`${month}月您负责的支部没有党员过政治生日。`);
  const lines = rows.map((r) => `- ${esc(r.name)}（${esc(r.branch)}）${chineseMonthDay(r.d)}，${POLITICAL_BIRTHDAY_WORD[settings.birthdayBasis]}${year - Number(r.d.slice(0, 4))}周年${r.noAccount ? `；${NO_ACCOUNT_MARK}` : ''}`);
  // A GB secretary logs for a branch of the GB, so the example names one.
  const howToLog = me.roles.some((r) => r.role === 'gb_secretary')
    ? `各支部开展集体过政治生日活动后，请发送“支部名称+已开展${month}月集体政治生日活动”登记，例如“${esc(rows[0]!.branch)}已开展${month}月集体政治生日活动”。`
    : `开展集体过政治生日活动后，请发送“已开展${month}月集体政治生日活动”登记。`;
  const letters = rows.some((r) => r.noAccount) ? `寄送贺信或短信后，请发送“已寄贺信：姓名”或“已发短信：姓名”登记。` : '';
  return md(fitList(`**${month}月政治生日（${rows.length}人）**`, lines, howToLog + letters, more));
}

/** The writer's yearly talk quota: done x of y, and who remains. */
export async function progressAnswer(ctx: ConversationContext): Promise<Reply[]> {
  const me = ctx.identity!;
  const year = ctx.today.slice(0, 4);
  const rows = await new ObligationRepository(ctx.trx).quotaProgress(me.memberId, year);
  if (rows.length === 0) return say('您今年没有年度谈心任务（年度谈心任务由党委书记、党委委员和党支部书记承担）。');
  const remaining = rows.filter((r) => !r.done).map((r) => r.name);
  const done = rows.length - remaining.length;
  if (remaining.length === 0) return say(`${year}年谈心任务已全部完成（${done}/${rows.length}），辛苦了！`);
  return md(`**${year}年谈心进度：已完成 ${done}/${rows.length}**\n尚未谈心：${summariseNames(remaining.map(esc), 1_800)}`);
}

/** How long a record may be undone, on the injected clock (records carry its instant). */
const UNDO_HOURS = 24;

/** 撤销: the writer's last record of the past 24 hours. */
export async function undoAnswer(ctx: ConversationContext): Promise<Reply[]> {
  const last = await new CareRecordRepository(ctx.trx).lastUndoable(ctx.identity!.memberId, new Date(ctx.now.getTime() - UNDO_HOURS * 3_600_000));
  if (!last) return say('您在24小时内没有可以撤销的登记。');
  return undoRecord(ctx, last);
}

export async function undoRecord(ctx: ConversationContext, recordId: string): Promise<Reply[]> {
  if (!/^\d{1,18}$/.test(recordId)) return say('没有找到这条登记。');
  const records = new CareRecordRepository(ctx.trx);
  const rec = await records.lockForUndo(recordId, ctx.identity!.memberId, new Date(ctx.now.getTime() - UNDO_HOURS * 3_600_000));
  if (!rec || !rec.mine) return say('没有找到您的这条登记。');
  if (rec.undone) return say(`${careWith(rec.kind, rec.name)}的登记已经撤销过了。`);
  if (!rec.fresh) return say('该登记已超过24小时，无法撤销。如需更正，请联系党委组织部。');
  await records.markUndone(rec.id, ctx.now);
  const reopened = await reopenFor(ctx.trx, rec.id);
  return say(`已撤销：${chineseDate(rec.happened_on, ctx.today)}${careWith(rec.kind, rec.name)}的登记。${reopened.length > 0 ? `相应的 ${reopened.length} 项待办已恢复。` : ''}`);
}
