// What an emergency-aid message says (突发困难补助, MECHANISM 1.2). Pure: the chat handler
// (aid-conversation.ts) looks the names up and acts; test/fixtures/assistance/aid.jsonl holds the sentences and
// the near-misses that must not be read as aid at all ("申请入党", "孩子上学了", "母亲重病住院了" is a care report).
//
// - "申请突发困难补助：孩子上学学费困难，申请2000元" (also 申请临时困难补助, 突发困难补助申请…): the member's own
//   application; "为王芳申请突发困难补助：家中遭火灾，申请5000元" — a branch secretary's for 王芳, with "本人已同意"
//   when 王芳 has no chat account and has agreed in person.
// - "批准王芳突发困难补助1500元", "批准1500元" (a reply to the OD's decision card): the OD's decision.
// - "王芳突发困难补助已发放", "突发困难补助已发放" (a reply to the payment card): the payment recorded.
import { parseYuan } from '../domain/assistance.ts';
import type { EmergencyAidCause } from '../domain/assistance.ts';
import { aidCauseOf } from '../domain/emergency-aid.ts';

export type AidCommand =
  | {
      kind: 'apply';
      /** The member applied for, as written (a name or a chat account); null: the writer themself. */
      for: string | null;
      cause: EmergencyAidCause;
      /** What the writer says of the difficulty, without the amount and the attestation. */
      note: string;
      /** The amount asked, in fen; null when the message gives none (the bot asks for it). */
      amountFen: number | null;
      /** "本人已同意": the secretary attests the member's consent (for a member without a chat account). */
      attested: boolean;
    }
  | { kind: 'approve'; name: string | null; amountFen: number }
  | { kind: 'paid'; name: string | null };

const AID = String.raw`(?:突发|临时)(?:性)?困难(?:补助|救助)(?:金|款)?`;
const NAME = String.raw`[\p{L}\p{N}_.\-]{1,20}?`;
const FOR = String.raw`(?:为|替|代|帮)(?<name>${NAME})(?:同志)?`;
const SEP = String.raw`[\s:：，,。；;]*`;
/** 申请突发困难补助… / 为王芳申请突发困难补助… */
const APPLY_VERB_FIRST = new RegExp(String.raw`^(?:请|我要|我想)?(?:${FOR})?(?:申请|申报)(?:一下|一笔)?${AID}${SEP}(?<rest>.*)$`, 'su');
/** 突发困难补助申请：… / 为王芳突发困难补助申请… */
const APPLY_AID_FIRST = new RegExp(String.raw`^(?:${FOR})?${AID}(?:的)?(?:申请|申报)${SEP}(?<rest>.*)$`, 'su');
/** A question about aid, not an application: 突发困难补助申请需要什么材料？怎么申请突发困难补助 */
const QUESTION = /[?？]|怎么|怎样|如何|什么|哪些|吗|呢|条件|流程|材料|规定|标准|多少钱/u;
const ATTESTED = /(?:本人|其本人|他本人|她本人)(?:已|已经)?(?:同意|知情同意)|(?:已|已经)?(?:征得|经)(?:本人|其本人)同意/u;

/** 批准王芳突发困难补助1500元 / 批准1500元 / 同意批准王芳1500元 */
const APPROVE = new RegExp(String.raw`^(?:同意)?批准(?<rest>.+)$`, 'su');
/** 王芳突发困难补助已发放 / 突发困难补助已发放 */
const PAID = new RegExp(String.raw`^(?<name>${NAME})?(?:同志)?(?:的)?${AID}(?:已|已经)(?:发放|发放完毕|发放到位|发了|发到位)(?:了)?$`, 'u');

const trimEnds = (s: string) => s.replace(/^[\s:：，,。；;、]+|[\s:：，,。；;、!！]+$/gu, '');

export function matchAidCommand(message: string): AidCommand | undefined {
  const t = message.trim().replace(/\s+/gu, ' ');
  if (t === '') return undefined;
  const apply = APPLY_VERB_FIRST.exec(t) ?? APPLY_AID_FIRST.exec(t);
  if (apply) return applicationOf(apply.groups!['name'] ?? null, apply.groups!['rest'] ?? '');
  const bare = t.replace(/[。！!.]+$/u, '');
  const paid = PAID.exec(bare);
  if (paid) return { kind: 'paid', name: paid.groups!['name'] ?? null };
  const approve = APPROVE.exec(bare);
  if (approve) return approvalOf(approve.groups!['rest']!);
  return undefined;
}

/** The amount asked as written, with the words that lead to it (申请/需要/金额/为): removed from the note. */
const ASKED_AMOUNT = /(?:申请|需要|请求)?(?:补助|救助)?(?:金额)?(?:为|是)?\s*(?:[¥￥]\s*\d[\d,]*(?:\.\d{1,2})?\s*万?\s*(?:元|块|圆)?|\d[\d,]*(?:\.\d{1,2})?\s*(?:万\s*(?:元|块|圆)?|元|块|圆))/u;
/** Words that mean the writer: 帮我申请 is the writer's own application (帮忙申请 too). */
const SELF = new Set(['我', '我自己', '自己', '本人', '忙']);

function applicationOf(name: string | null, rest: string): AidCommand | undefined {
  if (QUESTION.test(rest) && parseYuan(rest) === undefined) return undefined;
  const attested = ATTESTED.test(rest);
  const clauses = rest.split(/[，。；;、\n]|,(?!\d{3})/u).map((c) => c.trim()).filter((c) => c !== '');
  // The amount asked: a clause that says 申请/金额/需要 wins over a loss mentioned in passing (损失3万元，申请5000元);
  // else the last amount written.
  const asked = clauses.findIndex((c) => /申请|金额|补助|需要|请求/u.test(c) && parseYuan(c) !== undefined);
  const amounts = clauses.flatMap((c, i) => (parseYuan(c) !== undefined ? [i] : []));
  const at = asked >= 0 ? asked : amounts[amounts.length - 1];
  const amountFen = at === undefined ? null : parseYuan(clauses[at]!)!;
  const note = clauses
    .map((c, i) => (i === at ? c.replace(ASKED_AMOUNT, '') : c))
    .map((c) => trimEnds(c.replace(ATTESTED, '')))
    .filter((c) => c !== '' && !/^(?:申请|补助|金额)$/u.test(c))
    .join('，');
  const written = name === null ? null : name.replace(/同志$/u, '');
  const who = written !== null && SELF.has(written) ? null : written;
  if (who === '') return undefined;
  return { kind: 'apply', for: who, cause: aidCauseOf(note), note, amountFen, attested };
}

function approvalOf(rest: string): AidCommand | undefined {
  const clauses = rest.split(/，|,(?!\d{3})/u).map((c) => c.trim());
  if (clauses.length !== 1) return undefined;
  const m = /^(?<before>.*?)(?:金额)?(?:为)?(?<amount>[¥￥]?\s*\d[\d,]*(?:\.\d{1,2})?\s*万?\s*(?:元|块))$/u.exec(clauses[0]!);
  if (!m) return undefined;
  const amountFen = parseYuan(m.groups!['amount']!);
  if (amountFen === undefined) return undefined;
  const before = m.groups!['before']!.replace(new RegExp(`(?:的)?${AID}$`, 'u'), '').replace(/(?:的)?(?:补助|补助金)$/u, '').replace(/(?:同志)?(?:的)?$/u, '').trim();
  if (before === '') return { kind: 'approve', name: null, amountFen };
  if (!new RegExp(`^${NAME}$`, 'u').test(before) || /\d/u.test(before)) return undefined;
  return { kind: 'approve', name: before, amountFen };
}

/** An amount given as the answer to "申请金额是多少？": "2000元", "申请2000元", or a bare "2000". */
export function parseAmountReply(message: string): number | undefined {
  const t = message.trim().replace(/[。！!.]+$/u, '');
  if (t.length > 20) return undefined;
  const bare = /^(?:申请)?(?:金额)?(?:为|是)?\s*(\d{1,9})(?:\.(\d{1,2}))?$/u.exec(t);
  if (bare) return parseYuan(`${bare[1]}${bare[2] ? `.${bare[2]}` : ''}元`);
  if (!/^(?:申请|金额|申请金额)?(?:为|是)?\s*[¥￥]?\s*\d/u.test(t)) return undefined;
  return parseYuan(t);
}
