// import-roster: read the file, check every row, plan, and apply the plan in ONE transaction — all or
// nothing (issue 3). A dry run stops after the plan: the report is the same, nothing is written. Every step
// yields the event loop every few thousand rows (reading, parse, plan; the writes await the database per
// chunk), so a server stays responsive during a 200,000-row import (issue 8, point 9).
import type { Kysely } from 'kysely';
import { closeAssistanceOfDeparted } from '../assistance/registry.ts';
import { MemberStatusRepository } from '../db/member-status-repository.ts';
import type { Database } from '../db/schema.ts';
import { BadRequestError } from '../errors.ts';
import type { RosterField } from './columns.ts';
import { readRosterBytes, RosterLimitError } from './files.ts';
import { parseRosterSteps, type RosterEntry, type RowError, type SheetRow } from './parse.ts';
import { gbScope, OrgIndex, planImportSteps, type ImportPlan, type MissingMember, type ScopeKey } from './plan.ts';
import { runStepsYielding } from './steps.ts';
import { RosterRepository, type LinkRow, type MemberRow, type RoleRow } from './repository.ts';

export const DEFAULT_COMMITTEE_NAME = '党委';

export interface ImportOptions {
  dryRun?: boolean;
  /** Mark active members absent from the file as transferred out (as of `today`). */
  retireMissing?: boolean;
  /** The organisation's local date: the day status changes are recorded on. */
  today: string;
  /** Name of the Party committee created when the database has none yet. */
  committeeName?: string;
  /** Create organisations whose names are one character off existing ones (refused as typos otherwise). */
  allowNewOrganisations?: boolean;
  /** The clock's instant: when a death or departure the file records is stamped (default: now). */
  now?: Date;
}

export interface MemberChange {
  row: number;
  name: string;
  action: 'create' | 'update';
  /** For updates: the columns that change. */
  fields: string[];
}

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  members: { created: number; updated: number; unchanged: number; retired: number };
  organisations: { created: string[] };
  /** Active members in the database but not in the file (retired when retireMissing). */
  missing: { count: number; sample: MissingMember[] };
  changes: { count: number; sample: MemberChange[] };
  ignoredColumns: string[];
  warnings: string[];
}

export type ImportOutcome = { ok: true; report: ImportReport } | { ok: false; errors: RowError[] };

const SAMPLE = 200;

export class RosterFileError extends BadRequestError {
  constructor(message: string) {
    super('roster_unreadable', message, 400);
  }
}

export async function importRosterFile(db: Kysely<Database>, bytes: Uint8Array, opts: ImportOptions): Promise<ImportOutcome> {
  let rows: SheetRow[];
  try {
    rows = await readRosterBytes(bytes);
  } catch (err) {
    // A file beyond the limits gets its own message; anything else is a file we cannot read.
    if (err instanceof RosterLimitError) throw new RosterFileError(err.message);
    throw new RosterFileError(`无法读取名册文件（请上传 CSV 或 XLSX）：${(err as Error).message}`);
  }
  return importRosterRows(db, rows, opts);
}

export async function importRosterRows(db: Kysely<Database>, rows: SheetRow[], opts: ImportOptions): Promise<ImportOutcome> {
  return db.transaction().execute(async (trx) => {
    const repo = new RosterRepository(trx);
    await repo.lock();
    const knownGeneralBranches = [...new OrgIndex(await repo.loadOrganisations()).gbIdByName.keys()];
    const parsed = await runStepsYielding(parseRosterSteps(rows, { knownGeneralBranches, today: opts.today }));
    if (!parsed.ok) return parsed;
    return importEntriesLocked(trx, repo, parsed.entries, parsed.fields, opts, parsed.ignoredColumns);
  });
}

/** For callers that build entries themselves (seed-demo): same plan, same writes. */
export async function importRosterEntries(
  db: Kysely<Database>,
  entries: RosterEntry[],
  fields: readonly RosterField[],
  opts: ImportOptions,
): Promise<ImportOutcome> {
  return db.transaction().execute(async (trx) => {
    const repo = new RosterRepository(trx);
    await repo.lock();
    return importEntriesLocked(trx, repo, entries, fields, opts, []);
  });
}

async function importEntriesLocked(
  trx: Kysely<Database>,
  repo: RosterRepository,
  entries: RosterEntry[],
  fields: readonly RosterField[],
  opts: ImportOptions,
  ignoredColumns: string[],
): Promise<ImportOutcome> {
  const state = await repo.loadState();
  const planned = await runStepsYielding(planImportSteps(entries, fields, state, opts.today, { allowNewOrganisations: opts.allowNewOrganisations }));
  if (!planned.ok) return planned;
  const plan = planned.plan;
  if (!opts.dryRun) await applyPlan(trx, repo, plan, opts);
  return { ok: true, report: reportOf(plan, entries.length, opts, ignoredColumns) };
}

function reportOf(plan: ImportPlan, rows: number, opts: ImportOptions, ignoredColumns: string[]): ImportReport {
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  const changes: MemberChange[] = [];
  for (const p of plan.members) {
    if (!p.existing) {
      created += 1;
      changes.push({ row: p.entry.row, name: p.entry.name, action: 'create', fields: [] });
    } else if (p.changedFields.length > 0) {
      updated += 1;
      changes.push({ row: p.entry.row, name: p.entry.name, action: 'update', fields: p.changedFields });
    } else {
      unchanged += 1;
    }
  }
  const orgNames = [
    ...(plan.needsCommittee ? [opts.committeeName ?? DEFAULT_COMMITTEE_NAME] : []),
    ...plan.newGeneralBranches,
    ...plan.newBranches.map((b) => `${b.generalBranch} / ${b.branch}`),
  ];
  return {
    dryRun: opts.dryRun === true,
    rows,
    members: { created, updated, unchanged, retired: opts.retireMissing ? plan.missing.length : 0 },
    organisations: { created: orgNames },
    missing: { count: plan.missing.length, sample: plan.missing.slice(0, SAMPLE) },
    changes: { count: changes.length, sample: changes.slice(0, SAMPLE) },
    ignoredColumns,
    warnings: plan.warnings,
  };
}

async function applyPlan(trx: Kysely<Database>, repo: RosterRepository, plan: ImportPlan, opts: ImportOptions): Promise<void> {
  // Organisations first, top down, so members and roles can point at them.
  const idOf = new Map<ScopeKey, string>();
  let orgs = new OrgIndex(await repo.loadOrganisations());
  if (plan.needsCommittee) await repo.insertOrganisations('committee', [{ name: opts.committeeName ?? DEFAULT_COMMITTEE_NAME, parentId: null }]);
  orgs = new OrgIndex(await repo.loadOrganisations());
  await repo.insertOrganisations('general_branch', plan.newGeneralBranches.map((name) => ({ name, parentId: orgs.rootId })));
  orgs = new OrgIndex(await repo.loadOrganisations());
  await repo.insertOrganisations(
    'branch',
    plan.newBranches.map((b) => ({ name: b.branch, parentId: orgs.gbIdByName.get(b.generalBranch)! })),
  );
  orgs = new OrgIndex(await repo.loadOrganisations());
  for (const [id, key] of orgs.scopeById) idOf.set(key, id);
  const org = (key: ScopeKey): string => {
    const id = idOf.get(key);
    if (id === undefined) throw new Error(`organisation ${key.replaceAll('\u0000', '/')} missing after creation`);
    return id;
  };

  const toRow = (p: ImportPlan['members'][number], id: string): MemberRow => ({
    id,
    name: p.desired.name,
    userid: p.desired.userid,
    dingtalkUserid: p.desired.dingtalkUserid,
    useridFromDingtalk: p.desired.useridFromDingtalk,
    gender: p.desired.gender,
    birthDate: p.desired.birthDate,
    joinDate: p.desired.joinDate,
    fullMemberDate: p.desired.fullMemberDate,
    branchId: org(p.desired.branchKey),
    cadreLevel: p.desired.cadreLevel,
    phone: p.desired.phone,
    status: p.desired.status,
    statusChangedOn: p.desired.statusChangedOn,
  });
  // Updates before inserts: an account released by one member (set to empty) may be taken by a new one. And
  // accounts that change are released before any is written, so one may pass from a member to another.
  await repo.releaseAccounts(
    plan.members
      .filter((p) => p.existing && (p.desired.userid !== p.existing.userid || p.desired.dingtalkUserid !== p.existing.dingtalkUserid))
      .map((p) => p.existing!.id),
  );
  await repo.updateMembers(plan.members.filter((p) => p.existing && p.memberFieldsChange).map((p) => toRow(p, p.existing!.id)));
  const creates = plan.members.filter((p) => !p.existing);
  const newIds = await repo.insertMembers(creates.map((p) => toRow(p, '')));
  const memberId = new Map<ImportPlan['members'][number], string>(creates.map((p, i) => [p, newIds[i]!]));
  for (const p of plan.members) if (p.existing) memberId.set(p, p.existing.id);

  const rolesRemove: RoleRow[] = [];
  const rolesAdd: RoleRow[] = [];
  const linksRemove: LinkRow[] = [];
  const linksAdd: LinkRow[] = [];
  for (const p of plan.members) {
    const id = memberId.get(p)!;
    for (const r of p.rolesRemove) rolesRemove.push({ memberId: id, role: r.role, organisationId: org(r.scope) });
    for (const r of p.rolesAdd) rolesAdd.push({ memberId: id, role: r.role, organisationId: org(r.scope) });
    for (const g of p.linksRemove) linksRemove.push({ memberId: id, generalBranchId: org(gbScope(g)) });
    for (const g of p.linksAdd) linksAdd.push({ memberId: id, generalBranchId: org(gbScope(g)) });
  }
  await repo.deleteRoles(rolesRemove);
  await repo.insertRoles(rolesAdd);
  await repo.deleteLinks(linksRemove);
  await repo.insertLinks(linksAdd);
  // 突出贡献 is written on its own: only where the file says otherwise than the database.
  const outstanding = (flag: boolean) => plan.members.filter((p) => p.desired.outstanding === flag && (p.existing?.outstanding ?? false) !== flag).map((p) => memberId.get(p)!);
  await repo.setOutstanding(outstanding(true), true);
  await repo.setOutstanding(outstanding(false), false);
  // 党代会代表 likewise.
  const delegate = (flag: boolean) => plan.members.filter((p) => p.desired.delegate === flag && (p.existing?.delegate ?? false) !== flag).map((p) => memberId.get(p)!);
  await repo.setDelegate(delegate(true), true);
  await repo.setDelegate(delegate(false), false);
  if (opts.retireMissing) await repo.retireMembers(plan.missing.map((m) => m.id), opts.today);
  await applyStatusChanges(trx, plan, memberId, opts);
}

/**
 * What a status change in the file means beyond the member's row (MECHANISM.md "Who is who"): a death is
 * stamped as recorded by the roster, and the open obligations about whoever died or left are cancelled with
 * the reason (the condolence visit for a death stays). Retired members (--retire-missing) have left too.
 */
async function applyStatusChanges(trx: Kysely<Database>, plan: ImportPlan, memberId: ReadonlyMap<ImportPlan['members'][number], string>, opts: ImportOptions): Promise<void> {
  const at = opts.now ?? new Date();
  const changed = plan.members
    .filter((p) => (p.existing ? p.desired.status !== p.existing.status : p.desired.status !== 'active'))
    .map((p) => ({ memberId: memberId.get(p)!, status: p.desired.status, existed: p.existing !== undefined }));
  const statuses = new MemberStatusRepository(trx);
  await statuses.stampRosterStatus(changed, at);
  const gone = (status: string) => changed.filter((c) => c.existed && c.status === status).map((c) => c.memberId);
  // The yearly talks are the quota refresh's, which runs after the import (refreshQuotaObligationsAfterImport).
  const quotas = { quotas: false };
  const left = [...gone('transferred_out'), ...(opts.retireMissing ? plan.missing.map((m) => m.id) : [])];
  await statuses.cancelObligationsOf(gone('deceased'), 'member_deceased', at, quotas);
  await statuses.cancelObligationsOf(left, 'member_transferred_out', at, quotas);
  // The hardship registry: their live entries close (去世 / 转出), pairings and subsidies end, assistance steps are cancelled.
  await closeAssistanceOfDeparted(trx, { memberIds: gone('deceased'), status: 'deceased', byMemberId: null, now: at, today: opts.today });
  await closeAssistanceOfDeparted(trx, { memberIds: left, status: 'transferred_out', byMemberId: null, now: at, today: opts.today });
}
