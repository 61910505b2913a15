// The excellent-member and commendation sentences (MECHANISM 3.2–3.3, issue 13 sections 4–5), pure:
// - "评选优秀党员：张伟、王芳" (optionally "评选2026年优秀党员：…"): a GB secretary names the GB's excellent members;
// - "本总支优秀党员名单": the GB's list of the year, with its cap;
// - "校党委优秀共产党员：张伟、李明" / "校党委优秀党务工作者：周支书" (optionally with a year): the OD's picks;
// - "表彰：王芳 专项表彰 抢险抗灾 2026年 校党委 证书编号QZ2026-001" / "表彰：计算机学院党总支 先进基层党组织 2026年":
//   the OD records a commendation (recipient first, then the kind's label; the year, level and certificate number
//   are optional — the default year, 校党委, a generated number);
// - "我的表彰", "张伟的表彰": the list of a person's commendations.
// A question ("优秀党员怎么评", "张伟是优秀党员吗") has no colon or no list and is left to the others.
import { COMMENDATION_KIND_LABELS, type CommendationKind, type CommendationLevel } from '../domain/incentive.ts';

export type HonourCommand =
  | { kind: 'gb_list'; year: number | null; names: string[] }
  | { kind: 'read_gb_list'; year: number | null }
  | { kind: 'committee_pick'; year: number | null; honour: 'excellent_member' | 'excellent_worker'; names: string[] }
  | { kind: 'commend'; recipient: string; honour: CommendationKind | null; cause: string | null; year: number | null; level: CommendationLevel | null; certificateNo: string | null; problem: string | null }
  | { kind: 'my_commendations' }
  | { kind: 'commendations_of'; name: string };

const YEAR = '(?:(\\d{4})\\s*年(?:度)?)?';
const ASK = '[？?。]?$';
const GB_LIST = new RegExp(`^评选${YEAR}(?:本总支)?优秀(?:共产)?党员(?:名单)?\\s*[：:]([\\s\\S]*)$`);
const READ_GB_LIST = new RegExp(`^(?:查看|查询)?本总支${YEAR}优秀(?:共产)?党员名单${ASK}`);
const COMMITTEE_PICK = new RegExp(`^校党委${YEAR}(优秀共产党员|优秀党员|优秀党务工作者)(?:名单)?\\s*[：:]([\\s\\S]*)$`);
const COMMEND = /^(?:登记)?表彰\s*[：:]([\s\S]*)$/;
const MY = new RegExp(`^(?:查看|查询)?我的表彰(?:奖励|情况|记录)?${ASK}`);
const OF = new RegExp(`^(?:查看|查询)?([^\\s我本的？?：:，,。]{2,20}?)(?:同志)?的表彰(?:奖励|情况|记录)?${ASK}`);

const yearOf = (s: string | undefined): number | null => (s ? Number(s) : null);

/** Names written in a list: separated by 、，, ； or spaces; empty pieces dropped, each once, in order. */
export function namesOf(list: string): string[] {
  return [...new Set(list.split(/[、，,；;\s\u3000]+/u).map((n) => n.trim().replace(/[。.]+$/u, '')).filter((n) => n !== ''))];
}

const KIND_WORDS: Array<[RegExp, CommendationKind]> = [
  [/^(?:先进基层党组织|先进党组织|advanced_organisation)$/u, 'advanced_organisation'],
  [/^(?:优秀共产党员|优秀党员|excellent_member)$/u, 'excellent_member'],
  [/^(?:优秀党务工作者|excellent_worker)$/u, 'excellent_worker'],
  [/^(?:专项表彰|special)$/u, 'special'],
];
const LEVEL_WORDS: Array<[RegExp, CommendationLevel]> = [
  [/^(?:校党委|党委|committee)$/u, 'committee'],
  [/^(?:党总支|总支|general_branch)$/u, 'general_branch'],
];

/** "表彰：…" read token by token: the recipient, the kind, the cause (special), the year, the level, the number. */
function commendation(body: string): HonourCommand {
  const tokens = body.trim().split(/[\s\u3000，,；;]+/u).filter((t) => t !== '');
  const out = { kind: 'commend' as const, recipient: tokens[0] ?? '', honour: null as CommendationKind | null, cause: null as string | null, year: null as number | null, level: null as CommendationLevel | null, certificateNo: null as string | null, problem: null as string | null };
  const causeWords: string[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    const cert = /^(?:证书编号|证书号|编号)[：:]?(.*)$/u.exec(t);
    if (cert) {
      const no = cert[1] || tokens[++i] || '';
      out.certificateNo = no.trim() || null;
      continue;
    }
    const year = /^(\d{4})\s*年?(?:度)?$/u.exec(t);
    if (year) {
      out.year = Number(year[1]);
      continue;
    }
    const kind = KIND_WORDS.find(([re]) => re.test(t));
    if (kind && out.honour === null) {
      out.honour = kind[1];
      continue;
    }
    const level = LEVEL_WORDS.find(([re]) => re.test(t));
    if (level) {
      out.level = level[1];
      continue;
    }
    causeWords.push(t);
  }
  if (out.honour === 'special') out.cause = causeWords.join(' ') || null;
  else if (causeWords.length > 0) out.problem = `无法识别“${causeWords.join(' ')}”`;
  return out;
}

/** The command the text is, or null. */
export function matchHonourCommand(raw: string): HonourCommand | null {
  const t = raw.trim();
  let m = GB_LIST.exec(t);
  if (m) return { kind: 'gb_list', year: yearOf(m[1]), names: namesOf(m[2]!) };
  m = READ_GB_LIST.exec(t);
  if (m) return { kind: 'read_gb_list', year: yearOf(m[1]) };
  m = COMMITTEE_PICK.exec(t);
  if (m) return { kind: 'committee_pick', year: yearOf(m[1]), honour: m[2] === '优秀党务工作者' ? 'excellent_worker' : 'excellent_member', names: namesOf(m[3]!) };
  m = COMMEND.exec(t);
  if (m) return commendation(m[1]!);
  if (MY.test(t)) return { kind: 'my_commendations' };
  m = OF.exec(t);
  if (m) return { kind: 'commendations_of', name: m[1]! };
  return null;
}

/** The label of a kind, for answers. */
export const honourLabel = (kind: CommendationKind): string => COMMENDATION_KIND_LABELS[kind];
