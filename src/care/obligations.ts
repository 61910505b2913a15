// Obligations in the database: opened by reported triggers and by the yearly quotas, closed by the talk or
// visit that fulfils them. Rules (who owes what by when) are in domain/obligations.ts; the queries are in the
// repositories (db/obligation-repository.ts, db/care-event-repository.ts, db/organisation-repository.ts).
import type { Kysely, Transaction } from 'kysely';
import { CareEventRepository } from '../db/care-event-repository.ts';
import { ObligationRepository, type FulfillingRecord } from '../db/obligation-repository.ts';
import { OrganisationRepository, type OfficeHolder } from '../db/organisation-repository.ts';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import type { IsoDate } from '../domain/dates.ts';
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
  const opened: OpenedObligation[] = [];
  const alreadyOpen: OpenedObligation[] = [];
  for (const p of plans) {
    const orgId = p.owner.scope === 'branch' ? place.branch_id : p.owner.scope === 'general_branch' ? place.gb_id : place.committee_id;
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

/**
 * Closes, at `at` (the injected clock), what a recorded talk or visit fulfils: the obligation it was made
 * against, or else the member's open trigger obligations of that kind; and for a talk the year's quota
 * obligation between the two people (whichever of them owns it).
 */
export async function closeFulfilled(trx: Transaction<Database>, record: FulfillingRecord, at: Date): Promise<string[]> {
  const repo = new ObligationRepository(trx);
  const closed = await repo.closeFulfilled(record, at);
  // A holiday visit (reason `holiday`) closes the holiday's visit obligation (issue 11, point 12).
  const holiday = record.kind === 'visit' && !record.obligationId ? await repo.closeHolidayVisit(record, at) : [];
  return [...closed, ...holiday];
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
