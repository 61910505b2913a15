// What a conversation handler gets: the event, who wrote it (as the roster knows them), the organisation's
// date, and the transaction in which its writes, its replies and the event's completion commit together —
// so a retried event repeats nothing.
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { QuietHours } from '../domain/quiet-hours.ts';
import type { InboundEvent } from '../platforms/types.ts';
import type { BroadcastInput } from '../services/outbox.ts';
import type { RosterIdentity } from '../roster/responsibility.ts';
import type { Reply } from './router.ts';

export interface ConversationContext {
  trx: Transaction<Database>;
  eventId: string;
  event: InboundEvent;
  /** The writer, when the account is an active member of the roster. */
  identity: RosterIdentity | undefined;
  today: IsoDate;
  now: Date;
  timeZone: string;
  quietHours: QuietHours | null;
  /**
   * Identical content to many people (an announcement): its deliveries recorded in this transaction through the
   * Outbox (recordBroadcast), handed to the queue once it has committed. Returns how many were new.
   */
  broadcast: (input: Omit<BroadcastInput, 'platform'>) => Promise<number>;
}

/** Answers the event, or returns undefined to let the next handler try. */
export type ConversationHandler = (ctx: ConversationContext) => Promise<Reply[] | undefined>;
