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
import { checkExportRequest, EXPORT_CONTENT_TYPE, EXPORT_FORMATS, EXPORT_KINDS, exportFileName, type ExportFormat, type ExportKind } from '../export/request.ts';
import { object, oneOf, responses } from './schemas.ts';
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

/** An empty query value means "not given". */
const given = (v: string | undefined) => (v === '' ? undefined : v);
// The shape here; whether the date exists is checkExportRequest's (shared with the CLI, same words).
const date = (description: string) => ({ type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$', description });

// A repeated parameter is refused by the schema (a list where one string is expected).
const EXPORT_SCHEMA = {
  summary: 'Export care, assistance, incentive or voice records (CSV with a BOM, or JSON lines)',
  tags: ['exports'],
  params: object({ what: oneOf(EXPORT_KINDS, 'what to export') }, ['what']),
  querystring: object({
    format: oneOf(['', ...EXPORT_FORMATS], 'csv (default) or json (JSON lines)'),
    from: date('first day, YYYY-MM-DD'),
    to: date('last day, YYYY-MM-DD'),
    today: date('the organisation date to count from (default: today)'),
  }),
  response: responses({ 200: { type: 'string', format: 'binary', description: 'the file, streamed' } }, 400),
};

export const careExportRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  app.get('/admin/export/:what', { schema: EXPORT_SCHEMA }, async (req, reply) => {
    const what = (req.params as { what: string }).what;
    const q = req.query as Record<'format' | 'from' | 'to' | 'today', string | undefined>;
    const values = { from: given(q.from), to: given(q.to), today: given(q.today) };
    const format = given(q.format) ?? 'csv';
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
