// Admin HTTP endpoints (issue 3): the roster import and export, care exports, settings and emergency aid, for the OD's scripts and tools. Every route
// needs `Authorization: Bearer <ADMIN_TOKEN>`; without ADMIN_TOKEN configured the routes do not exist (404),
// so a deployment that never set a token exposes nothing. A fastify plugin: `app.register(adminRoutes, { deps })`;
// the file parsers, the 50 MB body limit, the audit and the wrong-token throttle stay inside its scope (issue 8,
// points 9 and 10). Refusals are thrown (errors.ts) and answered by the app's one error handler (error-handler.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AdminDeps } from './deps.ts';
import { BadRequestError, ConflictError, InvalidInputError, NotFoundError, ReportedFailure, TooManyRequestsError, UnauthorizedError } from '../errors.ts';
import { exportRoster } from '../roster/export.ts';
import { ADMIN_ACTOR, auditActor, auditJob, auditLogOnly, auditRows, registerAdminAudit } from './audit.ts';
import { AdminAuthThrottle, type AdminAuthThrottleOptions } from './auth-throttle.ts';
import { assistanceRoutes } from './assistance-routes.ts';
import { aidRoutes } from './aid-routes.ts';
import { gradeRoutes } from './grade-routes.ts';
import { goalRoutes } from './goal-routes.ts';
import { suggestionRoutes } from './suggestion-routes.ts';
import { evaluationRoutes } from './evaluation-routes.ts';
import { careExportRoutes } from './care-routes.ts';
import { assistanceVerificationRoutes } from './assistance-verification-routes.ts';
import { settingsRoutes } from './settings-routes.ts';
import { assistancePairingRoutes } from './assistance-pairing-routes.ts';
import { subsidyRoutes } from './subsidy-routes.ts';
import { leadershipRoutes } from './leadership-routes.ts';
import { certificateRoutes } from './certificate-routes.ts';
import { commendationRoutes } from './commendation-routes.ts';
import { proposalRoutes } from './proposal-routes.ts';
import { announcementRoutes } from './announcement-routes.ts';
import { INTERNAL_FAILURE_MESSAGE, RosterImportJobs, type ImportJobTimings } from './import-jobs.ts';
import { OPENAPI_PATH } from './openapi.ts';
import { ADMIN_ERROR_SCHEMA, answer, any, list, object, oneOf, queryFlag, responses } from './schemas.ts';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A 100,000-member xlsx is about 6 MB, the CSV about 12 MB; 50 MB leaves room without inviting abuse. */
export const ROSTER_BODY_LIMIT = 50 * 1024 * 1024;

export type { AdminDeps } from './deps.ts';

/**
 * Uploads larger than this (roughly 10,000 roster rows) are imported as a job: 202 and a job id
 * at once. Smaller ones finish well within the request timeout and are answered with the report, as before.
 */
export const ASYNC_IMPORT_BYTES = 1024 * 1024;

/**
 * Every admin request, right token or wrong, counts against its address: this many per minute (ADMIN_RATE_LIMIT,
 * shared by every server through Redis), then 429 with Retry-After until the minute is over. Wrong tokens are
 * stopped sooner by the throttle (auth-throttle.ts: 10 a minute, then 5 minutes' block).
 */
export const ADMIN_RATE_LIMIT_DEFAULT = 120;

/** For tests: shorter timings, their own throttle and rate-limit settings. */
export interface AdminRouteOptions {
  importJobs?: ImportJobTimings;
  throttle?: Omit<AdminAuthThrottleOptions, 'keyPrefix'>;
  rateLimit?: { max: number; timeWindowMs?: number };
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant time whatever the lengths: both sides are hashed to 32 bytes before the comparison. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = digest(m?.[1] ?? '');
  return timingSafeEqual(given, digest(token)) && m !== null;
}

const flag = (v: unknown) => v === '1' || v === 'true' || v === 'yes';
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const ROSTER_CONTENT_TYPES = ['text/csv', 'text/plain', 'application/octet-stream', XLSX_MIME];

const IMPORT_JOB = answer(
  {
    id: { type: 'string', format: 'uuid' },
    status: oneOf(['queued', 'running', 'done', 'failed']),
    dryRun: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: { type: ['string', 'null'] },
    finishedAt: { type: ['string', 'null'] },
    report: any('done: the import report (as the synchronous answer)'),
    error: { type: 'string', description: 'failed: why' },
    errors: list(answer({ row: { type: 'integer' }, column: { type: 'string' }, reason: { type: 'string' } }), 'failed: the rows at fault'),
  },
  'an import job',
);
const jobLocation = (id: string) => `/admin/roster/import/${id}`;

export const adminRoutes: FastifyPluginAsync<AdminRouteOptions & { deps: AdminDeps }> = async (app, { deps, ...opts }) => {
  // Roster files arrive raw: CSV as text/csv (or text/plain), XLSX as its own type or octet-stream.
  app.addContentTypeParser(
    ROSTER_CONTENT_TYPES,
    { parseAs: 'buffer', bodyLimit: ROSTER_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  // Answers are serialized as they are: the response schemas document them (openapi.ts), they never filter them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addSchema(ADMIN_ERROR_SCHEMA);
  // The rate limit runs first, before the token is even looked at: a guesser is slowed whatever it sends.
  // Counted in Redis (several servers share the count); if Redis fails, requests are let through — the
  // wrong-token throttle keeps its own in-process count then.
  await app.register(rateLimit, {
    global: false,
    redis: deps.redis,
    nameSpace: `${deps.queuePrefix}:admin-rate:`,
    skipOnError: true,
  });
  app.addHook(
    'onRequest',
    app.rateLimit({
      max: opts.rateLimit?.max ?? deps.config.adminRateLimit ?? ADMIN_RATE_LIMIT_DEFAULT,
      timeWindow: opts.rateLimit?.timeWindowMs ?? 60_000,
      keyGenerator: (req) => req.ip,
      errorResponseBuilder: (req, ctx) => {
        // Logged, not stored: a flood must not fill the audit table.
        auditLogOnly(req);
        return new TooManyRequestsError(`too many admin requests from this address; try again in ${ctx.after}`, ctx.ttl, 'rate_limited');
      },
    }),
  );

  const throttle = new AdminAuthThrottle(deps.redis, deps.clock, deps.log, { ...opts.throttle, keyPrefix: `${deps.queuePrefix}:admin-auth:` });
  const jobs = new RosterImportJobs(deps, opts.importJobs);
  // A closing server lets its imports finish (each is one transaction) rather than cut them.
  app.addHook('onClose', async () => jobs.close());
  registerAdminAudit(app, deps);

  app.addHook('onRequest', async (req: FastifyRequest) => {
    const token = deps.config.adminToken;
    if (token === undefined) {
      auditLogOnly(req);
      throw new NotFoundError('admin endpoints disabled');
    }
    // Checked before the token: a blocked address is refused even with the right one.
    const blockedMs = await throttle.blockedFor(req.ip);
    if (blockedMs > 0) {
      auditLogOnly(req);
      throw new TooManyRequestsError('too many invalid admin tokens from this address; try again later', blockedMs);
    }
    if (!bearerMatches(req.headers.authorization, token)) {
      await throttle.recordFailure(req.ip);
      throw new UnauthorizedError('invalid or missing admin token');
    }
    auditActor(req, ADMIN_ACTOR);
  });

  app.get(
    OPENAPI_PATH,
    {
      schema: {
        summary: 'This document: the admin API in OpenAPI 3',
        tags: ['meta'],
        response: responses({ 200: answer({ openapi: { type: 'string' }, paths: { type: 'object', additionalProperties: true } }) }),
      },
    },
    async (_req, reply) => reply.header('cache-control', 'no-store').send(app.swagger()),
  );

  const importQuery = object({
    dryRun: queryFlag('1: check the file and report, write nothing'),
    retireMissing: queryFlag('1: members not in the file are marked transferred out'),
    allowNewOrganisations: queryFlag('1: branches and general branches not yet known are created'),
    async: queryFlag('1: answer 202 with a job at once (files over 1 MB always are)'),
  });
  app.post(
    '/admin/roster/import',
    {
      bodyLimit: ROSTER_BODY_LIMIT,
      config: { rawBody: { contentTypes: ROSTER_CONTENT_TYPES } },
      schema: {
        summary: 'Import the roster (CSV or XLSX, the raw file as the body)',
        tags: ['roster'],
        querystring: importQuery,
        headers: object({ 'content-type': { type: 'string', description: `text/csv for CSV; ${XLSX_MIME} or application/octet-stream for XLSX` } }),
        response: responses(
          {
            200: answer({}, 'the import report (rows, added, changed, retired…)'),
            202: answer({ id: { type: 'string' }, status: { type: 'string' }, location: { type: 'string' } }, 'imported as a job: poll its location'),
          },
          400,
          409,
          413,
          415,
        ),
      },
    },
    async (req, reply) => {
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new BadRequestError('no_file', '请上传名册文件（CSV 用 text/csv，XLSX 用 application/octet-stream）');
    }
    const q = req.query as Record<string, string | undefined>;
    const asJob = flag(q.async) || body.length > ASYNC_IMPORT_BYTES;
    const started = await jobs.start(body, { dryRun: flag(q.dryRun), retireMissing: flag(q.retireMissing), allowNewOrganisations: flag(q.allowNewOrganisations) }, `${ADMIN_ACTOR} from ${req.ip}`);
    if (!started.started) {
      throw new ConflictError('已有一次名册导入正在进行，请等它完成后再上传', { jobId: started.activeId, location: jobLocation(started.activeId) });
    }
    auditJob(req, started.id);
    if (asJob) {
      return reply.code(202).header('location', jobLocation(started.id)).send({ id: started.id, status: started.view.status, location: jobLocation(started.id) });
    }
    // Small enough to answer in the request: the same job, awaited.
    const job = await started.finished;
    if (job.status === 'done') {
      auditRows(req, job.report!.rows);
      return reply.send(job.report);
    }
    const message = job.error ?? INTERNAL_FAILURE_MESSAGE;
    if (job.errors) throw new InvalidInputError('roster_rows', message, { errors: job.errors });
    // The job logged its own failure; the client gets the message written for it.
    if (message === INTERNAL_FAILURE_MESSAGE) throw new ReportedFailure('import_failed', message);
    throw new BadRequestError('roster_file', message);
    },
  );

  app.get(
    '/admin/roster/import/:id',
    {
      schema: {
        summary: 'An import job: its status, then its report or errors',
        tags: ['roster'],
        params: object({ id: { type: 'string', maxLength: 64 } }, ['id']),
        response: responses({ 200: IMPORT_JOB }, 404),
      },
    },
    async (req, reply) => {
    const id = (req.params as { id: string }).id;
    // Not a job id at all reads as one that does not exist (as before): 404, not a schema refusal.
    const job = new RegExp(UUID).test(id) ? await jobs.view(id) : undefined;
    if (!job) throw new NotFoundError('没有这个导入任务');
    auditJob(req, job.id);
    return reply.header('cache-control', 'no-store').send(job);
    },
  );

  await app.register(careExportRoutes, { deps });
  await app.register(settingsRoutes, { deps });
  if (deps.outbox && deps.platform) await app.register(assistanceRoutes, { deps: { ...deps, outbox: deps.outbox, platform: deps.platform } });
  await app.register(aidRoutes, { deps });
  await app.register(gradeRoutes, { deps });
  await app.register(assistancePairingRoutes, { deps });
  await app.register(assistanceVerificationRoutes, { deps });
  await app.register(subsidyRoutes, { deps });
  await app.register(leadershipRoutes, { deps });
  await app.register(certificateRoutes, { deps });
  await app.register(commendationRoutes, { deps });
  await app.register(evaluationRoutes, { deps });
  await app.register(goalRoutes, { deps });
  await app.register(suggestionRoutes, { deps });
  await app.register(proposalRoutes, { deps });
  await app.register(announcementRoutes, { deps });

  app.get(
    '/admin/roster/export',
    {
      schema: {
        summary: 'Export the roster as CSV or XLSX (the file as the body)',
        tags: ['roster'],
        querystring: object({ format: { ...oneOf(['csv', 'xlsx']), default: 'csv' } }),
        response: responses({ 200: { description: 'the roster file (text/csv or XLSX)', type: 'string', format: 'binary' } }),
      },
    },
    async (req, reply) => {
    const { format } = req.query as { format: 'csv' | 'xlsx' };
    const { bytes, members } = await exportRoster(deps.db.db, format);
    auditRows(req, members);
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_MIME)
      .header('content-disposition', `attachment; filename="roster.${format}"`)
      .send(bytes);
    },
  );
};
