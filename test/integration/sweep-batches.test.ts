// The heaviest day, small: the quarterly self-evaluation nudge to every member goes as one text, so the sweep
// writes it as delivery batches of at most one platform call's recipients (WeCom 1,000, DingTalk 100), each
// person once — in a batch's recipients, whose deliveries rows its job writes when it first claims it; a re-run adds nothing, and a family cut off halfway is completed by the re-run
// without doubles (issue 17 §5). PostgreSQL and PGlite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { sweepTestDeps } from '../helpers/sweep-deps.ts';
import { runSweep, type SweepDeps } from '../../src/notices/sweep.ts';
import { DeliveryRouter } from '../../src/services/delivery-router.ts';
import { DeliveryRepository } from '../../src/db/delivery-repository.ts';
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

/**
 * Every nudge to a member as the sweep recorded it: a delivery row, or a place in a batch's recipients (whose rows
 * the batch's job writes when it first claims the batch), in the notices' order.
 */
const nudges = async (db: Kysely<Database>) =>
  (
    await sql<NudgeRow>`
      select x.recipient, x.platform, x.batch_id from notices n join (
        select d.idempotency_key as key, d.recipient, d.platform, d.batch_id::text as batch_id from deliveries d
        union all
        select t.k, t.r, b.platform, b.id::text from delivery_batches b cross join lateral unnest(b.recipient_keys, b.recipients) as t(k, r)
      ) x on x.key = 'notice-' || n.id
       where n.kind = 'self_eval_nudge' and n.subject like 'member-%' order by n.id`.execute(db)
  ).rows;

const batches = async (db: Kysely<Database>) =>
  (
    await sql<{ id: string; platform: string; members: number; not_before: Date }>`
      select b.id::text as id, b.platform,
             ((select count(*) from deliveries d where d.batch_id = b.id) + coalesce(cardinality(b.recipients), 0))::int as members, b.not_before
        from delivery_batches b order by b.id`.execute(db)
  ).rows;

/** A trigger that fails the chunk holding chat id wx2100, as a crash in the middle of the family would. */
async function refuseOne(db: Kysely<Database>): Promise<void> {
  await sql`create function refuse_one() returns trigger language plpgsql as $$
    begin if 'wx2100' = any(new.recipients) then raise exception 'cut off for the test'; end if; return new; end $$`.execute(db);
  await sql`create trigger refuse_one before insert on delivery_batches for each row execute function refuse_one()`.execute(db);
}

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
    // The sweep wrote no delivery row for a batch's recipients: the batch carries them (notice order).
    expect(await db.db.selectFrom('deliveries').select('id').where('batch_id', 'is not', null).execute()).toEqual([]);

    // Late in the morning everything is due: the re-run inserts nothing, creates no (empty) batch, enqueues nothing.
    const second = await runSweep(sweepTestDeps(db.db, () => new Date('2026-12-18T03:00:00Z'), enqueued, enqueuedBatches), NUDGE_DAY);
    expect(second.recorded).toBe(0);
    expect(second.decided).toBe(first.decided);
    expect(await batches(db.db)).toEqual(parts);
    expect(enqueued.flat()).toEqual([]);
    expect(enqueuedBatches.flat()).toEqual([]);

    // The batch's job writes its rows when it first claims it: once, however many try at once, in the recorded
    // order; the backlog (/readyz, /metrics) counts the recipients the same before and after.
    const deliveries = new DeliveryRepository(db.db);
    const backlogBefore = await deliveries.backlog(AT_0850, 300);
    const recorded = await nudges(db.db);
    for (const part of parts) {
      const written = await Promise.all([deliveries.batches.materialize(part.id), deliveries.batches.materialize(part.id)]);
      expect(written.sort((a, b) => a - b)).toEqual([0, part.members]);
      const members = await deliveries.batches.pendingMembers(part.id);
      expect(members.map((m) => m.recipient)).toEqual(recorded.filter((r) => r.batch_id === part.id).map((r) => r.recipient));
    }
    expect(await deliveries.backlog(AT_0850, 300)).toEqual(backlogBefore);
    expect(await nudges(db.db)).toEqual(recorded);
    expect(await batches(db.db)).toEqual(parts);
    const lists = await db.db.selectFrom('delivery_batches').select(['recipients', 'recipient_keys']).execute();
    expect(lists.every((b) => b.recipients === null && b.recipient_keys === null)).toBe(true);
  });

  it('a batch waits as unwritten (no older worker takes it); the relay finds it; its first claim writes its rows with it', async () => {
    await addMembers(db.db);
    // Namesakes of one branch who joined on one day get greetings word for word alike: still each on its own.
    const branch = await db.db.selectFrom('organisations').select('id').where('name', '=', '教工第一党支部').executeTakeFirstOrThrow();
    await sql`insert into members (name, userid, join_date, branch_id) values ('同名', 'twin1', date '2010-12-18', ${branch.id}::bigint), ('同名', 'twin2', date '2010-12-18', ${branch.id}::bigint)`.execute(db.db);
    await runSweep(sweepTestDeps(db.db, () => AT_0850), NUDGE_DAY);
    const greetings = await sql<{ recipient: string; batch_id: string | null }>`
      select d.recipient, d.batch_id::text as batch_id from notices n join deliveries d on d.idempotency_key = 'notice-' || n.id
       where n.kind = 'birthday_greeting' and d.recipient in ('twin1', 'twin2') order by 1`.execute(db.db);
    expect(greetings.rows).toEqual([{ recipient: 'twin1', batch_id: null }, { recipient: 'twin2', batch_id: null }]);

    const parts = await batches(db.db);
    const statuses = await db.db.selectFrom('delivery_batches').select('status').execute();
    expect(statuses.every((b) => b.status === 'unwritten')).toBe(true);
    const repo = new DeliveryRepository(db.db).batches;
    // The relay hands them out as they come due, as it does pending ones.
    expect(await repo.findUnfinished(100, 0, new Date('2026-12-18T02:00:00Z'), ['wecom'])).toEqual(parts.map((b) => b.id));
    // An older release's claim (status 'pending' only) does not take it.
    const old = await sql`update delivery_batches set status = 'sending' where id = ${parts[0]!.id}::bigint and status = 'pending' returning id`.execute(db.db);
    expect(old.rows).toEqual([]);
    const claimed = await repo.claim(parts[0]!.id, 30, ['wecom']);
    expect(claimed?.status).toBe('sending');
    expect(claimed?.recipients).toBeNull();
    expect((await repo.pendingMembers(parts[0]!.id)).length).toBe(parts[0]!.members);
    // Held: nobody else takes it, and nothing is written twice.
    expect(await repo.claim(parts[0]!.id, 30, ['wecom'])).toBeUndefined();
    expect(await repo.materialize(parts[0]!.id)).toBe(0);
    expect(await batches(db.db)).toEqual(parts);
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
    await refuseOne(db.db);
    const deps = (): SweepDeps => ({ ...sweepTestDeps(db.db, () => AT_0850), chunkSize: 1_000 });
    const first = await runSweep(deps(), NUDGE_DAY);
    expect(first.failed).toEqual(['self_eval_nudge']);
    const written = (await nudges(db.db)).length;
    expect(written).toBe(2_000);
    expect((await batches(db.db)).map((b) => b.members)).toEqual([1_000, 1_000]);

    await sql`drop trigger refuse_one on delivery_batches`.execute(db.db);
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

describe('two chunks written at once on PostgreSQL (the worker\'s setting there)', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await createTestDatabase('postgres');
    await importCareRoster(db.db);
    await addMembers(db.db);
  });
  afterEach(() => db.drop());

  const countReachable = async () => Number((await sql<{ n: string }>`select count(*) as n from members where status = 'active' and userid is not null`.execute(db.db)).rows[0]!.n);

  it('writes the same day as one writer does: each person once, parts of at most 1,000; the re-run inserts nothing', async () => {
    const reachable = await countReachable();
    const deps = (): SweepDeps => ({ ...sweepTestDeps(db.db, () => AT_0850), chunkSize: 500, writers: 2 });
    const first = await runSweep(deps(), NUDGE_DAY);
    expect(first.failed).toEqual([]);
    const rows = await nudges(db.db);
    expect(rows).toHaveLength(reachable);
    expect(new Set(rows.map((r) => r.recipient)).size).toBe(reachable);
    expect(rows.every((r) => r.batch_id !== null)).toBe(true);
    // Chunks of 500 finish out of order, so parts may be smaller; never larger, and every one holds its rows.
    const parts = await batches(db.db);
    expect(parts.every((b) => b.members >= 1 && b.members <= 1_000)).toBe(true);
    expect(parts.reduce((sum, b) => sum + b.members, 0)).toBe(reachable);
    const again = await runSweep(deps(), NUDGE_DAY);
    expect(again.recorded).toBe(0);
    expect(await batches(db.db)).toEqual(parts);
  });

  it('a chunk that fails stops the family; what was in flight finishes; the re-run completes without doubles', async () => {
    const reachable = await countReachable();
    await refuseOne(db.db);
    const deps = (): SweepDeps => ({ ...sweepTestDeps(db.db, () => AT_0850), chunkSize: 500, writers: 2 });
    const first = await runSweep(deps(), NUDGE_DAY);
    expect(first.failed).toEqual(['self_eval_nudge']);
    const written = (await nudges(db.db)).length;
    expect(written).toBeLessThan(reachable);
    expect(written).toBeGreaterThanOrEqual(2_000);

    await sql`drop trigger refuse_one on delivery_batches`.execute(db.db);
    const again = await runSweep(deps(), NUDGE_DAY);
    expect(again.failed).toEqual([]);
    const rows = await nudges(db.db);
    expect(rows).toHaveLength(reachable);
    expect(new Set(rows.map((r) => r.recipient)).size).toBe(reachable);
    expect(rows.every((r) => r.batch_id !== null)).toBe(true);
  });
});
