// Issue 8, point 6: the same trigger reported again about the same member while its obligation is open adds to
// it (a care_events row) and opens nothing — also when two reports are processed at the same moment, which a
// read-then-insert could not promise. On PostgreSQL the second transaction is made to wait on the first's
// insert (seen in pg_locks) before the first commits; PGlite runs the same SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { lockReporter, reportTrigger, reportsSince } from '../../src/care/obligations.ts';
import { waitFor } from '../helpers/stack.ts';

for (const kind of DB_KINDS) {
  describe(`a repeated report opens nothing new (${kind})`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      await importCareRoster(db.db);
    });
    afterAll(() => db.drop());
    const memberId = async (u: string) => (await db.db.selectFrom('members').select('id').where('userid', '=', u).executeTakeFirstOrThrow()).id;
    const openTriggers = (m: string) => db.db.selectFrom('care_obligations').select(['id', 'reason']).where('member_id', '=', m).where('source', '=', 'trigger').where('status', '=', 'open').execute();

    it('five reports of one trigger: one obligation, five recorded reports; another trigger opens its own', async () => {
      const wu = await memberId('wushengri');
      const zhou = await memberId('zhouzhishu');
      const results: Array<Awaited<ReturnType<typeof reportTrigger>>> = [];
      for (let i = 0; i < 5; i += 1) {
        results.push(
          await db.db.transaction().execute((trx) =>
            reportTrigger(trx, { memberId: wu, reason: 'hospitalised', occurredOn: '2026-11-26', note: `第${i + 1}次`, reportedBy: i % 2 ? zhou : wu, today: '2026-11-26', inboundEventId: String(100 + i) }),
          ),
        );
      }
      expect(results.map((r) => [r.obligations.length, r.alreadyOpen.length])).toEqual([[1, 0], [0, 1], [0, 1], [0, 1], [0, 1]]);
      expect(results.slice(1).every((r) => r.alreadyOpen[0]!.id === results[0]!.obligations[0]!.id)).toBe(true);
      expect(await openTriggers(wu)).toHaveLength(1);
      const events = await db.db.selectFrom('care_events').select(['note', 'reported_by_member_id']).where('member_id', '=', wu).orderBy('id').execute();
      expect(events.map((e) => e.note)).toEqual(['第1次', '第2次', '第3次', '第4次', '第5次']);

      const setback = await db.db.transaction().execute((trx) => reportTrigger(trx, { memberId: wu, reason: 'setback', occurredOn: '2026-11-26', note: '', reportedBy: wu, today: '2026-11-26' }));
      expect(setback.obligations).toHaveLength(1);
      // Once the visit is done, the same trigger reported again is a new matter.
      await db.db.updateTable('care_obligations').set({ status: 'done' }).where('id', '=', results[0]!.obligations[0]!.id).execute();
      const again = await db.db.transaction().execute((trx) => reportTrigger(trx, { memberId: wu, reason: 'hospitalised', occurredOn: '2026-11-26', note: '', reportedBy: wu, today: '2026-11-26' }));
      expect(again.obligations).toHaveLength(1);
    });

    it('reports are counted per chat message, from the records', async () => {
      const zheng = await memberId('zhenglao');
      const at = (iso: string) => new Date(iso);
      await db.db.transaction().execute(async (trx) => {
        await reportTrigger(trx, { memberId: zheng, reason: 'dispute', occurredOn: '2026-11-26', note: '', reportedBy: zheng, today: '2026-11-26', reportedAt: at('2026-11-26T02:00:00Z'), inboundEventId: '900' });
        await reportTrigger(trx, { memberId: zheng, reason: 'mistake', occurredOn: '2026-11-26', note: '', reportedBy: zheng, today: '2026-11-26', reportedAt: at('2026-11-26T02:00:00Z'), inboundEventId: '900' });
        await reportTrigger(trx, { memberId: zheng, reason: 'complaint', occurredOn: '2026-11-26', note: '', reportedBy: zheng, today: '2026-11-26', reportedAt: at('2026-11-26T02:05:00Z'), inboundEventId: '901' });
      });
      expect((await reportsSince(db.db, zheng, at('2026-11-26T01:55:00Z'))).map((d) => d.toISOString())).toEqual(['2026-11-26T02:00:00.000Z', '2026-11-26T02:05:00.000Z']);
      expect(await reportsSince(db.db, zheng, at('2026-11-26T02:01:00Z'))).toHaveLength(1);
      // The per-writer lock the conversation takes before counting runs on both databases.
      await db.db.transaction().execute(async (trx) => {
        await lockReporter(trx, zheng);
        expect(await reportsSince(trx, zheng, at('2026-11-26T01:55:00Z'))).toHaveLength(2);
      });
    });

    it.runIf(kind === 'postgres')('two reports in flight at once: the second waits for the first and opens nothing', async () => {
      const chen = await memberId('chenbiezhi');
      let releaseFirst!: () => void;
      const firstMayCommit = new Promise<void>((r) => (releaseFirst = r));
      let firstInserted!: () => void;
      const firstHasInserted = new Promise<void>((r) => (firstInserted = r));
      const first = db.db.transaction().execute(async (trx) => {
        const r = await reportTrigger(trx, { memberId: chen, reason: 'bereavement', occurredOn: '2026-11-26', note: '甲', reportedBy: chen, today: '2026-11-26' });
        firstInserted();
        await firstMayCommit;
        return r;
      });
      await firstHasInserted;
      const second = db.db.transaction().execute((trx) => reportTrigger(trx, { memberId: chen, reason: 'bereavement', occurredOn: '2026-11-26', note: '乙', reportedBy: chen, today: '2026-11-26' }));
      // The second is blocked on the first's uncommitted row (a read-then-insert would not be).
      await waitFor(async () => {
        const r = await sql<{ n: string }>`select count(*)::text as n from pg_locks where not granted and locktype = 'transactionid'`.execute(db.db);
        return Number(r.rows[0]!.n) > 0;
      }, 60_000, 'the second report to wait on the first');
      releaseFirst();
      const [a, b] = await Promise.all([first, second]);
      expect(a.obligations).toHaveLength(1);
      expect(b.obligations).toHaveLength(0);
      expect(b.alreadyOpen.map((o) => o.id)).toEqual(a.obligations.map((o) => o.id));
      expect(await openTriggers(chen)).toHaveLength(1);
      expect(await db.db.selectFrom('care_events').select('note').where('member_id', '=', chen).orderBy('id').execute()).toEqual([{ note: '甲' }, { note: '乙' }]);
    });
  });
}
