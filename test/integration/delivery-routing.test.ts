// Issue 15, both platforms in one deployment, on PostgreSQL and PGlite: the outbox routes each delivery to the
// platform its member is on (preference order, sticky replies, strangers), a broadcast is cut into parts per
// platform (each within its API's recipients per call), and the sweep's notices go where their members are.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { memoryLogger } from '../helpers/stack.ts';
import { DeliveryRepository } from '../../src/db/delivery-repository.ts';
import { DeliveryRouter } from '../../src/services/delivery-router.ts';
import { Outbox } from '../../src/services/outbox.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import type { Queue } from 'bullmq';
import type { OutboundJob } from '../../src/jobs/queues.ts';

describe.each(DB_KINDS)('delivery routing on %s', (dbKind) => {
  let db: TestDb;
  afterEach(() => db?.drop());

  const setUp = async (served: Array<'wecom' | 'dingtalk'>) => {
    db = await createTestDatabase(dbKind);
    await importCareRoster(db.db);
    // 周支书 on both, 吴生日 on DingTalk only, 郑老党员 on DingTalk as well; the rest on WeCom only.
    await sql`update members set dingtalk_userid = 'dt_' || userid where userid in ('zhouzhishu', 'zhenglao')`.execute(db.db);
    await sql`update members set dingtalk_userid = userid, userid_from_dingtalk = true where userid = 'wushengri'`.execute(db.db);
    const queue = { addBulk: async () => [] } as unknown as Queue<OutboundJob>;
    return new Outbox(new DeliveryRepository(db.db), queue, memoryLogger('silent').log, 'routing', () => new Date(), { dingtalk: 2, wecom: 1_000 }, new DeliveryRouter(db.db, served));
  };
  const rows = () => db.db.selectFrom('deliveries').select(['idempotency_key', 'platform', 'recipient', 'batch_id']).orderBy('idempotency_key').execute();

  it('each delivery once, where its member is; a sticky reply where it was asked; strangers by their own id', async () => {
    const outbox = await setUp(['wecom', 'dingtalk']);
    const text = { type: 'text' as const, content: '您好' };
    await outbox.record([
      { idempotencyKey: 'a', platform: 'wecom', recipient: 'zhouzhishu', message: text },
      { idempotencyKey: 'b', platform: 'dingtalk', recipient: 'zhouzhishu', message: text, sticky: true },
      { idempotencyKey: 'c', platform: 'wecom', recipient: 'wushengri', message: text },
      { idempotencyKey: 'd', platform: 'wecom', recipient: 'sunzongzhi', message: text, sticky: true },
      { idempotencyKey: 'e', platform: 'wecom', recipient: 'dingtalk:stranger01', message: text },
      { idempotencyKey: 'f', platform: 'dingtalk', recipient: 'group:cidG==', message: text, sticky: true },
    ]);
    expect((await rows()).map((r) => [r.idempotency_key, r.platform, r.recipient])).toEqual([
      ['a', 'wecom', 'zhouzhishu'],
      ['b', 'dingtalk', 'dt_zhouzhishu'],
      ['c', 'dingtalk', 'wushengri'],
      ['d', 'wecom', 'sunzongzhi'],
      ['e', 'dingtalk', 'stranger01'],
      ['f', 'dingtalk', 'group:cidG=='],
    ]);
  });

  it('a WeCom-only deployment sends nothing to a member known only by a DingTalk account', async () => {
    const outbox = await setUp(['wecom']);
    const ids = await outbox.record([
      { idempotencyKey: 'a', platform: 'wecom', recipient: 'wushengri', message: { type: 'text', content: '您好' } },
      { idempotencyKey: 'b', platform: 'wecom', recipient: 'zhenglao', message: { type: 'text', content: '您好' } },
    ]);
    expect(ids).toHaveLength(1);
    expect((await rows()).map((r) => [r.platform, r.recipient])).toEqual([['wecom', 'zhenglao']]);
  });

  it('a broadcast is cut per platform, each within its recipients per call, the preferred platform keeping the plain keys', async () => {
    const outbox = await setUp(['wecom', 'dingtalk']);
    const recipients = ['zhouzhishu', 'wushengri', 'zhenglao', 'sunzongzhi', 'lishuji'].map((u) => ({ idempotencyKey: `ann-${u}`, recipient: u }));
    const recorded = await outbox.recordBroadcast({ platform: 'wecom', key: 'announcement:1', recipients, message: (part) => ({ type: 'text', content: `通报（第${part + 1}部分）` }) });
    const batches = await db.db.selectFrom('delivery_batches').select(['key', 'platform']).orderBy('key').execute();
    // 吴生日 is only on DingTalk (the others prefer WeCom): his part has a key of its own.
    expect(batches).toEqual([
      { key: 'announcement:1#0', platform: 'wecom' },
      { key: 'announcement:1@dingtalk#0', platform: 'dingtalk' },
    ]);
    expect(recorded.deliveryIds).toHaveLength(5);
    expect((await rows()).filter((r) => r.platform === 'dingtalk').map((r) => r.recipient)).toEqual(['wushengri']);
  });

  it('DingTalk first: the parts on DingTalk hold at most its recipients per call', async () => {
    const outbox = await setUp(['dingtalk', 'wecom']);
    const recipients = ['zhouzhishu', 'wushengri', 'zhenglao', 'sunzongzhi', 'lishuji'].map((u) => ({ idempotencyKey: `ann-${u}`, recipient: u }));
    await outbox.recordBroadcast({ platform: 'dingtalk', key: 'announcement:2', recipients, message: (part) => ({ type: 'text', content: `通报（第${part + 1}部分）` }) });
    const parts = await db.db
      .selectFrom('deliveries')
      .innerJoin('delivery_batches', 'delivery_batches.id', 'deliveries.batch_id')
      .select(['delivery_batches.key', 'deliveries.platform', 'deliveries.recipient'])
      .orderBy('deliveries.recipient')
      .execute();
    // Parts in the order of the idempotency keys, two per call on DingTalk: 吴生日 and 郑老党员, then 周支书.
    expect(parts).toEqual([
      { key: 'announcement:2#0', platform: 'dingtalk', recipient: 'dt_zhenglao' },
      { key: 'announcement:2#1', platform: 'dingtalk', recipient: 'dt_zhouzhishu' },
      { key: 'announcement:2@wecom#0', platform: 'wecom', recipient: 'lishuji' },
      { key: 'announcement:2@wecom#0', platform: 'wecom', recipient: 'sunzongzhi' },
      { key: 'announcement:2#0', platform: 'dingtalk', recipient: 'wushengri' },
    ]);
  });

  it('the sweep’s notices go to the platform each member is on', async () => {
    const outbox = await setUp(['wecom', 'dingtalk']);
    // 26 November: 吴生日's and 郑老党员's political birthdays (the care roster's join dates).
    const now = new Date('2026-11-26T00:30:00Z');
    await runSweep({ db: db.db, outbox, log: memoryLogger('silent').log, timezone: 'Asia/Shanghai', platform: 'wecom', clock: () => now }, '2026-11-26');
    const greetings = (await rows()).filter((r) => r.recipient === 'wushengri' || r.recipient.endsWith('zhenglao'));
    expect(greetings.map((r) => [r.platform, r.recipient]).sort()).toEqual([
      ['dingtalk', 'wushengri'],
      ['wecom', 'zhenglao'],
    ]);
  });
});
