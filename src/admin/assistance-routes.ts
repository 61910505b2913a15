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
// Refusals: 400 (bad body, reason required…), 403 not_allowed (also for a member or entry the actor may not
// reach: the answer never tells the two apart), 404 an unknown entry for the member's own steps, 409 a state
// that does not allow the step; the body is {error, code}.
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { isHardshipCause, type HardshipCause, type HardshipState } from '../domain/assistance.ts';
import { maySeeHardshipList } from '../domain/access.ts';
import { localDate } from '../domain/dates.ts';
import { replyDelivery } from '../domain/quiet-hours.ts';
import { AppError, BadRequestError } from '../errors.ts';
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

/** A step the access rule or the entry's state refuses: its status and stable code. */
export class AssistanceRefusal extends AppError {}

const HARDSHIP_STATES: readonly HardshipState[] = ['awaiting_consent', 'applied', 'approved', 'rejected', 'archived'];

type Body = Record<string, unknown>;

function bodyOf(raw: unknown): Body {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AssistanceRefusal('bad_body', 'send a JSON object', 400);
  return raw as Body;
}

function text(b: Body, name: string, required: boolean): string {
  const v = b[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new AssistanceRefusal('missing_field', `${name} is required`, 400);
    return '';
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new AssistanceRefusal('bad_field', `${name} must be a string`, 400);
  const s = String(v).trim();
  if (s.length > 500) throw new AssistanceRefusal('bad_field', `${name} is too long (500 characters at most)`, 400);
  return s;
}

const id = (b: Body, name: string): string => {
  const v = text(b, name, true);
  if (!/^\d{1,18}$/.test(v)) throw new AssistanceRefusal('bad_field', `${name} must be an id (digits)`, 400);
  return v;
};

function causes(b: Body): HardshipCause[] {
  const v = b['causes'];
  const list = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : undefined;
  if (!list || list.length === 0) throw new AssistanceRefusal('missing_field', `causes is required: one or more of old_age, frailty, illness, disability, misfortune, disaster, other`, 400);
  const out: HardshipCause[] = [];
  for (const c of list) {
    const code = String(c).trim();
    if (!isHardshipCause(code)) throw new AssistanceRefusal('bad_field', `unknown cause "${code.slice(0, 40)}"`, 400);
    if (!out.includes(code)) out.push(code);
  }
  return out;
}

function flag(b: Body, name: string): boolean | undefined {
  const v = b[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new AssistanceRefusal('bad_field', `${name} must be true or false`, 400);
  return v;
}

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
    const body = bodyOf(rawBody);
    const actorWritten = text(body, 'actor', true);
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

  app.post('/admin/assistance/hardship/apply', async (req) => step(req.body, (a, b) => applyForHardship(a, { causes: causes(b), note: text(b, 'note', false) })));

  app.post('/admin/assistance/hardship/recommend', async (req) =>
    step(req.body, (a, b) => recommendForHardship(a, { memberId: id(b, 'member'), causes: causes(b), note: text(b, 'note', false), attested: flag(b, 'consentAttested') ?? false })),
  );

  app.post('/admin/assistance/hardship/consent', async (req) =>
    step(req.body, (a, b) => {
      const agree = flag(b, 'agree');
      if (agree === undefined) throw new AssistanceRefusal('missing_field', 'agree is required (true or false)', 400);
      return answerConsent(a, { entryId: id(b, 'entry'), agree });
    }),
  );

  app.post('/admin/assistance/hardship/decide', async (req) =>
    step(req.body, (a, b) => {
      const outcome = text(b, 'outcome', true);
      if (outcome !== 'approved' && outcome !== 'rejected') throw new AssistanceRefusal('bad_field', 'outcome must be approved or rejected', 400);
      return decideHardship(a, { entryId: id(b, 'entry'), outcome, reason: text(b, 'reason', false) });
    }),
  );

  app.post('/admin/assistance/hardship/archive', async (req) =>
    step(req.body, (a, b) => {
      const entry = text(b, 'entry', false);
      const member = text(b, 'member', false);
      if ((entry === '') === (member === '')) throw new AssistanceRefusal('bad_field', 'give either member or entry', 400);
      if (!/^\d{1,18}$/.test(entry || member)) throw new AssistanceRefusal('bad_field', `${entry ? 'entry' : 'member'} must be an id (digits)`, 400);
      return archiveHardship(a, { ...(entry ? { entryId: entry } : { memberId: member }), reason: text(b, 'reason', false) });
    }),
  );

  app.get('/admin/assistance/hardship', async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    for (const name of ['org', 'actor', 'state']) if (Array.isArray(q[name])) throw new BadRequestError('repeated_parameter', `${name} given more than once`);
    const actor = await actorOf(deps.db.db, text(q, 'actor', true));
    const orgId = text(q, 'org', true);
    const org = /^\d{1,18}$/.test(orgId) ? await loadOrganisationPlace(deps.db.db, orgId) : undefined;
    // An organisation that does not exist and one the actor may not see get the same answer.
    if (!org || !maySeeHardshipList(accessPersonOf(actor), org)) throw new AssistanceRefusal('not_allowed', 'the actor may not see this organisation\'s hardship list', 403);
    const states = (text(q, 'state', false) || 'approved').split(',').map((s) => s.trim());
    const unknown = states.filter((s) => !(HARDSHIP_STATES as readonly string[]).includes(s));
    if (unknown.length > 0) throw new AssistanceRefusal('bad_field', `unknown state ${unknown[0]!.slice(0, 40)}; use ${HARDSHIP_STATES.join(', ')}`, 400);
    const entries = await new HardshipRegistryRepository(deps.db.db).listIn({ kind: org.kind, id: org.id }, states as HardshipState[]);
    auditRows(req, entries.length);
    return reply.header('cache-control', 'no-store').send({ organisation: org.id, entries: entries.map(entryJson) });
  });
};
