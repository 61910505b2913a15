// Exports of assistance data (issue 12 section 6): the hardship registry, relief (subsidies with their payments,
// emergency aid) and pairings — columns, canonical codes, people by account and name, money as exact yuan
// strings, the date filters, keyset chunks, CSV (BOM, formula escaping) and JSON lines, the access rule over every
// role, the CLI as a real process and GET /admin/export/:what behind its bearer token (with the audit).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  assistanceExportBytes,
  AssistanceExportError,
  collectAssistance,
  exportAssistanceChunks,
  HARDSHIP_COLUMNS,
  PAIRING_COLUMNS,
  RELIEF_COLUMNS,
  type AssistanceExportOptions,
  type HardshipExportRow,
  type PairingExportRow,
  type ReliefExportRow,
} from '../../src/assistance/export.ts';
import { viewerForMember } from '../../src/care/export.ts';
import { runCli } from '../../src/cli.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { Database } from '../../src/db/schema.ts';
import { OD_VIEWER, type Viewer } from '../../src/domain/access.ts';
import type { HardshipCause } from '../../src/domain/assistance.ts';
import { parseCsv } from '../../src/roster/files.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type DbKind, type TestDb } from '../helpers/db.ts';
import { runEntryToExit } from '../helpers/processes.ts';
import { startStack, waitFor, type Stack } from '../helpers/stack.ts';

const FORMULA_NOTE = '=1+1 家中失火，房屋受损';
const AID_NOTE = '孩子上学学费困难, 说"先借了亲戚的"';

/** The care roster plus a branch of 计算机学院 with a secretary who holds no general-branch role, and a member in it. */
const ROWS = [
  ...CARE_ROWS,
  '蒋支书,jiangzhishu,男,1986-06-06,2010-06-06,2011-06-06,计算机学院党总支,学生党支部,支部书记,,',
  '韩学生,hanxuesheng,女,2000-02-02,2021-06-01,2022-06-01,计算机学院党总支,学生党支部,,,',
];

interface Seeded {
  ids: Record<string, string>;
  orgs: Record<string, string>;
  entries: Record<'zheng' | 'feng' | 'chenRejected' | 'chenArchived' | 'han', string>;
  subsidies: Record<'zheng' | 'han', string>;
  aids: Record<'feng' | 'chen', string>;
  pairings: Record<'zhengWu' | 'zhengOrg' | 'hanWuEnded' | 'hanJiang', string>;
}

/** Rows inserted directly (the chat flows that write them are built elsewhere). */
async function seed(db: Kysely<Database>): Promise<Seeded> {
  await importCareRoster(db, ROWS);
  const ids: Record<string, string> = {};
  for (const m of await db.selectFrom('members').select(['id', 'userid', 'name']).execute()) ids[m.userid ?? m.name] = m.id;
  const orgs: Record<string, string> = {};
  for (const o of await db.selectFrom('organisations').select(['id', 'name']).execute()) orgs[o.name] = o.id;
  const at = (iso: string) => new Date(iso);

  const entry = async (v: {
    member: string;
    causes: HardshipCause[];
    status: 'awaiting_consent' | 'applied' | 'approved' | 'rejected' | 'archived';
    source: 'self' | 'branch';
    note: string;
    appliedBy: string;
    created: string;
    consent?: { by: string; attested: boolean; at: string };
    decided?: { by: string; at: string; reason?: string };
    archived?: { by: string; at: string; reason: string };
  }) =>
    (
      await db
        .insertInto('hardship_registry')
        .values({
          member_id: ids[v.member]!,
          causes: v.causes,
          status: v.status,
          source: v.source,
          note: v.note,
          consent_recorded: v.consent !== undefined,
          consent_by_member_id: v.consent ? ids[v.consent.by]! : null,
          consent_attested: v.consent?.attested ?? false,
          consent_at: v.consent ? at(v.consent.at) : null,
          applied_by_member_id: ids[v.appliedBy]!,
          created_at: at(v.created),
          decided_at: v.decided ? at(v.decided.at) : null,
          decided_by_member_id: v.decided ? ids[v.decided.by]! : null,
          reason: v.decided?.reason ?? '',
          archived_at: v.archived ? at(v.archived.at) : null,
          archived_by_member_id: v.archived ? ids[v.archived.by]! : null,
          archive_reason: v.archived?.reason ?? '',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  const entries = {
    // Applied at 01:30 on 1 November in Shanghai, which is still 31 October in UTC.
    zheng: await entry({ member: 'zhenglao', causes: ['old_age', 'illness'], status: 'approved', source: 'self', note: '年老多病，行动不便', appliedBy: 'zhenglao', created: '2026-10-31T17:30:00Z', decided: { by: 'sunzongzhi', at: '2026-11-03T02:00:00Z' } }),
    feng: await entry({
      member: '冯无号',
      causes: ['disaster'],
      status: 'applied',
      source: 'branch',
      note: FORMULA_NOTE,
      appliedBy: 'zhouzhishu',
      created: '2026-11-20T02:00:00Z',
      consent: { by: 'zhouzhishu', attested: true, at: '2026-11-20T02:00:00Z' },
    }),
    chenRejected: await entry({ member: 'chenbiezhi', causes: ['other'], status: 'rejected', source: 'self', note: '', appliedBy: 'chenbiezhi', created: '2026-09-01T02:00:00Z', decided: { by: 'chuzhishu', at: '2026-09-03T02:00:00Z', reason: '收入稳定，不符合条件' } }),
    chenArchived: await entry({
      member: 'chenbiezhi',
      causes: ['misfortune'],
      status: 'archived',
      source: 'self',
      note: '',
      appliedBy: 'chenbiezhi',
      created: '2026-09-20T02:00:00Z',
      decided: { by: 'chuzhishu', at: '2026-09-22T02:00:00Z' },
      archived: { by: 'chuzhishu', at: '2026-11-10T06:00:00Z', reason: '已再就业，情况好转' },
    }),
    han: await entry({ member: 'hanxuesheng', causes: ['frailty'], status: 'approved', source: 'self', note: '', appliedBy: 'hanxuesheng', created: '2026-10-15T02:00:00Z', decided: { by: 'sunzongzhi', at: '2026-10-16T02:00:00Z' } }),
  };

  const subsidy = async (v: { member: string; entry: string; fen: number; start: string; end: string; status: 'active' | 'ended'; ended?: string; created: string }) =>
    (
      await db
        .insertInto('subsidies')
        .values({
          member_id: ids[v.member]!,
          entry_id: v.entry,
          amount_fen: v.fen,
          start_month: v.start,
          end_month: v.end,
          status: v.status,
          created_by_member_id: ids.zhaozuzhi!,
          created_at: at(v.created),
          confirmed_by_member_id: ids.zhaozuzhi!,
          confirmed_at: at(v.created),
          ended_at: v.ended ? at(v.ended) : null,
          ended_reason: v.ended ? 'term_ended' : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const subsidies = {
    zheng: await subsidy({ member: 'zhenglao', entry: entries.zheng, fen: 30050, start: '2027-01', end: '2027-12', status: 'active', created: '2026-12-20T02:00:00Z' }),
    han: await subsidy({ member: 'hanxuesheng', entry: entries.han, fen: 20000, start: '2026-11', end: '2026-12', status: 'ended', ended: '2027-01-01T00:00:00Z', created: '2026-10-20T02:00:00Z' }),
  };
  await db
    .insertInto('subsidy_payments')
    .values([
      { subsidy_id: subsidies.zheng, month: '2027-01', amount_fen: 30050, paid_at: at('2027-01-05T02:00:00Z'), recorded_by_member_id: ids.zhaozuzhi! },
      { subsidy_id: subsidies.zheng, month: '2027-02', amount_fen: 30050, paid_at: at('2027-02-03T03:00:00Z'), recorded_by_member_id: ids.zhaozuzhi! },
      { subsidy_id: subsidies.han, month: '2026-11', amount_fen: 20000, paid_at: at('2026-11-05T02:00:00Z'), recorded_by_member_id: null },
    ])
    .execute();

  const aids = {
    feng: (
      await db
        .insertInto('emergency_aids')
        .values({
          member_id: ids['冯无号']!,
          cause: 'disaster',
          note: '房屋受损，急需修缮',
          requested_fen: 200000,
          approved_fen: 150050,
          status: 'paid',
          source: 'branch',
          applied_by_member_id: ids.zhouzhishu!,
          applied_on: '2026-11-21',
          applied_at: at('2026-11-21T02:00:00Z'),
          pay_by: '2026-12-05',
          consent_by_member_id: ids.zhouzhishu!,
          consent_attested: true,
          consent_at: at('2026-11-21T02:00:00Z'),
          gb_agrees: true,
          gb_note: '情况属实，同意',
          gb_by_member_id: ids.sunzongzhi!,
          gb_at: at('2026-11-22T02:00:00Z'),
          od_note: '',
          od_by_member_id: ids.zhaozuzhi!,
          od_at: at('2026-11-24T02:00:00Z'),
          paid_at: at('2026-11-28T02:00:00Z'),
          paid_by_member_id: ids.zhaozuzhi!,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
    chen: (
      await db
        .insertInto('emergency_aids')
        .values({
          member_id: ids.chenbiezhi!,
          cause: 'schooling',
          note: AID_NOTE,
          requested_fen: 300000,
          status: 'gb_reviewed',
          source: 'self',
          applied_by_member_id: ids.chenbiezhi!,
          applied_on: '2026-11-25',
          applied_at: at('2026-11-25T02:00:00Z'),
          pay_by: '2026-12-09',
          gb_agrees: false,
          gb_note: '建议减半',
          gb_by_member_id: ids.chuzhishu!,
          gb_at: at('2026-11-26T02:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  };

  const pairing = async (v: { member: string; entry: string; helper?: string; org?: string; started: string; ended?: string }) =>
    (
      await db
        .insertInto('pairings')
        .values({
          member_id: ids[v.member]!,
          entry_id: v.entry,
          helper_member_id: v.helper ? ids[v.helper]! : null,
          helper_organisation_id: v.org ? orgs[v.org]! : null,
          started_on: v.started,
          ended_on: v.ended ?? null,
          ended_reason: v.ended ? 'ended' : null,
          created_by_member_id: ids.sunzongzhi!,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const pairings = {
    zhengWu: await pairing({ member: 'zhenglao', entry: entries.zheng, helper: 'wushengri', started: '2026-11-05' }),
    // 数学学院's 教工党支部 helps: its secretary 褚支书 acts for it.
    zhengOrg: await pairing({ member: 'zhenglao', entry: entries.zheng, org: '教工党支部', started: '2026-11-06' }),
    hanWuEnded: await pairing({ member: 'hanxuesheng', entry: entries.han, helper: 'wushengri', started: '2026-10-20', ended: '2026-12-01' }),
    hanJiang: await pairing({ member: 'hanxuesheng', entry: entries.han, helper: 'jiangzhishu', started: '2026-11-01' }),
  };

  const record = (kind: 'talk' | 'visit', leader: string, member: string, on: string, undone = false) =>
    db
      .insertInto('care_records')
      .values({
        kind,
        leader_member_id: ids[leader]!,
        member_id: ids[member]!,
        happened_on: on,
        reason: 'routine',
        note: '',
        recorded_by_member_id: ids[leader]!,
        recorded_at: at(`${on}T02:00:00Z`),
        undone_at: undone ? at(`${on}T03:00:00Z`) : null,
      })
      .execute();
  await record('visit', 'wushengri', 'zhenglao', '2026-11-04'); // before the pairing started: not contact
  await record('visit', 'wushengri', 'zhenglao', '2026-11-10');
  await record('talk', 'wushengri', 'zhenglao', '2026-11-20', true); // undone: not contact
  await record('visit', 'chuzhishu', 'zhenglao', '2026-11-12'); // the helping branch's secretary
  await record('visit', 'sunzongzhi', 'zhenglao', '2026-11-25'); // not a helper
  await record('talk', 'wushengri', 'hanxuesheng', '2026-11-15');
  await record('talk', 'wushengri', 'hanxuesheng', '2026-12-05'); // after the pairing ended
  return { ids, orgs, entries, subsidies, aids, pairings };
}

const hardship = (db: Kysely<Database>, o: AssistanceExportOptions = {}) => collectAssistance(db, 'hardship', o) as Promise<HardshipExportRow[]>;
const relief = (db: Kysely<Database>, o: AssistanceExportOptions = {}) => collectAssistance(db, 'relief', o) as Promise<ReliefExportRow[]>;
const pairings = (db: Kysely<Database>, o: AssistanceExportOptions = {}) => collectAssistance(db, 'pairings', o) as Promise<PairingExportRow[]>;

async function bytesOf(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

const cellsOf = (columns: readonly string[], cells: readonly unknown[]) => Object.fromEntries(columns.map((c, i) => [c, cells[i]]));

describe.each(DB_KINDS)('assistance export on %s', (kind) => {
  let t: TestDb;
  let s: Seeded;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    s = await seed(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('exports the registry: people by account and name, codes, who applied, consented, decided and archived', async () => {
    const rows = await hardship(t.db);
    expect(rows.map((r) => r.id)).toEqual([s.entries.zheng, s.entries.feng, s.entries.chenRejected, s.entries.chenArchived, s.entries.han]);
    expect(Object.keys(rows[0]!)).toEqual(HARDSHIP_COLUMNS);
    expect(rows[0]).toEqual({
      id: s.entries.zheng,
      member: 'zhenglao',
      member_name: '郑老党员',
      general_branch: '计算机学院党总支',
      branch: '教工第一党支部',
      causes: ['old_age', 'illness'],
      state: 'approved',
      source: 'self',
      note: '年老多病，行动不便',
      applied_at: '2026-11-01T01:30:00+08:00',
      applied_by: 'zhenglao',
      applied_by_name: '郑老党员',
      consent_by: null,
      consent_by_name: null,
      consent_attested: false,
      consent_at: null,
      decided_at: '2026-11-03T10:00:00+08:00',
      decided_by: 'sunzongzhi',
      decided_by_name: '孙总支',
      reason: '',
      archived_at: null,
      archived_by: null,
      archived_by_name: null,
      archive_reason: '',
      // No GB report has verified it yet (the dashboard's 本轮已核实 reads this column).
      verified_in: null,
    });
    // A member without a chat account: by name, an empty account; the secretary attested the consent.
    expect(rows[1]).toMatchObject({ member: null, member_name: '冯无号', source: 'branch', state: 'applied', consent_by: 'zhouzhishu', consent_by_name: '周支书', consent_attested: true, applied_by: 'zhouzhishu', note: FORMULA_NOTE });
    expect(rows[2]).toMatchObject({ state: 'rejected', reason: '收入稳定，不符合条件', decided_by: 'chuzhishu' });
    expect(rows[3]).toMatchObject({ state: 'archived', archived_at: '2026-11-10T14:00:00+08:00', archived_by: 'chuzhishu', archived_by_name: '褚支书', archive_reason: '已再就业，情况好转' });
    expect(rows[4]).toMatchObject({ member: 'hanxuesheng', branch: '学生党支部', causes: ['frailty'] });
  });

  it('exports relief: subsidies with exact monthly amounts, months and payments, then emergency aid with requested and approved amounts', async () => {
    const rows = await relief(t.db);
    expect(rows.map((r) => `${r.kind}:${r.id}`)).toEqual([
      `monthly_subsidy:${s.subsidies.zheng}`,
      `monthly_subsidy:${s.subsidies.han}`,
      `emergency_aid:${s.aids.feng}`,
      `emergency_aid:${s.aids.chen}`,
    ]);
    expect(Object.keys(rows[0]!)).toEqual(RELIEF_COLUMNS);
    expect(rows[0]).toEqual({
      id: s.subsidies.zheng,
      kind: 'monthly_subsidy',
      member: 'zhenglao',
      member_name: '郑老党员',
      general_branch: '计算机学院党总支',
      branch: '教工第一党支部',
      state: 'active',
      amount_yuan: '300.50',
      start_month: '2027-01',
      end_month: '2027-12',
      months: 12,
      requested_yuan: null,
      approved_yuan: null,
      paid_yuan: '601.00',
      cause: null,
      note: null,
      source: null,
      applied_at: '2026-12-20T10:00:00+08:00',
      applied_by: 'zhaozuzhi',
      applied_by_name: '赵组织',
      gb_opinion: null,
      gb_note: null,
      gb_by: null,
      gb_by_name: null,
      gb_at: null,
      decided_at: '2026-12-20T10:00:00+08:00',
      decided_by: 'zhaozuzhi',
      decided_by_name: '赵组织',
      decision_note: null,
      pay_by: null,
      ended_at: null,
      ended_reason: null,
      renewed_from: null,
      payments: [
        { month: '2027-01', amount_yuan: '300.50', paid_at: '2027-01-05T10:00:00+08:00', recorded_by: 'zhaozuzhi', recorded_by_name: '赵组织' },
        { month: '2027-02', amount_yuan: '300.50', paid_at: '2027-02-03T11:00:00+08:00', recorded_by: 'zhaozuzhi', recorded_by_name: '赵组织' },
      ],
    });
    expect(rows[1]).toMatchObject({ state: 'ended', ended_reason: 'term_ended', amount_yuan: '200.00', months: 2, paid_yuan: '200.00' });
    expect(rows[1]!.payments).toEqual([{ month: '2026-11', amount_yuan: '200.00', paid_at: '2026-11-05T10:00:00+08:00', recorded_by: null, recorded_by_name: null }]);
    expect(rows[2]).toMatchObject({
      kind: 'emergency_aid',
      member: null,
      member_name: '冯无号',
      state: 'paid',
      amount_yuan: null,
      months: null,
      requested_yuan: '2000.00',
      approved_yuan: '1500.50',
      paid_yuan: '1500.50',
      cause: 'disaster',
      source: 'branch',
      applied_by: 'zhouzhishu',
      gb_opinion: 'agree',
      gb_note: '情况属实，同意',
      gb_by: 'sunzongzhi',
      decided_at: '2026-11-24T10:00:00+08:00',
      decided_by: 'zhaozuzhi',
      pay_by: '2026-12-05',
      payments: [{ month: '2026-11', amount_yuan: '1500.50', paid_at: '2026-11-28T10:00:00+08:00', recorded_by: 'zhaozuzhi', recorded_by_name: '赵组织' }],
    });
    expect(rows[3]).toMatchObject({ state: 'gb_reviewed', cause: 'schooling', note: AID_NOTE, requested_yuan: '3000.00', approved_yuan: null, paid_yuan: '0.00', gb_opinion: 'disagree', decided_at: null, payments: [] });
  });

  it('exports pairings: helper member or organisation, mode from the helpers alongside, last contact during the pairing', async () => {
    const rows = await pairings(t.db);
    expect(Object.keys(rows[0]!)).toEqual(PAIRING_COLUMNS);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(s.pairings.zhengWu)).toEqual({
      id: s.pairings.zhengWu,
      helper: 'wushengri',
      helper_name: '吴生日',
      helper_kind: 'member',
      helper_general_branch: '计算机学院党总支',
      member: 'zhenglao',
      member_name: '郑老党员',
      general_branch: '计算机学院党总支',
      branch: '教工第一党支部',
      mode: 'many_to_one',
      started_on: '2026-11-05',
      ended_on: null,
      ended_reason: null,
      // 4 Nov was before the pairing, 20 Nov was undone, 25 Nov was not the helper.
      last_contact_on: '2026-11-10',
      created_by: 'sunzongzhi',
      created_by_name: '孙总支',
    });
    // An organisation helps: by its name; its secretary's visit is its contact.
    expect(byId.get(s.pairings.zhengOrg)).toMatchObject({ helper: '教工党支部', helper_name: '教工党支部', helper_kind: 'organisation', helper_general_branch: '数学学院党总支', mode: 'many_to_one', last_contact_on: '2026-11-12' });
    // Ended on 1 December while 蒋支书 also helped: many helped one then; the talk of 5 December came after.
    expect(byId.get(s.pairings.hanWuEnded)).toMatchObject({ mode: 'many_to_one', ended_on: '2026-12-01', ended_reason: 'ended', last_contact_on: '2026-11-15' });
    expect(byId.get(s.pairings.hanJiang)).toMatchObject({ helper: 'jiangzhishu', mode: 'one_to_one', last_contact_on: null, helper_general_branch: '计算机学院党总支' });
  });

  it('filters by the day a row began: applied_at in the local zone, a subsidy by its start month, aid by applied_on, pairings by started_on', async () => {
    // 郑老党员 applied at 01:30 on 1 November in Shanghai (31 October in UTC).
    expect((await hardship(t.db, { from: '2026-11-01' })).map((r) => r.id)).toEqual([s.entries.zheng, s.entries.feng]);
    expect((await hardship(t.db, { to: '2026-10-31' })).map((r) => r.id)).toEqual([s.entries.chenRejected, s.entries.chenArchived, s.entries.han]);
    expect((await hardship(t.db, { from: '2026-11-20', to: '2026-11-20' })).map((r) => r.id)).toEqual([s.entries.feng]);
    expect((await relief(t.db, { from: '2026-12-01' })).map((r) => r.id)).toEqual([s.subsidies.zheng]);
    expect((await relief(t.db, { from: '2026-11-01', to: '2026-11-30' })).map((r) => r.id)).toEqual([s.subsidies.han, s.aids.feng, s.aids.chen]);
    // A subsidy begins on the 1st of its start month.
    expect((await relief(t.db, { from: '2026-11-02', to: '2026-11-21' })).map((r) => r.id)).toEqual([s.aids.feng]);
    expect((await pairings(t.db, { from: '2026-11-01' })).map((r) => r.id)).toEqual([s.pairings.zhengWu, s.pairings.zhengOrg, s.pairings.hanJiang]);
    expect(await pairings(t.db, { from: '2030-01-01' })).toEqual([]);
  });

  it('reads in keyset chunks: the same rows whatever the chunk size', async () => {
    const sizes: number[] = [];
    for await (const chunk of exportAssistanceChunks(t.db, 'hardship', { chunkSize: 2 })) sizes.push(chunk.length);
    expect(sizes).toEqual([2, 2, 1]);
    for (const what of ['hardship', 'relief', 'pairings'] as const) {
      expect(await collectAssistance(t.db, what, { chunkSize: 1 })).toEqual(await collectAssistance(t.db, what));
    }
  });

  it('refuses bad options before reading', () => {
    expect(() => exportAssistanceChunks(t.db, 'hardship', { from: '2026-02-30' })).toThrow(AssistanceExportError);
    expect(() => exportAssistanceChunks(t.db, 'relief', { from: '2026-11-27', to: '2026-11-26' })).toThrow(/after/);
    expect(() => exportAssistanceChunks(t.db, 'talks' as 'relief')).toThrow(/unknown export "talks": choose hardship, relief, pairings/);
    expect(() => exportAssistanceChunks(t.db, 'pairings', { chunkSize: 0 })).toThrow(/chunkSize/);
    expect(() => assistanceExportBytes(t.db, 'relief', 'xml' as 'csv')).toThrow(/format/);
  });

  it('writes CSV for Excel: BOM, CRLF, codes joined with ;, exact amounts, payments in one cell, formulas neutralised', async () => {
    const bytes = await bytesOf(assistanceExportBytes(t.db, 'hardship', 'csv', { chunkSize: 2 }));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.indexOf('\uFEFF', 1)).toBe(-1);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(7);
    const h = parseCsv(text);
    expect(h[0]!.cells).toEqual([...HARDSHIP_COLUMNS]);
    expect(cellsOf(HARDSHIP_COLUMNS, h[1]!.cells)).toMatchObject({ member: 'zhenglao', causes: 'old_age;illness', consent_attested: 'false', consent_by: '', applied_at: '2026-11-01T01:30:00+08:00' });
    // A note starting with '=' never becomes a formula; the member without an account has an empty cell.
    expect(cellsOf(HARDSHIP_COLUMNS, h[2]!.cells)).toMatchObject({ member: '', member_name: '冯无号', note: `'${FORMULA_NOTE}`, consent_attested: 'true' });
    expect(text).toContain(`'${FORMULA_NOTE}`);

    const r = parseCsv((await bytesOf(assistanceExportBytes(t.db, 'relief', 'csv'))).toString('utf8'));
    expect(r[0]!.cells).toEqual([...RELIEF_COLUMNS]);
    expect(cellsOf(RELIEF_COLUMNS, r[1]!.cells)).toMatchObject({
      kind: 'monthly_subsidy',
      amount_yuan: '300.50',
      months: '12',
      paid_yuan: '601.00',
      requested_yuan: '',
      payments: '2027-01@2027-01-05T10:00:00+08:00@zhaozuzhi;2027-02@2027-02-03T11:00:00+08:00@zhaozuzhi',
    });
    expect(cellsOf(RELIEF_COLUMNS, r[2]!.cells).payments).toBe('2026-11@2026-11-05T10:00:00+08:00@');
    expect(cellsOf(RELIEF_COLUMNS, r[3]!.cells)).toMatchObject({ member: '', requested_yuan: '2000.00', approved_yuan: '1500.50', gb_opinion: 'agree' });
    expect(cellsOf(RELIEF_COLUMNS, r[4]!.cells)).toMatchObject({ note: AID_NOTE, payments: '', paid_yuan: '0.00' });

    const p = parseCsv((await bytesOf(assistanceExportBytes(t.db, 'pairings', 'csv'))).toString('utf8'));
    expect(p[0]!.cells).toEqual([...PAIRING_COLUMNS]);
    expect(p.slice(1).map((row) => cellsOf(PAIRING_COLUMNS, row.cells).mode)).toEqual(['many_to_one', 'many_to_one', 'many_to_one', 'one_to_one']);
    // Empty: the header alone.
    expect((await bytesOf(assistanceExportBytes(t.db, 'pairings', 'csv', { from: '2030-01-01' }))).toString('utf8')).toBe(`\uFEFF${PAIRING_COLUMNS.join(',')}\r\n`);
  });

  it('writes JSON lines: one object per line, arrays for causes and payments, exact text, null for empty', async () => {
    for (const what of ['hardship', 'relief', 'pairings'] as const) {
      const text = (await bytesOf(assistanceExportBytes(t.db, what, 'json', { chunkSize: 1 }))).toString('utf8');
      expect(text.charCodeAt(0)).not.toBe(0xfeff);
      const lines = text.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((l) => JSON.parse(l))).toEqual(await collectAssistance(t.db, what));
    }
    const h = (await bytesOf(assistanceExportBytes(t.db, 'hardship', 'json'))).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as HardshipExportRow);
    expect(h[1]).toMatchObject({ note: FORMULA_NOTE, causes: ['disaster'], member: null });
    const r = (await bytesOf(assistanceExportBytes(t.db, 'relief', 'json'))).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as ReliefExportRow);
    // Amounts are strings: exact, never floats.
    expect(r[0]!.payments[0]).toEqual({ month: '2027-01', amount_yuan: '300.50', paid_at: '2027-01-05T10:00:00+08:00', recorded_by: 'zhaozuzhi', recorded_by_name: '赵组织' });
    expect(typeof r[2]!.approved_yuan).toBe('string');
    expect((await bytesOf(assistanceExportBytes(t.db, 'relief', 'json', { from: '2030-01-01' }))).length).toBe(0);
  });

  describe('the access rule over every role', () => {
    // Who sees which rows, by the member they are about (the registry and relief) or by pairing.
    type Who = 'OD tools' | 'zhaozuzhi' | 'sunzongzhi' | 'zhouzhishu' | 'jiangzhishu' | 'chuzhishu' | 'lishuji' | 'qianweiyuan' | 'wushengri' | 'wangjinnian' | 'chenbiezhi' | 'hanxuesheng' | 'zhenglao';
    const TABLE: Array<{ who: Who; role: string; hardship: Array<keyof Seeded['entries']>; relief: string[]; pairings: Array<keyof Seeded['pairings']> }> = [
      { who: 'OD tools', role: 'the OD (CLI, admin API)', hardship: ['zheng', 'feng', 'chenRejected', 'chenArchived', 'han'], relief: ['s:zheng', 's:han', 'a:feng', 'a:chen'], pairings: ['zhengWu', 'zhengOrg', 'hanWuEnded', 'hanJiang'] },
      { who: 'zhaozuzhi', role: 'OD staff', hardship: ['zheng', 'feng', 'chenRejected', 'chenArchived', 'han'], relief: ['s:zheng', 's:han', 'a:feng', 'a:chen'], pairings: ['zhengWu', 'zhengOrg', 'hanWuEnded', 'hanJiang'] },
      { who: 'sunzongzhi', role: 'GB secretary (计算机)', hardship: ['zheng', 'feng', 'han'], relief: ['s:zheng', 's:han', 'a:feng'], pairings: ['zhengWu', 'zhengOrg', 'hanWuEnded', 'hanJiang'] },
      { who: 'zhouzhishu', role: 'branch secretary and GB committee member (计算机)', hardship: ['zheng', 'feng', 'han'], relief: ['s:zheng', 's:han', 'a:feng'], pairings: ['zhengWu', 'zhengOrg', 'hanWuEnded', 'hanJiang'] },
      { who: 'jiangzhishu', role: 'branch secretary only (学生党支部) and helper of 韩学生', hardship: ['han'], relief: ['s:han'], pairings: ['hanWuEnded', 'hanJiang'] },
      { who: 'chuzhishu', role: 'secretary of 数学学院 (branch and GB), acting for the helping branch', hardship: ['chenRejected', 'chenArchived'], relief: ['a:chen'], pairings: ['zhengWu', 'zhengOrg'] },
      { who: 'lishuji', role: 'committee secretary', hardship: [], relief: [], pairings: [] },
      { who: 'qianweiyuan', role: 'committee member linked to 计算机', hardship: [], relief: [], pairings: [] },
      { who: 'wushengri', role: 'plain member, helper of 郑老党员 (live) and 韩学生 (ended)', hardship: [], relief: [], pairings: ['zhengWu', 'zhengOrg', 'hanWuEnded'] },
      { who: 'wangjinnian', role: 'plain member', hardship: [], relief: [], pairings: [] },
      { who: 'chenbiezhi', role: 'the member herself', hardship: ['chenRejected', 'chenArchived'], relief: ['a:chen'], pairings: [] },
      { who: 'hanxuesheng', role: 'the member herself, with helpers', hardship: ['han'], relief: ['s:han'], pairings: ['hanWuEnded', 'hanJiang'] },
      { who: 'zhenglao', role: 'the member himself, with helpers', hardship: ['zheng'], relief: ['s:zheng'], pairings: ['zhengWu', 'zhengOrg'] },
    ];

    it.each(TABLE)('$who ($role)', async ({ who, hardship: h, relief: r, pairings: p }) => {
      const viewer: Viewer = who === 'OD tools' ? OD_VIEWER : (await viewerForMember(t.db, s.ids[who]!))!;
      expect(viewer).toBeDefined();
      const reliefKey = (row: ReliefExportRow) => {
        const subsidy = Object.entries(s.subsidies).find(([, id]) => row.kind === 'monthly_subsidy' && id === row.id);
        const aid = Object.entries(s.aids).find(([, id]) => row.kind === 'emergency_aid' && id === row.id);
        return subsidy ? `s:${subsidy[0]}` : `a:${aid![0]}`;
      };
      expect((await hardship(t.db, { viewer })).map((row) => row.id)).toEqual(h.map((k) => s.entries[k]));
      expect((await relief(t.db, { viewer })).map(reliefKey)).toEqual(r);
      expect((await pairings(t.db, { viewer })).map((row) => row.id)).toEqual(p.map((k) => s.pairings[k]));
      // The writers carry the filter through: nothing of a hidden row reaches the bytes.
      const csv = (await bytesOf(assistanceExportBytes(t.db, 'relief', 'csv', { viewer }))).toString('utf8');
      expect(csv.includes('300.50')).toBe(r.includes('s:zheng'));
      expect(csv.includes(AID_NOTE.slice(0, 6))).toBe(r.includes('a:chen'));
    });
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

describe.each(DB_KINDS)('export CLI for assistance as a process on %s', (kind) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-assistance-export-'));
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

  it('writes the registry as CSV to stdout, relief as JSON lines, pairings to a file with --out', async () => {
    const csv = await spawnCli(env, ['export', 'hardship', '--format', 'csv', '--from', '2026-11-01']);
    expect(csv.stderr).toContain('export hardship: 2 rows');
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith(`\uFEFF${HARDSHIP_COLUMNS.join(',')}\r\n`)).toBe(true);
    const rows = parseCsv(csv.stdout);
    expect(rows).toHaveLength(3);
    expect(cellsOf(HARDSHIP_COLUMNS, rows[2]!.cells)).toMatchObject({ member: '', member_name: '冯无号', note: `'${FORMULA_NOTE}` });

    const json = await spawnCli(env, ['export', 'relief', '--format', 'json']);
    expect(json.code).toBe(0);
    const relief = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as ReliefExportRow);
    expect(relief.map((r) => r.kind)).toEqual(['monthly_subsidy', 'monthly_subsidy', 'emergency_aid', 'emergency_aid']);
    expect(relief[0]).toMatchObject({ id: s.subsidies.zheng, amount_yuan: '300.50', payments: [{ month: '2027-01', amount_yuan: '300.50' }, { month: '2027-02' }] });

    const file = path.join(dir, 'pairings.csv');
    const out = await spawnCli(env, ['export', 'pairings', '--out', file]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`exported 4 pairings to ${file}`);
    const written = readFileSync(file, 'utf8');
    expect(written.startsWith(`\uFEFF${PAIRING_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(written).toContain('2026-11-12');
  });
});

// No database is touched: the arguments are checked first (an unreachable URL proves it).
const NO_DB = 'postgres://nobody@127.0.0.1:1/none';
const BAD_ARGS: Array<[string[], string]> = [
  [['export'], 'exactly one of: talks, visits, obligations, greetings, hardship, relief, pairings'],
  [['export', 'hardships'], 'unknown export "hardships": choose talks, visits, obligations, greetings, hardship, relief, pairings'],
  [['export', 'relief', '--format', 'xlsx'], 'format must be csv or json'],
  [['export', 'pairings', '--from', '2026-02-30'], 'from must be a real date as YYYY-MM-DD'],
  [['export', 'hardship', '--from', '2026-11-27', '--to', '2026-11-26'], 'from (2026-11-27) is after to (2026-11-26)'],
];

describe('export CLI refuses bad assistance arguments with exit 2 and a clear message', () => {
  it('as a process', async () => {
    const r = await spawnCli({ ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: NO_DB }, BAD_ARGS[1]![0]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(BAD_ARGS[1]![1]);
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
    const text = errs.join('');
    expect(text).toContain(message);
    // The usage line names the new kinds.
    expect(text).toContain('export <talks|visits|obligations|greetings|hardship|relief|pairings|evaluations|excellent|commendations|certificates|leadership|announcements|suggestions|proposals>');
    expect(outs).toEqual([]);
  });
});

// ---- admin HTTP ----

describe.each(DB_KINDS)('GET /admin/export/:what for assistance on %s', (kind) => {
  const TOKEN = 'assistance-export-admin-token-0123456789';
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
    for (const what of ['hardship', 'relief', 'pairings']) {
      const none = await get(`/admin/export/${what}`, {});
      expect(none.status).toBe(401);
      const body = await none.text();
      expect(body).not.toContain('郑老党员');
      expect(body).not.toContain('300.50');
    }
    expect((await get('/admin/export/relief', { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
  });

  it('streams the registry as CSV, relief and pairings as JSON lines, with the right headers and full detail', async () => {
    const csv = await get('/admin/export/hardship?format=csv&from=&to=&today=2026-11-26');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="assistance-hardship-2026-11-26.csv"');
    expect(csv.headers.get('transfer-encoding')).toBe('chunked');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.toString('utf8'));
    expect(rows.map((r) => r.cells[0])).toEqual(['id', s.entries.zheng, s.entries.feng, s.entries.chenRejected, s.entries.chenArchived, s.entries.han]);
    expect(bytes.toString('utf8')).toContain(`'${FORMULA_NOTE}`);

    const json = await get('/admin/export/relief?format=json&from=2026-11-01&to=2026-11-30&today=2026-11-26');
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(json.headers.get('content-disposition')).toBe('attachment; filename="assistance-relief-2026-11-26.jsonl"');
    const relief = (await json.text()).trim().split('\n').map((l) => JSON.parse(l) as ReliefExportRow);
    expect(relief.map((r) => r.id)).toEqual([s.subsidies.han, s.aids.feng, s.aids.chen]);
    expect(relief[1]).toMatchObject({ requested_yuan: '2000.00', approved_yuan: '1500.50' });

    const p = await get('/admin/export/pairings?format=json');
    const pairs = (await p.text()).trim().split('\n').map((l) => JSON.parse(l) as PairingExportRow);
    expect(pairs.map((r) => [r.helper, r.mode, r.last_contact_on])).toEqual([
      ['wushengri', 'many_to_one', '2026-11-10'],
      ['教工党支部', 'many_to_one', '2026-11-12'],
      ['wushengri', 'many_to_one', '2026-11-15'],
      ['jiangzhishu', 'one_to_one', null],
    ]);
  });

  it('audits each export: the route, the options and how many rows went out', async () => {
    const res = await get('/admin/export/pairings?format=csv&from=2026-11-01');
    const sent = parseCsv(await res.text()).length - 1;
    expect(sent).toBe(3);
    const row = await waitFor(async () => {
      const r = await sql<{ actor: string; route: string; path: string; query: Record<string, string>; status: number; rows: number }>`
        select actor, route, path, query, status, rows from admin_audit where path = '/admin/export/pairings' and query->>'from' = '2026-11-01' order by id desc limit 1`.execute(stack.db.db);
      return r.rows[0];
    }, 60_000, 'the audit row');
    expect(row).toEqual({ actor: 'admin token', route: '/admin/export/:what', path: '/admin/export/pairings', query: { format: 'csv', from: '2026-11-01' }, status: 200, rows: 3 });
    expect(stack.logs.join('')).not.toContain(TOKEN);
  });

  it('answers 400 with a clear reason for a bad kind, format or date', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/admin/export/hardships', /params\/what must be equal to one of the allowed values/],
      ['/admin/export/aid', /params\/what must be equal to one of the allowed values/],
      ['/admin/export/relief?format=xlsx', /querystring\/format must be equal to one of the allowed values/],
      ['/admin/export/hardship?from=2026-13-01', /from must be a real date as YYYY-MM-DD/],
      ['/admin/export/pairings?to=yesterday', /querystring\/to must match pattern/],
      ['/admin/export/relief?from=2026-11-27&to=2026-11-26', /from \(2026-11-27\) is after to \(2026-11-26\)/],
      ['/admin/export/hardship?format=csv&format=json', /querystring\/format must be/],
    ];
    for (const [url, reason] of cases) {
      const res = await get(url);
      expect(res.status, url).toBe(400);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message, url).toMatch(reason);
      expect(JSON.stringify(body), url).not.toContain('郑老党员');
    }
  });
});
