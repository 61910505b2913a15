// Delegates' proposals (党代会代表提案, MECHANISM 3.1) through the admin API:
//   GET  /admin/voice/proposals[?actor=ID|ACCOUNT]      the proposals (newest first, at most 500; the export has all)
//   GET  /admin/voice/proposals/:id[?actor=ID|ACCOUNT]  one proposal
//   POST /admin/voice/proposals/:id/register            立案 (the answer due proposal_answer_days from today)
//   POST /admin/voice/proposals/:id/decline  {reason}   不予立案 with the reason
//   POST /admin/voice/proposals/:id/assign   {to}       交由…办理: a member's name (张三 or 张三（支部）) or an office
//   POST /admin/voice/proposals/:id/answer   {text}     records the answer
// The steps are the chat's (voice/proposals.ts), taken for the OD (the token holder), and tell the delegate and the
// assignee what the chat would, held through quiet hours. With `actor`, the reads answer as that member would be
// answered (the access rule, maySeeProposal): a proposal they may not see is 404, as one nobody filed. A fastify
// plugin registered from adminRoutes, inside its scope (bearer token, throttle, audit); refusals are 4xx {error, code}.
import type { FastifyPluginAsync } from 'fastify';
import { ProposalRepository, type ProposalRow } from '../db/proposal-repository.ts';
import { maySeeProposal, OD_VIEWER, viewerOf, type Viewer } from '../domain/access.ts';
import { localDate } from '../domain/dates.ts';
import { proposalStatus, proposalTitle } from '../domain/voice.ts';
import { isoAt } from '../export/rows.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { answerProposal, assignProposal, declineProposal, registerProposal, type ProposalEnv, type ProposalOutcome, type ProposalRefusal } from '../voice/proposals.ts';
import type { AdminDeps } from './deps.ts';
import { activeMemberOf, enqueueMessages, IncentiveRequestError, jsonObject, recordMessages } from './incentive-request.ts';
import { answer, list, memberRef, object, responses, text as textField } from './schemas.ts';

const PROPOSAL = answer({ id: { type: 'string' }, title: { type: 'string' }, text: { type: 'string' }, state: { type: 'string' }, overdue: { type: 'boolean' }, due_on: { type: ['string', 'null'] } });
const VIEWER = object({ actor: memberRef('read as this member would be answered (default: the OD)') });
const ID = object({ id: textField(20, 'the proposal id') }, ['id']);
const stepSchema = (summary: string, body?: Record<string, unknown>) => ({
  summary,
  tags: ['voice'],
  params: ID,
  ...(body ? { body } : {}),
  response: responses({ 200: answer({ proposal: PROPOSAL, message: { type: 'string' } }) }, 400, 404, 409),
});


const STATUS: Record<ProposalRefusal | 'bad_request' | 'unknown_actor', number> = {
  bad_request: 400,
  unknown_actor: 400,
  not_delegate: 403,
  empty: 400,
  too_long: 400,
  not_found: 404,
  not_allowed: 404,
  wrong_state: 409,
  ambiguous: 409,
  bad_assignee: 400,
};
const fail = (code: keyof typeof STATUS, message: string) => new IncentiveRequestError(code, message, STATUS[code]);

const LIST_LIMIT = 500;

function view(p: ProposalRow, today: string, timeZone: string) {
  return {
    id: p.id,
    delegate: { account: p.delegate_account, name: p.delegate_name, general_branch: p.gb_name, branch: p.branch_name },
    title: proposalTitle(p.text),
    text: p.text,
    state: p.state,
    overdue: proposalStatus(p, today) === 'overdue',
    filed_at: isoAt(p.filed_at, timeZone),
    registered_at: isoAt(p.registered_at, timeZone),
    due_on: p.due_on,
    declined_at: isoAt(p.declined_at, timeZone),
    decline_reason: p.decline_reason,
    assignee: p.assignee_member_id !== null ? { account: p.assignee_account, name: p.assignee_name } : p.assignee_office !== null ? { office: p.assignee_office } : null,
    answered_at: isoAt(p.answered_at, timeZone),
    answer: p.answer,
  };
}

export const proposalRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  const viewerFrom = async (q: Record<string, unknown>): Promise<Viewer> => {
    if (q.actor === undefined) return OD_VIEWER;
    if (typeof q.actor !== 'string' || q.actor === '') throw fail('bad_request', 'actor must be a member id or chat account');
    const actor = await activeMemberOf(deps.db.db, q.actor);
    if (!actor) throw fail('unknown_actor', `actor ${JSON.stringify(q.actor)} is not an active member (a member id or chat account)`);
    return viewerOf(accessPersonOf(actor));
  };
  const today = () => localDate(deps.clock(), deps.config.timezone);

  app.get('/admin/voice/proposals', { schema: { summary: "Delegates' proposals, newest first (at most 500)", tags: ['voice'], querystring: VIEWER, response: responses({ 200: answer({ proposals: list(PROPOSAL) }) }, 400) } }, async (req, reply) => {
    const viewer = await viewerFrom((req.query ?? {}) as Record<string, unknown>);
    const rows = await new ProposalRepository(deps.db.db).exportChunk({ afterId: '0', limit: 100_000 });
    const visible = rows.filter((p) => maySeeProposal(viewer, { delegateMemberId: p.delegate_member_id, committeeId: p.committee_id, assigneeMemberId: p.assignee_member_id }));
    reply.header('cache-control', 'no-store');
    return { proposals: visible.reverse().slice(0, LIST_LIMIT).map((p) => view(p, today(), deps.config.timezone)) };
  });

  app.get<{ Params: { id: string } }>('/admin/voice/proposals/:id', { schema: { summary: 'One proposal', tags: ['voice'], params: ID, querystring: VIEWER, response: responses({ 200: answer({ proposal: PROPOSAL }) }, 400, 404) } }, async (req, reply) => {
    const viewer = await viewerFrom((req.query ?? {}) as Record<string, unknown>);
    const p = await new ProposalRepository(deps.db.db).byId(req.params.id);
    if (!p || !maySeeProposal(viewer, { delegateMemberId: p.delegate_member_id, committeeId: p.committee_id, assigneeMemberId: p.assignee_member_id })) throw fail('not_found', `no proposal ${req.params.id}`);
    reply.header('cache-control', 'no-store');
    return { proposal: view(p, today(), deps.config.timezone) };
  });

  /** One OD step in a transaction; its messages recorded there and handed to the outbox after the commit. */
  const step = (path: string, schema: Record<string, unknown>, run: (env: ProposalEnv, id: string, body: Record<string, unknown>) => Promise<ProposalOutcome>) =>
    app.post<{ Params: { id: string } }>(`/admin/voice/proposals/:id/${path}`, { schema }, async (req) => {
      const body = jsonObject(req.body ?? {});
      const now = deps.clock();
      const { outcome, ids } = await deps.db.db.transaction().execute(async (trx) => {
        const outcome = await run({ trx, now, today: localDate(now, deps.config.timezone) }, req.params.id, body);
        return { outcome, ids: outcome.ok ? await recordMessages(deps, trx, now, outcome.notices) : [] };
      });
      if (!outcome.ok) throw fail(outcome.code, outcome.reply);
      await enqueueMessages(deps, ids);
      return { proposal: view(outcome.proposal, localDate(now, deps.config.timezone), deps.config.timezone), message: outcome.reply };
    });
  const text = (body: Record<string, unknown>, key: string): string => {
    const v = body[key];
    if (typeof v !== 'string') throw fail('bad_request', `${key} is required (text)`);
    return v.trim();
  };

  step('register', stepSchema('Register the proposal (立案)'), (env, id) => registerProposal(env, { kind: 'od_tool' }, id));
  step('decline', stepSchema('Decline it (不予立案) with the reason', object({ reason: textField(2_000) }, ['reason'])), (env, id, body) => declineProposal(env, { kind: 'od_tool' }, id, text(body, 'reason')));
  step('assign', stepSchema('Assign it (交由…办理): a member (张三 or 张三（支部）) or an office', object({ to: textField(200) }, ['to'])), (env, id, body) => assignProposal(env, { kind: 'od_tool' }, id, text(body, 'to')));
  step('answer', stepSchema('Record the answer', object({ text: textField(10_000) }, ['text'])), (env, id, body) => answerProposal(env, { kind: 'od_tool' }, id, text(body, 'text')));
};
