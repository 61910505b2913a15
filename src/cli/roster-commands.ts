// Roster commands for src/cli.ts: import-roster, export-roster, seed-demo. Results on standard output, progress
// on standard error, and a thrown error (non-zero exit) on any failure, so scripts can rely on them. They need
// the database only: the same config loading and migration as `migrate`, no Redis.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from '../config.ts';
import { refreshQuotaObligationsAfterImport } from '../care/obligations.ts';
import { ensureQuotaObligations, whenTodaysPushesGo } from '../notices/sweep.ts';
import { UsageError } from '../errors.ts';
import { localDate } from '../domain/dates.ts';
import { exportRoster } from '../roster/export.ts';
import { importRosterFile, type ImportReport } from '../roster/import.ts';
import type { RowError } from '../roster/parse.ts';
import { MIN_DEMO_MEMBERS, seedDemo } from '../roster/seed-demo.ts';
import { withDatabase } from './database.ts';

interface RosterCommand {
  usage: string;
  run(args: string[], out: (line: string) => void): Promise<void>;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function usageError(message: string): Promise<Error> {
  return new UsageError(message);
}

async function parse<T extends ParseArgsConfig>(config: T, command: string): Promise<ReturnType<typeof parseArgs<T>>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw await usageError(`${command}: ${(err as Error).message}`);
  }
}

const today = (config: Config) => localDate(new Date(), config.timezone);

export function formatRowErrors(errors: readonly RowError[]): string[] {
  return errors.map((e) => `第 ${e.row} 行${e.column ? `（${e.column}）` : ''}：${e.reason}`);
}

export function formatReport(r: ImportReport): string[] {
  const m = r.members;
  const lines = [
    `${r.dryRun ? '试运行（未写入任何数据）' : '导入完成'}：共 ${r.rows} 行；新增 ${m.created} 人，更新 ${m.updated} 人，未变 ${m.unchanged} 人${m.retired ? `，标记转出 ${m.retired} 人` : ''}`,
  ];
  // New organisations come right after the totals, each on its own line: a misspelt name shows at once.
  if (r.organisations.created.length > 0) {
    lines.push(`【新建组织 ${r.organisations.created.length} 个，请核对名称】`, ...r.organisations.created.map((o) => `  + ${o}`));
  }
  if (r.missing.count > 0) {
    lines.push(
      `数据库中在册但名册中没有的党员 ${r.missing.count} 人${m.retired ? '（已标记为转出）' : '（未删除；加 --retire-missing 可标记为转出）'}：`,
      ...r.missing.sample.map((x) => `  ${x.name}${x.userid ? `（${x.userid}）` : ''} ${x.generalBranch} / ${x.branch}`),
    );
    if (r.missing.count > r.missing.sample.length) lines.push(`  …… 另有 ${r.missing.count - r.missing.sample.length} 人`);
  }
  if (r.changes.count > 0 && (r.dryRun || r.changes.count <= 20)) {
    lines.push(
      '变更：',
      ...r.changes.sample.map((c) => `  第 ${c.row} 行 ${c.name}：${c.action === 'create' ? '新增' : `更新 ${c.fields.join('、')}`}`),
    );
    if (r.changes.count > r.changes.sample.length) lines.push(`  …… 另有 ${r.changes.count - r.changes.sample.length} 处变更`);
  }
  if (r.ignoredColumns.length > 0) lines.push(`已忽略的列：${r.ignoredColumns.join('、')}`);
  for (const w of r.warnings) lines.push(`注意：${w}`);
  return lines;
}

export const ROSTER_COMMANDS: Record<string, RosterCommand> = {
  'import-roster': {
    usage: 'import-roster <file.csv|file.xlsx> [--dry-run] [--retire-missing] [--allow-new-organisations] [--json]   import the roster (all or nothing)',
    async run(args, out) {
      const { values, positionals } = await parse(
        {
          args,
          allowPositionals: true,
          strict: true,
          options: { 'dry-run': { type: 'boolean' }, 'retire-missing': { type: 'boolean' }, 'allow-new-organisations': { type: 'boolean' }, json: { type: 'boolean' } },
        },
        'import-roster',
      );
      const file = positionals[0];
      if (!file || positionals.length > 1) throw await usageError('import-roster needs exactly one <file.csv|file.xlsx>');
      const bytes = await readFile(file).catch((err: Error) => {
        throw new Error(`cannot read ${file}: ${err.message}`);
      });
      await withDatabase(async (db, config) => {
        const started = performance.now();
        const outcome = await importRosterFile(db.db, bytes, {
          dryRun: values['dry-run'] === true,
          retireMissing: values['retire-missing'] === true,
          allowNewOrganisations: values['allow-new-organisations'] === true,
          today: today(config),
        });
        if (!outcome.ok) {
          if (values.json) out(JSON.stringify({ ok: false, errors: outcome.errors }, null, 2));
          else out(['名册有误，未写入任何数据：', ...formatRowErrors(outcome.errors)].join('\n'));
          throw new Error(`${new Set(outcome.errors.map((e) => e.row)).size} invalid row(s) in ${file}; nothing was written`);
        }
        out(values.json ? JSON.stringify({ ok: true, report: outcome.report }, null, 2) : formatReport(outcome.report).join('\n'));
        if (!outcome.report.dryRun) {
          const q = await refreshQuotaObligationsAfterImport(db.db, today(config), new Date());
          if (q.opened + q.cancelled > 0) log(`import-roster: yearly talk quotas: ${q.opened} opened, ${q.cancelled} cancelled`);
        }
        log(`import-roster: ${outcome.report.rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      });
    },
  },
  'export-roster': {
    usage: 'export-roster [--format csv|xlsx] [--out FILE]   export active members (CSV to stdout unless --out)',
    async run(args, out) {
      const { values, positionals } = await parse(
        { args, allowPositionals: true, strict: true, options: { format: { type: 'string', default: 'csv' }, out: { type: 'string' } } },
        'export-roster',
      );
      const format = values.format;
      if (format !== 'csv' && format !== 'xlsx') throw await usageError('export-roster --format must be csv or xlsx');
      if (positionals.length > 0) throw await usageError(`export-roster takes no positional argument (got ${positionals.join(' ')})`);
      if (format === 'xlsx' && !values.out && process.stdout.isTTY) throw await usageError('export-roster --format xlsx needs --out FILE (binary output)');
      await withDatabase(async (db) => {
        const { bytes, members } = await exportRoster(db.db, format);
        if (values.out) {
          await writeFile(values.out, bytes);
          out(`已导出 ${members} 名党员到 ${values.out}`);
        } else {
          // The file itself is the result: raw bytes (BOM, CRLF) straight to stdout, the count to stderr.
          await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (err) => (err ? reject(err) : resolve())));
          log(`export-roster: ${members} members`);
        }
      });
    },
  },
  'seed-demo': {
    usage: `seed-demo [--members N] [--seed S]   fill an EMPTY database with a fictional university (default 300 members, min ${MIN_DEMO_MEMBERS})`,
    async run(args, out) {
      const { values, positionals } = await parse(
        { args, allowPositionals: true, strict: true, options: { members: { type: 'string', default: '300' }, seed: { type: 'string', default: '1' } } },
        'seed-demo',
      );
      const members = Number(values.members);
      if (!Number.isInteger(members) || members < MIN_DEMO_MEMBERS) throw await usageError(`seed-demo --members must be an integer ≥ ${MIN_DEMO_MEMBERS}`);
      if (positionals.length > 0) throw await usageError(`seed-demo takes no positional argument (got ${positionals.join(' ')})`);
      await withDatabase(async (db, config) => {
        log(`seed-demo: generating ${members} members (seed ${values.seed})`);
        const r = await seedDemo(db.db, { members, seed: values.seed, today: today(config) });
        // The year's talk quotas exist from the start: 谈心进度 must not say "no quota" before the first sweep.
        await ensureQuotaObligations(db.db, Number(today(config).slice(0, 4)), new Date());
        out(
          `已创建演示数据：${r.members} 名党员，${r.generalBranches} 个党总支，${r.branches} 个党支部；` +
            `今天过政治生日 ${r.politicalBirthdaysToday} 人（祝福${whenTodaysPushesGo(new Date(), config.timezone, config.quietHours)}），预备党员 ${r.probationary} 人；` +
            `生活困难党员 ${r.hardship.approved} 名、待审核申报 ${r.hardship.pending} 份（${r.seconds.toFixed(1)} 秒）`,
        );
      });
    },
  },
};
