// Goals and commitments (组织目标, 亮岗承诺, MECHANISM 3.3) through the admin API, as in chat (goals-conversation.ts):
//   GET  /admin/incentive/goals?year=YYYY[&organisation=<id>]
//        the OD's view (the admin token is the OD's): every branch and general branch with its goals for the year
//        (null: none recorded); with `organisation` (a branch or GB id) that one only, and for a branch its active
//        members' commitments (null: none). The year defaults to the current one.
//   POST /admin/incentive/goals  {actor, organisation | member, year?, text}
//        records (or replaces) an organisation's goals — the actor must be its secretary, or stand in for a vacant
//        one (mayRecordGoalsFor, as in chat) — or a
//        member's commitment for a member without a chat account — the actor their branch secretary, GB
//        secretary or the OD (mayRecordCommitmentFor). `actor`, `member`: a member id or chat account; the year:
//        last, this or next (default the current one); an empty text is refused.
// A fastify plugin registered from adminRoutes, inside its scope (bearer token, throttle, audit). Refusals answer
// 4xx with {error, code}; an unknown organisation or member and one the actor may not record for get the same 404.
import type { FastifyPluginAsync } from 'fastify';
import { GoalStatementRepository, type GoalSubject, type OrganisationGoals } from '../db/goal-statement-repository.ts';
import { mayRecordCommitmentFor } from '../domain/access.ts';
import { mayRecordGoalsFor } from '../incentive/goals-conversation.ts';
import { localDate } from '../domain/dates.ts';
import { isGoalYear } from '../domain/incentive.ts';
import { accessPersonOf, loadOrganisationPlace } from '../roster/responsibility.ts';
import { activeMemberOf, IncentiveRequestError } from './incentive-request.ts';
import type { AdminDeps } from './deps.ts';
import { answer, list, memberRef, object, responses, text as textField } from './schemas.ts';

const GOALS_LIST = {
  summary: "Every branch and general branch with its goals for the year; with organisation, one (and a branch's commitments)",
  tags: ['incentive'],
  querystring: object({ year: { type: 'integer', description: 'last, this (default) or next year' }, organisation: { type: 'string', maxLength: 20, description: 'a branch or general branch id' } }),
  response: responses({ 200: answer({ year: { type: 'integer' }, organisations: list(answer({})), organisation: answer({}), commitments: list(answer({})) }) }, 400, 404),
};
const GOALS_RECORD = {
  summary: "Record (or replace) an organisation's goals, or a member's commitment for a member without a chat account",
  tags: ['incentive'],
  body: object(
    {
      actor: memberRef('the member acting'),
      organisation: textField(20, 'a branch or general branch id (its goals)'),
      member: textField(100, 'a member id or chat account (their commitment)'),
      year: { type: 'integer', description: 'last, this (default) or next year' },
      text: { type: 'string', maxLength: 10_000, description: 'not empty' },
    },
    ['actor', 'text'],
  ),
  response: responses({ 200: answer({ replaced: { type: 'boolean' } }, 'replaced'), 201: answer({ kind: { type: 'string' }, year: { type: 'integer' }, text: { type: 'string' }, replaced: { type: 'boolean' } }) }, 400, 404, 409),
};

const STATUS = { bad_request: 400, bad_year: 400, empty_text: 400, unknown_actor: 400, not_found: 404, has_account: 409 } as const;
const fail = (code: keyof typeof STATUS, message: string) => new IncentiveRequestError(code, message, STATUS[code]);


/** The year asked for (default the current one): last, this or next year, as in chat. */
function goalYear(v: unknown, today: string): number {
  if (v === undefined || v === null || v === '') return Number(today.slice(0, 4));
  const year = Number(v);
  if (!Number.isInteger(year) || !isGoalYear(year, today)) throw fail('bad_year', `year must be last, this or next year (${Number(today.slice(0, 4)) - 1}-${Number(today.slice(0, 4)) + 1})`);
  return year;
}

const goalsView = (g: OrganisationGoals) => ({
  id: g.organisation_id,
  kind: g.kind,
  name: g.name,
  general_branch: g.general_branch,
  goals: g.text === null ? null : { text: g.text, recorded_by: { account: g.recorded_by_userid ?? '', name: g.recorded_by_name ?? '' }, updated_at: g.updated_at },
});

export const goalRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  app.get('/admin/incentive/goals', { schema: GOALS_LIST }, async (req, reply) => {
    const q = req.query as { year?: number; organisation?: string };
    const year = goalYear(q.year, localDate(deps.clock(), deps.config.timezone));
    const repo = new GoalStatementRepository(deps.db.db);
    reply.header('cache-control', 'no-store');
    if (q.organisation === undefined) return { year, organisations: (await repo.organisationGoals(year)).map(goalsView) };
    const id = /^\d{1,18}$/.test(q.organisation) ? q.organisation : undefined;
    const [org] = id ? await repo.organisationGoals(year, id) : [];
    if (!org) throw fail('not_found', 'no such branch or general branch (organisation: its id)');
    const commitments = org.kind === 'branch' ? (await repo.commitmentsInBranch(org.organisation_id, year)).map((c) => ({ member_id: c.member_id, account: c.userid ?? '', name: c.name, text: c.text })) : undefined;
    return { year, organisation: goalsView(org), ...(commitments ? { commitments } : {}) };
  });

  app.post('/admin/incentive/goals', { schema: GOALS_RECORD }, async (req, reply) => {
    const body = req.body as { actor: string; organisation?: string; member?: string; year?: number; text: string };
    const actorWritten = body.actor.trim();
    const orgWritten = body.organisation?.trim();
    const memberWritten = body.member?.trim();
    if (!orgWritten === !memberWritten) throw fail('bad_request', 'give exactly one of organisation (its goals) or member (their commitment)');
    const text = body.text.trim();
    if (text === '') throw fail('empty_text', 'text is empty (内容为空)');
    const now = deps.clock();
    const year = goalYear(body.year, localDate(now, deps.config.timezone));
    const result = await deps.db.db.transaction().execute(async (trx) => {
      const actor = await activeMemberOf(trx, actorWritten);
      if (!actor) throw fail('unknown_actor', `actor ${JSON.stringify(actorWritten)} is not an active member (a member id or chat account)`);
      const person = accessPersonOf(actor);
      let subject: GoalSubject;
      let of: Record<string, unknown>;
      if (orgWritten) {
        const org = /^\d{1,18}$/.test(orgWritten) ? await loadOrganisationPlace(trx, orgWritten) : undefined;
        if (!org || !(await mayRecordGoalsFor(trx, person, org))) throw fail('not_found', 'no such branch or general branch that this actor records the goals of (organisation: its id)');
        subject = { kind: 'goals', organisationId: org.id };
        of = { organisation: { id: org.id, kind: org.kind } };
      } else {
        const member = await activeMemberOf(trx, memberWritten!);
        const place = member && { memberId: member.memberId, branchId: member.branch.id, generalBranchId: member.generalBranch.id, committeeId: member.committeeId };
        if (!member || !place || !mayRecordCommitmentFor(person, place)) throw fail('not_found', 'no such member that this actor may record for (member: a member id or chat account)');
        if (member.userid) throw fail('has_account', 'the member has a chat account and records their own commitment (亮岗承诺：……)');
        subject = { kind: 'commitment', memberId: member.memberId };
        of = { member: { member_id: member.memberId, name: member.name } };
      }
      const { replaced } = await new GoalStatementRepository(trx).record(subject, year, text, actor.memberId, now);
      return { kind: subject.kind, year, ...of, text, recorded_by: { account: actor.userid, name: actor.name }, replaced };
    });
    return reply.code(result.replaced ? 200 : 201).send(result);
  });
};
