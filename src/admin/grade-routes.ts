// Half-year and year-end evaluations (半年考评, 年底总评) through the admin API, as in chat (incentive/grades.ts):
//   POST /admin/incentive/evaluations   {actor, kind, branch?, year?, all?, grades?: [{member, grade}]}
//        records a branch's evaluation acting as `actor` (a member id or chat account), checked by the access
//        rule (the branch secretary; a vacant office passes up). `branch`: an id, default the branch the actor
//        leads; `all`: the grade of every active member not listed ("全体合格" is all: "competent"); `member`: a
//        member id, chat account or name within the branch. Nothing is recorded unless every name is clear.
//   GET  /admin/incentive/evaluations?branch=<id>|general_branch=<id>[&year=YYYY]
//        the OD's view (the admin token is the OD's): a branch's evaluations with each active member's grade, or
//        a GB's per-branch status and counts. The year defaults as in chat (January–March: the previous one).
// Refusals answer 4xx with {error, code}: an English sentence with the chat's Chinese one, and a stable code.
import type { FastifyPluginAsync } from 'fastify';
import { EvaluationGradeRepository, type BranchEvaluationStatus } from '../db/evaluation-grade-repository.ts';
import { localDate } from '../domain/dates.ts';
import { evaluationReadYear, GRADED_EVALUATION_KINDS, type EvaluationGrade, type GradedEvaluationKind } from '../domain/incentive.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { branchStatuses, recordBranchGrades, type GradeRefusal } from '../incentive/grades.ts';
import { activeMemberOf, IncentiveRequestError } from './incentive-request.ts';
import type { AdminDeps } from './deps.ts';
import { answer, list, memberRef, object, oneOf, responses, text as textField } from './schemas.ts';

const GRADES = ['excellent', 'competent', 'basically_competent', 'incompetent'] as const;
const YEAR = { type: 'integer', minimum: 2000, maximum: 2100, description: 'a year such as 2026' };
const EVALUATION = answer({ held: { type: 'boolean' }, held_on: { type: ['string', 'null'] }, members: list(answer({ account: { type: 'string' }, name: { type: 'string' }, grade: { type: ['string', 'null'] } })) });
const RECORD = {
  summary: "Record a branch's half-year or year-end evaluation, acting as the branch secretary",
  tags: ['incentive'],
  body: object(
    {
      actor: memberRef('the member acting'),
      kind: oneOf(['half_year', 'year_end']),
      branch: textField(20, 'the branch id (default: the branch the actor leads)'),
      year: YEAR,
      all: oneOf(GRADES, 'the grade of every active member not listed'),
      grades: list(object({ member: memberRef('a member id, chat account or name within the branch'), grade: oneOf(GRADES) }, ['member', 'grade'])),
    },
    ['actor', 'kind'],
  ),
  response: responses({ 201: answer({ branch: answer({}), kind: { type: 'string' }, year: { type: 'integer' }, evaluation: EVALUATION, message: { type: 'string' } }) }, 400, 403, 409),
};
const READ = {
  summary: "A branch's evaluations with each member's grade, or a general branch's per-branch counts",
  tags: ['incentive'],
  querystring: object({ branch: textField(20, 'a branch id'), general_branch: textField(20, 'a general branch id'), year: YEAR }),
  response: responses({ 200: answer({ year: { type: 'integer' }, branch: answer({}), general_branch: answer({}), evaluations: answer({}), branches: list(answer({})) }) }, 400, 404),
};

const STATUS: Record<GradeRefusal | 'bad_request' | 'unknown_actor' | 'not_found', number> = {
  not_allowed: 403,
  which_branch: 400,
  closed: 409,
  wrong_year: 409,
  unknown_member: 400,
  namesakes: 400,
  conflict: 400,
  empty: 400,
  bad_request: 400,
  unknown_actor: 400,
  not_found: 404,
};

const ENGLISH: Record<GradeRefusal, string> = {
  not_allowed: 'this actor may not record this branch’s evaluation (or there is no such branch)',
  which_branch: 'name the branch (branch: its id)',
  closed: 'this evaluation cannot be recorded on this date',
  wrong_year: 'the year is not the one this evaluation is recorded for now',
  unknown_member: 'a member is not an active member of the branch',
  namesakes: 'a name is borne by several members of the branch: write the account or member id',
  conflict: 'a member is given two different grades',
  empty: 'no grade given (all or grades)',
};

const fail = (code: keyof typeof STATUS, message: string) => new IncentiveRequestError(code, message, STATUS[code]);


/** A branch's evaluation of a kind as the API shows it: canonical codes, members by account and name. */
function statusView(s: BranchEvaluationStatus) {
  return { held: s.held_on !== null, held_on: s.held_on, members: s.members.map((m) => ({ account: m.userid ?? '', name: m.name, grade: m.grade })) };
}

export const gradeRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  app.post('/admin/incentive/evaluations', { schema: RECORD }, async (req, reply) => {
    const body = req.body as { actor: string; kind: GradedEvaluationKind; branch?: string; year?: number; all?: EvaluationGrade; grades?: Array<{ member: string; grade: EvaluationGrade }> };
    const actorWritten = body.actor.trim();
    const kind = body.kind;
    const rest = body.all ?? null;
    const named = (body.grades ?? []).map((g) => ({ name: g.member.trim(), grade: g.grade }));
    const branch = body.branch?.trim() || undefined;
    const year = body.year ?? null;
    const now = deps.clock();
    const today = localDate(now, deps.config.timezone);
    const out = await deps.db.db.transaction().execute(async (trx) => {
      const who = await activeMemberOf(trx, actorWritten);
      if (!who) throw fail('unknown_actor', `actor ${JSON.stringify(actorWritten)} is not an active member (a member id or chat account)`);
      return recordBranchGrades(trx, { today, now }, accessPersonOf(who), { kind, branch: branch ? { id: branch } : null, year, rest, named });
    });
    if (!out.ok) throw fail(out.code, `${ENGLISH[out.code]} (${out.reply})`);
    return reply.code(201).send({ branch: out.branch, kind: out.kind, year: out.year, evaluation: statusView(out.status), message: out.reply });
  });

  app.get('/admin/incentive/evaluations', { schema: READ }, async (req, reply) => {
    const q = req.query as { branch?: string; general_branch?: string; year?: number };
    const year = q.year ?? evaluationReadYear(localDate(deps.clock(), deps.config.timezone));
    const repo = new EvaluationGradeRepository(deps.db.db);
    const branchId = q.branch;
    const gbId = q.general_branch;
    if ((branchId === undefined) === (gbId === undefined)) throw fail('bad_request', 'give exactly one of branch or general_branch (an organisation id)');
    const org = await repo.organisation((branchId ?? gbId)!);
    if (!org || org.kind !== (branchId ? 'branch' : 'general_branch')) throw fail('not_found', `no such ${branchId ? 'branch' : 'general branch'}`);
    reply.header('cache-control', 'no-store');
    if (branchId) {
      const statuses = await deps.db.db.transaction().execute((trx) => branchStatuses(trx, org.id, year));
      return {
        branch: { id: org.id, name: org.name, general_branch: org.parent_name },
        year,
        evaluations: Object.fromEntries(GRADED_EVALUATION_KINDS.map((k) => [k, statusView(statuses[k])])),
      };
    }
    const rows = await repo.generalBranchCounts(org.id, year);
    return {
      general_branch: { id: org.id, name: org.name },
      year,
      branches: rows.map((r) => ({
        id: r.organisation_id,
        name: r.name,
        kind: r.kind,
        held: r.branches_held > 0,
        held_on: r.held_on,
        active_members: r.active_members,
        grades: { excellent: r.excellent, competent: r.competent, basically_competent: r.basically_competent, incompetent: r.incompetent },
      })),
    };
  });
};
