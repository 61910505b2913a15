// The admin audit (issue 8, point 10): every admin request — roster import and export, care exports, job
// status — leaves one structured log line at info and one admin_audit row (at the injected clock's time), so
// the Organisation Department can see who exported what and how many rows. Never the token, never row
// contents: the route, the request's options, the status and a count.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { AdminAuditRepository, type AdminAuditEntry } from './audit-repository.ts';
import { stripQuery } from '../logger.ts';

/** The only actor the admin API knows: whoever holds ADMIN_TOKEN (the OD). Refused requests have none. */
export const ADMIN_ACTOR = 'admin token';
export const NO_ACTOR = 'none (refused)';

/** Query options worth recording; anything else (and any long value) is left out. */
const AUDITED_QUERY = ['format', 'from', 'to', 'today', 'dryRun', 'retireMissing', 'async'] as const;
const MAX_QUERY_VALUE = 64;

export type { AdminAuditEntry };

interface AuditNote {
  actor?: string;
  rows?: number;
  jobId?: string;
  /** Throttled requests are logged, not stored: a flood of them must not fill the table. */
  skipStore?: boolean;
}

const notes = new WeakMap<FastifyRequest, AuditNote>();
const note = (req: FastifyRequest): AuditNote => {
  let n = notes.get(req);
  if (!n) notes.set(req, (n = {}));
  return n;
};

/** The request was made with the admin token. */
export const auditActor = (req: FastifyRequest, actor: string) => void (note(req).actor = actor);
/** Rows imported or exported, when the route knows them. */
export const auditRows = (req: FastifyRequest, rows: number) => void (note(req).rows = rows);
export const auditJob = (req: FastifyRequest, jobId: string) => void (note(req).jobId = jobId);
export const auditLogOnly = (req: FastifyRequest) => void (note(req).skipStore = true);

function auditedQuery(query: unknown): Record<string, string> {
  const q = (query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const key of AUDITED_QUERY) {
    const v = q[key];
    if (typeof v === 'string' && v !== '') out[key] = v.slice(0, MAX_QUERY_VALUE);
  }
  return out;
}

/** Adds the onResponse hook to the admin scope. Runs after the response is sent (a streamed export included). */
export function registerAdminAudit(app: FastifyInstance, deps: Pick<Deps, 'db' | 'clock' | 'log'>): void {
  const repo = new AdminAuditRepository(deps.db.db);
  app.addHook('onResponse', async (req, reply) => {
    const n = notes.get(req) ?? {};
    const entry: AdminAuditEntry = {
      at: deps.clock(),
      actor: n.actor ?? NO_ACTOR,
      ip: req.ip,
      method: req.method,
      route: req.routeOptions.url ?? stripQuery(req.url) ?? '',
      path: stripQuery(req.url) ?? '',
      query: auditedQuery(req.query),
      status: reply.statusCode,
      rows: n.rows ?? null,
      jobId: n.jobId ?? null,
    };
    const { at: _at, ...fields } = entry;
    deps.log.info({ adminAudit: fields }, 'admin request');
    if (n.skipStore) return;
    await repo.insert(entry).catch((err: Error) => deps.log.warn({ err: { message: err.message }, adminAudit: fields }, 'admin audit row not stored'));
  });
}
