// Export of talks, visits and obligations (issue 5 "Records and export"): columns, canonical codes, overdue
// computed at export time, date filters, keyset chunks, CSV quoting and JSON lines, the sensitive-data rule,
// the CLI as a real process (exit codes, stdout/stderr) and the admin route behind its bearer token.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  careExportBytes,
  CareExportError,
  collectCare,
  exportCare,
  exportCareChunks,
  GREETING_COLUMNS,
  OBLIGATION_COLUMNS,
  RECORD_COLUMNS,
  viewerForMember,
  type CareRecordExportRow,
  type GreetingExportRow,
  type ObligationExportRow,
} from '../../src/care/export.ts';
import { runCli } from '../../src/cli.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { Database } from '../../src/db/schema.ts';
import { parseCsv } from '../../src/roster/files.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type DbKind, type TestDb } from '../helpers/db.ts';
import { startStack, waitFor, type Stack } from '../helpers/stack.ts';
import { runEntryToExit } from '../helpers/processes.ts';

const TODAY = '2026-11-26';
const TRICKY_NOTE = '情绪稳定, 说"谢谢组织"\n下次再谈，继续关注';
const FORMULA_NOTE = '=HYPERLINK("http://x","点我")';

interface Seeded {
  ids: Record<string, string>;
  orgs: Record<string, string>;
  records: Record<'talkJob' | 'visitHospital' | 'visitBereavement' | 'talkRoutine' | 'talkOld', string>;
  obligations: Record<'done' | 'overdue' | 'dueToday' | 'quota' | 'cancelled' | 'od', string>;
}

/** The care roster (test/helpers/care-roster.ts) plus a few records and obligations, inserted directly. */
async function seed(db: Kysely<Database>): Promise<Seeded> {
  await importCareRoster(db);
  const members = await db.selectFrom('members').select(['id', 'userid', 'name']).execute();
  const ids: Record<string, string> = {};
  for (const m of members) ids[m.userid ?? m.name] = m.id;
  const orgs: Record<string, string> = {};
  for (const o of await db.selectFrom('organisations').select(['id', 'name']).execute()) orgs[o.name] = o.id;

  const record = async (v: {
    kind: 'talk' | 'visit';
    leader: string;
    member: string;
    on: string;
    reason: string;
    note: string;
    by?: string;
    sentBy?: string;
    at: string;
    undone?: string;
  }) =>
    (
      await db
        .insertInto('care_records')
        .values({
          kind: v.kind,
          leader_member_id: ids[v.leader]!,
          member_id: ids[v.member]!,
          happened_on: v.on,
          reason: v.reason,
          note: v.note,
          recorded_by_member_id: ids[v.by ?? v.leader]!,
          sent_by_member_id: v.sentBy ? ids[v.sentBy]! : null,
          recorded_at: new Date(v.at),
          undone_at: v.undone ? new Date(v.undone) : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  const obligation = async (v: {
    kind: 'talk' | 'visit';
    member: string;
    owner?: string;
    ownerOrg?: string;
    role?: string;
    reason: string;
    source: 'trigger' | 'quota' | 'holiday';
    period?: string;
    due: string;
    status?: 'open' | 'done' | 'cancelled';
    closed?: string;
  }) =>
    (
      await db
        .insertInto('care_obligations')
        .values({
          kind: v.kind,
          member_id: ids[v.member]!,
          owner_member_id: v.owner ? ids[v.owner]! : null,
          owner_organisation_id: v.ownerOrg ? orgs[v.ownerOrg]! : null,
          owner_role: v.role ?? null,
          reason: v.reason,
          source: v.source,
          period: v.period ?? null,
          due_on: v.due,
          status: v.status ?? 'open',
          closed_at: v.closed ? new Date(v.closed) : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  const obDone = await obligation({ kind: 'visit', member: 'zhenglao', owner: 'zhouzhishu', role: 'branch_secretary', reason: 'hospitalised', source: 'trigger', due: '2026-11-25', status: 'done', closed: '2026-11-18T06:00:00Z' });
  const records = {
    talkJob: await record({ kind: 'talk', leader: 'sunzongzhi', member: 'wushengri', on: '2026-11-20', reason: 'job_change', note: TRICKY_NOTE, at: '2026-11-20T02:15:00Z' }),
    visitHospital: await record({ kind: 'visit', leader: 'zhouzhishu', member: 'zhenglao', on: '2026-11-18', reason: 'hospitalised', note: '送慰问金500元', at: '2026-11-18T06:00:00Z' }),
    visitBereavement: await record({ kind: 'visit', leader: 'chuzhishu', member: 'chenbiezhi', on: '2026-10-01', reason: 'bereavement', note: FORMULA_NOTE, by: 'zhaozuzhi', sentBy: 'zhaozuzhi', at: '2026-10-01T12:00:00Z', undone: '2026-10-01T13:30:00Z' }),
    talkRoutine: await record({ kind: 'talk', leader: 'zhouzhishu', member: '冯无号', on: '2026-11-25', reason: 'routine', note: '', at: '2026-11-25T09:00:00Z' }),
    talkOld: await record({ kind: 'talk', leader: 'lishuji', member: 'sunzongzhi', on: '2026-03-01', reason: 'routine', note: '年度谈心', at: '2026-03-01T01:00:00Z' }),
  };
  await db.updateTable('care_records').set({ obligation_id: obDone }).where('id', '=', records.visitHospital).execute();
  await db.updateTable('care_obligations').set({ record_id: records.visitHospital }).where('id', '=', obDone).execute();

  const obligations = {
    done: obDone,
    overdue: await obligation({ kind: 'visit', member: 'zhenglao', ownerOrg: '计算机学院党总支', role: 'gb_secretary', reason: 'hospitalised', source: 'trigger', due: '2026-11-25' }),
    dueToday: await obligation({ kind: 'talk', member: 'wushengri', owner: 'sunzongzhi', role: 'gb_secretary', reason: 'setback', source: 'trigger', due: TODAY }),
    quota: await obligation({ kind: 'talk', member: 'wushengri', owner: 'zhouzhishu', role: 'branch_secretary', reason: 'routine', source: 'quota', period: '2026', due: '2026-12-31' }),
    cancelled: await obligation({ kind: 'talk', member: 'chenbiezhi', owner: 'chuzhishu', role: 'branch_secretary', reason: 'dispute', source: 'trigger', due: '2026-11-01', status: 'cancelled', closed: '2026-10-20T00:00:00Z' }),
    od: await obligation({ kind: 'visit', member: 'zhenglao', ownerOrg: '党委', role: 'od_staff', reason: 'holiday', source: 'holiday', period: 'spring_festival-2027', due: '2027-02-03' }),
  };
  return { ids, orgs, records, obligations };
}

const talks = (db: Kysely<Database>, o: Parameters<typeof collectCare>[2] = {}) => collectCare(db, 'talks', { today: TODAY, ...o }) as Promise<CareRecordExportRow[]>;
const visits = (db: Kysely<Database>, o: Parameters<typeof collectCare>[2] = {}) => collectCare(db, 'visits', { today: TODAY, ...o }) as Promise<CareRecordExportRow[]>;
const obligations = (db: Kysely<Database>, o: Parameters<typeof collectCare>[2] = {}) => collectCare(db, 'obligations', { today: TODAY, ...o }) as Promise<ObligationExportRow[]>;

async function bytesOf(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

describe.each(DB_KINDS)('care export on %s', (kind) => {
  let t: TestDb;
  let s: Seeded;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    s = await seed(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('exports talks with people by userid and name, places, codes, ISO times with offset, undone', async () => {
    const rows = await talks(t.db);
    expect(rows.map((r) => r.id)).toEqual([s.records.talkJob, s.records.talkRoutine, s.records.talkOld]);
    expect(Object.keys(rows[0]!)).toEqual(RECORD_COLUMNS);
    expect(rows[0]).toEqual({
      id: s.records.talkJob,
      happened_on: '2026-11-20',
      leader_userid: 'sunzongzhi',
      leader_name: '孙总支',
      sent_by_userid: null,
      sent_by_name: null,
      member_userid: 'wushengri',
      member_name: '吴生日',
      member_branch: '教工第一党支部',
      member_general_branch: '计算机学院党总支',
      reason: 'job_change',
      note: TRICKY_NOTE,
      obligation_id: null,
      recorded_by_userid: 'sunzongzhi',
      recorded_by_name: '孙总支',
      recorded_at: '2026-11-20T10:15:00+08:00',
      undone: false,
      undone_at: null,
    });
    // A member without a chat account still appears, by name.
    expect(rows[1]).toMatchObject({ member_userid: null, member_name: '冯无号', reason: 'routine', note: '' });
  });

  it('exports visits with the linked obligation, who recorded it, and the undo time', async () => {
    const rows = await visits(t.db);
    expect(rows.map((r) => r.id)).toEqual([s.records.visitHospital, s.records.visitBereavement]);
    expect(rows[0]).toMatchObject({ reason: 'hospitalised', note: '送慰问金500元', obligation_id: s.obligations.done, undone: false });
    expect(rows[1]).toMatchObject({
      reason: 'bereavement',
      leader_userid: 'chuzhishu',
      // 派人 (issue 11 point 4): the OD sent 褚支书, who visited; both are shown.
      leader_name: '褚支书',
      sent_by_userid: 'zhaozuzhi',
      sent_by_name: '赵组织',
      recorded_by_userid: 'zhaozuzhi',
      recorded_by_name: '赵组织',
      member_general_branch: '数学学院党总支',
      undone: true,
      undone_at: '2026-10-01T21:30:00+08:00',
    });
  });

  it('exports obligations with owner person or office, codes, and overdue computed against today', async () => {
    const rows = await obligations(t.db);
    expect(Object.keys(rows[0]!)).toEqual(OBLIGATION_COLUMNS);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(s.obligations.done)).toEqual({
      id: s.obligations.done,
      kind: 'visit',
      member_userid: 'zhenglao',
      member_name: '郑老党员',
      member_branch: '教工第一党支部',
      member_general_branch: '计算机学院党总支',
      owner_userid: 'zhouzhishu',
      owner_name: '周支书',
      owner_organisation: null,
      owner_role: 'branch_secretary',
      reason: 'hospitalised',
      source: 'trigger',
      period: null,
      due_on: '2026-11-25',
      state: 'done',
      closed_at: '2026-11-18T14:00:00+08:00',
      record_id: s.records.visitHospital,
      cancelled_reason: null,
    });
    expect(byId.get(s.obligations.overdue)).toMatchObject({ owner_userid: null, owner_name: null, owner_organisation: '计算机学院党总支', owner_role: 'gb_secretary', state: 'overdue' });
    // Due today is not overdue yet; due tomorrow as seen on the 27th is.
    expect(byId.get(s.obligations.dueToday)!.state).toBe('open');
    expect((await obligations(t.db, { today: '2026-11-27' })).find((r) => r.id === s.obligations.dueToday)!.state).toBe('overdue');
    expect(byId.get(s.obligations.quota)).toMatchObject({ source: 'quota', period: '2026', reason: 'routine', state: 'open' });
    // A cancelled obligation past its date stays cancelled.
    expect(byId.get(s.obligations.cancelled)).toMatchObject({ reason: 'dispute', state: 'cancelled' });
    expect(byId.get(s.obligations.od)).toMatchObject({ owner_organisation: '党委', owner_role: 'od_staff', source: 'holiday', state: 'open' });
    for (const r of rows) expect(['open', 'done', 'cancelled', 'overdue']).toContain(r.state);
  });

  it('filters by date range, inclusive: talks/visits by happened_on, obligations by due_on', async () => {
    expect((await talks(t.db, { from: '2026-11-20', to: '2026-11-25' })).map((r) => r.id)).toEqual([s.records.talkJob, s.records.talkRoutine]);
    expect((await talks(t.db, { to: '2026-11-19' })).map((r) => r.id)).toEqual([s.records.talkOld]);
    expect((await visits(t.db, { from: '2026-11-01' })).map((r) => r.id)).toEqual([s.records.visitHospital]);
    expect((await obligations(t.db, { from: '2026-11-25', to: '2026-11-26' })).map((r) => r.id).sort()).toEqual(
      [s.obligations.done, s.obligations.overdue, s.obligations.dueToday].sort(),
    );
    expect(await talks(t.db, { from: '2030-01-01' })).toEqual([]);
  });

  it('reads in keyset chunks: the same rows whatever the chunk size', async () => {
    const sizes: number[] = [];
    for await (const chunk of exportCareChunks(t.db, 'obligations', { today: TODAY, chunkSize: 4 })) sizes.push(chunk.length);
    expect(sizes).toEqual([4, 2]);
    const small = await obligations(t.db, { chunkSize: 1 });
    expect(small).toEqual(await obligations(t.db));
    const streamed: string[] = [];
    for await (const r of exportCare(t.db, 'talks', { chunkSize: 2 })) streamed.push(r.id);
    expect(streamed).toEqual((await talks(t.db)).map((r) => r.id));
  });

  it('refuses bad options before reading', () => {
    expect(() => exportCareChunks(t.db, 'talks', { from: '2026-02-30' })).toThrow(CareExportError);
    expect(() => exportCareChunks(t.db, 'talks', { from: '2026-11-27', to: '2026-11-26' })).toThrow(/after/);
    expect(() => exportCareChunks(t.db, 'meetings' as 'talks')).toThrow(/unknown export/);
    expect(() => exportCareChunks(t.db, 'talks', { today: '26/11/2026' })).toThrow(/today/);
    expect(() => careExportBytes(t.db, 'talks', 'xml' as 'csv')).toThrow(/format/);
  });

  it('writes CSV for Excel: BOM, CRLF, header of codes, notes with commas, quotes, newlines and Chinese intact', async () => {
    const bytes = await bytesOf(careExportBytes(t.db, 'talks', 'csv', { today: TODAY, chunkSize: 1 }));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    // One BOM only, although the body came in several chunks.
    expect(text.indexOf('\uFEFF', 1)).toBe(-1);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text).toContain('"情绪稳定, 说""谢谢组织""\n下次再谈，继续关注"');
    const rows = parseCsv(text);
    expect(rows[0]!.cells).toEqual([...RECORD_COLUMNS]);
    expect(rows).toHaveLength(4);
    const first = Object.fromEntries(RECORD_COLUMNS.map((c, i) => [c, rows[1]!.cells[i]]));
    expect(first).toMatchObject({ note: TRICKY_NOTE, member_name: '吴生日', reason: 'job_change', undone: 'false', obligation_id: '', recorded_at: '2026-11-20T10:15:00+08:00' });
    // Free text never becomes a formula in the OD's spreadsheet.
    const v = parseCsv((await bytesOf(careExportBytes(t.db, 'visits', 'csv', { today: TODAY }))).toString('utf8'));
    const note = RECORD_COLUMNS.indexOf('note');
    expect(v[2]!.cells[note]).toBe(`'${FORMULA_NOTE}`);
    expect(v[2]!.cells[RECORD_COLUMNS.indexOf('undone')]).toBe('true');
  });

  it('writes JSON lines: one object per line, exact text, null for empty', async () => {
    const text = (await bytesOf(careExportBytes(t.db, 'visits', 'json', { today: TODAY, chunkSize: 1 }))).toString('utf8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    const rows = lines.map((l) => JSON.parse(l) as CareRecordExportRow);
    expect(rows).toEqual(await visits(t.db));
    expect(rows[1]!.note).toBe(FORMULA_NOTE);
    const ob = (await bytesOf(careExportBytes(t.db, 'obligations', 'json', { today: TODAY }))).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(ob.find((r) => r.id === s.obligations.overdue).state).toBe('overdue');
    // Empty exports are empty (CSV: the header alone).
    expect((await bytesOf(careExportBytes(t.db, 'talks', 'json', { from: '2030-01-01' }))).length).toBe(0);
    expect((await bytesOf(careExportBytes(t.db, 'talks', 'csv', { from: '2030-01-01' }))).toString('utf8')).toBe(`\uFEFF${RECORD_COLUMNS.join(',')}\r\n`);
  });

  it('shows sensitive reasons and notes only to the member, their branch secretary, their GB leaders and the OD', async () => {
    const as = async (who: string) => (await viewerForMember(t.db, s.ids[who]!))!;
    const visible = (rows: CareRecordExportRow[]) => Object.fromEntries(rows.map((r) => [r.member_userid ?? r.member_name, `${r.reason}|${r.note}`]));

    // 周支书: branch secretary of 教工第一党支部 and member of 计算机学院党总支's committee.
    const zhou = await as('zhouzhishu');
    expect(visible(await visits(t.db, { viewer: zhou }))).toEqual({ zhenglao: 'hospitalised|送慰问金500元', chenbiezhi: 'restricted|' });
    // 褚支书: secretary of 数学学院's branch and GB — the other way round.
    const chu = await as('chuzhishu');
    expect(visible(await visits(t.db, { viewer: chu }))).toEqual({ zhenglao: 'restricted|', chenbiezhi: `bereavement|${FORMULA_NOTE}` });
    // A non-sensitive reason stays, its note does not.
    expect(visible(await talks(t.db, { viewer: chu }))).toMatchObject({ wushengri: 'job_change|', sunzongzhi: 'routine|' });
    // The member sees their own rows only.
    const chen = await as('chenbiezhi');
    expect(visible(await visits(t.db, { viewer: chen }))).toEqual({ zhenglao: 'restricted|', chenbiezhi: `bereavement|${FORMULA_NOTE}` });
    // OD staff and the OD's tools (no viewer) see everything.
    const full = visible(await visits(t.db));
    expect(full).toEqual({ zhenglao: 'hospitalised|送慰问金500元', chenbiezhi: `bereavement|${FORMULA_NOTE}` });
    expect(visible(await visits(t.db, { viewer: await as('zhaozuzhi') }))).toEqual(full);
    // The committee secretary and a committee member linked to the GB are not on MECHANISM's list.
    for (const who of ['lishuji', 'qianweiyuan']) {
      expect(visible(await visits(t.db, { viewer: await as(who) }))).toEqual({ zhenglao: 'restricted|', chenbiezhi: 'restricted|' });
    }
    // Obligations: the reason is redacted the same way; people, dates and states stay.
    const obs = await obligations(t.db, { viewer: chu });
    expect(obs.find((r) => r.id === s.obligations.overdue)).toMatchObject({ reason: 'restricted', state: 'overdue', member_userid: 'zhenglao' });
    expect(obs.find((r) => r.id === s.obligations.quota)!.reason).toBe('routine');
    expect(obs.find((r) => r.id === s.obligations.cancelled)!.reason).toBe('dispute');
    // And the writers carry the redaction through.
    const csv = (await bytesOf(careExportBytes(t.db, 'visits', 'csv', { viewer: chu }))).toString('utf8');
    expect(csv).not.toContain('送慰问金');
    expect(csv).not.toContain('hospitalised');
    expect(await viewerForMember(t.db, '999999')).toBeUndefined();
  });
});

// ---- CLI, as a real process ----

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function spawnCli(env: NodeJS.ProcessEnv, args: string[]): Promise<Run> {
  const r = await runEntryToExit(['src/cli.ts', ...args], env);
  return { code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function cliEnv(kind: DbKind, url: string | undefined, dataDir: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', APP_TIMEZONE: 'Asia/Shanghai' };
  delete e.DATABASE_URL;
  delete e.DATA_DIR;
  if (kind === 'postgres') e.DATABASE_URL = url;
  else e.DATA_DIR = dataDir;
  return e;
}

describe.each(DB_KINDS)('export CLI as a process on %s', (kind) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-care-export-'));
  let t: TestDb | undefined;
  let s: Seeded;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    if (kind === 'postgres') {
      t = await createTestDatabase('postgres');
      s = await seed(t.db);
    } else {
      // A file-backed PGlite the CLI process opens after this one has closed it.
      const h = await connectDatabase({ dataDir: path.join(dir, 'data') });
      await migrateToLatest(h.db);
      s = await seed(h.db);
      await h.close();
    }
    env = cliEnv(kind, t?.url, path.join(dir, 'data'));
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes CSV with a BOM to stdout, the count to stderr, and JSON lines with --today; --out writes a file', async () => {
    const csv = await spawnCli(env, ['export', 'talks', '--format', 'csv', '--from', '2026-11-01']);
    expect(csv.stderr).toContain('export talks: 2 rows');
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith(`\uFEFF${RECORD_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(parseCsv(csv.stdout)).toHaveLength(3);

    const json = await spawnCli(env, ['export', 'obligations', '--format', 'json', '--today', TODAY]);
    expect(json.code).toBe(0);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as ObligationExportRow);
    expect(rows).toHaveLength(6);
    expect(rows.find((r) => r.id === s.obligations.overdue)!.state).toBe('overdue');
    expect(rows.find((r) => r.id === s.obligations.done)).toMatchObject({ reason: 'hospitalised', owner_userid: 'zhouzhishu', owner_name: '周支书' });

    const file = path.join(dir, 'visits.csv');
    const out = await spawnCli(env, ['export', 'visits', '--out', file]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`exported 2 visits to ${file}`);
    // The OD's tool: full detail.
    const written = readFileSync(file, 'utf8');
    expect(written.startsWith('\uFEFF')).toBe(true);
    expect(written).toContain('送慰问金500元');

    // The political-birthday greetings (issue 16): nothing swept here, so pending, or no_account without one.
    const greetings = await spawnCli(env, ['export', 'greetings', '--format', 'json', '--today', TODAY]);
    expect(greetings.code).toBe(0);
    expect(greetings.stderr).toContain('export greetings:');
    const g = greetings.stdout.trim().split('\n').map((l) => JSON.parse(l) as GreetingExportRow);
    expect(g.find((r) => r.member_name === '冯无号')).toMatchObject({ state: 'no_account', birthday_on: TODAY, member_userid: null });
    expect(g.find((r) => r.member_name === '吴生日')).toMatchObject({ state: 'pending', birthday_on: TODAY, party_years: 14 });
  });
});

const BAD_ARGS: Array<[string[], string]> = [
  [['export'], 'exactly one of: talks, visits, obligations'],
  [['export', 'meetings'], 'unknown export "meetings"'],
  [['export', 'talks', 'visits'], 'exactly one of'],
  [['export', 'talks', '--format', 'xml'], 'format must be csv or json'],
  [['export', 'talks', '--from', '2026-02-30'], 'from must be a real date as YYYY-MM-DD'],
  [['export', 'talks', '--to', '11/26'], 'to must be a real date'],
  [['export', 'talks', '--from', '2026-11-27', '--to', '2026-11-26'], 'from (2026-11-27) is after to (2026-11-26)'],
  [['export', 'talks', '--since', '2026-01-01'], "Unknown option '--since'"],
];
// No database is touched: the arguments are checked first (an unreachable URL proves it).
const NO_DB = 'postgres://nobody@127.0.0.1:1/none';

describe('export CLI refuses bad arguments with exit 2 and a clear message', () => {
  // A process start costs ~2 s: the exit code contract as a process for three, every case in process.
  it.each([BAD_ARGS[1]!, BAD_ARGS[4]!, BAD_ARGS[6]!])('as a process: %j', async (args, message) => {
    const r = await spawnCli({ ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: NO_DB }, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it.each(BAD_ARGS)('in process: %j', async (args, message) => {
    const errs: string[] = [];
    const outs: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => errs.push(String(chunk)) > 0));
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = NO_DB;
    try {
      expect(await runCli(args, (l) => outs.push(l) > 0)).toBe(2);
    } finally {
      stderr.mockRestore();
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
    expect(errs.join('')).toContain(message);
    expect(outs).toEqual([]);
  });
});

// ---- admin HTTP ----

describe.each(DB_KINDS)('GET /admin/export/:what on %s', (kind) => {
  const TOKEN = 'care-export-admin-token-0123456789';
  const auth = { authorization: `Bearer ${TOKEN}` };
  let stack: Stack;
  let s: Seeded;
  beforeAll(async () => {
    stack = await startStack({ dbKind: kind, env: { ADMIN_TOKEN: TOKEN } });
    s = await seed(stack.db.db);
  });
  afterAll(async () => {
    await stack.close();
  });
  const get = (url: string, headers: Record<string, string> = auth) => fetch(`${stack.baseUrl}${url}`, { headers });

  it('answers 401 without the token or with a wrong one, and exports nothing', async () => {
    const none = await get('/admin/export/talks', {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.text()).not.toContain('吴生日');
    expect((await get('/admin/export/talks', { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
  });

  it('streams CSV (BOM) and JSON lines with the right headers, full detail for the OD', async () => {
    const csv = await get('/admin/export/visits?format=csv&from=&to=');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="care-visits-\d{4}-\d{2}-\d{2}\.csv"$/);
    // Streamed: no length known in advance.
    expect(csv.headers.get('content-length')).toBeNull();
    expect(csv.headers.get('transfer-encoding')).toBe('chunked');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.toString('utf8'));
    expect(rows.map((r) => r.cells[0])).toEqual(['id', s.records.visitHospital, s.records.visitBereavement]);
    expect(bytes.toString('utf8')).toContain('送慰问金500元');

    const json = await get(`/admin/export/obligations?format=json&from=2026-11-25&to=2026-11-26&today=${TODAY}`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(json.headers.get('content-disposition')).toBe(`attachment; filename="care-obligations-${TODAY}.jsonl"`);
    const obs = (await json.text()).trim().split('\n').map((l) => JSON.parse(l) as ObligationExportRow);
    expect(Object.fromEntries(obs.map((o) => [o.id, o.state]))).toEqual({
      [s.obligations.done]: 'done',
      [s.obligations.overdue]: 'overdue',
      [s.obligations.dueToday]: 'open',
    });

    const greetings = await get(`/admin/export/greetings?today=${TODAY}&from=${TODAY}`);
    expect(greetings.status).toBe(200);
    expect(greetings.headers.get('content-disposition')).toBe(`attachment; filename="care-greetings-${TODAY}.csv"`);
    const g = parseCsv(await greetings.text());
    expect(g[0]!.cells).toEqual([...GREETING_COLUMNS]);
    expect(g.slice(1).map((r) => r.cells[1]).sort()).toEqual(['冯无号', '吴生日', '郑老党员', '陈别支'].sort());

    // csv is the default format.
    const talks = await get('/admin/export/talks');
    expect(talks.status).toBe(200);
    expect(parseCsv(await talks.text())).toHaveLength(4);
  });

  it('audits each export: the route, the options and how many rows went out (issue 8.10)', async () => {
    const res = await get(`/admin/export/obligations?format=json&from=2026-11-25&to=2026-11-26&today=${TODAY}`);
    const sent = (await res.text()).trim().split('\n').length;
    const row = await waitFor(async () => {
      const r = await sql<{ actor: string; route: string; path: string; query: Record<string, string>; status: number; rows: number }>`
        select actor, route, path, query, status, rows from admin_audit where path = '/admin/export/obligations' and query->>'format' = 'json' order by id desc limit 1`.execute(stack.db.db);
      return r.rows[0];
    }, 60_000, 'the audit row');
    expect(row).toEqual({
      actor: 'admin token',
      route: '/admin/export/:what',
      path: '/admin/export/obligations',
      query: { format: 'json', from: '2026-11-25', to: '2026-11-26', today: TODAY },
      status: 200,
      rows: sent,
    });
    expect(sent).toBe(3);
    expect(stack.logs.join('')).not.toContain(TOKEN);
  });

  it('answers 400 with the reason for bad parameters', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/admin/export/meetings', /params\/what must be equal to one of the allowed values/],
      ['/admin/export/talks?format=xlsx', /querystring\/format must be equal to one of the allowed values/],
      ['/admin/export/talks?from=2026-13-01', /from must be a real date/],
      ['/admin/export/talks?to=yesterday', /querystring\/to must match pattern/],
      ['/admin/export/talks?from=2026-11-27&to=2026-11-26', /is after to/],
      ['/admin/export/obligations?today=2026-2-3', /querystring\/today must match pattern/],
      ['/admin/export/talks?from=2026-01-01&from=2026-02-01', /querystring\/from must be string/],
    ];
    for (const [url, reason] of cases) {
      const res = await get(url);
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, url).toMatch(reason);
    }
  });
});
