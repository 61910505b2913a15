// What a pairing message asks (结对帮扶, MECHANISM 1.2). Pure: the text in, the command out (names as written, in
// order, once each), or undefined for anything else — a talk or visit with the member ("今天去看望了王芳") is a
// care record, and "结对子活动很好" is no command. test/fixtures/assistance/pairing.jsonl holds the sentences.
//
//   结对：李明 帮扶 王芳                 one helps one (the OD, or the member's GB secretary)
//   结对：张伟、刘洋 帮扶 王芳           many help one (or another 结对 later adds a helper)
//   结对：数学学院教工支部 帮扶 王芳     an organisation helps (its secretary acts for it)
//   结束结对：李明 王芳                  ends that pairing
//   我的结对对象                         a helper's pairs, with the last contact
//   结对情况                             the OD's list: leading cadres without a pairing, members without a helper
//   免除结对：李明，原因：长期外派       the OD exempts a leading cadre (原则上: a reason is required)
//   取消免除结对：李明                   revokes the exemption

import { placeForms } from '../conversation/interpret/roster-index.ts';

export type PairingCommand =
  | { kind: 'pair'; helpers: string[]; member: string }
  | { kind: 'end'; helper: string; member: string }
  | { kind: 'my_pairs' }
  | { kind: 'overview' }
  | { kind: 'exempt'; cadres: string[]; reason: string }
  | { kind: 'revoke_exemption'; cadres: string[] }
  /** The command's opening words with what follows unreadable: the bot answers with the form to use. */
  | { kind: 'usage'; of: 'pair' | 'end' | 'exempt' | 'revoke_exemption' };

/** 结对： or 结对 followed by a space: what opens a command (结对子, 结对帮扶工作 … open none). */
const OPENS = String.raw`\s*(?:[:：]\s*|\s+)`;
const PAIR = new RegExp(String.raw`^(?:请)?(?:安排|建立)?结对(?:帮扶)?${OPENS}(?<rest>.*)$`, 'u');
const END = new RegExp(String.raw`^(?:请)?(?:结束|解除|取消|终止)结对(?:帮扶)?(?:关系)?${OPENS}(?<rest>.*)$`, 'u');
const REVOKE = new RegExp(String.raw`^(?:请)?(?:取消|撤销|撤回|恢复)(?:免除|豁免)结对(?:帮扶)?(?:任务|要求)?${OPENS}(?<rest>.*)$`, 'u');
const EXEMPT = new RegExp(String.raw`^(?:请)?(?:免除|豁免)结对(?:帮扶)?(?:任务|要求)?${OPENS}(?<rest>.*)$`, 'u');
/** 李明 帮扶 王芳 (帮扶 between the helpers and the member). */
const HELPS = /^(?<helpers>.+?)\s*(?:结对)?(?:帮扶|帮助)\s*(?<member>.+)$/u;
/** 李明，原因：长期外派 / 李明（原因：长期外派） / 李明 理由 长期外派. */
const WITH_REASON = /^(?<names>.*?)\s*[,，;；(（]?\s*(?:原因|理由)\s*[:：]?\s*(?<reason>.*?)[)）]?$/u;
/** 李明（长期外派）: the reason in brackets after the names. */
const BRACKETED_REASON = /^(?<names>[^(（]+?)\s*[(（](?<reason>[^)）]+)[)）]$/u;
const MY_PAIRS = /^(?:查看|查询)?(?:我的结对(?:帮扶)?(?:对象|情况|名单)?|(?:我的)?结对(?:帮扶)?对象|我帮扶的(?:党员|同志|对象))$/u;
const OVERVIEW = /^(?:查看|查询)?(?:领导干部)?结对(?:帮扶)?(?:情况|名单|统计)$/u;
const NAME_LIST = /[、,，;；\s]+/u;
/** A name, an account or an organisation: no sentence (nothing a name or an organisation never holds). */
const NAME = /^[\p{Script=Han}A-Za-z0-9_.@·•-]{2,40}$/u;

/** NFKC (full-width to half-width), no trailing full stop or exclamation. */
function normalise(text: string): string {
  return text.normalize('NFKC').trim().replace(/[。!.]+$/u, '').trim();
}

/** The names in a list, each without 同志/党员, in order, once each; undefined when one is no name at all. */
function names(list: string): string[] | undefined {
  const out = [...new Set(list.split(NAME_LIST).map((n) => n.replace(/(?:同志|党员)$/u, '').trim()).filter((n) => n !== ''))];
  return out.length > 0 && out.every((n) => NAME.test(n)) ? out : undefined;
}

/** Pure: the pairing command a message gives, if any. */
export function matchPairingCommand(message: string): PairingCommand | undefined {
  const t = normalise(message);
  if (MY_PAIRS.test(t)) return { kind: 'my_pairs' };
  if (OVERVIEW.test(t)) return { kind: 'overview' };

  const revoke = REVOKE.exec(t);
  if (revoke) {
    const cadres = names(revoke.groups!['rest']!);
    return cadres ? { kind: 'revoke_exemption', cadres } : { kind: 'usage', of: 'revoke_exemption' };
  }
  const exempt = EXEMPT.exec(t);
  if (exempt) {
    const rest = exempt.groups!['rest']!;
    const r = WITH_REASON.exec(rest) ?? BRACKETED_REASON.exec(rest);
    const cadres = names(r ? r.groups!['names']! : rest);
    if (!cadres) return { kind: 'usage', of: 'exempt' };
    return { kind: 'exempt', cadres, reason: (r?.groups!['reason'] ?? '').trim() };
  }
  const end = END.exec(t);
  if (end) {
    const rest = end.groups!['rest']!;
    const helps = HELPS.exec(rest);
    const pair = helps ? [...(names(helps.groups!['helpers']!) ?? []), ...(names(helps.groups!['member']!) ?? [])] : names(rest);
    return pair?.length === 2 && pair[0] !== pair[1] ? { kind: 'end', helper: pair[0]!, member: pair[1]! } : { kind: 'usage', of: 'end' };
  }
  const pair = PAIR.exec(t);
  if (pair) {
    const helps = HELPS.exec(pair.groups!['rest']!);
    const helpers = helps ? names(helps.groups!['helpers']!) : undefined;
    const member = helps ? names(helps.groups!['member']!) : undefined;
    if (!helpers || member?.length !== 1) return { kind: 'usage', of: 'pair' };
    return { kind: 'pair', helpers, member: member[0]! };
  }
  return undefined;
}

/**
 * What a helping organisation may be called, as the roster's names are (placeForms: the full name, the name
 * without 党支部/党总支, a branch as …支部): a general branch by its own forms, a branch by its own forms alone
 * (教工支部, shared by many: asked about) or after one of its general branch's (数学学院教工支部).
 */
export function organisationForms(org: { kind: 'branch' | 'general_branch'; name: string; gb_name: string | null }): Set<string> {
  const own = placeForms(org.name, org.kind);
  if (org.kind === 'general_branch' || org.gb_name === null) return new Set(own);
  const gb = placeForms(org.gb_name, 'general_branch');
  return new Set([...own, ...gb.flatMap((g) => own.map((b) => `${g}${b}`))]);
}
