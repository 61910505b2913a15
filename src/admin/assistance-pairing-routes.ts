// Pairing (结对帮扶, MECHANISM 1.2) in the admin API: what the chat does, for the OD's tools. A fastify plugin
// registered from adminRoutes, inside its scope (the bearer check, throttle and audit apply). Every action names
// its `actor` — the member acting, by member id or chat account — and is checked by the same access rule as in
// chat (src/assistance/pairing.ts); the people concerned are told as in chat (deliveries in the same
// transaction, held through quiet hours).
//
//   GET    /admin/assistance/pairings[?all=1&member=<ref>]  live pairings (all: ended ones too), last contact
//   POST   /admin/assistance/pairings                       {helper, member, actor} → 201 (or 200: nothing new)
//   POST   /admin/assistance/pairings/:id/end               {actor}
//   POST   /admin/assistance/cadre-exemptions               {member, reason, actor}
//   DELETE /admin/assistance/cadre-exemptions/:memberId     {actor} (or ?actor=)
//
// A member is named by id, by chat account, or as member:<id>; a helping organisation (a branch or a general
// branch) as organisation:<id>. A refusal answers {"error": {"code", "message"}}; it never tells "no such member"
// from "not yours": both are 403 not_allowed. The JSON schemas below refuse a missing actor, member or helper and a
// pairing id not digits (400 invalid_request) before the handler runs.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { endPairingById, exemptCadre, revokeExemption, startPairing, type PairingNotice } from '../assistance/pairing.ts';
import { guardReplies } from '../conversation/reply-guard.ts';
import { PairingRepository, type HelperRef, type PairingRow } from '../db/pairing-repository.ts';
import type { Database } from '../db/schema.ts';
import type { AccessPerson } from '../domain/access.ts';
import { pairingMode } from '../domain/assistance.ts';
import { localDate } from '../domain/dates.ts';
import { replyDelivery } from '../domain/quiet-hours.ts';
import { ActionRefusedError } from '../errors.ts';
import { accessPersonOf, findMemberById, findMemberByUserid, type RosterIdentity } from '../roster/responsibility.ts';
import { ADMIN_ACTOR, auditActor, auditRows } from './audit.ts';
import type { AdminDeps } from './deps.ts';
import { recordNotices } from '../services/outbox.ts';
import { answer, idString, list, memberRef, object, oneOf, queryFlag, responses, text as textField } from './schemas.ts';

const ACTOR = memberRef('the member acting: a member id, member:<id> or chat account');
const MEMBER = memberRef('a member id, member:<id> or chat account');
const PAIRING = answer({ id: { type: 'string' }, helper: answer({ kind: oneOf(['member', 'organisation']) }), member: answer({}), mode: { type: 'string' }, startedOn: { type: 'string' }, endedOn: { type: ['string', 'null'] }, lastContactOn: { type: ['string', 'null'] } });
const LIST = {
  summary: 'Live pairings (all: ended ones too), with the last contact',
  tags: ['assistance'],
  querystring: object({ all: queryFlag('1: ended pairings too'), member: MEMBER }),
  response: responses({ 200: answer({ pairings: list(PAIRING) }) }, 400),
};
const START = {
  summary: 'Pair helpers with a member in hardship (201; 200 when nothing is new)',
  tags: ['assistance'],
  body: object(
    {
      helper: { type: 'array', items: memberRef('a member (id, member:<id> or chat account) or organisation:<id>'), minItems: 1, maxItems: 20, description: 'one helper, or a list' },
      member: MEMBER,
      actor: ACTOR,
    },
    ['helper', 'member', 'actor'],
  ),
  response: responses({ 200: answer({ mode: { type: 'string' }, started: list(answer({})), existing: list(answer({})), memberTold: { type: 'boolean' } }), 201: answer({}) }, 400, 403, 404, 409),
};
const END = {
  summary: 'End a pairing',
  tags: ['assistance'],
  params: object({ id: idString('the pairing id') }, ['id']),
  body: object({ actor: ACTOR }, ['actor']),
  response: responses({ 200: answer({ pairing: PAIRING }) }, 400, 403, 409),
};
const EXEMPT = {
  summary: 'Exempt a leading cadre from pairing, with the reason (201; 200 when already exempt)',
  tags: ['assistance'],
  body: object({ member: MEMBER, reason: textField(500, 'needed (原则上)'), actor: ACTOR }, ['member', 'actor']),
  response: responses({ 200: answer({ name: { type: 'string' }, reason: { type: 'string' }, already: { type: 'boolean' } }), 201: answer({}) }, 400, 403, 409),
};
// A DELETE takes the actor in the query (a body, when sent, is read too: no body schema, so none is required).
const REVOKE = {
  summary: "Revoke a cadre's exemption (actor in the query or the body)",
  tags: ['assistance'],
  params: object({ memberId: MEMBER }, ['memberId']),
  querystring: object({ actor: ACTOR }),
  response: responses({ 200: answer({ name: { type: 'string' }, revoked: { type: 'boolean' } }) }, 400, 403, 404),
};

const NOT_ALLOWED = () => new ActionRefusedError('not_allowed', 'The actor may not do this for that member (or there is no such member).', 403);

/** An active member by id, `member:<id>` or chat account; undefined when there is none. */
async function memberByRef(db: Transaction<Database>, ref: string): Promise<RosterIdentity | undefined> {
  const text = ref.trim();
  const id = /^member:(\d{1,18})$/.exec(text)?.[1] ?? (/^\d{1,18}$/.test(text) ? text : undefined);
  const found = (id ? await findMemberById(db, id) : undefined) ?? (text !== '' && !text.startsWith('member:') ? await findMemberByUserid(db, text) : undefined);
  return found?.status === 'active' ? found : undefined;
}

async function actorOf(db: Transaction<Database>, req: FastifyRequest, ref: string | undefined): Promise<AccessPerson> {
  if (ref === undefined || ref === '') throw new ActionRefusedError('no_actor', 'Name the member acting: "actor" (member id or chat account).');
  const who = await memberByRef(db, ref);
  if (!who) throw new ActionRefusedError('unknown_actor', 'The actor is not an active member of the roster (member id or chat account).');
  auditActor(req, `${ADMIN_ACTOR} (actor member ${who.memberId})`);
  return accessPersonOf(who);
}

/** A body as the schemas let it through (numbers coerced to strings, one helper to a list of one). */
interface Body {
  actor: string;
  member: string;
  helper: string[];
  reason?: string;
}

/** The API's view of a pairing: canonical codes, people by account and name (empty account for none). */
function pairingView(p: PairingRow) {
  return {
    id: p.id,
    helper:
      p.helper_member_id !== null
        ? { kind: 'member', memberId: p.helper_member_id, account: p.helper_userid ?? '', name: p.helper_member_name ?? '' }
        : { kind: 'organisation', organisationId: p.helper_organisation_id, kind_of_organisation: p.helper_organisation_kind, name: p.helper_organisation_name ?? '' },
    member: { memberId: p.member_id, account: p.member_userid ?? '', name: p.member_name, generalBranch: p.general_branch, branch: p.branch },
    causes: p.causes,
    mode: pairingMode(p.live_helpers),
    startedOn: p.started_on,
    endedOn: p.ended_on,
    endedReason: p.ended_reason,
    lastContactOn: p.last_contact_on,
  };
}

export const assistancePairingRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  const today = () => localDate(deps.clock(), deps.config.timezone);

  /** Runs `work` in a transaction and delivers the notices it returns once it has committed. */
  async function acting<T>(work: (trx: Transaction<Database>) => Promise<{ result: T; notices: PairingNotice[] }>): Promise<T> {
    const now = deps.clock();
    const platform = deps.config.platform;
    const { result, ids } = await deps.db.db.transaction().execute(async (trx) => {
      const { result, notices } = await work(trx);
      const replies = guardReplies(notices.map((n) => ({ recipient: n.recipient, onceKey: n.onceKey, message: n.message })));
      const items = replies.map((r) => ({
        idempotencyKey: `${platform}-${r.onceKey}`,
        platform,
        recipient: r.recipient!,
        message: r.message,
        ...replyDelivery(r.recipient!, '', now, deps.config.timezone, deps.config.quietHours),
      }));
      const ids = await recordNotices(deps.outbox, deps.config.platforms, items, trx);
      return { result, ids };
    });
    await deps.outbox?.enqueue(ids);
    return result;
  }

  app.get('/admin/assistance/pairings', { schema: LIST }, async (req, reply) => {
    const q = req.query as { all?: string; member?: string };
    const rows = await deps.db.db.transaction().execute(async (trx) => {
      const member = q.member !== undefined ? await memberByRef(trx, q.member) : undefined;
      if (q.member !== undefined && !member) return [];
      return new PairingRepository(trx).list({ all: q.all === '1' || q.all === 'true' || q.all === 'yes', ...(member ? { memberId: member.memberId } : {}) });
    });
    auditRows(req, rows.length);
    return reply.header('cache-control', 'no-store').send({ pairings: rows.map(pairingView) });
  });

  app.post('/admin/assistance/pairings', { schema: START }, async (req, reply) => {
    const body = req.body as Body;
    const helpersWritten = body.helper;
    const out = await acting(async (trx) => {
      const actor = await actorOf(trx, req, body.actor);
      const member = await memberByRef(trx, body.member);
      if (!member) throw NOT_ALLOWED();
      const helpers: Array<HelperRef & { name: string }> = [];
      for (const h of helpersWritten) {
        const org = /^organisation:(\d{1,18})$/.exec(h.trim())?.[1];
        if (org) {
          const o = await new PairingRepository(trx).organisation(org);
          if (!o || (o.kind !== 'branch' && o.kind !== 'general_branch') || o.committee_id !== actor.committeeId) throw new ActionRefusedError('unknown_helper', `No branch or general branch ${h} in the actor's committee.`, 404);
          helpers.push({ kind: 'organisation', organisationId: o.id, name: o.name });
        } else {
          const m = await memberByRef(trx, h);
          if (!m || m.committeeId !== actor.committeeId) throw new ActionRefusedError('unknown_helper', `No active member ${h} in the actor's committee.`, 404);
          helpers.push({ kind: 'member', memberId: m.memberId, name: `${m.name}同志` });
        }
      }
      const started = await startPairing(trx, { actor, memberId: member.memberId, helpers, today: today(), now: deps.clock() });
      return { result: started, notices: started.status === 'done' ? started.notices : [] };
    });
    if (out.status === 'not_allowed') throw NOT_ALLOWED();
    if (out.status === 'no_entry') throw new ActionRefusedError('no_approved_entry', 'The member has no approved hardship entry: only members in hardship are paired.', 409);
    if (out.status === 'self_help') throw new ActionRefusedError('self_help', 'A member cannot help themself.');
    const view = (s: { ref: HelperRef; name: string; pairingId: string; unreachable: boolean }) => ({ pairingId: s.pairingId, ...s.ref, name: s.name.replace(/同志$/u, ''), told: !s.unreachable });
    return reply.code(out.started.length > 0 ? 201 : 200).send({ mode: out.mode, started: out.started.map(view), existing: out.existing.map(view), memberTold: out.memberReachable && out.started.length > 0 });
  });

  app.post('/admin/assistance/pairings/:id/end', { schema: END }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const out = await acting(async (trx) => {
      const actor = await actorOf(trx, req, (req.body as Body).actor);
      const ended = await endPairingById(trx, { actor, pairingId: id, today: today() });
      return { result: ended, notices: ended.status === 'done' ? ended.notices : [] };
    });
    if (out.status === 'not_allowed') throw NOT_ALLOWED();
    if (out.status === 'not_paired') throw new ActionRefusedError('already_ended', 'This pairing has ended already.', 409);
    return reply.send({ pairing: pairingView(out.pairing) });
  });

  app.post('/admin/assistance/cadre-exemptions', { schema: EXEMPT }, async (req, reply) => {
    const body = req.body as Body;
    const out = await acting(async (trx) => {
      const actor = await actorOf(trx, req, body.actor);
      const member = await memberByRef(trx, body.member);
      if (!member) throw NOT_ALLOWED();
      const reason = body.reason ?? '';
      return { result: await exemptCadre(trx, { actor, memberId: member.memberId, reason, now: deps.clock() }), notices: [] };
    });
    if (out.status === 'not_allowed') throw NOT_ALLOWED();
    if (out.status === 'not_cadre') throw new ActionRefusedError('not_leading_cadre', 'Only a leading cadre (副科级及以上) is exempted from pairing.', 409);
    if (out.status === 'reason_required') throw new ActionRefusedError('reason_required', 'An exemption needs a reason (原则上): send {"reason": "..."}.');
    return reply.code(out.status === 'done' ? 201 : 200).send({ name: out.name, reason: out.reason, already: out.status === 'already' });
  });

  app.delete('/admin/assistance/cadre-exemptions/:memberId', { schema: REVOKE }, async (req, reply) => {
    const memberWritten = (req.params as { memberId: string }).memberId;
    const sent = req.body as { actor?: unknown } | undefined;
    const actorRef = (typeof sent?.actor === 'string' || typeof sent?.actor === 'number' ? String(sent.actor) : undefined) ?? (req.query as { actor?: string }).actor;
    const out = await acting(async (trx) => {
      const actor = await actorOf(trx, req, actorRef);
      const member = await memberByRef(trx, memberWritten);
      if (!member) throw NOT_ALLOWED();
      return { result: await revokeExemption(trx, { actor, memberId: member.memberId, now: deps.clock() }), notices: [] };
    });
    if (out.status === 'not_allowed') throw NOT_ALLOWED();
    if (out.status === 'not_exempt') throw new ActionRefusedError('not_exempt', 'The member has no exemption to revoke.', 404);
    return reply.send({ name: out.name, revoked: true });
  });
};
