// The announcement sentences (通报工作, 党务公开, MECHANISM 3.1, issue 14 section 1), pure:
// - writing, a colon required, the audience first:
//   "向各支部通报：…" (the OD: every GB and branch secretary), "党务公开：…" (the OD: all members),
//   "向本总支党员通报：…" (a GB secretary: the GB's members), "向各支部书记通报：…" / "向本总支各支部通报：…" (a GB
//   secretary: its branch secretaries), "向本支部党员通报：…" (a branch secretary: the branch's members);
//   with a category after the audience, bracketed or not: "向本支部党员通报典型事迹：…", "党务公开（表彰公示）：…";
// - "通报阅读情况" (the writer's latest), "通报阅读情况12", "通报12阅读情况"; "未读名单", "通报12未读名单"; "我的通报";
// - the archive: "党务公开" / "党务公开 第2页" (addressed to the member) and "党务公开12" (one in full).
// A sentence that only mentions 通报 or 党务公开 ("今天和张三谈心，他对通报有意见") is none of these.
import type { AnnouncementAudience, AnnouncementCategory } from '../domain/voice.ts';

export type AnnouncementCommand =
  | { kind: 'compose'; audience: AnnouncementAudience; category: AnnouncementCategory | null; text: string }
  | { kind: 'reads'; id: string | null }
  | { kind: 'unread'; id: string | null }
  | { kind: 'mine' }
  | { kind: 'archive'; page: number }
  | { kind: 'show'; id: string };

// "向各支部通报" is the OD's and "向各支部书记通报" the GB secretary's; each writer's other wording is taken for their
// own audience (announcements.ts ownSecretaryAudience): the OD means every secretary, a GB secretary their branches'.
const AUDIENCES: ReadonlyArray<[RegExp, AnnouncementAudience]> = [
  [/^向(?:本(?:党)?总支)?各(?:党)?支部书记通报|^向本(?:党)?总支各(?:党)?支部通报/, 'gb_secretaries'],
  [/^向各(?:党总支和|党总支、)?(?:党)?支部通报/, 'all_secretaries'],
  [/^党务公开/, 'all_members'],
  [/^向本(?:党)?总支(?:全体)?党员通报/, 'gb_members'],
  [/^向本(?:党)?支部(?:全体)?党员通报/, 'branch_members'],
];

const CATEGORY = /^\s*[（(]?\s*(典型事迹|表彰公示|表彰结果)?\s*[）)]?\s*[：:]([\s\S]*)$/;
const CATEGORY_OF: Readonly<Record<string, AnnouncementCategory>> = { 典型事迹: 'exemplary_deeds', 表彰公示: 'commendation', 表彰结果: 'commendation' };

const READS = /^(?:查看|查询)?通报(?:(\d{1,18})\s*(?:的)?)?阅读(?:情况|统计)(\d{1,18})?[？?。]?$/;
const UNREAD = /^(?:查看)?(?:通报(\d{1,18})\s*(?:的)?)?未(?:读|阅)(?:名单|人员)[？?。]?$/;
const MINE = /^我(?:发)?的通报[？?。]?$/;
const ARCHIVE = /^(?:查看)?党务公开(?:\s*第?\s*(\d{1,4})\s*页)?[？?。]?$/;
const SHOW = /^(?:查看)?(?:党务公开|通报)\s*(\d{1,18})[？?。]?$/;

/** The command the text is, or null. */
export function matchAnnouncementCommand(raw: string): AnnouncementCommand | null {
  const t = raw.trim();
  for (const [re, audience] of AUDIENCES) {
    const head = re.exec(t);
    if (!head) continue;
    const rest = CATEGORY.exec(t.slice(head[0].length));
    if (!rest) continue;
    return { kind: 'compose', audience, category: rest[1] ? CATEGORY_OF[rest[1]]! : null, text: rest[2]!.trim() };
  }
  let m = READS.exec(t);
  if (m) return { kind: 'reads', id: m[1] ?? m[2] ?? null };
  m = UNREAD.exec(t);
  if (m) return { kind: 'unread', id: m[1] ?? null };
  if (MINE.test(t)) return { kind: 'mine' };
  m = ARCHIVE.exec(t);
  if (m) return { kind: 'archive', page: m[1] ? Math.max(1, Number(m[1])) : 1 };
  m = SHOW.exec(t);
  if (m) return { kind: 'show', id: m[1]! };
  return null;
}
