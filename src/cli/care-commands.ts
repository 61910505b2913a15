// Care-calendar commands: run the sweep for a day, record a branch's collective political-birthday activity,
// and submit a GB's May/November hardship verification for it (the same submission as 核实完毕 in chat).
import { parseArgs } from 'node:util';
import { boot } from '../boot.ts';
import { localDate, parseIsoDate } from '../domain/dates.ts';
import { UsageError } from '../errors.ts';
import { decideNotices, runSweep } from '../notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { withDatabase } from './database.ts';
import type { DbHandle } from '../db/connect.ts';
import { BranchReportRepository } from '../db/branch-report-repository.ts';
import { noticeDeliveries, submitVerification, verifierNamed } from '../assistance/verification.ts';
import { OrganisationRepository } from '../db/organisation-repository.ts';
import { SweepRepository } from '../notices/sweep-repository.ts';
import { recordNotices } from '../services/outbox.ts';

interface Command {
  usage: string;
  run(args: string[], out: (line: string) => void): Promise<void>;
}

function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], spec: T, command: string) {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values as { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message}`);
  }
}

function isoDate(value: string | undefined, name: string, command: string): string {
  if (!value) throw new UsageError(`${command} needs --${name} YYYY-MM-DD`);
  try {
    parseIsoDate(value);
  } catch {
    throw new UsageError(`${command}: --${name} must be a real date as YYYY-MM-DD (got "${value}")`);
  }
  return value;
}

function period(value: string | undefined, name: string, command: string): string {
  if (!value || !/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new UsageError(`${command} needs --${name} YYYY-MM`);
  return value;
}

/**
 * An organisation of the given kind by its exact name, narrowed by its parent's name when given (`--general-branch`
 * for a branch) or written as a path ("计算机学院党总支/教工第一党支部"). Refuses an unknown or ambiguous name,
 * listing the candidates' paths so the caller can name one.
 */
export async function organisationByName(db: DbHandle['db'], kind: 'branch' | 'general_branch', written: string, parentName?: string): Promise<{ id: string; path: string }> {
  const parts = written.split('/').map((x) => x.trim());
  const name = parts.pop()!;
  const parent = parentName ?? (parts.length > 0 ? parts.join('/') : undefined);
  const named = await new OrganisationRepository(db).byKindAndName(kind, name);
  const pathOf = (r: { name: string; parent: string | null }) => (r.parent ? `${r.parent}/${r.name}` : r.name);
  const label = kind === 'branch' ? '党支部' : '党总支';
  const matching = parent === undefined ? named : named.filter((r) => r.parent === parent);
  if (matching.length === 0) {
    if (named.length > 0) throw new Error(`“${parent}”下没有名为“${name}”的${label}；同名的有：${named.map(pathOf).join('、')}`);
    throw new Error(`没有名为“${name}”的${label}`);
  }
  if (matching.length > 1) {
    const hint = kind === 'branch' ? '请用 --general-branch 指明所属党总支，或写成“党总支/党支部”' : '请写成“党委/党总支”';
    throw new Error(`有 ${matching.length} 个名为“${name}”的${label}：${matching.map(pathOf).join('、')}。${hint}`);
  }
  return { id: matching[0]!.id, path: pathOf(matching[0]!) };
}

export const CARE_COMMANDS: Record<string, Command> = {
  sweep: {
    usage: 'sweep --date YYYY-MM-DD [--dry-run]   decide (and send) the notices due that day',
    async run(args, out) {
      const o = options(args, { date: { type: 'string' }, 'dry-run': { type: 'boolean' } }, 'sweep');
      const date = isoDate(o.date, 'date', 'sweep');
      if (o['dry-run']) {
        await withDatabase(async ({ db }) => {
          for (const n of await decideNotices({ db }, date, false)) {
            out(JSON.stringify({ kind: n.kind, recipient: n.recipientUserid, subject: n.subject, period: n.period, message: n.message }));
          }
        });
        return;
      }
      const deps = await boot();
      try {
        const r = await runSweep(sweepDeps(deps), date);
        out(JSON.stringify({ date: r.date, late: r.late, decided: r.decided, recorded: r.recorded, enqueued: r.enqueued, failed: r.failed }));
        if (r.failed.length > 0) throw new Error(`sweep of ${r.date} incomplete: ${r.failed.join(', ')} failed (see the log); run it again`);
      } finally {
        await deps.close();
      }
    },
  },
  'log-birthday-activity': {
    usage: 'log-birthday-activity --branch NAME|GB/NAME [--general-branch GB] --month YYYY-MM [--note TEXT]   record a branch\'s collective political birthday',
    async run(args, out) {
      const o = options(args, { branch: { type: 'string' }, 'general-branch': { type: 'string' }, month: { type: 'string' }, note: { type: 'string' } }, 'log-birthday-activity');
      if (!o.branch) throw new UsageError('log-birthday-activity needs --branch NAME');
      const p = period(o.month, 'month', 'log-birthday-activity');
      await withDatabase(async ({ db }) => {
        const branch = await organisationByName(db, 'branch', o.branch!, o['general-branch']);
        const logged = await new BranchReportRepository(db).logBirthdayActivity({ organisationId: branch.id, period: p, byMemberId: null, note: o.note ?? '' });
        out(logged ? `已登记：${branch.path} ${p} 集体过政治生日活动` : `${branch.path} ${p} 的活动此前已登记`);
      });
    },
  },
  'hardship-reviewed': {
    usage:
      "hardship-reviewed --general-branch NAME|COMMITTEE/NAME --period YYYY-MM [--actor ID|ACCOUNT] [--note TEXT]   submit a GB's May/November verification (unmarked entries confirmed unchanged; the OD is told)",
    async run(args, out) {
      const o = options(args, { 'general-branch': { type: 'string' }, period: { type: 'string' }, actor: { type: 'string' }, note: { type: 'string' } }, 'hardship-reviewed');
      const name = o['general-branch'];
      if (!name) throw new UsageError('hardship-reviewed needs --general-branch NAME');
      const p = period(o.period, 'period', 'hardship-reviewed');
      if (!['05', '11'].includes(p.slice(5))) throw new UsageError('hardship-reviewed: the verification is in May or November (--period YYYY-05 or YYYY-11)');
      await withDatabase(async ({ db }, config) => {
        const gb = await organisationByName(db, 'general_branch', name);
        const now = new Date();
        const told = await db.transaction().execute(async (trx) => {
          // Without --actor the OD's own tool submits, recorded without a person (as the old record was).
          const verifier = o.actor === undefined ? null : await verifierNamed(trx, o.actor);
          if (verifier === undefined) throw new UsageError(`hardship-reviewed: --actor ${o.actor} is not an active member (member id or chat account)`);
          const c = { trx, now, today: localDate(now, config.timezone), timeZone: config.timezone };
          const r = await submitVerification(c, { gbId: gb.id, period: p, verifier, note: o.note ?? '' });
          if (!r.ok && r.refusal === 'not_allowed') throw new Error(`hardship-reviewed: ${o.actor} may not verify ${gb.path} (its secretary or the OD)`);
          if (!r.ok) {
            out(`${gb.path} ${p} 此前已上报${r.submitted.by ? `（${r.submitted.by}）` : ''}`);
            return 0;
          }
          const ids = await recordNotices(
            undefined,
            config.platforms,
            noticeDeliveries(r.notices, { platform: config.platform, now, timeZone: config.timezone, quietHours: config.quietHours }),
            trx,
          );
          out(`已登记：${gb.path} ${p} 困难党员核实已上报（核实后 ${r.summary.verifiedCount} 名，其中 ${r.confirmedNow} 名按无变化上报）`);
          return ids.length;
        });
        // The running service's relay sends them (this command does not talk to Redis).
        if (told > 0) out(`党委组织部的通知已排队（${told} 条），由运行中的服务发送`);
      });
    },
  },
  'sweep-status': {
    usage: 'sweep-status                  the days swept lately and their notice counts',
    async run(_args, out) {
      await withDatabase(async ({ db }) => {
        const days = await new SweepRepository(db).recentDays(14);
        for (const r of days) out(`${r.date}\t${r.notices}${r.late ? '\t(late)' : ''}`);
        if (days.length === 0) out('no day swept yet');
      });
    },
  },
};
