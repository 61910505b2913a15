// The roster file's columns (issue 3 "Import"): the Chinese header secretaries use, the English alias, and
// the other spellings we meet in real sheets. Export writes `header`, import accepts any of them.

export type RosterField =
  | 'name'
  | 'userid'
  | 'dingtalk_userid'
  | 'gender'
  | 'birth_date'
  | 'join_date'
  | 'full_member_date'
  | 'general_branch'
  | 'branch'
  | 'role'
  | 'cadre_level'
  | 'linked_general_branches'
  | 'phone'
  | 'status'
  | 'outstanding_contributor'
  | 'party_congress_delegate';

export interface RosterColumn {
  field: RosterField;
  header: string;
  aliases: readonly string[];
  date?: boolean;
  /** Read on import, not written on export (the export lists active members only). */
  importOnly?: boolean;
}

/** In file order. */
export const ROSTER_COLUMNS: readonly RosterColumn[] = [
  { field: 'name', header: '姓名', aliases: ['name'] },
  { field: 'userid', header: '账号', aliases: ['userid', 'user_id', '帐号', '企业微信账号', '企业微信帐号'] },
  // 钉钉账号 (issue 15): the member's DingTalk userid. 账号 stays the account the product knows them by; a row
  // with only a 钉钉账号 is known by it (parse.ts, plan.ts).
  { field: 'dingtalk_userid', header: '钉钉账号', aliases: ['dingtalk_userid', 'dingtalk', '钉钉帐号', '钉钉userid', '钉钉ID'] },
  { field: 'gender', header: '性别', aliases: ['gender', 'sex'] },
  { field: 'birth_date', header: '出生日期', aliases: ['birth_date', 'birthday', 'date_of_birth'], date: true },
  { field: 'join_date', header: '入党日期', aliases: ['join_date', '入党时间'], date: true },
  { field: 'full_member_date', header: '转正日期', aliases: ['full_member_date', '转正时间'], date: true },
  { field: 'general_branch', header: '党总支', aliases: ['general_branch', '所在党总支'] },
  { field: 'branch', header: '党支部', aliases: ['branch', '所在党支部', '支部'] },
  { field: 'role', header: '职务', aliases: ['role', 'roles', '党内职务'] },
  { field: 'cadre_level', header: '干部级别', aliases: ['cadre_level', '职级'] },
  { field: 'linked_general_branches', header: '挂联党总支', aliases: ['linked_general_branches', '挂联'] },
  { field: 'phone', header: '手机', aliases: ['phone', 'mobile', '手机号', '手机号码', '联系电话'] },
  { field: 'status', header: '状态', aliases: ['status', '党员状态', '在册状态'], importOnly: true },
  // 突出贡献 是/否 (MECHANISM "Who is who": a flag the OD sets; the OD then owes its own visit on a visit trigger).
  { field: 'outstanding_contributor', header: '突出贡献', aliases: ['outstanding', 'outstanding_contributor', '突出贡献党员', '是否突出贡献'] },
  // 党代会代表 是/否 (MECHANISM "Who is who": a member flag; a delegate may file proposals, 提案).
  { field: 'party_congress_delegate', header: '党代会代表', aliases: ['delegate', 'party_congress_delegate', '是否党代会代表'] },
];

/** The columns an export writes, in file order. */
export const EXPORT_COLUMNS: readonly RosterColumn[] = ROSTER_COLUMNS.filter((c) => !c.importOnly);

export const REQUIRED_FIELDS: readonly RosterField[] = ['name', 'join_date', 'general_branch', 'branch'];

/** Header text as compared: no BOM, spaces, required-markers (*) or notes in brackets; English lower-cased. */
export function normaliseHeader(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[*＊]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s\u3000-]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const BY_HEADER: ReadonlyMap<string, RosterField> = new Map(
  ROSTER_COLUMNS.flatMap((c) => [c.header, ...c.aliases].map((h) => [normaliseHeader(h), c.field] as const)),
);

export function fieldForHeader(text: string): RosterField | undefined {
  return BY_HEADER.get(normaliseHeader(text));
}

export function columnOf(field: RosterField): RosterColumn {
  return ROSTER_COLUMNS.find((c) => c.field === field)!;
}
