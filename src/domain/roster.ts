// Values derived from a member's record, never stored twice (issue 3 "Derived"), and the Party role codes
// with their Chinese labels (MECHANISM.md "Canonical codes"). Pure: dates are 'YYYY-MM-DD' strings and the
// day of reference is always passed in.
import { completedYears } from './dates.ts';

export type RoleCode =
  | 'committee_secretary'
  | 'committee_member'
  | 'od_staff'
  | 'gb_secretary'
  | 'gb_member'
  | 'unit_leader'
  | 'branch_secretary'
  | 'member';

/** Roles kept in member_roles; 'member' is implicit for everyone in the roster. */
export type StoredRole = Exclude<RoleCode, 'member'>;

/** Canonical order: used wherever roles are listed (exports, menus), so output is stable. */
export const STORED_ROLES: readonly StoredRole[] = [
  'committee_secretary',
  'committee_member',
  'od_staff',
  'gb_secretary',
  'gb_member',
  'unit_leader',
  'branch_secretary',
];

export const ROLE_LABELS: Readonly<Record<RoleCode, string>> = {
  committee_secretary: '党委书记',
  committee_member: '党委委员',
  od_staff: '组织部',
  gb_secretary: '党总支书记',
  gb_member: '党总支委员',
  unit_leader: '单位党员主要领导',
  branch_secretary: '支部书记',
  member: '党员',
};

/** What the 职务 column may say, and what it means. Variants secretaries commonly write are accepted. */
const ROLE_BY_LABEL: ReadonlyMap<string, StoredRole> = new Map<string, StoredRole>([
  ['党委书记', 'committee_secretary'],
  ['党委委员', 'committee_member'],
  ['组织部', 'od_staff'],
  ['党委组织部', 'od_staff'],
  ['组织部工作人员', 'od_staff'],
  ['党总支书记', 'gb_secretary'],
  ['总支书记', 'gb_secretary'],
  ['党总支负责人', 'gb_secretary'],
  ['党总支委员', 'gb_member'],
  ['总支委员', 'gb_member'],
  ['单位党员主要领导', 'unit_leader'],
  ['单位主要领导', 'unit_leader'],
  ['支部书记', 'branch_secretary'],
  ['党支部书记', 'branch_secretary'],
]);

export function roleFromLabel(label: string): StoredRole | undefined {
  const key = label.trim();
  // The codes themselves are accepted too, for files written by scripts with English headers.
  return ROLE_BY_LABEL.get(key) ?? ((STORED_ROLES as readonly string[]).includes(key) ? (key as StoredRole) : undefined);
}

/** Member status codes (MECHANISM.md "Canonical codes") and their labels. */
export type MemberStatusCode = 'active' | 'deceased' | 'transferred_out';
export const MEMBER_STATUS_LABELS: Readonly<Record<MemberStatusCode, string>> = { active: '在册', deceased: '去世', transferred_out: '转出' };

/** What the 状态 column may say: the labels, the codes, and the variants a secretary writes. */
const STATUS_BY_LABEL: ReadonlyMap<string, MemberStatusCode> = new Map<string, MemberStatusCode>([
  ['在册', 'active'],
  ['正常', 'active'],
  ['去世', 'deceased'],
  ['已去世', 'deceased'],
  ['逝世', 'deceased'],
  ['已故', 'deceased'],
  ['亡故', 'deceased'],
  ['死亡', 'deceased'],
  ['转出', 'transferred_out'],
  ['已转出', 'transferred_out'],
  ['组织关系转出', 'transferred_out'],
]);

export function memberStatusFromLabel(label: string): MemberStatusCode | undefined {
  const key = label.trim();
  const code = key.toLowerCase();
  return STATUS_BY_LABEL.get(key) ?? ((Object.keys(MEMBER_STATUS_LABELS)).includes(code) ? (code as MemberStatusCode) : undefined);
}

/** Where a stored role applies: the committee, the member's general branch, or the member's branch. */
export const ROLE_SCOPE: Readonly<Record<StoredRole, 'committee' | 'general_branch' | 'branch'>> = {
  committee_secretary: 'committee',
  committee_member: 'committee',
  od_staff: 'committee',
  gb_secretary: 'general_branch',
  gb_member: 'general_branch',
  unit_leader: 'general_branch',
  branch_secretary: 'branch',
};

/** Sorts and de-duplicates roles in canonical order. */
export function sortRoles(roles: Iterable<StoredRole>): StoredRole[] {
  const set = new Set(roles);
  return STORED_ROLES.filter((r) => set.has(r));
}

// ---- dates ----

/** Party age (党龄) counts from the full-membership date; a probationary member has none yet (null). */
export function partyAge(fullMemberDate: string | null, onDate: string): number | null {
  return fullMemberDate ? completedYears(fullMemberDate, onDate) : null;
}

/** Years since joining, the N of 入党N周年: one rule, the greeting's (anniversaries.ts). */
export { yearsSinceJoining } from './anniversaries.ts';

export function age(birthDate: string | null, onDate: string): number | null {
  return birthDate ? completedYears(birthDate, onDate) : null;
}

// ---- organisation names ----

const NUMERALS = new Set([...'〇零一二三四五六七八九十0123456789０１２３４５６７８９']);

/**
 * An existing name this one is probably a typo of: one character added, dropped or changed (编辑距离 1) —
 * except where the change is a numeral for a numeral (教工第一党支部 / 教工第二党支部 are siblings, not typos).
 */
export function nearDuplicateOf(name: string, existing: Iterable<string>): string | undefined {
  const a = [...name];
  const names = [...existing];
  if (names.includes(name)) return undefined;
  for (const other of names) {
    const b = [...other];
    if (Math.abs(a.length - b.length) > 1) continue;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    let j = 0;
    while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
    const restA = a.slice(i, a.length - j);
    const restB = b.slice(i, b.length - j);
    if (restA.length > 1 || restB.length > 1) continue;
    if (restA.length === 1 && restB.length === 1 && NUMERALS.has(restA[0]!) && NUMERALS.has(restB[0]!)) continue;
    return other;
  }
  return undefined;
}

// ---- cadre levels ----

/** The administrative ranks from the lowest; a leading cadre (领导干部) is 副科 or above. */
export const CADRE_SCALE = ['办事员', '科员', '副科', '正科', '副处', '正处', '副厅', '正厅', '副部', '正部'] as const;
export type CadreRank = (typeof CADRE_SCALE)[number];
const LEADING_FROM = CADRE_SCALE.indexOf('副科');

// Bare rank words mean the principal post (科级 = 正科级); older names of the same ranks map to them.
const CADRE_SYNONYMS: ReadonlyMap<string, CadreRank> = new Map<string, CadreRank>([
  ['科', '正科'],
  ['乡科', '正科'],
  ['正乡科', '正科'],
  ['副乡科', '副科'],
  ['处', '正处'],
  ['县处', '正处'],
  ['正县处', '正处'],
  ['副县处', '副处'],
  ['正县', '正处'],
  ['副县', '副处'],
  ['厅', '正厅'],
  ['局', '正厅'],
  ['厅局', '正厅'],
  ['司局', '正厅'],
  ['地厅', '正厅'],
  ['正局', '正厅'],
  ['副局', '副厅'],
  ['副司局', '副厅'],
  ['正司局', '正厅'],
  ['副厅局', '副厅'],
  ['正厅局', '正厅'],
  ['部', '正部'],
  ['省部', '正部'],
  ['正省部', '正部'],
  ['副省部', '副部'],
  ['正省', '正部'],
  ['副省', '副部'],
]);

/** Reads a cadre level as written (正处级, 副处级干部, 处级, 副科, 正处职 …); undefined when it names no rank. */
export function cadreRank(cadreLevel: string | null | undefined): CadreRank | undefined {
  if (!cadreLevel) return undefined;
  const core = cadreLevel
    .replace(/\s+/g, '')
    .replace(/(领导)?(干部|职务|待遇)$/, '')
    // 正处职 (the post) reads as 正处级 (the rank) for who leads: both are 副科级及以上 alike.
    .replace(/职$/, '')
    .replace(/级/g, '');
  if ((CADRE_SCALE as readonly string[]).includes(core)) return core as CadreRank;
  return CADRE_SYNONYMS.get(core);
}

/** Values that mean "no cadre level" in the 干部级别 column. */
export const NO_CADRE_LEVEL = new Set(['无', '否', '/', '-', '—', '／', '－', '非干部', '不适用']);

/** 副科级及以上党员领导干部 (MECHANISM.md "Who is who"). */
export function isLeadingCadre(cadreLevel: string | null | undefined): boolean {
  const rank = cadreRank(cadreLevel);
  return rank !== undefined && CADRE_SCALE.indexOf(rank) >= LEADING_FROM;
}

// ---- old members ----

export interface OldMemberThresholds {
  partyAge: number;
  age: number;
}

export const DEFAULT_OLD_MEMBER_THRESHOLDS: Readonly<OldMemberThresholds> = { partyAge: 50, age: 80 };

/**
 * Old member (老党员): Party age or age at or above the thresholds (the holiday lists take theirs from the
 * `schedule` setting, oldMemberPartyAge / oldMemberAge).
 * Status is the caller's concern: this is about dates only.
 */
export function isOldMember(
  member: { birthDate: string | null; fullMemberDate: string | null },
  onDate: string,
  thresholds: OldMemberThresholds = DEFAULT_OLD_MEMBER_THRESHOLDS,
): boolean {
  const pa = partyAge(member.fullMemberDate, onDate);
  const a = age(member.birthDate, onDate);
  return (pa !== null && pa >= thresholds.partyAge) || (a !== null && a >= thresholds.age);
}
