// What the incentive admin routes (goal-, evaluation-, grade-, commendation-, certificate-, leadership-routes) share
// when they read a request: the refusal that answers {error, code}, the JSON object body, and the acting or named
// member written as a member id or a chat account.
import type { Kysely, Transaction } from 'kysely';
import { BadRequestError } from '../errors.ts';
import type { Database } from '../db/schema.ts';
import { findMemberById, findMemberByUserid, type RosterIdentity } from '../roster/responsibility.ts';

/** A refusal of an incentive route: 4xx with {error, code}. */
export class IncentiveRequestError extends BadRequestError {
  override get fields() {
    return { code: this.code };
  }
}

export type Body = Record<string, unknown>;

/** The request's body as a JSON object (`orEmpty`: a missing body counts as {}). */
export function jsonObject(raw: unknown, orEmpty = false): Body {
  const body = raw === undefined && orEmpty ? {} : raw;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new IncentiveRequestError('bad_request', 'send a JSON object body', 400);
  return body as Body;
}

/** A member written as a member id or a chat account, if active. */
export async function activeMemberOf(db: Kysely<Database> | Transaction<Database>, written: string): Promise<RosterIdentity | undefined> {
  const found = /^\d{1,18}$/.test(written) ? await findMemberById(db, written) : await findMemberByUserid(db, written);
  return found && found.status === 'active' ? found : undefined;
}
