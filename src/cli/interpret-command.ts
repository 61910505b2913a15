// `interpret`: how the bot understands a message, for operators, tests and the menu's "how did you understand me"
// (issue 5). Prints the JSON of the issue, one object per message, and changes nothing: it reads the roster once
// (same config, connection and migration as the roster commands) and runs the pure interpreter on it.
//
//   npm run -s cli -- interpret --as <userid> [--now <ISO time>] "<text>"
//   npm run -s cli -- interpret --batch < lines.jsonl     (each line {"as", "text", "now"?}; one result line each)
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { interpret, type Interpretation, type InterpretWriter } from '../conversation/interpret/interpret.ts';
import type { RosterIndex } from '../conversation/interpret/roster-index.ts';
import { loadRosterIndex } from '../conversation/roster-cache.ts';
import type { Database } from '../db/schema.ts';
import { UsageError } from '../errors.ts';
import { findMemberByUserid } from '../roster/responsibility.ts';
import { withDatabase } from './database.ts';

interface InterpretCommand {
  usage: string;
  run(args: string[], out: (line: string) => void, input?: NodeJS.ReadableStream): Promise<void>;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Interprets messages against one database's roster; writers are looked up once each. */
export function createMessageInterpreter(db: Kysely<Database>, index: RosterIndex, timeZone: string) {
  const writers = new Map<string, InterpretWriter>();
  const writer = async (userid: string): Promise<InterpretWriter> => {
    const known = writers.get(userid);
    if (known) return known;
    const who = await findMemberByUserid(db, userid);
    if (!who) throw new Error(`no member has the chat account "${userid}"`);
    if (who.status !== 'active') throw new Error(`the member with the chat account "${userid}" is not active (${who.status})`);
    const w: InterpretWriter = {
      memberId: who.memberId,
      userid: who.userid,
      branchId: who.branch.id,
      generalBranchId: who.generalBranch.id,
      roleCodes: who.roleCodes,
    };
    writers.set(userid, w);
    return w;
  };
  return async (as: string, text: string, now: Date): Promise<Interpretation> =>
    interpret(text, { writer: await writer(as), now, timeZone, index });
}

function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`interpret --now must be an ISO time such as 2026-11-26T10:00:00+08:00 (got ${value})`);
  return d;
}

/** One line of --batch: {"as","text","now"?}; a bad line gives {"error"} and the run ends non-zero. */
function parseBatchLine(line: string): { as: string; text: string; now: Date } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new Error('not a JSON object');
  }
  const o = v as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || typeof o.as !== 'string' || typeof o.text !== 'string') throw new Error('needs {"as": userid, "text": string}');
  if (o.now !== undefined && typeof o.now !== 'string') throw new Error('"now" must be an ISO time string');
  const now = o.now === undefined ? new Date() : new Date(o.now);
  if (Number.isNaN(now.getTime())) throw new Error(`"now" is not an ISO time: ${String(o.now)}`);
  return { as: o.as, text: o.text, now };
}

export const INTERPRET_COMMANDS: Record<string, InterpretCommand> = {
  interpret: {
    usage: 'interpret --as <userid> [--now <ISO time>] "<text>" | --batch   how a message is understood (JSON; changes nothing)',
    async run(args, out, input = process.stdin) {
      let parsed;
      try {
        parsed = parseArgs({
          args,
          allowPositionals: true,
          strict: true,
          options: { as: { type: 'string' }, now: { type: 'string' }, batch: { type: 'boolean' } },
        });
      } catch (err) {
        throw new UsageError(`interpret: ${(err as Error).message}`);
      }
      const { values, positionals } = parsed;
      const batch = values.batch === true;
      const text = positionals.join(' ');
      if (batch && (positionals.length > 0 || values.as !== undefined || values.now !== undefined)) {
        throw new UsageError('interpret --batch reads {"as","text","now"?} lines on stdin and takes no other argument');
      }
      if (!batch && (!values.as || text.trim() === '')) throw new UsageError('interpret needs --as <userid> and "<text>" (or --batch)');
      const now = batch ? undefined : parseNow(values.now);

      await withDatabase(async (db, config) => {
        const index = await loadRosterIndex(db.db);
        log(`interpret: ${db.describe}, ${index.size} active members, time zone ${config.timezone}`);
        const run = createMessageInterpreter(db.db, index, config.timezone);
        if (!batch) {
          out(JSON.stringify(await run(values.as!, text, now!)));
          return;
        }
        let failed = 0;
        let lineNo = 0;
        for await (const line of createInterface({ input, crlfDelay: Infinity })) {
          lineNo += 1;
          if (line.trim() === '') continue;
          try {
            const m = parseBatchLine(line);
            out(JSON.stringify(await run(m.as, m.text, m.now)));
          } catch (err) {
            failed += 1;
            out(JSON.stringify({ error: `line ${lineNo}: ${(err as Error).message}` }));
          }
        }
        if (failed > 0) throw new Error(`${failed} line(s) could not be interpreted`);
      });
    },
  },
};
