// The dashboard's figures in chat words (issue 16 section 4): the digests and the on-demand answers (本总支谈心进度,
// 本支部逾期事项, 计算机学院走访情况). Pure: figures in, markdown out. Names come from the roster and are escaped, so
// none can become a link or markup; the numbers are FigureSource's, the same as the dashboard's.
import { chineseDate, chineseMonthDay } from '../domain/format.ts';
import { escapeMarkdown as esc } from '../notices/markdown.ts';
import { fitList, MESSAGE_MAX_BYTES } from '../notices/message-limit.ts';
import { belatedNote } from '../notices/templates.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { openItemLines, type Digest, type DigestSection, type OpenItemLine } from './digests.ts';
import { percentOf, type Figures } from './figures.ts';

const md = (content: string): OutboundMessage => ({ type: 'markdown', content });

/** How every chat answer about figures ends: where the charts and the details are. */
export const DASHBOARD_POINTER = '查看图表和明细，请发送“后台”获取工作台登录链接。';

/** done/owed and the percentage (— when nothing is owed). */
export function progressWords(done: number, owed: number): string {
  const p = percentOf(done, owed);
  return `${done}/${owed}（${p === null ? '—' : `${p}%`}）`;
}

/** One open item in words (a digest's line). */
export function openItemWords(l: OpenItemLine): string {
  switch (l.item) {
    case 'trigger':
      return `五必访、五必谈事项 ${l.open} 项${l.overdue > 0 ? `，其中逾期 ${l.overdue} 项` : ''}`;
    case 'talkQuota':
      return `年度谈心尚余 ${l.open} 人次（已完成 ${l.progress!.done}/${l.progress!.owed}）`;
    case 'holidayVisits':
      return `节日走访尚余 ${l.open} 人（已走访 ${l.progress!.done}/${l.progress!.owed}）`;
    case 'hardshipVerification':
      return `困难党员信息本轮待核实 ${l.open} 人`;
    case 'relief':
      return `本月定额补助待发放 ${l.open} 笔`;
    case 'suggestions':
      return `意见建议待答复 ${l.open} 件${l.overdue > 0 ? `，其中逾期 ${l.overdue} 件` : ''}`;
  }
}

const countWords = (open: number, overdue: number) => `待办 ${open} 项${overdue > 0 ? `，其中逾期 ${overdue} 项` : ''}`;

const DIGEST_TITLE: Record<Digest['kind'], string> = { weekly: '本周工作提示', monthly: '本月工作提示', quarterly: '本季度工作提示' };
const PARTS_WORD: Record<DigestSection['level'], string> = { committee: '党总支', general_branch: '支部', branch: '' };
/** How many of a section's parts a digest names (most overdue first); the dashboard has the rest. */
const PARTS_SHOWN = 5;

function sectionLines(s: DigestSection): string[] {
  const out = [`**${esc(s.name)}**：${countWords(s.open, s.overdue)}`, ...openItemLines(s.figures).map((l) => `- ${openItemWords(l)}`)];
  if (s.parts.length > 1 && PARTS_WORD[s.level]) {
    const named = s.parts.slice(0, PARTS_SHOWN).map((p) => `${esc(p.name)} ${p.open} 项${p.overdue > 0 ? `（逾期 ${p.overdue} 项）` : ''}`);
    out.push(`待办较多的${PARTS_WORD[s.level]}：${named.join('、')}${s.parts.length > PARTS_SHOWN ? `等 ${s.parts.length} 个` : ''}`);
  }
  return out;
}

/**
 * A digest as the person reads it: what is open in each organisation they answer for, item by item, and one link
 * to the dashboard. The link is not a sign-in link (it would expire before it is read): inside WeCom or DingTalk the
 * page signs them in; elsewhere it asks them to send 后台. Without the server's address, only the 后台 way is given.
 */
export function digestMessage(d: Digest, p: { today: string; dashboardUrl: string | undefined; late: boolean }): OutboundMessage {
  const header = [
    `**${DIGEST_TITLE[d.kind]}（${chineseMonthDay(p.today)}）**`,
    `${esc(d.recipient.name)}同志：截至今日，您负责的范围内有${countWords(d.open, d.overdue)}。`,
  ].join('\n');
  const footer = p.dashboardUrl
    ? `[打开工作台查看详情](${p.dashboardUrl})\n在企业微信或钉钉中点开即可登录；如页面提示登录，请向我发送“后台”获取登录链接。${belatedNote(p.late)}`
    : `查看详情，请向我发送“后台”获取工作台登录链接。${belatedNote(p.late)}`;
  const body = d.sections.flatMap(sectionLines);
  return md(fitList(header, body, footer, (n) => `……另有 ${n} 行，详见工作台`, MESSAGE_MAX_BYTES - 100));
}

// ---- on-demand answers ----

/** An organisation an answer is about, with its figures and those of the parts listed under it. */
export interface FigureTarget {
  /** 全校, 计算机学院党总支, 教工第一党支部, or 您联系的党总支 (a committee member's linked general branches). */
  title: string;
  figures: Figures;
  /** The general branches of the committee, the branches of a general branch; empty for a branch. */
  parts: Array<{ name: string; figures: Figures }>;
}

const finish = (header: string, lines: string[], footer: string) => md(fitList(header, lines, footer ? `${footer}\n${DASHBOARD_POINTER}` : DASHBOARD_POINTER, (n) => `……另有 ${n} 个，详见工作台`));

/** 本总支谈心进度, 本支部谈心进度, 全校谈心进度: the year's talk quotas, done of owed, per part. */
export function talkProgressAnswer(t: FigureTarget, p: { year: number; ownListHint: boolean }): OutboundMessage {
  const f = t.figures;
  const header =
    f.talkQuotaOwed > 0
      ? `**${esc(t.title)}${p.year}年谈心进度：已完成 ${progressWords(f.talkQuotaDone, f.talkQuotaOwed)}**`
      : `**${esc(t.title)}${p.year}年谈心进度**\n今年暂无年度谈心任务。`;
  const lines = t.parts.map((x) => `- ${esc(x.name)}：${x.figures.talkQuotaOwed > 0 ? progressWords(x.figures.talkQuotaDone, x.figures.talkQuotaOwed) : '暂无任务'}`);
  return finish(header, f.talkQuotaOwed > 0 ? lines : [], p.ownListHint && f.talkQuotaDone < f.talkQuotaOwed ? '查看尚未谈心的同志，请发送「谈心进度」。' : '');
}

/** An overdue trigger obligation of a branch, as its secretary sees it (reason only where they may see it). */
export interface OverdueLine {
  kind: 'talk' | 'visit';
  memberName: string;
  /** The trigger's label, or null where the asker may not see it. */
  reason: string | null;
  dueOn: string;
}

const KIND_WORD = { talk: '谈心', visit: '走访' } as const;

/**
 * 本支部逾期事项, 本总支逾期事项, 全校逾期事项: the overdue trigger obligations and suggestions (openItemsOf's
 * overdue). A branch lists its obligations by member and due date; above a branch, the counts per part.
 */
export function overdueAnswer(t: FigureTarget, p: { today: string; obligations?: readonly OverdueLine[] }): OutboundMessage {
  const f = t.figures;
  const header = `**${esc(t.title)}逾期事项（截至${chineseMonthDay(p.today)}）**`;
  const open = f.triggerOpen > 0 ? `另有未到期的五必访、五必谈事项 ${f.triggerOpen} 项。` : '';
  if (f.triggerOverdue === 0 && f.suggestionsOverdue === 0) return finish(`${header}\n目前没有逾期事项。${open}`, [], '');
  const lines: string[] = [];
  if (p.obligations) {
    if (f.triggerOverdue > 0) lines.push(`五必访、五必谈逾期 ${f.triggerOverdue} 项：`);
    for (const o of p.obligations) lines.push(`- ${KIND_WORD[o.kind]} ${esc(o.memberName)}${o.reason ? `（${o.reason}）` : ''}，应于${chineseDate(o.dueOn, p.today)}前完成`);
    if (f.suggestionsOverdue > 0) lines.push(`意见建议逾期未答复 ${f.suggestionsOverdue} 件（答复人发送「待回复的建议」查看）`);
    return finish(header, lines, open);
  }
  const summary = `五必访、五必谈逾期 ${f.triggerOverdue} 项，意见建议逾期未答复 ${f.suggestionsOverdue} 件。`;
  for (const x of t.parts) {
    const o = x.figures;
    if (o.triggerOverdue === 0 && o.suggestionsOverdue === 0) continue;
    lines.push(`- ${esc(x.name)}：${[o.triggerOverdue > 0 ? `五必访、五必谈 ${o.triggerOverdue} 项` : '', o.suggestionsOverdue > 0 ? `意见建议 ${o.suggestionsOverdue} 件` : ''].filter(Boolean).join('，')}`);
  }
  return finish(`${header}\n${summary}`, lines, open);
}

/**
 * 计算机学院走访情况: the holiday visits of the latest campaign (visited of owed), the trigger obligations of the year
 * (the figures count 五必访 and 五必谈 together), and the visits recorded this year and this month.
 */
export function visitsAnswer(t: FigureTarget, p: { year: number; visitsThisYear: number; visitsThisMonth: number }): OutboundMessage {
  const f = t.figures;
  const lines = [
    f.holidayOwed > 0 ? `节日走访（最近一次节日）：已走访 ${progressWords(f.holidayVisited, f.holidayOwed)}${f.holidayOwed > f.holidayVisited ? `，尚余 ${f.holidayOwed - f.holidayVisited} 人` : ''}` : '节日走访：暂无走访任务',
    `五必访、五必谈事项：按时完成 ${f.triggerDoneInTime} 项，逾期完成 ${f.triggerDoneLate} 项，待办 ${f.triggerOpen + f.triggerOverdue} 项${f.triggerOverdue > 0 ? `（其中逾期 ${f.triggerOverdue} 项）` : ''}`,
    `今年已登记走访 ${p.visitsThisYear} 次，其中本月 ${p.visitsThisMonth} 次`,
  ];
  const parts = t.parts.filter((x) => x.figures.holidayOwed > 0).map((x) => `- ${esc(x.name)}：${progressWords(x.figures.holidayVisited, x.figures.holidayOwed)}`);
  return finish(`**${esc(t.title)}走访情况（${p.year}年）**\n${lines.join('\n')}${parts.length > 0 ? '\n节日走访分项：' : ''}`, parts, '');
}
