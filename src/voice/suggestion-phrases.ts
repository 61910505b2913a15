// The suggestion sentences (意见建议, MECHANISM 3.1, issue 14 section 2), pure. A suggestion needs its colon and a
// form that names the addressee: "意见建议：…" (the branch secretary), "向党总支书记提意见：…" / "…反映：…", "向挂联党委
// 委员反映：…" (optionally naming one: "向挂联党委委员钱委员反映：…"), "向党委书记反映：…", "向组织部反映：…"; 匿名 before
// any form keeps the writer's name from the addressee. "回复建议12：…" replies, "我的建议", "待回复的建议" and "建议12"
// read them. Talk about opinions ("他对排班有意见", "张三提了个意见") has no such form and is left to the others.
import type { SuggestionAddressee } from '../domain/voice.ts';

export type SuggestionCommand =
  | { kind: 'file'; addressee: SuggestionAddressee; anonymous: boolean; text: string; named?: string }
  | { kind: 'reply'; number: string; text: string }
  | { kind: 'mine' }
  | { kind: 'awaiting' }
  | { kind: 'show'; number: string };

const COLON = '\\s*[：:]([\\s\\S]*)$';
const VERB = '(?:提意见|提建议|提出意见建议|反映意见|反映情况|反映|提意见建议)';
const ANON = '^(匿名)?\\s*';
const FORMS: ReadonlyArray<[RegExp, SuggestionAddressee]> = [
  [new RegExp(`${ANON}(?:意见建议|意见和建议|向(?:本)?支部书记${VERB})${COLON}`), 'branch_secretary'],
  [new RegExp(`${ANON}向(?:本)?(?:党)?总支书记${VERB}${COLON}`), 'gb_secretary'],
  [new RegExp(`${ANON}向党委书记${VERB}${COLON}`), 'committee_secretary'],
  [new RegExp(`${ANON}向(?:党委)?组织部${VERB}${COLON}`), 'od'],
];
const LINKED = new RegExp(`${ANON}向挂联(?:的)?(?:党委)?委员([^\\s：:，,。]{0,10}?)(?:同志)?${VERB}${COLON}`);
const REPLY = /^回复\s*建议\s*(\d{1,18})\s*[：:]([\s\S]*)$/;
const ASK = '\\s*[？?。]?$';
const MINE = new RegExp(`^(?:查看|查询)?我的(?:意见)?建议(?:列表)?${ASK}`);
const AWAITING = new RegExp(`^(?:查看|查询)?(?:我)?待(?:我)?回复(?:的)?(?:意见)?建议${ASK}`);
const SHOW = new RegExp(`^(?:查看|查询)?\\s*建议\\s*(\\d{1,18})${ASK}`);

/** The suggestion command the text is, or null. */
export function matchSuggestionCommand(raw: string): SuggestionCommand | null {
  const t = raw.trim();
  let m = REPLY.exec(t);
  if (m) return { kind: 'reply', number: m[1]!, text: m[2]!.trim() };
  for (const [re, addressee] of FORMS) {
    m = re.exec(t);
    if (m) return { kind: 'file', addressee, anonymous: m[1] !== undefined, text: m[2]!.trim() };
  }
  m = LINKED.exec(t);
  if (m) return { kind: 'file', addressee: 'linked_committee_member', anonymous: m[1] !== undefined, text: m[3]!.trim(), ...(m[2] ? { named: m[2] } : {}) };
  if (MINE.test(t)) return { kind: 'mine' };
  if (AWAITING.test(t)) return { kind: 'awaiting' };
  m = SHOW.exec(t);
  if (m) return { kind: 'show', number: m[1]! };
  return null;
}
