// Obligations in the database: opened by reported triggers and by the yearly quotas, closed by the talk or
// visit that fulfils them. Rules (who owes what by when) are in domain/obligations.ts; the queries are in the
// repositories (db/obligation-repository.ts, db/care-event-repository.ts, db/organisation-repository.ts).
import type { Kysely, Transaction } from 'kysely';
import { CareEventRepository } from '../db/care-event-repository.ts';
import { ObligationRepository, type FulfilmentCandidateRow } from '../db/obligation-repository.ts';
import { OrganisationRepository, type OfficeHolder } from '../db/organisation-repository.ts';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import type { AccessPerson } from '../domain/access.ts';
import type { IsoDate } from '../domain/dates.ts';
import { fulfilledBy, ownerOtherThanMember, taskCardOffices, type OfficeAt, type OpenObligationFacts, type RecordFacts } from '../domain/fulfilment.ts';
import { obligationsForTrigger, type ObligationSettings, type OwnerOffice, type Trigger } from '../domain/obligations.ts';
import { QuotaObligationRepository } from '../db/quota-obligation-repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type Holder = OfficeHolder;

/** Active holders of a role in an organisation who can receive messages. */
export async function holdersOf(db: Db, role: string, organisationId: string): Promise<Holder[]> {
  return new OrganisationRepository(db).holdersOf(role, organisationId);
}

export async function loadObligationSettings(db: Db): Promise<ObligationSettings> {
  const s = await new SettingsRepository(db).read(['visit_due_days', 'death_visit_due_days', 'talk_due_days']);
  return { visitDueDays: s.visit_due_days, deathVisitDueDays: s.death_visit_due_days, talkDueDays: s.talk_due_days };
}

export interface OpenedObligation {
  id: string;
  kind: 'talk' | 'visit';
  dueOn: IsoDate;
  owner: OwnerOffice;
  ownerOrganisationId: string;
}

/**
 * Records a reported trigger and opens the obligations it creates; returns them with their owning offices.
 * A trigger reported again while its obligation is still open opens nothing: the report is recorded (who said
 * it, the note) and the open obligation is returned under `alreadyOpen`, so nobody is told twice. The partial
 * UNIQUE index care_obligations_trigger_open_once makes this hold for two reports processed at once.
 */
export async function reportTrigger(
  trx: Transaction<Database>,
  input: { memberId: string; reason: Trigger; occurredOn: IsoDate; note: string; reportedBy: string; today: IsoDate; reportedAt?: Date; inboundEventId?: string },
): Promise<{ eventId: string; obligations: OpenedObligation[]; alreadyOpen: OpenedObligation[] }> {
  const place = await new OrganisationRepository(trx).placeOf(input.memberId);
  if (!place) throw new Error(`member ${input.memberId} not found`);
  const eventId = await new CareEventRepository(trx).insert({
    memberId: input.memberId,
    reason: input.reason,
    occurredOn: input.occurredOn,
    note: input.note,
    reportedBy: input.reportedBy,
    ...(input.inboundEventId !== undefined ? { inboundEventId: input.inboundEventId } : {}),
    ...(input.reportedAt ? { reportedAt: input.reportedAt } : {}),
  });
  const plans = obligationsForTrigger(input.reason, input.today, { outstandingContributor: place.outstanding_contributor, settings: await loadObligationSettings(trx) });
  const obligations = new ObligationRepository(trx);
  // Nobody owes themselves: whoever holds the owning office is asked, unless that is only the member concerned.
  const holders = await holdersAround(trx, place);
  const opened: OpenedObligation[] = [];
  const alreadyOpen: OpenedObligation[] = [];
  for (const planned of plans) {
    const p = { ...planned, owner: ownerOtherThanMember(planned.kind, planned.owner, input.memberId, (o) => holders(o).map((h) => h.memberId)) };
    const orgId = organisationOf(p.owner.scope, place);
    const id = await obligations.openTriggered({
      kind: p.kind,
      memberId: input.memberId,
      ownerOrganisationId: orgId,
      ownerRole: p.owner.role,
      reason: p.reason,
      eventId,
      dueOn: p.dueOn,
      openedOn: input.today,
      ...(input.reportedAt ? { createdAt: input.reportedAt } : {}),
    });
    if (id) {
      opened.push({ id, kind: p.kind, dueOn: p.dueOn, owner: p.owner, ownerOrganisationId: orgId });
      continue;
    }
    const open = await obligations.openTrigger(input.memberId, p.kind, p.reason, p.owner.role);
    alreadyOpen.push({ id: open.id, kind: p.kind, dueOn: open.due_on, owner: p.owner, ownerOrganisationId: open.owner_organisation_id ?? orgId });
  }
  return { eventId, obligations: opened, alreadyOpen };
}

const organisationOf = (scope: OwnerOffice['scope'], place: { branch_id: string; gb_id: string; committee_id: string }): string =>
  scope === 'branch' ? place.branch_id : scope === 'general_branch' ? place.gb_id : place.committee_id;

/** The holders of each office around a member (their branch, general branch, committee), loaded once each. */
async function holdersAround(db: Db, place: { branch_id: string; gb_id: string; committee_id: string }): Promise<(office: OfficeAt) => Holder[]> {
  const organisations = new OrganisationRepository(db);
  const loaded = new Map<string, Holder[]>();
  for (const o of [
    { role: 'branch_secretary', scope: 'branch' },
    { role: 'gb_secretary', scope: 'general_branch' },
    { role: 'unit_leader', scope: 'general_branch' },
    { role: 'od_staff', scope: 'committee' },
  ] as const) {
    loaded.set(o.role, await organisations.holdersOf(o.role, organisationOf(o.scope, place)));
  }
  return (office) => loaded.get(office.role) ?? [];
}

/**
 * Who gets the task card of a newly opened obligation (issue 11 points 2, 3, 6): the holders of the owning office
 * — for a general branch's talk its secretary and the unit's main Party leader — and for a visit the branch owes
 * also the general branch's secretary; never the member it is about. With none of them there (a vacant office),
 * whoever answers one level up.
 */
export async function taskCardHolders(db: Db, ob: Pick<OpenedObligation, 'kind' | 'owner' | 'ownerOrganisationId'>, memberId: string): Promise<Holder[]> {
  const place = await new OrganisationRepository(db).placeOf(memberId);
  if (!place) return [];
  const holders = await holdersAround(db, place);
  const told = new Map<string, Holder>();
  for (const office of taskCardOffices(ob.kind, ob.owner)) for (const h of holders(office)) if (h.memberId !== memberId) told.set(h.memberId, h);
  if (told.size > 0) return [...told.values()];
  return (await officeHolders(db, ob.owner.role, ob.ownerOrganisationId)).filter((h) => h.memberId !== memberId);
}

/** Reports a writer made since `since` (one chat message naming several members is one report). */
export async function reportsSince(db: Db, reporterMemberId: string, since: Date): Promise<Date[]> {
  return new CareEventRepository(db).reportsSince(reporterMemberId, since);
}

/**
 * Reports by one writer are taken one at a time (a transaction-level advisory lock, released at commit), so
 * the count the per-writer limit reads cannot be raced past by two messages processed at once.
 */
export async function lockReporter(trx: Transaction<Database>, reporterMemberId: string): Promise<void> {
  await new CareEventRepository(trx).lockReporter(reporterMemberId);
}

/**
 * The people an office-owned obligation's notices go to. An office with nobody in it (a branch without a
 * secretary) passes its notices one level up, so nothing owed is ever addressed to nobody.
 */
export async function officeHolders(db: Db, role: string, organisationId: string): Promise<Holder[]> {
  const organisations = new OrganisationRepository(db);
  const direct = await organisations.holdersOf(role, organisationId);
  if (direct.length > 0 || role === 'od_staff') return direct;
  const parent = await organisations.parentOf(organisationId);
  if (!parent) return [];
  return officeHolders(db, role === 'branch_secretary' ? 'gb_secretary' : 'od_staff', parent);
}

/** A recorded talk or visit, to close what it fulfils. */
export interface FulfillingRecord extends RecordFacts {
  id: string;
}

/**
 * Closes, at `at` (the injected clock), the open obligations a recorded talk or visit fulfils (MECHANISM 2.2
 * "Closing an obligation", the rule in domain/fulfilment.ts): those of the member of its kind and reason owed by
 * `by` (the writer; for 派人 the one who sent the visitor) or an office they are in or above, opened on or before
 * the day it happened; and for a talk the year's quota between the two people. Returns the ids closed.
 */
export async function closeFulfilled(trx: Transaction<Database>, record: FulfillingRecord, by: AccessPerson, at: Date): Promise<string[]> {
  const obligations = new ObligationRepository(trx);
  const candidates = await obligations.fulfilmentCandidates(record.kind, record.memberId, record.leaderMemberId, record.happenedOn.slice(0, 4));
  return obligations.closeByRecord(fulfilledBy(record, candidates.map(candidateFacts), by), record.id, at);
}

const candidateFacts = (c: FulfilmentCandidateRow): OpenObligationFacts => ({
  id: c.id,
  kind: c.kind,
  source: c.source,
  reason: c.reason,
  ownerMemberId: c.owner_member_id,
  ownerRole: c.owner_role,
  ownerOrganisationId: c.owner_organisation_id,
  openedOn: c.opened_on,
  period: c.period,
  member: { memberId: c.member_id, branchId: c.branch_id, generalBranchId: c.gb_id, committeeId: c.committee_id },
});

/**
 * The member's open trigger obligations of the record's kind that `by` could close with a record for their
 * reason (the owner, or in the owning office or above; on or after the day it opened) — what a record without
 * that reason leaves open.
 */
export async function openTriggersFulfillableBy(db: Db, record: Omit<RecordFacts, 'reason'>, by: AccessPerson): Promise<Array<{ id: string; reason: string }>> {
  const candidates = await new ObligationRepository(db).fulfilmentCandidates(record.kind, record.memberId, record.leaderMemberId, record.happenedOn.slice(0, 4), false);
  return candidates
    .filter((c) => c.source === 'trigger')
    .filter((c) => fulfilledBy({ ...record, reason: c.reason as RecordFacts['reason'] }, [candidateFacts(c)], by).length > 0)
    .map((c) => ({ id: c.id, reason: c.reason }));
}

/** Reopens what an undone record had closed. */
export async function reopenFor(trx: Transaction<Database>, recordId: string): Promise<string[]> {
  return new ObligationRepository(trx).reopenFor(recordId);
}

/**
 * Opens the year's quota obligations (set-based; pairs already open are left alone), marking done — at `now`,
 * the injected clock — those whose talk is already recorded. Run for the new year and after a roster import
 * that may have added people. Done in slices of owners so no statement runs long (a million members make
 * about a million pairs).
 */
export async function openQuotaObligations(db: Db, year: number, now: Date, ownersPerSlice = 2_000): Promise<number> {
  const obligations = new ObligationRepository(db);
  const owners = await obligations.quotaOwners();
  let opened = 0;
  for (let i = 0; i < owners.length; i += ownersPerSlice) opened += await obligations.openQuotas(year, owners.slice(i, i + ownersPerSlice), now);
  return opened;
}

/**
 * After a roster import: the year's quota obligations follow the roster — those that hold again are reopened,
 * new ones opened for everyone who owes (people added mid-year included; on a fresh install, all of them), and
 * those that no longer hold (roles, links or branches changed, or someone died or left) cancelled with the
 * reason (at `now`).
 */
export async function refreshQuotaObligationsAfterImport(db: Db, today: IsoDate, now: Date): Promise<{ opened: number; cancelled: number }> {
  const year = Number(today.slice(0, 4));
  const quotas = new QuotaObligationRepository(db);
  const reopened = await quotas.reopenHeldAgain(year, now);
  // Opened here too when no sweep has run yet: a fresh install's first import sets the year's quotas.
  const opened = await openQuotaObligations(db, year, now);
  const cancelled = await quotas.cancelNoLongerHeld(year, now);
  return { opened: opened + reopened, cancelled };
}
