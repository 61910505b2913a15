// What an import would change, decided without writing anything (so --dry-run is the same code path).
// Pure: takes the parsed file and the database's current roster, returns the plan or the rows that cannot
// be matched. Organisations are named by keys (general branch name, branch name) because new ones have no
// id until the plan is applied.
import type { MemberStatus } from '../db/schema.ts';
import { nearDuplicateOf, ROLE_SCOPE, type StoredRole } from '../domain/roster.ts';
import { columnOf, type RosterField } from './columns.ts';
import type { RosterEntry, RowError } from './parse.ts';
import type { MemberRow, OrganisationRow, RosterState } from './repository.ts';
import { runSteps, STEP_ROWS, type Steps } from './steps.ts';

/** 'C' the committee, 'G\0gb' a general branch, 'B\0gb\0branch' a branch. */
export type ScopeKey = string;
export const COMMITTEE_SCOPE: ScopeKey = 'C';
export const gbScope = (gb: string): ScopeKey => `G\u0000${gb}`;
export const branchScope = (gb: string, branch: string): ScopeKey => `B\u0000${gb}\u0000${branch}`;

export interface RoleAt {
  role: StoredRole;
  scope: ScopeKey;
}

/** The organisations of one committee, by key and by id. */
export class OrgIndex {
  readonly rootId: string | null;
  readonly gbIdByName = new Map<string, string>();
  readonly branchIdByKey = new Map<ScopeKey, string>();
  readonly scopeById = new Map<string, ScopeKey>();
  readonly gbNameById = new Map<string, string>();

  constructor(organisations: readonly OrganisationRow[]) {
    const roots = organisations.filter((o) => o.kind === 'committee');
    if (roots.length > 1) throw new Error(`the roster import expects one Party committee, found ${roots.length}`);
    this.rootId = roots[0]?.id ?? null;
    if (this.rootId) this.scopeById.set(this.rootId, COMMITTEE_SCOPE);
    for (const o of organisations) {
      if (o.kind === 'general_branch' && o.parentId === this.rootId) {
        this.gbIdByName.set(o.name, o.id);
        this.gbNameById.set(o.id, o.name);
        this.scopeById.set(o.id, gbScope(o.name));
      }
    }
    for (const o of organisations) {
      const gb = o.kind === 'branch' && o.parentId ? this.gbNameById.get(o.parentId) : undefined;
      if (gb !== undefined) {
        const key = branchScope(gb, o.name);
        this.branchIdByKey.set(key, o.id);
        this.scopeById.set(o.id, key);
      }
    }
  }
}

export function scopeOf(role: StoredRole, entry: Pick<RosterEntry, 'generalBranch' | 'branch'>): ScopeKey {
  const scope = ROLE_SCOPE[role];
  return scope === 'committee' ? COMMITTEE_SCOPE : scope === 'general_branch' ? gbScope(entry.generalBranch) : branchScope(entry.generalBranch, entry.branch);
}

/** A member as the plan wants them, with the branch still as a key. */
export interface DesiredMember {
  name: string;
  /** 账号, or the 钉钉账号 of a member who has only that (see accountOf). */
  userid: string | null;
  dingtalkUserid: string | null;
  useridFromDingtalk: boolean;
  gender: MemberRow['gender'];
  birthDate: string | null;
  joinDate: string;
  fullMemberDate: string | null;
  branchKey: ScopeKey;
  cadreLevel: string | null;
  phone: string | null;
  status: MemberStatus;
  statusChangedOn: string | null;
  /** 突出贡献, as the file says it (an empty cell or no column: as the database has it). */
  outstanding: boolean;
  /** 党代会代表, likewise. */
  delegate: boolean;
}

export interface PlannedMember {
  entry: RosterEntry;
  /** The matched member; undefined for a new one. */
  existing: MemberRow | undefined;
  desired: DesiredMember;
  /** Chinese column names of what changes (empty for a new member or an unchanged one). */
  changedFields: string[];
  memberFieldsChange: boolean;
  rolesAdd: RoleAt[];
  rolesRemove: RoleAt[];
  linksAdd: string[];
  linksRemove: string[];
}

export interface MissingMember {
  id: string;
  name: string;
  userid: string | null;
  generalBranch: string;
  branch: string;
}

export interface ImportPlan {
  needsCommittee: boolean;
  newGeneralBranches: string[];
  newBranches: { generalBranch: string; branch: string }[];
  members: PlannedMember[];
  missing: MissingMember[];
  warnings: string[];
}

export type PlanResult = { ok: true; plan: ImportPlan } | { ok: false; errors: RowError[] };

const FIELD_LABEL = (f: RosterField) => columnOf(f).header;

/**
 * 账号 as the roster shows it: the userid, except for a member known only by their DingTalk account, whose
 * 账号 is blank (the export writes it so, and the change report compares it so).
 */
export function accountOf(m: Pick<DesiredMember, 'userid' | 'useridFromDingtalk'>): string | null {
  return m.useridFromDingtalk ? null : m.userid;
}

/**
 * The key rule of issue 15: 账号 stays the account the product knows a member by (WeCom, or the local chat's
 * id). A member with no 账号 but a 钉钉账号 is known by their DingTalk account: userid = 钉钉账号, flagged
 * userid_from_dingtalk so that WeCom never gets it as an address.
 */
export function keyOf(account: string | null, dingtalkUserid: string | null): Pick<DesiredMember, 'userid' | 'useridFromDingtalk'> {
  if (account !== null) return { userid: account, useridFromDingtalk: false };
  return dingtalkUserid !== null ? { userid: dingtalkUserid, useridFromDingtalk: true } : { userid: null, useridFromDingtalk: false };
}

export interface PlanOptions {
  /** Create organisations whose names are one character off existing ones (refused as typos otherwise). */
  allowNewOrganisations?: boolean;
}

export function planImport(entries: readonly RosterEntry[], fields: readonly RosterField[], state: RosterState, today: string, opts: PlanOptions = {}): PlanResult {
  return runSteps(planImportSteps(entries, fields, state, today, opts));
}

/** planImport, pausing every STEP_ROWS rows so a server can yield the event loop (see steps.ts). */
export function* planImportSteps(
  entries: readonly RosterEntry[],
  fields: readonly RosterField[],
  state: RosterState,
  today: string,
  opts: PlanOptions = {},
): Steps<PlanResult> {
  const orgs = new OrgIndex(state.organisations);
  const has = new Set(fields);

  // Members of this committee only (a deployment may hold other roots later); their branch as a key.
  const branchKeyOf = new Map<string, ScopeKey>();
  const members = state.members.filter((m) => {
    const key = orgs.scopeById.get(m.branchId);
    if (key === undefined) return false;
    branchKeyOf.set(m.id, key);
    return true;
  });
  const byUserid = new Map<string, MemberRow>();
  const byDingtalk = new Map<string, MemberRow>();
  const byNameBranch = new Map<string, MemberRow[]>();
  let seen = 0;
  const pause = () => ++seen % STEP_ROWS === 0;
  for (const m of members) {
    if (pause()) yield;
    if (m.userid) byUserid.set(m.userid.toLowerCase(), m);
    if (m.dingtalkUserid) byDingtalk.set(m.dingtalkUserid.toLowerCase(), m);
    const key = `${branchKeyOf.get(m.id)}\u0000${m.name}`;
    const list = byNameBranch.get(key);
    if (list) list.push(m);
    else byNameBranch.set(key, [m]);
  }
  const rolesOf = new Map<string, RoleAt[]>();
  for (const r of state.roles) {
    const scope = orgs.scopeById.get(r.organisationId);
    if (scope === undefined) continue; // another committee's role: not this file's business
    const list = rolesOf.get(r.memberId) ?? [];
    list.push({ role: r.role, scope });
    rolesOf.set(r.memberId, list);
  }
  const linksOf = new Map<string, string[]>();
  for (const l of state.links) {
    const gb = orgs.gbNameById.get(l.generalBranchId);
    if (gb === undefined) continue;
    const list = linksOf.get(l.memberId) ?? [];
    list.push(gb);
    linksOf.set(l.memberId, list);
  }

  // Match: by account first (all of them, so an account always finds its owner; a DingTalk-only member's
  // userid is their 钉钉账号, so a 账号 equal to it is theirs), then by 钉钉账号 among members nobody claimed yet,
  // then by name + branch among those still unclaimed.
  const errors: RowError[] = [];
  const claimed = new Set<string>();
  const matchOf = new Map<RosterEntry, MemberRow>();
  if (has.has('userid')) {
    for (const e of entries) {
      if (pause()) yield;
      const m = e.userid ? byUserid.get(e.userid.toLowerCase()) : undefined;
      if (m) {
        matchOf.set(e, m);
        claimed.add(m.id);
      }
    }
  }
  const fileDingtalk = (e: RosterEntry) => (has.has('dingtalk_userid') ? e.dingtalkUserid : null);
  if (has.has('dingtalk_userid')) {
    for (const e of entries) {
      if (pause()) yield;
      const m = e.dingtalkUserid && !matchOf.has(e) ? byDingtalk.get(e.dingtalkUserid.toLowerCase()) : undefined;
      if (m && !claimed.has(m.id)) {
        matchOf.set(e, m);
        claimed.add(m.id);
      }
    }
  }
  for (const e of entries) {
    if (pause()) yield;
    if (matchOf.has(e)) continue;
    const key = `${branchScope(e.generalBranch, e.branch)}\u0000${e.name}`;
    // A row with an account only adopts a member who has none yet; otherwise it is someone else. Likewise for
    // a 钉钉账号 (a DingTalk-only member's userid is not a 账号: a row with one may adopt them).
    const dingtalk = fileDingtalk(e);
    let candidates = (byNameBranch.get(key) ?? []).filter(
      (m) => !claimed.has(m.id) && (!e.userid || accountOf(m) === null) && (!dingtalk || m.dingtalkUserid === null),
    );
    if (candidates.length > 1) candidates = candidates.filter((m) => m.status === 'active');
    if (candidates.length > 1) {
      errors.push({
        row: e.row,
        column: FIELD_LABEL('userid'),
        reason: `该党支部已有 ${candidates.length} 位名为“${e.name}”的党员，无法确定是哪一位，请填写账号`,
      });
    } else if (candidates.length === 1) {
      matchOf.set(e, candidates[0]!);
      claimed.add(candidates[0]!.id);
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const planned: PlannedMember[] = [];
  const warnings: string[] = [];
  for (const e of entries) {
    if (pause()) yield;
    const m = matchOf.get(e);
    const keep = <T>(field: RosterField, fromFile: T, current: T | undefined, fallback: T): T =>
      has.has(field) ? fromFile : m ? (current as T) : fallback;
    let status: MemberStatus = 'active';
    let statusChangedOn: string | null = null;
    const written = has.has('status') ? (e.status ?? null) : null;
    if (written !== null) {
      // The 状态 column says it: 去世 and 转出 as of today (unless already so), 在册 brings a member back.
      status = written;
      statusChangedOn = m && m.status === written ? m.statusChangedOn : m || written !== 'active' ? today : null;
      if (m?.status === 'deceased' && written === 'active') warnings.push(`第 ${e.row} 行：${e.name} 原登记为去世，已按名册“状态”改为在册，请核对`);
    } else if (m) {
      status = m.status;
      statusChangedOn = m.statusChangedOn;
      if (m.status === 'transferred_out') {
        // Back in the file: transferred back in.
        status = 'active';
        statusChangedOn = today;
      } else if (m.status === 'deceased') {
        warnings.push(`第 ${e.row} 行：${e.name} 已登记为去世，名册中仍有此人，未改变其状态`);
      }
    }
    // Without a 钉钉账号 column the member keeps theirs; with it, an empty cell removes it. 账号 likewise, as
    // the roster shows it (blank for a DingTalk-only member); the userid follows from the two (keyOf).
    const dingtalkUserid = keep('dingtalk_userid', e.dingtalkUserid, m?.dingtalkUserid, null);
    const account = keep('userid', e.userid, m ? accountOf(m) : undefined, null);
    const desired: DesiredMember = {
      name: e.name,
      ...keyOf(account, dingtalkUserid),
      dingtalkUserid,
      gender: keep('gender', e.gender, m?.gender, null),
      birthDate: keep('birth_date', e.birthDate, m?.birthDate, null),
      joinDate: e.joinDate,
      fullMemberDate: keep('full_member_date', e.fullMemberDate, m?.fullMemberDate, null),
      branchKey: branchScope(e.generalBranch, e.branch),
      cadreLevel: keep('cadre_level', e.cadreLevel, m?.cadreLevel, null),
      phone: keep('phone', e.phone, m?.phone, null),
      status,
      statusChangedOn,
      outstanding: (has.has('outstanding_contributor') ? e.outstanding : null) ?? m?.outstanding ?? false,
      delegate: (has.has('party_congress_delegate') ? e.delegate : null) ?? m?.delegate ?? false,
    };
    const changedFields: string[] = [];
    if (m) {
      const diff = (label: string, a: unknown, b: unknown) => a !== b && changedFields.push(label);
      diff(FIELD_LABEL('name'), desired.name, m.name);
      diff(FIELD_LABEL('userid'), accountOf(desired), accountOf(m));
      diff(FIELD_LABEL('dingtalk_userid'), desired.dingtalkUserid, m.dingtalkUserid);
      diff(FIELD_LABEL('gender'), desired.gender, m.gender);
      diff(FIELD_LABEL('birth_date'), desired.birthDate, m.birthDate);
      diff(FIELD_LABEL('join_date'), desired.joinDate, m.joinDate);
      diff(FIELD_LABEL('full_member_date'), desired.fullMemberDate, m.fullMemberDate);
      diff(FIELD_LABEL('branch'), desired.branchKey, branchKeyOf.get(m.id));
      diff(FIELD_LABEL('cadre_level'), desired.cadreLevel, m.cadreLevel);
      diff(FIELD_LABEL('phone'), desired.phone, m.phone);
      diff('状态', desired.status, m.status);
      diff(FIELD_LABEL('outstanding_contributor'), desired.outstanding, m.outstanding ?? false);
      diff(FIELD_LABEL('party_congress_delegate'), desired.delegate, m.delegate ?? false);
    }
    // The userid follows 账号 and 钉钉账号, so a change of it shows as theirs; compared anyway, as it is written.
    const memberFieldsChange = changedFields.length > 0 || (m !== undefined && (desired.userid !== m.userid || desired.useridFromDingtalk !== m.useridFromDingtalk));

    let rolesAdd: RoleAt[] = [];
    let rolesRemove: RoleAt[] = [];
    const haveRoles = m ? rolesOf.get(m.id) : undefined;
    // Fast path, most members: no role wanted and none held (a million-row plan should not build sets).
    if (has.has('role') && (e.roles.length > 0 || haveRoles)) {
      const want = e.roles.map((role) => ({ role, scope: scopeOf(role, e) }));
      const have = haveRoles ?? [];
      const k = (r: RoleAt) => `${r.role}\u0001${r.scope}`;
      const haveKeys = new Set(have.map(k));
      const wantKeys = new Set(want.map(k));
      rolesAdd = want.filter((r) => !haveKeys.has(k(r)));
      rolesRemove = have.filter((r) => !wantKeys.has(k(r)));
      if (m && (rolesAdd.length > 0 || rolesRemove.length > 0)) changedFields.push(FIELD_LABEL('role'));
    }
    let linksAdd: string[] = [];
    let linksRemove: string[] = [];
    const haveLinks = m ? linksOf.get(m.id) : undefined;
    if (has.has('linked_general_branches') && (e.linkedGeneralBranches.length > 0 || haveLinks)) {
      const have = new Set(haveLinks ?? []);
      const want = new Set(e.linkedGeneralBranches);
      linksAdd = [...want].filter((g) => !have.has(g));
      linksRemove = [...have].filter((g) => !want.has(g));
      if (m && (linksAdd.length > 0 || linksRemove.length > 0)) changedFields.push(FIELD_LABEL('linked_general_branches'));
    }
    planned.push({ entry: e, existing: m, desired, changedFields, memberFieldsChange, rolesAdd, rolesRemove, linksAdd, linksRemove });
  }

  // A member known by their 钉钉账号 takes it as their userid: it may not be anyone else's 账号 (two people
  // cannot share the key). Other rows are checked by parse; here the members the file does not name, who keep
  // their 账号, and a file without a 账号 column, where members keep theirs.
  const keyHolder = new Map<string, string>();
  for (const m of members) {
    if (pause()) yield;
    if (m.userid && !claimed.has(m.id)) keyHolder.set(m.userid.toLowerCase(), `党员“${m.name}”`);
  }
  for (const p of planned) {
    if (p.desired.userid && !p.desired.useridFromDingtalk) keyHolder.set(p.desired.userid.toLowerCase(), `第 ${p.entry.row} 行“${p.entry.name}”`);
  }
  for (const p of planned) {
    const holder = p.desired.useridFromDingtalk ? keyHolder.get(p.desired.userid!.toLowerCase()) : undefined;
    if (holder !== undefined) {
      errors.push({
        row: p.entry.row,
        column: FIELD_LABEL('dingtalk_userid'),
        reason: `钉钉账号「${p.desired.dingtalkUserid}」与${holder}的账号相同：没有账号的党员以钉钉账号作为账号，两人不能共用；如是同一人，请在本行填写其账号`,
      });
    }
  }
  // A 钉钉账号 is one person's: a member the file does not name keeps theirs, so a row may not take it.
  const dingtalkHolder = new Map<string, string>();
  for (const m of members) {
    if (pause()) yield;
    if (m.dingtalkUserid && !claimed.has(m.id)) dingtalkHolder.set(m.dingtalkUserid.toLowerCase(), m.name);
  }
  for (const p of planned) {
    const holder = p.desired.dingtalkUserid ? dingtalkHolder.get(p.desired.dingtalkUserid.toLowerCase()) : undefined;
    if (holder !== undefined) {
      errors.push({
        row: p.entry.row,
        column: FIELD_LABEL('dingtalk_userid'),
        reason: `钉钉账号「${p.desired.dingtalkUserid}」已是党员“${holder}”的钉钉账号（本名册未列此人，其账号保留），两人不能共用；如${holder}已不用此账号，请在名册中列上${holder}并改正其钉钉账号`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const missing: MissingMember[] = members
    .filter((m) => m.status === 'active' && !claimed.has(m.id))
    .map((m) => {
      const [, generalBranch = '', branch = ''] = branchKeyOf.get(m.id)!.split('\u0000');
      return { id: m.id, name: m.name, userid: m.userid, generalBranch, branch };
    });

  const newGeneralBranches = [...new Set(entries.map((e) => e.generalBranch))].filter((gb) => !orgs.gbIdByName.has(gb));
  const seenBranches = new Set<string>();
  const newBranches: ImportPlan['newBranches'] = [];
  for (const e of entries) {
    const key = branchScope(e.generalBranch, e.branch);
    if (orgs.branchIdByKey.has(key) || seenBranches.has(key)) continue;
    seenBranches.add(key);
    newBranches.push({ generalBranch: e.generalBranch, branch: e.branch });
  }
  // A new organisation one character off an existing one is a typo until said otherwise: it would quietly
  // split a branch in two.
  if (!opts.allowNewOrganisations) {
    const errors: RowError[] = [];
    const firstRow = (match: (e: RosterEntry) => boolean) => entries.find(match)?.row ?? 0;
    for (const gb of newGeneralBranches) {
      const like = nearDuplicateOf(gb, orgs.gbIdByName.keys());
      if (like) errors.push({ row: firstRow((e) => e.generalBranch === gb), column: FIELD_LABEL('general_branch'), reason: `党总支「${gb}」与已有的「${like}」只差一个字，疑为笔误；如确为新组织，请加 --allow-new-organisations（管理接口加 allowNewOrganisations=1）重新导入` });
    }
    for (const b of newBranches) {
      if (!orgs.gbIdByName.has(b.generalBranch)) continue;
      const siblings = [...orgs.branchIdByKey.keys()].flatMap((k) => {
        const [, gb, name] = k.split('\u0000');
        return gb === b.generalBranch && name !== undefined ? [name] : [];
      });
      const like = nearDuplicateOf(b.branch, siblings);
      if (like) errors.push({ row: firstRow((e) => e.generalBranch === b.generalBranch && e.branch === b.branch), column: FIELD_LABEL('branch'), reason: `党支部「${b.branch}」与${b.generalBranch}已有的「${like}」只差一个字，疑为笔误；如确为新组织，请加 --allow-new-organisations（管理接口加 allowNewOrganisations=1）重新导入` });
    }
    if (errors.length > 0) return { ok: false, errors: errors.sort((x, y) => x.row - y.row) };
  }
  return {
    ok: true,
    plan: { needsCommittee: orgs.rootId === null, newGeneralBranches, newBranches, members: planned, missing, warnings },
  };
}
