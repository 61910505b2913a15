// The words of the leadership review (评议领导班子, MECHANISM 3.1), in one place: the rating card, its reminder,
// the answers to members and the results for the OD and GB secretaries. Pure. No text here ever names a member
// next to a rating or a comment, and the answer to a rating never repeats the rating (the answer is stored as a
// delivery to the member: it must not say what they chose).
import { chineseMonthDay as cn } from '../domain/format.ts';
import {
  LEADERSHIP_MIN_ANSWERS_SHOWN,
  LEADERSHIP_RATING_LABELS,
  LEADERSHIP_RATINGS,
  LEADERSHIP_TARGETS,
  type LeadershipRating,
  type LeadershipTarget,
} from '../domain/incentive.ts';
import { buttonCard, cardKey, parseCardKey } from '../notices/cards.ts';
import type { OutboundMessage } from '../platforms/types.ts';

/** The OD's December nudge button that opens the review: `lopen-<year>`. */
export const LEADERSHIP_OPEN_ACTION = 'lopen';

/** The rating buttons' action: `lrate-<review>-<target 1 branch | 2 GB>-<rating 1..3>`. */
export const LEADERSHIP_RATE_ACTION = 'lrate';

export function rateKey(reviewId: string, target: LeadershipTarget, rating: LeadershipRating): string {
  return cardKey(LEADERSHIP_RATE_ACTION, reviewId, String(LEADERSHIP_TARGETS.indexOf(target) + 1), String(LEADERSHIP_RATINGS.indexOf(rating) + 1));
}

/** The review, committee and rating a button key names; undefined for any other key (or a malformed one). */
export function parseRateKey(key: string): { reviewId: string; target: LeadershipTarget; rating: LeadershipRating } | undefined {
  const { action, ids } = parseCardKey(key);
  if (action !== LEADERSHIP_RATE_ACTION || ids.length !== 3 || !/^\d{1,18}$/.test(ids[0]!)) return undefined;
  const target = LEADERSHIP_TARGETS[Number(ids[1]) - 1];
  const rating = LEADERSHIP_RATINGS[Number(ids[2]) - 1];
  return target && rating && /^\d$/.test(ids[1]!) && /^\d$/.test(ids[2]!) ? { reviewId: ids[0]!, target, rating } : undefined;
}

/** Whether a key is a rating button's (answered by the leadership conversation, even when malformed). */
export const isRateKey = (key: string): boolean => parseCardKey(key).action === LEADERSHIP_RATE_ACTION;

/** 教工第一党支部委员会, 计算机学院党总支委员会: the committee (班子) of the organisation rated. */
export const committeeName = (_target: LeadershipTarget, organisation: string): string => `${organisation}委员会`;

const COMMENT_PREFIX: Record<LeadershipTarget, string> = { branch: '支部评议意见', general_branch: '总支评议意见' };

/** One card per committee: three buttons, one per rating (WeCom button_interaction: at most 6 buttons, 10 characters). */
export function ratingCard(p: { taskId: string; reviewId: string; year: number; target: LeadershipTarget; organisation: string; lastDay: string; reminder: boolean; late?: boolean }): OutboundMessage {
  return buttonCard({
    taskId: p.taskId,
    title: `评议${committeeName(p.target, p.organisation)}`,
    desc: `${p.year}年度党员评议领导班子${p.reminder ? ' · 提醒' : ''}${p.late ? ' · 延迟送达' : ''}`,
    fields: [
      ['评议对象', committeeName(p.target, p.organisation)],
      ['截止', cn(p.lastDay)],
    ],
    note: `匿名评议：只统计人数，不记录评议人，提交后不能更改。意见建议请发送“${COMMENT_PREFIX[p.target]}：……”。`,
    buttons: LEADERSHIP_RATINGS.map((r) => ({ text: LEADERSHIP_RATING_LABELS[r], actionKey: rateKey(p.reviewId, p.target, r), style: r === 'satisfied' ? 'primary' : 'secondary' })),
  });
}

/** The card's task id: unique per review, member, committee and sending (a reminder or a resend is a new card). */
export const ratingTaskId = (reviewId: string, memberId: string, target: LeadershipTarget, sending: string): string => `lr${reviewId}-m${memberId}-${target === 'branch' ? 'b' : 'g'}-${sending}`;

/** The OD's nudge on the year-end evaluation day: open the year's review, with a button that does it. */
export function openNudgeCard(p: { taskId: string; year: number; days: number; late: boolean }): OutboundMessage {
  return buttonCard({
    taskId: p.taskId,
    title: `开启${p.year}年度党员评议领导班子`,
    desc: `随年底总评开展${p.late ? ' · 延迟送达' : ''}`,
    fields: [
      ['评议年度', `${p.year}年`],
      ['开放天数', `${p.days}天`],
    ],
    note: `党员每年评议所在支部委员会和党总支委员会（满意、基本满意、不满意），匿名统计。点“开启评议”即向全体党员发送评议卡片；也可发送“开启领导班子评议，10天”另定天数。`,
    buttons: [{ text: '开启评议', actionKey: cardKey(LEADERSHIP_OPEN_ACTION, String(p.year)) }],
  });
}

export const LEADERSHIP_TEXT = {
  notOd: '领导班子评议由党委组织部开启。',
  badYear: (year: number, current: number, evaluated: number) =>
    `未开启：年份${year}年有误。评议年度为今年（${current}年）${evaluated !== current ? `或刚结束的${evaluated}年` : ''}，也可不写年份。`,
  badDays: (days: number) => `未开启：开放天数${days}天有误，请写1至60天，或不写（按默认天数）。`,
  alreadyOpen: (year: number, openedOn: string, lastDay: string, members: number, answered: number) =>
    `${year}年度领导班子评议已于${cn(openedOn)}开启，${cn(lastDay)}截止，正在进行：已完成评议${answered}人，参评${members}人。每年评议一次，无需再次开启。`,
  alreadyHeld: (year: number, openedOn: string, lastDay: string) => `${year}年度领导班子评议已于${cn(openedOn)}至${cn(lastDay)}进行，每年评议一次，不再重新开启。可发送“领导班子评议结果”查看结果。`,
  opened: (p: { year: number; openedOn: string; lastDay: string; carded: number; withoutAccount: number }) =>
    [
      `已开启${p.year}年度党员评议领导班子：${cn(p.openedOn)}至${cn(p.lastDay)}，已向${p.carded}名党员发送评议卡片，每人评议本支部委员会和本党总支委员会（满意、基本满意、不满意）。`,
      p.withoutAccount > 0 ? `另有${p.withoutAccount}名党员未开通账号，未发送卡片，请线下组织评议。` : '',
      '评议匿名进行：只统计人数，不记录评议人；截止前每3个工作日和最后一个工作日提醒尚未评议的党员；截止后发送“领导班子评议结果”查看结果。',
    ]
      .filter(Boolean)
      .join('\n'),
  noReview: '当前没有进行中的领导班子评议。评议由党委组织部每年开启，开启后您会收到评议卡片。',
  closed: (year: number, lastDay: string) => `${year}年度领导班子评议已于${cn(lastDay)}截止，本次评议未被记录。`,
  closedComment: (year: number, lastDay: string) => `${year}年度领导班子评议已于${cn(lastDay)}截止，您的意见未被记录。如有意见建议，可向党组织当面反映。`,
  notParticipant: '您不在本次领导班子评议的范围内（评议开启时在册并已开通账号的党员参加评议），本次评议未被记录。',
  alreadyRated: (target: LeadershipTarget, organisation: string) => `您已评议过${committeeName(target, organisation)}。评议匿名记录，每人一次，不能更改。`,
  rated: (target: LeadershipTarget, organisation: string, next: string | undefined) =>
    `已收到您对${committeeName(target, organisation)}的评议，谢谢！评议匿名统计，不记录评议人。${next ? `请继续评议${next}。` : '您已完成本年度评议。'}意见建议可发送“${COMMENT_PREFIX[target]}：……”。`,
  emptyComment: (target: LeadershipTarget) => `未记录：意见内容为空。请在冒号后写明意见，例如“${COMMENT_PREFIX[target]}：希望多组织理论学习”。`,
  commentTooLong: (max: number) => `未记录：意见超过${max}字，请精简后重新发送。`,
  alreadyCommented: (target: LeadershipTarget, organisation: string) => `您已提交过对${committeeName(target, organisation)}的评议意见。意见匿名记录，每人每个班子一条，不能更改或追加。`,
  commented: (target: LeadershipTarget, organisation: string) => `已匿名记录您对${committeeName(target, organisation)}的评议意见，谢谢！意见只以不记姓名的方式报党委组织部。`,
  allDone: (year: number, lastDay: string) => `您已完成${year}年度领导班子评议（${cn(lastDay)}截止），谢谢！`,
  cardsAgain: (year: number, lastDay: string) => `请在卡片上评议（${year}年度，${cn(lastDay)}截止）。`,
  noResults: '领导班子评议结果由党委组织部和党总支书记查看。评议匿名进行，结果只以人数统计呈现。',
  noReviewYet: (year: number) => `${year}年度领导班子评议尚未开启。`,
  inProgress: (p: { year: number; lastDay: string; lines: string[] }) =>
    [`${p.year}年度领导班子评议正在进行（${cn(p.lastDay)}截止），截止后公布结果。目前完成评议情况：`, ...p.lines].join('\n'),
};

export interface TotalLine {
  kind: LeadershipTarget;
  general_branch: string;
  branch: string | null;
  satisfied: number | null;
  basically_satisfied: number | null;
  dissatisfied: number | null;
  answered: number;
  members: number;
}

/** One committee's totals as a line; withheld totals say why. */
export function totalLine(t: TotalLine): string {
  const who = t.kind === 'branch' ? `${t.branch}委员会` : `${t.general_branch}委员会`;
  if (t.answered === 0) return `${who}：参评${t.members}人，无人评议。`;
  if (t.satisfied === null) return `${who}：参评${t.members}人，评议${t.answered}人，不足${LEADERSHIP_MIN_ANSWERS_SHOWN}人，不单独公布。`;
  const rate = Math.round(((t.satisfied + (t.basically_satisfied ?? 0)) * 1000) / t.answered) / 10;
  return `${who}：参评${t.members}人，评议${t.answered}人；满意${t.satisfied}、基本满意${t.basically_satisfied}、不满意${t.dissatisfied}（满意和基本满意${rate}%）。`;
}

export function resultsText(p: {
  year: number;
  openedOn: string;
  lastDay: string;
  scopeLabel: string;
  totals: TotalLine[];
  comments: Array<{ kind: LeadershipTarget; general_branch: string; branch: string | null; text: string }> | null;
}): string {
  const lines = [`${p.year}年度党员评议领导班子结果（${p.scopeLabel}，${cn(p.openedOn)}至${cn(p.lastDay)}，匿名统计）：`];
  let gb = '';
  for (const t of p.totals) {
    if (t.general_branch !== gb) {
      gb = t.general_branch;
      lines.push(`【${gb}】`);
    }
    lines.push(totalLine(t));
  }
  if (p.totals.length === 0) lines.push('无可查看的评议统计。');
  if (p.comments) {
    lines.push(p.comments.length > 0 ? `评议意见（共${p.comments.length}条，不记姓名）：` : '评议意见：无。');
    for (const c of p.comments) lines.push(`· ${c.kind === 'branch' ? c.branch : c.general_branch}委员会：${c.text.replace(/\s*\n\s*/g, '；')}`);
  }
  return lines.join('\n');
}
