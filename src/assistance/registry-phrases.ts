// How people write to the hardship registry (生活困难党员信息库, MECHANISM 1.1): a member's own application
// (申请困难帮扶：母亲重病，家庭开支大), a branch recommendation (推荐王芳为生活困难党员，因病[，本人已同意]), 我的帮扶,
// 困难党员名单, and the GB's archiving (王芳已好转，归档困难党员：家庭收入已恢复). Pure: the handler
// (registry-conversation.ts) does the rest. Near-misses stay unmatched: "母亲重病住院了" is a care report,
// "申请突发困难补助…" an emergency aid, "申请入党" nothing of ours.
import type { HardshipCause } from '../domain/assistance.ts';

export type RegistryCommand =
  | { kind: 'apply'; causes: HardshipCause[]; note: string }
  | { kind: 'recommend'; name: string; causes: HardshipCause[]; note: string; attested: boolean }
  | { kind: 'my' }
  | { kind: 'list'; scope: 'branch' | 'general_branch' | null }
  | { kind: 'archive'; name: string; reason: string }
  /** 怎么申请困难帮扶？ / 如何申请突发困难补助: how to apply, answered with the sentence to send. */
  | { kind: 'how'; about: 'hardship' | 'emergency_aid' };

/** A question how to apply (怎么申请困难帮扶？, 如何申请突发困难补助, 生活困难党员怎么申报): which of the two. */
const HOW = /^(?:请问)?.{0,10}?(?:怎么|如何|怎样)(?:才能)?(?:申请|申报|办理).{0,12}$/u;
const HOW_AID = /突发|临时/u;
const HOW_HARDSHIP = /困难|帮扶|补助/u;

/**
 * The words of each cause (MECHANISM "Canonical codes": 老、弱、病、残、重大变故、自然灾害). A bare 老 or 弱 counts
 * only standing alone (因老、老弱病残), never inside 老伴 or 老家; 病 not in 病故 (a death is a 变故).
 */
const CAUSE_WORDS: ReadonlyArray<[HardshipCause, RegExp]> = [
  ['old_age', /年老|高龄|年迈|年事已高|老年|年纪大|年龄大|岁数大|老弱|(?:^|[因为,，、:：;；])老(?=$|[,，、。;；弱病残])/u],
  ['frailty', /体弱|虚弱|体衰|体质差|体质弱|(?:^|[因为老,，、:：;；])弱(?=$|[,，、。;；病残])/u],
  ['illness', /病(?!故|逝)|患有|患了|住院|癌|肿瘤|手术|化疗|透析|瘫痪/u],
  ['disability', /残/u],
  ['misfortune', /重大变故|变故|去世|离世|病故|病逝|亡故|过世|车祸|意外|事故|失业|下岗|离异|破产/u],
  ['disaster', /灾|洪水|洪涝|地震|台风|泥石流|冰雹|干旱|塌方|房屋倒塌/u],
];

const ORDER: readonly HardshipCause[] = ['old_age', 'frailty', 'illness', 'disability', 'misfortune', 'disaster', 'other'];

/** The causes a text names, in canonical order; `other` only when it says 其他 and names none of the rest. */
export function hardshipCausesOf(text: string): HardshipCause[] {
  const found = new Set<HardshipCause>(CAUSE_WORDS.filter(([, re]) => re.test(text)).map(([c]) => c));
  if (found.size === 0 && /其他|其它/u.test(text)) found.add('other');
  return ORDER.filter((c) => found.has(c));
}

/**
 * The buttons that ask for the cause when the text names none: a card holds six, so 年老 and 体弱 share one (the
 * usual 年老体弱); the key carries the choice's index (`hscause-<event>-<index>`).
 */
export const CAUSE_CHOICES: ReadonlyArray<{ label: string; causes: HardshipCause[] }> = [
  { label: '年老体弱', causes: ['old_age', 'frailty'] },
  { label: '患病', causes: ['illness'] },
  { label: '残疾', causes: ['disability'] },
  { label: '重大变故', causes: ['misfortune'] },
  { label: '自然灾害', causes: ['disaster'] },
  { label: '其他', causes: ['other'] },
];

const DELIM = '[:：,，。;；、]';
/** 申请困难帮扶 / 申请生活困难帮扶 / 我要申请困难帮扶 / 申报生活困难党员 / 申请列入困难党员 — never …补助 (emergency aid). */
const APPLY = new RegExp(
  `^(?:我(?:要|想)?|本人)?(?:申请|申报)(?:纳入|列入|登记为|认定为|成为)?(?:(?:生活)?困难(?:党员)?(?:帮扶|认定|登记)?|帮扶)(?:${DELIM}+(?<rest>.*))?$`,
  'u',
);
/** 推荐王芳为生活困难党员，因病 / 推荐王芳同志为困难党员：因病，本人已同意. */
const RECOMMEND = new RegExp(`^(?:我们?|本支部|支部)?(?:推荐|提名)(?<name>[^,，:：。、;；]{1,20}?)(?:同志)?(?:为|作为|纳入|列入|成为)(?:生活)?困难党员(?:${DELIM}+(?<rest>.*))?$`, 'u');
/** Consent attested by the secretary for a member without a chat account — never 本人不同意, 未经本人同意. */
const ATTESTED = /(?:本人已经?同意|本人同意|已征得(?:其|了)?(?:本人)?同意|经(?:其)?本人同意)/u;
const NOT_CONSENTED = /未经|不经|未征得|没有?征得|尚未|未同意|不同意/u;
const MY = /^(?:查看|查询|查)?我的(?:困难)?(?:帮扶|救助)(?:情况|信息|记录)?$/u;
const LIST = /^(?:查看|查询|查)?(?<scope>本支部|本党?总支|本单位)?的?(?:生活)?困难党员(?:名单|名册|列表|情况)?$/u;
/** 王芳已好转，归档困难党员：家庭收入已恢复 */
const ARCHIVE_IMPROVED = new RegExp(
  `^(?<name>[^,，:：。、;；]{1,20}?)(?:同志)?(?:的)?(?:情况|生活|家庭情况)?(?:已经?)?(?:好转|改善)(?:了)?${DELIM}*(?:请|现)?(?:予以)?归档(?:生活)?困难党员(?:${DELIM}+(?:原因|理由)?${DELIM}*(?<reason>.*))?$`,
  'u',
);
/** 归档困难党员：王芳，原因：家庭收入已恢复 */
const ARCHIVE = new RegExp(`^(?:请)?归档(?:生活)?困难党员${DELIM}*(?<name>[^,，:：。、;；]{1,20}?)(?:同志)?(?:${DELIM}+(?:原因|理由)?${DELIM}*(?<reason>.*))?$`, 'u');

/** What follows the command, as a note: no leading or trailing punctuation, Chinese commas and colons again. */
const clean = (s: string | undefined) =>
  (s ?? '')
    .replace(/^[:：,，。;；、\s]+|[:：,，。;；、\s!！.]+$/gu, '')
    .replace(/,/gu, '，')
    .replace(/:/gu, '：')
    .replace(/;/gu, '；')
    .trim();

/** Pure: the registry command a message gives, if any (the message as normalizeMessage left it). */
export function matchRegistryCommand(message: string): RegistryCommand | null {
  const t = message.replace(/\s+/gu, '').replace(/[。！!.?？]+$/u, '');
  if (t === '') return null;
  if (HOW.test(t) && HOW_HARDSHIP.test(t)) return { kind: 'how', about: HOW_AID.test(t) ? 'emergency_aid' : 'hardship' };
  if (MY.test(t)) return { kind: 'my' };
  const list = LIST.exec(t);
  if (list) {
    const s = list.groups?.['scope'];
    return { kind: 'list', scope: s === '本支部' ? 'branch' : s ? 'general_branch' : null };
  }
  const apply = APPLY.exec(t);
  if (apply) {
    const note = clean(apply.groups?.['rest']);
    return { kind: 'apply', causes: hardshipCausesOf(note), note };
  }
  const rec = RECOMMEND.exec(t);
  if (rec) {
    const rest = rec.groups?.['rest'] ?? '';
    const attested = ATTESTED.test(rest) && !NOT_CONSENTED.test(rest);
    const note = clean(attested ? rest.replace(new RegExp(`${DELIM}?${ATTESTED.source}`, 'gu'), '') : rest);
    const name = rec.groups!['name']!;
    return { kind: 'recommend', name, causes: hardshipCausesOf(note), note, attested };
  }
  const archived = ARCHIVE_IMPROVED.exec(t) ?? ARCHIVE.exec(t);
  if (archived) return { kind: 'archive', name: archived.groups!['name']!, reason: clean(archived.groups?.['reason']).slice(0, 200) };
  return null;
}
