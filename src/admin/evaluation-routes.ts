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
import { activeMemberOf, IncentiveRequestError, jsonObject, type Body } from './incentive-request.ts';
import type { AdminDeps } from './deps.ts';

const fail = (code: string, message: string, status = 400) => new IncentiveRequestError(code, message, status);

function stringField(body: Body, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' && typeof v !== 'number') throw fail('bad_request', `${key} is required (a string)`);
  return String(v).trim();
}

function quarterOfQuery(q: Record<string, unknown>, today: string): { year: number; quarter: number } {
  if (q.year === undefined && q.quarter === undefined) return reportingQuarter(today);
  const year = Number(q.year);
  const quarter = Number(q.quarter);
  if (!Number.isInteger(year) || year < 2000 || year > 2100 || !Number.isInteger(quarter) || quarter < 1 || quarter > 4) {
    throw fail('bad_request', 'give year (e.g. 2027) and quarter (1-4) together, or neither');
  }
  return { year, quarter };
}

export const evaluationRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  app.get('/admin/evaluations/self', async (req) => {
    const today = localDate(deps.clock(), deps.config.timezone);
    const { year, quarter } = quarterOfQuery(req.query as Record<string, unknown>, today);
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

  app.post('/admin/evaluations/self', async (req, reply) => {
    const body = jsonObject(req.body);
    const actorWritten = stringField(body, 'actor');
    const memberWritten = stringField(body, 'member');
    const text = stringField(body, 'text');
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
