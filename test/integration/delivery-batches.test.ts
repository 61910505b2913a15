// Issue 14 §1 "Sending to many people must be cheap": a broadcast's deliveries go in batches, one WeCom
// message/send per 1,000 recipients, each recipient still exactly once with a deliveries row of its own.
// The batch jobs are run by hand here (as BullMQ would), so every call and every wait is visible.
import { afterEach, describe, expect, it } from 'vitest';
import { DelayedError, type Job } from 'bullmq';
import { startStack, type Stack } from '../helpers/stack.ts';
import { createOutboundProcessor } from '../../workers/outbound.ts';
import { relayOnce } from '../../workers/relay.ts';
import type { OutboundJob } from '../../src/jobs/queues.ts';
import type { BroadcastInput } from '../../src/services/outbox.ts';
import type { MessageSender, OutboundMessage } from '../../src/platforms/types.ts';
import { Outbox } from '../../src/services/outbox.ts';
import { DB_KINDS } from '../helpers/db.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const batchJob = (batchId: string, attemptsMade = 0) =>
  ({ id: `batch-${batchId}`, data: { batchId }, attemptsMade, opts: { attempts: 6 }, moveToDelayed: async () => {} }) as unknown as Job<OutboundJob>;
const deliveryJob = (deliveryId: string) =>
  ({ id: `out-${deliveryId}`, data: { deliveryId }, attemptsMade: 0, opts: { attempts: 6 }, moveToDelayed: async () => {} }) as unknown as Job<OutboundJob>;

const users = (n: number, prefix = 'member') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);

function broadcast(recipients: string[], over: Partial<BroadcastInput> = {}): BroadcastInput {
  return {
    platform: 'wecom',
    key: 'announcement-7',
    recipients: recipients.map((r) => ({ idempotencyKey: `announcement-7:${r}`, recipient: r })),
    message: () => ({ type: 'text', content: '关于召开支部党员大会的通知：请于周五下午三点到会。' }),
    ...over,
  };
}

async function rows(s: Stack) {
  return s.deps.db.db.selectFrom('deliveries').select(['id', 'recipient', 'status', 'error_code', 'batch_id']).orderBy('id').execute();
}

async function batchRow(s: Stack, id: string) {
  return s.deps.db.db.selectFrom('delivery_batches').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Runs the batch jobs once each, as the worker would; a DelayedError (a wait) is returned, not thrown. */
async function runJobs(s: Stack, batchIds: string[]): Promise<Array<string | DelayedError>> {
  const process = createOutboundProcessor(s.deps);
  const out: Array<string | DelayedError> = [];
  for (const id of batchIds) {
    out.push(await process(batchJob(id)).catch((err: unknown) => {
      if (err instanceof DelayedError) return err;
      throw err;
    }));
  }
  return out;
}

describe('a broadcast in batches', () => {
  it('2,500 recipients: three message/send calls of at most 1,000, everyone once; a second run and the relay send nothing more', async () => {
    stack = await startStack({ wecom: true });
    const all = users(2_500);
    const recorded = await stack.deps.outbox.recordBroadcast(broadcast(all));
    expect(recorded.deliveryIds).toHaveLength(2_500);
    expect(recorded.batchIds).toHaveLength(3);
    // Recording the same broadcast again inserts nothing.
    expect(await stack.deps.outbox.recordBroadcast(broadcast(all))).toMatchObject({ deliveryIds: [], batchIds: [], looseIds: [] });
    const keys = await stack.deps.db.db.selectFrom('delivery_batches').select('key').orderBy('id').execute();
    expect(keys.map((k) => k.key)).toEqual(['announcement-7#0', 'announcement-7#1', 'announcement-7#2']);

    // The relay hands out one job per batch, never one per row.
    expect((await relayOnce(stack.deps, { graceSeconds: 0 })).outbound).toBe(3);
    const queued = await stack.deps.queues.outbound.getJobs(['waiting']);
    expect(queued.map((j) => j.data.batchId).sort()).toEqual([...recorded.batchIds!].sort());

    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['sent', 'sent', 'sent']);
    const fake = stack.fake!;
    expect(fake.calls['message/send']).toBe(3);
    expect(fake.sent.map((m) => m.touser.split('|').length)).toEqual([1_000, 1_000, 500]);
    // Parts share their text but not their recipients: each asks for WeCom's duplicate check.
    for (const m of fake.sent) expect(m.body).toMatchObject({ enable_duplicate_check: 1, duplicate_check_interval: 1800 });
    expect((await rows(stack)).every((r) => r.status === 'sent')).toBe(true);
    expect(all.every((u) => fake.receivedBy(u) === 1)).toBe(true);

    // The job run twice, and the relay after the fact: no second call.
    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['skipped', 'skipped', 'skipped']);
    expect((await relayOnce(stack.deps, { graceSeconds: 0 })).outbound).toBe(0);
    expect(fake.calls['message/send']).toBe(3);
    for (const id of recorded.batchIds!) expect(await batchRow(stack, id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('the same text to the same people again under another key goes without the duplicate check, and arrives', async () => {
    stack = await startStack({ wecom: true });
    const first = await stack.deps.outbox.recordBroadcast(broadcast(['p1', 'p2']));
    const again = await stack.deps.outbox.recordBroadcast(broadcast(['p1', 'p2'], { key: 'announcement-9', recipients: ['p1', 'p2'].map((r) => ({ idempotencyKey: `announcement-9:${r}`, recipient: r })) }));
    expect(await runJobs(stack, [...first.batchIds!, ...again.batchIds!])).toEqual(['sent', 'sent']);
    expect(stack.fake!.sent.map((m) => m.body.enable_duplicate_check)).toEqual([1, undefined]);
    expect(stack.fake!.duplicatesDropped).toHaveLength(0);
    expect([stack.fake!.receivedBy('p1'), stack.fake!.receivedBy('p2')]).toEqual([2, 2]);
  });

  it('45009 on the second call: that batch waits without burning an attempt, then everyone has it exactly once', async () => {
    stack = await startStack({ wecom: true });
    const all = users(2_500);
    const recorded = await stack.deps.outbox.recordBroadcast(broadcast(all));
    stack.fake!.inject('message/send', { errcode: 45009, atCall: 2 });
    const first = await runJobs(stack, recorded.batchIds!);
    expect(first[0]).toBe('sent');
    expect(first[1]).toBeInstanceOf(DelayedError);
    expect(first[2]).toBe('sent');
    expect(await batchRow(stack, recorded.batchIds![1]!)).toMatchObject({ status: 'pending', attempts: 0, error_code: 'rate_limited' });
    expect(await runJobs(stack, [recorded.batchIds![1]!])).toEqual(['sent']);
    expect(await batchRow(stack, recorded.batchIds![1]!)).toMatchObject({ status: 'done', attempts: 1 });
    expect(stack.fake!.calls['message/send']).toBe(4);
    expect(all.every((u) => stack!.fake!.receivedBy(u) === 1)).toBe(true);
    expect((await rows(stack)).every((r) => r.status === 'sent')).toBe(true);
  });

  it('an invalid user (answered lower-cased) fails only its own row; all invalid (81013) fails every row', async () => {
    stack = await startStack({ wecom: true });
    stack.fake!.invalidUsers.add('LiuXiaoMing');
    const recorded = await stack.deps.outbox.recordBroadcast(broadcast(['zhangsan', 'LiuXiaoMing', 'lisi']));
    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['sent']);
    expect(stack.fake!.calls['message/send']).toBe(1);
    const r = await rows(stack);
    expect(r.map((x) => [x.recipient, x.status, x.error_code])).toEqual(
      expect.arrayContaining([
        ['zhangsan', 'sent', null],
        ['LiuXiaoMing', 'failed', 'invaliduser'],
        ['lisi', 'sent', null],
      ]),
    );

    stack.fake!.invalidUsers.add('gone1');
    stack.fake!.invalidUsers.add('gone2');
    const none = await stack.deps.outbox.recordBroadcast(broadcast(['gone1', 'gone2'], { key: 'announcement-8' }));
    expect(await runJobs(stack, none.batchIds!)).toEqual(['sent']);
    const gone = (await rows(stack)).filter((x) => x.recipient.startsWith('gone'));
    expect(gone.map((x) => [x.status, x.error_code])).toEqual([
      ['failed', 'invaliduser'],
      ['failed', 'invaliduser'],
    ]);
  });

  it('a crash between sending and recording: the re-send is the identical request, dropped by the duplicate check', async () => {
    stack = await startStack({ wecom: true });
    const all = users(1_200);
    const recorded = await stack.deps.outbox.recordBroadcast(broadcast(all));
    stack.fake!.inject('message/send', { handleThenReset: true });
    const process = createOutboundProcessor(stack.deps);
    // The first call was delivered, but its answer never came: the attempt fails and the batch is retried.
    await expect(process(batchJob(recorded.batchIds![0]!))).rejects.toThrow(/network/);
    expect(await batchRow(stack, recorded.batchIds![0]!)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['sent', 'sent']);
    const fake = stack.fake!;
    expect(fake.duplicatesDropped).toHaveLength(1);
    expect(JSON.stringify(fake.duplicatesDropped[0])).toBe(JSON.stringify(fake.sent[0]!.body));
    expect(all.every((u) => fake.receivedBy(u) === 1)).toBe(true);
    expect((await rows(stack)).every((r) => r.status === 'sent')).toBe(true);
  });

  it('a push batch waits out quiet hours without spending an attempt (clock pinned at 22:30)', async () => {
    let now = new Date('2026-12-07T14:30:00Z'); // 22:30 in Asia/Shanghai
    stack = await startStack({ wecom: true, env: { QUIET_HOURS: '21:00-08:00' }, overrides: { clock: () => now } });
    const recorded = await stack.deps.outbox.recordBroadcast(broadcast(users(3), { push: true }));
    const [wait] = await runJobs(stack, recorded.batchIds!);
    expect(wait).toBeInstanceOf(DelayedError);
    expect(stack.fake!.calls['message/send'] ?? 0).toBe(0);
    expect(await batchRow(stack, recorded.batchIds![0]!)).toMatchObject({ status: 'pending', attempts: 0, frozen_at: null });
    // Not yet at 07:59 either; at 08:00 it goes.
    now = new Date('2026-12-07T23:59:00Z');
    expect((await runJobs(stack, recorded.batchIds!))[0]).toBeInstanceOf(DelayedError);
    now = new Date('2026-12-08T00:00:00Z');
    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['sent']);
    expect(stack.fake!.calls['message/send']).toBe(1);
  });

  it('a recipient over the per-member limit is split off before the first send and still gets it once', async () => {
    stack = await startStack({ wecom: true });
    // The limiter says "busy" for one member until it is freed.
    let busyFree = false;
    stack.deps.rateLimiter = {
      acquire: async (_app, userId) => (userId === 'busy' && !busyFree ? { ok: false, retryInMs: 40_000 } : { ok: true }),
    };
    const recorded = await stack.deps.outbox.recordBroadcast(broadcast(['a1', 'busy', 'a2', 'a3']));
    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['sent']);
    const fake = stack.fake!;
    expect(fake.sent.map((m) => m.touser)).toEqual(['a1|a2|a3']);
    const busy = (await rows(stack)).find((r) => r.recipient === 'busy')!;
    expect(busy).toMatchObject({ status: 'pending', batch_id: null });
    // Its own job, delayed until its slot.
    const delayed = await stack.deps.queues.outbound.getJobs(['delayed']);
    expect(delayed.map((j) => j.data.deliveryId)).toEqual([busy.id]);
    expect(delayed[0]!.opts.delay).toBeGreaterThan(30_000);

    busyFree = true;
    expect(await createOutboundProcessor(stack.deps)(deliveryJob(busy.id))).toBe('sent');
    // The batch's job again (the relay, a duplicate): nothing more.
    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['skipped']);
    expect(['a1', 'busy', 'a2', 'a3'].map((u) => fake.receivedBy(u))).toEqual([1, 1, 1, 1]);
    expect(fake.calls['message/send']).toBe(2);
  });

  it('a sender without sendMany: the batch job sends its rows one by one, each once, a refused one failed alone', async () => {
    const calls: Array<[string, OutboundMessage]> = [];
    const sender: MessageSender = {
      platform: 'local',
      send: async (userId, message) => {
        calls.push([userId, message]);
        if (userId === 'nobody') {
          const { PlatformSendError } = await import('../../src/errors.ts');
          throw new PlatformSendError('fatal', 'no such user', 'invaliduser');
        }
        return {};
      },
    };
    stack = await startStack({ overrides: { sender } });
    const recorded = await stack.deps.outbox.recordBroadcast(broadcast(['u1', 'nobody', 'u2'], { platform: 'local' }));
    expect(recorded.batchIds).toHaveLength(1);
    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['sent']);
    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['skipped']);
    expect(calls.map(([u]) => u).sort()).toEqual(['nobody', 'u1', 'u2']);
    const r = await rows(stack);
    expect(r.map((x) => [x.recipient, x.status])).toEqual(expect.arrayContaining([['u1', 'sent'], ['u2', 'sent'], ['nobody', 'failed']]));
  });
});

describe('a batch larger than the sender takes', () => {
  it('goes in several calls, each recorded together; a retry after a failed second call sends only the rest', async () => {
    const calls: string[][] = [];
    let failNext = false;
    const sender: MessageSender = {
      platform: 'local',
      maxRecipientsPerSend: 2,
      send: async () => ({}),
      sendMany: async (userIds) => {
        if (failNext) {
          failNext = false;
          const { PlatformSendError } = await import('../../src/errors.ts');
          throw new PlatformSendError('retry', 'HTTP 502', 'http_502');
        }
        calls.push([...userIds]);
        failNext = calls.length === 1;
        return { result: {}, invalidUserIds: [] };
      },
    };
    stack = await startStack({ overrides: { sender } });
    // Recorded by a process whose sender took five at a time.
    const d = stack.deps;
    const outbox = new Outbox(d.repos.deliveries, d.queues.outbound, d.log, d.instanceId, d.clock, { local: 5 });
    const recorded = await outbox.recordBroadcast(broadcast(['v1', 'v2', 'v3', 'v4', 'v5'], { platform: 'local' }));
    expect(recorded.batchIds).toHaveLength(1);
    const process = createOutboundProcessor(d);
    await expect(process(batchJob(recorded.batchIds![0]!))).rejects.toThrow(/502/);
    expect((await rows(stack)).map((r) => r.status)).toEqual(['sent', 'sent', 'pending', 'pending', 'pending']);
    expect(await process(batchJob(recorded.batchIds![0]!, 1))).toBe('sent');
    expect(calls).toEqual([['v1', 'v2'], ['v3', 'v4'], ['v5']]);
    expect((await rows(stack)).every((r) => r.status === 'sent')).toBe(true);
  });
});

describe.each(DB_KINDS)('recording a broadcast on %s', (dbKind) => {
  it('parts of at most the sender’s size, in a fixed order; again: nothing new; a recipient added later goes alone', async () => {
    stack = await startStack({ dbKind });
    const input = (list: string[]) => broadcast(list, { platform: 'local', message: (part) => ({ type: 'text', content: `通知（第${part + 1}部分）` }) });
    const all = users(2_001);
    // Any order in, the same parts out.
    const recorded = await stack.deps.outbox.recordBroadcast(input([...all].reverse()));
    expect(recorded.batchIds).toHaveLength(3);
    const parts = await stack.deps.db.db
      .selectFrom('deliveries')
      .innerJoin('delivery_batches', 'delivery_batches.id', 'deliveries.batch_id')
      .select(['delivery_batches.key', 'deliveries.recipient', 'deliveries.message'])
      .orderBy('deliveries.id')
      .execute();
    expect(parts[0]).toMatchObject({ key: 'announcement-7#0', recipient: 'member00000', message: { type: 'text', content: '通知（第1部分）' } });
    expect(parts[2_000]).toMatchObject({ key: 'announcement-7#2', recipient: 'member02000', message: { type: 'text', content: '通知（第3部分）' } });
    expect(await stack.deps.outbox.recordBroadcast(input(all))).toMatchObject({ deliveryIds: [], batchIds: [] });
    const later = await stack.deps.outbox.recordBroadcast(input([...all, 'newcomer']));
    expect(later.batchIds).toEqual([]);
    expect(later.looseIds).toHaveLength(1);
    expect(await stack.deps.outbox.enqueueBroadcast(later)).toBe(true);
    expect((await stack.deps.queues.outbound.getJobs(['waiting'])).map((j) => j.data.deliveryId)).toEqual(later.looseIds);
  });
});

describe('a broadcast on DingTalk (work notifications)', () => {
  it('250 recipients: parts of at most 100 userids, three asyncsend_v2 calls, everyone once; the jobs again send nothing', async () => {
    const all = users(250, 'dt');
    stack = await startStack({ dingtalk: { sendVia: 'work_notification' }, members: all });
    await stack.deps.db.db.updateTable('members').set((eb) => ({ dingtalk_userid: eb.ref('userid') })).execute();
    const recorded = await stack.deps.outbox.recordBroadcast(broadcast(all, { platform: 'dingtalk' }));
    expect(recorded.deliveryIds).toHaveLength(250);
    expect(recorded.batchIds).toHaveLength(3);
    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['sent', 'sent', 'sent']);
    const dingtalk = stack.dingtalk!;
    expect(dingtalk.calls['asyncsend_v2']).toBe(3);
    expect(dingtalk.sent.map((m) => [m.api, m.userIds.length])).toEqual([
      ['work_notification', 100],
      ['work_notification', 100],
      ['work_notification', 50],
    ]);
    const reached = dingtalk.sent.flatMap((m) => m.userIds);
    expect(new Set(reached).size).toBe(250);
    expect(reached).toHaveLength(250);
    expect(dingtalk.dropped).toHaveLength(0);
    expect((await rows(stack)).every((r) => r.status === 'sent')).toBe(true);
    expect(await runJobs(stack, recorded.batchIds!)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(dingtalk.calls['asyncsend_v2']).toBe(3);
  });
});
