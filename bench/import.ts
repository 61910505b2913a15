// npm run bench:import [-- --members 100000 --seed 1]
//
// Times `import-roster` end to end (read the CSV, check every row, plan, write in one transaction) on a
// seed-demo roster written to a CSV file, then a re-import of the same file (nothing changes), and, as a
// baseline in the same run on the same server, a plain multi-row INSERT of as many rows into a bare table
// (no constraints, no indexes, 1,000 rows per statement). Prints rows/s and the ratio import / baseline,
// and PASS/FAIL against the goal of issue 3 (100,000 members in under a minute). Exit 1 means the bench broke.
//
// Uses a fresh PostgreSQL database pc_bench_<random> (dropped at the end) unless DATABASE_URL is set, in which
// case that database must have no members yet (the bench never mixes fictional people into a real roster).
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { connectDatabase } from '../src/db/connect.ts';
import { entriesToCsv } from '../src/roster/export.ts';
import { importRosterFile } from '../src/roster/import.ts';
import { RosterRepository } from '../src/roster/repository.ts';
import { generateDemoRoster } from '../src/roster/seed-demo.ts';
import { prepareDatabase } from './lib/infra.ts';

const GOAL_SECONDS = 60;
const BASELINE_ROWS_PER_STATEMENT = 1_000;

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: false,
});
if (args.help) {
  console.log('usage: npm run bench:import -- [--members N] [--seed S]\n  env: DATABASE_URL (an empty database to use), BENCH_PG_ADMIN_URL');
  process.exit(0);
}
const members = Number(args.members);
if (!Number.isInteger(members) || members < 100) {
  console.error('--members must be an integer ≥ 100');
  process.exit(1);
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;
const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')} rows/s`;
const line = (label: string, s: number, extra = '') => console.log(`  ${label.padEnd(28)} ${s.toFixed(2).padStart(7)} s  ${extra}`);

async function baselineInsert(url: string, rows: string[][]): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`create table bench_import_baseline (name text, userid text, gender text, birth_date date, join_date date,
      full_member_date date, branch_id bigint, cadre_level text, phone text, status text, status_changed_on date)`);
    const t0 = performance.now();
    await c.query('begin');
    for (let i = 0; i < rows.length; i += BASELINE_ROWS_PER_STATEMENT) {
      const part = rows.slice(i, i + BASELINE_ROWS_PER_STATEMENT);
      const width = part[0]!.length;
      const tuples = part.map((_, r) => `(${Array.from({ length: width }, (_, k) => `$${r * width + k + 1}`).join(',')})`);
      await c.query(`insert into bench_import_baseline values ${tuples.join(',')}`, part.flat().map((v) => (v === '' ? null : v)));
    }
    await c.query('commit');
    const s = seconds(t0);
    await c.query('drop table bench_import_baseline');
    return s;
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const today = new Date().toISOString().slice(0, 10);
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-bench-import-'));
  const file = path.join(dir, 'roster.csv');

  let t0 = performance.now();
  const demo = generateDemoRoster({ members, seed: args.seed, today });
  writeFileSync(file, entriesToCsv(demo.entries));
  const generateSeconds = seconds(t0);

  const bench = await prepareDatabase(process.env.DATABASE_URL, adminUrl);
  const h = await connectDatabase({ databaseUrl: bench.url, poolSize: 2 });
  try {
    if ((await new RosterRepository(h.db).countMembers()) > 0) throw new Error(`${bench.describe} already has members: give an empty database`);
    console.log(`import-roster bench: ${members.toLocaleString('en-US')} members, CSV ${(statSync(file).size / 1e6).toFixed(1)} MB, ${bench.describe}`);
    line('generate + write CSV', generateSeconds);

    t0 = performance.now();
    const first = await importRosterFile(h.db, await readFile(file), { today });
    const importSeconds = seconds(t0);
    if (!first.ok) throw new Error(`import rejected the demo roster: ${JSON.stringify(first.errors.slice(0, 3))}`);
    if (first.report.members.created !== members) throw new Error(`expected ${members} created, got ${JSON.stringify(first.report.members)}`);
    line('import (empty database)', importSeconds, `${rate(members, importSeconds)}  ${importSeconds < GOAL_SECONDS ? 'PASS' : 'FAIL'} (goal < ${GOAL_SECONDS} s)`);

    t0 = performance.now();
    const again = await importRosterFile(h.db, await readFile(file), { today });
    const reimportSeconds = seconds(t0);
    if (!again.ok || again.report.members.unchanged !== members) throw new Error(`re-import was not a no-op: ${JSON.stringify(again.ok ? again.report.members : again.errors[0])}`);
    line('re-import (nothing changes)', reimportSeconds, rate(members, reimportSeconds));

    // Baseline: the same values, minus everything the import adds (parsing, checks, matching, constraints,
    // indexes, roles): what the server needs just to store this many rows.
    const rows = demo.entries.map((e) => [e.name, e.userid ?? '', e.gender ?? '', e.birthDate ?? '', e.joinDate, e.fullMemberDate ?? '', '1', e.cadreLevel ?? '', e.phone ?? '', 'active', '']);
    const baselineSeconds = await baselineInsert(bench.url, rows);
    line('baseline multi-row INSERT', baselineSeconds, `${rate(members, baselineSeconds)}  (bare table, ${BASELINE_ROWS_PER_STATEMENT} rows per statement)`);
    console.log(`  ratio import / baseline       ${(importSeconds / baselineSeconds).toFixed(2)}×`);
  } finally {
    await h.close();
    await bench.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench:import failed: ${(err as Error).message}`);
  process.exit(1);
});
