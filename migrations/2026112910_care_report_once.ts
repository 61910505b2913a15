// A trigger reported again while its obligation is open adds to it instead of opening another (issue 8,
// point 6): at most one open trigger obligation per (member, kind, reason, owning office), enforced by a
// partial UNIQUE index so two reports processed at once cannot both open one (the second's INSERT … ON
// CONFLICT DO NOTHING waits for the first and finds it). Each report stays a care_events row, now with the
// inbound event it came from, which is what the per-writer report limit counts.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Duplicates opened before this index existed: the earliest stays open, later ones are cancelled.
  await sql`
    update care_obligations o set status = 'cancelled', closed_at = now()
     where o.source = 'trigger' and o.status = 'open'
       and exists (select 1 from care_obligations p
                    where p.source = 'trigger' and p.status = 'open' and p.id < o.id and p.member_id = o.member_id
                      and p.kind = o.kind and p.reason = o.reason and p.owner_role is not distinct from o.owner_role)`.execute(db);
  await sql`create unique index care_obligations_trigger_open_once on care_obligations (member_id, kind, reason, owner_role) where source = 'trigger' and status = 'open'`.execute(db);
  await db.schema.alterTable('care_events').addColumn('inbound_event_id', 'bigint').execute();
  await sql`create index care_events_reporter_recent on care_events (reported_by_member_id, reported_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists care_events_reporter_recent`.execute(db);
  await db.schema.alterTable('care_events').dropColumn('inbound_event_id').execute();
  await sql`drop index if exists care_obligations_trigger_open_once`.execute(db);
}
