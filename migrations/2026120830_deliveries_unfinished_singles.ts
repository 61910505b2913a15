// Issue 17 §5, found by bench:deliver at a million members: with the heaviest day's ~1M batched deliveries
// pending, the relay's look for unfinished single deliveries (batch_id is null) walked deliveries_unfinished
// through every batched row and ran past the 10 s query timeout — and relayOnce, failing there, never got to
// the batches. An index of the unfinished single deliveries alone answers it from a handful of entries.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index deliveries_unfinished_singles on deliveries (id) where status in ('pending', 'sending') and batch_id is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists deliveries_unfinished_singles`.execute(db);
}
