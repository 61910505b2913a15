// Issue 17 §5: the heaviest day writes a notice and a delivery for every member (about two million rows at a
// million members). A foreign-key check takes a row lock on the referenced row for every inserted row: measured
// on the 1M demo, 200,000 notices took 3.2 s with notices → members and 1.6 s without; 200,000 batched deliveries
// 6.3 s with deliveries → delivery_batches and 3.6 s without. Both references hold by construction: members are
// never deleted (a member who leaves is retired, the row stays), and a batch is written in the same transaction
// as its deliveries and deleted only when none refers to it (DeliveryBatchRepository.insertParts).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notices drop constraint if exists notices_recipient_member_id_fkey`.execute(db);
  await sql`alter table deliveries drop constraint if exists deliveries_batch_id_fkey`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table notices add constraint notices_recipient_member_id_fkey foreign key (recipient_member_id) references members (id)`.execute(db);
  await sql`alter table deliveries add constraint deliveries_batch_id_fkey foreign key (batch_id) references delivery_batches (id)`.execute(db);
}
