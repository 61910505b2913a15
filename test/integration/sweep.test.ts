// The daily sweep against a real database (PostgreSQL and PGlite): what it decides for a day, that a second
// run records nothing, the catch-up after downtime, and the dry run.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { CARE_HEADER, CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import { daysToSweep, decideNotices, runDueSweeps, runSweep, type SweepDeps } from '../../src/notices/sweep.ts';
import { NoticePlanRepository } from '../../src/notices/plan-repository.ts';
import { closeFulfilled, openQuotaObligations, refreshQuotaObligationsAfterImport } from '../../src/care/obligations.ts';
import { importRosterFile } from '../../src/roster/import.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import { DeliveryRepository } from '../../src/db/delivery-repository.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';

const TZ = 'Asia/Shanghai';

describe.each(DB_KINDS)('daily sweep on %s', (kind) => {
  let db: TestDb;
  let enqueued: string[][];
  let now: Date;
  const deps = (): SweepDeps => sweepTestDeps(db.db, () => now, enqueued);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
  });
  afterAll(() => db.drop());
  beforeEach(() => {
    enqueued = [];
    now = new Date('2026-11-26T00:50:00Z'); // 08:50 in Shanghai
  });

  it('greets exactly the members whose political birthday is today, once', async () => {
    const planned = await decideNotices({ db: db.db }, '2026-11-26', false);
    const greetings = planned.filter((n) => n.kind === 'birthday_greeting');
    // Not: one who joined this year (no anniversary yet), one without a chat account.
    expect(greetings.map((g) => g.recipientUserid).sort()).toEqual(['chenbiezhi', 'wushengri', 'zhenglao']);
    const wu = greetings.find((g) => g.recipientUserid === 'wushengri')!;
    expect(wu.message.type).toBe('markdown');
    expect(JSON.stringify(wu.message)).toContain('入党14周年');
    expect(JSON.stringify(wu.message)).toContain('教工第一党支部');
    expect(JSON.stringify(greetings.find((g) => g.recipientUserid === 'zhenglao')!.message)).toContain('入党60周年');

    const first = await runSweep(deps(), '2026-11-26');
    expect(first.recorded).toBe(first.decided);
    const greeted = (await db.db.selectFrom('notices').select('id').where('kind', '=', 'birthday_greeting').execute()).map((n) => `notice-${n.id}`);
    const rows = await db.db.selectFrom('deliveries').select(['recipient', 'push', 'not_before']).where('push', '=', true).where('idempotency_key', 'in', greeted).execute();
    expect(rows.map((r) => r.recipient).sort()).toEqual(['chenbiezhi', 'wushengri', 'zhenglao']);
    // Deliveries start at 09:00 local and spread out, never all on the mark.
    const times = rows.map((r) => r.not_before!.getTime()).sort();
    expect(times[0]).toBe(Date.parse('2026-11-26T01:00:00Z'));
    expect(new Set(times).size).toBe(times.length);

    const second = await runSweep(deps(), '2026-11-26');
    expect(second.decided).toBe(first.decided);
    expect(second.recorded).toBe(0);
    // Decided at 08:50 for 09:00: nothing is queued yet; the relay enqueues each delivery as its time comes.
    expect(enqueued.flat()).toHaveLength(0);
    const deliveries = new DeliveryRepository(db.db);
    expect(await deliveries.findUnfinished(100, 0, new Date('2026-11-26T00:59:00Z'), ['wecom'])).toEqual([]);
    expect(await deliveries.findUnfinished(100, 0, new Date('2026-11-26T01:00:00.100Z'), ['wecom'])).toHaveLength(1);
    // The three greetings, and the OD's list of vacant offices (issue 11, point 7: 机关党总支 and its branches).
    expect(await deliveries.findUnfinished(100, 0, new Date('2026-11-26T01:30:00Z'), ['wecom'])).toHaveLength(4);
  });

  it('29 February joiners are greeted on 28 February in common years', async () => {
    const planned = await decideNotices({ db: db.db }, '2027-02-28', false);
    expect(planned.filter((n) => n.kind === 'birthday_greeting').map((n) => n.recipientUserid)).toEqual(['sunzongzhi']);
    expect((await decideNotices({ db: db.db }, '2028-02-28', false)).filter((n) => n.kind === 'birthday_greeting')).toEqual([]);
    expect((await decideNotices({ db: db.db }, '2028-02-29', false)).filter((n) => n.kind === 'birthday_greeting').map((n) => n.recipientUserid)).toEqual(['sunzongzhi']);
  });

  it('on 1 December: monthly birthday lists to branch secretaries, quota progress to owners, the remaining list to the OD', async () => {
    const planned = await decideNotices({ db: db.db }, '2026-12-01', false);
    const kinds = (k: string) => planned.filter((n) => n.kind === k);
    // December has no political birthdays in this roster: no lists.
    expect(kinds('birthday_month_list')).toEqual([]);
    const progress = kinds('talk_quota_progress');
    expect(progress.map((n) => n.recipientUserid).sort()).toEqual(['chuzhishu', 'lishuji', 'qianweiyuan', 'zhouzhishu']);
    const li = progress.find((n) => n.recipientUserid === 'lishuji')!;
    expect(JSON.stringify(li.message)).toContain('已完成 0/2'); // ↔ the two GB secretaries… of CS and maths
    expect(kinds('talk_quota_remaining').map((n) => n.recipientUserid)).toEqual(['zhaozuzhi']);
    // 机关党总支 has no secretaries at all: its two branches' nudges pass up to the OD (issue 11, point 7).
    expect(kinds('year_end_eval_nudge').map((n) => n.recipientUserid).sort()).toEqual(['chuzhishu', 'zhaozuzhi', 'zhaozuzhi', 'zhouzhishu']);
    expect(JSON.stringify(kinds('year_end_eval_nudge').filter((n) => n.recipientUserid === 'zhaozuzhi').map((n) => n.message))).toContain('党政办公室党支部暂无支部书记、机关党总支暂无党总支书记，此项工作由您代为安排');
  });

  it('a recorded talk closes the quota obligation, whoever recorded it; quotas opened later see earlier talks', async () => {
    const id = async (u: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', u).executeTakeFirstOrThrow()).id;
    const [li, sun] = [await id('lishuji'), await id('sunzongzhi')];
    const record = await db.db
      .insertInto('care_records')
      .values({ kind: 'talk', leader_member_id: sun, member_id: li, happened_on: '2026-03-01', reason: 'routine', recorded_by_member_id: sun, obligation_id: null, undone_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Closed at the injected clock's instant (days away from the database's), not at now().
    const closedAt = new Date('2026-03-01T07:00:00Z');
    const closed = await db.db.transaction().execute(async (trx) => closeFulfilled(trx, { id: record.id, kind: 'talk', reason: 'routine', leaderMemberId: sun, memberId: li, happenedOn: '2026-03-01' }, (await loadAccessPerson(trx, sun))!, closedAt));
    expect(closed).toHaveLength(1);
    expect((await db.db.selectFrom('care_obligations').select('closed_at').where('id', '=', closed[0]!).executeTakeFirstOrThrow()).closed_at).toEqual(closedAt);
    const pairs = (await new NoticePlanRepository(db.db).quotaPairs(2026)).filter((p) => p.owner_id === li);
    expect(pairs.map((p) => [p.member_name, p.done])).toEqual([
      ['孙总支', true],
      ['褚支书', false],
    ]);
    // Opening 2026 again adds nothing; 2027 starts with nothing done.
    expect(await openQuotaObligations(db.db, 2026, new Date('2026-11-26T02:00:00Z'))).toBe(0);
    expect(await openQuotaObligations(db.db, 2027, new Date('2027-01-01T02:00:00Z'))).toBeGreaterThan(0);
    expect((await new NoticePlanRepository(db.db).quotaPairs(2027)).filter((p) => p.owner_id === li).map((p) => p.done)).toEqual([false, false]);
    // A quota opened after the talk (a roster import mid-year) starts done.
    await db.db.deleteFrom('care_obligations').where('period', '=', '2026').where('source', '=', 'quota').execute();
    await openQuotaObligations(db.db, 2026, new Date('2026-11-26T02:00:00Z'));
    expect((await new NoticePlanRepository(db.db).quotaPairs(2026)).filter((p) => p.owner_id === li).map((p) => p.done)).toEqual([true, false]);
  });

  it('May hardship verification: nudge to every GB secretary, escalation lists only those that did not report', async () => {
    const nudge = (await decideNotices({ db: db.db }, '2026-05-06', false)).filter((n) => n.kind === 'hardship_review_nudge');
    // 机关党总支 has no secretary: the OD gets its nudge (issue 11, point 7). Each: the list, and its first card (issue 12).
    expect(nudge.map((n) => n.recipientUserid).sort()).toEqual(['chuzhishu', 'chuzhishu', 'sunzongzhi', 'sunzongzhi', 'zhaozuzhi', 'zhaozuzhi']);
    expect(nudge.filter((n) => n.recipientUserid === 'sunzongzhi').map((n) => n.message.type)).toEqual(['markdown', 'card']);
    const cs = await db.db.selectFrom('organisations').select('id').where('name', '=', '计算机学院党总支').executeTakeFirstOrThrow();
    await db.db.insertInto('hardship_reviews').values({ general_branch_id: cs.id, period: '2026-05', submitted_by_member_id: null }).execute();
    const escalation = (await decideNotices({ db: db.db }, '2026-05-29', false)).filter((n) => n.kind === 'hardship_review_escalation');
    expect(escalation.map((n) => n.recipientUserid)).toEqual(['zhaozuzhi']);
    const text = JSON.stringify(escalation[0]!.message);
    expect(text).toContain('数学学院党总支');
    expect(text).toContain('机关党总支');
    expect(text).not.toContain('计算机学院党总支');
  });

  it('the Spring Festival visit list names old members and members in hardship, to their own branch secretary only', async () => {
    const wu = await db.db.selectFrom('members').select('id').where('userid', '=', 'wushengri').executeTakeFirstOrThrow();
    await db.db.insertInto('hardship_registry').values({ member_id: wu.id, causes: ['illness'], status: 'approved', source: 'self', decided_at: null }).execute();
    // Spring Festival 2027 is 6 February; 14 days before is Saturday 23 January, moved earlier to Friday 22 January.
    const list = (await decideNotices({ db: db.db }, '2027-01-22', false)).filter((n) => n.kind === 'holiday_visit_list');
    expect(list.map((n) => n.recipientUserid)).toEqual(['zhouzhishu']);
    const text = JSON.stringify(list[0]!.message);
    expect(text).toContain('郑老党员（老党员）');
    expect(text).toContain('吴生日（生活困难）');
    // The cause (illness) is not in the message.
    expect(text).not.toMatch(/illness|患病|疾病/);
  });

  it('every rendered notice is complete', async () => {
    for (const day of ['2026-01-05', '2026-03-17', '2026-04-01', '2026-05-06', '2026-07-01', '2026-11-02', '2026-12-01', '2027-01-22', '2027-02-18']) {
      for (const n of await decideNotices({ db: db.db }, day, true)) expect(JSON.stringify(n.message)).not.toMatch(/undefined|NaN|null|\$\{/);
    }
  });
});

describe('quotas follow the roster', () => {
  it('a member added mid-year gets quota obligations; one who left has theirs cancelled', async () => {
    const db = await createTestDatabase('postgres');
    try {
      await importCareRoster(db.db);
      await openQuotaObligations(db.db, 2026, new Date('2026-11-26T02:00:00Z'));
      const owed = async (u: string) =>
        (await sql<{ status: string }>`select o.status from care_obligations o join members m on m.id = o.member_id where m.userid = ${u} and o.source = 'quota'`.execute(db.db)).rows.map((r) => r.status);
      expect(await owed('newcomer')).toEqual([]);
      // The same file plus a newcomer, without 吴生日 (retired by the import).
      const rows = [...CARE_ROWS.filter((r) => !r.startsWith('吴生日')), '新来的,newcomer,男,1995-05-05,2020-05-05,2021-05-05,计算机学院党总支,教工第一党支部,,,'];
      const out = await importRosterFile(db.db, Buffer.from([CARE_HEADER, ...rows].join('\n')), { today: '2026-11-26', retireMissing: true });
      expect(out.ok).toBe(true);
      const importedAt = new Date('2026-11-26T02:00:00Z');
      expect(await refreshQuotaObligationsAfterImport(db.db, '2026-11-26', importedAt)).toEqual({ opened: 1, cancelled: 1 });
      expect(await owed('newcomer')).toEqual(['open']);
      expect(await owed('wushengri')).toEqual(['cancelled']);
      // Cancelled at the injected clock's instant, not the database's now().
      const cancelledAt = await sql<{ closed_at: Date }>`select o.closed_at from care_obligations o join members m on m.id = o.member_id where m.userid = 'wushengri' and o.source = 'quota'`.execute(db.db);
      expect(cancelledAt.rows.map((r) => r.closed_at)).toEqual([importedAt]);
    } finally {
      await db.drop();
    }
  });
});

describe('catch-up after downtime', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(() => db.drop());

  it('a never-swept database starts today, after 08:50 only', async () => {
    expect(await daysToSweep(db.db, new Date('2026-11-26T00:40:00Z'), TZ, 7)).toEqual([]);
    expect(await daysToSweep(db.db, new Date('2026-11-26T00:50:00Z'), TZ, 7)).toEqual(['2026-11-26']);
  });

  it('sweeps the missed days, at most the configured number back, in order', async () => {
    await sql`insert into sweep_days (on_date, notices, late) values ('2026-11-22', 0, false)`.execute(db.db);
    expect(await daysToSweep(db.db, new Date('2026-11-26T03:00:00Z'), TZ, 7)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']);
    expect(await daysToSweep(db.db, new Date('2026-11-26T00:10:00Z'), TZ, 7)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25']);
    expect(await daysToSweep(db.db, new Date('2026-11-26T03:00:00Z'), TZ, 2)).toEqual(['2026-11-25', '2026-11-26']);
    // Local date, not UTC: 16:30 UTC on the 26th is already the 27th in Shanghai.
    expect((await daysToSweep(db.db, new Date('2026-11-26T16:30:00Z'), TZ, 7)).at(-1)).toBe('2026-11-26');
    expect((await daysToSweep(db.db, new Date('2026-11-27T01:00:00Z'), TZ, 7)).at(-1)).toBe('2026-11-27');
  });
});

describe.each(DB_KINDS)('catch-up beyond the window on %s (issue 11, point 14)', (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
  });
  afterAll(() => db.drop());

  it('the days beyond the window are listed to the OD in one message, once', async () => {
    const enqueued: string[][] = [];
    const deps = sweepTestDeps(db.db, () => new Date('2026-11-26T01:30:00Z'), enqueued); // 09:30 in Shanghai
    // Down from 1 November: 2–18 November lie beyond the 7-day window (19–25 are caught up, 26 is today).
    await sql`insert into sweep_days (on_date, notices, late) values ('2026-11-01', 0, false)`.execute(db.db);
    const results = await runDueSweeps(deps);
    expect(results.map((r) => r.date)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']);
    const told = (
      await sql<{ period: string; recipient: string; message: unknown }>`
        select n.period, d.recipient, d.message from notices n join deliveries d on d.idempotency_key = 'notice-' || n.id
         where n.kind = 'sweep_days_skipped'`.execute(db.db)
    ).rows;
    expect(told.map((t) => [t.recipient, t.period])).toEqual([['zhaozuzhi', '2026-11-02~2026-11-19']]);
    const text = JSON.stringify(told[0]!.message);
    expect(text).toContain('以下日期因停机未发送：2026年11月2日至11月19日（共18天）');
    // What the calendar had for those days: 2 November is the month's first working day (the birthday list).
    expect(text).toContain('本月政治生日名单');
    expect(text).toContain('谈心走访待办提醒与督办');
    // Due now (09:30): handed to the queue with the rest.
    const delivery = await db.db.selectFrom('deliveries').select('id').where('recipient', '=', 'zhaozuzhi').where('message', '=', sql<never>`${JSON.stringify(told[0]!.message)}::jsonb`).executeTakeFirstOrThrow();
    expect(enqueued.flat()).toContain(delivery.id);
    // Run again: nothing more is skipped, nobody is told twice.
    await runDueSweeps(deps);
    expect(await db.db.selectFrom('notices').select('id').where('kind', '=', 'sweep_days_skipped').execute()).toHaveLength(1);
  });
});

