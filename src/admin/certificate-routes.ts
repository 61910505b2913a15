// 光荣在党50年 certificates through the admin API (issue 13 section 6) — the chat's steps, acting as a named person
// (`actor`: a member id or chat account) and checked by the same rule as the chat (incentive/certificates.ts: the
// OD records), with the same messages to the branch secretary and the member:
//   GET  /admin/certificates?state=due|issued      due (confirmed or not) or issued certificates, oldest first / newest first
//   POST /admin/certificates                        {actor, member, issued_on?, certificate_no?}  record the certificate issued
//                                                   (issued_on: YYYY-MM-DD, default today)
//   POST /admin/certificates/eligibility            {actor, member}  confirm eligibility (一贯表现良好、为党勤恳奉献)
// `member`: a member id or chat account (or a name, resolved as in chat: several bearers are refused as ambiguous).
// A fastify plugin registered from adminRoutes, inside its scope (bearer token, throttle, audit). Refusals answer
// 4xx with {error: {code, message}}: an English sentence with the chat's Chinese one, and a stable code. The JSON
// schemas below refuse a missing actor or member, a malformed date and an unknown state before the handler runs.
import type { FastifyPluginAsync } from 'fastify';
import { OD_VIEWER, recordsCertificates } from '../domain/access.ts';
import { yearPartyAgeReaches } from '../domain/anniversaries.ts';
import { isIsoDate, localDate } from '../domain/dates.ts';
import { PartyAgeCertificateRepository, type CertificateStandingRow } from '../db/party-age-certificate-repository.ts';
import { confirmEligibility, dueFor, findMember, recordIssued, type CertificateActor, type CertificateEnv, type CertificateOutcome, type CertificateRefusal } from '../incentive/certificates.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { activeMemberOf, enqueueMessages, IncentiveRequestError, jsonObject, recordMessages, type Body } from './incentive-request.ts';
import type { AdminDeps } from './deps.ts';
import { answer, isoDate, list, memberRef, object, oneOf, responses, text as textField } from './schemas.ts';

const CERTIFICATE = answer({ member_id: { type: 'string' }, state: { type: 'string', enum: ['due', 'confirmed', 'issued'] }, party_age_year: { type: ['integer', 'null'] }, issued_on: { type: ['string', 'null'] }, certificate_no: { type: ['string', 'null'] } });
const STEP_ANSWER = answer({ certificate: CERTIFICATE, message: { type: 'string', description: "the chat's answer" } });
const MEMBER = textField(100, 'a member id or chat account (or a name, as in chat)');
const RECORD = {
  summary: 'Record a certificate issued (the OD)',
  tags: ['incentive'],
  body: object({ actor: memberRef('the member acting'), member: MEMBER, issued_on: isoDate('the issue date (default today)'), certificate_no: textField(100) }, ['actor', 'member']),
  response: responses({ 201: STEP_ANSWER }, 400, 403, 404, 409),
};
const CONFIRM = {
  summary: 'Confirm eligibility (一贯表现良好、为党勤恳奉献)',
  tags: ['incentive'],
  body: object({ actor: memberRef('the member acting'), member: MEMBER }, ['actor', 'member']),
  response: responses({ 200: STEP_ANSWER }, 400, 403, 404, 409),
};
const LIST = {
  summary: 'Certificates due (confirmed or not, oldest first) or issued (newest first)',
  tags: ['incentive'],
  querystring: object({ state: { ...oneOf(['due', 'issued']), default: 'due' } }),
  response: responses({ 200: answer({ state: { type: 'string' }, certificates: list(CERTIFICATE) }) }, 400),
};

const STATUS: Record<CertificateRefusal | 'bad_request' | 'unknown_actor', number> = {
  not_allowed: 403,
  not_found: 404,
  ambiguous: 409,
  deceased: 409,
  not_active: 409,
  no_full_member_date: 409,
  too_early: 400,
  future: 400,
  already_issued: 409,
  number_taken: 409,
  bad_date: 400,
  bad_request: 400,
  unknown_actor: 400,
};

const ENGLISH: Record<CertificateRefusal, string> = {
  not_allowed: 'this actor may not record certificates (the OD records them, never their own)',
  not_found: 'no such member that this actor may record a certificate for',
  ambiguous: 'several members bear this name: give a member id or chat account',
  deceased: 'the member is deceased',
  not_active: 'the member has been transferred out',
  no_full_member_date: 'the roster has no full-membership date for the member: Party age cannot be counted',
  too_early: "the member's Party age does not reach 50 in the year of the date",
  future: 'the issue date is after today',
  already_issued: 'a certificate is already on record for the member',
  number_taken: 'the certificate number is already used',
  bad_date: 'issued_on must be a real date as YYYY-MM-DD',
};

const fail = (code: keyof typeof STATUS, message: string) => new IncentiveRequestError(code, message, STATUS[code]);

function text(body: Body, key: string, required: boolean): string {
  const v = body[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw fail('bad_request', `${key} is required`);
    return '';
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw fail('bad_request', `${key} must be a string`);
  return String(v).trim().slice(0, 100);
}

const account = (userid: string | null, name: string | null) => (name === null ? null : { account: userid ?? '', name });

/** A member's certificate as the OD's API shows it: canonical state, people by account and name. */
export function certificateView(r: CertificateStandingRow) {
  return {
    member_id: r.member_id,
    member: { account: r.userid ?? '', name: r.name },
    general_branch: r.general_branch,
    branch: r.branch,
    full_member_on: r.full_member_on,
    party_age_year: r.full_member_on === null ? null : yearPartyAgeReaches(r.full_member_on),
    state: r.issued_on !== null ? 'issued' : r.eligibility_confirmed_at !== null ? 'confirmed' : 'due',
    eligibility_confirmed_at: r.eligibility_confirmed_at?.toISOString() ?? null,
    eligibility_confirmed_by: account(r.eligibility_confirmed_by_account, r.eligibility_confirmed_by_name),
    issued_on: r.issued_on,
    certificate_no: r.certificate_no,
    recorded_by: account(r.recorded_by_account, r.recorded_by_name),
    recorded_at: r.recorded_at?.toISOString() ?? null,
  };
}

export const certificateRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  /** Runs one step as `actor` on `member` in a transaction; the notices become deliveries in it (sent after it commits). */
  async function act(rawBody: unknown, step: (env: CertificateEnv, actor: CertificateActor, memberId: string, body: Body) => Promise<CertificateOutcome>) {
    const body = jsonObject(rawBody);
    const writtenActor = text(body, 'actor', true);
    const writtenMember = text(body, 'member', true);
    const now = deps.clock();
    const today = localDate(now, deps.config.timezone);
    const { outcome, ids } = await deps.db.db.transaction().execute(async (trx) => {
      const who = await activeMemberOf(trx, writtenActor);
      if (!who) throw fail('unknown_actor', `actor ${JSON.stringify(writtenActor)} is not an active member (a member id or chat account)`);
      const env: CertificateEnv = { trx, now, today, timeZone: deps.config.timezone };
      const actor: CertificateActor = { memberId: who.memberId, name: who.name, person: accessPersonOf(who) };
      if (!recordsCertificates(actor.person)) throw fail('not_allowed', ENGLISH.not_allowed);
      // A member id names exactly one member (any status: a deceased one is refused as such); otherwise as in chat.
      const byId = /^\d{1,18}$/.test(writtenMember) ? await new PartyAgeCertificateRepository(trx).lockStanding(writtenMember) : undefined;
      const found = byId ? ({ ok: true, row: byId } as const) : await findMember(env, actor, writtenMember);
      if (!found.ok) throw fail(found.code, `${ENGLISH[found.code]} (${found.reply})`);
      const outcome = await step(env, actor, found.row.member_id, body);
      if (!outcome.ok) return { outcome, ids: [] as string[] };
      return { outcome, ids: await recordMessages(deps, trx, now, outcome.notices) };
    });
    if (!outcome.ok) throw fail(outcome.code, `${ENGLISH[outcome.code]} (${outcome.reply})`);
    await enqueueMessages(deps, ids);
    return { certificate: certificateView(outcome.member), message: outcome.reply };
  }

  app.post('/admin/certificates', { schema: RECORD }, async (req, reply) => {
    const result = await act(req.body, (env, actor, memberId, body) => {
      const issuedOn = text(body, 'issued_on', false);
      if (issuedOn !== '' && !isIsoDate(issuedOn)) throw fail('bad_date', `${ENGLISH.bad_date} (got ${JSON.stringify(issuedOn)})`);
      return recordIssued(env, actor, memberId, { issuedOn: issuedOn || null, certificateNo: text(body, 'certificate_no', false) || null });
    });
    return reply.code(201).send(result);
  });

  app.post('/admin/certificates/eligibility', { schema: CONFIRM }, async (req) => act(req.body, (env, actor, memberId) => confirmEligibility(env, actor, memberId)));

  app.get('/admin/certificates', { schema: LIST }, async (req, reply) => {
    const { state } = req.query as { state: 'due' | 'issued' };
    const today = localDate(deps.clock(), deps.config.timezone);
    const rows = state === 'due' ? (await dueFor({ db: deps.db.db, today }, OD_VIEWER, undefined)).rows : await new PartyAgeCertificateRepository(deps.db.db).issued();
    return reply.header('cache-control', 'no-store').send({ state, certificates: rows.map(certificateView) });
  });
};
