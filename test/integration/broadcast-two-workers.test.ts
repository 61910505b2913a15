// Issue 14 §1, exactly once with two workers: an announcement's batch jobs handed to two outbound workers at the
// same moment (a job re-queued by the relay while the first worker still runs it, or a stalled job handed out
// again) make one message/send call per batch, and every recipient gets the card once.
import { afterEach, describe, expect, it } from 'vitest';
import { DelayedError, type Job } from 'bullmq';
import { startStack, type Stack } from '../helpers/stack.ts';
import { createOutboundProcessor } from '../../workers/outbound.ts';
import type { OutboundJob } from '../../src/jobs/queues.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const batchJob = (batchId: string) =>
  ({ id: `batch-${batchId}`, data: { batchId }, attemptsMade: 0, opts: { attempts: 6 }, moveToDelayed: async () => {} }) as unknown as Job<OutboundJob>;

describe('a broadcast run by two workers at once', () => {
  it('2,500 recipients, every batch job run by both workers concurrently: three calls, everyone once', async () => {
    stack = await startStack({ wecom: true });
    const all = Array.from({ length: 2_500 }, (_, i) => `member${String(i).padStart(5, '0')}`);
    const recorded = await stack.deps.outbox.recordBroadcast({
      platform: 'wecom',
      key: 'announcement:41',
      recipients: all.map((r) => ({ idempotencyKey: `announcement:41:${r}`, recipient: r })),
      message: () => ({ type: 'text', content: '关于开展主题党日活动的通报：请各支部按时组织。' }),
    });
    expect(recorded.batchIds).toHaveLength(3);
    const workers = [createOutboundProcessor(stack.deps), createOutboundProcessor(stack.deps)];
    const runs = await Promise.all(
      recorded.batchIds!.flatMap((id) =>
        workers.map((process) =>
          process(batchJob(id)).catch((err: unknown) => {
            if (err instanceof DelayedError) return 'delayed';
            throw err;
          }),
        ),
      ),
    );
    // Whichever worker lost a race either skipped the batch or waits on its lease; none sent it.
    expect(runs.filter((r) => r === 'sent')).toHaveLength(3);
    const fake = stack.fake!;
    expect(fake.calls['message/send']).toBe(3);
    expect(all.every((u) => fake.receivedBy(u) === 1)).toBe(true);
    const statuses = await stack.deps.db.db.selectFrom('deliveries').select('status').distinct().execute();
    expect(statuses.map((s) => s.status)).toEqual(['sent']);
  });
});
