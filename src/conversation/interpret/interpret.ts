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
//    several: `ambiguous` with every candidate of that tier (sorted by memberKey) — never a guess. A name borne
//    only by people the writer may not see is reported in `problems` as 'not_allowed_scope'.
//    A college or branch written right before the name (数学学院张伟, 文学院的张伟) or in brackets after it
//    (张伟（文学院）) first narrows the bearers to that organisation's (placeForms: the full name, the name without
//    党总支/党支部, “X学院” for “X与Y学院”); words that name no bearer's organisation are no hint. Every active
//    member is indexed, with or without a chat account: `members` lists a member by userid, or as
//    `member:<id>` (memberKey) when they have none.
// 5. Intent: an assistance sentence (src/assistance/phrases.ts: 申请困难帮扶…, 申请突发困难补助…, 结对：…) →
//    assistance, read by its area's matcher and nothing more; else 撤销/撤回 at the start (or 删除上一条 …) → undo; 进度/完成情况 → progress; 待办 → todo; 政治生日 →
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
//
// The stages live in files of their own, in reading order: normalise.ts (1), dates.ts (2), scan.ts (3),
// resolve.ts (4), intent.ts (5), reason.ts (6), note.ts (8); types.ts holds what they share. This file runs them.
import { readAssistance } from '../../assistance/phrases.ts';
import { readIncentive } from '../../incentive/phrases.ts';
import { readVoice } from '../../voice/phrases.ts';
import { localDate } from '../../domain/dates.ts';
import { scanDates } from './dates.ts';
import { readIntent } from './intent.ts';
import { asciiLower, clauseNumbers, compactMessage, hasBreak, writtenMessage } from './normalise.ts';
import { buildNote } from './note.ts';
import { chooseReason, findReasons } from './reason.ts';
import { bearersInPlace, hasLeadingRole, memberKey, resolveName, visibilityOf } from './resolve.ts';
import { kindOf, Scanner, wordNameAhead, type Tok } from './scan.ts';
import { toSimplified } from './small-talk.ts';
import type { Intent, InterpretContext, Interpretation, InterpretationDetail, MentionResolution, Problem } from './types.ts';

export type { ReasonCode, TalkReason, VisitReason } from './lexicon.ts';
export type { Intent, Interpretation, InterpretationDetail, InterpretContext, InterpretWriter, MentionResolution, Problem, Tier, Visibility } from './types.ts';
export { bearersInPlace, canSee, hasLeadingRole, memberKey, resolveName, visibilityOf } from './resolve.ts';
export { compactMessage, normalizeMessage, writtenMessage } from './normalise.ts';
export { isQuestion } from './intent.ts';

const RECORD_INTENTS: ReadonlySet<Intent> = new Set(['log_talk', 'log_visit', 'report_event']);
/** 派人: a name right after 派/派遣/委派/委托 (spaces allowed) is the person sent to visit, not the one visited. */
const SENT = /(?:派遣|委派|委托|派)了?\s*$/u;

export function interpretDetailed(text: string, ctx: InterpretContext): InterpretationDetail {
  const written = writtenMessage(text);
  const t = toSimplified(written);
  // An assistance sentence is no record: 申请困难帮扶：母亲重病住院 names an illness, not a report of it.
  const assistance = readAssistance(text);
  if (assistance) {
    return { result: { intent: 'assistance', members: [], ambiguous: [], date: null, reason: null, note: '', assistance }, memberIds: [], mentions: [], problems: [], reply: false, normalizedText: t };
  }
  // Nor is an incentive sentence: 亮岗承诺：关心困难党员 is a commitment, 季度自评：… a self-evaluation.
  const incentive = readIncentive(text);
  if (incentive) {
    return { result: { intent: 'incentive', members: [], ambiguous: [], date: null, reason: null, note: '', incentive }, memberIds: [], mentions: [], problems: [], reply: false, normalizedText: t };
  }
  // Nor a members'-voice sentence: 意见建议：希望多走访老党员 is a suggestion, not a visit.
  const voice = readVoice(text);
  if (voice) {
    return { result: { intent: 'voice', members: [], ambiguous: [], date: null, reason: null, note: '', voice }, memberIds: [], mentions: [], problems: [], reply: false, normalizedText: t };
  }
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

  // ---- intent ----
  const finds = findReasons(t, tokens);
  const compact = compactMessage(t);
  const { intent, verb, names, mixed } = readIntent(t, compact, tokens, finds);
  const isLog = intent === 'log_talk' || intent === 'log_visit';
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
  const addMember = (memberId: string, userid: string | null) => {
    const key = memberKey({ memberId, userid });
    if (members.includes(key)) return;
    members.push(key);
    memberIds.push(memberId);
  };
  const softVerbs: Tok[] = [];
  let visitor: MentionResolution | undefined;
  for (const tok of tokens) {
    const kind = kindOf(tok);
    if (kind === 'name') {
      const mention = t.slice(tok.start, tok.end);
      // 文学院张伟, 张伟（文学院）: the college or branch written with the name narrows its bearers, and leaves the note.
      const placed = tok.place ? bearersInPlace(tok.members!, tok.place.groups) : undefined;
      remove(placed ? Math.min(tok.start, tok.place!.start) : tok.start, placed ? Math.max(tok.removeEnd, tok.place!.end) : tok.removeEnd);
      const r = resolveName(placed ?? tok.members!, ctx.writer, visibility);
      const sent = isLog && visitor === undefined ? SENT.exec(t.slice(Math.max(0, tok.start - 4), tok.start)) : null;
      if (sent) {
        remove(tok.start - sent[0].length, tok.start);
        visitor = { mention, start: tok.start, end: tok.end, ...r };
        continue;
      }
      if (r.status === 'resolved' && isLog && r.candidates[0]!.memberId === ctx.writer.memberId) continue; // not with oneself
      const written = placed ? [t.slice(tok.place!.start, tok.start), t.slice(tok.end, tok.place!.end)].join('').trim() : '';
      mentions.push({ mention, start: tok.start, end: tok.end, ...r, ...(placed ? { place: { written, bearers: placed } } : {}) });
      if (r.status === 'resolved') addMember(r.candidates[0]!.memberId, r.candidates[0]!.userid);
      else if (r.status === 'ambiguous' && !ambiguous.some((a) => a.mention === mention)) {
        ambiguous.push({ mention, candidates: r.candidates.map(memberKey) });
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
    if (visitor?.status === 'ambiguous') problems.push('ambiguous_visitor');
    if (visitor?.status === 'out_of_scope' && !problems.includes('not_allowed_scope')) problems.push('not_allowed_scope');
  }

  // ---- reason ----
  const { reason, chosen } = chooseReason(intent, finds);
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
    } else if (isLog && verb && dates.vague.some(([a, b]) => !hasBreak(t, Math.min(a, verb.start), Math.max(b, verb.end)))) {
      problems.push('date_unclear'); // 上周和刘洋谈了: which day? (最近 in another clause is about the situation)
    } else date = today;
  }

  // Chat commands carry no note; records and unknown messages keep what is left.
  const note = isRecord || intent === 'unknown' ? buildNote(t, written, removed, withoutReason) : '';
  const sentOne = visitor?.status === 'resolved' ? visitor.candidates[0]! : undefined;
  return {
    result: { intent, members, ambiguous, date, reason, note, ...(sentOne ? { visitor: memberKey(sentOne) } : {}) },
    memberIds,
    mentions,
    problems,
    reply,
    normalizedText: t,
    ...(visitor ? { visitor } : {}),
    ...(sentOne ? { visitorId: sentOne.memberId } : {}),
  };
}

/** The JSON of the `interpret` command: see interpretDetailed for what the bot needs beyond it. */
export function interpret(text: string, ctx: InterpretContext): Interpretation {
  return interpretDetailed(text, ctx).result;
}
