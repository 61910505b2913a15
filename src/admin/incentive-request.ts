// What the incentive admin routes (goal-, evaluation-, grade-, commendation-, certificate-, leadership-routes) share:
// the refusal that answers {error, code}, the JSON object body, the acting or named member written as a member id
// or a chat account, and the messages a step sends — recorded as deliveries in the step's transaction, handed to
// the outbox once it has committed.
import type { Kysely, Transaction } from 'kysely';
import { BadRequestError } from '../errors.ts';
import type { Database } from '../db/schema.ts';
import { replyDelivery } from '../domain/quiet-hours.ts';
import { withinLimit } from '../notices/message-limit.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { findMemberById, findMemberByUserid, type RosterIdentity } from '../roster/responsibility.ts';
import type { AdminDeps } from './deps.ts';
import { recordNotices } from '../services/outbox.ts';

/** A refusal of an incentive route: 4xx with its stable code. */
export class IncentiveRequestError extends BadRequestError {}

export type Body = Record<string, unknown>;

/** The request's body as a JSON object, else a 400 bad_request. */
export function jsonObject(raw: unknown): Body {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new IncentiveRequestError('bad_request', 'send a JSON object body', 400);
  return raw as Body;
}

/** A member written as a member id or a chat account, if active. */
export async function activeMemberOf(db: Kysely<Database> | Transaction<Database>, written: string): Promise<RosterIdentity | undefined> {
  const found = /^\d{1,18}$/.test(written) ? await findMemberById(db, written) : await findMemberByUserid(db, written);
  return found && found.status === 'active' ? found : undefined;
}

/** A message a step sends: to whom, once (its key), what. */
export interface StepMessage {
  recipient: string;
  onceKey: string;
  message: OutboundMessage;
}

/**
 * Records the messages as deliveries in the step's transaction; returns their ids for enqueueMessages once it has
 * committed. Nobody here wrote to the bot: every message is a push, held through quiet hours.
 */
export async function recordMessages(deps: AdminDeps, trx: Transaction<Database>, now: Date, messages: readonly StepMessage[]): Promise<string[]> {
  // A text over WeCom's 2,048 bytes is split at line breaks, as the chat's answers are (reply-guard.ts): the
  // platform would otherwise cut it. Each part has its own once-key.
  const items = messages.flatMap((n) =>
    withinLimit(n.message).map((message, i) => ({
      idempotencyKey: `${deps.config.platform}-${n.onceKey}${i > 0 ? `-${i}` : ''}`,
      platform: deps.config.platform,
      recipient: n.recipient,
      message,
      ...replyDelivery(n.recipient, '', now, deps.config.timezone, deps.config.quietHours),
    })),
  );
  return recordNotices(deps.outbox, deps.config.platforms, items, trx);
}

/** After the transaction has committed: hands the recorded deliveries to the outbox, when the app has one. */
export async function enqueueMessages(deps: AdminDeps, ids: string[]): Promise<void> {
  if (deps.outbox) await deps.outbox.enqueue(ids);
}
