// GET /admin/export/:what?format=csv|json&from=YYYY-MM-DD&to=YYYY-MM-DD[&today=YYYY-MM-DD] — talks, visits,
// obligations or greetings (src/care/export.ts), or the hardship registry, relief or pairings (src/assistance/export.ts),
// streamed as the body: CSV with a BOM, or JSON lines. A fastify plugin
// registered from adminRoutes, inside its scope, so the same bearer check (and the 404 when ADMIN_TOKEN is
// unset) applies; bad requests are thrown and answered by the app's one error handler.
// This is the Organisation Department's API: it exports with the OD's viewer, i.e. full detail (the access
// rule, src/domain/access.ts); the holder of ADMIN_TOKEN is the OD.
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { BadRequestError } from '../errors.ts';
import { localDate } from '../domain/dates.ts';
import { exportBytes, exportChunks, type ExportRow } from '../export/exports.ts';
import { checkExportRequest, EXPORT_CONTENT_TYPE, exportFileName, type ExportFormat, type ExportKind } from '../export/request.ts';
import { OD_VIEWER } from '../domain/access.ts';
import { auditRows } from './audit.ts';
import type { AdminDeps } from './deps.ts';

/** Passes the chunks through, telling `counted` the running total: the audit records how many rows went out. */
async function* counting<T>(chunks: AsyncIterable<readonly T[]>, counted: (rows: number) => void): AsyncGenerator<readonly T[]> {
  let rows = 0;
  counted(0);
  for await (const chunk of chunks) {
    rows += chunk.length;
    counted(rows);
    yield chunk;
  }
}

/** A query value: absent and empty mean "not given"; a repeated parameter is refused. */
function single(q: Record<string, unknown>, name: string): string | undefined | { repeated: true } {
  const v = q[name];
  if (Array.isArray(v)) return { repeated: true };
  if (v === undefined || v === null || v === '') return undefined;
  return String(v);
}

export const careExportRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  app.get('/admin/export/:what', async (req, reply) => {
    const what = (req.params as { what: string }).what;
    const q = (req.query ?? {}) as Record<string, unknown>;
    const values: Record<string, string | undefined> = {};
    for (const name of ['format', 'from', 'to', 'today']) {
      const v = single(q, name);
      if (typeof v === 'object') throw new BadRequestError('repeated_parameter', `${name} given more than once`);
      values[name] = v;
    }
    const format = values.format ?? 'csv';
    const problem = checkExportRequest({ what, format, from: values.from, to: values.to, today: values.today });
    if (problem) throw new BadRequestError('bad_export_request', problem);
    const today = values.today ?? localDate(deps.clock(), deps.config.timezone);
    const kind = what as ExportKind;
    const fmt = format as ExportFormat;
    // The OD's API: full detail (see the header comment).
    const chunks = exportChunks(deps.db.db, kind, {
      from: values.from,
      to: values.to,
      today,
      timeZone: deps.config.timezone,
      viewer: OD_VIEWER,
    });
    // The audit's count is of rows sent: a client that leaves early is recorded with what it got.
    const counted = counting<ExportRow>(chunks, (rows) => auditRows(req, rows));
    const body = Readable.from(exportBytes(kind, fmt, counted), { objectMode: false });
    return reply
      .header('content-type', EXPORT_CONTENT_TYPE[fmt])
      .header('content-disposition', `attachment; filename="${exportFileName(kind, fmt, today)}"`)
      .header('cache-control', 'no-store')
      .send(body);
  });
};
