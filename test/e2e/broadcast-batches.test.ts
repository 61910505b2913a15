// Issue 14 §1 end to end: a broadcast to 2,500 members through the real outbound worker and relay against the
// fake WeCom API — a frequency limit (45009) on one call and a lost answer on another — reaches everyone
// exactly once in a handful of message/send calls.
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, waitForDeliveriesSettled, type Stack } from '../helpers/stack.ts';
import { relayOnce } from '../../workers/relay.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('a broadcast through the running worker', () => {
  it('2,500 recipients, a 45009 and a lost answer: everyone once, five calls, no attempt spent on the limit', async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { maxRateLimitWaitMs: 300 } });
    const fake = stack.fake!;
    fake.latencyMs = 20;
    fake.inject('message/send', { errcode: 45009, atCall: 2 });
    fake.inject('message/send', { handleThenReset: true, atCall: 3 });
    const members = Array.from({ length: 2_500 }, (_, i) => `m${i}`);
    const recorded = await stack.deps.db.db.transaction().execute((trx) =>
      stack!.deps.outbox.recordBroadcast(
        {
          platform: 'wecom',
          key: 'announcement-21',
          recipients: members.map((m) => ({ idempotencyKey: `announcement-21:${m}`, recipient: m })),
          message: () => ({ type: 'text', content: '通知：本月主题党日活动改在周四上午九点。' }),
        },
        trx,
      ),
    );
    expect(await stack.deps.outbox.enqueueBroadcast(recorded)).toBe(true);
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound, 90_000);

    expect(members.filter((m) => fake.receivedBy(m) !== 1)).toEqual([]);
    // Three batches; one call refused with 45009 and made again; one delivered whose answer was lost, re-sent
    // identically and dropped by WeCom's duplicate check.
    expect(fake.calls['message/send']).toBe(5);
    expect(fake.duplicatesDropped).toHaveLength(1);
    const batches = await stack.deps.db.db.selectFrom('delivery_batches').select(['status', 'attempts']).execute();
    expect(batches.map((b) => b.status)).toEqual(['done', 'done', 'done']);
    expect(batches.map((b) => b.attempts).sort()).toEqual([1, 1, 2]);
    const states = await stack.deps.db.db.selectFrom('deliveries').select('status').distinct().execute();
    expect(states).toEqual([{ status: 'sent' }]);

    // The relay after the fact hands out nothing; nothing more is sent.
    expect((await relayOnce(stack.deps, { graceSeconds: 0 })).outbound).toBe(0);
    expect(fake.calls['message/send']).toBe(5);
  }, 120_000);
});
