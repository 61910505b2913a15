// Admin HTTP endpoints (issue 3): the roster import and export, for the OD's scripts and tools. Every route
// needs `Authorization: Bearer <ADMIN_TOKEN>`; without ADMIN_TOKEN configured the routes do not exist (404),
// so a deployment that never set a token exposes nothing. Register with
// `app.register(async (scope) => adminRoutes(scope, deps))`: the file parsers and the 50 MB body limit stay
// inside this plugin's scope.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { localDate } from '../domain/local-time.ts';
import { exportRoster } from '../roster/export.ts';
import { importRosterFile, RosterFileError } from '../roster/import.ts';
import { refreshQuotaObligationsAfterImport } from '../care/obligations.ts';
import { careExportRoutes } from './care-routes.ts';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A 100,000-member xlsx is about 6 MB, the CSV about 12 MB; 50 MB leaves room without inviting abuse. */
export const ROSTER_BODY_LIMIT = 50 * 1024 * 1024;

export type AdminDeps = Pick<Deps, 'config' | 'db' | 'clock'>;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant time whatever the lengths: both sides are hashed to 32 bytes before the comparison. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = digest(m?.[1] ?? '');
  return timingSafeEqual(given, digest(token)) && m !== null;
}

const flag = (v: unknown) => v === '1' || v === 'true' || v === 'yes';

export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  // Roster files arrive raw: CSV as text/csv (or text/plain), XLSX as its own type or octet-stream.
  app.addContentTypeParser(
    ['text/csv', 'text/plain', 'application/octet-stream', XLSX_MIME],
    { parseAs: 'buffer', bodyLimit: ROSTER_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const token = deps.config.adminToken;
    if (token === undefined) return reply.code(404).send({ error: 'admin endpoints disabled' });
    if (!bearerMatches(req.headers.authorization, token)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'invalid or missing admin token' });
    }
  });

  app.post('/admin/roster/import', { bodyLimit: ROSTER_BODY_LIMIT }, async (req, reply) => {
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      return reply.code(400).send({ error: '请上传名册文件（CSV 用 text/csv，XLSX 用 application/octet-stream）' });
    }
    const q = req.query as Record<string, unknown>;
    try {
      const outcome = await importRosterFile(deps.db.db, body, {
        dryRun: flag(q.dryRun),
        retireMissing: flag(q.retireMissing),
        today: localDate(deps.clock(), deps.config.timezone),
      });
      if (!outcome.ok) return reply.code(400).send({ error: '名册有误，未写入任何数据', errors: outcome.errors });
      if (!outcome.report.dryRun) await refreshQuotaObligationsAfterImport(deps.db.db, localDate(deps.clock(), deps.config.timezone));
      return reply.send(outcome.report);
    } catch (err) {
      if (err instanceof RosterFileError) return reply.code(400).send({ error: err.message });
      throw err;
    }
  });

  await careExportRoutes(app, deps);

  app.get('/admin/roster/export', async (req, reply) => {
    const format = (req.query as Record<string, unknown>).format ?? 'csv';
    if (format !== 'csv' && format !== 'xlsx') return reply.code(400).send({ error: 'format must be csv or xlsx' });
    const { bytes } = await exportRoster(deps.db.db, format);
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_MIME)
      .header('content-disposition', `attachment; filename="roster.${format}"`)
      .send(bytes);
  });
}
