// The leadership review (评议领导班子, MECHANISM 3.1) through the admin API — the OD's own tool:
//   POST /admin/incentive/leadership-review   {days?, year?}  opens the year's review (as "开启领导班子评议"), cards
//                                              every member with a chat account (held through quiet hours)
//   GET  /admin/incentive/leadership-review?year=YYYY       the review (default: the latest): while open, how many
//                                              have answered per GB; once closed, every committee's totals and the
//                                              comments — never who answered what (the database cannot tell).
// A fastify plugin registered from adminRoutes, inside its scope (bearer token, throttle, audit). Refusals answer
// 4xx with {error, code}: the chat's Chinese sentence and a stable code.
import type { FastifyPluginAsync } from 'fastify';
import { OD_VIEWER } from '../domain/access.ts';
import { localDate } from '../domain/dates.ts';
import { leadershipResults, openLeadershipReview, totalFields, type OpenRefusal } from '../incentive/leadership-review.ts';
import { enqueueMessages, IncentiveRequestError, jsonObject, recordMessages } from './incentive-request.ts';
import type { AdminDeps } from './deps.ts';
import { answer, object, oneOf, responses } from './schemas.ts';

const REVIEW = answer({ year: { type: 'integer' }, opened_on: { type: 'string' }, last_day: { type: 'string' }, state: oneOf(['open', 'closed']) });
const S = {
  open: {
    summary: "Open the year's leadership review (as 开启领导班子评议): cards every member with a chat account",
    tags: ['incentive'],
    body: { type: 'object', properties: { days: { type: 'integer', description: 'how long it stays open' }, year: { type: 'integer' } } },
    response: responses({ 201: answer({ review: REVIEW, carded: { type: 'integer' }, without_account: { type: 'integer' }, message: { type: 'string' } }) }, 400, 409),
  },
  read: {
    summary: 'The review: progress while open; totals and comments once closed (never who answered what)',
    tags: ['incentive'],
    querystring: object({ year: { type: 'string', pattern: '^\\d{4}$' } }),
    response: responses({ 200: answer({ review: REVIEW, progress: { type: ['array', 'null'] }, totals: { type: ['array', 'null'] }, comments: { type: ['array', 'null'] } }) }, 400, 404),
  },
};


const STATUS: Record<OpenRefusal | 'bad_request', number> = { bad_year: 400, bad_days: 400, already_open: 409, already_held: 409, bad_request: 400 };
const fail = (code: keyof typeof STATUS, message: string) => new IncentiveRequestError(code, message, STATUS[code]);

function wholeNumber(body: Record<string, unknown>, key: string): number | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw fail('bad_request', `${key} must be a whole number`);
  return v;
}

const reviewView = (r: { year: number; opened_on: string; last_day: string }, today: string) => ({
  year: r.year,
  opened_on: r.opened_on,
  last_day: r.last_day,
  state: today > r.last_day ? 'closed' : 'open',
});

export const leadershipRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  app.post('/admin/incentive/leadership-review', { schema: S.open }, async (req, reply) => {
    const body = jsonObject(req.body ?? {});
    const days = wholeNumber(body, 'days');
    const year = wholeNumber(body, 'year');
    const now = deps.clock();
    const today = localDate(now, deps.config.timezone);
    const { outcome, ids } = await deps.db.db.transaction().execute(async (trx) => {
      const outcome = await openLeadershipReview({ trx, now, today }, { byMemberId: null, year, days });
      if (!outcome.ok) return { outcome, ids: [] as string[] };
      return { outcome, ids: await recordMessages(deps, trx, now, outcome.notices) };
    });
    if (!outcome.ok) throw fail(outcome.code, outcome.reply);
    await enqueueMessages(deps, ids);
    return reply.code(201).send({ review: reviewView(outcome.review, today), carded: outcome.carded, without_account: outcome.withoutAccount, message: outcome.reply });
  });

  app.get('/admin/incentive/leadership-review', { schema: S.read }, async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    let year: number | null = null;
    if (q.year !== undefined) {
      if (typeof q.year !== 'string' || !/^\d{4}$/.test(q.year)) throw fail('bad_request', 'year must be YYYY');
      year = Number(q.year);
    }
    const today = localDate(deps.clock(), deps.config.timezone);
    const r = await leadershipResults(deps.db.db, OD_VIEWER, today, year);
    reply.header('cache-control', 'no-store');
    switch (r.state) {
      case 'no_access':
      case 'none':
        throw new IncentiveRequestError('not_found', `no leadership review ${year ?? 'yet'}`, 404);
      case 'in_progress':
        return { review: reviewView(r.review, today), progress: r.progress.map((g) => ({ general_branch: g.general_branch, members: g.members, answered: g.answered })), totals: null, comments: null };
      case 'closed':
        return {
          review: reviewView(r.review, today),
          progress: null,
          totals: r.totals.map(totalFields),
          comments: (r.comments ?? []).map((c) => ({ general_branch: c.general_branch, branch: c.branch, organisation_rated: c.kind, text: c.text })),
        };
    }
  });
};
