// Quarterly self-evaluation (季度自评) through the admin API (the OD's tools):
//   GET  /admin/evaluations/self?year=&quarter=   each branch's active members, submitted and missing (by member
//                                                 id, account and name); default the quarter "本季度未自评名单"
//                                                 reads (the open window's, else the one that closed last)
//   POST /admin/evaluations/self                  {actor, member, text}: records a self-evaluation for a member
//                                                 without a chat account, as the chat's "代…提交季度自评：…" does —
//                                                 `actor` (member id or chat account) checked by the access rule
//                                                 (mayRecordSelfEvaluationFor), `member` a member id; only while
//                                                 the window is open; a replacement says so.
// A fastify plugin registered from adminRoutes, inside its scope (bearer token, throttle, audit). Refusals answer
// 4xx with {error, code}; an unknown member and one the actor may not act for get the same 404.
import type { FastifyPluginAsync } from 'fastify';
import { SelfEvaluationRepository } from '../db/self-evaluation-repository.ts';
import { mayRecordSelfEvaluationFor } from '../domain/access.ts';
import { localDate } from '../domain/dates.ts';
import { reportingQuarter, selfEvaluationWindow, selfEvaluationWindowOn } from '../domain/incentive.ts';
import { accessPersonOf, findMemberById } from '../roster/responsibility.ts';
import { activeMemberOf, IncentiveRequestError } from './incentive-request.ts';
import type { AdminDeps } from './deps.ts';
import { answer, list, memberRef, object, responses, text as textField } from './schemas.ts';

const SELF_LIST = {
  summary: "Each branch's self-evaluations of a quarter: submitted and missing",
  tags: ['incentive'],
  querystring: object({ year: { type: 'integer', minimum: 2000, maximum: 2100 }, quarter: { type: 'integer', minimum: 1, maximum: 4 } }),
  response: responses({ 200: answer({ year: { type: 'integer' }, quarter: { type: 'integer' }, window: answer({ start: { type: 'string' }, end: { type: 'string' } }), open: { type: 'boolean' }, branches: list(answer({ branch: { type: 'string' }, active: { type: 'integer' }, submitted: { type: 'integer' }, missing: list(answer({})) })) }) }, 400),
};
const SELF_RECORD = {
  summary: 'Record a self-evaluation for a member without a chat account (as 代…提交季度自评)',
  tags: ['incentive'],
  body: object({ actor: memberRef('the member acting: id or chat account'), member: memberRef('the member: a member id'), text: textField(10_000, 'the self-evaluation') }, ['actor', 'member', 'text']),
  response: responses({ 200: answer({ replaced: { type: 'boolean' } }, 'replaced an earlier one'), 201: answer({ year: { type: 'integer' }, quarter: { type: 'integer' }, member: answer({}), recorded_by: answer({}), replaced: { type: 'boolean' } }) }, 400, 404, 409),
};

const fail = (code: string, message: string, status = 400) => new IncentiveRequestError(code, message, status);

/** The query's quarter (its schema has checked each number), or the one "本季度未自评名单" reads. */
function quarterOfQuery(q: { year?: number; quarter?: number }, today: string): { year: number; quarter: number } {
  if (q.year === undefined && q.quarter === undefined) return reportingQuarter(today);
  if (q.year === undefined || q.quarter === undefined) throw fail('bad_request', 'give year (e.g. 2027) and quarter (1-4) together, or neither');
  return { year: q.year, quarter: q.quarter };
}

export const evaluationRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  app.get('/admin/evaluations/self', { schema: SELF_LIST }, async (req) => {
    const today = localDate(deps.clock(), deps.config.timezone);
    const { year, quarter } = quarterOfQuery(req.query as { year?: number; quarter?: number }, today);
    const window = selfEvaluationWindow(year, quarter);
    const repo = new SelfEvaluationRepository(deps.db.db);
    const counts = await repo.branchCounts(year, quarter);
    const branches = [];
    for (const c of counts) {
      const rows = await repo.branchSubmissions(c.branch_id, year, quarter);
      branches.push({
        general_branch: c.general_branch,
        branch: c.branch,
        active: c.active,
        submitted: c.submitted,
        missing: rows.filter((r) => !r.submitted).map((r) => ({ member_id: r.member_id, account: r.userid ?? '', name: r.name })),
      });
    }
    return { year, quarter, window: { start: window.start, end: window.end }, open: today >= window.start && today <= window.end, branches };
  });

  app.post('/admin/evaluations/self', { schema: SELF_RECORD }, async (req, reply) => {
    const body = req.body as { actor: string; member: string; text: string };
    const actorWritten = body.actor.trim();
    const memberWritten = body.member;
    const text = body.text.trim();
    if (text === '') throw fail('empty_text', 'text is empty (自评内容为空)');
    const now = deps.clock();
    const today = localDate(now, deps.config.timezone);
    const on = selfEvaluationWindowOn(today);
    if (!on.open) throw fail('window_closed', `the window is closed: ${on.closed.year} Q${on.closed.quarter} closed on ${on.closed.end}, ${on.next.year} Q${on.next.quarter} opens on ${on.next.start}`, 409);
    const result = await deps.db.db.transaction().execute(async (trx) => {
      const actor = await activeMemberOf(trx, actorWritten);
      if (!actor) throw fail('unknown_actor', `actor ${JSON.stringify(actorWritten)} is not an active member (a member id or chat account)`);
      const member = /^\d{1,18}$/.test(memberWritten) ? await findMemberById(trx, memberWritten) : undefined;
      const place = member && member.status === 'active' ? { memberId: member.memberId, branchId: member.branch.id, generalBranchId: member.generalBranch.id, committeeId: member.committeeId } : undefined;
      if (!member || !place || !mayRecordSelfEvaluationFor(accessPersonOf(actor), place)) throw fail('not_found', 'no such member that this actor may record for (member: a member id)', 404);
      if (member.userid) throw fail('has_account', 'the member has a chat account and submits their own self-evaluation', 409);
      const { replaced } = await new SelfEvaluationRepository(trx).submit(member.memberId, on.window.year, on.window.quarter, text, actor.memberId, now);
      return { member: { member_id: member.memberId, name: member.name }, recorded_by: { account: actor.userid, name: actor.name }, replaced };
    });
    return reply.code(result.replaced ? 200 : 201).send({ year: on.window.year, quarter: on.window.quarter, ...result });
  });
};
