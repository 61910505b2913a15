// How a GB secretary writes the May/November verification in one message (MECHANISM 1.1, 核实更新并上报). Pure.
//
//   王芳 已好转；张伟 仍困难 病；新增 冯无号 残          one line per entry, separated by ；; ，, or new lines
//   王芳（教工第一党支部） 已好转，已再就业            a branch in brackets tells namesakes apart; a reason may follow
//   张伟 仍困难 原因改为 病、残                        new causes (short 老弱病残 or long 年老、患病 …) replace the old
//   新增：冯无号，残疾 ……；核实完毕                     a closing 核实完毕 submits once the lines are applied
//   核实完毕 / 困难党员已核实上报 / 计算机学院党总支核实完毕   submit (the list's unmarked entries: unchanged)
//   核实名单                                             the list's cards again
//
// A message is a verification only when its first line is one (or it is 核实完毕 / 核实名单 alone): a care
// report that mentions 困难 somewhere ("今天走访了王芳，王芳仍困难，送慰问金500元") is not. Later lines that cannot
// be read are returned as `unclear` with why, so the handler can answer which line and apply nothing.
import type { HardshipCause } from '../domain/assistance.ts';
import { canonicalCauses } from '../domain/hardship-verification.ts';

/** Who a line names: a name (or chat account) and, for namesakes, the branch written in brackets after it. */
export interface WrittenMember {
  name: string;
  branch?: string;
}

export type VerificationLine =
  | ({ kind: 'confirm'; line: number; causes: HardshipCause[] } & WrittenMember)
  | ({ kind: 'archive'; line: number; reason: string } & WrittenMember)
  | ({ kind: 'add'; line: number; causes: HardshipCause[] } & WrittenMember)
  | { kind: 'unclear'; line: number; text: string; why: string };

export type VerificationMessage =
  | { kind: 'batch'; lines: VerificationLine[]; submit: boolean }
  | { kind: 'submit'; generalBranch?: string }
  | { kind: 'list' };

/** The words of each cause (short forms: 老、弱、病、残), matched longest first; 年老体弱 is two. */
const CAUSE_WORDS: ReadonlyArray<[string, HardshipCause[]]> = [
  ['年老体弱', ['old_age', 'frailty']],
  ['重大变故', ['misfortune']],
  ['家庭变故', ['misfortune']],
  ['自然灾害', ['disaster']],
  ['年老', ['old_age']],
  ['老年', ['old_age']],
  ['年迈', ['old_age']],
  ['高龄', ['old_age']],
  ['体弱', ['frailty']],
  ['患病', ['illness']],
  ['疾病', ['illness']],
  ['生病', ['illness']],
  ['重病', ['illness']],
  ['大病', ['illness']],
  ['残疾', ['disability']],
  ['伤残', ['disability']],
  ['残障', ['disability']],
  ['变故', ['misfortune']],
  ['灾害', ['disaster']],
  ['受灾', ['disaster']],
  ['其他', ['other']],
  ['其它', ['other']],
  ['老', ['old_age']],
  ['弱', ['frailty']],
  ['病', ['illness']],
  ['残', ['disability']],
  ['灾', ['disaster']],
];
const CAUSE_WORDS_BY_LENGTH = [...CAUSE_WORDS].sort((a, b) => b[0].length - a[0].length);

/** What the causes may be written as, for the answer to a line whose causes cannot be read. */
export const CAUSE_HINT = '老、弱、病、残、重大变故、自然灾害、其他（或年老、体弱、患病、残疾）';

/**
 * The causes written in `text` ("病", "病、残", "老弱病残", "年老，患病", "原因改为患病"), canonical order; undefined
 * when anything in it is not a cause (so "失业" or "病情稳定" is not read as causes); [] for nothing written.
 */
export function causesIn(text: string): HardshipCause[] | undefined {
  let rest = text.replace(/^(?:原因|困难原因|致困原因)?(?:改为|变为|更新为|调整为|为|是)?[:：]?/u, '').replace(/[（(）)]/gu, ' ');
  const found: HardshipCause[] = [];
  rest = rest.replace(/[、,，/+＋\s和及与]+/gu, ' ').trim();
  for (const token of rest.split(' ').filter((t) => t !== '')) {
    let t = token;
    while (t.length > 0) {
      const hit = CAUSE_WORDS_BY_LENGTH.find(([w]) => t.startsWith(w));
      if (!hit) return undefined;
      found.push(...hit[1]);
      t = t.slice(hit[0].length);
    }
  }
  return canonicalCauses(found);
}

// ---- lines ----

const CONFIRM_WORDS = '仍然困难|依然困难|仍较困难|仍很困难|仍有困难|仍旧困难|还是困难|仍困难|仍在困难|无变化|没有变化|不变';
const ARCHIVE_WORDS = '已经好转|情况好转|已好转|好转了|已脱困|已摆脱困难|已不困难|不再困难';
const KEYWORDS = new RegExp(`(?:${CONFIRM_WORDS}|${ARCHIVE_WORDS})`, 'u');

/**
 * A name as written: 2–4 Chinese characters (a name with · up to 12), or a chat account. Not a phrase that ends
 * in a word no name ends in (王芳病情已好转 is about an illness, not a verification line).
 */
const NAME = String.raw`(?<name>[\p{Script=Han}]{2,4}|[\p{Script=Han}]{1,6}·[\p{Script=Han}]{1,6}|[A-Za-z][A-Za-z0-9_.@-]{1,31})`;
const BRANCH = String.raw`(?:[（(](?<branch>[^()（）]{2,40})[)）])?`;
const NOT_A_NAME = /(?:病情|情况|身体|家庭|家里|生活|经济|状况|伤情|病|的|了|们|都|也|又|已|仍|还)$|^(?:我|他|她|本人|大家|全家|家人|母亲|父亲|孩子|老人)/u;

const CONFIRM_LINE = new RegExp(String.raw`^${NAME}${BRANCH}[\s:：]*(?:${CONFIRM_WORDS})[\s:：]*(?<tail>.*)$`, 'u');
const ARCHIVE_LINE = new RegExp(String.raw`^${NAME}${BRANCH}[\s:：]*(?:${ARCHIVE_WORDS})(?:(?:[\s:：,，]+|(?=[（(]))(?<tail>.*))?$`, 'u');
const ADD_LINE = /^(?:新增|增加|新加|添加|补充)(?:困难党员)?[\s:：]*(?<rest>.*)$/u;
const ADD_NAME = new RegExp(String.raw`^${NAME}${BRANCH}(?:[\s:：,，]+(?<causes>.*))?$`, 'u');

/** 核实完毕 and the old 困难党员已核实上报: submit (a GB's name may lead it). */
const SUBMIT =
  /^(?<gb>[^\s，,；;]{2,40}?党总支)?(?:的)?(?:(?:生活)?困难党员(?:名单|信息)?)?(?:已经?|已)?(?:核实|核查)(?:工作)?(?:已经?)?(?:完毕|完成|结束)了?(?:[，,]?(?:并|请)?(?:已)?(?:上报|提交|报送)(?:党委组织部|组织部)?)?[。！!.]*$/u;
const OLD_SUBMIT = /^(?<gb>[^\s，,；;]{2,40}?党总支)?(?:本单位)?(?:生活)?困难党员(?:名单|信息)?(?:已经?)(?:核实)?(?:并|和)?(?:已)?(?:核实|上报|核实上报|核实并上报)[了。！!.]*$/u;
const LIST = /^(?:请)?(?:发|发送|给我|查看|看看|再发一次|重发)?(?:本期|本次|(?:\d{1,2})月)?(?:(?:生活)?困难党员)?(?:核实名单|核实清单|核实卡片)[。！!.]*$|^(?:开始)?(?:生活)?困难党员核实[。！!.]*$|^开始核实[。！!.]*$/u;

const strip = (s: string) => s.trim().replace(/[。！!.]+$/u, '').trim();

function memberOf(groups: Record<string, string | undefined>): WrittenMember | undefined {
  const written = groups['name']!;
  const name = written.length > 3 && /(?:同志|老师)$/u.test(written) ? written.slice(0, -2) : written;
  if (NOT_A_NAME.test(name)) return undefined;
  const branch = groups['branch']?.trim();
  return branch ? { name, branch } : { name };
}

/** Causes and the words around them after 仍困难 / after a name being added: none written is []. */
function tailCauses(tail: string | undefined): HardshipCause[] | undefined {
  const t = (tail ?? '').trim();
  return t === '' ? [] : causesIn(t);
}

const badCauses = (line: number, text: string): VerificationLine => ({ kind: 'unclear', line, text, why: `原因看不懂，可写${CAUSE_HINT}` });

/** 新增 冯无号 残 / 新增：冯无号（残疾） / 新增冯无号残 (a name run into its causes: read when only one split makes sense). */
function readAdd(t: string, rest: string, line: number): VerificationLine {
  const written = ADD_NAME.exec(rest);
  let who = written ? memberOf(written.groups!) : undefined;
  let causesText = written?.groups!['causes'];
  // 新增冯无号（残疾）: the brackets hold causes, not a branch.
  if (who?.branch && causesText === undefined && (causesIn(who.branch)?.length ?? 0) > 0) {
    causesText = who.branch;
    who = { name: who.name };
  }
  if (who && causesText !== undefined && causesText.trim() !== '') {
    const causes = causesIn(causesText);
    if (causes === undefined) return badCauses(line, t);
    return { kind: 'add', line, ...who, causes };
  }
  const splits = [2, 3, 4].flatMap((n) => {
    const name = rest.slice(0, n);
    const causes = causesIn(rest.slice(n));
    return /^[\p{Script=Han}]+$/u.test(name) && !NOT_A_NAME.test(name) && causes && causes.length > 0 ? [{ name, causes }] : [];
  });
  if (splits.length === 1) return { kind: 'add', line, name: splits[0]!.name, causes: splits[0]!.causes };
  // Causes may follow as the next line (新增：冯无号，残疾); a line left without any is unclear (see below).
  if (who) return { kind: 'add', line, ...who, causes: [] };
  if (rest === '') return { kind: 'unclear', line, text: t, why: '请写明新增谁及其困难原因，如“新增 冯无号 残”' };
  return { kind: 'unclear', line, text: t, why: '请在姓名和原因之间加空格，如“新增 冯无号 残”' };
}

/** One line, read alone: a verification line, an unclear one that was meant as one (`why`), or null. */
function readLine(text: string, line: number): VerificationLine | null {
  const t = strip(text);
  const add = ADD_LINE.exec(t);
  if (add) return readAdd(t, add.groups!['rest']!.trim(), line);
  const confirm = CONFIRM_LINE.exec(t);
  if (confirm) {
    const who = memberOf(confirm.groups!);
    if (!who) return null;
    const causes = tailCauses(confirm.groups!['tail']);
    if (causes === undefined) return badCauses(line, t);
    return { kind: 'confirm', line, ...who, causes };
  }
  const archive = ARCHIVE_LINE.exec(t);
  if (archive) {
    const who = memberOf(archive.groups!);
    if (!who) return null;
    const reason = (archive.groups!['tail'] ?? '').trim().replace(/^[（(](.*)[)）]$/u, '$1').trim();
    return { kind: 'archive', line, ...who, reason };
  }
  return null;
}

/** Lines are separated by ；; ，, 。 and new lines; after a comma a line may carry on the one before. */
const SEPARATORS = /([；;，,\n。]+)/u;
const CARRIES_ON = /^[，,]+$/u;

/** Pure: the verification a message writes, if it writes one. */
export function matchVerification(message: string): VerificationMessage | undefined {
  const whole = strip(message.replace(/\s+/gu, ' '));
  if (whole === '') return undefined;
  const compact = whole.replace(/\s+/gu, '');
  const submit = SUBMIT.exec(compact) ?? OLD_SUBMIT.exec(compact);
  if (submit) return submit.groups?.['gb'] ? { kind: 'submit', generalBranch: submit.groups['gb'] } : { kind: 'submit' };
  if (LIST.test(compact)) return { kind: 'list' };

  // [segment, separator, segment, …]: the separator before a segment says whether it may carry on a line.
  const parts = message.split(SEPARATORS);
  const segments: Array<{ text: string; afterComma: boolean }> = [];
  for (let i = 0; i < parts.length; i += 2) {
    const text = parts[i]!.trim().replace(/\s+/gu, ' ');
    if (text !== '') segments.push({ text, afterComma: i > 0 && CARRIES_ON.test(parts[i - 1]!.trim() || '，') });
  }
  const first = segments[0] !== undefined ? readLine(segments[0].text, 1) : null;
  if (!first) return undefined;

  const lines: VerificationLine[] = [];
  let submitAtEnd = false;
  segments.forEach(({ text: segment, afterComma }, i) => {
    if (i === segments.length - 1 && i > 0 && SUBMIT.test(segment.replace(/\s+/gu, ''))) {
      submitAtEnd = true;
      return;
    }
    const line = i === 0 ? first : readLine(segment, i + 1);
    if (line) {
      lines.push(line);
      return;
    }
    // After a comma, a line may only carry on the one before: more causes (张伟 仍困难，病), or 已好转's reason.
    const previous = lines[lines.length - 1];
    const causes = causesIn(segment);
    if (afterComma && previous && (previous.kind === 'confirm' || previous.kind === 'add') && causes && causes.length > 0) {
      previous.causes = canonicalCauses([...previous.causes, ...causes]);
      return;
    }
    if (afterComma && previous && previous.kind === 'archive' && previous.reason === '') {
      previous.reason = strip(segment);
      return;
    }
    const why = KEYWORDS.test(segment) ? '姓名看不清，请写“姓名 仍困难”或“姓名 已好转”' : '看不懂这一条，请写“姓名 仍困难 [新原因]”“姓名 已好转 [原因]”或“新增 姓名 原因”';
    lines.push({ kind: 'unclear', line: i + 1, text: strip(segment), why });
  });
  // An entry is added with its causes: one still without any is unclear. Lines are numbered as the writer
  // sees them (a continuation is part of its line).
  const checked = lines.map((l, i): VerificationLine =>
    l.kind === 'add' && l.causes.length === 0
      ? { kind: 'unclear', line: i + 1, text: `新增 ${l.name}`, why: `请写明${l.name}的困难原因，如“新增 ${l.name} 病”` }
      : { ...l, line: i + 1 },
  );
  return { kind: 'batch', lines: checked, submit: submitAtEnd };
}
