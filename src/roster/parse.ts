// Turns the rows of a roster sheet into a normalised roster, or into the list of every bad row with its row
// number as the spreadsheet shows it and the reason in Chinese (issue 3 "All or nothing"). Pure.
import { isBlank, parseRosterDate } from '../domain/roster-dates.ts';
import { cadreRank, memberStatusFromLabel, NO_CADRE_LEVEL, roleFromLabel, sortRoles, type MemberStatusCode, type StoredRole } from '../domain/roster.ts';
import type { Gender } from '../db/schema.ts';
import { unneutraliseCell } from '../export/csv.ts';
import { columnOf, EXPORT_COLUMNS, fieldForHeader, REQUIRED_FIELDS, type RosterField } from './columns.ts';
import { runSteps, STEP_ROWS, type Steps } from './steps.ts';

export type Cell = string | number | boolean | Date | null | undefined;

export interface SheetRow {
  /** 1-based, as the spreadsheet shows it. */
  rowNumber: number;
  cells: Cell[];
}

/** One member as the file describes them; roles and links are sorted so comparisons are stable. */
export interface RosterEntry {
  row: number;
  name: string;
  /** 账号 as the file writes it: the WeCom account (or the local chat's id); null when the cell is empty. */
  userid: string | null;
  /**
   * 钉钉账号: the member's DingTalk userid, null when the cell is empty. A row with it and no 账号 is a member
   * known by their DingTalk account (the plan makes it their userid, flagged userid_from_dingtalk).
   */
  dingtalkUserid: string | null;
  gender: Gender | null;
  birthDate: string | null;
  joinDate: string;
  fullMemberDate: string | null;
  generalBranch: string;
  branch: string;
  roles: StoredRole[];
  cadreLevel: string | null;
  linkedGeneralBranches: string[];
  phone: string | null;
  /** The 状态 column: null or absent when the cell is empty (the status stays as the database has it). */
  status?: MemberStatusCode | null;
  /** 突出贡献: 是 true, 否 false; null when the cell is empty (what the database knows is kept). */
  outstanding: boolean | null;
  /** 党代会代表: 是 true, 否 false; null when the cell is empty (what the database knows is kept). */
  delegate: boolean | null;
}

export interface RowError {
  row: number;
  column?: string;
  reason: string;
}

export type ParseResult =
  | {
      ok: true;
      entries: RosterEntry[];
      /** Columns the file has: an absent column leaves what the database knows untouched. */
      fields: RosterField[];
      ignoredColumns: string[];
    }
  | { ok: false; errors: RowError[] };

export interface ParseContext {
  /** General branches already in the database: a 挂联 may name one that this file does not list. */
  knownGeneralBranches?: Iterable<string>;
  /** The organisation's local date (YYYY-MM-DD): birth and join dates after it are refused. */
  today?: string;
}

// WeCom userid: 1–64 bytes of letters, digits and _ . @ - (WeCom API "读取成员"). 钉钉账号 follows the same
// rule: a DingTalk-only member's 钉钉账号 becomes their userid, so it must be a valid one.
const USERID = /^[A-Za-z0-9_.@-]{1,64}$/;
const LIST_SEPARATORS = /[;；、,，]+/;
const HAN_AND_SPACES = /^[\p{Script=Han}\s\u3000]+$/u;
// How far down a header row may be: sheets often start with a title row or two (花名册 title, date).
const HEADER_SEARCH_ROWS = 10;

/**
 * Why PostgreSQL could not store a text, or why it is not what the secretary wrote; undefined when it is fine.
 * NUL is refused by PostgreSQL text; a lone surrogate cannot be encoded as UTF-8; U+FFFD is what decoding
 * leaves of bytes that are not valid in the file's encoding (an invalid GB18030 sequence).
 */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return '含有空字符（NUL），无法保存，请删除后重新导入';
  if (/\p{Cs}/u.test(text)) return '含有无法识别的乱码字符，请检查后重新导入';
  if (text.includes('\uFFFD')) return '含有无法识别的字符（文件编码有误，应为 UTF-8 或 GB18030），请检查后重新导入';
  return undefined;
}

export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') return Number.isInteger(cell) ? cell.toFixed(0) : String(cell);
  // The exporter put an apostrophe before = + - @ (formula neutralisation): it is not part of the value.
  return unneutraliseCell(String(cell)).replace(/\u3000/g, ' ').trim();
}

/** "王 芳" → "王芳": sheets pad two-character names to align them; other names keep their spaces. */
export function normaliseName(text: string): string {
  const t = text.trim();
  return HAN_AND_SPACES.test(t) ? t.replace(/[\s\u3000]+/g, '') : t.replace(/\s+/g, ' ');
}

function parseGender(text: string): Gender | null | undefined {
  if (text === '') return null;
  if (['男', '男性', 'm', 'male'].includes(text.toLowerCase())) return 'male';
  if (['女', '女性', 'f', 'female'].includes(text.toLowerCase())) return 'female';
  return undefined;
}

function splitList(text: string): string[] {
  return text
    .split(LIST_SEPARATORS)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

interface HeaderMap {
  headerRow: number;
  index: Map<RosterField, number>;
  ignored: string[];
}

/** A mobile (13800000000, +86 138 0000 0000) or a landline (010-12345678, 0571-8888888转123, 62751234). */
function isPhoneNumber(text: string): boolean {
  const compact = text.replace(/[\s()（）-]/g, '');
  return (
    /^(\+?86)?1[3-9]\d{9}$/.test(compact) ||
    /^(\+?86)?0\d{9,11}((转|ext\.?|#)\d{1,6})?$/i.test(compact) ||
    // A local number without its area code (62751234), as campus rosters often write it.
    /^\d{7,8}((转|ext\.?|#)\d{1,6})?$/i.test(compact)
  );
}

function mapHeader(rows: SheetRow[]): HeaderMap | RowError[] {
  const candidates = rows.slice(0, HEADER_SEARCH_ROWS);
  const header = candidates.find((r) => r.cells.some((c) => fieldForHeader(cellText(c)) === 'name'));
  if (!header) {
    return [{ row: rows[0]?.rowNumber ?? 1, reason: `找不到表头：第一行应为 ${EXPORT_COLUMNS.map((c) => c.header).join('、')}` }];
  }
  const errors: RowError[] = [];
  const index = new Map<RosterField, number>();
  const ignored: string[] = [];
  header.cells.forEach((cell, i) => {
    const text = cellText(cell);
    if (text === '') return;
    const field = fieldForHeader(text);
    if (!field) return void ignored.push(text);
    if (index.has(field)) {
      errors.push({ row: header.rowNumber, column: text, reason: `“${columnOf(field).header}”列出现了两次` });
    } else {
      index.set(field, i);
    }
  });
  for (const field of REQUIRED_FIELDS) {
    if (!index.has(field)) errors.push({ row: header.rowNumber, reason: `缺少“${columnOf(field).header}”列` });
  }
  return errors.length > 0 ? errors : { headerRow: header.rowNumber, index, ignored };
}

export function parseRoster(rows: SheetRow[], ctx: ParseContext = {}): ParseResult {
  return runSteps(parseRosterSteps(rows, ctx));
}

/** parseRoster, pausing every STEP_ROWS rows so a server can yield the event loop (see steps.ts). */
export function* parseRosterSteps(rows: SheetRow[], ctx: ParseContext = {}): Steps<ParseResult> {
  const header = mapHeader(rows);
  if (Array.isArray(header)) return { ok: false, errors: header };
  const dataRows = rows.filter((r) => r.rowNumber > header.headerRow && !r.cells.every(isBlank));
  const get = (r: SheetRow, f: RosterField): Cell => {
    const i = header.index.get(f);
    return i === undefined ? null : r.cells[i];
  };

  // General branches a 挂联 may name: those of this file and those already known. And the first row of each
  // 账号, whatever its case: a row with only a 钉钉账号 is known by it, so it may not be another row's 账号.
  const generalBranches = new Set<string>(ctx.knownGeneralBranches ?? []);
  const rowOfAccount = new Map<string, number>();
  for (const r of dataRows) {
    const gb = cellText(get(r, 'general_branch'));
    if (gb) generalBranches.add(gb);
    const account = cellText(get(r, 'userid')).toLowerCase();
    if (account !== '' && !rowOfAccount.has(account)) rowOfAccount.set(account, r.rowNumber);
  }

  const errors: RowError[] = [];
  const entries: RosterEntry[] = [];
  const firstRowOfUserid = new Map<string, number>();
  const firstRowOfDingtalk = new Map<string, number>();
  const firstRowOfUnnamed = new Map<string, number>();
  let committeeSecretaryRow: number | undefined;

  let seen = 0;
  for (const r of dataRows) {
    if (++seen % STEP_ROWS === 0) yield;
    const before = errors.length;
    const fail = (field: RosterField | undefined, reason: string) =>
      errors.push(field ? { row: r.rowNumber, column: columnOf(field).header, reason } : { row: r.rowNumber, reason });
    const text = (f: RosterField) => cellText(get(r, f));
    // Every column of the file, checked first: one unstorable value fails its row, never the whole import.
    for (const f of header.index.keys()) {
      const problem = unstorableText(text(f));
      if (problem) fail(f, `${columnOf(f).header}${problem}`);
    }

    const name = normaliseName(text('name'));
    if (name === '') fail('name', '缺少姓名');

    const useridText = text('userid');
    const userid = useridText === '' ? null : useridText;
    if (userid !== null && !USERID.test(userid)) {
      fail('userid', `账号「${userid}」格式不正确：只能包含字母、数字和 _ . @ -，最长64位`);
    } else if (userid !== null) {
      // WeCom userids are case-insensitive: Zhangwei01 and zhangwei01 are one account.
      const key = userid.toLowerCase();
      const first = firstRowOfUserid.get(key);
      if (first !== undefined) fail('userid', `账号「${userid}」与第 ${first} 行重复`);
      else firstRowOfUserid.set(key, r.rowNumber);
    }

    const dingtalkText = text('dingtalk_userid');
    const dingtalkUserid = dingtalkText === '' ? null : dingtalkText;
    if (dingtalkUserid !== null && !USERID.test(dingtalkUserid)) {
      fail('dingtalk_userid', `钉钉账号「${dingtalkUserid}」格式不正确：只能包含字母、数字和 _ . @ -，最长64位`);
    } else if (dingtalkUserid !== null) {
      // DingTalk userids compare without case, as the database's unique index on lower(dingtalk_userid) does.
      const key = dingtalkUserid.toLowerCase();
      const first = firstRowOfDingtalk.get(key);
      if (first !== undefined) fail('dingtalk_userid', `钉钉账号「${dingtalkUserid}」与第 ${first} 行重复`);
      else firstRowOfDingtalk.set(key, r.rowNumber);
      // Without a 账号 the member is known by the 钉钉账号: it would be the userid of two people.
      const accountRow = userid === null ? rowOfAccount.get(key) : undefined;
      if (accountRow !== undefined) {
        fail('dingtalk_userid', `钉钉账号「${dingtalkUserid}」与第 ${accountRow} 行的账号相同：没有账号的党员以钉钉账号作为账号，两人不能共用；如是同一人，请合并为一行`);
      }
    }

    const gender = parseGender(text('gender'));
    if (gender === undefined) fail('gender', `性别「${text('gender')}」应填“男”或“女”`);

    const date = (f: RosterField, required: boolean): string | null => {
      const cell = get(r, f);
      if (isBlank(cell)) {
        if (required) fail(f, `缺少${columnOf(f).header}`);
        return null;
      }
      const parsed = parseRosterDate(cell);
      if (!parsed.ok) {
        fail(f, `${columnOf(f).header}${parsed.reason}`);
        return null;
      }
      if (ctx.today !== undefined && parsed.date > ctx.today) {
        fail(f, `${columnOf(f).header} ${parsed.date} 晚于今天（${ctx.today}），请核对`);
        return null;
      }
      return parsed.date;
    };
    const birthDate = date('birth_date', false);
    const joinDate = date('join_date', true);
    const fullMemberDate = date('full_member_date', false);
    if (joinDate && fullMemberDate && fullMemberDate < joinDate) {
      fail('full_member_date', `转正日期 ${fullMemberDate} 早于入党日期 ${joinDate}`);
    }
    if (joinDate && birthDate && joinDate < birthDate) fail('join_date', `入党日期 ${joinDate} 早于出生日期 ${birthDate}`);

    const generalBranch = text('general_branch');
    const branch = text('branch');
    if (generalBranch === '') fail('general_branch', '缺少党总支');
    if (branch === '') fail('branch', '缺少党支部');

    const roles: StoredRole[] = [];
    for (const label of splitList(text('role'))) {
      const role = roleFromLabel(label);
      if (role) roles.push(role);
      else fail('role', `职务「${label}」无法识别，可填：党委书记、党委委员、组织部、党总支书记、党总支委员、单位党员主要领导、支部书记，多个用“;”或“、”分隔`);
    }
    if (roles.includes('committee_secretary')) {
      if (committeeSecretaryRow !== undefined) fail('role', `党委书记只能有一位，第 ${committeeSecretaryRow} 行已是党委书记`);
      else committeeSecretaryRow = r.rowNumber;
    }

    const linked = [...new Set(splitList(text('linked_general_branches')))];
    for (const gb of linked) {
      if (!generalBranches.has(gb)) fail('linked_general_branches', `挂联党总支「${gb}」不是已知的党总支`);
    }
    if (linked.length > 0 && !roles.some((x) => x === 'committee_member' || x === 'committee_secretary')) {
      fail('linked_general_branches', '只有党委书记、党委委员可以挂联党总支，请在职务中填写');
    }

    if (userid === null && dingtalkUserid === null && name !== '' && generalBranch !== '' && branch !== '') {
      // Without an account (账号 or 钉钉账号), name + branch is the only way to recognise the member next time.
      const key = `${generalBranch}\u0000${branch}\u0000${name}`;
      const first = firstRowOfUnnamed.get(key);
      if (first !== undefined) fail('userid', `与第 ${first} 行同一党支部、同名且都没有账号，无法区分，请填写账号`);
      else firstRowOfUnnamed.set(key, r.rowNumber);
    }

    const cadreText = text('cadre_level');
    const cadre = NO_CADRE_LEVEL.has(cadreText) ? '' : cadreText;
    if (cadre !== '' && cadreRank(cadre) === undefined) {
      fail('cadre_level', `干部级别「${cadreText}」无法识别，可填：科员、副科级、正科级、副处级、正处级、副厅级、正厅级等，非干部留空`);
    }
    const phone = text('phone');
    if (phone !== '' && !isPhoneNumber(phone)) fail('phone', `手机「${phone}」不是电话号码，请填写11位手机号或带区号的固定电话`);
    const statusText = text('status');
    const status = statusText === '' ? null : memberStatusFromLabel(statusText);
    if (status === undefined) fail('status', `状态「${statusText}」无法识别，可填：在册、去世、转出`);

    const outstandingText = text('outstanding_contributor');
    const outstanding = parseYesNo(outstandingText);
    if (outstanding === undefined) fail('outstanding_contributor', `突出贡献「${outstandingText}」应填“是”或“否”，不确定的留空`);
    const delegateText = text('party_congress_delegate');
    const delegate = parseYesNo(delegateText);
    if (delegate === undefined) fail('party_congress_delegate', `党代会代表「${delegateText}」应填“是”或“否”，不确定的留空`);

    if (errors.length === before) {
      entries.push({
        row: r.rowNumber,
        name,
        userid,
        dingtalkUserid,
        gender: gender ?? null,
        birthDate,
        joinDate: joinDate!,
        fullMemberDate,
        generalBranch,
        branch,
        roles: sortRoles(roles),
        cadreLevel: cadre === '' ? null : cadre,
        linkedGeneralBranches: linked.sort(),
        phone: phone === '' ? null : phone,
        // Only with the column: a file without it says nothing about anyone's status.
        ...(header.index.has('status') ? { status: status ?? null } : {}),
        outstanding: outstanding ?? null,
        delegate: delegate ?? null,
      });
    }
  }
  if (errors.length === 0 && entries.length === 0) {
    // An empty roster would report everyone missing, and --retire-missing would retire the whole Party.
    errors.push({ row: header.headerRow + 1, reason: '名册中没有党员' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries, fields: [...header.index.keys()], ignoredColumns: header.ignored };
}

const YES = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '×', '无', '不是']);

/** A 是/否 cell: true, false, null when empty, undefined when it says neither. */
export function parseYesNo(text: string): boolean | null | undefined {
  const key = text.trim().toLowerCase();
  if (key === '') return null;
  return YES.has(key) ? true : NO.has(key) ? false : undefined;
}
