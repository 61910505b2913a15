// Holiday visits are obligations (issue 11, point 12): one per member and holiday (period '2027-spring-festival'),
// opened when the list goes out. The index makes opening them twice (a re-run sweep, a catch-up) a no-op.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unique index care_obligations_holiday_once on care_obligations (member_id, period) where source = 'holiday'`.execute(db);
  // The reminder and the OD's summary read a holiday's obligations by period.
  await sql`create index care_obligations_holiday_period on care_obligations (period, owner_organisation_id) where source = 'holiday'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists care_obligations_holiday_period`.execute(db);
  await sql`drop index if exists care_obligations_holiday_once`.execute(db);
}
