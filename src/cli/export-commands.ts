// `export <talks|visits|obligations|greetings|hardship|relief|pairings|evaluations|excellent|commendations|certificates|leadership|
// announcements|suggestions|proposals>`: care records, obligations and birthday greetings (src/care/export.ts), assistance data — the
// hardship registry, relief, pairings (src/assistance/export.ts) —, the incentive records (src/incentive/export.ts)
// and the members' voice (src/voice/export.ts) as CSV or JSON lines, on standard output (or --out FILE), logs on standard error. This is the Organisation Department's tool:
// it exports with the OD's viewer, i.e. full detail, sensitive reasons, notes, causes and amounts included (the
// access rule, src/domain/access.ts). Whoever runs it has the database credentials anyway; a secretary's
// restricted export goes through the chat, which passes its own viewer to the exporter.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { localDate } from '../domain/dates.ts';
import { UsageError } from '../errors.ts';
import { OD_VIEWER } from '../domain/access.ts';
import { exportBytes, exportChunks } from '../export/exports.ts';
import { checkExportRequest, EXPORT_KINDS, type ExportFormat, type ExportKind } from '../export/request.ts';
import { withDatabase } from './database.ts';

interface Command {
  usage: string;
  run(args: string[], out: (line: string) => void): Promise<void>;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Writes with backpressure: waits for 'drain' when the stream's buffer is full. */
async function writeAll(stream: Writable, chunks: AsyncIterable<Buffer>): Promise<number> {
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  return bytes;
}

/** Counts rows as their chunks pass on to the writer. */
async function* counting<T>(chunks: AsyncIterable<readonly T[]>, count: { rows: number }): AsyncGenerator<readonly T[]> {
  for await (const chunk of chunks) {
    count.rows += chunk.length;
    yield chunk;
  }
}

export const EXPORT_COMMANDS: Record<string, Command> = {
  export: {
    // The kinds from the one list the command accepts, so the usage never lags behind a new export.
    usage: `export <${EXPORT_KINDS.join('|')}> [--format csv|json] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--today YYYY-MM-DD] [--out FILE]   care records/obligations, the hardship registry, relief, pairings, the incentive records and the members' voice (announcements, suggestions, proposals) (CSV with BOM, or JSON lines) to stdout; --from/--to by the day a row began; full detail (OD)`,
    async run(args, out) {
      let parsed;
      try {
        parsed = parseArgs({
          args,
          allowPositionals: true,
          strict: true,
          options: {
            format: { type: 'string', default: 'csv' },
            from: { type: 'string' },
            to: { type: 'string' },
            today: { type: 'string' },
            out: { type: 'string' },
          },
        });
      } catch (err) {
        throw new UsageError(`export: ${(err as Error).message}`);
      }
      const { values, positionals } = parsed;
      if (positionals.length !== 1) throw new UsageError(`export needs exactly one of: ${EXPORT_KINDS.join(', ')}`);
      const what = positionals[0] as ExportKind;
      const problem = checkExportRequest({ what, format: values.format, from: values.from, to: values.to, today: values.today });
      if (problem) throw new UsageError(`export: ${problem}`);
      const format = values.format as ExportFormat;

      await withDatabase(async (h, config) => {
        const today = values.today ?? localDate(new Date(), config.timezone);
        // The OD's tool: full detail (see the header comment).
        const count = { rows: 0 };
        const rows = counting(exportChunks(h.db, what, { from: values.from, to: values.to, today, timeZone: config.timezone, viewer: OD_VIEWER }), count);
        const bytes = exportBytes(what, format, rows);
        if (values.out) {
          const file = createWriteStream(values.out);
          // An unwritable path fails here, before any row is read.
          await once(file, 'open').catch((err: Error) => {
            throw new Error(`cannot write ${values.out}: ${err.message}`);
          });
          try {
            await writeAll(file, bytes);
          } finally {
            await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
          }
          out(`exported ${count.rows} ${what} to ${values.out}`);
        } else {
          await writeAll(process.stdout, bytes);
          // The file itself is the result on stdout; the count goes to stderr.
          await new Promise<void>((resolve, reject) => process.stdout.write('', (err) => (err ? reject(err) : resolve())));
        }
        log(`export ${what}: ${count.rows} rows (${format}${values.from ? ` from ${values.from}` : ''}${values.to ? ` to ${values.to}` : ''}, today ${today})`);
      });
    },
  },
};
