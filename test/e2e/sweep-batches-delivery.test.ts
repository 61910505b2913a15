// Issue 17 §5 "batching", for the sweep's batches: the heaviest day's self-evaluation nudge, written by the sweep
// as delivery batches, sent by the running outbound worker and relay against the fake WeCom API — one call per
// 1,000 members, a member WeCom refuses (invaliduser) failed alone, a frequency limit (45009) in the middle
// parking that batch, and afterwards everyone else with the nudge exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitForDeliveriesSettled, type Stack } from '../helpers/stack.ts';
import { relayOnce } from '../../workers/relay.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

// Friday 18 December 2026: the fourth quarter's self-evaluation window opens (08:50 and 09:05 in Shanghai).
const NUDGE_DAY = '2026-12-18';
const members = Array.from({ length: 2_500 }, (_, i) => `m${String(i).padStart(4, '0')}`);
const isNudge = (body: { markdown?: { content?: string } }) => body.markdown?.content?.includes('季度党员自评') === true;

describe('the sweep’s batches through the running worker', () => {
  it('2,500 members: three calls of at most 1,000, an invaliduser failed alone, a 45009 parks its batch, everyone else once', async () => {
    const clock = runningClock('2026-12-18T00:50:00Z');
    stack = await startStack({ wecom: true, members, overrides: { clock: clock.clock, maxRateLimitWaitMs: 300 } });
    const fake = stack.fake!;
    fake.latencyMs = 20;
    fake.invalidUsers.add('m1234');
    fake.inject('message/send', { errcode: 45009, atCall: 2 });

    // The 08:50 sweep: nothing due yet; at 09:05 the relay hands out the parts, one job per batch.
    const swept = await runSweep(sweepDeps(stack.deps), NUDGE_DAY);
    expect(swept.failed).toEqual([]);
    const parts = await stack.deps.db.db.selectFrom('delivery_batches').select('id').execute();
    expect(parts).toHaveLength(3);
    clock.set('2026-12-18T01:05:00Z');
    await stack.startWorkers({ sweep: false });
    await waitForDeliveriesSettled(stack.deps.db, stack.deps.queues.outbound, 90_000);

    const nudges = fake.sent.filter((m) => isNudge(m.body as { markdown?: { content?: string } }));
    expect(nudges.map((m) => m.touser.split('|').length).sort((a, b) => b - a)).toEqual([1_000, 1_000, 500]);
    // Four calls in all: the three parts and the one refused with 45009, made again once the batch's wait was over.
    expect(fake.calls['message/send']).toBe(4);
    expect(members.filter((m) => m !== 'm1234' && fake.receivedBy(m) !== 1)).toEqual([]);
    expect(fake.receivedBy('m1234')).toBe(0);

    const rows = await stack.deps.db.db.selectFrom('deliveries').select(['recipient', 'status', 'error_code']).where('idempotency_key', 'like', 'notice-%').execute();
    expect(rows).toHaveLength(members.length);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([{ recipient: 'm1234', status: 'failed', error_code: 'invaliduser' }]);
    const batches = await stack.deps.db.db.selectFrom('delivery_batches').select(['status', 'attempts']).execute();
    expect(batches.map((b) => b.status)).toEqual(['done', 'done', 'done']);
    // The limit spent no attempt: each batch was tried once as far as its attempts go.
    expect(batches.map((b) => b.attempts)).toEqual([1, 1, 1]);

    // The relay after the fact hands out nothing; nothing more is sent.
    expect((await relayOnce(stack.deps, { graceSeconds: 0 })).outbound).toBe(0);
    expect(fake.calls['message/send']).toBe(4);
  }, 180_000);
});
