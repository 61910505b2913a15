// The dashboard's assistance, incentive and voice figures (issue 16): per branch, and each equal to the count of
// the rows of its export filtered to the same branches (the exports' branchIds option) — the point of the issue:
// the page and the CSV download agree. A fixture roster with two general branches (计算机学院, 数学学院), records
// on both sides of each rule's edge (verified in this round / an earlier one / marked but not submitted; paid at
// 01:00 local on the 1st; an announcement sent at 01:00 local on 1 January; a suggestion due today), and a
// pinned today (2026-11-26: the November round, the month 2026-11, the quarter 2026 Q3 that closed last).
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistanceExportError, collectAssistance, type HardshipExportRow, type ReliefExportRow } from '../../src/assistance/export.ts';
import type { Database } from '../../src/db/schema.ts';
import { SelfEvaluationRepository } from '../../src/db/self-evaluation-repository.ts';
import type { BranchSet } from '../../src/dashboard/figure-repository.ts';
import { periodOf, type Figures } from '../../src/dashboard/figures.ts';
import { OtherFigures } from '../../src/dashboard/other-figures-repository.ts';
import { localDate } from '../../src/domain/dates.ts';
import { currentVerificationRound } from '../../src/domain/hardship-verification.ts';
import { collectIncentive, IncentiveExportError } from '../../src/incentive/export.ts';
import { collectVoice, VoiceExportError } from '../../src/voice/export.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';

const TODAY = '2026-11-26';
const PERIOD = periodOf(TODAY);
const TZ = 'Asia/Shanghai';

interface Seeded {
  ids: Record<string, string>;
  orgs: Record<string, string>;
}

async function seed(db: Kysely<Database>): Promise<Seeded> {
  await importCareRoster(db);
  const ids: Record<string, string> = {};
  for (const m of await db.selectFrom('members').select(['id', 'userid', 'name']).execute()) ids[m.userid ?? m.name] = m.id;
  const orgs: Record<string, string> = {};
  for (const o of await db.selectFrom('organisations').select(['id', 'name', 'kind']).execute()) orgs[o.kind === 'committee' ? '党委' : o.name] = o.id;
  const at = (iso: string) => new Date(iso);
  const cs = orgs['计算机学院党总支']!;
  const math = orgs['数学学院党总支']!;
  const b1 = orgs['教工第一党支部']!;
  const mathBranch = orgs['教工党支部']!;

  // ---- hardship registry and the May/November verification ----
  const entry = async (member: string, status: 'applied' | 'approved' | 'archived') =>
    (
      await db
        .insertInto('hardship_registry')
        .values({ member_id: ids[member]!, causes: ['illness'], status, source: 'self', applied_by_member_id: ids[member]!, created_at: at('2026-03-01T02:00:00Z') })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const zheng = await entry('zhenglao', 'approved'); // verified in the November round (CS submitted)
  const feng = await entry('冯无号', 'approved'); // approved, never verified
  const wang = await entry('wangjinnian', 'approved'); // verified in May only
  await entry('wushengri', 'applied'); // not in the registry
  const chen = await entry('chenbiezhi', 'approved'); // marked in November, but Math has not submitted
  const chu = await entry('chuzhishu', 'archived'); // not in the registry
  await db
    .insertInto('hardship_reviews')
    .values([
      { general_branch_id: cs, period: '2026-05', submitted_by_member_id: ids.sunzongzhi!, changes: '{}' },
      { general_branch_id: cs, period: '2026-11', submitted_by_member_id: ids.sunzongzhi!, changes: '{}' },
    ])
    .execute();
  await db
    .insertInto('hardship_review_items')
    .values([
      { general_branch_id: cs, period: '2026-11', entry_id: zheng, action: 'confirmed', by_member_id: ids.sunzongzhi! },
      { general_branch_id: cs, period: '2026-05', entry_id: wang, action: 'confirmed', by_member_id: ids.sunzongzhi! },
      { general_branch_id: cs, period: '2026-05', entry_id: zheng, action: 'confirmed', by_member_id: ids.sunzongzhi! },
      { general_branch_id: math, period: '2026-11', entry_id: chen, action: 'confirmed', by_member_id: ids.chuzhishu! },
      { general_branch_id: math, period: '2026-11', entry_id: chu, action: 'archived', by_member_id: ids.chuzhishu! },
    ])
    .execute();

  // ---- relief: subsidies with payments, emergency aid ----
  const subsidy = async (member: string, entryId: string, start: string, end: string, status: 'active' | 'ended', paid: string[]) => {
    const id = (
      await db
        .insertInto('subsidies')
        .values({ member_id: ids[member]!, entry_id: entryId, amount_fen: 30000, start_month: start, end_month: end, status, created_by_member_id: ids.zhaozuzhi!, created_at: at('2026-01-05T02:00:00Z') })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    for (const month of paid)
      await db.insertInto('subsidy_payments').values({ subsidy_id: id, month, amount_fen: 30000, paid_at: at(`${month}-05T02:00:00Z`), recorded_by_member_id: ids.zhaozuzhi! }).execute();
  };
  await subsidy('zhenglao', zheng, '2026-06', '2027-05', 'active', ['2026-10', '2026-11']); // due, paid
  await subsidy('冯无号', feng, '2026-11', '2027-10', 'active', []); // due, unpaid
  await subsidy('wangjinnian', wang, '2026-01', '2026-12', 'ended', ['2026-11']); // ended after November's payment: due, paid
  await subsidy('wangjinnian', wang, '2025-01', '2025-12', 'ended', []); // another year
  await subsidy('chenbiezhi', chen, '2026-12', '2027-11', 'active', []); // starts next month
  const aid = async (member: string, status: 'approved' | 'paid' | 'applied', paidAt: string | null) =>
    db
      .insertInto('emergency_aids')
      .values({
        member_id: ids[member]!,
        cause: 'serious_illness',
        note: '',
        requested_fen: 100000,
        approved_fen: status === 'applied' ? null : 80000,
        status,
        source: 'self',
        applied_by_member_id: ids[member]!,
        applied_on: '2026-10-20',
        applied_at: at('2026-10-20T02:00:00Z'),
        pay_by: '2026-11-03',
        od_note: '',
        paid_at: paidAt ? at(paidAt) : null,
        paid_by_member_id: paidAt ? ids.zhaozuzhi! : null,
      })
      .execute();
  await aid('冯无号', 'approved', null); // awaiting payment: due
  await aid('wushengri', 'paid', '2026-10-31T17:00:00Z'); // 01:00 on 1 November in Shanghai: paid this month
  await aid('zhenglao', 'paid', '2026-10-30T02:00:00Z'); // paid last month
  await aid('zhouzhishu', 'applied', null); // not decided
  await aid('chenbiezhi', 'paid', '2026-11-20T02:00:00Z');

  // ---- self-evaluations (2026 Q3 is the quarter 本季度未自评名单 follows on 26 November) ----
  const selfRepo = new SelfEvaluationRepository(db);
  await selfRepo.submit(ids.zhenglao!, 2026, 3, '第三季度自评', ids.zhenglao!, at('2026-09-25T02:00:00Z'));
  await selfRepo.submit(ids.wushengri!, 2026, 3, '第三季度自评', ids.wushengri!, at('2026-09-26T02:00:00Z'));
  await selfRepo.submit(ids['冯无号']!, 2026, 3, '代为提交', ids.zhouzhishu!, at('2026-09-26T03:00:00Z'));
  await selfRepo.submit(ids.sunzongzhi!, 2026, 2, '第二季度自评', ids.sunzongzhi!, at('2026-06-25T02:00:00Z'));
  await selfRepo.submit(ids.chenbiezhi!, 2026, 3, '第三季度自评', ids.chenbiezhi!, at('2026-09-27T02:00:00Z'));

  // ---- excellent members ----
  let seq = 0;
  const commend = (member: string, year: number, level: 'general_branch' | 'committee', kind: 'excellent_member' | 'excellent_worker', issuer: string) =>
    db
      .insertInto('commendations')
      .values({ year, kind, level, member_id: ids[member]!, issuer_id: issuer, certificate_no: `T-${++seq}`, recorded_by_member_id: ids.zhaozuzhi!, recorded_at: at(`${year}-12-20T02:00:00Z`) })
      .execute();
  await commend('wushengri', 2026, 'general_branch', 'excellent_member', cs);
  await commend('zhouzhishu', 2026, 'general_branch', 'excellent_member', cs);
  await commend('zhenglao', 2026, 'committee', 'excellent_member', orgs['党委']!); // the committee's pick: not a GB list row
  await commend('zhouzhishu', 2026, 'committee', 'excellent_worker', orgs['党委']!);
  await commend('zhenglao', 2025, 'general_branch', 'excellent_member', cs); // last year
  await commend('chenbiezhi', 2026, 'general_branch', 'excellent_member', math);

  // ---- announcements: recipients by the branch recorded when sent ----
  const announce = async (sender: string, organisation: string, state: 'sent' | 'preview', sentAt: string, recipients: Array<{ member: string; branch: string; gb: string; read: boolean }>) => {
    const id = (
      await db
        .insertInto('announcements')
        .values({ kind: 'announcement', audience: 'gb_members', organisation_id: organisation, sender_member_id: ids[sender]!, body: '党务公开', state,
          created_at: at(sentAt),
          sent_at: state === 'sent' ? at(sentAt) : null,
          deliver_at: state === 'sent' ? at(sentAt) : null,
          deliver_on: state === 'sent' ? localDate(at(sentAt), TZ) : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await db
      .insertInto('announcement_recipients')
      .values(recipients.map((r) => ({ announcement_id: id, member_id: ids[r.member]!, branch_id: r.branch, general_branch_id: r.gb, has_account: r.member !== '冯无号', read_at: r.read ? at(sentAt) : null })))
      .execute();
  };
  const csMembers = ['sunzongzhi', 'zhouzhishu', 'wushengri', 'zhenglao', 'wangjinnian', '冯无号'];
  // chenbiezhi was in 教工第一党支部 when it was sent: counted there, not in her branch today.
  await announce('sunzongzhi', cs, 'sent', '2026-11-10T02:00:00Z', [
    ...csMembers.map((member) => ({ member, branch: b1, gb: cs, read: member === 'wushengri' })),
    { member: 'chenbiezhi', branch: b1, gb: cs, read: true },
  ]);
  // 01:00 on 1 January 2026 in Shanghai: this year.
  await announce('zhaozuzhi', orgs['党委']!, 'sent', '2025-12-31T17:00:00Z', [
    { member: 'chenbiezhi', branch: mathBranch, gb: math, read: true },
    { member: 'zhenglao', branch: b1, gb: cs, read: false },
  ]);
  // 23:00 on 31 December 2025 in Shanghai: last year.
  await announce('zhaozuzhi', orgs['党委']!, 'sent', '2025-12-31T15:00:00Z', [{ member: 'zhenglao', branch: b1, gb: cs, read: true }]);
  await announce('sunzongzhi', cs, 'preview', '2026-11-20T02:00:00Z', [{ member: 'wushengri', branch: b1, gb: cs, read: false }]);

  // ---- suggestions ----
  const suggest = (writer: string, branch: string, gb: string, filedOn: string, dueOn: string, replied: boolean) =>
    db
      .insertInto('suggestions')
      .values({
        writer_member_id: ids[writer]!,
        branch_id: branch,
        general_branch_id: gb,
        committee_id: orgs['党委']!,
        addressee_office: 'branch_secretary',
        addressee_organisation_id: branch,
        text: '建议',
        filed_at: at(`${filedOn}T02:00:00Z`),
        filed_on: filedOn,
        due_on: dueOn,
        state: replied ? 'replied' : 'awaiting_reply',
        reply: replied ? '已研究' : null,
        replied_at: replied ? at(`${dueOn}T02:00:00Z`) : null,
        replied_on: replied ? dueOn : null,
      })
      .execute();
  await suggest('wushengri', b1, cs, '2026-11-24', '2026-12-01', false); // awaiting
  await suggest('zhenglao', b1, cs, '2026-11-10', '2026-11-17', false); // overdue
  await suggest('zhouzhishu', b1, cs, '2026-11-19', TODAY, false); // due today: not overdue yet
  await suggest('冯无号', b1, cs, '2026-11-01', '2026-11-08', true); // replied
  await suggest('chenbiezhi', mathBranch, math, '2026-11-05', '2026-11-12', false); // overdue
  return { ids, orgs };
}

/** The figures as the exports say, for these branches: each a count of (or a sum over) export rows filtered so. */
async function fromExports(db: Kysely<Database>, branchIds: string[] | undefined): Promise<Partial<Figures>> {
  const round = currentVerificationRound(TODAY);
  const month = PERIOD.month;
  const hardship = (await collectAssistance(db, 'hardship', { branchIds, timeZone: TZ })) as HardshipExportRow[];
  const registry = hardship.filter((r) => r.state === 'approved');
  const relief = (await collectAssistance(db, 'relief', { branchIds, timeZone: TZ })) as ReliefExportRow[];
  const paidThisMonth = (r: ReliefExportRow) => r.payments.some((p) => p.month === month);
  const due = relief.filter((r) =>
    r.kind === 'monthly_subsidy' ? r.start_month! <= month && month <= r.end_month! && (r.state === 'active' || paidThisMonth(r)) : r.state === 'approved' || paidThisMonth(r),
  );
  const evaluations = await collectIncentive(db, 'evaluations', { branchIds, today: TODAY, timeZone: TZ });
  const excellent = await collectIncentive(db, 'excellent', { branchIds, today: TODAY, timeZone: TZ });
  const announcements = await collectVoice(db, 'announcements', { branchIds, from: `${PERIOD.year}-01-01`, to: `${PERIOD.year}-12-31`, today: TODAY, timeZone: TZ });
  const suggestions = await collectVoice(db, 'suggestions', { branchIds, today: TODAY, timeZone: TZ });
  const sum = (rows: readonly Record<string, unknown>[], column: string) => rows.reduce((s, r) => s + Number(r[column]), 0);
  return {
    hardshipRegistered: registry.length,
    hardshipVerified: registry.filter((r) => r.verified_in === round).length,
    hardshipAwaitingVerification: registry.filter((r) => r.verified_in !== round).length,
    reliefDue: due.length,
    reliefPaid: due.filter(paidThisMonth).length,
    selfEvaluationsSubmitted: evaluations.filter((r) => r.kind === 'quarterly_self' && r.year === 2026 && r.period === 'Q3').length,
    excellentCount: excellent.filter((r) => r.year === PERIOD.year && r.list === 'gb' && r.kind === 'excellent_member').length,
    announcementRecipients: sum(announcements, 'addressed'),
    announcementReads: sum(announcements, 'read'),
    suggestionsAwaiting: suggestions.filter((r) => r.state === 'awaiting_reply' || r.state === 'overdue').length,
    suggestionsOverdue: suggestions.filter((r) => r.state === 'overdue').length,
  };
}

describe.each(DB_KINDS)('dashboard assistance, incentive and voice figures on %s', (kind) => {
  let t: TestDb;
  let s: Seeded;
  let reader: OtherFigures;
  const set = (branchIds: string[], all = false): BranchSet => ({ committeeId: s.orgs['党委']!, all, branchIds });
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    s = await seed(t.db);
    reader = new OtherFigures(t.db, TZ);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('counts each figure per branch (the November round, this month, 2026 Q3, this year, today)', async () => {
    const b1 = s.orgs['教工第一党支部']!;
    const mathBranch = s.orgs['教工党支部']!;
    const got = await reader.read(set([b1, mathBranch]), PERIOD);
    expect(got.get(b1)).toEqual({
      hardshipRegistered: 3,
      hardshipVerified: 1,
      hardshipAwaitingVerification: 2,
      reliefDue: 5,
      reliefPaid: 3,
      selfEvaluationsSubmitted: 3,
      selfEvaluationsExpected: 6,
      excellentCount: 2,
      announcementRecipients: 8,
      announcementReads: 2,
      suggestionsAwaiting: 3,
      suggestionsOverdue: 1,
    });
    expect(got.get(mathBranch)).toEqual({
      hardshipRegistered: 1,
      hardshipVerified: 0,
      hardshipAwaitingVerification: 1,
      reliefDue: 1,
      reliefPaid: 1,
      selfEvaluationsSubmitted: 1,
      selfEvaluationsExpected: 2,
      excellentCount: 1,
      announcementRecipients: 1,
      announcementReads: 1,
      suggestionsAwaiting: 1,
      suggestionsOverdue: 1,
    });
    // A branch outside the set is not read.
    expect(got.has(s.orgs['组织人事党支部']!)).toBe(false);
  });

  it('equals the exports filtered to the same branch, for every branch, and the committee is the sum (regression #16)', async () => {
    const branches = (await t.db.selectFrom('organisations').select('id').where('kind', '=', 'branch').execute()).map((r) => r.id);
    const all = await reader.read(set(branches, true), PERIOD);
    for (const b of branches) {
      const figures = all.get(b) ?? {};
      const expected = await fromExports(t.db, [b]);
      for (const [key, value] of Object.entries(expected)) expect({ branch: b, key, value: figures[key as keyof Figures] ?? 0 }).toEqual({ branch: b, key, value });
    }
    const committee = await fromExports(t.db, branches);
    // Every branch of the only committee: the same rows as no filter at all.
    expect(committee).toEqual(await fromExports(t.db, undefined));
    for (const [key, value] of Object.entries(committee)) {
      const total = [...all.values()].reduce((sum, f) => sum + (f[key as keyof Figures] ?? 0), 0);
      expect({ key, total }).toEqual({ key, total: value });
    }
  });

  it('expects self-evaluations from the active members, as 本季度未自评名单 counts them', async () => {
    const b1 = s.orgs['教工第一党支部']!;
    const counts = await new SelfEvaluationRepository(t.db).branchCounts(2026, 3);
    const got = await reader.read(set([b1]), PERIOD);
    expect(got.get(b1)?.selfEvaluationsExpected).toBe(counts.find((c) => c.branch_id === b1)?.active);
    await t.db.updateTable('members').set({ status: 'deceased' }).where('id', '=', s.ids.wangjinnian!).execute();
    try {
      const after = await reader.read(set([b1]), PERIOD);
      expect(after.get(b1)?.selfEvaluationsExpected).toBe(5);
      expect((await new SelfEvaluationRepository(t.db).branchCounts(2026, 3)).find((c) => c.branch_id === b1)?.active).toBe(5);
    } finally {
      await t.db.updateTable('members').set({ status: 'active' }).where('id', '=', s.ids.wangjinnian!).execute();
    }
  });

  it('an empty branch set reads nothing; exports refuse a bad branch id or a kind that cannot be filtered by branch', async () => {
    expect((await reader.read(set([]), PERIOD)).size).toBe(0);
    expect(await collectAssistance(t.db, 'hardship', { branchIds: [] })).toEqual([]);
    await expect(collectAssistance(t.db, 'relief', { branchIds: ['1; drop table members'] })).rejects.toThrow(AssistanceExportError);
    await expect(collectVoice(t.db, 'suggestions', { branchIds: ['x'], today: TODAY })).rejects.toThrow(/branchIds must be branch ids/);
    await expect(collectVoice(t.db, 'proposals', { branchIds: [s.orgs['教工党支部']!], today: TODAY })).rejects.toThrow(VoiceExportError);
    await expect(collectIncentive(t.db, 'certificates', { branchIds: [s.orgs['教工党支部']!], today: TODAY })).rejects.toThrow(IncentiveExportError);
  });

  it('an announcement that reached none of the branches has no row in their export', async () => {
    const rows = await collectVoice(t.db, 'announcements', { branchIds: [s.orgs['教工党支部']!], today: TODAY });
    expect(rows.map((r) => [r.branch, r.addressed, r.read])).toEqual([['教工党支部', 1, 1]]);
  });
});
