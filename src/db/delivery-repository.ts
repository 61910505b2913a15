// Deliveries: every outgoing message, keyed by a UNIQUE idempotency key so that a retried or duplicated job,
// a re-run sweep or a restarted process never delivers twice (RELIABILITY.md "Nothing is delivered twice").
import { sql, type Kysely, type Transaction } from 'kysely';
import type { OutboundMessage, PlatformName } from '../platforms/types.ts';
import type { Database, DeliveryRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewDeliveryInput {
  idempotencyKey: string;
  platform: PlatformName;
  recipient: string;
  message: OutboundMessage;
  /** An automatic push (held in quiet hours) rather than a reply. */
  push?: boolean;
  notBefore?: Date;
}

export class DeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the deliveries that are new; returns the ids of those inserted (existing keys insert nothing). */
  async insertNew(items: NewDeliveryInput[], db: Db = this.db): Promise<string[]> {
    if (items.length === 0) return [];
    const rows = await db
      .insertInto('deliveries')
      .values(
        items.map((d) => ({
          idempotency_key: d.idempotencyKey,
          platform: d.platform,
          recipient: d.recipient,
          message: JSON.stringify(d.message),
          push: d.push ?? false,
          not_before: d.notBefore ?? null,
          locked_until: null,
          platform_msgid: null,
          response_code: null,
          error_code: null,
          error: null,
          sent_at: null,
        })),
      )
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async claim(id: string, leaseSeconds = 120): Promise<DeliveryRow | undefined> {
    return this.db
      .updateTable('deliveries')
      .set({
        status: 'sending',
        attempts: sql`attempts + 1`,
        locked_until: sql`now() + make_interval(secs => ${leaseSeconds})`,
      })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', sql<Date>`now()`)])]),
      )
      .returningAll()
      .executeTakeFirst();
  }

  async markSent(id: string, result: { platformMsgId?: string | undefined; responseCode?: string | undefined }): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({
        status: 'sent',
        locked_until: null,
        sent_at: sql`now()`,
        platform_msgid: result.platformMsgId ?? null,
        response_code: result.responseCode ?? null,
        error_code: null,
        error: null,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Back to pending for a later try. `refundAttempt` when the wait was the platform's rate limit, not a failure. */
  async release(id: string, error: { code?: string; message: string } | undefined, refundAttempt = false): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({
        status: 'pending',
        locked_until: null,
        attempts: refundAttempt ? sql`greatest(attempts - 1, 0)` : sql`attempts`,
        error_code: error?.code ?? null,
        error: error?.message.slice(0, 1000) ?? null,
      })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  async markFailed(id: string, error: { code?: string; message: string }): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ status: 'failed', locked_until: null, error_code: error.code ?? null, error: error.message.slice(0, 1000) })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'sending'])
      .execute();
  }

  /**
   * Deliveries to (re-)enqueue: pending for longer than the grace and due (a scheduled push whose hour has
   * not come stays in the table until it does), or leased by a worker that died.
   */
  async findUnfinished(limit: number, graceSeconds: number, now: Date = new Date()): Promise<string[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([
            eb('status', '=', 'pending'),
            eb('created_at', '<', sql<Date>`now() - make_interval(secs => ${graceSeconds})`),
            eb.or([eb('not_before', 'is', null), eb('not_before', '<=', now)]),
          ]),
          eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', sql<Date>`now()`)]),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async get(id: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** When another worker holds the row: the end of its lease (undefined when the row is finished or free). */
  async heldUntil(id: string): Promise<Date | undefined> {
    const row = await this.db
      .selectFrom('deliveries')
      .select('locked_until')
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .executeTakeFirst();
    return row?.locked_until ?? undefined;
  }
}
