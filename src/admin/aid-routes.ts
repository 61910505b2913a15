// Emergency aid (突发困难补助) through the admin API — every chat step has a route, acting as a named person
// (`actor`: a member id or chat account) and checked by the same access rule as the chat (assistance/emergency-
// aid.ts), with the same messages to the member, the applying secretary and the next office:
//   POST /admin/assistance/aid                    {actor, member, cause?, note?, amount_yuan, attested?}
//   POST /admin/assistance/aid/:id/consent        {actor, agree}
//   POST /admin/assistance/aid/:id/opinion        {actor, agree, note?}      (note required when agree is false)
//   POST /admin/assistance/aid/:id/decision       {actor, approve, amount_yuan?, note?}  (no amount: the one asked;
//                                                  note required when approve is false)
//   POST /admin/assistance/aid/:id/paid           {actor}
//   GET  /admin/assistance/aid?state=<code>       the aids, newest first, with the payment clock
// A fastify plugin registered from adminRoutes, inside its scope (bearer token, throttle, audit). Refusals answer
// 4xx with {error: {code, message}}: an English sentence with the chat's Chinese one, and a stable code. The JSON
// schemas below refuse a missing actor, member or flag, an amount not written as yuan, an unknown cause or state and
// an id that is not digits before the handler runs (400 invalid_request).
import type { FastifyPluginAsync } from 'fastify';
import { BadRequestError } from '../errors.ts';
import { EMERGENCY_AID_CAUSES, parseYuan, yuanString, type EmergencyAidCause, type EmergencyAidState } from '../domain/assistance.ts';
import { chineseWorkingDayCalendar } from '../domain/calendar.ts';
import { localDate } from '../domain/dates.ts';
import { aidCauseOf } from '../domain/emergency-aid.ts';
import { replyDelivery } from '../domain/quiet-hours.ts';
import { EmergencyAidRepository, type EmergencyAid } from '../db/emergency-aid-repository.ts';
import type { Database } from '../db/schema.ts';
import type { Transaction } from 'kysely';
import { accessPersonOf, findMemberById, findMemberByUserid, type RosterIdentity } from '../roster/responsibility.ts';
import {
  answerConsent,
  applyForAid,
  aidForStep,
  clockOf,
  decideAid,
  giveOpinion,
  recordAidPaid,
  type AidActor,
  type AidEnv,
  type AidOutcome,
  type AidRefusal,
} from '../assistance/emergency-aid.ts';
import type { AdminDeps } from './deps.ts';
import { recordNotices } from '../services/outbox.ts';
import { answer, idString, list, memberRef, object, oneOf, responses, text as textField } from './schemas.ts';

const STATES: readonly EmergencyAidState[] = ['awaiting_consent', 'applied', 'gb_reviewed', 'approved', 'rejected', 'paid', 'withdrawn'];

const AID = answer({ id: { type: 'string' }, state: oneOf(STATES), cause: { type: 'string' }, requested_yuan: { type: 'string' }, approved_yuan: { type: ['string', 'null'] }, pay_by: { type: ['string', 'null'] } });
const STEP_ANSWER = answer({ aid: AID, message: { type: 'string', description: "the chat's answer" } });
const ACTOR = memberRef('the member acting');
const YUAN = { type: 'string', pattern: '^\\d{1,9}(\\.\\d{1,2})?$', description: 'yuan, at most two decimals: "2000" or "2000.50" (a JSON number is taken too)' };
const NOTE = textField(500);
const ID = object({ id: idString('the aid id') }, ['id']);
const stepSchema = (summary: string, body: Record<string, unknown>) => ({ summary, tags: ['assistance'], params: ID, body, response: responses({ 200: STEP_ANSWER }, 400, 403, 404, 409) });
const APPLY = {
  summary: 'Apply for emergency aid for a member (突发困难补助)',
  tags: ['assistance'],
  body: object(
    {
      actor: ACTOR,
      member: memberRef('the member in difficulty'),
      cause: oneOf(EMERGENCY_AID_CAUSES, 'none: read from the note'),
      note: NOTE,
      amount_yuan: YUAN,
      attested: { type: 'boolean', description: "a member without a chat account: their consent attested by the applicant" },
    },
    ['actor', 'member', 'amount_yuan'],
  ),
  response: responses({ 201: STEP_ANSWER }, 400, 403, 404, 409),
};
const CONSENT = stepSchema("The member's consent (同意 / 不同意)", object({ actor: ACTOR, agree: { type: 'boolean' } }, ['actor', 'agree']));
const OPINION = stepSchema("The general branch's opinion (note required when agree is false)", object({ actor: ACTOR, agree: { type: 'boolean' }, note: NOTE }, ['actor', 'agree']));
const DECISION = stepSchema("The OD's decision (no amount: the one asked; note required when approve is false)", object({ actor: ACTOR, approve: { type: 'boolean' }, amount_yuan: YUAN, note: NOTE }, ['actor', 'approve']));
const PAID = stepSchema('Record the aid paid', object({ actor: ACTOR }, ['actor']));
const LIST = {
  summary: 'The emergency aids, newest first, with the payment clock',
  tags: ['assistance'],
  querystring: object({ state: oneOf(STATES) }),
  response: responses({ 200: answer({ aids: list(AID) }) }, 400),
};

/** A refusal with its stable code in the body. */
class AidRequestError extends BadRequestError {}

const STATUS: Record<AidRefusal | 'unknown_actor', number> = {
  not_found: 404,
  not_allowed: 403,
  wrong_state: 409,
  in_progress: 409,
  needs_consent: 400,
  needs_reason: 400,
  bad_amount: 400,
  unknown_actor: 400,
};

const ENGLISH: Record<AidRefusal, string> = {
  not_found: 'no such emergency aid or member that this actor may act on',
  not_allowed: 'this actor may not take this step',
  wrong_state: 'the aid is not waiting for this step',
  in_progress: 'the member already has an emergency aid in progress',
  needs_consent: 'a member without a chat account needs attested consent (attested: true)',
  needs_reason: 'a reason (note) is required',
  bad_amount: 'the amount must be a positive number of yuan with at most two decimals',
};

const fail = (code: keyof typeof STATUS, message: string) => new AidRequestError(code, message, STATUS[code]);

/** A body as the schemas let it through: strings (numbers coerced), booleans. */
interface Body {
  actor: string;
  member?: string;
  cause?: EmergencyAidCause;
  note?: string;
  amount_yuan?: string;
  attested?: boolean;
  agree?: boolean;
  approve?: boolean;
}

const trimmed = (v: string | undefined): string => (v ?? '').trim();

/** "2000", "2000.50" (the schema's pattern): yuan, exactly, into fen; zero is refused here. */
function amountOf(written: string | undefined): number | undefined {
  if (written === undefined) return undefined;
  const fen = parseYuan(`${written}元`);
  if (fen === undefined) throw fail('bad_amount', `${ENGLISH.bad_amount} (amount_yuan: "2000" or "2000.50")`);
  return fen;
}

/** A member id or a chat account, of an active member. */
async function person(trx: Transaction<Database>, written: string): Promise<RosterIdentity | undefined> {
  const found = /^\d{1,18}$/.test(written) ? await findMemberById(trx, written) : await findMemberByUserid(trx, written);
  return found && found.status === 'active' ? found : undefined;
}

const account = (userid: string | null, name: string | null) => (name === null ? null : { account: userid ?? '', name });

/** An aid as the OD's API shows it: canonical codes, money as exact yuan strings, people by account and name. */
export function aidView(a: EmergencyAid, today: string) {
  const clock = clockOf(a, today, chineseWorkingDayCalendar());
  return {
    id: a.id,
    member: { account: a.member_userid ?? '', name: a.member_name },
    general_branch: a.general_branch,
    branch: a.branch,
    cause: a.cause,
    note: a.note,
    requested_yuan: yuanString(a.requested_fen),
    state: a.status,
    source: a.source,
    applied_by: account(a.applied_by_userid, a.applied_by_name),
    applied_on: a.applied_on,
    applied_at: a.applied_at.toISOString(),
    pay_by: a.pay_by,
    working_days_left: a.status === 'paid' || a.status === 'rejected' || a.status === 'withdrawn' ? null : clock.left,
    payment_clock: a.status === 'paid' || a.status === 'rejected' || a.status === 'withdrawn' ? null : clock.state,
    consent: { by: account(a.consent_by_userid, a.consent_by_name), attested: a.consent_attested, at: a.consent_at?.toISOString() ?? null },
    gb_opinion: a.gb_agrees === null ? null : { agrees: a.gb_agrees, note: a.gb_note, by: account(a.gb_by_userid, a.gb_by_name), at: a.gb_at?.toISOString() ?? null },
    approved_yuan: a.approved_fen === null ? null : yuanString(a.approved_fen),
    od_note: a.od_note,
    decided_by: account(a.od_by_userid, a.od_by_name),
    decided_at: a.od_at?.toISOString() ?? null,
    paid_at: a.paid_at?.toISOString() ?? null,
    paid_by: account(a.paid_by_userid, a.paid_by_name),
  };
}

export const aidRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  const calendar = chineseWorkingDayCalendar();

  /** Runs one step as `actor` in a transaction; the notices become deliveries in it (sent after it commits). */
  async function act(rawBody: unknown, step: (env: AidEnv, actor: AidActor, body: Body) => Promise<AidOutcome>) {
    const body = rawBody as Body;
    const written = body.actor.trim();
    const now = deps.clock();
    const today = localDate(now, deps.config.timezone);
    const { outcome, ids } = await deps.db.db.transaction().execute(async (trx) => {
      const who = await person(trx, written);
      if (!who) throw fail('unknown_actor', `actor ${JSON.stringify(written)} is not an active member (a member id or chat account)`);
      const outcome = await step({ trx, now, today, calendar }, { memberId: who.memberId, name: who.name, person: accessPersonOf(who) }, body);
      if (!outcome.ok) return { outcome, ids: [] as string[] };
      const items = outcome.notices.map((n) => ({
        idempotencyKey: `${deps.config.platform}-${n.onceKey}`,
        platform: deps.config.platform,
        recipient: n.recipient,
        message: n.message,
        // Nobody here wrote to the bot: every message is a push, held through quiet hours.
        ...replyDelivery(n.recipient, '', now, deps.config.timezone, deps.config.quietHours),
      }));
      const ids = await recordNotices(deps.outbox, deps.config.platforms, items, trx);
      return { outcome, ids };
    });
    if (!outcome.ok) throw fail(outcome.code, `${ENGLISH[outcome.code]} (${outcome.reply})`);
    if (deps.outbox) await deps.outbox.enqueue(ids);
    return { aid: aidView(outcome.aid, today), message: outcome.reply };
  }

  app.post('/admin/assistance/aid', { schema: APPLY }, async (req, reply) => {
    const result = await act(req.body, async (env, actor, body) => {
      const member = await person(env.trx, trimmed(body.member));
      const note = trimmed(body.note);
      const cause = body.cause ?? aidCauseOf(note);
      const requestedFen = amountOf(body.amount_yuan)!;
      // A member not found reads like one the actor may not apply for (applyForAid answers both the same).
      return applyForAid(env, actor, { memberId: member?.memberId ?? '0', cause, note, requestedFen, attested: body.attested ?? false });
    });
    return reply.code(201).send(result);
  });

  app.post('/admin/assistance/aid/:id/consent', { schema: CONSENT }, async (req) => {
    const { id } = req.params as { id: string };
    return act(req.body, (env, actor, body) => answerConsent(env, actor, id, body.agree!));
  });

  app.post('/admin/assistance/aid/:id/opinion', { schema: OPINION }, async (req) => {
    const { id } = req.params as { id: string };
    return act(req.body, (env, actor, body) => giveOpinion(env, actor, id, body.agree!, trimmed(body.note)));
  });

  app.post('/admin/assistance/aid/:id/decision', { schema: DECISION }, async (req) => {
    const { id } = req.params as { id: string };
    return act(req.body, async (env, actor, body) => {
      const amount = amountOf(body.amount_yuan);
      const note = trimmed(body.note);
      if (!body.approve) return decideAid(env, actor, id, null, note);
      if (amount !== undefined) return decideAid(env, actor, id, amount, note);
      const found = await aidForStep(env, actor, id, 'decision');
      return found.ok ? decideAid(env, actor, id, found.aid.requested_fen, note) : found;
    });
  });

  app.post('/admin/assistance/aid/:id/paid', { schema: PAID }, async (req) => {
    const { id } = req.params as { id: string };
    return act(req.body, (env, actor) => recordAidPaid(env, actor, id));
  });

  app.get('/admin/assistance/aid', { schema: LIST }, async (req, reply) => {
    const { state } = req.query as { state?: EmergencyAidState };
    const today = localDate(deps.clock(), deps.config.timezone);
    const aids = await new EmergencyAidRepository(deps.db.db).list(state ? { state } : {});
    return reply.header('cache-control', 'no-store').send({ aids: aids.map((a) => aidView(a, today)) });
  });
};
