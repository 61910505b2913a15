// Understanding one chat message (issue 5 "One message does it"): what the writer wants (intent), about whom
// (members resolved against the roster in the writer's own scope first), when (date), why (a canonical reason
// code, MECHANISM.md "Canonical codes") and what else they said (note). Pure: the roster index, the writer, the
// instant and the time zone are passed in; nothing is read or written here.
//
// How a message is read:
// 1. Normalised: NFKC (full-width letters, digits and punctuation to ASCII), emojis and WeCom [表情] codes
//    dropped, line breaks read as commas, runs of spaces collapsed.
// 2. Dates, times of day and vague time words are found first (dates.ts) and masked out.
// 3. One left-to-right scan finds roster names (longest name at each position: 王芳芳 is never read as 王芳)
//    and lexicon words (lexicon.ts), longest first. A name that is also a common word (高兴, 安全, 周一 …: see
//    COMMON_WORD_NAMES) counts only in a name position, the small explicit rule being:
//      - right after 和/与/跟/同/对/给/找/约/陪/向/把/为/帮/替/及 or 党员 (spaces allowed in between), or
//      - right after a command word (走访, 看望, 谈心, 报告 …) or another name, possibly across a list
//        separator (space, 、, comma, colon, semicolon), or
//      - followed by a title (同志, 老师, 书记 …), by 家/家中/家里, by a family word (的母亲, 父亲 …), or — when it
//        opens a clause — by a trigger (住院, 去世 …).
//    So 今天很高兴 names nobody, and 走访高兴 / 和高兴谈心 / 谈心 张伟 高兴 / 高兴同志住院了 name 高兴. A bare 周一
//    is a weekday unless in such a position (和周一谈心, 周一住院了).
//    A title after a name (同志, 老师, 书记, 主任 …), 本人, and 家/家中/家里 are stripped with it.
// 4. Each name is resolved in the writer's scope: the candidates the writer may see (committee secretary,
//    committee members and OD staff: everyone; GB secretary and GB members: their general branch; a branch
//    secretary: their branch; a plain member: only themselves), narrowed to the writer's own branch, else
//    their own general branch, else all they may see. One candidate in the first non-empty tier: resolved;
//    several: `ambiguous` with every candidate of that tier (sorted by userid) — never a guess. A name borne
//    only by people the writer may not see is reported in `problems` as 'not_allowed_scope'.
// 5. Intent: 撤销/撤回 at the start (or 删除上一条 …) → undo; 进度/完成情况 → progress; 待办 → todo; 政治生日 →
//    birthdays; a help phrase (帮助, help, ?, 怎么记录 …) → help; 还有几个人没谈 → progress. Otherwise 报告/上报
//    before any verb → report_event; else the first talk or visit verb (谈心, 走访 …) not preceded in its clause
//    by an intention (需要/准备/请/安排 …: not done yet); else a trigger wording (张伟住院了, 王芳的母亲去世了,
//    张伟住院了，需要看望) → report_event; else 慰问金/慰问品 → log_visit; else unknown (请于月底前完成谈心).
//    A talk and a visit in different clauses of one message add 'mixed_records' (the bot asks for one at a time).
// 6. Reason by intent, fixed priorities when several are written:
//      talk:   job_change > mistake > dispute > complaint > setback; none → routine.
//      visit:  death > bereavement > hospitalised > disaster > holiday > hardship; none → null + 'no_reason'
//              (a visit must have a reason: the bot asks — except a reply to a reminder, whose obligation has one).
//      report: death > bereavement > hospitalised > disaster > hardship, then the talk triggers; none → null +
//              'no_reason'. A death word with a family word before it in the same clause (王芳的母亲去世了) is a
//              bereavement, otherwise (张伟去世了, 本人去世) the member's death.
// 7. Date (records only): the first concrete date, default today; a future one is kept and flagged; a vague
//    one (上周, 最近 …) in the verb's clause of a talk or visit gives null + 'date_unclear' (最近 elsewhere
//    describes the situation; a report is dated today).
// 8. Note (note.ts): the writer's own words minus what was understood — dates, names (with titles), the
//    record's verb, 我/本人 in a report, and the chosen reason's words where they are all their clause says
//    (他岗位变动) — with only the connectives and punctuation left dangling at a cut taken off; the rest is kept
//    verbatim (他说工作压力很大, =SUM(1+1)). A vague time word (最近) or another verb in a clause without a name
//    or the record's verb describes the situation and stays (他最近压力大, 主要聊了考核的事). Chat commands carry no note.
// 9. 我/本人 in a report is the writer. In a talk or visit the writer never counts as the other party.
//    A talk or visit with no name at all whose verb says it is done (已谈, 已走访, 谈了, 走访了 …) is a reply to a
//    reminder (`reply: true`): members empty, and no 'no_member' problem (the conversation knows whom).
import type { RoleCode } from '../../domain/roster.ts';
import { localDate } from '../../domain/local-time.ts';
import { scanDates } from './dates.ts';
import { buildNote, isBreak } from './note.ts';
import { joinShortCommand, smallTalkOf, toSimplified } from './small-talk.ts';
import {
  lexAt,
  PLACE_SUFFIXES,
  TITLES,
  type CommandIntent,
  type LexEntry,
  type ReasonCode,
  type TalkReason,
  type VisitReason,
} from './lexicon.ts';
import type { IndexedMember, RosterIndex } from './roster-index.ts';

export type { ReasonCode, TalkReason, VisitReason } from './lexicon.ts';

export type Intent = 'log_talk' | 'log_visit' | 'report_event' | 'todo' | 'birthdays' | 'progress' | 'undo' | 'help' | 'unknown';

export const INTENTS: readonly Intent[] = ['log_talk', 'log_visit', 'report_event', 'todo', 'birthdays', 'progress', 'undo', 'help', 'unknown'];

/** Exactly the JSON of the `interpret` command (issue 5), keys in this order. */
export interface Interpretation {
  intent: Intent;
  /** userids, in order of mention */
  members: string[];
  ambiguous: Array<{ mention: string; candidates: string[] }>;
  /** 'YYYY-MM-DD' */
  date: string | null;
  reason: ReasonCode | null;
  note: string;
}

export interface InterpretWriter {
  memberId: string;
  userid: string;
  branchId: string;
  generalBranchId: string;
  roleCodes: readonly RoleCode[];
}

export interface InterpretContext {
  writer: InterpretWriter;
  now: Date;
  timeZone: string;
  index: RosterIndex;
  /** Whom names are looked for among, when not what the writer's roles give (a plain member's report: their branch). */
  reach?: Visibility;
}

/** Whom a writer may name: derived from their roles. */
export type Visibility = 'everyone' | 'general_branch' | 'branch' | 'self';

/** Where a mention was resolved: the writer themself (我/本人), their branch, their general branch, or the rest they may see. */
export type Tier = 'self' | 'branch' | 'general_branch' | 'visible';

export type Problem =
  /** a talk, visit or report that names nobody (and is not a reply to a reminder) */
  | 'no_member'
  /** a name matches several people in the writer's scope: see `ambiguous` */
  | 'ambiguous_member'
  /** a name matches only people outside what the writer may see */
  | 'not_allowed_scope'
  /** a talk or visit logged by someone without a leading role */
  | 'not_allowed_role'
  /** a visit or a report without a recognisable reason */
  | 'no_reason'
  | 'date_in_future'
  | 'invalid_date'
  /** 上周, 最近 … for a talk or visit: which day? */
  | 'date_unclear'
  /** a talk and a visit in different clauses of one message: one record at a time */
  | 'mixed_records';

export interface MentionResolution {
  /** The name as written (normalised), without its title; '我'/'本人' for the writer. */
  mention: string;
  /** Offsets in `normalizedText`. */
  start: number;
  end: number;
  status: 'resolved' | 'ambiguous' | 'out_of_scope';
  tier: Tier | null;
  /** resolved: the member; ambiguous: every candidate of the narrowest tier; out_of_scope: empty. */
  candidates: Array<{ memberId: string; userid: string }>;
}

export interface InterpretationDetail {
  result: Interpretation;
  /** memberIds parallel to result.members. */
  memberIds: string[];
  mentions: MentionResolution[];
  problems: Problem[];
  /** A talk or visit with no name, worded as done: the caller fills the member from the conversation. */
  reply: boolean;
  normalizedText: string;
}

// ---- visibility ----

export function visibilityOf(roleCodes: readonly RoleCode[]): Visibility {
  if (roleCodes.some((r) => r === 'committee_secretary' || r === 'committee_member' || r === 'od_staff')) return 'everyone';
  if (roleCodes.some((r) => r === 'gb_secretary' || r === 'gb_member')) return 'general_branch';
  if (roleCodes.includes('branch_secretary')) return 'branch';
  return 'self';
}

/** Any role beyond the implicit 'member': may record talks and visits. */
export function hasLeadingRole(roleCodes: readonly RoleCode[]): boolean {
  return roleCodes.some((r) => r !== 'member');
}

export function canSee(w: InterpretWriter, v: Visibility, m: IndexedMember): boolean {
  switch (v) {
    case 'everyone':
      return true;
    case 'general_branch':
      return m.generalBranchId === w.generalBranchId;
    case 'branch':
      return m.branchId === w.branchId;
    case 'self':
      return m.memberId === w.memberId;
  }
}

const ids = (ms: readonly IndexedMember[]) => ms.map((m) => ({ memberId: m.memberId, userid: m.userid }));

/** Resolves one name among its bearers, in the writer's scope (own branch, own GB, all they may see). */
export function resolveName(
  bearers: readonly IndexedMember[],
  writer: InterpretWriter,
  visibility: Visibility = visibilityOf(writer.roleCodes),
): Pick<MentionResolution, 'status' | 'tier' | 'candidates'> {
  const visible = bearers.filter((m) => canSee(writer, visibility, m));
  if (visible.length === 0) return { status: 'out_of_scope', tier: null, candidates: [] };
  const tiers: Array<[Tier, IndexedMember[]]> = [
    ['branch', visible.filter((m) => m.branchId === writer.branchId)],
    ['general_branch', visible.filter((m) => m.generalBranchId === writer.generalBranchId)],
    ['visible', visible],
  ];
  for (const [tier, list] of tiers) {
    if (list.length === 0) continue;
    return { status: list.length === 1 ? 'resolved' : 'ambiguous', tier, candidates: ids(list) };
  }
  return { status: 'out_of_scope', tier: null, candidates: [] }; // unreachable: 'visible' is non-empty
}

// ---- normalisation ----

// Pictographs, skin tones, joiners, variation selectors, keycaps; WeCom's text emoji codes such as [微笑] [强].
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\u200d\ufe0f\u20e3]|\[[\p{Script=Han}A-Za-z]{1,4}\]/gu;

/** The message as read: normalised (see writtenMessage), the traditional characters of the command and care words simplified. */
export function normalizeMessage(text: string): string {
  return toSimplified(writtenMessage(text));
}

/**
 * The message as written, normalised: NFKC, emojis dropped, line breaks as commas, spaces collapsed, a short
 * command's inner spaces joined. normalizeMessage of it has the same length: toSimplified maps character for
 * character, so offsets found in one hold in the other.
 */
export function writtenMessage(text: string): string {
  const t = text
    .normalize('NFKC')
    .replace(EMOJI, ' ')
    .replace(/[\u3002\uff61]/gu, '。')
    .replace(/\s*[\r\n]+\s*/gu, ',')
    .replace(/[\s\u3000]+/gu, ' ')
    .trim();
  return joinShortCommand(t);
}

/** The message as compared with whole-message phrases: no spaces, punctuation or symbols; ASCII lower case. */
export function compactMessage(normalized: string): string {
  return asciiLower(normalized).replace(/[\s\p{P}\p{S}]/gu, '');
}

const asciiLower = (s: string) => (/[A-Z]/.test(s) ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s);

/** The clause number of every position of t (a break character ends its clause). */
function clauseNumbers(t: string): Int32Array {
  const out = new Int32Array(t.length);
  let n = 0;
  for (let i = 0; i < t.length; i += 1) {
    out[i] = n;
    if (isBreak(t, i)) n += 1;
  }
  return out;
}

function hasBreak(t: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) if (isBreak(t, i)) return true;
  return false;
}

// ---- the scan ----

interface Tok {
  start: number;
  end: number;
  /** end of what leaves the note (a name's title, 本人, 家中 …; a verb's 了/过) */
  removeEnd: number;
  entry: LexEntry | undefined;
  members: readonly IndexedMember[] | undefined;
}

const INTRODUCERS = new Set(['和', '与', '跟', '同', '对', '给', '找', '约', '陪', '向', '把', '为', '帮', '替', '及']);
const LIST_SEPARATORS = new Set([' ', '、', ',', ':', ';']);
const SELF_NOT_BEFORE = new Set([...'们支单院部处系科校班所司党']);
const PLACE_NOT_BEFORE = new Set([...'属人庭长务乡园']);

class Scanner {
  readonly tokens: Tok[] = [];

  constructor(
    private readonly t: string, // masked text (dates replaced by \0)
    private readonly lower: string,
    private readonly index: RosterIndex,
  ) {}

  /** The longest roster name at i (a word-name only in a name position); its length, or 0. */
  private nameAt(i: number): { len: number; members: readonly IndexedMember[] } | undefined {
    const { t, index } = this;
    const longest = index.longestFrom.get(t[i]!);
    if (longest === undefined) return undefined;
    for (let len = Math.min(longest, t.length - i); len >= 2; len -= 1) {
      const s = t.slice(i, i + len);
      const members = index.byName.get(s);
      if (members === undefined) continue;
      if (index.wordNames.has(s) && !this.namePosition(i, i + len)) continue;
      return { len, members };
    }
    return undefined;
  }

  private namePosition(start: number, end: number): boolean {
    const { t, lower } = this;
    // left
    // Spaces and masked dates are transparent: 今天和高兴谈心, 11.18 高兴住院了.
    let k = start - 1;
    while (k >= 0 && (t[k] === ' ' || t[k] === '\0')) k -= 1;
    if (k >= 0 && (INTRODUCERS.has(t[k]!) || (t[k] === '员' && t[k - 1] === '党'))) return true; // 和高兴, 老党员高兴
    const clauseStart = k < 0 || isBreak(t, k);
    if (k >= 0 && LIST_SEPARATORS.has(t[k]!)) {
      k -= 1;
      while (k >= 0 && t[k] === ' ') k -= 1;
    }
    const prev = this.tokens[this.tokens.length - 1];
    if (prev && prev.removeEnd === k + 1) {
      const kind = prev.entry?.lex.kind;
      if (kind === undefined || kind === 'talk' || kind === 'visit' || kind === 'report') return true;
    }
    // right
    if (TITLES.some((title) => t.startsWith(title, end)) || PLACE_SUFFIXES.some((p) => t.startsWith(p, end))) return true;
    const after = lexAt(lower, t[end] === '的' ? end + 1 : end);
    if (after?.lex.kind === 'family') return true;
    if (clauseStart) {
      const next = lexAt(lower, end);
      if (next && (next.lex.kind === 'death' || (next.lex.kind === 'reason' && next.lex.visit !== 'holiday'))) return true;
    }
    return false;
  }

  run(): void {
    const { t, lower } = this;
    const n = t.length;
    let i = 0;
    while (i < n) {
      const name = this.nameAt(i);
      let entry = lexAt(lower, i);
      if (name && (!entry || name.len >= entry.word.length)) {
        this.pushName(i, i + name.len, name.members);
        i = this.tokens[this.tokens.length - 1]!.removeEnd;
        continue;
      }
      if (entry) {
        // 慰问金鑫: the name 金鑫 beats the longer word 慰问金 that would swallow its first character.
        for (let p = i + 1; p < i + entry.word.length; p += 1) {
          const inner = this.nameAt(p);
          if (inner && p + inner.len > i + entry.word.length) {
            entry = lexAt(lower, i, p);
            break;
          }
        }
      }
      if (entry) {
        const end = i + entry.word.length;
        if (entry.lex.kind === 'self' && entry.word === '我' && (SELF_NOT_BEFORE.has(t[end] ?? '') || t[i - 1] === '自')) {
          i = end; // 我们, 我支部, 自我批评: not the writer
          continue;
        }
        // 看了马力, 谈过: the aspect particle goes with the verb (a name may follow it).
        const kind = entry.lex.kind;
        const removeEnd = (kind === 'talk' || kind === 'visit') && (t[end] === '了' || t[end] === '过') ? end + 1 : end;
        this.tokens.push({ start: i, end, removeEnd, entry, members: undefined });
        i = removeEnd;
        continue;
      }
      i += 1;
    }
  }

  private pushName(start: number, end: number, members: readonly IndexedMember[]): void {
    const { t, lower } = this;
    let removeEnd = end;
    const title = TITLES.find((x) => t.startsWith(x, removeEnd));
    if (title) removeEnd += title.length;
    if (t.startsWith('本人', removeEnd)) removeEnd += 2; // 张伟本人去世: the member themself
    if (!lexAt(lower, removeEnd)) {
      const place = PLACE_SUFFIXES.find((x) => t.startsWith(x, removeEnd));
      if (place && !PLACE_NOT_BEFORE.has(t[removeEnd + place.length] ?? '')) removeEnd += place.length;
    }
    this.tokens.push({ start, end, removeEnd, entry: undefined, members });
  }
}

/**
 * For dates.ts: is the bare weekday at [a, b) (周一) rather a member of that name? Only when it is a roster
 * name followed by what follows names: a title, 的+family word, a family word, or a trigger (周一住院了).
 */
function wordNameAhead(t: string, a: number, b: number, index: RosterIndex): boolean {
  if (!index.byName.has(t.slice(a, b))) return false;
  if (TITLES.some((x) => t.startsWith(x, b))) return true;
  const next = lexAt(asciiLower(t), t[b] === '的' ? b + 1 : b);
  return next !== undefined && (next.lex.kind === 'family' || next.lex.kind === 'death' || (next.lex.kind === 'reason' && next.lex.visit !== 'holiday'));
}

// ---- intent ----

const UNDO_PHRASE = /^请?(?:删除|删掉|取消|作废)(?:上一条|上条|刚才|刚刚|最后一条|那条|这条|上一次|记录)/u;

/** An intention earlier in the verb's clause (需要谈心, 请于月底前完成谈心, 准备明天去看望): not done yet. */
const INTENTION = /(?:需要|需|(?<![主重只])要|准备|打算|计划|拟|将(?!近)|请(?![假问])|安排|尽快|应该|应当|建议|待(?!遇))[^,。;:!?…|]*$/u;
/** Asking what is left (还有几个人没谈): progress. */
const WHAT_IS_LEFT = /还有.{0,6}(?:没|未)(?:谈|访|走访|看望|完成)|(?:没|未)谈的|还差(?:几|多少)/u;

function commandIntent(tokens: readonly Tok[], text: string, compact: string, hasContent: boolean): Intent | undefined {
  const has = (intent: CommandIntent) => tokens.some((x) => x.entry?.lex.kind === 'command' && x.entry.lex.intent === intent);
  const first = tokens[0];
  if (first?.entry?.lex.kind === 'command' && first.entry.lex.intent === 'undo' && first.start <= 2) return 'undo';
  if (UNDO_PHRASE.test(compact)) return 'undo';
  if (has('undo') && !hasContent) return 'undo';
  if (has('progress')) return 'progress';
  if (has('todo')) return 'todo';
  if (has('birthdays')) return 'birthdays';
  if (smallTalkOf(compact, text) === 'help') return 'help';
  if (WHAT_IS_LEFT.test(text)) return 'progress';
  if (has('help') && !hasContent) return 'help';
  return undefined;
}

// ---- reasons ----

const VISIT_PRIORITY: readonly VisitReason[] = ['death', 'bereavement', 'hospitalised', 'disaster', 'holiday', 'hardship'];
const REPORT_PRIORITY: readonly VisitReason[] = ['death', 'bereavement', 'hospitalised', 'disaster', 'hardship'];
const TALK_PRIORITY: readonly TalkReason[] = ['job_change', 'mistake', 'dispute', 'complaint', 'setback'];

interface ReasonFind {
  visit: VisitReason | null;
  talk: TalkReason | null;
  /** tokens that leave the note when this reason is chosen */
  tokens: Tok[];
}

function findReasons(t: string, tokens: readonly Tok[]): ReasonFind[] {
  const out: ReasonFind[] = [];
  tokens.forEach((tok, k) => {
    const lex = tok.entry?.lex;
    if (!lex) return;
    if (lex.kind === 'reason') out.push({ visit: lex.visit, talk: lex.talk, tokens: [tok] });
    else if (lex.kind === 'death') {
      // A family word before it in the same clause, with no name or 本人 in between: a family member died.
      for (let j = k - 1; j >= 0; j -= 1) {
        const before = tokens[j]!;
        if (hasBreak(t, before.end, tok.start)) break;
        if (before.entry?.lex.kind === 'family') {
          out.push({ visit: 'bereavement', talk: null, tokens: [before, tok] });
          return;
        }
        if (!before.entry || before.entry.lex.kind === 'self') break;
      }
      out.push({ visit: 'death', talk: null, tokens: [tok] });
    }
  });
  return out;
}

function choose<T extends string>(finds: readonly ReasonFind[], key: 'visit' | 'talk', priority: readonly T[]): ReasonFind | undefined {
  for (const code of priority) {
    const hit = finds.filter((f) => f[key] === code);
    if (hit.length > 0) return { visit: hit[0]!.visit, talk: hit[0]!.talk, tokens: hit.flatMap((f) => f.tokens) };
  }
  return undefined;
}

// ---- the interpreter ----

const RECORD_INTENTS: ReadonlySet<Intent> = new Set(['log_talk', 'log_visit', 'report_event']);

export function interpretDetailed(text: string, ctx: InterpretContext): InterpretationDetail {
  const written = writtenMessage(text);
  const t = toSimplified(written);
  const today = localDate(ctx.now, ctx.timeZone);
  const dates = scanDates(t, today, (a, b) => wordNameAhead(t, a, b, ctx.index));
  let masked = t;
  if (dates.spans.length > 0) {
    const chars = [...t.split('')];
    for (const [a, b] of dates.spans) for (let i = a; i < b; i += 1) chars[i] = '\0';
    masked = chars.join('');
  }
  const scanner = new Scanner(masked, asciiLower(masked), ctx.index);
  scanner.run();
  const tokens = scanner.tokens;
  const kindOf = (x: Tok) => x.entry?.lex.kind ?? 'name';

  // ---- intent ----
  const names = tokens.filter((x) => x.members !== undefined);
  const verbs = tokens.filter((x) => kindOf(x) === 'talk' || kindOf(x) === 'visit');
  const finds = findReasons(t, tokens);
  const trigger = finds.some((f) => (f.visit !== null && f.visit !== 'holiday') || f.talk !== null);
  const compact = compactMessage(t);
  let intent: Intent =
    commandIntent(tokens, t, compact, names.length > 0 || verbs.length > 0 || finds.length > 0) ?? 'unknown';
  let verb: Tok | undefined;
  if (intent === 'unknown') {
    const meant = verbs.filter((v) => !INTENTION.test(t.slice(Math.max(0, v.start - 16), v.start)));
    const report = tokens.find((x) => kindOf(x) === 'report');
    verb = meant[0];
    if (report && (!verb || report.start < verb.start)) intent = 'report_event';
    else if (verb) intent = kindOf(verb) === 'talk' ? 'log_talk' : 'log_visit';
    else if (trigger) intent = 'report_event';
    else if (tokens.some((x) => x.entry?.lex.kind === 'keep' && x.entry.lex.visit)) intent = 'log_visit';
  }
  const isLog = intent === 'log_talk' || intent === 'log_visit';
  // 昨天和张伟谈心，今天走访了王芳: two records in one message; the bot asks for one at a time.
  const mixed =
    isLog && verb !== undefined && verbs.some((v) => kindOf(v) !== kindOf(verb!) && hasBreak(t, Math.min(v.start, verb!.start), Math.max(v.start, verb!.start)));
  const isRecord = RECORD_INTENTS.has(intent);
  const problems: Problem[] = [];
  const removed = new Uint8Array(t.length);
  const remove = (a: number, b: number) => removed.fill(1, a, b);
  // Dates and times are understood and leave the note. A vague word (最近, 近期) is the record's time only in a
  // clause with a name or a verb; in a clause of its own it describes the situation (他最近压力大) and stays.
  const clause = clauseNumbers(t);
  const recordClauses = new Set(tokens.filter((x) => x.members !== undefined || x === verb || kindOf(x) === 'report').map((x) => clause[x.start]));
  const vagueStarts = new Set(dates.vagueWords.map(([a]) => a));
  for (const [a, b] of dates.spans) {
    if (vagueStarts.has(a) && !recordClauses.has(clause[a])) continue;
    remove(a, b);
  }

  // ---- members ----
  const visibility = ctx.reach ?? visibilityOf(ctx.writer.roleCodes);
  const mentions: MentionResolution[] = [];
  const members: string[] = [];
  const memberIds: string[] = [];
  const ambiguous: Interpretation['ambiguous'] = [];
  const addMember = (memberId: string, userid: string) => {
    if (members.includes(userid)) return;
    members.push(userid);
    memberIds.push(memberId);
  };
  const softVerbs: Tok[] = [];
  for (const tok of tokens) {
    const kind = kindOf(tok);
    if (kind === 'name') {
      remove(tok.start, tok.removeEnd);
      const mention = t.slice(tok.start, tok.end);
      const r = resolveName(tok.members!, ctx.writer, visibility);
      if (r.status === 'resolved' && isLog && r.candidates[0]!.memberId === ctx.writer.memberId) continue; // not with oneself
      mentions.push({ mention, start: tok.start, end: tok.end, ...r });
      if (r.status === 'resolved') addMember(r.candidates[0]!.memberId, r.candidates[0]!.userid);
      else if (r.status === 'ambiguous' && !ambiguous.some((a) => a.mention === mention)) {
        ambiguous.push({ mention, candidates: r.candidates.map((c) => c.userid) });
      }
    } else if (kind === 'self') {
      if (intent === 'report_event') {
        remove(tok.start, tok.end);
        mentions.push({
          mention: tok.entry!.word,
          start: tok.start,
          end: tok.end,
          status: 'resolved',
          tier: 'self',
          candidates: [{ memberId: ctx.writer.memberId, userid: ctx.writer.userid }],
        });
        addMember(ctx.writer.memberId, ctx.writer.userid);
      }
    } else if ((kind === 'talk' || kind === 'visit') && tok !== verb && !recordClauses.has(clause[tok.start])) {
      // 主要聊了年底考核的事: a verb in a clause of its own is part of what the writer says, unless the clause
      // says nothing else (谈心时间, 需要谈心) — see softVerbs below.
      softVerbs.push(tok);
    } else if (kind === 'talk' || kind === 'visit' || kind === 'report' || kind === 'command' || kind === 'routine') {
      remove(tok.start, tok.removeEnd);
    }
  }
  const named = names.length > 0;
  let reply = false;
  if (isLog && !named && verb) {
    const lex = verb.entry!.lex as { completed: boolean };
    const before = t.slice(Math.max(0, verb.start - 2), verb.start).trimEnd();
    reply = lex.completed || /(?:已|已经|刚|刚刚)$/u.test(before) || /^[了过完好]/u.test(t.slice(verb.end));
  }
  if (isRecord) {
    if (mentions.length === 0 && !reply) problems.push('no_member');
    if (ambiguous.length > 0) problems.push('ambiguous_member');
    if (mentions.some((m) => m.status === 'out_of_scope')) problems.push('not_allowed_scope');
    if (isLog && !hasLeadingRole(ctx.writer.roleCodes)) problems.push('not_allowed_role');
    if (mixed) problems.push('mixed_records');
  }

  // ---- reason ----
  let reason: ReasonCode | null = null;
  let chosen: ReasonFind | undefined;
  if (intent === 'log_talk') {
    chosen = choose(finds, 'talk', TALK_PRIORITY);
    reason = chosen?.talk ?? 'routine';
  } else if (intent === 'log_visit') {
    chosen = choose(finds, 'visit', VISIT_PRIORITY);
    reason = chosen?.visit ?? null;
  } else if (intent === 'report_event') {
    chosen = choose(finds, 'visit', REPORT_PRIORITY);
    if (chosen) reason = chosen.visit;
    else {
      chosen = choose(finds, 'talk', TALK_PRIORITY);
      reason = chosen?.talk ?? null;
    }
  }
  // The chosen reason's words leave the note only where they are all their segment says (see buildNote).
  const withoutReason = removed.slice();
  if (chosen) for (const tok of chosen.tokens) withoutReason.fill(1, tok.start, tok.end);
  for (const tok of softVerbs) withoutReason.fill(1, tok.start, tok.removeEnd);

  // A reply to a reminder takes its reason from the obligation the reminder named.
  if ((intent === 'log_visit' || intent === 'report_event') && reason === null && !reply) problems.push('no_reason');

  // ---- date ----
  let date: string | null = null;
  if (isRecord) {
    if (dates.date !== null || dates.problems.length > 0) {
      date = dates.date;
      problems.push(...dates.problems);
    } else if (isLog && verb && dates.vague.some(([a, b]) => !hasBreak(t, Math.min(a, verb!.start), Math.max(b, verb!.end)))) {
      problems.push('date_unclear'); // 上周和刘洋谈了: which day? (最近 in another clause is about the situation)
    } else date = today;
  }

  // Chat commands carry no note; records and unknown messages keep what is left.
  const note = isRecord || intent === 'unknown' ? buildNote(t, written, removed, withoutReason) : '';
  return {
    result: { intent, members, ambiguous, date, reason, note },
    memberIds,
    mentions,
    problems,
    reply,
    normalizedText: t,
  };
}

/** The JSON of the `interpret` command: see interpretDetailed for what the bot needs beyond it. */
export function interpret(text: string, ctx: InterpretContext): Interpretation {
  return interpretDetailed(text, ctx).result;
}
