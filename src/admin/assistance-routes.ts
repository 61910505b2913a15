// The hardship registry over the admin API (issue 12 §1, point 8): every chat step has a route, acting for an
// `actor` (a member id or chat account) whom the same access rule checks as in chat (assistance/registry-service.ts).
//   POST /admin/assistance/hardship/apply      {actor, causes, note?}                        the actor's own application
//   POST /admin/assistance/hardship/recommend  {actor, member, causes, note?, consentAttested?} a branch recommendation
//   POST /admin/assistance/hardship/consent    {actor, entry, agree}                          the member's 同意 / 不同意
//   POST /admin/assistance/hardship/decide     {actor, entry, outcome, reason?}               the GB's 通过 / 不通过
//   POST /admin/assistance/hardship/archive    {actor, member | entry, reason}                the GB archives an entry
//   GET  /admin/assistance/hardship?org=…&actor=…[&state=approved,applied]                   an organisation's list
// A fastify plugin registered from adminRoutes (bearer ADMIN_TOKEN, audit). The notices a step sends (the GB's
// card, the member's consent card, a decision) are recorded as deliveries in the step's transaction, with the
// same once-keys as in chat, and go out through the outbox; like any automatic message they wait out quiet hours.
// Refusals: 400 (reason required…; a body or query the JSON schemas below refuse — a missing field, an unknown
// cause, outcome or state, an id not digits — is 400 invalid_request before the handler runs), 403 not_allowed
// (also for a member or entry the actor may not reach: the answer never tells the two apart), 404 an unknown entry
// for the member's own steps, 409 a state that does not allow the step; the body is {error: {code, message}}.
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { HARDSHIP_CAUSES, type HardshipCause, type HardshipState } from '../domain/assistance.ts';
import { maySeeHardshipList } from '../domain/access.ts';
import { localDate } from '../domain/dates.ts';
import { replyDelivery } from '../domain/quiet-hours.ts';
import { AppError } from '../errors.ts';
import { HardshipRegistryRepository, type HardshipEntry } from '../db/hardship-registry-repository.ts';
import type { Database } from '../db/schema.ts';
import type { NewDeliveryInput } from '../db/delivery-repository.ts';
import { accessPersonOf, findMemberById, findMemberByUserid, loadOrganisationPlace, type RosterIdentity } from '../roster/responsibility.ts';
import {
  answerConsent,
  applyForHardship,
  archiveHardship,
  decideHardship,
  recommendForHardship,
  type RegistryActing,
  type RegistryOutcome,
} from '../assistance/registry-service.ts';
import { auditRows } from './audit.ts';
import type { AdminDeps } from './deps.ts';
import { answer, idString, list, memberRef, object, oneOf, responses, text as textField } from './schemas.ts';

/** A step the access rule or the entry's state refuses: its status and stable code. */
export class AssistanceRefusal extends AppError {}

const HARDSHIP_STATES: readonly HardshipState[] = ['awaiting_consent', 'applied', 'approved', 'rejected', 'archived'];

const ACTOR = memberRef('the member acting');
const CAUSES = { type: 'array', items: oneOf(HARDSHIP_CAUSES), minItems: 1, maxItems: HARDSHIP_CAUSES.length * 2, description: 'one or more causes (one given alone is taken as a list of one)' };
const NOTE = textField(500);
const ENTRY = answer({ id: { type: 'string' }, state: oneOf(HARDSHIP_STATES), causes: list({ type: 'string' }) });
const STEP_ANSWER = answer({ entry: ENTRY, notified: { type: 'integer' }, message: { type: 'string', description: "the chat's answer" } });
const stepSchema = (summary: string, body: Record<string, unknown>) => ({ summary, tags: ['assistance'], body, response: responses({ 200: STEP_ANSWER }, 400, 403, 404, 409) });
const APPLY = stepSchema("The actor's own application to the hardship registry", object({ actor: ACTOR, causes: CAUSES, note: NOTE }, ['actor', 'causes']));
const RECOMMEND = stepSchema("A branch's recommendation of a member", object({ actor: ACTOR, member: idString('the member id'), causes: CAUSES, note: NOTE, consentAttested: { type: 'boolean', description: "the member's consent attested (a member without a chat account)" } }, ['actor', 'member', 'causes']));
const CONSENT = stepSchema("The member's 同意 / 不同意", object({ actor: ACTOR, entry: idString('the entry id'), agree: { type: 'boolean' } }, ['actor', 'entry', 'agree']));
const DECIDE = stepSchema("The general branch's 通过 / 不通过 (a reason when rejected)", object({ actor: ACTOR, entry: idString('the entry id'), outcome: oneOf(['approved', 'rejected']), reason: NOTE }, ['actor', 'entry', 'outcome']));
const ARCHIVE = stepSchema('The general branch archives an entry (give member or entry)', object({ actor: ACTOR, member: idString('the member id'), entry: idString('the entry id'), reason: NOTE }, ['actor']));
const STATE_LIST = `^\\s*(${HARDSHIP_STATES.join('|')})\\s*(,\\s*(${HARDSHIP_STATES.join('|')})\\s*)*$`;
const LIST = {
  summary: "An organisation's hardship list, as the actor may see it",
  tags: ['assistance'],
  querystring: object(
    {
      org: idString('a branch, general branch or committee id'),
      actor: ACTOR,
      state: { type: 'string', pattern: STATE_LIST, default: 'approved', description: `states, comma-separated: ${HARDSHIP_STATES.join(', ')}` },
    },
    ['org', 'actor'],
  ),
  response: responses({ 200: answer({ organisation: { type: 'string' }, entries: list(ENTRY) }) }, 400, 403),
};

/** A body as the schemas let it through (numbers coerced to strings, a single cause to a list of one). */
interface Body {
  actor: string;
  causes?: HardshipCause[];
  note?: string;
  member?: string;
  entry?: string;
  consentAttested?: boolean;
  agree?: boolean;
  outcome?: 'approved' | 'rejected';
  reason?: string;
}

const trimmed = (v: string | undefined): string => (v ?? '').trim();

/** The actor: an active member, by id or chat account. */
async function actorOf(db: Kysely<Database>, written: string): Promise<RosterIdentity> {
  const who = /^\d{1,18}$/.test(written) ? await findMemberById(db, written) : await findMemberByUserid(db, written);
  if (!who || who.status !== 'active') throw new AssistanceRefusal('unknown_actor', 'actor is not an active member of the roster (give a member id or chat account)', 400);
  return who;
}

/** An entry as the API shows it: canonical codes, people by member id. */
export function entryJson(e: HardshipEntry) {
  return {
    id: e.id,
    member: { id: e.member_id, name: e.member_name, account: e.member_userid ?? '' },
    general_branch: e.general_branch,
    branch: e.branch,
    causes: e.causes,
    state: e.status,
    source: e.source,
    note: e.note,
    applied_by: e.applied_by_member_id,
    consent_by: e.consent_by_member_id,
    consent_attested: e.consent_attested,
    applied_at: e.created_at,
    decided_at: e.decided_at,
    decided_by: e.decided_by_member_id,
    reason: e.reason,
    archived_at: e.archived_at,
    archive_reason: e.archive_reason,
  };
}

export const assistanceRoutes: FastifyPluginAsync<{ deps: Required<AdminDeps> }> = async (app, { deps }) => {
  /** Runs a step for the body's actor in one transaction with its notices; refusals roll it back. */
  async function step(rawBody: unknown, run: (a: RegistryActing, body: Body) => Promise<RegistryOutcome>) {
    const body = rawBody as Body;
    const actorWritten = body.actor.trim();
    const now = deps.clock();
    const today = localDate(now, deps.config.timezone);
    const { outcome, ids } = await deps.db.db.transaction().execute(async (trx) => {
      const actor = await actorOf(trx, actorWritten);
      const outcome = await run({ db: trx, actor, now, today, timeZone: deps.config.timezone }, body);
      if (!outcome.ok) throw new AssistanceRefusal(outcome.code, outcome.message, outcome.status);
      const items: NewDeliveryInput[] = outcome.notices
        .filter((n) => n.memberId !== actor.memberId)
        .map((n) => ({
          idempotencyKey: `${deps.platform.name}-${n.onceKey}`,
          platform: deps.platform.name,
          recipient: n.to,
          message: n.message,
          // Nobody wrote to the bot: every notice is an automatic message (held in quiet hours).
          ...replyDelivery(n.to, '', now, deps.config.timezone, deps.config.quietHours),
        }));
      return { outcome, ids: await deps.outbox.record(items, trx) };
    });
    await deps.outbox.enqueue(ids);
    return { entry: entryJson(outcome.entry), notified: outcome.notices.length, message: outcome.zh };
  }

  app.post('/admin/assistance/hardship/apply', { schema: APPLY }, async (req) => step(req.body, (a, b) => applyForHardship(a, { causes: [...new Set(b.causes)], note: trimmed(b.note) })));

  app.post('/admin/assistance/hardship/recommend', { schema: RECOMMEND }, async (req) =>
    step(req.body, (a, b) => recommendForHardship(a, { memberId: b.member!, causes: [...new Set(b.causes)], note: trimmed(b.note), attested: b.consentAttested ?? false })),
  );

  app.post('/admin/assistance/hardship/consent', { schema: CONSENT }, async (req) => step(req.body, (a, b) => answerConsent(a, { entryId: b.entry!, agree: b.agree! })));

  app.post('/admin/assistance/hardship/decide', { schema: DECIDE }, async (req) =>
    step(req.body, (a, b) => decideHardship(a, { entryId: b.entry!, outcome: b.outcome!, reason: trimmed(b.reason) })),
  );

  app.post('/admin/assistance/hardship/archive', { schema: ARCHIVE }, async (req) =>
    step(req.body, (a, b) => {
      if ((b.entry === undefined) === (b.member === undefined)) throw new AssistanceRefusal('bad_field', 'give either member or entry', 400);
      return archiveHardship(a, { ...(b.entry !== undefined ? { entryId: b.entry } : { memberId: b.member! }), reason: trimmed(b.reason) });
    }),
  );

  app.get('/admin/assistance/hardship', { schema: LIST }, async (req, reply) => {
    const q = req.query as { org: string; actor: string; state: string };
    const actor = await actorOf(deps.db.db, q.actor.trim());
    const org = await loadOrganisationPlace(deps.db.db, q.org);
    // An organisation that does not exist and one the actor may not see get the same answer.
    if (!org || !maySeeHardshipList(accessPersonOf(actor), org)) throw new AssistanceRefusal('not_allowed', 'the actor may not see this organisation\'s hardship list', 403);
    const states = q.state.split(',').map((s) => s.trim());
    const entries = await new HardshipRegistryRepository(deps.db.db).listIn({ kind: org.kind, id: org.id }, states as HardshipState[]);
    auditRows(req, entries.length);
    return reply.header('cache-control', 'no-store').send({ organisation: org.id, entries: entries.map(entryJson) });
  });
};
