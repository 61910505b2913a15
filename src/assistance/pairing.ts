// Pairing (结对帮扶, MECHANISM 1.2), as the chat and the admin API both do it: start a pairing (one helps one, or
// many help one; a member or an organisation helps), end one, exempt a leading cadre or revoke the exemption, and
// read a helper's pairs and the OD's lists. Every step asks the one access rule (src/domain/access.ts) and runs
// in the caller's transaction; what people are to be told comes back as notices (recipient, once-key, message)
// for the caller to deliver, so a retried event or request tells nobody twice.
//
// Decisions where MECHANISM is silent:
// - The member helped must have an APPROVED entry; anything else is answered, not stored.
// - A helper already helping the member in a live pairing is answered, not duplicated (the unique index decides).
// - A member helps anyone in the committee (a leading cadre of another college helps a member in hardship);
//   the arranger needs the right to arrange for the MEMBER (mayApprove 'pairing': the OD or the member's GB
//   secretary), not for the helper. Nobody helps themself.
// - A helping organisation is a branch or a general branch; its secretaries (branch_secretary / gb_secretary)
//   are told and act for it, and their talks and visits with the member count as the organisation's contact.
// - Ending a pairing by hand (结束结对) tells the helper and the member; archiving the entry ends its pairings in
//   src/assistance/registry.ts (and the registry tells the helpers), not here.
import { canSeeHardshipCauses, mayApprove, viewerOf, type AccessPerson, type MemberPlace } from '../domain/access.ts';
import { pairingMode, type PairingMode } from '../domain/assistance.ts';
import type { IsoDate } from '../domain/dates.ts';
import { cadresWithoutPairing, isLeadingCadre, pairingNudge } from '../domain/pairing.ts';
import { HardshipRegistryRepository } from '../db/hardship-registry-repository.ts';
import { PairingRepository, type CadreRow, type HelperRef, type PairingRow, type UnhelpedRow } from '../db/pairing-repository.ts';
import type { Database } from '../db/schema.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { loadMemberPlace } from '../roster/responsibility.ts';
import { helperWords, PAIRING_TEXT, type PairLine } from './pairing-text.ts';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** Someone to tell (a chat account), exactly once per key. */
export interface PairingNotice {
  recipient: string;
  onceKey: string;
  message: OutboundMessage;
}

/** A helper as resolved: who, and what they are called in the answers. */
export interface HelperInfo {
  ref: HelperRef;
  name: string;
  pairingId: string;
  /** Nobody of the helper can be told in chat (no account, or an organisation without a reachable secretary). */
  unreachable: boolean;
}

export type StartOutcome =
  | { status: 'not_allowed' }
  | { status: 'no_entry'; member: string }
  | { status: 'self_help'; member: string }
  | { status: 'done'; member: string; place: string; mode: PairingMode; started: HelperInfo[]; existing: HelperInfo[]; memberReachable: boolean; notices: PairingNotice[] };

export type EndOutcome = { status: 'not_allowed' } | { status: 'not_paired'; member: string; helper: string } | { status: 'done'; pairing: PairingRow; helper: string; notices: PairingNotice[] };

export type ExemptOutcome =
  | { status: 'not_allowed' }
  | { status: 'not_cadre'; name: string; cadreLevel: string | null }
  | { status: 'reason_required'; name: string }
  | { status: 'already'; name: string; reason: string }
  | { status: 'done'; name: string; reason: string };

export type RevokeOutcome = { status: 'not_allowed' } | { status: 'not_exempt'; name: string } | { status: 'done'; name: string };

/** Who arranged it, as the helper and the member are told: the OD, or the member's general branch. */
function arrangerOf(actor: AccessPerson, member: MemberPlace, generalBranch: string): string {
  return actor.roles.some((r) => r.role === 'od_staff' && r.organisationId === member.committeeId) ? '党委组织部' : generalBranch;
}

/** The chat accounts to tell for a helper: the member, or the secretaries acting for the organisation. */
async function helperRecipients(repo: PairingRepository, ref: HelperRef): Promise<Array<{ member_id: string; name: string; userid: string | null }>> {
  return ref.kind === 'member' ? repo.people([ref.memberId]) : repo.actingFor(ref.organisationId);
}

/**
 * Starts the pairings of `helpers` with the member (their approved entry). `helpers` are resolved already (the
 * chat by name, the API by id); a helper already in a live pairing with the member is reported, not duplicated.
 */
export async function startPairing(
  trx: Transaction<Database>,
  p: { actor: AccessPerson; memberId: string; helpers: ReadonlyArray<HelperRef & { name: string }>; today: IsoDate; now: Date },
): Promise<StartOutcome> {
  const place = await loadMemberPlace(trx, p.memberId);
  if (!place || !mayApprove(p.actor, 'pairing', place)) return { status: 'not_allowed' };
  const repo = new PairingRepository(trx);
  const registry = new HardshipRegistryRepository(trx);
  const live = await registry.liveEntryOf(p.memberId);
  // Locked: an archive at the same moment ends the pairings after these are in, or finds the entry archived first.
  const entry = live ? await registry.entry(live.id, true) : undefined;
  if (!entry || entry.status !== 'approved') return { status: 'no_entry', member: (await repo.people([p.memberId]))[0]?.name ?? '' };
  if (p.helpers.some((h) => h.kind === 'member' && h.memberId === p.memberId)) return { status: 'self_help', member: entry.member_name };

  const started: HelperInfo[] = [];
  const existing: HelperInfo[] = [];
  for (const h of p.helpers) {
    const ref: HelperRef = h.kind === 'member' ? { kind: 'member', memberId: h.memberId } : { kind: 'organisation', organisationId: h.organisationId };
    const id = await repo.insert({ memberId: p.memberId, entryId: entry.id, helper: ref, startedOn: p.today, createdByMemberId: p.actor.memberId, at: p.now });
    if (id) started.push({ ref, name: h.name, pairingId: id, unreachable: false });
    else existing.push({ ref, name: h.name, pairingId: (await repo.liveWith(entry.id, ref)) ?? '', unreachable: false });
  }
  const mode = pairingMode((await repo.list({ memberId: p.memberId })).length);
  const placeName = `${entry.general_branch}${entry.branch}`;
  const arrangedBy = arrangerOf(p.actor, place, entry.general_branch);
  const notices: PairingNotice[] = [];
  for (const s of started) {
    const reachable = (await helperRecipients(repo, s.ref)).filter((r) => r.userid);
    s.unreachable = reachable.length === 0;
    for (const r of reachable) {
      // What a helper may know, as the rule says: a paired helper sees the causes (whatever roles they hold), never an amount.
      const causes = canSeeHardshipCauses(viewerOf({ memberId: r.member_id, roles: [] }), place, true) ? entry.causes : [];
      notices.push({
        recipient: r.userid!,
        onceKey: `pairing-${s.pairingId}-helper-${r.member_id}`,
        message: PAIRING_TEXT.helperTold({ to: r.name, forOrganisation: s.ref.kind === 'organisation' ? s.name : null, member: entry.member_name, place: placeName, causes, mode, arrangedBy }),
      });
    }
  }
  if (started.length > 0 && entry.member_userid) {
    notices.push({
      recipient: entry.member_userid,
      onceKey: `pairing-${started.map((s) => s.pairingId).join('-')}-member`,
      message: PAIRING_TEXT.memberTold({ member: entry.member_name, helpers: started.map((s) => s.name), arrangedBy }),
    });
  }
  return { status: 'done', member: entry.member_name, place: placeName, mode, started, existing, memberReachable: entry.member_userid !== null, notices };
}

/** Ends the live pairing of this helper with the member ('ended'); told: the helper and the member. */
export async function endPairing(trx: Transaction<Database>, p: { actor: AccessPerson; memberId: string; helper: HelperRef & { name: string }; today: IsoDate }): Promise<EndOutcome> {
  const place = await loadMemberPlace(trx, p.memberId);
  if (!place || !mayApprove(p.actor, 'pairing', place)) return { status: 'not_allowed' };
  const repo = new PairingRepository(trx);
  const live = (await repo.list({ memberId: p.memberId })).find((x) =>
    p.helper.kind === 'member' ? x.helper_member_id === p.helper.memberId : x.helper_organisation_id === p.helper.organisationId,
  );
  if (!live) {
    const any = (await repo.list({ memberId: p.memberId, all: true }))[0];
    return { status: 'not_paired', member: any?.member_name ?? '', helper: p.helper.name };
  }
  return endPairingById(trx, { actor: p.actor, pairingId: live.id, today: p.today });
}

/** Ends a pairing by id (the admin API); the same rule and the same notices as 结束结对. */
export async function endPairingById(trx: Transaction<Database>, p: { actor: AccessPerson; pairingId: string; today: IsoDate }): Promise<EndOutcome> {
  const repo = new PairingRepository(trx);
  const pairing = await repo.pairing(p.pairingId, true);
  const place = pairing ? await loadMemberPlace(trx, pairing.member_id) : undefined;
  if (!pairing || !place || !mayApprove(p.actor, 'pairing', place)) return { status: 'not_allowed' };
  const helper = helperWords({ memberName: pairing.helper_member_name, organisationName: pairing.helper_organisation_name });
  if (!(await repo.end(pairing.id, p.today, 'ended'))) return { status: 'not_paired', member: pairing.member_name, helper };
  const endedBy = arrangerOf(p.actor, place, pairing.general_branch);
  const notices: PairingNotice[] = [];
  const ref: HelperRef = pairing.helper_member_id !== null ? { kind: 'member', memberId: pairing.helper_member_id } : { kind: 'organisation', organisationId: pairing.helper_organisation_id! };
  for (const r of await helperRecipients(repo, ref)) {
    if (!r.userid) continue;
    notices.push({
      recipient: r.userid,
      onceKey: `pairing-${pairing.id}-ended-${r.member_id}`,
      message: PAIRING_TEXT.helperEnded({ to: r.name, forOrganisation: pairing.helper_organisation_name, member: pairing.member_name, endedBy }),
    });
  }
  if (pairing.member_userid) {
    notices.push({ recipient: pairing.member_userid, onceKey: `pairing-${pairing.id}-ended-member`, message: PAIRING_TEXT.memberEnded({ member: pairing.member_name, helper }) });
  }
  return { status: 'done', pairing: { ...pairing, ended_on: p.today, ended_reason: 'ended', live: false }, helper, notices };
}

/** 免除结对 (the OD): a leading cadre, with a reason (原则上: recorded, never without one). */
export async function exemptCadre(trx: Transaction<Database>, p: { actor: AccessPerson; memberId: string; reason: string; now: Date }): Promise<ExemptOutcome> {
  const place = await loadMemberPlace(trx, p.memberId);
  if (!place || !mayApprove(p.actor, 'cadre_exemption', place)) return { status: 'not_allowed' };
  const repo = new PairingRepository(trx);
  const cadre = (await repo.cadres(place.committeeId)).find((c) => c.member_id === p.memberId);
  const name = cadre?.name ?? '';
  if (!cadre || !isLeadingCadre(cadre.cadre_level)) return { status: 'not_cadre', name, cadreLevel: cadre?.cadre_level ?? null };
  const reason = p.reason.trim();
  if (reason === '') return { status: 'reason_required', name };
  if (await repo.exempt(p.memberId, reason, p.actor.memberId, p.now)) return { status: 'done', name, reason };
  return { status: 'already', name, reason: (await repo.exemptionOf(p.memberId))?.reason ?? '' };
}

/** 取消免除结对 (the OD). */
export async function revokeExemption(trx: Transaction<Database>, p: { actor: AccessPerson; memberId: string; now: Date }): Promise<RevokeOutcome> {
  const place = await loadMemberPlace(trx, p.memberId);
  if (!place || !mayApprove(p.actor, 'cadre_exemption', place)) return { status: 'not_allowed' };
  const repo = new PairingRepository(trx);
  const name = (await repo.cadres(place.committeeId)).find((c) => c.member_id === p.memberId)?.name ?? '';
  return (await repo.revokeExemption(p.memberId, p.now)) ? { status: 'done', name } : { status: 'not_exempt', name };
}

/** A helper's live pairs (我的结对对象): the causes as the access rule lets a paired helper see them, the last contact. */
export async function pairsOfHelper(db: Db, p: { viewer: AccessPerson; today: IsoDate; nudgeDays: number }): Promise<PairLine[]> {
  const rows = await new PairingRepository(db).list({ actingFor: p.viewer.memberId });
  return rows.map((r) => {
    // Every row is a live pairing the viewer helps in (in person or for the organisation): pairedHelper.
    const place: MemberPlace = { memberId: r.member_id, branchId: r.branch_id, generalBranchId: r.gb_id, committeeId: r.committee_id };
    return {
      member: r.member_name,
      place: `${r.general_branch}${r.branch}`,
      causes: canSeeHardshipCauses(viewerOf(p.viewer), place, true) ? r.causes : null,
      startedOn: r.started_on,
      lastContactOn: r.last_contact_on,
      forOrganisation: r.helper_member_id === p.viewer.memberId ? null : r.helper_organisation_name,
      overdue: pairingNudge({ startedOn: r.started_on, lastContactOn: r.last_contact_on, today: p.today, days: p.nudgeDays }) !== undefined,
    };
  });
}

/** The OD's lists for a committee: leading cadres without a pairing (exempt ones apart) and members without a helper. */
export async function pairingOverview(db: Db, committeeId?: string): Promise<{ unpaired: CadreRow[]; exempt: CadreRow[]; unhelped: UnhelpedRow[] }> {
  const repo = new PairingRepository(db);
  const cadres = await repo.cadres(committeeId);
  const { unpaired, exempt } = cadresWithoutPairing(cadres.map((c) => ({ ...c, memberId: c.member_id, cadreLevel: c.cadre_level })));
  return { unpaired, exempt, unhelped: await repo.unhelped(committeeId) };
}
