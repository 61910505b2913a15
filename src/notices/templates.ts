// The Chinese text of every calendar notice (MECHANISM 1.1, 2.1–2.3, 3.3), kept here and nowhere else.
// Each renderer takes typed values only; `assertRendered` refuses a message with anything left unfilled,
// since a greeting with a placeholder in it is a bug (MECHANISM 2.3).
import type { OutboundMessage } from '../platforms/types.ts';
import { chineseFullDate as cn, chineseMonthDay } from '../domain/format.ts';
import { escapeMarkdown as esc } from './markdown.ts';
import type { BirthdayBasis } from './settings.ts';

/** WeCom truncates markdown beyond 2048 bytes (wecom-protocol.md §3.2); keep a margin. */
const MAX_BYTES = 1_900;

export interface PersonLine {
  name: string;
  detail?: string;
}


/** Lists as many lines as fit, then says how many more there are (`more`: where the rest can be found). */
function fitList(header: string, lines: string[], footer: string, more = '完整名单请向党委组织部索取'): string {
  const out = [header];
  let bytes = Buffer.byteLength(header + footer) + 40;
  let shown = 0;
  for (const line of lines) {
    const b = Buffer.byteLength(line) + 1;
    if (bytes + b > MAX_BYTES) break;
    out.push(line);
    bytes += b;
    shown++;
  }
  if (shown < lines.length) out.push(`……另有 ${lines.length - shown} 人，${more}`);
  if (footer) out.push(footer);
  return out.join('\n');
}

const md = (content: string): OutboundMessage => ({ type: 'markdown', content });
// Names, branches and details come from the roster: escaped, so none of them can become a link or markup.
const people = (list: PersonLine[]) => list.map((p) => `- ${esc(p.name)}${p.detail ? `（${esc(p.detail)}）` : ''}`);
/** The visit holidays in Chinese: the built-in ones by id (domain/schedule.ts), the OD's own by the name it gave. */
const BUILT_IN_HOLIDAYS: Record<string, string> = { 'spring-festival': '春节', 'party-founding': '“七一”' };
export const holidayName = (h: { id: string; name: string }): string => BUILT_IN_HOLIDAYS[h.id] ?? h.name;

export const belatedNote = (late: boolean) => (late ? '\n> 系统维护期间延迟送达，敬请谅解。' : '');

/**
 * A reminder or an escalation as the sweep writes it: the heading in bold ("督办：…" for an escalation), the body,
 * and the apology when the sweep is late. The caller escapes what the roster wrote in the body.
 */
export const sweepNotice = (heading: string, body: string, late: boolean): OutboundMessage => md(`**${heading}**\n${body}${belatedNote(late)}`);

/** How a month's birthday list marks a member without a chat account (MECHANISM 2.3): no greeting reaches them. */
export const NO_ACCOUNT_MARK = '无企业微信/钉钉：请寄送入党纪念贺信或短信';
/**
 * What the political birthday counts from, in the greeting's words (setting political_birthday_basis): the join
 * date is 入党, the full-membership date 转正 — "转正20周年的政治生日（2006年5月8日转正）".
 */
export const POLITICAL_BIRTHDAY_WORD: Record<BirthdayBasis, string> = { join_date: '入党', full_member_date: '转正' };

export const NOTICE_TEMPLATES = {
  /**
   * `retired` (domain/retirement.ts): a retiree is thanked for what they gave, not sent back to a post.
   * `joinDate` is the date the political birthday counts from: the join date, or by `basis` the full-membership date.
   */
  birthdayGreeting(p: { name: string; years: number; joinDate: string; basis?: BirthdayBasis; branch: string; retired: boolean; late: boolean }): OutboundMessage {
    const since = POLITICAL_BIRTHDAY_WORD[p.basis ?? 'join_date'];
    const title = p.late ? '迟到的政治生日祝福' : '政治生日快乐';
    return md(
      [
        `**${title}**`,
        p.retired ? `${esc(p.name)}老同志：` : `${esc(p.name)}同志：`,
        `${p.late ? '前几日' : '今天'}是您${since}${p.years}周年的政治生日（${cn(p.joinDate)}${since}）。${esc(p.branch)}全体同志向您致以诚挚的祝福！`,
        p.retired
          ? '感谢您多年来为党的事业作出的贡献。祝您身体健康、生活幸福，退休不褪色，继续发挥老党员的示范作用。'
          : '愿您不忘入党初心，牢记党员身份，立足岗位，继续发挥先锋模范作用。',
      ].join('\n') + belatedNote(p.late),
    );
  },

  /** `withoutAccount`: how many listed members have no chat account (their lines say so: a letter or text instead). */
  birthdayMonthList(p: { branch: string; year: number; month: number; members: PersonLine[]; withoutAccount?: number; late: boolean }): OutboundMessage {
    const letters = p.withoutAccount ? `标注“无企业微信/钉钉”的同志收不到系统祝福，寄送后请回复“已寄贺信：姓名”或“已发短信：姓名”登记。` : '';
    return md(
      fitList(
        `**${p.month}月政治生日名单**\n${esc(p.branch)}本月有 ${p.members.length} 名党员过政治生日，请安排集体过政治生日、重温入党誓词或寄送入党纪念贺信：`,
        people(p.members),
        `活动开展后，请回复“已开展${p.month}月集体政治生日活动”登记，可在括号中注明形式，如“（重温入党誓词）”。${letters}${belatedNote(p.late)}`,
      ),
    );
  },

  /** `count`: the month's members not yet covered (no branch activity logged, no letter or text logged for them). */
  birthdayActivityReminder(p: { branch: string; month: number; count: number; late: boolean }): OutboundMessage {
    return md(
      `**提醒：${p.month}月政治生日活动尚未登记**\n${esc(p.branch)}本月过政治生日的党员中，尚有 ${p.count} 名未登记活动。开展集体活动后请回复“已开展${p.month}月集体政治生日活动”；寄送贺信或短信的，请回复“已寄贺信：姓名”或“已发短信：姓名”。${belatedNote(p.late)}`,
    );
  },

  talkQuotaProgress(p: { year: number; done: number; total: number; remaining: PersonLine[]; late: boolean }): OutboundMessage {
    const header =
      p.remaining.length === 0
        ? `**${p.year}年谈心进度：已全部完成**\n您今年应谈心 ${p.total} 人，已完成 ${p.done} 人。感谢您的辛勤工作！`
        : `**${p.year}年谈心进度：已完成 ${p.done}/${p.total}**\n以下同志今年尚未谈心：`;
    return md(fitList(header, people(p.remaining), p.remaining.length ? `谈心后发一句话即可登记，如“今天和××谈心了”。${belatedNote(p.late)}` : belatedNote(p.late)));
  },

  talkQuotaRemaining(p: { year: number; owners: PersonLine[]; late: boolean }): OutboundMessage {
    return md(fitList(`**${p.year}年度谈心未完成情况**\n截至今日，以下同志仍有年度谈心任务未完成：`, people(p.owners), belatedNote(p.late)));
  },

  /**
   * The GB's list for the May/November verification (the nudge, and the answer to 核实名单): each entry with its
   * causes and what the verification has done to it so far. The cards that follow carry the buttons.
   */
  hardshipReviewNudge(p: { generalBranch: string; year: number; month: number; entries: PersonLine[]; late: boolean }): OutboundMessage {
    const typed = '也可一次回复多条，如“王芳 已好转；张伟 仍困难 病；新增 冯无号 残”（仍困难后可写新的原因，已好转后可写原因）。';
    const submit = '核实完后点“核实完毕”或回复“核实完毕”，即报党委组织部；未逐一核实的同志按“仍困难、无变化”上报。';
    if (p.entries.length === 0) {
      return md(
        `**${p.year}年${p.month}月生活困难党员信息核实**\n${esc(p.generalBranch)}目前没有生活困难党员。如需新增，请回复“新增 姓名 原因”，如“新增 冯无号 残”。${submit}${belatedNote(p.late)}`,
      );
    }
    return md(
      fitList(
        `**${p.year}年${p.month}月生活困难党员信息核实**\n请于本月内核实、更新${esc(p.generalBranch)}生活困难党员名单（共 ${p.entries.length} 名）并报党委组织部：`,
        people(p.entries),
        `请在下方卡片上逐人点“仍困难”或“已好转”；${typed}${submit}${belatedNote(p.late)}`,
        '请在卡片上翻页查看',
      ),
    );
  },

  /** `total`: entries on the list now; `unmarked`: those of them nobody has confirmed or archived yet. */
  hardshipReviewReminder(p: { generalBranch: string; month: number; total: number; unmarked: number; late: boolean }): OutboundMessage {
    const progress = p.total > 0 ? `（名单现有 ${p.total} 名，尚有 ${p.unmarked} 名未核实）` : '';
    return md(
      `**提醒：${p.month}月困难党员核实尚未上报**\n${esc(p.generalBranch)}尚未上报本月生活困难党员核实情况${progress}。回复“核实名单”可再次收到名单卡片；核实完后请回复“核实完毕”上报。${belatedNote(p.late)}`,
    );
  },

  /** The GBs that have not submitted by the last working day, and the totals of those that have. */
  hardshipReviewEscalation(p: {
    year: number;
    month: number;
    generalBranches: PersonLine[];
    submitted: { generalBranches: number; verified: number; added: number; archived: number; causesChanged: number };
    late: boolean;
  }): OutboundMessage {
    const s = p.submitted;
    const done =
      s.generalBranches > 0
        ? `已上报 ${s.generalBranches} 个党总支，核实后生活困难党员共 ${s.verified} 名；新增 ${s.added} 名、归档 ${s.archived} 名、原因变更 ${s.causesChanged} 名。`
        : '尚无党总支上报。';
    return md(
      fitList(
        `**${p.year}年${p.month}月困难党员核实：未上报单位**\n以下 ${p.generalBranches.length} 个党总支尚未上报核实情况：`,
        people(p.generalBranches),
        `${done}${belatedNote(p.late)}`,
      ),
    );
  },

  /**
   * The same text to every member (no name in it): identical messages go out in batches of one platform call's
   * recipients (wecom-protocol.md §3.2), which at a million members is the difference between a thousand calls
   * and a million.
   */
  selfEvalNudge(p: { year: number; quarter: number; windowEnd: string; reminder: boolean; late: boolean }): OutboundMessage {
    return md(
      `**${p.reminder ? '提醒：' : ''}${p.year}年第${p.quarter}季度党员自评**\n${p.reminder ? '您尚未提交本季度自评，' : '各位党员同志：'}请于${cn(p.windowEnd)}前完成本季度自评，对照“个人亮岗履职”目标总结本季度思想、工作和作风情况。直接发送“季度自评：本季度……”即可提交（可分多行），截止前重新发送可修改。${belatedNote(p.late)}`,
    );
  },

  evaluationNudge(p: { branch: string; title: string; deadline: string; late: boolean }): OutboundMessage {
    return md(`**${p.title}**\n请${esc(p.branch)}按要求组织开展${p.title}，${p.deadline}。${belatedNote(p.late)}`);
  },

  /** `ownSecretary`: the list of those who are themselves their organisation's only secretary, to the office above. */
  holidayVisitList(p: { branch: string; holiday: string; date: string; members: PersonLine[]; reminder: boolean; late: boolean; ownSecretary?: boolean }): OutboundMessage {
    const own = p.ownSecretary ? '（本人是所在党组织书记，不自己走访自己，由上级党组织走访）' : '';
    const header = p.reminder
      ? `**提醒：${p.holiday}走访慰问尚未完成**\n${p.holiday}（${cn(p.date)}）将至，${esc(p.branch)}以下 ${p.members.length} 名同志${own}尚未走访：`
      : p.ownSecretary
        ? `**${p.holiday}走访慰问名单**\n${p.holiday}（${cn(p.date)}）前，请走访慰问${esc(p.branch)}以下 ${p.members.length} 名同志${own}：`
        : `**${p.holiday}走访慰问名单**\n${p.holiday}（${cn(p.date)}）前，请${esc(p.branch)}走访慰问以下 ${p.members.length} 名生活困难党员和老党员：`;
    return md(
      fitList(
        header,
        people(p.members),
        `走访后发一句话即可登记，如“今天走访了××，节日慰问，送慰问金500元”；名单中每人都是一项待办，发送「我的待办」可查看。${p.reminder ? '' : '名单下发前的走访不计入本次节日慰问。'}${belatedNote(p.late)}`,
      ),
    );
  },

  holidayVisitSummary(p: { holiday: string; date: string; rows: PersonLine[]; visited: number; total: number; late: boolean }): OutboundMessage {
    return md(
      fitList(
        `**${p.holiday}走访慰问情况汇总**\n${cn(p.date)}${p.holiday}应走访 ${p.total} 人，已走访 ${p.visited} 人。各党总支：`,
        people(p.rows),
        belatedNote(p.late),
      ),
    );
  },

  vacantOffices(p: { offices: PersonLine[]; late: boolean }): OutboundMessage {
    return md(
      fitList(
        `**提示：以下 ${p.offices.length} 个党组织负责人空缺**\n在补齐之前，其通知和待办（节日走访、政治生日名单、评议提醒、谈心走访任务等）由上一级党组织代收代办（支部→党总支→党委组织部）：`,
        people(p.offices),
        `请督促相关党组织尽快配齐负责人，并在名册中更新后重新导入。${belatedNote(p.late)}`,
      ),
    );
  },

  /** Days missed while the service was down beyond the catch-up window: one message, never a silent skip. */
  sweepDaysSkipped(p: { ranges: Array<[string, string]>; days: number; windowDays: number; families: string[] }): OutboundMessage {
    const when = p.ranges.map(([a, b]) => (a === b ? cn(a) : `${cn(a)}至${a.slice(0, 4) === b.slice(0, 4) ? chineseMonthDay(b) : cn(b)}`)).join('、');
    return md(
      fitList(
        `**系统提示：以下日期因停机未发送：${when}（共${p.days}天）**\n超出补发期限（${p.windowDays}天），这些日期的提醒不再补发。其间按日程应发送：`,
        p.families.map((f) => `- ${esc(f)}`),
        '请核对其间应开展的关怀工作（如节日走访名单、政治生日名单），必要时通知相关党组织补办。',
      ),
    );
  },

  // ---- quarterly self-evaluation counts and the January goals nudges (issue 13 sections 1–2) ----

  selfEvalBranchCount(p: { branch: string; year: number; quarter: number; windowEnd: string; active: number; submitted: number; late: boolean }): OutboundMessage {
    const left = p.active - p.submitted;
    return md(
      `**${p.year}年第${p.quarter}季度党员自评进度**\n${esc(p.branch)}在册${p.active}人，已提交${p.submitted}人，尚有${left}人未提交，发送“本季度未自评名单”查看。自评于${cn(p.windowEnd)}截止；没有企业微信/钉钉账号的党员，请发送“代××提交季度自评：……”代为提交。${belatedNote(p.late)}`,
    );
  },

  goalsNudge(p: { organisation: string; level: 'branch' | 'general_branch'; year: number; reminder: boolean; late: boolean; standIn?: boolean }): OutboundMessage {
    const own = p.standIn ? esc(p.organisation) : p.level === 'branch' ? '本支部' : '本总支';
    return md(
      `**${p.reminder ? '提醒：' : ''}${p.year}年组织目标**\n${p.reminder ? `${esc(p.organisation)}尚未登记${p.year}年目标，` : ''}请结合${esc(p.organisation)}实际确定${p.year}年工作目标，发送“${own}${p.year}年目标：……”登记（可分多行）。${belatedNote(p.late)}`,
    );
  },

  /** The same text to every member, like the self-evaluation nudge: batched. */
  commitmentNudge(p: { year: number; reminder: boolean; late: boolean }): OutboundMessage {
    return md(
      `**${p.reminder ? '提醒：' : ''}${p.year}年个人亮岗履职承诺**\n${p.reminder ? '您尚未登记今年的亮岗承诺，' : '各位党员同志：'}请立足本职岗位作出${p.year}年亮岗承诺，发送“亮岗承诺：……”登记。${belatedNote(p.late)}`,
    );
  },

  holidayDataMissing(p: { year: number }): OutboundMessage {
    return md(
      `**提醒：${p.year}年法定节假日数据尚未更新**\n系统暂按周末安排工作日提醒，调休日可能不准确。请系统管理员在国务院办公厅公布${p.year}年节假日安排后更新节假日数据（见部署说明）。`,
    );
  },
};

/**
 * A notice that reaches someone because an office below them is vacant says so (MECHANISM "Offices, not only
 * people": a vacant office passes it one level up): 教工第二党支部暂无支部书记，此项工作由您代为安排。
 */
export function withStandIn(message: OutboundMessage, vacant: ReadonlyArray<{ organisation: string; title: string }>): OutboundMessage {
  if (vacant.length === 0 || message.type !== 'markdown') return message;
  const who = vacant.map((v) => `${esc(v.organisation)}暂无${v.title}`).join('、');
  return { ...message, content: `${message.content}\n> ${who}，此项工作由您代为安排。` };
}

const LEFTOVER = /\{\{|\}\}|\$\{|undefined|NaN|\bnull\b|\[object Object\]/;

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
  else if (typeof v === 'number' && !Number.isFinite(v)) out.push('NaN');
  return out;
}

/** Throws when any text of a rendered message has anything left unfilled. */
export function assertRendered(message: OutboundMessage): OutboundMessage {
  for (const text of strings(message)) {
    const m = LEFTOVER.exec(text);
    if (m) throw new Error(`notice rendered incompletely (found "${m[0]}")`);
  }
  return message;
}
