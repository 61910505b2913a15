// Issue 12 (relief, fixed monthly subsidy) against a real database, PostgreSQL and PGlite: who may have a subsidy
// (an approved entry with a long-term cause), overlaps refused, the budget warned, confirmation and renewal
// exactly once, each month's payment recorded once, the month's list with overdue months, the sweep's upkeep
// (renewal asked on the first working day of the month before the end month; a past term ends) and its notices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';
import { loadAccessPerson, loadMemberPlace } from '../../src/roster/responsibility.ts';
import { HardshipRegistryRepository } from '../../src/db/hardship-registry-repository.ts';
import { SubsidyRepository } from '../../src/db/subsidy-repository.ts';
import { SettingsRepository } from '../../src/db/settings-repository.ts';
import { archiveEntry } from '../../src/assistance/registry.ts';
import {
  confirmSubsidy,
  endSubsidyAtTerm,
  paymentList,
  proposeSubsidy,
  recordPayments,
  renewSubsidy,
  withdrawSubsidy,
  type Outcome,
} from '../../src/assistance/subsidies.ts';
import { subsidyUpkeep } from '../../src/assistance/subsidy-upkeep.ts';
import { chineseWorkingDayCalendar } from '../../src/domain/calendar.ts';
import type { HardshipCause } from '../../src/domain/assistance.ts';
import type { Term } from '../../src/domain/subsidy.ts';
import { decideNotices, runSweep } from '../../src/notices/sweep.ts';

const calendar = chineseWorkingDayCalendar();
const TZ = 'Asia/Shanghai';
const at = (date: string) => new Date(`${date}T02:00:00Z`); // 10:00 in Shanghai

describe.each(DB_KINDS)('fixed monthly subsidies on %s (issue 12, relief)', (kind) => {
  let db: TestDb;
  const ids = new Map<string, string>();
  const id = (name: string) => ids.get(name)!;
  const actor = async (name: string) => (await loadAccessPerson(db.db, id(name)))!;
  const place = async (name: string) => (await loadMemberPlace(db.db, id(name)))!;
  const inTrx = <T>(fn: (trx: Transaction<Database>) => Promise<T>) => db.db.transaction().execute(fn);
  // The roster facts are read before the transaction opens: PGlite has one connection, which the transaction holds.
  const propose = async (name: string, amountFen: number, term: Term, by = '赵组织', today = '2026-09-21') => {
    const [who, member] = [await actor(by), await place(name)];
    return inTrx((trx) => proposeSubsidy(trx, { actor: who, member, memberName: name, amountFen, term, now: at(today), today }));
  };
  const decide = async (step: typeof confirmSubsidy, subsidyId: string, by = '赵组织', today = '2026-09-21') => {
    const who = await actor(by);
    return inTrx((trx) => step(trx, { actor: who, subsidyId, now: at(today), today }));
  };
  const ok = <T>(o: Outcome<T>): T => {
    if (!o.ok) throw new Error(`refused: ${o.code} ${o.zh}`);
    return o.value;
  };
  const entry = async (name: string, causes: HardshipCause[], status: 'approved' | 'applied' = 'approved') =>
    new HardshipRegistryRepository(db.db).insert({ memberId: id(name), causes, source: 'self', status, appliedByMemberId: id(name), note: '', at: at('2026-09-01') });
  let wu = '';
  let feng = '';

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
    for (const m of await db.db.selectFrom('members').select(['id', 'name']).execute()) ids.set(m.name, m.id);
    await entry('吴生日', ['illness']);
    await entry('冯无号', ['old_age', 'misfortune']);
    await entry('王今年', ['misfortune']);
    await entry('陈别支', ['disability'], 'applied');
    await new SettingsRepository(db.db).put('subsidy_budget_yuan', 1_000, at('2026-09-01'));
  });
  afterAll(() => db.drop());

  it('refuses without an approved entry with a long-term cause, and for anyone but the OD', async () => {
    const refused = async (p: Promise<Outcome<unknown>>) => {
      const o = await p;
      return o.ok ? 'ok' : o.code;
    };
    expect(await refused(propose('王今年', 30_000, { start: '2026-10', end: '2026-12' }))).toBe('no_long_term_cause');
    expect(await refused(propose('陈别支', 30_000, { start: '2026-10', end: '2026-12' }))).toBe('not_in_registry');
    expect(await refused(propose('郑老党员', 30_000, { start: '2026-10', end: '2026-12' }))).toBe('not_in_registry');
    // The GB secretary and the branch secretary see amounts, but the OD alone sets a subsidy.
    expect(await refused(propose('吴生日', 30_000, { start: '2026-10', end: '2026-12' }, '孙总支'))).toBe('not_allowed');
    expect(await refused(propose('吴生日', 30_000, { start: '2026-10', end: '2026-12' }, '周支书'))).toBe('not_allowed');
    expect(await refused(propose('吴生日', 30_000, { start: '2026-08', end: '2026-12' }))).toBe('bad_term');
    expect(await db.db.selectFrom('subsidies').select('id').execute()).toEqual([]);
  });

  it('proposes, warns past the yearly budget, and refuses an overlapping term naming the one it overlaps', async () => {
    const first = await propose('吴生日', 30_000, { start: '2026-10', end: '2026-12' });
    expect(first.ok && first.warnings).toEqual([]);
    wu = ok(first).id;
    expect(ok(first)).toMatchObject({ status: 'proposed', amount_fen: 30_000, start_month: '2026-10', end_month: '2026-12', member_name: '吴生日' });
    // 2026: 900 yuan for 吴生日 and 600 for 冯无号 pass the 1,000-yuan budget — warned, not refused.
    const second = await propose('冯无号', 20_000, { start: '2026-10', end: '2027-03' });
    expect(second.ok && second.warnings).toEqual([{ year: 2026, committedFen: 150_000, budgetFen: 100_000, overFen: 50_000 }]);
    feng = ok(second).id;
    const clash = await propose('吴生日', 50_000, { start: '2026-12', end: '2027-05' });
    expect(clash).toMatchObject({ ok: false, code: 'overlap' });
    expect(!clash.ok && clash.zh).toContain('已有待确认的定额补助（2026年10月至12月，每月300元）');
    // The same sentence again while its card waits: the same proposal (its card again), nothing new.
    const again = await propose('吴生日', 30_000, { start: '2026-10', end: '2026-12' });
    expect(ok(again).id).toBe(wu);
    expect(again.ok && again.zh).toContain('尚待确认，现重新发送确认卡片');
    expect(await db.db.selectFrom('subsidies').select('id').where('member_id', '=', id('吴生日')).execute()).toHaveLength(1);
  });

  it('confirms exactly once and tells the member; a member without an account through the branch secretary', async () => {
    const done = await decide(confirmSubsidy, wu);
    expect(done.ok && done.notices).toEqual([{ recipient: 'wushengri', onceKey: `subsidy-started-${wu}-${id('吴生日')}`, message: { type: 'text', content: expect.stringContaining('每月为您发放生活补助300元') } }]);
    expect(await decide(confirmSubsidy, wu)).toMatchObject({ ok: false, code: 'already_done' });
    expect(await decide(withdrawSubsidy, wu)).toMatchObject({ ok: false, code: 'already_done' });
    // Someone not entitled cannot confirm with a forged key.
    expect(await decide(confirmSubsidy, feng, '孙总支')).toMatchObject({ ok: false, code: 'not_allowed' });
    const f = await decide(confirmSubsidy, feng);
    expect(f.ok && f.notices.map((n) => [n.recipient, n.message.type === 'text' && n.message.content.startsWith('冯无号同志没有企业微信/钉钉')])).toEqual([['zhouzhishu', true]]);
    expect(await decide(confirmSubsidy, '999999')).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('a proposal withdrawn is no longer live', async () => {
    const p = ok(await propose('吴生日', 10_000, { start: '2027-01', end: '2027-02' }));
    expect(ok(await decide(withdrawSubsidy, p.id)).status).toBe('withdrawn');
    expect(await decide(confirmSubsidy, p.id)).toMatchObject({ ok: false, code: 'withdrawn' });
  });

  it('October: the list holds both; 本月补助已发放 records each once, a second time records nothing', async () => {
    const list = await paymentList(db.db, '2026-10', { timeZone: TZ });
    expect(list.map((e) => [e.memberName, e.due])).toEqual([
      ['冯无号', { current: true, overdue: [], totalFen: 20_000 }],
      ['吴生日', { current: true, overdue: [], totalFen: 30_000 }],
    ]);
    const committeeId = (await place('赵组织')).committeeId!;
    const zhao = await actor('赵组织');
    const pay = async (which: Parameters<typeof recordPayments>[1]['which'], months: string[], today: string) =>
      ok(await inTrx((trx) => recordPayments(trx, { actor: zhao, committeeId, which, months, now: at(today), today, timeZone: TZ })));
    const first = await pay({ all: true }, ['2026-10'], '2026-10-12');
    expect(first.recorded.map((l) => [l.memberName, l.month, l.amountFen])).toEqual([
      ['冯无号', '2026-10', 20_000],
      ['吴生日', '2026-10', 30_000],
    ]);
    const again = await pay({ all: true }, ['2026-10'], '2026-10-13');
    expect(again.recorded).toEqual([]);
    expect(again.alreadyRecorded.map((l) => [l.memberName, l.paidOn, l.recordedBy])).toEqual([
      ['冯无号', '2026-10-12', '赵组织'],
      ['吴生日', '2026-10-12', '赵组织'],
    ]);
    expect(await db.db.selectFrom('subsidy_payments').select(['month', 'amount_fen']).orderBy('amount_fen').execute()).toEqual([
      { month: '2026-10', amount_fen: 20_000 },
      { month: '2026-10', amount_fen: 30_000 },
    ]);
    // November: only 吴生日 is paid; a month not come yet, and one outside the term, are named, not recorded.
    const nov = await pay({ memberIds: [id('吴生日')] }, ['2026-11'], '2026-11-03');
    expect(nov.recorded.map((l) => l.month)).toEqual(['2026-11']);
    const wrong = await pay({ memberIds: [id('吴生日')] }, ['2026-09', '2026-12'], '2026-11-03');
    expect(wrong.recorded).toEqual([]);
    expect(wrong.notCovered.map((n) => n.month)).toEqual(['2026-09', '2026-12']);
  });

  it('December: the unpaid November shows as overdue (逾期) on the list', async () => {
    const list = await paymentList(db.db, '2026-12', { timeZone: TZ });
    expect(list.map((e) => [e.memberName, e.due])).toEqual([
      ['冯无号', { current: true, overdue: ['2026-11'], totalFen: 40_000 }],
      ['吴生日', { current: true, overdue: [], totalFen: 30_000 }],
    ]);
  });

  it('the sweep asks for renewal from the first working day of the month before the end month, once', async () => {
    const tasks = () => db.db.selectFrom('assistance_tasks').select(['kind', 'subject_id', 'owner_role', 'due_on', 'opened_on', 'status']).where('kind', '=', 'subsidy_renewal').execute();
    // 吴生日 ends in December: asked in November (its first working day is Monday 2 November), not before.
    expect((await subsidyUpkeep(db.db, '2026-10-30', calendar, at('2026-10-30'))).asked).toEqual([]);
    expect((await subsidyUpkeep(db.db, '2026-11-01', calendar, at('2026-11-01'))).asked).toEqual([]); // a Sunday
    expect((await subsidyUpkeep(db.db, '2026-11-02', calendar, at('2026-11-02'))).asked).toEqual([wu]);
    expect((await subsidyUpkeep(db.db, '2026-11-03', calendar, at('2026-11-03'))).asked).toEqual([]);
    expect(await tasks()).toEqual([{ kind: 'subsidy_renewal', subject_id: wu, owner_role: 'od_staff', due_on: '2026-11-30', opened_on: '2026-11-02', status: 'open' }]);
    // The OD gets the card (续期 / 到期终止) once, and the month's list, from the planners.
    const planned = await decideNotices({ db: db.db }, '2026-11-02', false);
    const card = planned.filter((n) => n.kind === 'subsidy_renewal_asked');
    expect(card.map((n) => n.recipientUserid)).toEqual(['zhaozuzhi']);
    expect(JSON.stringify(card[0]!.message)).toContain(`subrenew-${wu}`);
    expect(JSON.stringify(card[0]!.message)).toContain('2027年1月至12月');
    const list = planned.filter((n) => n.kind === 'subsidy_payment_list');
    expect(list.map((n) => [n.recipientUserid, n.period])).toEqual([['zhaozuzhi', '2026-11']]);
  });

  it('续期 creates the next term once, closes the task and tells the member; 到期终止 is then refused', async () => {
    const [a, b] = await Promise.all([decide(renewSubsidy, wu, '赵组织', '2026-11-05'), decide(renewSubsidy, wu, '赵组织', '2026-11-05')]);
    expect([a, b].filter((o) => o.ok)).toHaveLength(1);
    expect([a, b].find((o) => !o.ok)).toMatchObject({ code: 'renewed_already' });
    const renewed = (a.ok ? a : b) as Extract<typeof a, { ok: true }>;
    expect(renewed.value).toMatchObject({ status: 'active', start_month: '2027-01', end_month: '2027-12', amount_fen: 30_000, renewed_from_id: wu });
    expect(renewed.notices[0]!.message).toMatchObject({ content: expect.stringContaining('已续期，自2027年1月起至2027年12月，每月300元') });
    expect(await db.db.selectFrom('assistance_tasks').select('status').where('subject_id', '=', wu).execute()).toEqual([{ status: 'done' }]);
    expect(await decide(endSubsidyAtTerm, wu)).toMatchObject({ ok: false, code: 'renewed_already' });
  });

  it('到期终止 marks the end; once past the end month the term ends not_renewed (else term_ended) and the member is told', async () => {
    // 冯无号's term ends in March 2027: the OD decides to end it.
    expect(await decide(endSubsidyAtTerm, feng)).toMatchObject({ ok: true, value: { status: 'active', end_decided_at: expect.any(Date) } });
    expect(await decide(endSubsidyAtTerm, feng)).toMatchObject({ ok: false, code: 'already_done' });
    // January 2027: 吴生日's first term ended (term_ended: it was renewed), the renewal runs on.
    expect((await subsidyUpkeep(db.db, '2027-01-04', calendar, at('2027-01-04'))).ended).toEqual([wu]);
    const rows = await new SubsidyRepository(db.db).subsidiesOf(id('吴生日'));
    expect(rows.map((r) => [r.start_month, r.end_month, r.status, r.ended_reason])).toEqual([
      ['2027-01', '2027-12', 'active', null],
      ['2027-01', '2027-02', 'withdrawn', null],
      ['2026-10', '2026-12', 'ended', 'term_ended'],
    ]);
    // April 2027: 冯无号's ends not_renewed; the branch secretary is told (冯无号 has no chat account).
    expect((await subsidyUpkeep(db.db, '2027-04-01', calendar, at('2027-04-01'))).ended).toEqual([feng]);
    expect((await new SubsidyRepository(db.db).subsidy(feng))!).toMatchObject({ status: 'ended', ended_reason: 'not_renewed' });
    const told = (await decideNotices({ db: db.db }, '2027-04-01', false)).filter((n) => n.kind === 'subsidy_ended');
    expect(told.map((n) => [n.recipientUserid, JSON.stringify(n.message).includes('2027年3月期满')])).toEqual([['zhouzhishu', true]]);
    // Its unpaid months stay on the list after the end (逾期), and may still be recorded.
    const list = await paymentList(db.db, '2027-04', { timeZone: TZ });
    const f = list.find((e) => e.memberName === '冯无号')!;
    expect(f.due.overdue).toEqual(['2026-11', '2026-12', '2027-01', '2027-02', '2027-03']);
    expect(f.due.current).toBe(false);
  });

  it('archiving the entry ends the live subsidy: no month after the archive is due, the months before stay owed', async () => {
    const entryId = (await new HardshipRegistryRepository(db.db).liveEntryOf(id('吴生日')))!.id;
    await db.db.transaction().execute((trx) => archiveEntry(trx, { entryId, byMemberId: id('孙总支'), reason: '已好转', now: at('2027-04-10'), today: '2027-04-10' }));
    const list = await paymentList(db.db, '2027-05', { timeZone: TZ });
    expect(list.map((e) => [e.memberName, e.subsidy.start_month, e.due.current, e.due.overdue])).toEqual([
      ['冯无号', '2026-10', false, ['2026-11', '2026-12', '2027-01', '2027-02', '2027-03']],
      ['吴生日', '2026-10', false, ['2026-12']],
      ['吴生日', '2027-01', false, ['2027-01', '2027-02', '2027-03', '2027-04']],
    ]);
  });

  it('the sweep runs the upkeep itself (a day swept twice changes nothing)', async () => {
    // 1 May 2027 is a Saturday (and 2027's holidays are not in the data yet): the list goes on Monday 3 May.
    const deps = sweepTestDeps(db.db, () => at('2027-05-03'));
    await runSweep(deps, '2027-05-03');
    await runSweep(deps, '2027-05-03');
    const notices = await db.db.selectFrom('notices').select(['kind', 'period']).where('kind', 'like', 'subsidy%').execute();
    expect(notices.filter((n) => n.kind === 'subsidy_payment_list')).toEqual([{ kind: 'subsidy_payment_list', period: '2027-05' }]);
  });
});
