// The May/November verification (核实更新并上报, MECHANISM 1.1) as actions the chat, the admin API and the CLI
// share: confirm an entry (仍困难, optionally with new causes), archive it (已好转, through archiveEntry: pairings
// and subsidies end), add one, and submit — which confirms the entries nobody marked, stores the GB's report
// (verified count and changes) and tells the OD once per GB, then sums up for the OD when the last GB of the
// committee has reported. Each action checks the access rule (a card key can be forged, an admin actor named
// wrongly) and locks the GB's row, so every GB's verification happens one action at a time, exactly once.
//
// Decisions where the issue is silent:
// - An entry added in the verification (新增 冯无号 残) is approved at once, as the GB's own decision, with the
//   member's consent attested by the one who adds it (consent_by = them, consent_attested = true, source
//   'branch': 党支部经个人同意后推荐, the GB acting for the branch). The member, when they have a chat account, is
//   told at once — with whom to contact if they do not agree.
// - A mistaken 已好转 is not undone; the entry is added again (新增 王芳 病), and the report shows both.
// - Nobody verifies their own entry (access rule mayApprove): a GB secretary in hardship is confirmed unchanged
//   by the submission, and the OD handles any change.
// - A member whose application is pending or who awaits consent is not added here: the review card decides it.
import type { Transaction } from 'kysely';
import type { HardshipCause } from '../domain/assistance.ts';
import { mayApprove, mayVerifyGeneralBranch, type AccessPerson, type MemberPlace } from '../domain/access.ts';
import { localDate, type IsoDate } from '../domain/dates.ts';
import { canonicalCauses, changesFrom, sameCauses, summariseVerification, type VerificationSummary } from '../domain/hardship-verification.ts';
import { HardshipRegistryRepository } from '../db/hardship-registry-repository.ts';
import { HardshipVerificationRepository, type GeneralBranchReport, type VerifiableMember, type VerificationListRow } from '../db/hardship-verification-repository.ts';
import type { Database } from '../db/schema.ts';
import type { Reply } from '../conversation/router.ts';
import { OfficeDirectory } from '../notices/offices.ts';
import { accessPersonOf, findMemberById, findMemberByUserid, loadOrganisationPlace } from '../roster/responsibility.ts';
import type { NewDeliveryInput } from '../db/delivery-repository.ts';
import { replyDelivery, type QuietHours } from '../domain/quiet-hours.ts';
import type { PlatformName } from '../platforms/types.ts';
import { archiveEntry } from './registry.ts';
import { addedForMember, archivedForMember, causeWords, pairingEndedForHelper, verificationReport, verificationSummaryMessage } from './verification-text.ts';
import type { VerificationLine } from './verification-phrases.ts';

/** Who acts: a person the roster knows (chat, or the admin API's actor), by the access rule. */
export interface Verifier {
  person: AccessPerson;
  name: string;
}

export interface VerificationContext {
  trx: Transaction<Database>;
  now: Date;
  today: IsoDate;
  timeZone: string;
}

/** The archive reason when 已好转 gives none. */
export const DEFAULT_ARCHIVE_REASON = '核实已好转';

const placeOf = (r: Pick<VerificationListRow, 'memberId' | 'branchId' | 'gbId' | 'committeeId'>): MemberPlace => ({
  memberId: r.memberId,
  branchId: r.branchId,
  generalBranchId: r.gbId,
  committeeId: r.committeeId,
});

/** A submitted report, as the answers name it. */
export interface SubmittedBy {
  generalBranch: string;
  by: string | null;
  on: IsoDate | null;
}

export const submittedBy = (g: GeneralBranchReport, timeZone: string): SubmittedBy => ({
  generalBranch: g.name,
  by: g.submittedByName,
  on: g.submittedAt ? localDate(g.submittedAt, timeZone) : null,
});

// ---- whose verification ----

/**
 * The general branches a person verifies by office: those whose GB-secretary office they answer for — they hold
 * it, or (the OD) it is vacant and passes to them. Only GBs with active members verify.
 */
export async function generalBranchesAnsweredBy(trx: Transaction<Database>, person: AccessPerson, period: string): Promise<GeneralBranchReport[]> {
  const [gbs, offices] = await Promise.all([new HardshipVerificationRepository(trx).generalBranches(period), OfficeDirectory.load(trx)]);
  return gbs.filter((g) => offices.answering('gb_secretary', g.id).holders.some((h) => h.member_id === person.memberId));
}

/** Whether the person may verify the general branch (its secretary, or the OD), and its report; undefined otherwise. */
export async function verifiableGeneralBranch(trx: Transaction<Database>, person: AccessPerson | null, gbId: string, period: string): Promise<GeneralBranchReport | undefined> {
  const place = await loadOrganisationPlace(trx, gbId);
  if (!place || place.kind !== 'general_branch') return undefined;
  if (person && !mayVerifyGeneralBranch(person, place)) return undefined;
  return new HardshipVerificationRepository(trx).generalBranch(gbId, period);
}

// ---- one entry ----

export type MarkOutcome =
  | { ok: true; row: VerificationListRow; done: 'confirmed' | 'causes_changed' | 'archived' | 'already'; causesBefore: HardshipCause[]; causesAfter: HardshipCause[]; notices: Reply[] }
  /** No such entry, or not the verifier's to mark: one answer for both (nothing about the entry leaks). */
  | { ok: false; refusal: 'not_allowed' }
  | { ok: false; refusal: 'self'; row: VerificationListRow }
  | { ok: false; refusal: 'submitted'; submitted: SubmittedBy }
  /** Not on the list any more: archived (in this verification, or before), or never approved. */
  | { ok: false; refusal: 'not_on_list'; row: VerificationListRow };

export type EntryAction = { action: 'confirm'; causes: readonly HardshipCause[] } | { action: 'archive'; reason: string };

/** 仍困难 (new causes replace the old when given) or 已好转 on one entry of the period's list. */
export async function markEntry(c: VerificationContext, p: { entryId: string; period: string; verifier: Verifier } & EntryAction): Promise<MarkOutcome> {
  const repo = new HardshipVerificationRepository(c.trx);
  const seen = await repo.row(p.entryId, p.period);
  if (!seen) return { ok: false, refusal: 'not_allowed' };
  if (seen.memberId === p.verifier.person.memberId) return { ok: false, refusal: 'self', row: seen };
  if (!mayApprove(p.verifier.person, 'hardship_verification', placeOf(seen))) return { ok: false, refusal: 'not_allowed' };
  await repo.lockGeneralBranch(seen.gbId);
  const gb = (await repo.generalBranch(seen.gbId, p.period))!;
  if (gb.submittedAt) return { ok: false, refusal: 'submitted', submitted: submittedBy(gb, c.timeZone) };
  const row = (await repo.row(p.entryId, p.period))!;
  const by = p.verifier.person.memberId;
  const causesBefore = row.action ? row.causesBefore : row.causes;
  if (p.action === 'archive') {
    if (row.status !== 'approved') {
      return row.action === 'archived' ? { ok: true, row, done: 'already', causesBefore, causesAfter: row.causes, notices: [] } : { ok: false, refusal: 'not_on_list', row };
    }
    const reason = p.reason.trim() || DEFAULT_ARCHIVE_REASON;
    const out = await archiveEntry(c.trx, { entryId: row.entryId, byMemberId: by, reason, now: c.now, today: c.today });
    if (!out.archived) return { ok: false, refusal: 'not_on_list', row };
    await repo.recordItem({ generalBranchId: row.gbId, period: p.period, entryId: row.entryId, action: 'archived', causesBefore, causesAfter: row.causes, byMemberId: by, at: c.now });
    const notices: Reply[] = [];
    if (row.userid) {
      notices.push({ recipient: row.userid, onceKey: `hv-archived-${row.entryId}-${row.memberId}`, message: archivedForMember({ name: row.name, generalBranch: row.generalBranch, period: p.period }) });
    }
    for (const h of await repo.helperAccounts(out.endedPairings)) {
      if (h.memberId === by) continue;
      notices.push({ recipient: h.userid, onceKey: `hv-pairing-ended-${row.entryId}-${h.memberId}`, message: pairingEndedForHelper({ name: row.name }) });
    }
    return { ok: true, row: { ...row, status: 'archived', action: 'archived', archiveReason: reason }, done: 'archived', causesBefore, causesAfter: row.causes, notices };
  }
  if (row.status !== 'approved') return { ok: false, refusal: 'not_on_list', row };
  const causesAfter = p.causes.length > 0 ? canonicalCauses(p.causes) : row.causes;
  if (row.action !== null && !row.byDefault && sameCauses(causesAfter, row.causes)) {
    return { ok: true, row, done: 'already', causesBefore, causesAfter, notices: [] };
  }
  if (!sameCauses(causesAfter, row.causes)) await new HardshipRegistryRepository(c.trx).setCauses(row.entryId, causesAfter, c.now);
  // An entry added in this verification stays "added", with its causes as now written.
  const action = row.action === 'added' ? 'added' : 'confirmed';
  await repo.recordItem({ generalBranchId: row.gbId, period: p.period, entryId: row.entryId, action, causesBefore, causesAfter, byMemberId: by, at: c.now });
  const updated: VerificationListRow = { ...row, causes: causesAfter, action, causesBefore, causesAfter, byDefault: false };
  return { ok: true, row: updated, done: sameCauses(causesBefore, causesAfter) ? 'confirmed' : 'causes_changed', causesBefore, causesAfter, notices: [] };
}

// ---- a new entry ----

export type AddOutcome =
  | { ok: true; entryId: string; member: VerifiableMember; causes: HardshipCause[]; notices: Reply[] }
  | { ok: false; refusal: 'not_allowed' | 'self' | 'has_entry' }
  | { ok: false; refusal: 'submitted'; submitted: SubmittedBy };

/** 新增: an approved entry for an active member of the GB, consent attested by the verifier (see the header). */
export async function addEntry(c: VerificationContext, p: { member: VerifiableMember; period: string; causes: readonly HardshipCause[]; verifier: Verifier }): Promise<AddOutcome> {
  const m = p.member;
  if (m.id === p.verifier.person.memberId) return { ok: false, refusal: 'self' };
  if (!mayApprove(p.verifier.person, 'hardship_verification', { memberId: m.id, branchId: m.branchId, generalBranchId: m.gbId, committeeId: m.committeeId })) {
    return { ok: false, refusal: 'not_allowed' };
  }
  const repo = new HardshipVerificationRepository(c.trx);
  await repo.lockGeneralBranch(m.gbId);
  const gb = (await repo.generalBranch(m.gbId, p.period))!;
  if (gb.submittedAt) return { ok: false, refusal: 'submitted', submitted: submittedBy(gb, c.timeZone) };
  const causes = canonicalCauses(p.causes);
  const by = p.verifier.person.memberId;
  const entryId = await new HardshipRegistryRepository(c.trx).insert({
    memberId: m.id,
    causes,
    source: 'branch',
    status: 'approved',
    appliedByMemberId: by,
    note: `${p.period}核实新增`,
    consent: { byMemberId: by, attested: true },
    at: c.now,
  });
  if (!entryId) return { ok: false, refusal: 'has_entry' };
  await repo.recordItem({ generalBranchId: m.gbId, period: p.period, entryId, action: 'added', causesBefore: [], causesAfter: causes, byMemberId: by, at: c.now });
  const notices: Reply[] = m.userid
    ? [{ recipient: m.userid, onceKey: `hv-added-${entryId}-${m.id}`, message: addedForMember({ name: m.name, generalBranch: gb.name, period: p.period, causes, by: p.verifier.name }) }]
    : [];
  return { ok: true, entryId, member: m, causes, notices };
}

// ---- a typed list of changes ----

export type ResolvedChange =
  | { kind: 'confirm'; line: number; row: VerificationListRow; causes: HardshipCause[] }
  | { kind: 'archive'; line: number; row: VerificationListRow; reason: string }
  | { kind: 'add'; line: number; member: VerifiableMember; causes: HardshipCause[] }
  /** Already done (the same message sent again): nothing to apply, said in the answer. */
  | { kind: 'noop'; line: number; name: string; what: string };

export interface LineProblem {
  line: number;
  text: string;
  why: string;
}

const branchMatches = (written: string | undefined, branch: string) => {
  if (!written) return true;
  const bare = (s: string) => s.replace(/(?:党支部|支部)$/u, '');
  return branch === written || bare(branch) === bare(written) || branch.includes(written);
};

const writtenAs = (l: { name: string; branch?: string }) => (l.branch ? `${l.name}（${l.branch}）` : l.name);

/** The namesakes' answer: by branch (`example` writes the line with one), or by account when that does not tell them apart. */
function namesakes(name: string, branches: string[], example: (branch: string) => string): string {
  const distinct = [...new Set(branches)];
  if (distinct.length === branches.length) return `有 ${branches.length} 位“${name}”（${distinct.join('、')}），请写明支部，如“${example(distinct[0]!)}”`;
  return `有 ${branches.length} 位“${name}”在同一支部，请改用其账号，或在卡片上逐人点选`;
}

/**
 * Reads the lines against the GBs' lists and rosters: each becomes a change, or a problem saying why it cannot
 * be applied (a name missing, two people with it, someone not on the list, the verifier's own entry, a line
 * repeated). The caller applies nothing while there is any problem.
 */
export async function resolveLines(
  trx: Transaction<Database>,
  p: { lines: readonly VerificationLine[]; generalBranches: readonly GeneralBranchReport[]; period: string; verifier: Verifier },
): Promise<{ changes: ResolvedChange[]; problems: LineProblem[] }> {
  const repo = new HardshipVerificationRepository(trx);
  const rows = (await Promise.all(p.generalBranches.map((g) => repo.list(g.id, p.period)))).flat();
  const written = [...new Set(p.lines.flatMap((l) => (l.kind === 'unclear' ? [] : [l.name])))];
  const members = await repo.membersNamed(
    p.generalBranches.map((g) => g.id),
    written,
  );
  const named = (name: string) => (x: { name: string; userid: string | null; memberId?: string; id?: string }) =>
    x.name === name || (x.userid !== null && x.userid.toLowerCase() === name.toLowerCase()) || (x.memberId ?? x.id) === name;
  const changes: ResolvedChange[] = [];
  const problems: LineProblem[] = [];
  const touched = new Map<string, number>();
  const problem = (line: number, text: string, why: string) => problems.push({ line, text, why });
  const submittedGb = (gbId: string) => p.generalBranches.find((g) => g.id === gbId && g.submittedAt);
  const once = (key: string, line: number, text: string): boolean => {
    const before = touched.get(key);
    if (before !== undefined) {
      problem(line, text, `与第 ${before} 条是同一人，请只写一次`);
      return false;
    }
    touched.set(key, line);
    return true;
  };

  for (const l of p.lines) {
    if (l.kind === 'unclear') {
      problem(l.line, l.text, l.why);
      continue;
    }
    const text = l.kind === 'add' ? `新增 ${writtenAs(l)}` : `${writtenAs(l)} ${l.kind === 'confirm' ? '仍困难' : '已好转'}`;
    const bearers = members.filter((m) => named(l.name)(m) && branchMatches(l.branch, m.branch));
    if (l.kind === 'add') {
      if (bearers.length === 0) {
        problem(l.line, text, `您核实的党总支名册中没有“${writtenAs(l)}”，请核对姓名`);
        continue;
      }
      if (bearers.length > 1) {
        problem(l.line, text, namesakes(l.name, bearers.map((b) => b.branch), (b) => `新增 ${l.name}（${b}） ${causeWords(l.causes)}`));
        continue;
      }
      const m = bearers[0]!;
      if (!once(`m${m.id}`, l.line, text)) continue;
      if (submittedGb(m.gbId)) {
        problem(l.line, text, `${m.name}所在党总支本期核实已上报，不能再新增`);
        continue;
      }
      if (m.id === p.verifier.person.memberId) {
        problem(l.line, text, '不能新增本人；如本人确有困难，请按个人申报办理');
        continue;
      }
      if (m.liveStatus === 'approved') {
        const row = rows.find((r) => r.entryId === m.liveEntryId);
        if (row?.action === 'added' && sameCauses(row.causes, l.causes)) changes.push({ kind: 'noop', line: l.line, name: m.name, what: '此前已新增' });
        else problem(l.line, text, `${m.name}已在名单中；如原因有变化，请写“${m.name} 仍困难 新原因”`);
        continue;
      }
      if (m.liveStatus === 'applied') {
        problem(l.line, text, `${m.name}的申报正在审核，请在审核卡片上点“通过”`);
        continue;
      }
      if (m.liveStatus === 'awaiting_consent') {
        problem(l.line, text, `${m.name}的推荐正等待本人同意，同意后再审核`);
        continue;
      }
      changes.push({ kind: 'add', line: l.line, member: m, causes: l.causes });
      continue;
    }
    const verb = l.kind === 'confirm' ? '仍困难' : '已好转';
    const candidates = rows.filter((r) => named(l.name)(r) && branchMatches(l.branch, r.branch));
    const live = candidates.filter((r) => r.status === 'approved');
    if (live.length > 1) {
      problem(l.line, text, namesakes(l.name, live.map((r) => r.branch), (b) => `${l.name}（${b}） ${verb}`));
      continue;
    }
    if (live.length === 0) {
      const archivedNow = candidates.find((r) => r.action === 'archived' || r.status !== 'approved');
      if (archivedNow && l.kind === 'archive') {
        if (once(`e${archivedNow.entryId}`, l.line, text)) changes.push({ kind: 'noop', line: l.line, name: archivedNow.name, what: '此前已归档' });
      } else if (archivedNow) {
        problem(l.line, text, `${archivedNow.name}已于本期核实中归档；如仍困难，请写“新增 ${archivedNow.name} 原因”重新列入`);
      } else if (bearers.length > 0) {
        problem(l.line, text, `${bearers[0]!.name}不在本期生活困难党员名单中${l.kind === 'confirm' ? `；如需列入，请写“新增 ${bearers[0]!.name} 原因”` : ''}`);
      } else {
        problem(l.line, text, `您核实的党总支名册中没有“${writtenAs(l)}”，请核对姓名`);
      }
      continue;
    }
    const row = live[0]!;
    if (!once(`e${row.entryId}`, l.line, text) || !once(`m${row.memberId}`, l.line, text)) continue;
    if (submittedGb(row.gbId)) {
      problem(l.line, text, `${row.generalBranch}本期核实已上报，不能再修改`);
      continue;
    }
    if (row.memberId === p.verifier.person.memberId || !mayApprove(p.verifier.person, 'hardship_verification', placeOf(row))) {
      problem(l.line, text, '本人的信息不能由本人核实，请报党委组织部办理');
      continue;
    }
    changes.push(l.kind === 'confirm' ? { kind: 'confirm', line: l.line, row, causes: l.causes } : { kind: 'archive', line: l.line, row, reason: l.reason });
  }
  return { changes, problems: problems.sort((a, b) => a.line - b.line) };
}

/** What applying a change did, for the answer. */
export interface AppliedChange {
  line: number;
  name: string;
  branch: string;
  what: string;
}

/**
 * Applies resolved changes in order (the caller has resolved them under the same transaction, with no problem
 * left). A change that cannot be applied any more throws: the caller's transaction rolls everything back.
 */
export async function applyChanges(c: VerificationContext, p: { changes: readonly ResolvedChange[]; period: string; verifier: Verifier }): Promise<{ applied: AppliedChange[]; notices: Reply[] }> {
  const applied: AppliedChange[] = [];
  const notices: Reply[] = [];
  for (const ch of p.changes) {
    if (ch.kind === 'noop') {
      applied.push({ line: ch.line, name: ch.name, branch: '', what: ch.what });
      continue;
    }
    if (ch.kind === 'add') {
      const out = await addEntry(c, { member: ch.member, period: p.period, causes: ch.causes, verifier: p.verifier });
      if (!out.ok) throw new VerificationConflict(`line ${ch.line}: add refused (${out.refusal})`);
      applied.push({ line: ch.line, name: ch.member.name, branch: ch.member.branch, what: `新增（${causeWords(out.causes)}）` });
      notices.push(...out.notices);
      continue;
    }
    const out = await markEntry(c, {
      entryId: ch.row.entryId,
      period: p.period,
      verifier: p.verifier,
      ...(ch.kind === 'confirm' ? { action: 'confirm' as const, causes: ch.causes } : { action: 'archive' as const, reason: ch.reason }),
    });
    if (!out.ok) throw new VerificationConflict(`line ${ch.line}: ${ch.kind} refused (${out.refusal})`);
    applied.push({ line: ch.line, name: out.row.name, branch: out.row.branch, what: describeMark(out) });
    notices.push(...out.notices);
  }
  return { applied, notices };
}


/** 仍困难 / 仍困难，原因改为患病 / 已好转，已归档（reason） / 此前已记录. */
export function describeMark(out: Extract<MarkOutcome, { ok: true }>): string {
  switch (out.done) {
    case 'already':
      return out.row.status === 'approved' ? '此前已记录仍困难' : '此前已归档';
    case 'archived':
      return `已好转，已归档（${out.row.archiveReason}）`;
    case 'causes_changed':
      return `仍困难，原因改为${causeWords(out.causesAfter)}`;
    case 'confirmed':
      return '仍困难';
  }
}

/** A change resolved a moment ago cannot be applied: a bug or a race the GB lock should have prevented. */
export class VerificationConflict extends Error {}

// ---- submission ----

export type SubmitOutcome =
  | { ok: true; generalBranch: string; summary: VerificationSummary; confirmedNow: number; notices: Reply[] }
  | { ok: false; refusal: 'not_allowed' }
  | { ok: false; refusal: 'submitted'; submitted: SubmittedBy };

/**
 * 核实完毕: the unmarked entries are confirmed unchanged, the report stored once (a second submission is
 * answered, not stored), and the OD told — one message per GB — with a summary when this was the committee's
 * last GB to report. `verifier` null: the OD's own tools (the CLI), recorded without a person.
 */
export async function submitVerification(c: VerificationContext, p: { gbId: string; period: string; verifier: Verifier | null; note: string }): Promise<SubmitOutcome> {
  const gb0 = await verifiableGeneralBranch(c.trx, p.verifier?.person ?? null, p.gbId, p.period);
  if (!gb0) return { ok: false, refusal: 'not_allowed' };
  const repo = new HardshipVerificationRepository(c.trx);
  await repo.lockGeneralBranch(p.gbId);
  const gb = (await repo.generalBranch(p.gbId, p.period))!;
  if (gb.submittedAt) return { ok: false, refusal: 'submitted', submitted: submittedBy(gb, c.timeZone) };
  const by = p.verifier?.person.memberId ?? null;
  const confirmedNow = await repo.confirmUnmarked(p.gbId, p.period, by, c.now);
  const summary = summariseVerification(await repo.list(p.gbId, p.period));
  await repo.insertReview({ generalBranchId: p.gbId, period: p.period, byMemberId: by, note: p.note, verifiedCount: summary.verifiedCount, changes: summary.changes, at: c.now });

  const od = (await OfficeDirectory.load(c.trx)).answering('od_staff', gb.committeeId).holders;
  const report = verificationReport({ generalBranch: gb.name, period: p.period, summary, by: p.verifier?.name ?? null, on: c.today });
  const notices: Reply[] = od.map((o) => ({ recipient: o.userid, onceKey: `hv-report-${p.gbId}-${p.period}-${o.member_id}`, message: report }));
  // The last GB of the committee to report: the OD gets the committee's summary now.
  const all = await repo.generalBranches(p.period, gb.committeeId);
  if (all.length > 0 && all.every((g) => g.submittedAt !== null)) {
    const reports = all.map((g) => ({ generalBranch: g.name, verifiedCount: g.verifiedCount, changes: changesFrom(g.changes) }));
    const message = verificationSummaryMessage({ period: p.period, reports });
    notices.push(...od.map((o) => ({ recipient: o.userid, onceKey: `hv-summary-${gb.committeeId}-${p.period}-${o.member_id}`, message })));
  }
  return { ok: true, generalBranch: gb.name, summary, confirmedNow, notices };
}

// ---- what an admin action or the CLI tells people ----

/**
 * The deliveries of the notices an action outside the chat produced (the admin API, the CLI): the same keys as
 * in chat (`<platform>-<onceKey>`), so whichever way a GB submits, the OD is told once; pushes wait out quiet hours.
 */
export function noticeDeliveries(notices: readonly Reply[], p: { platform: PlatformName; now: Date; timeZone: string; quietHours: QuietHours | null }): NewDeliveryInput[] {
  return notices.flatMap((n) =>
    n.recipient && n.onceKey
      ? [{ idempotencyKey: `${p.platform}-${n.onceKey}`, platform: p.platform, recipient: n.recipient, message: n.message, ...replyDelivery(n.recipient, '', p.now, p.timeZone, p.quietHours) }]
      : [],
  );
}

/** The person acting, named by member id or chat account (the admin API's and the CLI's `actor`); undefined if not an active member. */
export async function verifierNamed(trx: Transaction<Database>, written: string): Promise<Verifier | undefined> {
  const who = /^\d{1,18}$/.test(written) ? await findMemberById(trx, written) : await findMemberByUserid(trx, written);
  if (!who || who.status !== 'active') return undefined;
  return { person: accessPersonOf(who), name: who.name };
}
