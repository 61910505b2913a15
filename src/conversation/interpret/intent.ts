// The intent (stage 5 of interpret.ts): a chat command, else the record the wording describes — a report, a
// talk or visit done (not one intended), a trigger worded as news — else unknown. Pure.
import type { CommandIntent } from './lexicon.ts';
import { hasBreak } from './normalise.ts';
import type { ReasonFind } from './reason.ts';
import { kindOf, type Tok } from './scan.ts';
import { smallTalkOf } from './small-talk.ts';
import type { Intent } from './types.ts';

const UNDO_PHRASE = /^请?(?:删除|删掉|取消|作废)(?:上一条|上条|刚才|刚刚|最后一条|那条|这条|上一次|记录)/u;

/** An intention earlier in the verb's clause (需要谈心, 请于月底前完成谈心, 准备明天去看望): not done yet. */
const INTENTION = /(?:需要|需|(?<![主重只])要|准备|打算|计划|拟|将(?!近)|请(?![假问])|安排|尽快|应该|应当|建议|待(?!遇))[^,。;:!?…|]*$/u;
/**
 * A question (王芳是困难党员吗, 查看王芳的困难情况, 张伟住院了？, 今天和张伟谈心了吗): asks, records and reports nothing —
 * only an explicit 报告 still files a report.
 */
const QUESTION = /[?]$|(?:吗|么|呢)[?]?$|^(?:请问|查看|查询|怎么|如何|是否|能否|可否)/u;

/** Is the (normalised) message a question? Also no addition to the last record's note. */
export const isQuestion = (t: string): boolean => QUESTION.test(t.trim());
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
  const talk = smallTalkOf(compact, text);
  if (talk === 'help' || talk === 'incentive_help' || talk === 'voice_help') return 'help';
  if (WHAT_IS_LEFT.test(text)) return 'progress';
  if (has('help') && !hasContent) return 'help';
  return undefined;
}

export interface IntentRead {
  intent: Intent;
  /** the talk or visit verb the record is about */
  verb: Tok | undefined;
  names: Tok[];
  verbs: Tok[];
  /** a talk and a visit in different clauses: one record at a time */
  mixed: boolean;
}

/** The intent of message t (normalised), from its tokens and the reasons found in it. */
export function readIntent(t: string, compact: string, tokens: readonly Tok[], finds: readonly ReasonFind[]): IntentRead {
  const names = tokens.filter((x) => x.members !== undefined);
  const verbs = tokens.filter((x) => kindOf(x) === 'talk' || kindOf(x) === 'visit');
  const trigger = finds.some((f) => (f.visit !== null && f.visit !== 'holiday') || f.talk !== null);
  let intent: Intent =
    commandIntent(tokens, t, compact, names.length > 0 || verbs.length > 0 || finds.length > 0) ?? 'unknown';
  let verb: Tok | undefined;
  if (intent === 'unknown') {
    const meant = verbs.filter((v) => !INTENTION.test(t.slice(Math.max(0, v.start - 16), v.start)));
    const report = tokens.find((x) => kindOf(x) === 'report');
    verb = meant[0];
    const question = QUESTION.test(t);
    if (report && (!verb || report.start < verb.start)) intent = 'report_event';
    else if (question) verb = undefined; // 今天和张伟谈心了吗: asked, not recorded
    else if (verb) intent = kindOf(verb) === 'talk' ? 'log_talk' : 'log_visit';
    else if (trigger) intent = 'report_event';
    else if (tokens.some((x) => x.entry?.lex.kind === 'keep' && x.entry.lex.visit)) intent = 'log_visit';
  }
  const isLog = intent === 'log_talk' || intent === 'log_visit';
  // 昨天和张伟谈心，今天走访了王芳: two records in one message; the bot asks for one at a time.
  const mixed =
    isLog && verb !== undefined && verbs.some((v) => kindOf(v) !== kindOf(verb) && hasBreak(t, Math.min(v.start, verb.start), Math.max(v.start, verb.start)));
  return { intent, verb, names, verbs, mixed };
}
