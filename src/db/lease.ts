// The one lease protocol of the durable tables (inbound_events, deliveries, delivery_batches). A worker claims a row for a
// while and renews the claim while it works; a row whose lease lapsed belongs to whoever claims it next, so a
// dead worker's rows are taken over within one lease. Times are the database's: every process on the
// database agrees on one clock, whatever the hosts' clocks say.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from './schema.ts';

export interface LeasedTable {
  table: 'inbound_events' | 'deliveries' | 'delivery_batches';
  /** The status of a row being worked on. */
  working: 'processing' | 'sending';
  /** The statuses of a row waiting to be taken (besides a lapsed lease). */
  waiting: readonly string[];
}

export const INBOUND_LEASE: LeasedTable = { table: 'inbound_events', working: 'processing', waiting: ['pending'] };
export const DELIVERY_LEASE: LeasedTable = { table: 'deliveries', working: 'sending', waiting: ['pending'] };
/**
 * A sweep's batch waits as 'unwritten' until its first claim writes its delivery rows: a worker of an older
 * release, which knows only 'pending', never takes it (it would find no rows and close the batch unsent).
 */
export const BATCH_LEASE: LeasedTable = { table: 'delivery_batches', working: 'sending', waiting: ['pending', 'unwritten'] };

/** `status in (…)` with the statuses as literals, so that a partial index on them can be used. */
const waitingStatus = (t: LeasedTable): RawBuilder<SqlBool> => sql<SqlBool>`status in (${sql.join(t.waiting.map((s) => sql.lit(s)))})`;

/**
 * The rows of an outbound table (deliveries, delivery_batches) to (re-)enqueue: pending for longer than the grace
 * and due (a scheduled push whose hour has not come stays in the table until it does), or leased by a worker that
 * died. One predicate, so a delivery and a batch are picked up alike.
 */
export const unfinishedSending = (t: LeasedTable, graceSeconds: number, now: Date): RawBuilder<SqlBool> => sql<SqlBool>`(
  (${waitingStatus(t)} and created_at < now() - make_interval(secs => ${graceSeconds}) and (not_before is null or not_before <= ${now}))
  or (status = ${t.working} and locked_until < now()))`;

/** Takes a waiting row, or one whose lease lapsed, for `leaseSeconds`; undefined when it is not free. */
export async function claimLease<Row>(
  db: Kysely<Database>,
  t: LeasedTable,
  id: string,
  leaseSeconds: number,
  alsoWhere: RawBuilder<unknown> = sql`true`,
): Promise<(Row & { lease_token: string }) | undefined> {
  const token = randomUUID();
  const r = await sql<Row & { lease_token: string }>`
    update ${sql.table(t.table)}
       set status = ${t.working}, attempts = attempts + 1, lease_token = ${token},
           locked_until = now() + make_interval(secs => ${leaseSeconds})
     where id = ${id}::bigint
       and (${waitingStatus(t)} or (status = ${t.working} and locked_until < now()))
       and ${alsoWhere}
     returning *`.execute(db);
  return r.rows[0];
}

/** Extends the holder's lease; false when the row is no longer theirs (finished, or taken over). */
export async function renewLease(db: Kysely<Database>, t: LeasedTable, id: string, token: string, leaseSeconds: number): Promise<boolean> {
  const r = await sql`
    update ${sql.table(t.table)} set locked_until = now() + make_interval(secs => ${leaseSeconds})
     where id = ${id}::bigint and status = ${t.working} and lease_token = ${token}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** When another worker holds the row: the end of its lease (undefined when the row is finished or free). */
export async function leaseHeldUntil(db: Kysely<Database>, t: LeasedTable, id: string): Promise<Date | undefined> {
  const r = await sql<{ locked_until: Date | null }>`
    select locked_until from ${sql.table(t.table)} where id = ${id}::bigint and status = ${t.working}`.execute(db);
  return r.rows[0]?.locked_until ?? undefined;
}

/**
 * Renews a lease every third of its length while work goes on. A renewal that fails (database away) is
 * retried at the next beat; one that finds the row taken over reports it once.
 */
export class LeaseHeartbeat {
  private readonly timer: NodeJS.Timeout;
  private beating: Promise<unknown> | undefined;

  constructor(renew: () => Promise<boolean>, leaseSeconds: number, onLost: () => void, onError: (err: Error) => void) {
    let lost = false;
    this.timer = setInterval(() => {
      if (this.beating || lost) return;
      this.beating = renew()
        .then((held) => {
          if (!held) {
            lost = true;
            onLost();
          }
        }, onError)
        .finally(() => {
          this.beating = undefined;
        });
    }, Math.max(200, (leaseSeconds * 1_000) / 3));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
