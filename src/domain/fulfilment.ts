// Who owes, and what closes it (MECHANISM "Offices, not only people", 2.1, 2.2 "Closing an obligation"; issue 11
// points 1–3 and 6). Pure: the caller loads the open obligations, the writer's access facts and the holders of
// the offices, and passes them in.
import { mayFulfilObligation, type AccessPerson, type MemberPlace } from './access.ts';
import type { CareReason, OwnerOffice } from './obligations.ts';

// ---- what a record closes ----

/** A recorded talk or visit, as far as closing goes. */
export interface RecordFacts {
  kind: 'talk' | 'visit';
  reason: CareReason;
  /** The member talked with or visited. */
  memberId: string;
  /** Who talked or visited (派人: the person sent). */
  leaderMemberId: string;
  happenedOn: string;
}

/** An open obligation, as far as closing goes. */
export interface OpenObligationFacts {
  id: string;
  kind: 'talk' | 'visit';
  source: 'trigger' | 'quota' | 'holiday';
  reason: string;
  ownerMemberId: string | null;
  ownerRole: string | null;
  ownerOrganisationId: string | null;
  /** The local day it was opened: a record made before it fulfils nothing of it. */
  openedOn: string;
  /** A quota's year. */
  period: string | null;
  /** The member it is about, with their place (for the access rule). */
  member: MemberPlace;
}

/**
 * Does this record fulfil this obligation? Same kind; a yearly quota: any talk, that year, between the two
 * people (either may have recorded it). Otherwise: about the same member, on or after the day it opened, for its
 * reason (a trigger reason closes that trigger's obligation only — a routine talk never closes a 五必谈 talk;
 * `holiday` closes the holiday visit), and made by `by` — the writer, who for 派人 is the one who sent the
 * visitor — being the owner or in the owning office or above (access.ts mayFulfilObligation).
 */
export function fulfils(record: RecordFacts, ob: OpenObligationFacts, by: AccessPerson): boolean {
  if (ob.kind !== record.kind) return false;
  if (ob.source === 'quota') {
    const pair = [ob.ownerMemberId, ob.member.memberId].sort().join('|');
    return record.kind === 'talk' && ob.period === record.happenedOn.slice(0, 4) && pair === [record.leaderMemberId, record.memberId].sort().join('|');
  }
  if (ob.member.memberId !== record.memberId || record.happenedOn < ob.openedOn) return false;
  const forItsReason = ob.source === 'holiday' ? record.reason === 'holiday' : record.reason === ob.reason;
  return forItsReason && mayFulfilObligation(by, ob);
}

/** The ids, among these open obligations, that the record fulfils. */
export function fulfilledBy(record: RecordFacts, open: readonly OpenObligationFacts[], by: AccessPerson): string[] {
  return open.filter((ob) => fulfils(record, ob, by)).map((ob) => ob.id);
}

// ---- who owes, and who gets the task card ----

/** A role holding an office, in the member's branch, general branch or committee. */
export interface OfficeAt {
  role: 'branch_secretary' | 'gb_secretary' | 'unit_leader' | 'od_staff';
  scope: OwnerOffice['scope'];
}

/**
 * The roles that hold an owning office. A talk the general branch owes is owned by its secretary and the unit's
 * main Party leader together (MECHANISM 2.2): either's talk closes it, neither may owe it to themself.
 */
export function owningRoles(kind: 'talk' | 'visit', owner: OwnerOffice): OfficeAt[] {
  if (kind === 'talk' && owner.role === 'gb_secretary') return [owner, { role: 'unit_leader', scope: 'general_branch' }];
  return [owner];
}

/**
 * Who is told of a newly opened obligation (the task card): the owning office, and for a visit the branch owes
 * also the general branch's secretary, who co-owns it (MECHANISM 2.1: told at once and may make it instead).
 */
export function taskCardOffices(kind: 'talk' | 'visit', owner: OwnerOffice): OfficeAt[] {
  const offices = owningRoles(kind, owner);
  if (kind === 'visit' && owner.role === 'branch_secretary') offices.push({ role: 'gb_secretary', scope: 'general_branch' });
  return offices;
}

/** The owning office one level up: branch → GB → OD; none above the OD. */
export function ownerAbove(owner: OwnerOffice): OwnerOffice | undefined {
  if (owner.role === 'branch_secretary') return { role: 'gb_secretary', scope: 'general_branch' };
  if (owner.role === 'gb_secretary') return { role: 'od_staff', scope: 'committee' };
  return undefined;
}

/**
 * Nobody owes a visit or talk to themselves (MECHANISM "Offices, not only people"): from the planned owner up,
 * the first office held by someone other than the member concerned — a hospitalised branch secretary's visit is
 * owed by the general branch. `holdersOf` gives the member ids holding a role in the member's branch, general
 * branch or committee. A vacant office (no holder at all) is kept: its notices pass up on their own.
 */
export function ownerOtherThanMember(kind: 'talk' | 'visit', owner: OwnerOffice, memberId: string, holdersOf: (office: OfficeAt) => readonly string[]): OwnerOffice {
  let at: OwnerOffice = owner;
  for (;;) {
    const holders = owningRoles(kind, at).flatMap((o) => holdersOf(o));
    const up = ownerAbove(at);
    if (holders.length === 0 || holders.some((h) => h !== memberId) || !up) return at;
    at = up;
  }
}
