// The heaviest day, small: the quarterly self-evaluation nudge to every member goes as one text, so the sweep
// writes it as delivery batches of at most one platform call's recipients (WeCom 1,000, DingTalk 100), one
// deliveries row per person; a re-run adds nothing, and a family cut off halfway is completed by the re-run
// without doubles (issue 17 §5). PostgreSQL and PGlite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';
import { runSweep, type SweepDeps } from '../../src/notices/sweep.ts';
import { DeliveryRouter } from '../../src/services/delivery-router.ts';
import type { RouteRequest } from '../../src/services/delivery-route.ts';
import type { Outbox } from '../../src/services/outbox.ts';
import type { Database } from '../../src/db/schema.ts';
import type { Kysely } from 'kysely';

// Friday 18 December 2026: the fourth quarter's self-evaluation window opens; 08:50 in Shanghai.
const NUDGE_DAY = '2026-12-18';
const AT_0850 = new Date('2026-12-18T00:50:00Z');
const ADDED = 2_500;

/** 2,500 more active members with a chat account in one branch; the last `dingtalkOnly` of them only on DingTalk. */
async function addMembers(db: Kysely<Database>, dingtalkOnly = 0): Promise<void> {
  const branch = await db.selectFrom('organisations').select('id').where('name', '=', '教工第一党支部').executeTakeFirstOrThrow();
  await sql`
    insert into members (name, userid, join_date, branch_id, dingtalk_userid, userid_from_dingtalk)
    select '党员' || i, case when i > ${ADDED - dingtalkOnly} then 'dt' || i else 'wx' || i end, date '2010-03-03', ${branch.id}::bigint,
           case when i > ${ADDED - dingtalkOnly} then 'dt' || i end, i > ${ADDED - dingtalkOnly}
      from generate_series(1, ${ADDED}) as i`.execute(db);
}

interface NudgeRow {
  recipient: string;
  platform: string;
  batch_id: string | null;
}

const nudges = async (db: Kysely<Database>) =>
  (
    await sql<NudgeRow>`
      select d.recipient, d.platform, d.batch_id::text as batch_id from notices n join deliveries d on d.idempotency_key = 'notice-' || n.id
       where n.kind = 'self_eval_nudge' and n.subject like 'member-%' order by d.id`.execute(db)
  ).rows;

const batches = async (db: Kysely<Database>) =>
  (
    await sql<{ id: string; platform: string; members: number; not_before: Date }>`
      select b.id::text as id, b.platform, (select count(*) from deliveries d where d.batch_id = b.id)::int as members, b.not_before
        from delivery_batches b order by b.id`.execute(db)
  ).rows;

describe.each(DB_KINDS)('the self-evaluation nudge in batches on %s', (kind) => {
  let db: TestDb;
  let reachable: number;
  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
  });
  afterEach(() => db.drop());

  const countReachable = async () => Number((await sql<{ n: string }>`select count(*) as n from members where status = 'active' and userid is not null`.execute(db.db)).rows[0]!.n);

  it('WeCom: 2,500 members and more → parts of at most 1,000, each person once; the re-run inserts nothing', async () => {
    await addMembers(db.db);
    reachable = await countReachable();
    expect(reachable).toBeGreaterThan(ADDED);
    const enqueued: string[][] = [];
    const enqueuedBatches: string[][] = [];
    const first = await runSweep(sweepTestDeps(db.db, () => AT_0850, enqueued, enqueuedBatches), NUDGE_DAY);
    expect(first.failed).toEqual([]);
    const rows = await nudges(db.db);
    expect(rows).toHaveLength(reachable);
    expect(new Set(rows.map((r) => r.recipient)).size).toBe(reachable);
    expect(rows.every((r) => r.batch_id !== null && r.platform === 'wecom')).toBe(true);
    const parts = await batches(db.db);
    expect(parts.map((b) => b.members).sort((a, b) => b - a)).toEqual([1_000, 1_000, reachable - 2_000]);
    // One text for everyone: no name in it.
    const text = (await db.db.selectFrom('delivery_batches').select('message').executeTakeFirstOrThrow()).message as { content: string };
    expect(text.content).toContain('各位党员同志：请于2026年12月31日前完成本季度自评');
    expect(text.content).not.toContain('党员1');
    // The parts are three platform calls spread from 09:00 on, not all on the mark; none is due at 08:50.
    expect(parts[0]!.not_before.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-12-18T01:00:00Z'));
    expect(parts[2]!.not_before.getTime()).toBeLessThan(Date.parse('2026-12-18T01:01:00Z'));
    expect(new Set(parts.map((b) => b.not_before.getTime())).size).toBe(3);
    expect(enqueuedBatches.flat()).toEqual([]);

    // Late in the morning everything is due: the re-run inserts nothing, creates no (empty) batch, enqueues nothing.
    const second = await runSweep(sweepTestDeps(db.db, () => new Date('2026-12-18T03:00:00Z'), enqueued, enqueuedBatches), NUDGE_DAY);
    expect(second.recorded).toBe(0);
    expect(second.decided).toBe(first.decided);
    expect(await batches(db.db)).toEqual(parts);
    expect(enqueued.flat()).toEqual([]);
    expect(enqueuedBatches.flat()).toEqual([]);
  });

  it('a sweep after 09:00 enqueues the parts due now, one job per batch', async () => {
    await addMembers(db.db);
    const enqueuedBatches: string[][] = [];
    await runSweep(sweepTestDeps(db.db, () => new Date('2026-12-18T02:00:00Z'), [], enqueuedBatches), NUDGE_DAY);
    const parts = await batches(db.db);
    // Spread 250 ms apart from now: all three within the minute ahead.
    expect(enqueuedBatches.flat().sort()).toEqual(parts.map((b) => b.id).sort());
  });

  it('WeCom and DingTalk: each platform its own parts, DingTalk at most 100 a call', async () => {
    await addMembers(db.db, 250);
    reachable = await countReachable();
    const served = new DeliveryRouter(db.db, ['wecom', 'dingtalk']);
    const deps: SweepDeps = {
      ...sweepTestDeps(db.db, () => AT_0850),
      outbox: {
        enqueue: async () => true,
        enqueueBatches: async () => true,
        recipientsPerCall: (platform: string) => (platform === 'dingtalk' ? 100 : 1_000),
        route: (requests: RouteRequest[], on?: Kysely<Database>) => served.routes(requests, on),
      } as unknown as Outbox,
    };
    await runSweep(deps, NUDGE_DAY);
    const rows = await nudges(db.db);
    expect(rows).toHaveLength(reachable);
    expect(new Set(rows.map((r) => r.recipient)).size).toBe(reachable);
    const dingtalk = rows.filter((r) => r.platform === 'dingtalk');
    expect(dingtalk).toHaveLength(250);
    expect(dingtalk.every((r) => r.recipient.startsWith('dt'))).toBe(true);
    const parts = await batches(db.db);
    const sizes = (platform: string) => parts.filter((b) => b.platform === platform).map((b) => b.members).sort((a, b) => b - a);
    expect(sizes('dingtalk')).toEqual([100, 100, 50]);
    expect(sizes('wecom')).toEqual([1_000, 1_000, reachable - 250 - 2_000]);
    // A batch holds one platform's recipients only.
    const byBatch = new Map<string, Set<string>>();
    for (const r of rows) byBatch.set(r.batch_id!, (byBatch.get(r.batch_id!) ?? new Set()).add(r.platform));
    expect([...byBatch.values()].every((s) => s.size === 1)).toBe(true);
  });

  it('cut off halfway (the third chunk fails): the chunks before stay written, the re-run completes without doubles', async () => {
    await addMembers(db.db);
    reachable = await countReachable();
    // The chunk holding member wx2100 fails, as a crash in the middle of the family would leave it.
    await sql`create function refuse_one() returns trigger language plpgsql as $$
      begin if new.recipient = 'wx2100' then raise exception 'cut off for the test'; end if; return new; end $$`.execute(db.db);
    await sql`create trigger refuse_one before insert on deliveries for each row execute function refuse_one()`.execute(db.db);
    const deps = (): SweepDeps => ({ ...sweepTestDeps(db.db, () => AT_0850), chunkSize: 1_000 });
    const first = await runSweep(deps(), NUDGE_DAY);
    expect(first.failed).toEqual(['self_eval_nudge']);
    const written = (await nudges(db.db)).length;
    expect(written).toBe(2_000);
    expect((await batches(db.db)).map((b) => b.members)).toEqual([1_000, 1_000]);

    await sql`drop trigger refuse_one on deliveries`.execute(db.db);
    const again = await runSweep(deps(), NUDGE_DAY);
    expect(again.failed).toEqual([]);
    expect(again.recorded).toBe(reachable - 2_000);
    const rows = await nudges(db.db);
    expect(rows).toHaveLength(reachable);
    expect(new Set(rows.map((r) => r.recipient)).size).toBe(reachable);
    expect((await batches(db.db)).map((b) => b.members).sort((a, b) => b - a)).toEqual([1_000, 1_000, reachable - 2_000]);
    // Nobody's delivery outside a batch, no batch without deliveries.
    expect(rows.every((r) => r.batch_id !== null)).toBe(true);
  });
});
