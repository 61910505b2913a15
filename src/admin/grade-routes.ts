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
import { evaluationReadYear, GRADED_EVALUATION_KINDS, isEvaluationGrade, isGradedEvaluationKind, type EvaluationGrade } from '../domain/incentive.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { branchStatuses, recordBranchGrades, type GradeRefusal } from '../incentive/grades.ts';
import { activeMemberOf, IncentiveRequestError, jsonObject, type Body } from './incentive-request.ts';
import type { AdminDeps } from './deps.ts';

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

function stringOf(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw fail('bad_request', `${key} must be a string`);
  return String(v).trim();
}

function gradeOf(v: unknown, key: string): EvaluationGrade {
  if (typeof v !== 'string' || !isEvaluationGrade(v)) throw fail('bad_request', `${key} must be one of excellent, competent, basically_competent, incompetent`);
  return v;
}

function yearOf(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2000 || n > 2100) throw fail('bad_request', 'year must be a year such as 2026');
  return n;
}

/** A branch's evaluation of a kind as the API shows it: canonical codes, members by account and name. */
function statusView(s: BranchEvaluationStatus) {
  return { held: s.held_on !== null, held_on: s.held_on, members: s.members.map((m) => ({ account: m.userid ?? '', name: m.name, grade: m.grade })) };
}

export const gradeRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  app.post('/admin/incentive/evaluations', async (req, reply) => {
    const body = jsonObject(req.body);
    const actorWritten = stringOf(body, 'actor');
    if (!actorWritten) throw fail('bad_request', 'actor is required');
    const kind = stringOf(body, 'kind');
    if (!kind || !isGradedEvaluationKind(kind)) throw fail('bad_request', 'kind must be half_year or year_end');
    const rest = body.all === undefined || body.all === null ? null : gradeOf(body.all, 'all');
    const list = body.grades ?? [];
    if (!Array.isArray(list)) throw fail('bad_request', 'grades must be a list of {member, grade}');
    const named = list.map((g: unknown, i) => {
      if (typeof g !== 'object' || g === null) throw fail('bad_request', `grades[${i}] must be {member, grade}`);
      const member = stringOf(g as Body, 'member');
      if (!member) throw fail('bad_request', `grades[${i}].member is required`);
      return { name: member, grade: gradeOf((g as Body).grade, `grades[${i}].grade`) };
    });
    const branch = stringOf(body, 'branch');
    const year = yearOf(body.year);
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

  app.get('/admin/incentive/evaluations', async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    const year = yearOf(q.year) ?? evaluationReadYear(localDate(deps.clock(), deps.config.timezone));
    const repo = new EvaluationGradeRepository(deps.db.db);
    const branchId = typeof q.branch === 'string' ? q.branch : undefined;
    const gbId = typeof q.general_branch === 'string' ? q.general_branch : undefined;
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
