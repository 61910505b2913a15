// Issue 8.2 and 8.4: a process sends only what its platform can; a send whose outcome was lost (crash or cut
// connection after WeCom delivered) is not delivered twice; a worker renews its lease while it works.
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { startStack, waitFor, type Stack } from '../helpers/stack.ts';
import { createOutboundProcessor } from '../../workers/outbound.ts';
import { relayOnce } from '../../workers/relay.ts';
import type { OutboundJob } from '../../src/jobs/queues.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const fakeJob = (deliveryId: string) =>
  ({ data: { deliveryId }, attemptsMade: 0, opts: { attempts: 6 }, moveToDelayed: async () => {} }) as unknown as Job<OutboundJob>;

describe('a process sends only its own platform', () => {
  it('a local-mode process leaves WeCom deliveries pending and shows them in /readyz and /metrics', async () => {
    let now = new Date();
    const adminToken = 'hardening-test-admin-token-0123456789';
    stack = await startStack({ overrides: { clock: () => now }, env: { ADMIN_TOKEN: adminToken } });
    expect(stack.deps.platform.name).toBe('local');
    // As a WeCom process on the same database would have recorded it (this one's outbox routes to what it serves).
    const [wecomId, localId] = await stack.deps.repos.deliveries.insertNew([
      { idempotencyKey: 'k-wecom', platform: 'wecom', recipient: 'zhangsan', message: { type: 'text', content: '您有一项待办' } },
      { idempotencyKey: 'k-local', platform: 'local', recipient: 'zhangsan', message: { type: 'text', content: '您好' } },
    ]);
    const process = createOutboundProcessor(stack.deps);
    expect(await process(fakeJob(wecomId!))).toBe('skipped');
    expect(await process(fakeJob(localId!))).toBe('sent');
    const rows = await stack.deps.db.db.selectFrom('deliveries').select(['id', 'status']).orderBy('id').execute();
    expect(rows.map((r) => r.status)).toEqual(['pending', 'sent']);
    // The relay of this process does not hand it out either.
    expect((await relayOnce(stack.deps, { graceSeconds: 0 })).outbound).toBe(0);

    const ready = await (await fetch(`${stack.baseUrl}/readyz`)).json();
    expect(ready).toMatchObject({ database: 'ok', platform: 'local', deliveries: { wecom: { unfinished: 1, overdue: 0 } }, overduePlatforms: [] });
    // Ten minutes on, nobody has sent it: overdue. (created_at is the database's time: wait until it is old enough.)
    await stack.deps.db.db.updateTable('deliveries').set({ created_at: new Date(Date.now() - 600_000) }).where('id', '=', wecomId!).execute();
    now = new Date(Date.now() + 600_000);
    const later = await (await fetch(`${stack.baseUrl}/readyz`)).json();
    expect(later).toMatchObject({ deliveries: { wecom: { unfinished: 1, overdue: 1 } }, overduePlatforms: ['wecom'] });
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).text();
    expect(metrics).toContain('partycare_deliveries_overdue{platform="wecom"} 1');
    expect(metrics).toContain('partycare_deliveries_unfinished{platform="wecom"} 1');
  });

  it('a WeCom process leaves local deliveries alone', async () => {
    stack = await startStack({ wecom: true });
    const [id] = await stack.deps.repos.deliveries.insertNew([{ idempotencyKey: 'k-l', platform: 'local', recipient: 'zhangsan', message: { type: 'text', content: '您好' } }]);
    expect(await createOutboundProcessor(stack.deps)(fakeJob(id!))).toBe('skipped');
    expect(stack.fake!.sent).toHaveLength(0);
    expect((await stack.deps.repos.deliveries.get(id!))!.status).toBe('pending');
  });
});

describe('exactly once across a lost outcome', () => {
  it('WeCom delivered but the answer was lost: the retry is the same request and WeCom drops it', async () => {
    stack = await startStack({ wecom: true, workers: true });
    stack.fake!.inject('message/send', { handleThenReset: true });
    await stack.deps.outbox.send([{ idempotencyKey: 'lost-answer', platform: 'wecom', recipient: 'lisi', message: { type: 'text', content: '政治生日快乐' } }]);
    const row = await waitFor(async () => {
      const r = await stack!.deps.db.db.selectFrom('deliveries').selectAll().where('idempotency_key', '=', 'lost-answer').executeTakeFirst();
      return r?.status === 'sent' ? r : undefined;
    }, 60_000, 'the delivery to be recorded as sent');
    expect(row.attempts).toBe(2);
    expect(stack.fake!.sent.filter((m) => m.touser === 'lisi')).toHaveLength(1);
    expect(stack.fake!.duplicatesDropped).toHaveLength(1);
    // Byte-identical: the dropped request is the delivered one.
    expect(JSON.stringify(stack.fake!.duplicatesDropped[0])).toBe(JSON.stringify(stack.fake!.sent[0]!.body));
    expect(stack.fake!.sent[0]!.body).toMatchObject({ enable_duplicate_check: 1, duplicate_check_interval: 1800 });
  });

  it('two deliveries of the same text to the same person both arrive (the second goes without the check)', async () => {
    stack = await startStack({ wecom: true, workers: true });
    await stack.deps.outbox.send([{ idempotencyKey: 'twin-1', platform: 'wecom', recipient: 'wangwu', message: { type: 'text', content: '收到' } }]);
    await stack.fake!.waitForSent(1, 60_000);
    await stack.deps.outbox.send([{ idempotencyKey: 'twin-2', platform: 'wecom', recipient: 'wangwu', message: { type: 'text', content: '收到' } }]);
    await stack.fake!.waitForSent(2, 60_000);
    expect(stack.fake!.duplicatesDropped).toHaveLength(0);
    expect(stack.fake!.sent[1]!.body.enable_duplicate_check).toBeUndefined();
  });
});

describe('leases are renewed while working', () => {
  it('a send that takes longer than the lease keeps its row: no second worker takes it, one message', async () => {
    stack = await startStack({ wecom: true, workers: true, overrides: { leaseSeconds: 1 } });
    stack.fake!.inject('message/send', { hangMs: 4_000 });
    const [id] = await stack.deps.outbox.send([{ idempotencyKey: 'slow', platform: 'wecom', recipient: 'zhaoliu', message: { type: 'text', content: '提醒' } }]);
    const first = await waitFor(async () => {
      const r = await stack!.deps.repos.deliveries.get(id!);
      return r?.status === 'sending' ? r.locked_until : undefined;
    }, 60_000, 'the send to be in flight');
    // The lease (1 s) is renewed: later it ends later than it first did, and nobody else can claim the row.
    const renewed = await waitFor(async () => {
      const r = await stack!.deps.repos.deliveries.get(id!);
      return r?.status === 'sending' && r.locked_until! > new Date(first!.getTime() + 500) ? r.locked_until : undefined;
    }, 60_000, 'the lease to be renewed');
    expect(renewed).toBeTruthy();
    expect(await stack.deps.repos.deliveries.claim(id!, 1, ['wecom'])).toBeUndefined();
    await waitFor(async () => (await stack!.deps.repos.deliveries.get(id!))?.status === 'sent', 20_000, 'sent');
    expect(stack.fake!.sent.filter((m) => m.touser === 'zhaoliu')).toHaveLength(1);
  });
});
