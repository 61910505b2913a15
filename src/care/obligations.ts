// Obligations in the database: opened by reported triggers and by the yearly quotas, closed by the talk or
// visit that fulfils them. Rules (who owes what by when) are in domain/obligations.ts; this is the I/O.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { IsoDate } from '../domain/dates.ts';
import { DEFAULT_OBLIGATION_SETTINGS, obligationsForTrigger, type ObligationSettings, type OwnerOffice, type Trigger } from '../domain/obligations.ts';
import { quotaPairsQuery } from './quota-pairs.ts';
import { ObligationRepository } from '../db/obligation-repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface Holder {
  memberId: string;
  userid: string;
  name: string;
}

/** The member's place: branch, general branch and committee ids (for owner offices). */
async function placeOf(db: Db, memberId: string): Promise<{ branchId: string; gbId: string; committeeId: string } | undefined> {
  const r = await sql<{ branch_id: string; gb_id: string; committee_id: string }>`
    select b.id::text as branch_id, g.id::text as gb_id, g.parent_id::text as committee_id
      from members m join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
     where m.id = ${memberId}::bigint`.execute(db);
  const row = r.rows[0];
  return row ? { branchId: row.branch_id, gbId: row.gb_id, committeeId: row.committee_id } : undefined;
}

/** Active holders of a role in an organisation who can receive messages. */
export async function holdersOf(db: Db, role: string, organisationId: string): Promise<Holder[]> {
  const r = await sql<Holder>`
    select s.id::text as "memberId", s.userid, s.name
      from member_roles r join members s on s.id = r.member_id
     where r.role = ${role} and r.organisation_id = ${organisationId}::bigint and s.status = 'active' and s.userid is not null
     order by s.id`.execute(db);
  return r.rows;
}

export async function loadObligationSettings(db: Db): Promise<ObligationSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'obligation_due_days').executeTakeFirst();
  const v = { ...DEFAULT_OBLIGATION_SETTINGS, ...((row?.value as Partial<ObligationSettings> | undefined) ?? {}) };
  for (const [k, n] of Object.entries(v)) if (!Number.isInteger(n) || n < 0 || n > 90) throw new Error(`settings "obligation_due_days".${k} must be 0–90 days`);
  return v;
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
  const place = await placeOf(trx, input.memberId);
  if (!place) throw new Error(`member ${input.memberId} not found`);
  const member = await trx.selectFrom('members').select(['outstanding_contributor']).where('id', '=', input.memberId).executeTakeFirstOrThrow();
  const event = await trx
    .insertInto('care_events')
    .values({
      member_id: input.memberId,
      reason: input.reason,
      occurred_on: input.occurredOn,
      note: input.note,
      reported_by_member_id: input.reportedBy,
      inbound_event_id: input.inboundEventId ?? null,
      ...(input.reportedAt ? { reported_at: input.reportedAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const plans = obligationsForTrigger(input.reason, input.today, { outstandingContributor: member.outstanding_contributor, settings: await loadObligationSettings(trx) });
  const opened: OpenedObligation[] = [];
  const alreadyOpen: OpenedObligation[] = [];
  for (const p of plans) {
    const orgId = p.owner.scope === 'branch' ? place.branchId : p.owner.scope === 'general_branch' ? place.gbId : place.committeeId;
    const row = await trx
      .insertInto('care_obligations')
      .values({
        kind: p.kind,
        member_id: input.memberId,
        owner_member_id: null,
        owner_organisation_id: orgId,
        owner_role: p.owner.role,
        reason: p.reason,
        source: 'trigger',
        event_id: event.id,
        period: null,
        due_on: p.dueOn,
        opened_on: input.today,
        record_id: null,
        closed_at: null,
        // The injected clock, not the database's: the first reminder step depends on when it was opened.
        ...(input.reportedAt ? { created_at: input.reportedAt } : {}),
      })
      .onConflict((oc) => oc.columns(['member_id', 'kind', 'reason', 'owner_role']).where('source', '=', 'trigger').where('status', '=', 'open').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) {
      opened.push({ id: row.id, kind: p.kind, dueOn: p.dueOn, owner: p.owner, ownerOrganisationId: orgId });
      continue;
    }
    const open = await trx
      .selectFrom('care_obligations')
      .select(['id', sql<string>`to_char(due_on, 'YYYY-MM-DD')`.as('due_on'), 'owner_organisation_id'])
      .where('source', '=', 'trigger')
      .where('status', '=', 'open')
      .where('member_id', '=', input.memberId)
      .where('kind', '=', p.kind)
      .where('reason', '=', p.reason)
      .where('owner_role', '=', p.owner.role)
      .executeTakeFirstOrThrow();
    alreadyOpen.push({ id: open.id, kind: p.kind, dueOn: open.due_on, owner: p.owner, ownerOrganisationId: open.owner_organisation_id ?? orgId });
  }
  return { eventId: event.id, obligations: opened, alreadyOpen };
}

/** Reports a writer made since `since` (one chat message naming several members is one report). */
export async function reportsSince(db: Db, reporterMemberId: string, since: Date): Promise<Date[]> {
  const r = await sql<{ at: Date }>`
    select min(reported_at) as at from care_events
     where reported_by_member_id = ${reporterMemberId}::bigint and reported_at > ${since}
     group by coalesce(inbound_event_id::text, 'care-event-' || id::text)
     order by 1`.execute(db);
  return r.rows.map((x) => new Date(x.at));
}

/**
 * Reports by one writer are taken one at a time (a transaction-level advisory lock, released at commit), so
 * the count the per-writer limit reads cannot be raced past by two messages processed at once.
 */
export async function lockReporter(trx: Transaction<Database>, reporterMemberId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`care-report-${reporterMemberId}`}, 0))`.execute(trx);
}

/**
 * The people an office-owned obligation's notices go to. An office with nobody in it (a branch without a
 * secretary) passes its notices one level up, so nothing owed is ever addressed to nobody.
 */
export async function officeHolders(db: Db, role: string, organisationId: string): Promise<Holder[]> {
  const direct = await holdersOf(db, role, organisationId);
  if (direct.length > 0 || role === 'od_staff') return direct;
  const parent = await db.selectFrom('organisations').select(['parent_id']).where('id', '=', organisationId).executeTakeFirst();
  if (!parent?.parent_id) return [];
  return officeHolders(db, role === 'branch_secretary' ? 'gb_secretary' : 'od_staff', parent.parent_id);
}

/**
 * Closes what a recorded talk or visit fulfils: the obligation it was made against, or else the member's open
 * trigger obligations of that kind; and for a talk the year's quota obligation between the two people
 * (whichever of them owns it).
 */
export async function closeFulfilled(
  trx: Transaction<Database>,
  record: { id: string; kind: 'talk' | 'visit'; leaderMemberId: string; memberId: string; happenedOn: IsoDate; obligationId?: string },
): Promise<string[]> {
  const year = record.happenedOn.slice(0, 4);
  const closed = await trx
    .updateTable('care_obligations')
    .set({ status: 'done', record_id: record.id, closed_at: sql`now()` })
    .where('status', '=', 'open')
    .where('kind', '=', record.kind)
    .where((eb) =>
      eb.or([
        // A record made against one obligation (a reply to its reminder, a choice among several) closes that
        // one only: the member's other open tasks (a bereavement beside a hospital stay) stay open.
        record.obligationId ? eb('id', '=', record.obligationId) : eb.and([eb('source', '=', 'trigger'), eb('member_id', '=', record.memberId)]),
        eb.and([
          eb('source', '=', 'quota'),
          eb('period', '=', year),
          eb.or([
            eb.and([eb('owner_member_id', '=', record.leaderMemberId), eb('member_id', '=', record.memberId)]),
            eb.and([eb('owner_member_id', '=', record.memberId), eb('member_id', '=', record.leaderMemberId)]),
          ]),
        ]),
      ]),
    )
    .returning('id')
    .execute();
  // A holiday visit (reason `holiday`) closes the holiday's visit obligation (issue 11, point 12).
  const holiday = record.kind === 'visit' && !record.obligationId ? await new ObligationRepository(trx).closeHolidayVisit(record) : [];
  return [...closed.map((r) => r.id), ...holiday];
}

/** Reopens what an undone record had closed. */
export async function reopenFor(trx: Transaction<Database>, recordId: string): Promise<string[]> {
  const r = await trx.updateTable('care_obligations').set({ status: 'open', record_id: null, closed_at: null }).where('record_id', '=', recordId).where('status', '=', 'done').returning('id').execute();
  return r.map((x) => x.id);
}

/**
 * Opens the year's quota obligations (set-based; pairs already open are left alone), marking done those whose
 * talk is already recorded. Run for the new year and after a roster import that may have added people. Done
 * in slices of owners so no statement runs long (a million members make about a million pairs).
 */
export async function openQuotaObligations(db: Db, year: number, ownersPerSlice = 2_000): Promise<number> {
  const owners = await sql<{ id: string }>`
    select distinct r.member_id::text as id from member_roles r join members s on s.id = r.member_id
     where s.status = 'active' and r.role in ('committee_secretary', 'committee_member', 'branch_secretary')
     order by 1`.execute(db);
  let opened = 0;
  for (let i = 0; i < owners.rows.length; i += ownersPerSlice) {
    const slice = owners.rows.slice(i, i + ownersPerSlice).map((o) => o.id);
    const r = await sql<{ n: string }>`
      with ins as (
        insert into care_obligations (kind, member_id, owner_member_id, reason, source, period, due_on, status, closed_at)
        select 'talk', p.member_id, p.owner_id, 'routine', 'quota', ${String(year)}, ${`${year}-12-31`}::date,
               case when p.done then 'done' else 'open' end, case when p.done then now() end
          from (${quotaPairsQuery(year, slice)}) p
        on conflict (kind, owner_member_id, member_id, period) where source = 'quota' do nothing
        returning 1
      ) select count(*)::text as n from ins`.execute(db);
    opened += Number(r.rows[0]?.n ?? 0);
  }
  return opened;
}

/**
 * After a roster import: the year's quota obligations are opened for everyone who owes (people added mid-year
 * included; on a fresh install, all of them), and those of people who left are cancelled.
 */
export async function refreshQuotaObligationsAfterImport(db: Db, today: IsoDate): Promise<{ opened: number; cancelled: number }> {
  const year = Number(today.slice(0, 4));
  // Opened here too when no sweep has run yet: a fresh install's first import sets the year's quotas.
  const opened = await openQuotaObligations(db, year);
  const cancelled = await sql<{ n: string }>`
    with c as (
      update care_obligations o set status = 'cancelled', closed_at = now()
       where o.source = 'quota' and o.period = ${String(year)} and o.status = 'open'
         and exists (select 1 from members m where (m.id = o.member_id or m.id = o.owner_member_id) and m.status <> 'active')
      returning 1
    ) select count(*)::text as n from c`.execute(db);
  return { opened, cancelled: Number(cancelled.rows[0]?.n ?? 0) };
}
