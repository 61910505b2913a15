// Commendations (表彰奖励, issue 13 section 5) through the admin API — the OD's tool, with the chat's rules
// (incentive/honours.ts) and the same messages to the recipients:
//   POST /admin/commendations  {year, kind, level?, cause?, member?, organisation?, certificate_no?, reason?}
//        kind: advanced_organisation | excellent_member | excellent_worker | special; level: committee (default) |
//        general_branch; member: a member id or chat account (active); organisation: an organisation id or exact
//        name; certificate_no: none → generated in the issuer's name. A committee excellent member or worker who is
//        on no GB list of the year needs `reason` (400 needs_reason otherwise, nothing recorded).
//   GET  /admin/commendations?member=<id or account>  that person's commendations, newest year first.
// Recorded by the OD's tools: recorded_by is empty. Refusals answer 4xx with {error: {code, message}} (English, with
// the chat's Chinese sentence); the JSON schemas below refuse a missing or unknown year, kind or level first.
import type { FastifyPluginAsync } from 'fastify';
import { CommendationRepository, type CommendationView } from '../db/commendation-repository.ts';
import { localDate } from '../domain/dates.ts';
import { COMMENDATION_KINDS, COMMENDATION_LEVELS, type CommendationKind, type CommendationLevel } from '../domain/incentive.ts';
import { recordCommendation, recordCommitteePicks, type HonourOutcome, type HonourRefusal, type ResolvedMember } from '../incentive/honours.ts';
import { findMemberById, findMemberByUserid } from '../roster/responsibility.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { activeMemberOf, enqueueMessages, IncentiveRequestError, jsonObject, recordMessages, type Body } from './incentive-request.ts';
import type { AdminDeps } from './deps.ts';
import { answer, list, object, oneOf, responses, text as textField } from './schemas.ts';

const COMMENDATION = answer({ id: { type: 'string' }, year: { type: 'integer' }, kind: { type: 'string' }, level: { type: 'string' }, certificate_no: { type: ['string', 'null'] } });
const RECORD = {
  summary: 'Record a commendation (the OD): a member or an organisation, with the chat’s rules and messages',
  tags: ['incentive'],
  body: object(
    {
      year: { type: 'integer', description: 'e.g. 2026' },
      kind: oneOf(COMMENDATION_KINDS),
      level: { ...oneOf(COMMENDATION_LEVELS), default: 'committee' },
      cause: textField(500),
      member: textField(500, 'a member id or chat account (active); or give organisation'),
      organisation: textField(500, 'an organisation id or exact name; or give member'),
      certificate_no: textField(500, 'none: generated in the issuer’s name'),
      reason: textField(500, 'needed for a committee excellent member or worker on no GB list of the year'),
    },
    ['year', 'kind'],
  ),
  response: responses({ 201: answer({ commendations: list(COMMENDATION), message: { type: 'string' } }) }, 400, 403, 404, 409),
};
const OF_MEMBER = {
  summary: "A member's commendations, newest year first",
  tags: ['incentive'],
  querystring: object({ member: { type: 'string', minLength: 1, maxLength: 100, description: 'a member id or chat account' } }, ['member']),
  response: responses({ 200: answer({ member: answer({}), commendations: list(COMMENDATION) }) }, 400, 404),
};

const STATUS: Record<HonourRefusal | 'unknown_member', number> = {
  not_allowed: 403,
  not_found: 404,
  unknown_member: 404,
  ambiguous: 400,
  closed: 409,
  bad_request: 400,
  over_cap: 409,
  final: 409,
  duplicate: 409,
  needs_reason: 400,
};

const fail = (code: keyof typeof STATUS, message: string) => new IncentiveRequestError(code, message, STATUS[code]);

function field(body: Body, key: string): string {
  const v = body[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string' && typeof v !== 'number') throw fail('bad_request', `${key} must be a string`);
  return String(v).trim().slice(0, 500);
}

/** An active member by id or chat account, as the rules take them. */
async function memberOf(db: Kysely<Database>, written: string): Promise<ResolvedMember | undefined> {
  const who = await activeMemberOf(db, written);
  if (!who) return undefined;
  return {
    id: who.memberId,
    name: who.name,
    userid: who.userid === '' ? null : who.userid,
    outstanding_contributor: who.outstandingContributor,
    branch_id: who.branch.id,
    branch: who.branch.name,
    gb_id: who.generalBranch.id,
    gb: who.generalBranch.name,
    committee_id: who.committeeId,
  };
}

/** A commendation as the API shows it: codes, the recipient by account and name. */
export function commendationView(v: CommendationView) {
  return {
    id: v.id,
    year: v.year,
    kind: v.kind,
    level: v.level,
    cause: v.cause,
    member: v.member_id === null ? null : { account: v.member_userid ?? '', name: v.member_name },
    organisation: v.organisation_name,
    issuer: v.issuer_name,
    reason: v.reason,
    certificate_no: v.certificate_no,
    recorded_at: v.recorded_at.toISOString(),
  };
}

export const commendationRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  app.post('/admin/commendations', { schema: RECORD }, async (req, reply) => {
    const body = jsonObject(req.body);
    const { kind, level, year } = req.body as { kind: CommendationKind; level: CommendationLevel; year: number };
    const memberWritten = field(body, 'member');
    const orgWritten = field(body, 'organisation');
    if ((memberWritten === '') === (orgWritten === '')) throw fail('bad_request', 'give exactly one of member and organisation');
    const now = deps.clock();
    const today = localDate(now, deps.config.timezone);
    const { outcome, ids } = await deps.db.db.transaction().execute(async (trx) => {
      const env = { db: trx, now, today };
      let outcome: HonourOutcome;
      if (memberWritten !== '') {
        const member = await memberOf(trx, memberWritten);
        if (!member) throw fail('unknown_member', `member ${JSON.stringify(memberWritten)} is not an active member (a member id or chat account)`);
        const actor = { memberId: null, committeeId: member.committee_id };
        if ((kind === 'excellent_member' || kind === 'excellent_worker') && level === 'committee') {
          const certificateNo = field(body, 'certificate_no') || null;
          const picked = await recordCommitteePicks(env, actor, year, kind, [member], field(body, 'reason') || null, certificateNo);
          if (picked.waiting.length > 0) throw fail('needs_reason', `the member is on no general branch's list of ${year}: give a reason (${picked.outcome.ok ? picked.outcome.zh : ''})`);
          outcome = picked.outcome.ok && picked.outcome.ids.length === 0 ? { ok: false, code: 'duplicate', zh: picked.outcome.zh } : picked.outcome;
        } else {
          outcome = await recordCommendation(env, actor, { year, kind, level, cause: field(body, 'cause') || null, member, organisation: null, certificateNo: field(body, 'certificate_no') || null });
        }
      } else {
        const orgs = await new CommendationRepository(trx).organisationsByIdOrName(orgWritten);
        if (orgs.length !== 1) throw fail(orgs.length === 0 ? 'not_found' : 'ambiguous', orgs.length === 0 ? `no organisation ${JSON.stringify(orgWritten)}` : `several organisations are named ${JSON.stringify(orgWritten)}: give its id`);
        const org = orgs[0]!;
        outcome = await recordCommendation(env, { memberId: null, committeeId: org.committee_id }, { year, kind, level, cause: field(body, 'cause') || null, member: null, organisation: org, certificateNo: field(body, 'certificate_no') || null });
      }
      if (!outcome.ok) return { outcome, ids: [] as string[] };
      return { outcome, ids: await recordMessages(deps, trx, now, outcome.notices.map((n) => ({ recipient: n.to, onceKey: n.onceKey, message: n.message }))) };
    });
    if (!outcome.ok) throw fail(outcome.code, `commendation not recorded (${outcome.zh})`);
    await enqueueMessages(deps, ids);
    const views = await new CommendationRepository(deps.db.db).byIds(outcome.ids);
    return reply.code(201).send({ commendations: views.map(commendationView), message: outcome.zh });
  });

  app.get('/admin/commendations', { schema: OF_MEMBER }, async (req, reply) => {
    const written = (req.query as { member: string }).member.trim();
    if (written === '') throw fail('bad_request', 'member is required (a member id or chat account)');
    const who = /^\d{1,18}$/.test(written) ? await findMemberById(deps.db.db, written) : await findMemberByUserid(deps.db.db, written);
    if (!who) throw fail('unknown_member', `no member ${JSON.stringify(written)}`);
    const views = await new CommendationRepository(deps.db.db).ofMember(who.memberId);
    return reply.header('cache-control', 'no-store').send({ member: { account: who.userid, name: who.name }, commendations: views.map(commendationView) });
  });
};
