// The words and cards of the May/November verification (核实更新并上报, MECHANISM 1.1), in the neutral model.
// Pure. The calendar's own messages (the nudge's list, the reminders, the OD's list of GBs that have not
// submitted) are in notices/templates.ts; these are the cards with the buttons, the report each GB's
// submission sends the OD, the OD's summary once every GB has reported, and the answers in chat.
import { HARDSHIP_CAUSE_LABELS, type HardshipCause } from '../domain/assistance.ts';
import type { IsoDate } from '../domain/dates.ts';
import { chineseMonthDay } from '../domain/format.ts';
import { noChanges, pageOf, periodKey, verificationTotals, type SubmittedReport, type VerificationChanges, type VerificationRow, type VerificationSummary } from '../domain/hardship-verification.ts';
import { buttonCard, cardKey, type CardButton } from '../notices/cards.ts';
import { escapeMarkdown as esc } from '../notices/markdown.ts';
import type { PersonLine } from '../notices/templates.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { ASSISTANCE_ACTION as A } from './actions.ts';

/** 患病、残疾; an entry without causes says so. */
export const causeWords = (causes: readonly HardshipCause[]): string => (causes.length > 0 ? causes.map((c) => HARDSHIP_CAUSE_LABELS[c]).join('、') : '未注明');

/** What the period's verification has done to an entry so far, in a word or two. */
export function markOf(r: Pick<VerificationRow, 'status' | 'action' | 'causesBefore' | 'causesAfter' | 'byDefault'>): string {
  if (r.action === 'archived' || r.status !== 'approved') return '已好转，已归档';
  if (r.action === 'added') return '新增';
  if (r.action === 'confirmed') {
    if (r.byDefault) return '无变化';
    return r.causesBefore.join() === r.causesAfter.join() ? '仍困难' : '仍困难，原因已更新';
  }
  return '未核实';
}

/** The list's lines for the nudge (notices/templates.ts hardshipReviewNudge). */
export const entryLines = (rows: readonly VerificationRow[]): PersonLine[] =>
  rows.map((r) => ({ name: r.name, detail: `${r.branch}；${causeWords(r.causes)}；${markOf(r)}` }));

/**
 * One page of the GB's list as a card: two entries, each with 仍困难 and 已好转, then 下一页 and 核实完毕 — six
 * buttons at most. An entry already archived in the period shows its mark and no button.
 */
export function verificationPageCard(p: { taskId: string; gbId: string; generalBranch: string; period: string; rows: readonly VerificationRow[]; page: number }): OutboundMessage {
  const { page, pages, entries } = pageOf(p.rows, p.page);
  const month = Number(p.period.slice(5));
  const key = periodKey(p.period);
  const buttons: CardButton[] = [];
  for (const r of entries) {
    if (r.status !== 'approved') continue;
    buttons.push({ text: `${r.name}仍困难`, actionKey: cardKey(A.verifyConfirm, r.entryId, key) });
    buttons.push({ text: `${r.name}已好转`, actionKey: cardKey(A.verifyArchive, r.entryId, key), style: 'secondary' });
  }
  if (page < pages) buttons.push({ text: '下一页', actionKey: cardKey(A.verifyPage, p.gbId, key, String(page + 1)), style: 'secondary' });
  buttons.push({ text: '核实完毕', actionKey: cardKey(A.verifySubmit, p.gbId, key) });
  return buttonCard({
    taskId: p.taskId,
    title: `${month}月困难党员核实（${page}/${pages}）`,
    desc: p.generalBranch,
    ...(entries.length > 0 ? { fields: entries.map((r): [string, string] => [r.name, `${markOf(r)}｜${causeWords(r.causes)}｜${r.branch}`]) } : {}),
    note:
      entries.length > 0
        ? '请逐人点“仍困难”或“已好转”；原因有变化的，请回复“姓名 仍困难 新原因”，如“张伟 仍困难 病”。点“核实完毕”即上报党委组织部，未点选的按无变化上报。'
        : '名单中暂无生活困难党员。如需新增，请回复“新增 姓名 原因”；核实无误，请点“核实完毕”。',
    buttons,
  });
}

const personLine = (c: { name: string; branch: string }, detail: string) => `- ${esc(c.name)}（${esc(c.branch)}）：${esc(detail)}`;

/** The lines of what changed, for the OD's report. */
function changeLines(c: VerificationChanges): string[] {
  if (noChanges(c)) return ['无变化。'];
  return [
    ...(c.added.length > 0 ? [`新增 ${c.added.length} 名：`, ...c.added.map((a) => personLine(a, causeWords(a.causes)))] : []),
    ...(c.archived.length > 0 ? [`归档 ${c.archived.length} 名：`, ...c.archived.map((a) => personLine(a, a.reason || '情况好转'))] : []),
    ...(c.causesChanged.length > 0
      ? [`原因变更 ${c.causesChanged.length} 名：`, ...c.causesChanged.map((a) => personLine(a, `${causeWords(a.before)} → ${causeWords(a.after)}`))]
      : []),
  ];
}

/** What one GB's submission tells the OD: the verified count and what changed (or 无变化). One message per GB. */
export function verificationReport(p: { generalBranch: string; period: string; summary: VerificationSummary; by: string | null; on: IsoDate }): OutboundMessage {
  const [year, month] = [p.period.slice(0, 4), Number(p.period.slice(5))];
  const s = p.summary;
  const how = s.confirmedByDefault > 0 ? `（其中 ${s.confirmedByDefault} 名未逐一标记，按无变化上报）` : '';
  return {
    type: 'markdown',
    content: [
      `**${esc(p.generalBranch)}${year}年${month}月困难党员核实已上报**`,
      `核实后生活困难党员 ${s.verifiedCount} 名${how}。`,
      ...changeLines(s.changes),
      `上报人：${p.by ? esc(p.by) : '党委组织部（代为登记）'}；上报日期：${chineseMonthDay(p.on)}。`,
    ].join('\n'),
  };
}

/** The OD's summary when the last GB has submitted: the committee's totals and each GB's figures. */
export function verificationSummaryMessage(p: { period: string; reports: ReadonlyArray<SubmittedReport & { generalBranch: string }> }): OutboundMessage {
  const [year, month] = [p.period.slice(0, 4), Number(p.period.slice(5))];
  const t = verificationTotals(p.reports);
  const figures = (r: SubmittedReport) =>
    noChanges(r.changes) ? '无变化' : [`新增${r.changes.added.length}`, `归档${r.changes.archived.length}`, `原因变更${r.changes.causesChanged.length}`].join('、');
  return {
    type: 'markdown',
    content: [
      `**${year}年${month}月困难党员核实：各党总支均已上报**`,
      `${t.generalBranches} 个党总支均已上报，核实后生活困难党员共 ${t.verified} 名；新增 ${t.added} 名、归档 ${t.archived} 名、原因变更 ${t.causesChanged} 名。`,
      ...p.reports.map((r) => `- ${esc(r.generalBranch)}：${r.verifiedCount} 名，${figures(r)}`),
    ].join('\n'),
  };
}

/** The answer to the one who submitted. */
export function submittedText(p: { generalBranch: string; period: string; summary: VerificationSummary; confirmedNow: number }): string {
  const [year, month] = [p.period.slice(0, 4), Number(p.period.slice(5))];
  const c = p.summary.changes;
  const names = (list: ReadonlyArray<{ name: string }>) => list.map((x) => x.name).join('、');
  const what = noChanges(c)
    ? '名单无变化'
    : [
        ...(c.added.length > 0 ? [`新增 ${names(c.added)}`] : []),
        ...(c.archived.length > 0 ? [`归档 ${names(c.archived)}`] : []),
        ...(c.causesChanged.length > 0 ? [`原因变更 ${names(c.causesChanged)}`] : []),
      ].join('；');
  const byDefault = p.confirmedNow > 0 ? `其中 ${p.confirmedNow} 名未逐一核实，按“仍困难、无变化”上报。` : '';
  return `${p.generalBranch}${year}年${month}月生活困难党员核实情况已上报党委组织部。核实后生活困难党员 ${p.summary.verifiedCount} 名，${what}。${byDefault}`;
}

/** 本期已上报: who submitted and when. */
export function alreadySubmittedText(p: { generalBranch: string; period: string; by: string | null; on: IsoDate | null }): string {
  const month = Number(p.period.slice(5));
  const when = p.on ? `于${chineseMonthDay(p.on)}` : '';
  const who = p.by ? `已由${p.by}${when}上报` : `已${when}上报`;
  return `${p.generalBranch}${month}月生活困难党员核实${who}，无需重复上报。上报后不能再在本期核实中修改名单；如有同志情况变化，请按日常程序办理（申报、推荐或归档）。`;
}

export const OUTSIDE_PERIOD = '生活困难党员核实在每年5月和11月进行，届时我会把本党总支的名单发给您。如有同志情况变化，请按日常程序办理（申报、推荐或归档）。';

/** Told to a member whose entry the verification archived. */
export const archivedForMember = (p: { name: string; generalBranch: string; period: string }): OutboundMessage => ({
  type: 'text',
  content: `${p.name}同志：在${p.period.slice(0, 4)}年${Number(p.period.slice(5))}月生活困难党员核实中，经${p.generalBranch}确认，您的生活困难情况已好转，您的生活困难党员信息已归档。如有疑问，请与党总支联系。祝您工作顺利、生活幸福！`,
});

/** Told to a helper whose pairing ended with the archive (causes may be known to them, amounts never). */
export const pairingEndedForHelper = (p: { name: string }): OutboundMessage => ({
  type: 'text',
  content: `【结对帮扶】您与${p.name}同志的结对帮扶已结束：经党总支核实，其生活困难情况已好转，信息已归档。感谢您的关心和帮扶！`,
});

/** Told to a member the verification added: they learn it at once, and whom to tell if they do not agree. */
export const addedForMember = (p: { name: string; generalBranch: string; period: string; causes: readonly HardshipCause[]; by: string }): OutboundMessage => ({
  type: 'text',
  content:
    `${p.name}同志：在${p.period.slice(0, 4)}年${Number(p.period.slice(5))}月生活困难党员核实中，经${p.generalBranch}确认，您已列入生活困难党员信息库（困难类型：${causeWords(p.causes)}），` +
    `党组织将按规定为您提供帮扶。列入前已由${p.by}同志征得您本人同意；如有不同意见，请与党总支联系。`,
});
