// The leadership review sentences (党员定期评议基层党组织领导班子, MECHANISM 3.1), pure:
// - "开启领导班子评议" (optionally "开启2026年度领导班子评议", "开启领导班子评议，10天") — the OD opens the year's review;
// - "领导班子评议结果" / "2026年领导班子评议情况" — results (totals) for those the access rule lets see them;
// - "评议意见：…" / "支部评议意见：…" (the branch committee) and "总支评议意见：…" / "对总支班子的意见：…" (the GB
//   committee) — an anonymous comment;
// - "评议领导班子" / "领导班子评议" — the member asks for their cards again (what they have not yet rated).
// A rating is given only by a card button: free text ("我对支部班子很满意") is not a rating — it would be ambiguous
// and it would sit in the chat log next to the member's name — and questions ("领导班子评议什么时候开始") are left
// to the others.
import type { LeadershipTarget } from '../domain/incentive.ts';

export type LeadershipCommand =
  | { kind: 'open'; year: number | null; days: number | null }
  | { kind: 'results'; year: number | null }
  | { kind: 'comment'; target: LeadershipTarget; text: string }
  | { kind: 'my_review' };

const YEAR = '(?:(\\d{4})\\s*年(?:度)?)?';
const REVIEW = '(?:党员)?(?:评议领导班子|领导班子评议)';
const END = '[。！!]?$';
const OPEN = new RegExp(`^(?:开启|启动)${YEAR}${REVIEW}(?:\\s*[，,、（(]?\\s*(?:开放|为期|期限)?\\s*(\\d{1,3})\\s*天\\s*[）)]?)?${END}`);
const RESULTS = new RegExp(`^(?:查看|查询)?${YEAR}${REVIEW}(?:结果|情况|进度|统计)[？?。]?$`);
const COMMENT = [/^(支部|党支部|总支|党总支)?(?:班子)?评议意见\s*[：:]([\s\S]*)$/, /^对(支部|党支部|总支|党总支)(?:班子|委员会)的?(?:评议)?意见\s*[：:]([\s\S]*)$/];
const MY_REVIEW = new RegExp(`^(?:我要)?(?:参加)?${REVIEW}(?:卡片)?${END}`);

const yearOf = (s: string | undefined): number | null => (s ? Number(s) : null);
const targetOf = (s: string | undefined): LeadershipTarget => (s === '总支' || s === '党总支' ? 'general_branch' : 'branch');

/** The command the text is, or null. */
export function matchLeadershipCommand(raw: string): LeadershipCommand | null {
  const t = raw.trim();
  let m = OPEN.exec(t);
  if (m) return { kind: 'open', year: yearOf(m[1]), days: m[2] ? Number(m[2]) : null };
  m = RESULTS.exec(t);
  if (m) return { kind: 'results', year: yearOf(m[1]) };
  for (const re of COMMENT) {
    m = re.exec(t);
    if (m) return { kind: 'comment', target: targetOf(m[1]), text: m[2]!.trim() };
  }
  if (MY_REVIEW.test(t)) return { kind: 'my_review' };
  return null;
}
