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
  /** The chat account; null for a member without one (retired and elderly members often have none). */
  userid: string | null;
  name: string;
  branchId: string;
  generalBranchId: string;
  /** The organisations' names: a college or branch written in a message settles which namesake is meant. */
  branchName?: string;
  generalBranchName?: string;
  status: string;
}

/** A member who can be named in a message: every active member, with or without a chat account. */
export interface IndexedMember {
  memberId: string;
  userid: string | null;
  name: string;
  branchId: string;
  generalBranchId: string;
}

/** A general branch or a branch a word of a message names (文学院, 计算机学院教工第一党支部). */
export interface PlaceRef {
  kind: 'general_branch' | 'branch';
  id: string;
}

export interface RosterIndex {
  /** Members indexed (active, with or without a chat account). */
  readonly size: number;
  /** Normalised name → members bearing it, sorted by memberKey (stable output). */
  readonly byName: ReadonlyMap<string, readonly IndexedMember[]>;
  /** Members with a chat account, by it. */
  readonly byUserid: ReadonlyMap<string, IndexedMember>;
  /** First UTF-16 code unit of a name → length of the longest name starting with it. */
  readonly longestFrom: ReadonlyMap<string, number>;
  /**
   * Names that are also ordinary words (高兴 "glad", 安全 "safety", 周一 "Monday" …): they count as a mention
   * only in a name position (see scan.ts). Only those present in the roster matter.
   */
  readonly wordNames: ReadonlySet<string>;
  /** What a college or branch may be called (placeForms) → the organisations so called. */
  readonly places: ReadonlyMap<string, readonly PlaceRef[]>;
  /** The longest key of `places` (0 when the rows carried no organisation names). */
  readonly longestPlace: number;
}

/**
 * How the interpreter (the `interpret` command's JSON, `members` and `ambiguous`) names a member: their chat
 * account (userid), or `member:<id>` — the roster row's id, kept across re-imports — when they have none. A
 * WeCom userid never contains ':', so the two cannot be confused.
 */
export const memberKey = (m: { memberId: string; userid: string | null }): string => m.userid ?? `member:${m.memberId}`;

const ORGANISATION_SUFFIX = /(?:党总支部?|党委|党工委|直属党支部|党支部|总支|支部)$/u;
const SUBJECT_PAIR = /^(.{2,}?)(?:与|和|及)(.+?)(学院|系)$/u;

/**
 * What people call an organisation in a message: its full name, the name without 党总支/党委/党支部
 * (文学院党总支 → 文学院), a branch also as …支部 (教工第一党支部 → 教工第一支部); for a college named “X与Y学院”
 * also “X学院” (数学与统计学院 → 数学学院), with a trailing 科学 dropped too (计算机科学与技术学院 → 计算机学院).
 * Forms shorter than two characters are left out.
 */
export function placeForms(name: string, kind: PlaceRef['kind']): string[] {
  const full = normalizeName(name);
  const forms = new Set([full]);
  const base = full.replace(ORGANISATION_SUFFIX, '');
  if (base !== full) forms.add(base);
  if (kind === 'branch' && /党支部$/u.test(full)) forms.add(`${base}支部`);
  const pair = SUBJECT_PAIR.exec(base);
  if (pair) {
    const [, first, , suffix] = pair as unknown as [string, string, string, string];
    forms.add(`${first}${suffix}`);
    if (first.endsWith('科学') && first.length > 3) forms.add(`${first.slice(0, -2)}${suffix}`);
  }
  return [...forms].filter((f) => [...f].length >= 2);
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

const byKeyOrder = (a: IndexedMember, b: IndexedMember) => {
  const ka = memberKey(a);
  const kb = memberKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

export function buildRosterIndex(members: Iterable<RosterIndexInput>, options: { wordNames?: Iterable<string> } = {}): RosterIndex {
  const byName = new Map<string, IndexedMember[]>();
  const byUserid = new Map<string, IndexedMember>();
  const longestFrom = new Map<string, number>();
  const places = new Map<string, PlaceRef[]>();
  const named = new Set<string>();
  const addPlace = (kind: PlaceRef['kind'], id: string, name: string | undefined) => {
    if (!name || named.has(`${kind}|${id}`)) return;
    named.add(`${kind}|${id}`);
    for (const form of placeForms(name, kind)) {
      const list = places.get(form);
      if (!list) places.set(form, [{ kind, id }]);
      else if (!list.some((p) => p.kind === kind && p.id === id)) list.push({ kind, id });
    }
  };
  let size = 0;
  for (const m of members) {
    if (m.status !== 'active') continue;
    const name = normalizeName(m.name);
    if (name.length < 2) continue; // a single character would match everywhere
    const entry: IndexedMember = { memberId: m.memberId, userid: m.userid || null, name, branchId: m.branchId, generalBranchId: m.generalBranchId };
    size += 1;
    if (entry.userid) byUserid.set(entry.userid, entry);
    const list = byName.get(name);
    if (list) list.push(entry);
    else byName.set(name, [entry]);
    const first = name[0]!;
    if ((longestFrom.get(first) ?? 0) < name.length) longestFrom.set(first, name.length);
    addPlace('general_branch', m.generalBranchId, m.generalBranchName);
    addPlace('branch', m.branchId, m.branchName);
  }
  for (const list of byName.values()) if (list.length > 1) list.sort(byKeyOrder);
  const wordNames = new Set<string>();
  for (const w of options.wordNames ?? COMMON_WORD_NAMES) {
    const n = normalizeName(w);
    if (byName.has(n)) wordNames.add(n);
  }
  let longestPlace = 0;
  for (const k of places.keys()) longestPlace = Math.max(longestPlace, k.length);
  return { size, byName, byUserid, longestFrom, wordNames, places, longestPlace };
}
