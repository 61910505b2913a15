// The roster as the message interpreter searches it: every name a member may be called by, mapped to the
// members who bear it. Pure: built from plain rows (the caller loads them), never touches a database.
//
// Finding "every roster name mentioned inside a message" without a word segmenter: Chinese names are short
// (2–4 characters, compound surnames 欧阳/司马/诸葛 included; a few minority names are longer), so the
// interpreter looks, at each position of the message, at the substrings of length 2..L that start there and
// asks a Map. L is the longest name that starts with that position's character (`longestFrom`), so positions
// whose character begins no name cost one Map lookup, and the work per message is independent of the roster
// size. 100,000 members build in well under a second.

/** A roster row as the caller loads it (members joined to their branch and its general branch). */
export interface RosterIndexInput {
  memberId: string;
  userid: string | null;
  name: string;
  branchId: string;
  generalBranchId: string;
  status: string;
}

/** A member who can be named in a message: active and with a chat account. */
export interface IndexedMember {
  memberId: string;
  userid: string;
  name: string;
  branchId: string;
  generalBranchId: string;
}

export interface RosterIndex {
  /** Members indexed (active, with a userid). */
  readonly size: number;
  /** Normalised name → members bearing it, sorted by userid (stable output). */
  readonly byName: ReadonlyMap<string, readonly IndexedMember[]>;
  readonly byUserid: ReadonlyMap<string, IndexedMember>;
  /** First UTF-16 code unit of a name → length of the longest name starting with it. */
  readonly longestFrom: ReadonlyMap<string, number>;
  /**
   * Names that are also ordinary words (高兴 "glad", 安全 "safety", 周一 "Monday" …): they count as a mention
   * only in a name position (see scan.ts). Only those present in the roster matter.
   */
  readonly wordNames: ReadonlySet<string>;
}

/**
 * Names that are also common words in the messages leaders write. A roster name in this list is matched only
 * in a name position (after 和/与/跟/同/对/给/找, after a command word such as 走访/看望/谈心/报告, in a list
 * after another name, or followed by 同志/老师/书记…, 的+family word, or a trigger at the start of a clause).
 * Any other name matches wherever it is written. Extend it when a misunderstanding is found.
 */
export const COMMON_WORD_NAMES: readonly string[] = (
  '高兴 安全 文明 田野 方圆 高峰 马力 白雪 白天 白云 周一 周天 夏天 孙子 王子 金子 林子 高明 高超 高新 安静 高丽 石英 龙凤 ' +
  '罗兰 平安 黄海 林海 杨帆 江山 海洋 黎明 程序 方便 任性 高级 高中 安心 安定 龙飞 方向 石头 金山 白杨 常青 江南 向阳 ' +
  '文静 周全 周到 高雅 高洁 高尚 安康 康宁 吉祥 何时 于是 陈旧 张扬 丁香 金华 安家 高原 高山 夏雨 雷雨 万一 钱财 ' +
  '左右 司机 东方 水平 温和 宁静 安宁 高飞 齐心 包容 江海 路遥 成功 和平 余生 武林 卫生 马上 方面 高度 程度 金钱 ' +
  '石油 田园 时光 夏至 岳阳'
).split(' ');

/** How names and message text are compared: NFKC (full-width letters and digits to ASCII), no whitespace. */
export function normalizeName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, '');
}

const byUseridOrder = (a: IndexedMember, b: IndexedMember) => (a.userid < b.userid ? -1 : a.userid > b.userid ? 1 : 0);

export function buildRosterIndex(members: Iterable<RosterIndexInput>, options: { wordNames?: Iterable<string> } = {}): RosterIndex {
  const byName = new Map<string, IndexedMember[]>();
  const byUserid = new Map<string, IndexedMember>();
  const longestFrom = new Map<string, number>();
  for (const m of members) {
    if (m.status !== 'active' || !m.userid) continue;
    const name = normalizeName(m.name);
    if (name.length < 2) continue; // a single character would match everywhere
    const entry: IndexedMember = { memberId: m.memberId, userid: m.userid, name, branchId: m.branchId, generalBranchId: m.generalBranchId };
    byUserid.set(m.userid, entry);
    const list = byName.get(name);
    if (list) list.push(entry);
    else byName.set(name, [entry]);
    const first = name[0]!;
    if ((longestFrom.get(first) ?? 0) < name.length) longestFrom.set(first, name.length);
  }
  for (const list of byName.values()) if (list.length > 1) list.sort(byUseridOrder);
  const wordNames = new Set<string>();
  for (const w of options.wordNames ?? COMMON_WORD_NAMES) {
    const n = normalizeName(w);
    if (byName.has(n)) wordNames.add(n);
  }
  return { size: byUserid.size, byName, byUserid, longestFrom, wordNames };
}
